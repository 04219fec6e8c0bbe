//! The open redb handle, replaceable after an I/O error.
//!
//! redb latches the first I/O error of a handle and fails every later call
//! with `PreviousIo` until the file is reopened. `DbSlot` drops a failed
//! handle and reopens the file on the next use; redb refuses the reopen
//! (`DatabaseAlreadyOpen`) while an operation still holds the old handle, so
//! the reopen simply happens on a later call. Reopening runs redb's repair if
//! the failed commit left the file unclean; the last good commit survives
//! because redb commits are atomic.
//!
//! Closing the store closes the slot for good: no later call reopens the
//! file, so a store opened on the same directory afterwards (a restart in
//! the same process) is the only one holding it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use redb::Database;

use super::open_database;
use crate::error::{Error, Result};

pub(super) struct DbSlot {
    path: PathBuf,
    current: Mutex<Handle>,
}

/// What the slot holds.
enum Handle {
    Open(Arc<Database>),
    /// Dropped after an I/O error: the next use reopens the file.
    Dropped,
    /// The store was closed: every use fails with `ShuttingDown`.
    Closed,
}

impl DbSlot {
    /// Opens the file now, so a store that cannot open fails at start-up.
    pub(super) fn open(path: PathBuf) -> Result<Self> {
        let db = open_database(&path)?;
        Ok(Self {
            path,
            current: Mutex::new(Handle::Open(Arc::new(db))),
        })
    }

    /// The open handle, reopening the file if an error dropped it. Blocking.
    pub(super) fn get(&self) -> Result<Arc<Database>> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        match &*current {
            Handle::Open(db) => return Ok(db.clone()),
            Handle::Closed => return Err(Error::ShuttingDown),
            Handle::Dropped => {}
        }
        let db = Arc::new(open_database(&self.path)?);
        tracing::info!(path = %self.path.display(), "embedded store reopened after an I/O error");
        *current = Handle::Open(db.clone());
        Ok(db)
    }

    /// Closes the slot: later uses fail with `ShuttingDown` and never
    /// reopen the file. Returns the handle it held, which operations still
    /// running may share.
    pub(super) fn close(&self) -> Option<Arc<Database>> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        match std::mem::replace(&mut *current, Handle::Closed) {
            Handle::Open(db) => Some(db),
            Handle::Dropped | Handle::Closed => None,
        }
    }

    /// Runs `f` on the handle; if it fails in a way that may have latched an
    /// I/O error, drops the handle so the next call reopens the file.
    pub(super) fn with<T>(&self, f: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        let db = self.get()?;
        let result = f(&db);
        if let Err(err) = &result {
            self.invalidate_on(err, &db);
        }
        result
    }

    /// Drops `db` from the slot if `err` is an I/O-class failure (full,
    /// read-only, unavailable, or an unexplained storage error).
    pub(super) fn invalidate_on(&self, err: &Error, db: &Arc<Database>) {
        if !matches!(
            err,
            Error::Unavailable(_) | Error::NotWritable(_) | Error::Storage(_)
        ) {
            return;
        }
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(&*current, Handle::Open(held) if Arc::ptr_eq(held, db)) {
            tracing::warn!(error = %err, "dropping the embedded store handle; it is reopened on the next use");
            *current = Handle::Dropped;
        }
    }
}
