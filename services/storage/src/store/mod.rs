//! The document store: one interface over two backends.
//!
//! - [`embedded`]: redb in the data directory (the default, one machine).
//! - [`postgres`]: a PostgreSQL database (`--database-url`), for deployments
//!   that want an engine they can replicate, back up and share.
//!
//! Both keep the same contract, which the service, the feed and the tests rely
//! on: a write is acknowledged only once durable; a retried request_id or the
//! same content from the same source never makes a second document; ids grow
//! in commit order (stable paging); and the change log's sequence numbers are
//! gap-free and follow commit order, so a watcher resuming after N misses
//! nothing. `subscribe` wakes watchers after commits; they always read the
//! changes from the store itself.

mod embedded;
mod ops;
mod postgres;

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{oneshot, watch};
use ulid::Ulid;

use crate::config::DatabaseUrl;
use crate::error::{Error, Result};
use crate::model::{Change, CreateResult, NewDocument, StorageStatus, StoredDocument};
use crate::paging::ListFilter;

pub use embedded::{DATABASE_FILE, EmbeddedStore};
pub use ops::TextUpdate;
pub use postgres::PgStore;

/// Most rows one List call looks at, so a selective filter over a large store
/// answers with a shorter page (and a token) rather than scanning everything.
pub const MAX_LIST_SCAN: usize = 20_000;

/// Most bytes of documents in one List page: clients reject messages over
/// 4 MiB by default, and a page of large articles would exceed it.
pub const MAX_PAGE_BYTES: usize = 3 * 1024 * 1024;

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Directory of the embedded store.
    pub data_dir: PathBuf,
    /// PostgreSQL instead of the embedded store when set.
    pub database_url: Option<DatabaseUrl>,
    /// Most writes committed in one transaction.
    pub max_batch: usize,
    pub request_id_retention: Duration,
}

/// A page of documents and where the next page starts.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub documents: Vec<StoredDocument>,
    /// The id to resume after, `None` when the listing is complete.
    pub next_after: Option<Ulid>,
}

/// A handle to the store; cheap to clone, shared by every request.
#[derive(Clone)]
pub enum Store {
    Embedded(EmbeddedStore),
    Postgres(PgStore),
}

impl Store {
    /// Opens the backend the options name and starts its writer.
    pub async fn open(options: StoreOptions) -> Result<Self> {
        match options.database_url.clone() {
            Some(url) => Ok(Self::Postgres(PgStore::open(&url, &options).await?)),
            None => {
                let store =
                    dossier_kit::run_blocking(move || EmbeddedStore::open(&options)).await??;
                Ok(Self::Embedded(store))
            }
        }
    }

    /// "embedded" or "postgres", for logs and reports.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Queues a create and returns a receiver of its durable result. Queueing
    /// waits while the writer's queue is full; the commit itself is awaited
    /// through the receiver, so one caller can keep many creates in flight
    /// and they are applied in the order they were queued.
    pub async fn enqueue_create(
        &self,
        document: NewDocument,
        request_id: Option<String>,
    ) -> Result<oneshot::Receiver<Result<CreateResult>>> {
        self.queue().enqueue_create(document, request_id).await
    }

    /// Stores a document (or finds its duplicate or earlier request) and
    /// returns once the result is durable.
    pub async fn create(
        &self,
        document: NewDocument,
        request_id: Option<String>,
    ) -> Result<CreateResult> {
        let receiver = self.enqueue_create(document, request_id).await?;
        receiver.await.map_err(|_| Error::ShuttingDown)?
    }

    /// Deletes a document; returns the sequence of the DELETED change.
    pub async fn delete(&self, id: Ulid) -> Result<u64> {
        self.queue().delete(id).await
    }

    pub async fn get(&self, id: Ulid) -> Result<StoredDocument> {
        let found = match self {
            Self::Embedded(store) => store.get(id).await?,
            Self::Postgres(store) => store.get(id).await?,
        };
        found.ok_or_else(|| Error::NotFound { id: id.to_string() })
    }

    /// Documents after `after` in id order that match `filter`, at most
    /// `limit` of them.
    pub async fn list(
        &self,
        filter: ListFilter,
        after: Option<Ulid>,
        limit: usize,
    ) -> Result<Page> {
        match self {
            Self::Embedded(store) => store.list(filter, after, limit).await,
            Self::Postgres(store) => store.list(filter, after, limit).await,
        }
    }

    /// Up to `limit` changes with a sequence above `after`, oldest first.
    pub async fn changes_after(
        &self,
        after: u64,
        limit: usize,
        with_documents: bool,
    ) -> Result<Vec<Change>> {
        match self {
            Self::Embedded(store) => store.changes_after(after, limit, with_documents).await,
            Self::Postgres(store) => store.changes_after(after, limit, with_documents).await,
        }
    }

    pub async fn status(&self) -> Result<StorageStatus> {
        match self {
            Self::Embedded(store) => store.status().await,
            Self::Postgres(store) => store.status().await,
        }
    }

    /// Documents after `after` whose text is older than `version` (at most
    /// `limit`), and the id to resume after (`None` once the store is done).
    pub async fn stale_after(
        &self,
        after: Option<Ulid>,
        limit: usize,
        version: u32,
    ) -> Result<(Vec<StoredDocument>, Option<Ulid>)> {
        match self {
            Self::Embedded(store) => store.stale_after(after, limit, version).await,
            Self::Postgres(store) => store.stale_after(after, limit, version).await,
        }
    }

    /// How many documents have text older than `version`.
    pub async fn count_stale(&self, version: u32) -> Result<u64> {
        match self {
            Self::Embedded(store) => store.count_stale(version).await,
            Self::Postgres(store) => store.count_stale(version).await,
        }
    }

    /// Writes a re-derived text through the writer (so its TEXT_UPDATED
    /// change takes the next sequence like any write); `None` when the
    /// document is gone or was re-derived meanwhile.
    pub async fn update_text(&self, update: TextUpdate) -> Result<Option<u64>> {
        self.queue().update_text(update).await
    }

    /// The sequence of the newest committed change, updated after every
    /// commit: watchers wait on it instead of polling.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        match self {
            Self::Embedded(store) => store.subscribe(),
            Self::Postgres(store) => store.subscribe(),
        }
    }

    /// Commits what is queued, stops the writer and waits for it. Later
    /// writes fail with `ShuttingDown`. Safe to call more than once.
    pub async fn close(&self) {
        match self {
            Self::Embedded(store) => store.close().await,
            Self::Postgres(store) => store.close().await,
        }
    }

    fn queue(&self) -> &ops::WriteQueue {
        match self {
            Self::Embedded(store) => store.queue(),
            Self::Postgres(store) => store.queue(),
        }
    }
}
