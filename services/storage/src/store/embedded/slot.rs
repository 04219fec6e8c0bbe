//! The open redb handle, replaceable after an I/O error.
//!
//! redb latches the first I/O error of a handle and fails every later call
//! with `PreviousIo` until the file is reopened. `DbSlot` drops a failed
//! handle and reopens the file on the next use; redb refuses the reopen
//! (`DatabaseAlreadyOpen`) while an operation still holds the old handle, so
//! the reopen simply happens on a later call. Reopening runs redb's repair if
//! the failed commit left the file unclean; the last good commit survives
//! because redb commits are atomic.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use redb::Database;

use super::open_database;
use crate::error::{Error, Result};

pub(super) struct DbSlot {
    path: PathBuf,
    current: Mutex<Option<Arc<Database>>>,
}

impl DbSlot {
    /// Opens the file now, so a store that cannot open fails at start-up.
    pub(super) fn open(path: PathBuf) -> Result<Self> {
        let db = open_database(&path)?;
        Ok(Self {
            path,
            current: Mutex::new(Some(Arc::new(db))),
        })
    }

    /// The open handle, reopening the file if an error dropped it. Blocking.
    pub(super) fn get(&self) -> Result<Arc<Database>> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(db) = current.as_ref() {
            return Ok(db.clone());
        }
        let db = Arc::new(open_database(&self.path)?);
        tracing::info!(path = %self.path.display(), "embedded store reopened after an I/O error");
        *current = Some(db.clone());
        Ok(db)
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
        if current.as_ref().is_some_and(|held| Arc::ptr_eq(held, db)) {
            tracing::warn!(error = %err, "dropping the embedded store handle; it is reopened on the next use");
            *current = None;
        }
    }
}
