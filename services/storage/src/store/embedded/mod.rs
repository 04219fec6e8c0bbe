//! The embedded backend: redb on local disk, one writer thread that
//! group-commits every write, and snapshot reads on the blocking pool.
//!
//! After an I/O error (disk full, device gone) redb refuses every later
//! operation on that handle, reads included, until the file is reopened. The
//! handle therefore lives in a [`slot`] that is emptied on such an error and
//! reopened by the next operation: the failed batch gets UNAVAILABLE, the
//! writer keeps serving, and once space is back writes succeed again.

mod slot;
mod tables;
mod writer;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};
use tokio::sync::watch;
use ulid::Ulid;

use super::ops::WriteQueue;
use super::{MAX_LIST_SCAN, MAX_PAGE_BYTES, Page, StoreOptions};
use crate::error::{Error, Result};
use crate::model::{Change, ChangeKind, StorageStatus, StoredDocument};
use crate::paging::ListFilter;
use slot::DbSlot;
use tables::{
    ARTICLES, ArticleRow, CHANGES, ChangeRow, DEDUP, DOCUMENTS, DocumentRow, META, REQUEST_EXPIRY,
    REQUESTS,
};
use writer::WriterState;

/// The file inside the data directory.
pub const DATABASE_FILE: &str = "documents.redb";

/// A handle to the embedded store; cheap to clone.
#[derive(Clone)]
pub struct EmbeddedStore {
    slot: Arc<DbSlot>,
    queue: WriteQueue,
    committed: watch::Receiver<u64>,
    writer: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `options.data_dir` and starts its
    /// writer thread. Blocking: call it from a blocking context.
    pub fn open(options: &StoreOptions) -> Result<Self> {
        std::fs::create_dir_all(&options.data_dir).map_err(|err| {
            crate::error::from_io(
                &format!("cannot create {}", options.data_dir.display()),
                &err,
            )
        })?;
        let slot = Arc::new(DbSlot::open(options.data_dir.join(DATABASE_FILE))?);
        let (last_sequence, last_id) = slot.with(read_heads)?;
        let (committed_tx, committed) = watch::channel(last_sequence);
        let (queue, queue_rx) = WriteQueue::new();
        let state = WriterState {
            slot: slot.clone(),
            last_sequence,
            last_id,
            reload_heads: false,
            max_batch: options.max_batch.max(1),
            request_id_retention: options.request_id_retention,
            committed: committed_tx,
        };
        let writer = std::thread::Builder::new()
            .name("storage-writer".into())
            .spawn(move || writer::run(state, queue_rx))
            .map_err(|err| Error::Storage(format!("cannot start the writer thread: {err}")))?;
        tracing::info!(dir = %options.data_dir.display(), last_sequence, "store opened");
        Ok(Self {
            slot,
            queue,
            committed,
            writer: Arc::new(Mutex::new(Some(writer))),
        })
    }

    pub(crate) fn queue(&self) -> &WriteQueue {
        &self.queue
    }

    pub async fn get(&self, id: Ulid) -> Result<Option<StoredDocument>> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || slot.with(|db| get_document(db, id))).await?
    }

    pub async fn list(
        &self,
        filter: ListFilter,
        after: Option<Ulid>,
        limit: usize,
    ) -> Result<Page> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || slot.with(|db| list_documents(db, &filter, after, limit)))
            .await?
    }

    pub async fn changes_after(
        &self,
        after: u64,
        limit: usize,
        with_documents: bool,
    ) -> Result<Vec<Change>> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || {
            slot.with(|db| read_changes(db, after, limit, with_documents))
        })
        .await?
    }

    pub async fn status(&self) -> Result<StorageStatus> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || slot.with(read_status)).await?
    }

    /// Documents after `after` (in id order) whose text is older than
    /// `version`: up to `limit` of them, looking at no more than
    /// `MAX_LIST_SCAN` documents; with the id to resume after (`None` at the
    /// end of the store).
    pub async fn stale_after(
        &self,
        after: Option<Ulid>,
        limit: usize,
        version: u32,
    ) -> Result<(Vec<StoredDocument>, Option<Ulid>)> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || slot.with(|db| read_stale(db, after, limit, version)))
            .await?
    }

    /// How many documents have text older than `version`.
    pub async fn count_stale(&self, version: u32) -> Result<u64> {
        let slot = self.slot.clone();
        dossier_kit::run_blocking(move || slot.with(|db| count_stale(db, version))).await?
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.committed.clone()
    }

    pub async fn close(&self) {
        self.queue.stop().await;
        let handle = self.writer.lock().ok().and_then(|mut guard| guard.take());
        if let Some(handle) = handle {
            let joined = dossier_kit::run_blocking(move || handle.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                tracing::error!("the writer thread did not stop cleanly");
            }
        }
        if let Some(db) = self.slot.close() {
            release(db).await;
        }
    }
}

/// How long `close` waits for reads still holding the database.
const RELEASE_WAIT: Duration = Duration::from_secs(10);

/// Closes the file once the reads still holding `db` (blocking tasks
/// started before the close) have ended, so that the directory is free
/// when `close` returns: redb refuses to open a file that is still open,
/// and a restart in the same process opens it right away. Clones of the
/// store that outlive the close no longer hold the file.
async fn release(mut db: Arc<Database>) {
    let deadline = tokio::time::Instant::now() + RELEASE_WAIT;
    loop {
        match Arc::try_unwrap(db) {
            // Dropping the last handle closes the file, which may write.
            Ok(db) => {
                if dossier_kit::run_blocking(move || drop(db)).await.is_err() {
                    tracing::warn!("the embedded store was closed on a cancelled task");
                }
                return;
            }
            Err(shared) if tokio::time::Instant::now() >= deadline => {
                tracing::warn!(
                    "a read still holds the embedded store after {RELEASE_WAIT:?}; its file closes when that read ends"
                );
                drop(shared);
                return;
            }
            Err(shared) => {
                db = shared;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}

fn read_status(db: &Database) -> Result<StorageStatus> {
    let txn = db.begin_read()?;
    let last_sequence = txn
        .open_table(CHANGES)?
        .last()?
        .map_or(0, |(k, _)| k.value());
    let document_count = txn.open_table(DOCUMENTS)?.len()?;
    Ok(StorageStatus {
        last_sequence,
        document_count,
        documents_awaiting_text: 0,
    })
}

/// Reads a document row with its article row.
fn document_of(
    articles: &impl ReadableTable<u128, &'static [u8]>,
    id: Ulid,
    row: &[u8],
) -> Result<StoredDocument> {
    let article = match articles.get(id.0)? {
        Some(a) => Some(tables::decode::<ArticleRow>(a.value())?),
        None => None,
    };
    Ok(tables::decode::<DocumentRow>(row)?.into_document(id, article))
}

fn read_stale(
    db: &Database,
    after: Option<Ulid>,
    limit: usize,
    version: u32,
) -> Result<(Vec<StoredDocument>, Option<Ulid>)> {
    let txn = db.begin_read()?;
    let documents = txn.open_table(DOCUMENTS)?;
    let articles = txn.open_table(ARTICLES)?;
    let start = after.map_or(0, |id| id.0.saturating_add(1));
    let mut found = Vec::new();
    let mut last_seen = None;
    let mut rows = documents.range(start..)?;
    for (scanned, entry) in rows.by_ref().enumerate() {
        let (key, value) = entry?;
        let id = Ulid(key.value());
        last_seen = Some(id);
        let current = match articles.get(id.0)? {
            Some(a) => ArticleRow::version_of(a.value())? >= version,
            None => false,
        };
        if !current {
            found.push(document_of(&articles, id, value.value())?);
        }
        if found.len() >= limit || scanned + 1 >= MAX_LIST_SCAN {
            break;
        }
    }
    let next = if rows.next().is_some() {
        last_seen
    } else {
        None
    };
    Ok((found, next))
}

fn count_stale(db: &Database, version: u32) -> Result<u64> {
    let txn = db.begin_read()?;
    let documents = txn.open_table(DOCUMENTS)?.len()?;
    let mut current = 0u64;
    for entry in txn.open_table(ARTICLES)?.iter()? {
        let (_, value) = entry?;
        if ArticleRow::version_of(value.value())? >= version {
            current += 1;
        }
    }
    Ok(documents.saturating_sub(current))
}

fn open_database(path: &Path) -> Result<Database> {
    let db = Database::create(path).map_err(|err| match Error::from(err) {
        Error::Storage(message) => {
            Error::Storage(format!("cannot open {}: {message}", path.display()))
        }
        other => other,
    })?;
    // Create every table up front, so readers never meet a missing one.
    let txn = db.begin_write()?;
    txn.open_table(DOCUMENTS)?;
    txn.open_table(CHANGES)?;
    txn.open_table(DEDUP)?;
    txn.open_table(REQUESTS)?;
    txn.open_table(REQUEST_EXPIRY)?;
    txn.open_table(ARTICLES)?;
    {
        // Format 1 had no meta table; opening it is its whole migration (see
        // `tables`). A newer format is refused rather than misread.
        let mut meta = txn.open_table(META)?;
        let format = meta.get(tables::FORMAT_KEY)?.map(|v| v.value());
        match format {
            Some(f) if f > tables::FORMAT => {
                return Err(Error::Storage(format!(
                    "{} was written by a newer version (format {f}; this version reads up to {})",
                    path.display(),
                    tables::FORMAT
                )));
            }
            Some(f) if f == tables::FORMAT => {}
            _ => {
                if txn.open_table(DOCUMENTS)?.len()? > 0 {
                    tracing::info!(
                        from = format.unwrap_or(1),
                        to = tables::FORMAT,
                        "migrating the embedded store's format; older documents get their text derived in the background"
                    );
                }
                meta.insert(tables::FORMAT_KEY, tables::FORMAT)?;
            }
        }
    }
    txn.commit()?;
    Ok(db)
}

/// The newest sequence and the largest id ever handed out.
pub(super) fn read_heads(db: &Database) -> Result<(u64, Ulid)> {
    let txn = db.begin_read()?;
    let changes = txn.open_table(CHANGES)?;
    let (last_sequence, last_change_id) = match changes.last()? {
        Some((k, v)) => (
            k.value(),
            tables::decode::<ChangeRow>(v.value())?.document_id,
        ),
        None => (0, 0),
    };
    let last_document_id = txn
        .open_table(DOCUMENTS)?
        .last()?
        .map_or(0, |(k, _)| k.value());
    Ok((last_sequence, Ulid(last_change_id.max(last_document_id))))
}

fn get_document(db: &Database, id: Ulid) -> Result<Option<StoredDocument>> {
    let txn = db.begin_read()?;
    let table = txn.open_table(DOCUMENTS)?;
    let articles = txn.open_table(ARTICLES)?;
    let Some(row) = table.get(id.0)? else {
        return Ok(None);
    };
    Ok(Some(document_of(&articles, id, row.value())?))
}

fn list_documents(
    db: &Database,
    filter: &ListFilter,
    after: Option<Ulid>,
    limit: usize,
) -> Result<Page> {
    let txn = db.begin_read()?;
    let table = txn.open_table(DOCUMENTS)?;
    let articles = txn.open_table(ARTICLES)?;
    let start = after.map_or(0, |id| id.0.saturating_add(1));
    let mut page = Page::default();
    let mut bytes = 0;
    let mut last_seen = None;
    let mut rows = table.range(start..)?;
    for (scanned, entry) in rows.by_ref().enumerate() {
        let (key, value) = entry?;
        let id = Ulid(key.value());
        last_seen = Some(id);
        let doc = document_of(&articles, id, value.value())?;
        if filter.matches(&doc) {
            bytes += doc.fields.body.len() + doc.article.text.len() + doc.fields.title.len() + 256;
            page.documents.push(doc);
        }
        let full = page.documents.len() >= limit || bytes >= MAX_PAGE_BYTES;
        if full || scanned + 1 >= MAX_LIST_SCAN {
            break;
        }
    }
    // Hand out a token only if anything is left to look at.
    if rows.next().is_some() {
        page.next_after = last_seen;
    }
    Ok(page)
}

fn read_changes(
    db: &Database,
    after: u64,
    limit: usize,
    with_documents: bool,
) -> Result<Vec<Change>> {
    let txn = db.begin_read()?;
    let changes = txn.open_table(CHANGES)?;
    let documents = txn.open_table(DOCUMENTS)?;
    let articles = txn.open_table(ARTICLES)?;
    let mut out = Vec::new();
    for entry in changes.range(after.saturating_add(1)..)?.take(limit) {
        let (key, value) = entry?;
        let row: ChangeRow = tables::decode(value.value())?;
        let id = Ulid(row.document_id);
        let carries = matches!(row.kind, ChangeKind::Created | ChangeKind::TextUpdated);
        let document = if with_documents && carries {
            match documents.get(id.0)? {
                Some(doc) => Some(document_of(&articles, id, doc.value())?),
                None => None,
            }
        } else {
            None
        };
        out.push(Change {
            sequence: key.value(),
            document_id: id,
            kind: row.kind,
            commit_time: row.commit_time,
            document,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
