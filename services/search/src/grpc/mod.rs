//! The gRPC edge: validate, convert, call the core on the blocking pool,
//! convert back. Errors become statuses in one place (`status`).

pub mod clients;
mod convert;
mod deadline;

use std::sync::Arc;
use std::time::Duration;

use dossier_kit::{Shutdown, run_blocking};
use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_server::SearchService;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::error::Error;
use crate::index::SearchIndex;
use crate::indexer::Control;
use crate::indexer::status::StatusCell;
use crate::related::{cooccurrences, more_like_this};
use crate::search::{PageRequest, SearchQuery, page_size, search};
use deadline::Deadlined;

/// Hits per page when the request says 0.
const DEFAULT_PAGE_SIZE: usize = 10;
/// MoreLikeThis page limit.
const MAX_MLT_PAGE_SIZE: usize = 100;
/// Co-occurrence limits (default, maximum).
const COOCCURRENCE_LIMITS: (usize, usize) = (20, 1_000);
/// Hits fetched per page while exporting.
const EXPORT_PAGE: usize = 500;
/// Hits buffered ahead of a slow export client.
const EXPORT_CHANNEL: usize = 256;

/// Request limits, from the config.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_query_bytes: usize,
    pub max_page_size: usize,
}

pub struct SearchGrpc {
    pub index: Arc<SearchIndex>,
    pub status: Arc<StatusCell>,
    pub control: Arc<Control>,
    pub limits: Limits,
    pub shutdown: Shutdown,
}

/// Longest status message sent. Messages travel in an HTTP/2 header; values
/// echoed in them are already cut (`error::echo`), this is the backstop.
const MAX_STATUS_MESSAGE: usize = 1024;

/// The one mapping from our errors to gRPC codes.
pub fn status(err: Error) -> Status {
    use dossier_kit::blocking::BlockingError;
    let mut message = err.to_string();
    if message.len() > MAX_STATUS_MESSAGE {
        let mut end = MAX_STATUS_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    match err {
        Error::InvalidArgument { .. }
        | Error::InvalidQuery(_)
        | Error::InvalidPageToken(_)
        | Error::LimitExceeded(_) => Status::invalid_argument(message),
        Error::NotFound(_) => Status::not_found(message),
        Error::Unavailable { .. } => Status::unavailable(message),
        Error::Blocking(BlockingError::Cancelled) => Status::unavailable(message),
        Error::Blocking(BlockingError::Panicked) | Error::Index(_) | Error::Internal(_) => {
            tracing::error!(error = %message, "internal error");
            Status::internal(message)
        }
    }
}

impl SearchGrpc {
    fn query(
        &self,
        text: String,
        filter: Option<pb::SearchFilter>,
        sort: i32,
        no_expansion: bool,
    ) -> Result<SearchQuery, Error> {
        if text.len() > self.limits.max_query_bytes {
            return Err(Error::LimitExceeded(format!(
                "query is {} bytes, over the limit of {} (--max-query-bytes)",
                text.len(),
                self.limits.max_query_bytes
            )));
        }
        Ok(SearchQuery {
            text,
            filter: convert::filter(filter)?,
            sort: convert::sort(sort)?,
            expand_entities: !no_expansion,
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Status> {
        let index = Arc::clone(&self.index);
        run_blocking(move || work(&index))
            .await
            .map_err(Error::from)
            .and_then(|r| r)
            .map_err(status)
    }
}

/// One ExportSearch: pages through the query exactly as a client would, so
/// the export is consistent while indexing continues and memory stays
/// bounded, until the last page, the deadline, the client leaving (the
/// receiver dropped) or shutdown.
struct Export {
    index: Arc<SearchIndex>,
    query: SearchQuery,
    include_body: bool,
    deadline: Option<Instant>,
    shutdown: Shutdown,
}

impl Export {
    /// Sends the hits to `tx`; returns how many pages it searched.
    async fn run(self, tx: mpsc::Sender<Result<pb::SearchHit, Status>>) -> usize {
        let mut token = String::new();
        let mut pages = 0;
        loop {
            // Past the deadline the response stream ends itself with
            // DEADLINE_EXCEEDED; here we only stop working.
            let expired = self.deadline.is_some_and(|d| Instant::now() >= d);
            if expired || tx.is_closed() {
                return pages;
            }
            if self.shutdown.is_triggered() {
                return self.stopped(&tx, pages).await;
            }
            let page = PageRequest {
                page_size: EXPORT_PAGE,
                page_token: std::mem::take(&mut token),
                include_body: self.include_body,
                ..PageRequest::default()
            };
            let (index, query) = (Arc::clone(&self.index), self.query.clone());
            let result = run_blocking(move || search(&index, &query, &page))
                .await
                .map_err(Error::from);
            pages += 1;
            let page = match result.and_then(|r| r) {
                Ok(page) => page,
                Err(err) => {
                    let _ = tx.send(Err(status(err))).await;
                    return pages;
                }
            };
            for hit in page.hits {
                if self.shutdown.is_triggered() {
                    return self.stopped(&tx, pages).await;
                }
                if tx.send(Ok(convert::hit(hit))).await.is_err() {
                    return pages;
                }
            }
            if page.next_page_token.is_empty() {
                return pages;
            }
            token = page.next_page_token;
        }
    }
}

impl Export {
    /// Ends an export cut short by shutdown with an error, so the client
    /// cannot take the hits it got for the whole result; gives up after a
    /// second if the client is not reading.
    async fn stopped(
        &self,
        tx: &mpsc::Sender<Result<pb::SearchHit, Status>>,
        pages: usize,
    ) -> usize {
        let unavailable = Status::unavailable("the server is shutting down; export again");
        let _ = tokio::time::timeout(Duration::from_secs(1), tx.send(Err(unavailable))).await;
        pages
    }
}

#[tonic::async_trait]
impl SearchService for SearchGrpc {
    async fn search(
        &self,
        request: Request<pb::SearchRequest>,
    ) -> Result<Response<pb::SearchResponse>, Status> {
        let pb::SearchRequest {
            query,
            page_size: size,
            page_token,
            filter,
            facets,
            sort,
            disable_entity_expansion,
            highlight,
            include_body,
        } = request.into_inner();
        let query = self
            .query(query, filter, sort, disable_entity_expansion)
            .map_err(status)?;
        let page = PageRequest {
            page_size: page_size(size, DEFAULT_PAGE_SIZE, self.limits.max_page_size)
                .map_err(status)?,
            page_token,
            facets: convert::facets(&facets).map_err(status)?,
            highlight,
            include_body,
        };
        let result = self
            .blocking(move |index| search(index, &query, &page))
            .await?;
        Ok(Response::new(convert::search_response(result)))
    }

    type ExportSearchStream = Deadlined<ReceiverStream<Result<pb::SearchHit, Status>>>;

    async fn export_search(
        &self,
        request: Request<pb::ExportSearchRequest>,
    ) -> Result<Response<Self::ExportSearchStream>, Status> {
        let timeout = deadline::timeout(request.metadata());
        let pb::ExportSearchRequest {
            query,
            filter,
            sort,
            disable_entity_expansion,
            include_body,
        } = request.into_inner();
        let query = self
            .query(query, filter, sort, disable_entity_expansion)
            .map_err(status)?;
        let (tx, rx) = mpsc::channel(EXPORT_CHANNEL);
        let deadline = timeout.map(|t| Instant::now() + t);
        let export = Export {
            index: Arc::clone(&self.index),
            query,
            include_body,
            deadline,
            shutdown: self.shutdown.clone(),
        };
        tokio::spawn(export.run(tx));
        let expired = deadline::exceeded(timeout.unwrap_or_default());
        Ok(Response::new(Deadlined::new(
            ReceiverStream::new(rx),
            deadline,
            expired,
        )))
    }

    async fn more_like_this(
        &self,
        request: Request<pb::MoreLikeThisRequest>,
    ) -> Result<Response<pb::SearchResponse>, Status> {
        let pb::MoreLikeThisRequest {
            document_id,
            page_size: size,
            filter,
        } = request.into_inner();
        let limit = page_size(size, DEFAULT_PAGE_SIZE, MAX_MLT_PAGE_SIZE).map_err(status)?;
        let filter = convert::filter(filter).map_err(status)?;
        let (hits, total_hits) = self
            .blocking(move |index| more_like_this(index, &document_id, limit, &filter))
            .await?;
        Ok(Response::new(pb::SearchResponse {
            hits: hits.into_iter().map(convert::hit).collect(),
            total_hits,
            indexed_sequence: self.index.checkpoint().map_err(status)?.sequence,
            ..Default::default()
        }))
    }

    async fn get_cooccurrences(
        &self,
        request: Request<pb::GetCooccurrencesRequest>,
    ) -> Result<Response<pb::GetCooccurrencesResponse>, Status> {
        let pb::GetCooccurrencesRequest {
            entity_id,
            limit,
            entity_types,
            published_after,
            published_before,
        } = request.into_inner();
        let (default, max) = COOCCURRENCE_LIMITS;
        let limit = match limit {
            n if n < 0 => return Err(status(Error::invalid("limit", "must not be negative"))),
            0 => default,
            n => (n as usize).min(max),
        };
        let range = convert::time_range(
            ("published_after", published_after),
            ("published_before", published_before),
        )
        .map_err(status)?;
        let entity_types =
            convert::entity_types_list("entity_types", entity_types).map_err(status)?;
        let result = self
            .blocking(move |index| cooccurrences(index, &entity_id, &entity_types, limit, range))
            .await?;
        let summary = |b: crate::facets::Bucket| pb::EntitySummary {
            id: b.value,
            canonical_name: b.display_name,
            r#type: b.entity_type,
        };
        Ok(Response::new(pb::GetCooccurrencesResponse {
            entity: Some(summary(result.entity)),
            document_count: result.document_count,
            cooccurrences: result
                .others
                .into_iter()
                .map(|b| pb::Cooccurrence {
                    document_count: b.count,
                    entity: Some(summary(b)),
                })
                .collect(),
        }))
    }

    async fn get_index_status(
        &self,
        _: Request<pb::GetIndexStatusRequest>,
    ) -> Result<Response<pb::IndexStatus>, Status> {
        let report = self.status.report(&self.index).map_err(status)?;
        Ok(Response::new(convert::index_status(report)))
    }

    async fn rebuild_index(
        &self,
        _: Request<pb::RebuildIndexRequest>,
    ) -> Result<Response<pb::IndexStatus>, Status> {
        tracing::info!("rebuild requested");
        self.control.request_rebuild();
        let report = self.status.report(&self.index).map_err(status)?;
        Ok(Response::new(convert::index_status(report)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Checkpoint, IndexOp};
    use crate::model::IndexDoc;

    const DOCS: u64 = 1_200;

    fn index() -> Arc<SearchIndex> {
        let index = SearchIndex::in_memory().unwrap();
        let docs = (1..=DOCS)
            .map(|seq| {
                IndexOp::Upsert(Box::new(IndexDoc {
                    id: format!("doc{seq}"),
                    sequence: seq,
                    title: format!("Harbour report {seq}"),
                    body: "The ferry left the harbour.".into(),
                    ..Default::default()
                }))
            })
            .collect();
        index.apply(docs).unwrap();
        index
            .commit(Checkpoint {
                sequence: DOCS,
                entity_sequence: 0,
            })
            .unwrap();
        Arc::new(index)
    }

    fn export(index: &Arc<SearchIndex>, deadline: Option<Instant>) -> Export {
        Export {
            index: Arc::clone(index),
            query: SearchQuery {
                text: "harbour".into(),
                ..SearchQuery::default()
            },
            include_body: false,
            deadline,
            shutdown: Shutdown::new(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn export_sends_every_hit_once() {
        let index = index();
        let (tx, mut rx) = mpsc::channel(EXPORT_CHANNEL);
        let task = tokio::spawn(export(&index, None).run(tx));
        let mut ids = std::collections::HashSet::new();
        while let Some(hit) = rx.recv().await {
            assert!(ids.insert(hit.unwrap().document_id));
        }
        assert_eq!(ids.len() as u64, DOCS);
        assert_eq!(task.await.unwrap(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn export_stops_when_the_client_leaves_or_the_deadline_passes() {
        let index = index();
        let (tx, mut rx) = mpsc::channel(EXPORT_CHANNEL);
        let task = tokio::spawn(export(&index, None).run(tx));
        rx.recv().await.unwrap().unwrap();
        drop(rx);
        let pages = tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("the export stops once its receiver is gone")
            .unwrap();
        assert_eq!(pages, 1, "no page is searched for a client that left");

        let (tx, _rx) = mpsc::channel(EXPORT_CHANNEL);
        let past = Instant::now() - Duration::from_millis(1);
        assert_eq!(export(&index, Some(past)).run(tx).await, 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn export_cut_by_shutdown_ends_with_an_error() {
        let index = index();
        let job = export(&index, None);
        job.shutdown.trigger();
        let (tx, mut rx) = mpsc::channel(EXPORT_CHANNEL);
        job.run(tx).await;
        let end = rx.recv().await.unwrap().unwrap_err();
        assert_eq!(end.code(), tonic::Code::Unavailable);
    }
}
