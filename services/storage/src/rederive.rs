//! Re-derivation: documents whose text was derived by an older cleaner
//! (or, at `text_version` 0, stored before storage derived text at all) get
//! it derived again, in the background, after start.
//!
//! - Bounded: [`BATCH`] documents are read, cleaned on the blocking pool and
//!   written at a time; the next batch waits for the previous one's commit.
//! - Never blocking writes: the updates go through the writer's queue like
//!   any write, behind what clients already queued, and each batch is small.
//! - Resumable: progress is the data itself (a re-derived document has the
//!   current version), so a restart simply finds what is left.
//! - Followed: each update is a TEXT_UPDATED change with a new sequence, so
//!   search and extraction re-read the document from the feed.
//!
//! `source` is not re-derived: with the content hash it is the dedup key,
//! fixed when the document was created.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dossier_article::CLEANER_VERSION;
use dossier_kit::Shutdown;

use crate::config::Limits;
use crate::derive;
use crate::error::Result;
use crate::model::{StoredDocument, Timestamp};
use crate::store::{Store, TextUpdate};

/// Documents re-derived per round.
pub const BATCH: usize = 32;

/// How long to wait after a failed round (the database away, a full disk)
/// before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Documents still awaiting re-derivation, for GetStorageStatus.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    pub fn pending(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed);
    }

    fn done(&self, count: u64) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
                Some(v.saturating_sub(count))
            });
    }
}

/// Starts the background re-derivation; it ends when every document is
/// current or `shutdown` triggers.
pub fn spawn(store: Store, limits: Limits, progress: Progress, shutdown: Shutdown) {
    tokio::spawn(async move {
        tokio::select! {
            () = run(&store, &limits, &progress) => {}
            () = shutdown.triggered() => {}
        }
    });
}

async fn run(store: &Store, limits: &Limits, progress: &Progress) {
    loop {
        match run_once(store, limits, progress).await {
            Ok(0) => return,
            Ok(count) => {
                tracing::info!(count, version = CLEANER_VERSION, "article text re-derived");
                return;
            }
            Err(err) => {
                tracing::warn!(error = %err, "re-deriving article text failed, retrying");
                tokio::time::sleep(RETRY_AFTER).await;
            }
        }
    }
}

/// One pass over the store; returns how many documents it updated.
async fn run_once(store: &Store, limits: &Limits, progress: &Progress) -> Result<u64> {
    let pending = store.count_stale(CLEANER_VERSION).await?;
    progress.set(pending);
    if pending == 0 {
        return Ok(0);
    }
    tracing::info!(
        pending,
        version = CLEANER_VERSION,
        "re-deriving article text of older documents"
    );
    let mut after = None;
    let mut updated = 0;
    loop {
        let (documents, next) = store.stale_after(after, BATCH, CLEANER_VERSION).await?;
        let count = documents.len() as u64;
        let limits = limits.clone();
        let updates = dossier_kit::run_blocking(move || {
            let now = Timestamp::now();
            documents
                .into_iter()
                .map(|d| text_update(d, &limits, now))
                .collect::<Vec<_>>()
        })
        .await?;
        // Queued together, so they share a commit; awaited before the next
        // batch, so at most BATCH are ever in the queue.
        let results =
            futures::future::join_all(updates.into_iter().map(|u| store.update_text(u))).await;
        for result in results {
            if result?.is_some() {
                updated += 1;
            }
        }
        progress.done(count);
        match next {
            Some(id) => after = Some(id),
            None => break,
        }
    }
    progress.set(0);
    Ok(updated)
}

/// A stored document's text derived by this cleaner.
pub fn text_update(document: StoredDocument, limits: &Limits, now: Timestamp) -> TextUpdate {
    let StoredDocument {
        id,
        mut fields,
        article,
        ..
    } = document;
    let new = derive::derive(&mut fields, article.derived, limits, now, false);
    TextUpdate {
        id,
        from_version: article.text_version,
        fields,
        article: new,
    }
}
