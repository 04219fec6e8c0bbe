//! The indexer: follows storage's change feed and extraction's entity feed
//! and keeps the index in step, committing by count or time.
//!
//! Resumption: each commit stores the last applied sequences (see
//! `index::Checkpoint`); on start the indexer watches from there, and every
//! add deletes by id first, so a replayed change is harmless. On any upstream
//! failure it keeps what it has applied, waits with capped exponential
//! backoff and reconnects from the last applied sequence — never crashing,
//! never spinning.
//!
//! Pipelining: up to `extract_in_flight` batches are out at extraction at
//! once, each on its own task, while finished ones are applied strictly in
//! feed order — so search writes batch *n* into tantivy while extraction
//! works on batch *n + 1*, instead of each idling while the other works.
//! The checkpoint only ever covers applied batches, so exactly-once holds:
//! a batch still in flight when a session ends is dropped (its task
//! aborted) and fetched again from the last applied sequence. A batch that
//! deletes documents is a barrier (nothing else in flight before or beside
//! it), so extraction's registry never sees a document forgotten before
//! it was recorded. Likewise a batch re-extracting a document whose text
//! was derived again (TEXT_UPDATED) waits for any batch in flight that
//! holds the same document, so the registry keeps the newer text's
//! mentions, never the older's recorded last.

mod apply;
mod extract;
mod inflight;
pub mod status;
pub mod upstream;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dossier_kit::{Shutdown, run_blocking};
use dossier_proto::v1::{Change, ChangeKind, EntityChange, EntitySummary};
use futures::{FutureExt, StreamExt};
use tokio::sync::Notify;

use self::apply::{
    ApplyError, Planned, ops_for_changes, ops_for_entity_change, ops_for_relabelling, relabelling,
};
use self::inflight::{InFlight, next_done};
use self::status::StatusCell;
use self::upstream::{ChangeFeed, Extractor, UpstreamError, UpstreamStream};
use crate::error::Error;
use crate::index::{Checkpoint, IndexOp, SearchIndex};

/// How the indexer batches and commits.
#[derive(Debug, Clone)]
pub struct IndexerSettings {
    /// Most documents sent to extraction in one batch.
    pub batch_docs: usize,
    /// Commit after this many applied changes...
    pub commit_docs: usize,
    /// ...or this long after the last commit, whichever comes first.
    pub commit_interval: Duration,
    /// First retry delay after a failure; doubles up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// How often to ask storage for the head of its log (for the lag).
    pub head_poll: Duration,
    /// Most batches out at extraction at once (at least 1). With two, one
    /// batch is extracted while the previous one is written into the index,
    /// so neither service idles while the other works.
    pub extract_in_flight: usize,
}

impl Default for IndexerSettings {
    fn default() -> Self {
        Self {
            batch_docs: 128,
            commit_docs: 5_000,
            commit_interval: Duration::from_secs(1),
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(5),
            head_poll: Duration::from_secs(1),
            extract_in_flight: 2,
        }
    }
}

/// How long a batch cut while another is at extraction waits to fill up.
const BATCH_LINGER: Duration = Duration::from_millis(100);

/// How often an idle indexer looks for merges finished since its last
/// commit (a read of the index's meta file).
const MERGES_CHECKED_EVERY: Duration = Duration::from_secs(1);

/// Requests from RPC handlers to the indexer task.
#[derive(Debug, Default)]
pub struct Control {
    rebuild: AtomicBool,
    wake: Notify,
}

impl Control {
    /// Asks for the index to be dropped and rebuilt from sequence 0.
    pub fn request_rebuild(&self) {
        self.rebuild.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }
}

/// Why a session ended without an error.
enum End {
    Shutdown,
    Rebuild,
}

/// Sequences applied to the writer, possibly not yet committed.
struct Progress {
    applied: Checkpoint,
    uncommitted: usize,
    dirty: bool,
    last_commit: Instant,
    /// Entity renames (UPDATED changes) not yet applied, in feed order.
    /// They are applied right after a commit, from the documents it made
    /// visible, and go out with the next one.
    renames: VecDeque<Rename>,
    /// A commit by count was made since the feed last ran dry: the quiet
    /// commit that ends this catch-up folds the small segments it left
    /// (see `SearchIndex::fold_small_segments`).
    catching_up: bool,
}

/// A rename waiting to be applied.
struct Rename {
    /// The entity's name and type, as of when extraction sent the change.
    entity: EntitySummary,
    /// Its entity-feed sequence.
    sequence: u64,
    /// The last change-feed sequence already sent to extraction when the
    /// rename arrived: batches up to it may hold documents extracted with
    /// the old name, so the rename waits until they are applied.
    after: u64,
}

pub struct Indexer<F, X> {
    pub index: Arc<SearchIndex>,
    pub feed: F,
    pub extractor: X,
    pub status: Arc<StatusCell>,
    pub control: Arc<Control>,
    pub settings: IndexerSettings,
}

impl<F: ChangeFeed, X: Extractor> Indexer<F, X> {
    /// Runs until `shutdown`, then commits what it has applied.
    pub async fn run(self, shutdown: Shutdown) -> Result<(), Error> {
        let idx = Arc::clone(&self.index);
        let applied = run_blocking(move || idx.checkpoint()).await??;
        tracing::info!(
            sequence = applied.sequence,
            entity_sequence = applied.entity_sequence,
            "indexer resuming"
        );
        let mut progress = Progress {
            applied,
            uncommitted: 0,
            dirty: false,
            last_commit: Instant::now(),
            renames: VecDeque::new(),
            catching_up: false,
        };
        let this = Arc::new(self);
        this.follow(&mut progress, &shutdown).await?;
        this.commit(&mut progress).await.map_err(Error::from)?;
        tracing::info!(sequence = progress.applied.sequence, "indexer stopped");
        Ok(())
    }

    /// Sessions, rebuilds and backoff until shutdown.
    async fn follow(
        self: &Arc<Self>,
        progress: &mut Progress,
        shutdown: &Shutdown,
    ) -> Result<(), Error> {
        let mut backoff = self.settings.backoff_min;
        loop {
            if shutdown.is_triggered() {
                break;
            }
            let before = progress.applied;
            let outcome = if self.control.rebuild.swap(false, Ordering::SeqCst) {
                // Honoured at once, even while storage is down.
                Ok(End::Rebuild)
            } else {
                self.session(progress, shutdown).await
            };
            match outcome {
                Ok(End::Shutdown) => break,
                Ok(End::Rebuild) => {
                    self.rebuild(progress).await?;
                    backoff = self.settings.backoff_min;
                }
                Err(ApplyError::Index(err)) => return Err(err),
                Err(ApplyError::Upstream(err)) => {
                    if progress.applied != before {
                        backoff = self.settings.backoff_min;
                    }
                    tracing::warn!(error = %err, retry_in = ?backoff, "indexer paused");
                    self.status.error(err.to_string());
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.triggered() => break,
                        _ = self.control.wake.notified() => {}
                    }
                    backoff = (backoff * 2).min(self.settings.backoff_max);
                }
            }
        }
        Ok(())
    }

    /// One connection to the feeds; returns on shutdown, rebuild or error.
    async fn session(
        self: &Arc<Self>,
        progress: &mut Progress,
        shutdown: &Shutdown,
    ) -> Result<End, ApplyError> {
        let mut changes = self.feed.watch(progress.applied.sequence).await?;
        self.poll_head().await;
        // The error is cleared only by progress or a connection that has
        // held for a while, so the status does not flicker while an upstream
        // is down and every reconnect fails at the next call.
        let connected = Instant::now();
        let mut entities = self.open_entities(progress.applied.entity_sequence).await;
        let mut entity_retry = Instant::now() + self.settings.backoff_max;
        let mut tick = tokio::time::interval(
            self.settings
                .commit_interval
                .min(Duration::from_millis(250)),
        );
        let mut last_head = Instant::now();
        let mut merges_checked = Instant::now();
        let mut in_flight: VecDeque<InFlight> = VecDeque::new();
        loop {
            if self.control.rebuild.swap(false, Ordering::SeqCst) {
                return Ok(End::Rebuild);
            }
            tokio::select! {
                _ = shutdown.triggered() => return Ok(End::Shutdown),
                _ = self.control.wake.notified() => {}
                item = changes.next(), if self.can_send(&in_flight) => {
                    let first = item.ok_or_else(|| UpstreamError::storage("change stream ended"))??;
                    let busy = !in_flight.is_empty();
                    let (batch, idle) = self.fill_batch(first, &mut changes, busy).await?;
                    let deletes = batch.iter().any(|c| c.kind == ChangeKind::Deleted as i32);
                    if deletes || rewrites_in_flight(&batch, &in_flight) {
                        self.drain(progress, &mut in_flight).await?;
                    }
                    in_flight.push_back(self.send(batch, idle, deletes));
                }
                result = next_done(&mut in_flight) => {
                    if let Some(done) = in_flight.pop_front() {
                        self.apply_done(progress, &done, result).await?;
                        self.maybe_commit(progress, done.idle && in_flight.is_empty()).await?;
                    }
                }
                item = next_entity(&mut entities) => match item {
                    Some(Ok(change)) => match relabelling(&change) {
                        // A rename waits for the next commit, which applies
                        // every rename gathered so far in one pass.
                        Some(entity) => progress.renames.push_back(Rename {
                            entity: entity.clone(),
                            sequence: change.sequence,
                            after: in_flight
                                .back()
                                .map_or(progress.applied.sequence, |b| b.last),
                        }),
                        None => {
                            // Entity changes apply after every batch before them.
                            self.drain(progress, &mut in_flight).await?;
                            // Re-resolution reads stored documents: commit first
                            // so it sees every document applied so far.
                            self.commit(progress).await?;
                            let planned =
                                ops_for_entity_change(&self.index, &self.extractor, &change).await?;
                            self.apply_planned(progress, planned).await?;
                            progress.applied.entity_sequence = change.sequence;
                            progress.dirty = true;
                            self.commit(progress).await?;
                        }
                    },
                    Some(Err(err)) => {
                        tracing::warn!(error = %err, "entity feed lost");
                        self.status.entity_error(err.to_string());
                        entities = None;
                        entity_retry = Instant::now() + self.settings.backoff_max;
                    }
                    None => {
                        entities = None;
                        entity_retry = Instant::now() + self.settings.backoff_max;
                    }
                },
                _ = tick.tick() => {
                    // Not idle while a batch is at extraction: catching up
                    // commits by count, not every interval (each commit
                    // makes a segment that merges cost CPU to fold back).
                    self.maybe_commit(progress, in_flight.is_empty()).await?;
                    // While busy, the next commit shows finished merges.
                    if in_flight.is_empty()
                        && !progress.dirty
                        && merges_checked.elapsed() >= MERGES_CHECKED_EVERY
                    {
                        merges_checked = Instant::now();
                        let index = Arc::clone(&self.index);
                        if run_blocking(move || index.show_finished_merges())
                            .await
                            .map_err(Error::from)??
                        {
                            tracing::debug!("showing the segments of finished merges");
                        }
                    }
                    if connected.elapsed() >= self.settings.backoff_max {
                        self.status.ok();
                    }
                    if last_head.elapsed() >= self.settings.head_poll {
                        last_head = Instant::now();
                        self.poll_head().await;
                    }
                    if entities.is_none() && Instant::now() >= entity_retry {
                        entities = self.open_entities(progress.applied.entity_sequence).await;
                        entity_retry = Instant::now() + self.settings.backoff_max;
                    }
                }
            }
        }
    }

    /// `first` plus whatever else is ready, up to a batch; and whether the
    /// stream ran dry (the indexer has caught up for now).
    ///
    /// With a batch already at extraction (`busy`) there is no hurry, so it
    /// waits up to [`BATCH_LINGER`] for a full batch: otherwise the second
    /// batch of a pipeline would take only the few changes that arrived
    /// since the first, and short batches cost an extraction round trip and
    /// a commit each.
    async fn fill_batch(
        &self,
        first: Change,
        changes: &mut UpstreamStream<Change>,
        busy: bool,
    ) -> Result<(Vec<Change>, bool), ApplyError> {
        let mut batch = vec![first];
        let linger = busy.then(|| tokio::time::Instant::now() + BATCH_LINGER);
        while batch.len() < self.settings.batch_docs {
            let next = match linger {
                None => changes.next().now_or_never(),
                Some(deadline) => tokio::time::timeout_at(deadline, changes.next()).await.ok(),
            };
            match next {
                Some(Some(item)) => batch.push(item?),
                Some(None) | None => return Ok((batch, true)),
            }
        }
        Ok((batch, false))
    }

    /// Whether another batch may go out to extraction now.
    fn can_send(&self, in_flight: &VecDeque<InFlight>) -> bool {
        in_flight.len() < self.settings.extract_in_flight.max(1)
            && !in_flight.iter().any(|b| b.deletes)
    }

    /// Starts extracting `batch` on its own task.
    fn send(self: &Arc<Self>, batch: Vec<Change>, idle: bool, deletes: bool) -> InFlight {
        let last = batch.last().map_or(0, |c| c.sequence);
        self.status.saw_sequence(last);
        let n = batch.len();
        let documents = batch
            .iter()
            .filter(|c| c.document.is_some())
            .map(|c| c.document_id.clone())
            .collect();
        let this = Arc::clone(self);
        let task = tokio::spawn(async move { ops_for_changes(&this.extractor, batch).await });
        InFlight::new(task, last, n, idle, deletes, documents)
    }

    /// Applies every batch in flight, in order.
    async fn drain(
        &self,
        progress: &mut Progress,
        in_flight: &mut VecDeque<InFlight>,
    ) -> Result<(), ApplyError> {
        while let Some(mut batch) = in_flight.pop_front() {
            let result = batch.wait().await;
            self.apply_done(progress, &batch, result).await?;
        }
        Ok(())
    }

    /// Applies a batch extraction has answered; the checkpoint moves past it.
    async fn apply_done(
        &self,
        progress: &mut Progress,
        batch: &InFlight,
        result: Result<Planned, ApplyError>,
    ) -> Result<(), ApplyError> {
        let planned = result?;
        self.status.ok();
        self.apply_planned(progress, planned).await?;
        progress.applied.sequence = batch.last.max(progress.applied.sequence);
        progress.uncommitted += batch.changes;
        progress.dirty = true;
        Ok(())
    }

    /// Applies `planned` and reports the documents that went in without
    /// entities (after `status.ok()`, so the report outlives the success).
    async fn apply_planned(
        &self,
        progress: &mut Progress,
        planned: Planned,
    ) -> Result<(), ApplyError> {
        self.apply_ops(progress, planned.ops).await?;
        if !planned.relabels.is_empty() {
            let index = Arc::clone(&self.index);
            let docs = planned.relabels;
            run_blocking(move || index.relabel(docs))
                .await
                .map_err(Error::from)??;
        }
        for refusal in planned.refusals {
            tracing::warn!(
                document_id = %refusal.document_id,
                reason = %refusal.reason,
                "extraction refused a document; indexed without entities"
            );
            self.status.refused(refusal.to_string());
        }
        Ok(())
    }

    async fn apply_ops(&self, _: &mut Progress, ops: Vec<IndexOp>) -> Result<(), ApplyError> {
        if ops.is_empty() {
            return Ok(());
        }
        let index = Arc::clone(&self.index);
        run_blocking(move || index.apply(ops))
            .await
            .map_err(Error::from)??;
        Ok(())
    }

    async fn maybe_commit(&self, progress: &mut Progress, idle: bool) -> Result<(), ApplyError> {
        if progress.uncommitted >= self.settings.commit_docs {
            progress.catching_up = true;
            self.commit(progress).await?;
        } else if idle && progress.last_commit.elapsed() >= self.settings.commit_interval {
            self.commit(progress).await?;
            // Only with nothing applied since the commit (renames applied
            // after it wait for the next one).
            if progress.catching_up && !progress.dirty {
                progress.catching_up = false;
                let index = Arc::clone(&self.index);
                if run_blocking(move || index.fold_small_segments())
                    .await
                    .map_err(Error::from)??
                {
                    tracing::debug!("caught up: folding the small segments");
                }
            }
        }
        Ok(())
    }

    /// Commits what was applied, then applies the renames whose documents
    /// are all in the index now (they are read from the committed index),
    /// leaving them for the next commit.
    async fn commit(&self, progress: &mut Progress) -> Result<(), ApplyError> {
        self.commit_applied(progress).await?;
        let mut latest: BTreeMap<String, EntitySummary> = BTreeMap::new();
        let mut through = None;
        let applied = progress.applied.sequence;
        while progress.renames.front().is_some_and(|r| r.after <= applied) {
            let Some(rename) = progress.renames.pop_front() else {
                break;
            };
            through = Some(rename.sequence);
            latest.insert(rename.entity.id.clone(), rename.entity);
        }
        if let Some(through) = through {
            let planned = ops_for_relabelling(&self.index, latest).await?;
            self.apply_planned(progress, planned).await?;
            progress.applied.entity_sequence = through;
            progress.dirty = true;
        }
        Ok(())
    }

    async fn commit_applied(&self, progress: &mut Progress) -> Result<(), ApplyError> {
        if !progress.dirty {
            return Ok(());
        }
        let index = Arc::clone(&self.index);
        let checkpoint = progress.applied;
        run_blocking(move || index.commit(checkpoint))
            .await
            .map_err(Error::from)??;
        tracing::debug!(
            sequence = checkpoint.sequence,
            changes = progress.uncommitted,
            "committed"
        );
        progress.uncommitted = 0;
        progress.dirty = false;
        progress.last_commit = Instant::now();
        Ok(())
    }

    /// Drops everything and starts again from sequence 0. Entity changes so
    /// far are already reflected by re-extraction, so that sequence stays.
    async fn rebuild(&self, progress: &mut Progress) -> Result<(), Error> {
        let index = Arc::clone(&self.index);
        let checkpoint = Checkpoint {
            sequence: 0,
            entity_sequence: progress.applied.entity_sequence,
        };
        run_blocking(move || {
            index.rollback()?;
            index.clear(checkpoint)
        })
        .await??;
        tracing::info!("index dropped, rebuilding from sequence 0");
        progress.applied = checkpoint;
        progress.uncommitted = 0;
        progress.dirty = false;
        progress.last_commit = Instant::now();
        Ok(())
    }

    async fn poll_head(&self) {
        match self.feed.head().await {
            Ok(head) => self.status.set_stored_sequence(head),
            Err(err) => tracing::debug!(error = %err, "cannot read storage head"),
        }
    }

    async fn open_entities(&self, after: u64) -> Option<UpstreamStream<EntityChange>> {
        match self.extractor.watch_entities(after).await {
            Ok(stream) => {
                self.status.entity_ok();
                Some(stream)
            }
            Err(err) => {
                tracing::warn!(error = %err, "entity feed unavailable, retrying later");
                self.status.entity_error(err.to_string());
                None
            }
        }
    }
}

/// Whether `batch` re-extracts (TEXT_UPDATED) a document that a batch still
/// at extraction holds: two BatchExtract calls may be recorded in either
/// order, so the later one must wait for the earlier.
fn rewrites_in_flight(batch: &[Change], in_flight: &VecDeque<InFlight>) -> bool {
    batch
        .iter()
        .filter(|c| c.kind == ChangeKind::TextUpdated as i32)
        .any(|c| {
            in_flight
                .iter()
                .any(|b| b.documents.contains(&c.document_id))
        })
}

/// The next entity change, or never when there is no entity stream.
async fn next_entity(
    stream: &mut Option<UpstreamStream<EntityChange>>,
) -> Option<Result<EntityChange, UpstreamError>> {
    match stream {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
