//! The gRPC edge: unpack and convert requests, call the core
//! (`service::SearchCore`), convert back. Errors become statuses in one
//! place (`status`).

pub mod clients;
mod convert;
mod status;
mod watches;

use std::pin::Pin;
use std::sync::Arc;

use dossier_kit::MessageLimit;
use dossier_kit::deadline::{self, Deadlined};
use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_server::SearchService;
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::query::Filter;
use crate::quotes::QuoteListing;
use crate::screening::ScreenOptions;
use crate::search::pass::EXACT_COUNT_UP_TO;
use crate::search::{PageRequest, SearchQuery};
use crate::service::SearchCore;
use crate::stories::view::StoryListing;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Screening results a StreamScreenNames stream holds for a slow reader.
const SCREEN_STREAM_BUFFER: usize = 64;

/// What a request over the transport's decoding limit is told: only a
/// query makes a Search, ExportSearch, ListQuotes or CreateWatch request
/// large.
pub fn message_limit(max_query_bytes: usize) -> MessageLimit {
    MessageLimit {
        rpcs: &["Search", "ExportSearch", "ListQuotes", "CreateWatch"],
        field: "query",
        max_bytes: max_query_bytes,
        flag: "--max-query-bytes",
        advice: "",
    }
}

/// The SearchService implementation.
pub struct SearchGrpc {
    core: Arc<SearchCore>,
}

impl SearchGrpc {
    pub fn new(core: SearchCore) -> Self {
        Self {
            core: Arc::new(core),
        }
    }

    /// A query in the core's terms, its text checked first.
    fn query(
        &self,
        text: String,
        filter: Option<pb::SearchFilter>,
        sort: i32,
        disable_entity_expansion: bool,
        syntax: i32,
    ) -> Result<SearchQuery, Status> {
        self.core.check_query(&text)?;
        Ok(SearchQuery {
            text,
            filter: convert::filter(filter)?,
            sort: convert::sort(sort)?,
            expand_entities: !disable_entity_expansion,
            syntax: convert::syntax(syntax)?,
        })
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
            page_size,
            page_token,
            filter,
            facets,
            sort,
            disable_entity_expansion,
            highlight,
            include_body,
            syntax,
            collapse_duplicates,
            exact_total_hits,
        } = request.into_inner();
        let query = self.query(query, filter, sort, disable_entity_expansion, syntax)?;
        let page = PageRequest {
            page_size: self.core.page_size(page_size)?,
            page_token,
            facets: convert::facets(&facets)?,
            highlight,
            include_body,
            collapse_duplicates,
            count_up_to: (!exact_total_hits).then_some(EXACT_COUNT_UP_TO),
        };
        let result = self.core.search(query, page).await?;
        Ok(Response::new(convert::search_response(result)))
    }

    type ExportSearchStream = Deadlined<BoxStream<pb::SearchHit>>;

    async fn export_search(
        &self,
        request: Request<pb::ExportSearchRequest>,
    ) -> Result<Response<Self::ExportSearchStream>, Status> {
        let deadline = deadline::stream_deadline(&request);
        let pb::ExportSearchRequest {
            query,
            filter,
            sort,
            disable_entity_expansion,
            include_body,
            syntax,
        } = request.into_inner();
        let query = self.query(query, filter, sort, disable_entity_expansion, syntax)?;
        let hits = self.core.export(query, include_body, deadline);
        let hits: BoxStream<pb::SearchHit> = Box::pin(
            ReceiverStream::new(hits).map(|hit| hit.map(convert::hit).map_err(Status::from)),
        );
        let expired = deadline::exceeded_with("ExportSearch", "allow more time, or export less");
        Ok(Response::new(Deadlined::new(hits, deadline, expired)))
    }

    async fn more_like_this(
        &self,
        request: Request<pb::MoreLikeThisRequest>,
    ) -> Result<Response<pb::SearchResponse>, Status> {
        let pb::MoreLikeThisRequest {
            document_id,
            page_size,
            filter,
        } = request.into_inner();
        let filter = convert::filter(filter)?;
        let similar = self
            .core
            .more_like_this(document_id, page_size, filter)
            .await?;
        Ok(Response::new(convert::similar(similar)))
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
        let range = convert::time_range(
            ("published_after", published_after),
            ("published_before", published_before),
        )?;
        let entity_types = convert::entity_types_list("entity_types", entity_types)?;
        let result = self
            .core
            .cooccurrences(entity_id, limit, entity_types, range)
            .await?;
        Ok(Response::new(convert::cooccurrences(result)))
    }

    async fn get_index_status(
        &self,
        _: Request<pb::GetIndexStatusRequest>,
    ) -> Result<Response<pb::IndexStatus>, Status> {
        let report = self.core.status()?;
        Ok(Response::new(convert::index_status(report)))
    }

    async fn list_stories(
        &self,
        request: Request<pb::ListStoriesRequest>,
    ) -> Result<Response<pb::ListStoriesResponse>, Status> {
        let pb::ListStoriesRequest {
            query,
            entity_id,
            published_after,
            published_before,
            source,
            page_size,
            page_token,
            order,
            min_documents,
        } = request.into_inner();
        let (after, before) = convert::time_range(
            ("published_after", published_after),
            ("published_before", published_before),
        )?;
        let listing = StoryListing {
            query,
            filter: Filter {
                sources: (!source.is_empty()).then_some(source).into_iter().collect(),
                published_after: after,
                published_before: before,
                entity_ids: (!entity_id.is_empty())
                    .then_some(entity_id)
                    .into_iter()
                    .collect(),
                ..Filter::default()
            },
            order: convert::story_order(order)?,
            min_documents,
        };
        let page_size = self.core.story_page_size(page_size)?;
        let page = self
            .core
            .list_stories(listing, page_size, page_token)
            .await?;
        Ok(Response::new(convert::story_page(page)))
    }

    async fn get_story(
        &self,
        request: Request<pb::GetStoryRequest>,
    ) -> Result<Response<pb::Story>, Status> {
        let pb::GetStoryRequest { id } = request.into_inner();
        let story = self.core.get_story(id).await?;
        Ok(Response::new(convert::story(story)))
    }

    async fn list_quotes(
        &self,
        request: Request<pb::ListQuotesRequest>,
    ) -> Result<Response<pb::ListQuotesResponse>, Status> {
        let pb::ListQuotesRequest {
            entity_id,
            query,
            published_after,
            published_before,
            source,
            page_size,
            page_token,
            direct_only,
        } = request.into_inner();
        let (published_after, published_before) = convert::time_range(
            ("published_after", published_after),
            ("published_before", published_before),
        )?;
        let listing = QuoteListing {
            entity_id,
            query,
            published_after,
            published_before,
            source,
            direct_only,
        };
        let page_size = self.core.quote_page_size(page_size)?;
        let page = self
            .core
            .list_quotes(listing, page_size, page_token)
            .await?;
        Ok(Response::new(convert::quote_page(page)))
    }

    async fn rebuild_index(
        &self,
        _: Request<pb::RebuildIndexRequest>,
    ) -> Result<Response<pb::IndexStatus>, Status> {
        let report = self.core.rebuild()?;
        Ok(Response::new(convert::index_status(report)))
    }

    async fn create_watch(
        &self,
        request: Request<pb::CreateWatchRequest>,
    ) -> Result<Response<pb::Watch>, Status> {
        let spec = watches::spec(request.into_inner())?;
        let watch = self.core.create_watch(spec).await?;
        Ok(Response::new(watches::watch(watch)))
    }

    async fn get_watch(
        &self,
        request: Request<pb::GetWatchRequest>,
    ) -> Result<Response<pb::Watch>, Status> {
        let pb::GetWatchRequest { id } = request.into_inner();
        let watch = self.core.get_watch(&id)?;
        Ok(Response::new(watches::watch(watch)))
    }

    async fn list_watches(
        &self,
        request: Request<pb::ListWatchesRequest>,
    ) -> Result<Response<pb::ListWatchesResponse>, Status> {
        let pb::ListWatchesRequest {
            page_size,
            page_token,
        } = request.into_inner();
        let page = self.core.list_watches(page_size, &page_token)?;
        Ok(Response::new(watches::page(page)))
    }

    async fn delete_watch(
        &self,
        request: Request<pb::DeleteWatchRequest>,
    ) -> Result<Response<pb::DeleteWatchResponse>, Status> {
        let pb::DeleteWatchRequest { id } = request.into_inner();
        self.core.delete_watch(id).await?;
        Ok(Response::new(pb::DeleteWatchResponse {}))
    }

    type StreamWatchMatchesStream = Deadlined<BoxStream<pb::WatchMatch>>;

    async fn stream_watch_matches(
        &self,
        request: Request<pb::StreamWatchMatchesRequest>,
    ) -> Result<Response<Self::StreamWatchMatchesStream>, Status> {
        let deadline = deadline::stream_deadline(&request);
        let pb::StreamWatchMatchesRequest {
            watch_id,
            after_sequence,
        } = request.into_inner();
        let matches = self.core.stream_watch(watch_id, after_sequence, deadline)?;
        let matches: BoxStream<pb::WatchMatch> = Box::pin(
            ReceiverStream::new(matches)
                .map(|found| found.map(watches::found).map_err(Status::from)),
        );
        let expired = deadline::exceeded_with(
            "StreamWatchMatches",
            "resume after the last sequence received, with a later deadline or none",
        );
        Ok(Response::new(Deadlined::new(matches, deadline, expired)))
    }

    // Screening: extraction matches the names, the index adds evidence.
    async fn screen_names(
        &self,
        request: Request<pb::ScreenNamesRequest>,
    ) -> Result<Response<pb::ScreenNamesResponse>, Status> {
        let pb::ScreenNamesRequest {
            names,
            min_score,
            max_matches_per_name,
            evidence_per_match,
        } = request.into_inner();
        let options =
            ScreenOptions::from_request(min_score, max_matches_per_name, evidence_per_match)?;
        let names = convert::screen_names(names)?;
        let results = self.core.screen_names(names, options).await?;
        Ok(Response::new(pb::ScreenNamesResponse {
            results: results.into_iter().map(convert::screen_result).collect(),
        }))
    }

    type StreamScreenNamesStream = BoxStream<pb::ScreenResult>;

    async fn stream_screen_names(
        &self,
        request: Request<pb::ScreenNamesRequest>,
    ) -> Result<Response<Self::StreamScreenNamesStream>, Status> {
        let pb::ScreenNamesRequest {
            names,
            min_score,
            max_matches_per_name,
            evidence_per_match,
        } = request.into_inner();
        let options =
            ScreenOptions::from_request(min_score, max_matches_per_name, evidence_per_match)?;
        let names = convert::screen_names(names)?;
        self.core.check_screening(&names)?;
        let core = Arc::clone(&self.core);
        // One part at a time: a slow reader holds the next part back (the
        // channel holds one part), and a client that goes away stops it.
        let (tx, rx) =
            tokio::sync::mpsc::channel::<Result<pb::ScreenResult, Status>>(SCREEN_STREAM_BUFFER);
        tokio::spawn(async move {
            for (first, part) in SearchCore::screen_parts(names) {
                match core.screen_part(part, first, options).await {
                    Ok(results) => {
                        for r in results {
                            if tx.send(Ok(convert::screen_result(r))).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}
