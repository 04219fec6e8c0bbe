//! ExportSearch's paging job: pages through a query exactly as a client
//! would, so the export is consistent while indexing continues and memory
//! stays bounded, until the last page, the deadline, the client leaving
//! (the receiver dropped) or shutdown.

use std::sync::Arc;
use std::time::Duration;

use dossier_kit::{Shutdown, run_blocking};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::index::SearchIndex;
use crate::search::{Hit, PageRequest, SearchQuery, search};

/// Hits fetched per page while exporting.
const EXPORT_PAGE: usize = 500;
/// Hits buffered ahead of a slow export client.
pub const EXPORT_CHANNEL: usize = 256;
/// How long an export cut short by shutdown waits to hand the client its
/// error before giving up on a client that is not reading.
const STOPPED_SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// One ExportSearch.
pub struct Export {
    pub index: Arc<SearchIndex>,
    pub query: SearchQuery,
    pub include_body: bool,
    /// The client's: past it the job stops (the edge ends the response).
    pub deadline: Option<Instant>,
    pub shutdown: Shutdown,
}

impl Export {
    /// Starts the job; its hits (then an error, if it fails or is cut
    /// short by shutdown) arrive on the receiver. Dropping the receiver
    /// stops it.
    pub fn start(self) -> mpsc::Receiver<Result<Hit>> {
        let (tx, rx) = mpsc::channel(EXPORT_CHANNEL);
        tokio::spawn(self.run(tx));
        rx
    }

    /// Sends the hits to `tx`; returns how many pages it searched.
    pub async fn run(self, tx: mpsc::Sender<Result<Hit>>) -> usize {
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
                return stopped(&tx, pages).await;
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
                    let _ = tx.send(Err(err)).await;
                    return pages;
                }
            };
            for hit in page.hits {
                if self.shutdown.is_triggered() {
                    return stopped(&tx, pages).await;
                }
                if tx.send(Ok(hit)).await.is_err() {
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

/// Ends an export cut short by shutdown with an error, so the client
/// cannot take the hits it got for the whole result; gives up after
/// [`STOPPED_SEND_TIMEOUT`] if the client is not reading.
async fn stopped(tx: &mpsc::Sender<Result<Hit>>, pages: usize) -> usize {
    let end = tx.send(Err(Error::ShuttingDown));
    let _ = tokio::time::timeout(STOPPED_SEND_TIMEOUT, end).await;
    pages
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
            assert!(ids.insert(hit.unwrap().doc.id));
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
        assert!(matches!(end, Error::ShuttingDown), "{end}");
    }
}
