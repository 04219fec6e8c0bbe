//! What both backends share: the queue of writes to their single writer, the
//! batching of that queue, and id allocation.
//!
//! Each backend has exactly one writer (a thread for redb, a task for
//! PostgreSQL) that drains this queue in batches and commits each batch in one
//! transaction (group commit), so acknowledged writes are durable and the
//! change feed's sequence numbers follow commit order.

use tokio::sync::{mpsc, oneshot};
use ulid::Ulid;

use crate::error::{Error, Result};
use crate::model::{ArticleText, CreateResult, DocumentFields, NewDocument, Timestamp};

/// Writes waiting for the writer beyond this make senders wait: the bound that
/// turns a burst of clients into back-pressure instead of memory growth.
pub(crate) const WRITE_QUEUE_CAPACITY: usize = 8192;

/// One queued write and where to send its result. Creates dominate the
/// queue, so they are stored inline rather than boxed: a box per document
/// would cost an allocation for no saving.
#[allow(clippy::large_enum_variant)]
pub(crate) enum WriteOp {
    Create {
        document: NewDocument,
        request_id: Option<String>,
        reply: oneshot::Sender<Result<CreateResult>>,
    },
    Delete {
        id: Ulid,
        reply: oneshot::Sender<Result<u64>>,
    },
    /// Re-derived text: replaces the article and the derived metadata and
    /// logs a TEXT_UPDATED change; answers its sequence, or `None` when the
    /// document is gone or no longer has the text it was re-derived from.
    UpdateText {
        update: TextUpdate,
        reply: oneshot::Sender<Result<Option<u64>>>,
    },
    /// Commit everything queued before this, then stop.
    Stop,
}

/// Answers a write that arrives after the stop.
pub(crate) fn refuse(op: WriteOp) {
    match op {
        WriteOp::Create { reply, .. } => {
            let _ = reply.send(Err(Error::ShuttingDown));
        }
        WriteOp::Delete { reply, .. } => {
            let _ = reply.send(Err(Error::ShuttingDown));
        }
        WriteOp::UpdateText { reply, .. } => {
            let _ = reply.send(Err(Error::ShuttingDown));
        }
        WriteOp::Stop => {}
    }
}

/// A document's text derived again, for the writer.
#[derive(Debug, Clone)]
pub struct TextUpdate {
    pub id: Ulid,
    /// The text_version it was derived from; the update applies only if the
    /// document still has it.
    pub from_version: u32,
    /// The metadata after derivation (title, author, published_at, url,
    /// language are written; body, source and labels are not).
    pub fields: DocumentFields,
    pub article: ArticleText,
}

/// Cuts `batch` at a `Stop`, refusing what was queued after it; returns
/// whether the writer should stop after committing the rest.
pub(crate) fn cut_at_stop(batch: &mut Vec<WriteOp>) -> bool {
    let Some(stop_at) = batch.iter().position(|op| matches!(op, WriteOp::Stop)) else {
        return false;
    };
    for op in batch.drain(stop_at..).skip(1) {
        refuse(op);
    }
    true
}

/// Moves whatever else is queued (up to `max` in all) into `batch` without
/// waiting.
pub(crate) fn fill_batch(
    queue: &mut mpsc::Receiver<WriteOp>,
    batch: &mut Vec<WriteOp>,
    max: usize,
) {
    while batch.len() < max {
        match queue.try_recv() {
            Ok(op) => batch.push(op),
            Err(_) => break,
        }
    }
}

/// A fresh ULID greater than `last`: ids keep growing even if the clock
/// steps back, because paging relies on new documents sorting after old ones.
pub(crate) fn next_id(last: Ulid, now: Timestamp) -> Ulid {
    let candidate = Ulid::from_parts(now.millis(), rand::random::<u128>());
    if candidate > last {
        candidate
    } else {
        last.increment()
            .unwrap_or_else(|| Ulid::from_parts(last.timestamp_ms() + 1, 0))
    }
}

/// The sending side of a writer's queue.
#[derive(Clone)]
pub(crate) struct WriteQueue(mpsc::Sender<WriteOp>);

impl WriteQueue {
    pub(crate) fn new() -> (Self, mpsc::Receiver<WriteOp>) {
        let (tx, rx) = mpsc::channel(WRITE_QUEUE_CAPACITY);
        (Self(tx), rx)
    }

    pub(crate) async fn enqueue_create(
        &self,
        document: NewDocument,
        request_id: Option<String>,
    ) -> Result<oneshot::Receiver<Result<CreateResult>>> {
        let (reply, receiver) = oneshot::channel();
        let op = WriteOp::Create {
            document,
            request_id,
            reply,
        };
        self.0.send(op).await.map_err(|_| Error::ShuttingDown)?;
        Ok(receiver)
    }

    pub(crate) async fn delete(&self, id: Ulid) -> Result<u64> {
        let (reply, receiver) = oneshot::channel();
        self.0
            .send(WriteOp::Delete { id, reply })
            .await
            .map_err(|_| Error::ShuttingDown)?;
        receiver.await.map_err(|_| Error::ShuttingDown)?
    }

    pub(crate) async fn update_text(&self, update: TextUpdate) -> Result<Option<u64>> {
        let (reply, receiver) = oneshot::channel();
        self.0
            .send(WriteOp::UpdateText { update, reply })
            .await
            .map_err(|_| Error::ShuttingDown)?;
        receiver.await.map_err(|_| Error::ShuttingDown)?
    }

    /// Asks the writer to commit what is queued and stop.
    pub(crate) async fn stop(&self) {
        let _ = self.0.send(WriteOp::Stop).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_grow_even_when_the_clock_steps_back() {
        let last = Ulid::from_parts(2_000_000, 5);
        let id = next_id(last, Timestamp(1_000_000 * 1_000_000));
        assert!(id > last);
        let max = Ulid::from_parts(7, u128::MAX >> 48);
        assert!(next_id(max, Timestamp(0)) > max);
    }
}
