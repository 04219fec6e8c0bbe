//! The registry's tables in redb (the embedded default). Every change goes
//! through one write transaction, so a crash leaves either the whole change
//! or none of it; [`Txn`] is implemented over redb's write transaction.
//!
//! | table         | key                 | value                          |
//! |---------------|---------------------|--------------------------------|
//! | `entities`    | handle `u32`        | postcard `EntityRecord`        |
//! | `docs`        | document id         | postcard `DocRecord`           |
//! | `entity_docs` | (handle, doc id)    | `()` — who to re-aggregate     |
//! | `curations`   | curation number     | postcard `CurationRecord`      |
//! | `requests`    | curation request id | curation number                |
//! | `changes`     | sequence            | postcard `EntityChange`        |
//! | `meta`        | name                | `u64` counters                 |

use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::error::Result;
use super::model::{CurationRecord, DocRecord, EntityChange, EntityRecord, Handle};
use super::txn::Txn;

pub(crate) const ENTITIES: TableDefinition<u32, &[u8]> = TableDefinition::new("entities");
pub(crate) const DOCS: TableDefinition<&str, &[u8]> = TableDefinition::new("docs");
pub(crate) const ENTITY_DOCS: TableDefinition<(u32, &str), ()> =
    TableDefinition::new("entity_docs");
pub(crate) const CURATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("curations");
pub(crate) const REQUESTS: TableDefinition<&str, u64> = TableDefinition::new("requests");
pub(crate) const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// The registry file inside the extraction data dir.
pub const REGISTRY_FILE: &str = "registry.redb";

/// redb's page cache for the registry file. redb's default (1 GiB) grows
/// with the file (570 MB at 300,000 bench articles, ~2 GB at a million),
/// yet every entity record is already in memory (`State`): the file is
/// read for a document's links when it is forgotten or re-counted, and its
/// pages stay in the operating system's cache anyway. At 100,000 articles
/// extraction's peak RSS went 848 → 723 MiB with no more CPU (232 → 225 s;
/// tests/BENCHMARKS.md, issue 19).
const REGISTRY_CACHE_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn open(dir: Option<&Path>) -> Result<Database> {
    let db = match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                super::RegistryError::Storage(format!("create {}: {e}", dir.display()))
            })?;
            Database::builder()
                .set_cache_size(REGISTRY_CACHE_BYTES)
                .create(dir.join(REGISTRY_FILE))?
        }
        None => Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?,
    };
    // Create every table so later read transactions never see a missing one.
    let tx = db.begin_write()?;
    tx.open_table(ENTITIES)?;
    tx.open_table(DOCS)?;
    tx.open_table(ENTITY_DOCS)?;
    tx.open_table(CURATIONS)?;
    tx.open_table(REQUESTS)?;
    tx.open_table(CHANGES)?;
    tx.open_table(META)?;
    tx.commit()?;
    Ok(db)
}

/// Every entity record, in handle order (handles are dense).
pub(crate) fn load_entities(db: &Database) -> Result<Vec<EntityRecord>> {
    let tx = db.begin_read()?;
    let table = tx.open_table(ENTITIES)?;
    let mut out = Vec::new();
    for row in table.iter()? {
        let (k, v) = row?;
        let h = k.value();
        if h as usize != out.len() {
            return Err(super::RegistryError::Corrupt(format!(
                "entity handle {h} out of sequence"
            )));
        }
        out.push(postcard::from_bytes(v.value())?);
    }
    Ok(out)
}

pub(crate) fn meta(db: &Database, key: &str) -> Result<u64> {
    let tx = db.begin_read()?;
    let table = tx.open_table(META)?;
    Ok(table.get(key)?.map(|v| v.value()).unwrap_or(0))
}

impl Txn for WriteTransaction {
    fn get_doc(&self, id: &str) -> Result<Option<DocRecord>> {
        let table = self.open_table(DOCS)?;
        let Some(v) = table.get(id)? else {
            return Ok(None);
        };
        Ok(Some(postcard::from_bytes(v.value())?))
    }

    fn put_doc(&self, id: &str, doc: &DocRecord) -> Result<()> {
        let bytes = postcard::to_allocvec(doc)?;
        self.open_table(DOCS)?.insert(id, bytes.as_slice())?;
        Ok(())
    }

    fn remove_doc(&self, id: &str) -> Result<()> {
        self.open_table(DOCS)?.remove(id)?;
        Ok(())
    }

    fn link_entity_doc(&self, h: Handle, doc: &str) -> Result<()> {
        self.open_table(ENTITY_DOCS)?.insert((h, doc), ())?;
        Ok(())
    }

    fn unlink_entity_doc(&self, h: Handle, doc: &str) -> Result<()> {
        self.open_table(ENTITY_DOCS)?.remove((h, doc))?;
        Ok(())
    }

    fn entity_doc_ids(&self, h: Handle) -> Result<Vec<String>> {
        let table = self.open_table(ENTITY_DOCS)?;
        let mut out = Vec::new();
        for row in table.range((h, "")..)? {
            let (k, _) = row?;
            let (eh, doc) = k.value();
            if eh != h {
                break;
            }
            out.push(doc.to_string());
        }
        Ok(out)
    }

    /// Writes through one open table.
    fn put_entities(
        &self,
        records: &mut dyn Iterator<Item = (Handle, &EntityRecord)>,
    ) -> Result<()> {
        let mut table = self.open_table(ENTITIES)?;
        let mut bytes = Vec::new();
        for (h, rec) in records {
            bytes.clear();
            // Through io::Write, which copies each string whole;
            // `to_extend` pushed byte by byte (6% of extraction's CPU at
            // 275,000 articles, the hot entities' records being large).
            postcard::to_io(rec, &mut bytes)?;
            table.insert(h, bytes.as_slice())?;
        }
        Ok(())
    }

    fn get_curation(&self, n: u64) -> Result<Option<CurationRecord>> {
        let table = self.open_table(CURATIONS)?;
        let Some(v) = table.get(n)? else {
            return Ok(None);
        };
        Ok(Some(postcard::from_bytes(v.value())?))
    }

    fn put_curation(&self, rec: &CurationRecord) -> Result<()> {
        let bytes = postcard::to_allocvec(rec)?;
        self.open_table(CURATIONS)?
            .insert(rec.id, bytes.as_slice())?;
        Ok(())
    }

    fn request(&self, request_id: &str) -> Result<Option<u64>> {
        Ok(self
            .open_table(REQUESTS)?
            .get(request_id)?
            .map(|v| v.value()))
    }

    fn put_request(&self, request_id: &str, n: u64) -> Result<()> {
        self.open_table(REQUESTS)?.insert(request_id, n)?;
        Ok(())
    }

    fn put_change(&self, change: &EntityChange) -> Result<()> {
        let bytes = postcard::to_allocvec(change)?;
        self.open_table(CHANGES)?
            .insert(change.sequence, bytes.as_slice())?;
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<u64> {
        let table = self.open_table(META)?;
        Ok(table.get(key)?.map(|v| v.value()).unwrap_or(0))
    }

    fn put_meta(&self, key: &str, value: u64) -> Result<()> {
        self.open_table(META)?.insert(key, value)?;
        Ok(())
    }
}

pub(crate) fn changes_after(db: &Database, after: u64, limit: usize) -> Result<Vec<EntityChange>> {
    let tx = db.begin_read()?;
    let table = tx.open_table(CHANGES)?;
    let mut out = Vec::new();
    let Some(start) = after.checked_add(1) else {
        return Ok(out);
    };
    for row in table.range(start..)? {
        if out.len() >= limit {
            break;
        }
        let (_, v) = row?;
        out.push(postcard::from_bytes(v.value())?);
    }
    Ok(out)
}
