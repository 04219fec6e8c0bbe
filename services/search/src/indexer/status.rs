//! What the indexer reports about itself, shared with GetIndexStatus.

use std::time::SystemTime;

use parking_lot::Mutex;

use crate::error::Result;
use crate::index::SearchIndex;

/// Indexer state that is not in the index itself.
#[derive(Debug, Clone, Default)]
struct Live {
    stored_sequence: u64,
    last_error: String,
    last_error_time: Option<SystemTime>,
    entity_error: String,
    /// The last document indexed without entities because extraction
    /// refused it; shown in `last_error` while nothing worse is going on,
    /// so an operator learns which document to look at.
    refusal: String,
}

/// Shared, cheap-to-update indexer status.
#[derive(Debug, Default)]
pub struct StatusCell {
    live: Mutex<Live>,
}

impl StatusCell {
    pub fn saw_sequence(&self, sequence: u64) {
        let mut live = self.live.lock();
        live.stored_sequence = live.stored_sequence.max(sequence);
    }

    /// Sets the head of storage's log (it may go down after a storage wipe).
    pub fn set_stored_sequence(&self, sequence: u64) {
        self.live.lock().stored_sequence = sequence;
    }

    pub fn error(&self, message: String) {
        let mut live = self.live.lock();
        live.last_error = message;
        live.last_error_time = Some(SystemTime::now());
    }

    /// The entity feed failed; documents still get indexed.
    pub fn entity_error(&self, message: String) {
        self.live.lock().entity_error = message.clone();
        self.error(message);
    }

    /// A document was indexed without entities (see `indexer::extract`).
    pub fn refused(&self, message: String) {
        let mut live = self.live.lock();
        live.refusal = message.clone();
        live.last_error = message;
        live.last_error_time = Some(SystemTime::now());
    }

    /// The last attempt succeeded: what remains to report is a lost entity
    /// feed, else the last refused document.
    pub fn ok(&self) {
        let mut live = self.live.lock();
        live.last_error = if live.entity_error.is_empty() {
            live.refusal.clone()
        } else {
            live.entity_error.clone()
        };
    }

    pub fn entity_ok(&self) {
        let mut live = self.live.lock();
        live.entity_error.clear();
        live.last_error = live.refusal.clone();
    }

    /// The full report, from the index's last commit and the live state.
    pub fn report(&self, index: &SearchIndex) -> Result<IndexReport> {
        let checkpoint = index.checkpoint()?;
        let (document_count, segment_count) = index.counts();
        let live = self.live.lock().clone();
        let stored = live.stored_sequence.max(checkpoint.sequence);
        let lag = stored - checkpoint.sequence;
        Ok(IndexReport {
            indexed_sequence: checkpoint.sequence,
            stored_sequence: stored,
            lag,
            document_count,
            segment_count,
            catching_up: lag > 0,
            last_error: live.last_error,
            last_error_time: live.last_error_time,
            entity_sequence: checkpoint.entity_sequence,
            last_commit_time: index.last_commit_time(),
            text_empty_count: index.text_empty_count()?,
        })
    }
}

/// GetIndexStatus's answer, in core types.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexReport {
    pub indexed_sequence: u64,
    pub stored_sequence: u64,
    pub lag: u64,
    pub document_count: u64,
    pub segment_count: u64,
    pub catching_up: bool,
    pub last_error: String,
    pub last_error_time: Option<SystemTime>,
    pub entity_sequence: u64,
    pub last_commit_time: Option<SystemTime>,
    /// Documents whose article text is empty (`text_empty:true`).
    pub text_empty_count: u64,
}
