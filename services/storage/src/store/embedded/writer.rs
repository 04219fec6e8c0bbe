//! The single writer thread and its group commit.
//!
//! Every write goes through one bounded queue to one thread. The thread takes
//! whatever has queued up (up to `max_batch` writes), applies it in one redb
//! write transaction, commits it durably (fsync), and only then answers each
//! waiter. While one commit is in its fsync, the next batch queues up, so many
//! concurrent writers share one fsync and throughput grows with load instead
//! of being capped at one fsync per document.

use std::sync::Arc;
use std::time::Duration;

use redb::{Database, ReadableTable, Table};
use tokio::sync::{mpsc, oneshot, watch};
use ulid::Ulid;

use super::slot::DbSlot;
use super::tables::{
    self, ARTICLES, ArticleRow, CHANGES, ChangeRow, DEDUP, DOCUMENTS, DocumentRow, REQUEST_EXPIRY,
    REQUESTS, RequestRow,
};
use crate::error::{Error, Result};
use crate::model::{ChangeKind, CreateResult, NewDocument, Timestamp, WriteOutcome};
use crate::store::ops::{self, TextUpdate, WriteOp};

/// Most expired request_ids removed per commit, so pruning never makes one
/// commit noticeably slower.
const PRUNE_PER_COMMIT: usize = 256;

/// What the writer keeps in memory between commits.
pub(crate) struct WriterState {
    pub slot: Arc<DbSlot>,
    /// The sequence of the newest committed change.
    pub last_sequence: u64,
    /// The largest id handed out, so ids keep growing even if the clock steps
    /// back: paging relies on new documents sorting after old ones.
    pub last_id: Ulid,
    /// Set after a failed commit: re-read the heads from the (reopened)
    /// file before the next batch rather than trust memory.
    pub reload_heads: bool,
    pub max_batch: usize,
    pub request_id_retention: Duration,
    /// Publishes `last_sequence` after every commit, for live watchers.
    pub committed: watch::Sender<u64>,
}

/// A write applied inside the open transaction, waiting for the commit.
enum Applied {
    Create(oneshot::Sender<Result<CreateResult>>, Result<CreateResult>),
    Delete(oneshot::Sender<Result<u64>>, Result<u64>),
    Update(oneshot::Sender<Result<Option<u64>>>, Result<Option<u64>>),
    Nothing,
}

/// Runs the writer until a `Stop` arrives or every sender is gone.
pub(crate) fn run(mut state: WriterState, mut queue: mpsc::Receiver<WriteOp>) {
    let mut batch = Vec::with_capacity(state.max_batch);
    let mut stopping = false;
    while !stopping {
        let Some(first) = queue.blocking_recv() else {
            break;
        };
        batch.push(first);
        ops::fill_batch(&mut queue, &mut batch, state.max_batch);
        stopping = ops::cut_at_stop(&mut batch);
        if !batch.is_empty() {
            state.commit(&mut batch);
        }
    }
    queue.close();
    while let Ok(op) = queue.try_recv() {
        ops::refuse(op);
    }
    tracing::debug!(last_sequence = state.last_sequence, "writer stopped");
}

impl WriterState {
    /// Applies and durably commits `batch`, then answers every waiter: with
    /// its result if the commit succeeded, with the storage error otherwise.
    fn commit(&mut self, batch: &mut Vec<WriteOp>) {
        let before = (self.last_sequence, self.last_id);
        let count = batch.len();
        let started = std::time::Instant::now();
        let mut applied = Vec::with_capacity(count);
        let result = self.apply_all(batch, &mut applied);
        match result {
            Ok(()) => {
                for done in applied {
                    done.answer(None);
                }
                self.committed.send_replace(self.last_sequence);
                tracing::trace!(count, elapsed = ?started.elapsed(), last_sequence = self.last_sequence, "committed batch");
            }
            Err(err) => {
                tracing::error!(error = %err, count, "commit failed, nothing in the batch was stored");
                (self.last_sequence, self.last_id) = before;
                for done in applied {
                    done.answer(Some(err.clone()));
                }
            }
        }
    }

    fn apply_all(&mut self, batch: &mut Vec<WriteOp>, applied: &mut Vec<Applied>) -> Result<()> {
        let db = match self.slot.get() {
            Ok(db) => db,
            Err(err) => {
                // Nothing was applied: answer every write of the batch.
                for op in batch.drain(..) {
                    applied.push(Applied::refused(op));
                }
                return Err(err);
            }
        };
        if self.reload_heads {
            let (last_sequence, last_id) = super::read_heads(&db)?;
            self.last_sequence = last_sequence;
            self.last_id = self.last_id.max(last_id);
            self.reload_heads = false;
        }
        let result = self.apply_in(&db, batch, applied);
        if let Err(err) = &result {
            self.reload_heads = true;
            self.slot.invalidate_on(err, &db);
        }
        result
    }

    fn apply_in(
        &mut self,
        db: &Database,
        batch: &mut Vec<WriteOp>,
        applied: &mut Vec<Applied>,
    ) -> Result<()> {
        let txn = db.begin_write()?;
        let mut failure = None;
        {
            let mut tables = Tables {
                documents: txn.open_table(DOCUMENTS)?,
                changes: txn.open_table(CHANGES)?,
                dedup: txn.open_table(DEDUP)?,
                requests: txn.open_table(REQUESTS)?,
                expiry: txn.open_table(REQUEST_EXPIRY)?,
                articles: txn.open_table(ARTICLES)?,
            };
            let now = Timestamp::now();
            for op in batch.drain(..) {
                match op {
                    WriteOp::Create {
                        document,
                        request_id,
                        reply,
                    } => {
                        let result = self.create(&mut tables, document, request_id, now);
                        note_storage_error(&result, &mut failure);
                        applied.push(Applied::Create(reply, result));
                    }
                    WriteOp::Delete { id, reply } => {
                        let result = self.delete(&mut tables, id, now);
                        note_storage_error(&result, &mut failure);
                        applied.push(Applied::Delete(reply, result));
                    }
                    WriteOp::UpdateText { update, reply } => {
                        let result = self.update_text(&mut tables, update, now);
                        note_storage_error(&result, &mut failure);
                        applied.push(Applied::Update(reply, result));
                    }
                    WriteOp::Stop => {}
                }
            }
            if failure.is_none() {
                self.prune_requests(&mut tables, now)?;
            }
        }
        if let Some(err) = failure {
            txn.abort()?;
            return Err(err);
        }
        txn.commit()?;
        Ok(())
    }

    fn create(
        &mut self,
        t: &mut Tables<'_>,
        document: NewDocument,
        request_id: Option<String>,
        now: Timestamp,
    ) -> Result<CreateResult> {
        if let Some(rid) = request_id.as_deref()
            && let Some(row) = t.requests.get(rid)?
        {
            let row: RequestRow = tables::decode(row.value())?;
            return Ok(CreateResult {
                id: Ulid(row.document_id),
                sequence: row.sequence,
                outcome: row.outcome,
                replayed: true,
            });
        }
        let NewDocument {
            fields,
            content_sha256,
            article,
        } = document;
        let dedup_key = tables::dedup_key(&content_sha256, &fields.source);
        let existing = t.dedup.get(dedup_key.as_slice())?.map(|g| g.value());
        let result = match existing {
            Some((id, sequence)) => CreateResult {
                id: Ulid(id),
                sequence,
                outcome: WriteOutcome::Duplicate,
                replayed: false,
            },
            None => {
                let id = self.next_id(now);
                let sequence = self.last_sequence + 1;
                let (row, content_type) = DocumentRow::new(sequence, now, content_sha256, fields);
                t.documents.insert(id.0, tables::encode(&row)?.as_slice())?;
                let article = ArticleRow::new(content_type, &article);
                t.articles
                    .insert(id.0, tables::encode(&article)?.as_slice())?;
                t.dedup.insert(dedup_key.as_slice(), (id.0, sequence))?;
                self.log(t, sequence, ChangeKind::Created, id, now)?;
                CreateResult {
                    id,
                    sequence,
                    outcome: WriteOutcome::Created,
                    replayed: false,
                }
            }
        };
        if let Some(rid) = request_id {
            let recorded_ms = now.millis();
            let row = RequestRow {
                outcome: result.outcome,
                document_id: result.id.0,
                sequence: result.sequence,
                recorded_ms,
            };
            t.requests
                .insert(rid.as_str(), tables::encode(&row)?.as_slice())?;
            t.expiry
                .insert(tables::expiry_key(recorded_ms, &rid).as_slice(), ())?;
        }
        Ok(result)
    }

    fn delete(&mut self, t: &mut Tables<'_>, id: Ulid, now: Timestamp) -> Result<u64> {
        let Some(removed) = t.documents.remove(id.0)? else {
            return Err(Error::NotFound { id: id.to_string() });
        };
        let row: DocumentRow = tables::decode(removed.value())?;
        drop(removed);
        t.articles.remove(id.0)?;
        let dedup_key = tables::dedup_key(&row.content_sha256, &row.fields.source);
        let points_here = t
            .dedup
            .get(dedup_key.as_slice())?
            .is_some_and(|g| g.value().0 == id.0);
        if points_here {
            t.dedup.remove(dedup_key.as_slice())?;
        }
        let sequence = self.last_sequence + 1;
        self.log(t, sequence, ChangeKind::Deleted, id, now)?;
        Ok(sequence)
    }

    /// Writes a re-derived article over the document's, if it still has
    /// the text it was derived from, and logs TEXT_UPDATED.
    fn update_text(
        &mut self,
        t: &mut Tables<'_>,
        update: TextUpdate,
        now: Timestamp,
    ) -> Result<Option<u64>> {
        let TextUpdate {
            id,
            from_version,
            fields,
            article,
        } = update;
        let Some(current) = t.documents.get(id.0)? else {
            return Ok(None);
        };
        let mut row: DocumentRow = tables::decode(current.value())?;
        drop(current);
        let version = match t.articles.get(id.0)? {
            Some(a) => tables::decode::<ArticleRow>(a.value())?.text_version,
            None => 0,
        };
        if version != from_version {
            return Ok(None);
        }
        row.fields.title = fields.title;
        row.fields.author = fields.author;
        row.fields.published_at = fields.published_at;
        row.fields.url = fields.url;
        row.fields.language = fields.language;
        t.documents.insert(id.0, tables::encode(&row)?.as_slice())?;
        let article = ArticleRow::new(fields.content_type, &article);
        t.articles
            .insert(id.0, tables::encode(&article)?.as_slice())?;
        let sequence = self.last_sequence + 1;
        self.log(t, sequence, ChangeKind::TextUpdated, id, now)?;
        Ok(Some(sequence))
    }

    fn log(
        &mut self,
        t: &mut Tables<'_>,
        sequence: u64,
        kind: ChangeKind,
        id: Ulid,
        now: Timestamp,
    ) -> Result<()> {
        let row = ChangeRow {
            kind,
            document_id: id.0,
            commit_time: now,
        };
        t.changes
            .insert(sequence, tables::encode(&row)?.as_slice())?;
        self.last_sequence = sequence;
        Ok(())
    }

    /// A fresh ULID greater than every id handed out before.
    fn next_id(&mut self, now: Timestamp) -> Ulid {
        self.last_id = ops::next_id(self.last_id, now);
        self.last_id
    }

    /// Forgets request_ids older than the retention, a few per commit.
    fn prune_requests(&mut self, t: &mut Tables<'_>, now: Timestamp) -> Result<()> {
        let retention = u64::try_from(self.request_id_retention.as_millis()).unwrap_or(u64::MAX);
        let cutoff = now.millis().saturating_sub(retention).to_be_bytes();
        let expired: Vec<Vec<u8>> = t
            .expiry
            .range::<&[u8]>(..cutoff.as_slice())?
            .take(PRUNE_PER_COMMIT)
            .map(|entry| entry.map(|(key, _)| key.value().to_vec()))
            .collect::<Result<_, _>>()?;
        for key in expired {
            t.expiry.remove(key.as_slice())?;
            let Some((recorded_ms, rid)) = tables::split_expiry_key(&key) else {
                continue;
            };
            let current = t
                .requests
                .get(rid)?
                .map(|g| tables::decode::<RequestRow>(g.value()));
            if let Some(Ok(row)) = current
                && row.recorded_ms == recorded_ms
            {
                t.requests.remove(rid)?;
            }
        }
        Ok(())
    }
}

/// The tables one batch writes to.
struct Tables<'txn> {
    documents: Table<'txn, u128, &'static [u8]>,
    changes: Table<'txn, u64, &'static [u8]>,
    dedup: Table<'txn, &'static [u8], (u128, u64)>,
    requests: Table<'txn, &'static str, &'static [u8]>,
    expiry: Table<'txn, &'static [u8], ()>,
    articles: Table<'txn, u128, &'static [u8]>,
}

/// Remembers the first storage error of a batch: it aborts the whole
/// transaction. Per-request errors (e.g. NOT_FOUND) do not.
fn note_storage_error<T>(result: &Result<T>, failure: &mut Option<Error>) {
    if let Err(err @ (Error::Storage(_) | Error::Unavailable(_) | Error::NotWritable(_))) = result
        && failure.is_none()
    {
        *failure = Some(err.clone());
    }
}

impl Applied {
    /// A write the batch never reached; it is answered with the batch's
    /// error. A `Stop` has no one to answer.
    fn refused(op: WriteOp) -> Self {
        match op {
            WriteOp::Create { reply, .. } => Applied::Create(reply, Err(Error::ShuttingDown)),
            WriteOp::Delete { reply, .. } => Applied::Delete(reply, Err(Error::ShuttingDown)),
            WriteOp::UpdateText { reply, .. } => Applied::Update(reply, Err(Error::ShuttingDown)),
            WriteOp::Stop => Applied::Nothing,
        }
    }

    /// Sends the result, or `failed` if the commit did not happen.
    fn answer(self, failed: Option<Error>) {
        match self {
            Applied::Create(reply, result) => {
                let _ = reply.send(failed.map_or(result, Err));
            }
            Applied::Delete(reply, result) => {
                let _ = reply.send(failed.map_or(result, Err));
            }
            Applied::Update(reply, result) => {
                let _ = reply.send(failed.map_or(result, Err));
            }
            Applied::Nothing => {}
        }
    }
}
