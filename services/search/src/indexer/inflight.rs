//! A batch out at extraction: its task, and what applying it will advance.

use std::collections::{HashSet, VecDeque};

use tokio::task::JoinHandle;

use super::apply::{ApplyError, Planned};
use super::upstream::UpstreamError;

/// One batch being extracted on its own task. Dropping it aborts the task
/// (a session that ends leaves nothing running behind it).
pub(super) struct InFlight {
    task: JoinHandle<Result<Planned, ApplyError>>,
    /// The sequence of the batch's last change.
    pub last: u64,
    /// Changes in the batch.
    pub changes: usize,
    /// Whether the feed had nothing more ready when the batch was cut.
    pub idle: bool,
    /// Whether the batch deletes documents (a barrier, see the module docs
    /// of `indexer`).
    pub deletes: bool,
    /// The documents the batch sends to extraction: a later TEXT_UPDATED
    /// of one of them waits for this batch (see `Indexer::session`).
    pub documents: HashSet<String>,
}

impl InFlight {
    pub fn new(
        task: JoinHandle<Result<Planned, ApplyError>>,
        last: u64,
        changes: usize,
        idle: bool,
        deletes: bool,
        documents: HashSet<String>,
    ) -> Self {
        Self {
            task,
            last,
            changes,
            idle,
            deletes,
            documents,
        }
    }

    /// The batch's index writes, once extraction has answered.
    pub async fn wait(&mut self) -> Result<Planned, ApplyError> {
        match (&mut self.task).await {
            Ok(result) => result,
            // A panicking task is a bug, but not one worth stopping the
            // indexer for: the batch is retried after a backoff.
            Err(err) => {
                Err(UpstreamError::extraction(format!("extraction task failed: {err}")).into())
            }
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The result of the oldest batch in flight; never resolves when none is.
pub(super) async fn next_done(in_flight: &mut VecDeque<InFlight>) -> Result<Planned, ApplyError> {
    match in_flight.front_mut() {
        Some(batch) => batch.wait().await,
        None => std::future::pending().await,
    }
}
