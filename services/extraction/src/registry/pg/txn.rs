//! [`Txn`] over a PostgreSQL transaction.
//!
//! Reads go to the database (or to what this transaction already read or
//! wrote); writes are buffered and sent at commit as one statement per
//! table (`UNNEST` of arrays), so recording a batch of documents costs a
//! fixed number of round trips: the lock and catch-up, one read of the
//! batch's earlier contributions ([`Txn::prefetch_docs`]), the flush and
//! the commit.
//!
//! Entity handles that did not exist when the transaction began are
//! inserted without `ON CONFLICT`: the primary key refuses a handle
//! assigned twice, whatever went wrong elsewhere.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use postgres::Transaction;

use super::{CHANNEL, META_REV};
use crate::registry::error::{RegistryError, Result};
use crate::registry::model::{CurationRecord, DocRecord, EntityChange, EntityRecord, Handle};
use crate::registry::txn::Txn;

/// A value read from the database (or written here), and whether it must be written back.
struct Cached<T> {
    value: Option<T>,
    dirty: bool,
}

pub(super) struct PgTxn<'c> {
    tx: RefCell<Transaction<'c>>,
    /// Handles below this existed at the start: updated; the rest inserted.
    existing: u64,
    docs: RefCell<BTreeMap<String, Cached<DocRecord>>>,
    /// (handle, document) → linked (true) or unlinked (false).
    links: RefCell<BTreeMap<(Handle, String), bool>>,
    entities: RefCell<BTreeMap<Handle, Vec<u8>>>,
    curations: RefCell<BTreeMap<u64, Cached<CurationRecord>>>,
    requests: RefCell<BTreeMap<String, Cached<u64>>>,
    changes: RefCell<Vec<(i64, Vec<u8>)>>,
    meta: RefCell<BTreeMap<String, Cached<u64>>>,
}

impl<'c> PgTxn<'c> {
    pub(super) fn new(tx: Transaction<'c>, existing: usize) -> Self {
        PgTxn {
            tx: RefCell::new(tx),
            existing: existing as u64,
            docs: RefCell::default(),
            links: RefCell::default(),
            entities: RefCell::default(),
            curations: RefCell::default(),
            requests: RefCell::default(),
            changes: RefCell::default(),
            meta: RefCell::default(),
        }
    }

    fn dirty(&self) -> bool {
        self.docs.borrow().values().any(|d| d.dirty)
            || !self.links.borrow().is_empty()
            || !self.entities.borrow().is_empty()
            || self.curations.borrow().values().any(|c| c.dirty)
            || self.requests.borrow().values().any(|r| r.dirty)
            || !self.changes.borrow().is_empty()
            || self.meta.borrow().values().any(|m| m.dirty)
    }

    /// Sends the buffered writes under revision `rev + 1`, notifies the
    /// other replicas and commits. Returns the new revision, or `None`
    /// when nothing was written (the transaction only read).
    pub(super) fn commit(self, rev: u64) -> Result<Option<u64>> {
        if !self.dirty() {
            self.tx.into_inner().commit()?;
            return Ok(None);
        }
        let new_rev = rev + 1;
        self.put_meta(META_REV, new_rev)?;
        let last_sequence = self.meta(crate::registry::txn::META_LAST_SEQUENCE)?;
        let mut tx = self.tx.into_inner();
        flush_docs(&mut tx, self.docs.into_inner())?;
        flush_links(&mut tx, self.links.into_inner())?;
        flush_entities(&mut tx, self.entities.into_inner(), self.existing, new_rev)?;
        flush_small(
            &mut tx,
            self.curations.into_inner(),
            self.requests.into_inner(),
            self.changes.into_inner(),
            self.meta.into_inner(),
        )?;
        // Delivered at commit, to every replica's follower (this one's too).
        tx.execute(
            "SELECT pg_notify($1, $2)",
            &[&CHANNEL, &format!("{new_rev} {last_sequence}")],
        )?;
        tx.commit()?;
        Ok(Some(new_rev))
    }
}

fn flush_docs(tx: &mut Transaction<'_>, docs: BTreeMap<String, Cached<DocRecord>>) -> Result<()> {
    let (mut ids, mut records, mut gone) = (Vec::new(), Vec::new(), Vec::new());
    for (id, doc) in docs.into_iter().filter(|(_, d)| d.dirty) {
        match doc.value {
            Some(rec) => {
                ids.push(id.into_bytes());
                records.push(postcard::to_allocvec(&rec)?);
            }
            None => gone.push(id.into_bytes()),
        }
    }
    if !ids.is_empty() {
        tx.execute(
            "INSERT INTO registry_docs (id, record)
             SELECT * FROM UNNEST($1::bytea[], $2::bytea[])
             ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
            &[&ids, &records],
        )?;
    }
    if !gone.is_empty() {
        tx.execute(
            "DELETE FROM registry_docs WHERE id = ANY($1::bytea[])",
            &[&gone],
        )?;
    }
    Ok(())
}

fn flush_links(tx: &mut Transaction<'_>, links: BTreeMap<(Handle, String), bool>) -> Result<()> {
    let (mut on_h, mut on_d, mut off_h, mut off_d) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((h, doc), linked) in links {
        if linked {
            on_h.push(i64::from(h));
            on_d.push(doc.into_bytes());
        } else {
            off_h.push(i64::from(h));
            off_d.push(doc.into_bytes());
        }
    }
    if !off_h.is_empty() {
        tx.execute(
            "DELETE FROM registry_entity_docs e
             USING UNNEST($1::int8[], $2::bytea[]) AS u(handle, doc_id)
             WHERE e.handle = u.handle AND e.doc_id = u.doc_id",
            &[&off_h, &off_d],
        )?;
    }
    if !on_h.is_empty() {
        tx.execute(
            "INSERT INTO registry_entity_docs (handle, doc_id)
             SELECT * FROM UNNEST($1::int8[], $2::bytea[])
             ON CONFLICT DO NOTHING",
            &[&on_h, &on_d],
        )?;
    }
    Ok(())
}

fn flush_entities(
    tx: &mut Transaction<'_>,
    entities: BTreeMap<Handle, Vec<u8>>,
    existing: u64,
    rev: u64,
) -> Result<()> {
    let rev = to_i64(rev)?;
    let (mut old_h, mut old_r, mut new_h, mut new_r) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (h, bytes) in entities {
        if u64::from(h) < existing {
            old_h.push(i64::from(h));
            old_r.push(bytes);
        } else {
            new_h.push(i64::from(h));
            new_r.push(bytes);
        }
    }
    if !old_h.is_empty() {
        tx.execute(
            "UPDATE registry_entities e SET rev = $3, record = u.record
             FROM UNNEST($1::int8[], $2::bytea[]) AS u(handle, record)
             WHERE e.handle = u.handle",
            &[&old_h, &old_r, &rev],
        )?;
    }
    if !new_h.is_empty() {
        tx.execute(
            "INSERT INTO registry_entities (handle, rev, record)
             SELECT u.handle, $3, u.record FROM UNNEST($1::int8[], $2::bytea[]) AS u(handle, record)",
            &[&new_h, &new_r, &rev],
        )?;
    }
    Ok(())
}

fn flush_small(
    tx: &mut Transaction<'_>,
    curations: BTreeMap<u64, Cached<CurationRecord>>,
    requests: BTreeMap<String, Cached<u64>>,
    changes: Vec<(i64, Vec<u8>)>,
    meta: BTreeMap<String, Cached<u64>>,
) -> Result<()> {
    for (n, c) in curations {
        if let (true, Some(rec)) = (c.dirty, c.value) {
            tx.execute(
                "INSERT INTO registry_curations (id, record) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
                &[&to_i64(n)?, &postcard::to_allocvec(&rec)?],
            )?;
        }
    }
    for (r, n) in requests {
        if let (true, Some(n)) = (n.dirty, n.value) {
            tx.execute(
                "INSERT INTO registry_requests (request_id, curation) VALUES ($1, $2)",
                &[&r.as_bytes(), &to_i64(n)?],
            )?;
        }
    }
    if !changes.is_empty() {
        let (seqs, records): (Vec<i64>, Vec<Vec<u8>>) = changes.into_iter().unzip();
        tx.execute(
            "INSERT INTO registry_changes (sequence, record)
             SELECT * FROM UNNEST($1::int8[], $2::bytea[])",
            &[&seqs, &records],
        )?;
    }
    let mut keys = Vec::new();
    let mut values = Vec::new();
    for (k, m) in meta {
        if let (true, Some(v)) = (m.dirty, m.value) {
            keys.push(k);
            values.push(to_i64(v)?);
        }
    }
    if !keys.is_empty() {
        tx.execute(
            "INSERT INTO registry_meta (key, value) SELECT * FROM UNNEST($1::text[], $2::int8[])
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&keys, &values],
        )?;
    }
    Ok(())
}

pub(super) fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| RegistryError::Storage(format!("{n} does not fit a bigint")))
}

pub(super) fn from_i64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| RegistryError::Corrupt(format!("negative counter {n}")))
}

pub(super) fn doc_id(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| RegistryError::Corrupt("a document id is not UTF-8".into()))
}

impl Txn for PgTxn<'_> {
    fn get_doc(&self, id: &str) -> Result<Option<DocRecord>> {
        if let Some(d) = self.docs.borrow().get(id) {
            return Ok(d.value.clone());
        }
        let row = self.tx.borrow_mut().query_opt(
            "SELECT record FROM registry_docs WHERE id = $1",
            &[&id.as_bytes()],
        )?;
        let value: Option<DocRecord> = match row {
            Some(row) => Some(postcard::from_bytes(row.get::<_, &[u8]>(0))?),
            None => None,
        };
        self.docs.borrow_mut().insert(
            id.to_string(),
            Cached {
                value: value.clone(),
                dirty: false,
            },
        );
        Ok(value)
    }

    fn prefetch_docs(&self, ids: &[&str]) -> Result<()> {
        let wanted: Vec<&[u8]> = {
            let docs = self.docs.borrow();
            ids.iter()
                .filter(|id| !docs.contains_key(**id))
                .map(|id| id.as_bytes())
                .collect()
        };
        if wanted.is_empty() {
            return Ok(());
        }
        let rows = self.tx.borrow_mut().query(
            "SELECT id, record FROM registry_docs WHERE id = ANY($1::bytea[])",
            &[&wanted],
        )?;
        let mut docs = self.docs.borrow_mut();
        for id in wanted {
            let id = String::from_utf8_lossy(id).into_owned();
            docs.entry(id).or_insert(Cached {
                value: None,
                dirty: false,
            });
        }
        for row in rows {
            let id = doc_id(row.get(0))?;
            let rec: DocRecord = postcard::from_bytes(row.get::<_, &[u8]>(1))?;
            docs.insert(
                id,
                Cached {
                    value: Some(rec),
                    dirty: false,
                },
            );
        }
        Ok(())
    }

    fn put_doc(&self, id: &str, doc: &DocRecord) -> Result<()> {
        let value = Some(doc.clone());
        self.docs
            .borrow_mut()
            .insert(id.to_string(), Cached { value, dirty: true });
        Ok(())
    }

    fn remove_doc(&self, id: &str) -> Result<()> {
        self.docs.borrow_mut().insert(
            id.to_string(),
            Cached {
                value: None,
                dirty: true,
            },
        );
        Ok(())
    }

    fn link_entity_doc(&self, h: Handle, doc: &str) -> Result<()> {
        self.links.borrow_mut().insert((h, doc.to_string()), true);
        Ok(())
    }

    fn unlink_entity_doc(&self, h: Handle, doc: &str) -> Result<()> {
        self.links.borrow_mut().insert((h, doc.to_string()), false);
        Ok(())
    }

    fn entity_doc_ids(&self, h: Handle) -> Result<Vec<String>> {
        let rows = self.tx.borrow_mut().query(
            "SELECT doc_id FROM registry_entity_docs WHERE handle = $1",
            &[&i64::from(h)],
        )?;
        let mut ids = BTreeSet::new();
        for row in rows {
            ids.insert(doc_id(row.get(0))?);
        }
        for ((_, doc), linked) in self
            .links
            .borrow()
            .range((h, String::new())..)
            .take_while(|((x, _), _)| *x == h)
        {
            if *linked {
                ids.insert(doc.clone());
            } else {
                ids.remove(doc);
            }
        }
        Ok(ids.into_iter().collect())
    }

    fn put_entities(
        &self,
        records: &mut dyn Iterator<Item = (Handle, &EntityRecord)>,
    ) -> Result<()> {
        let mut entities = self.entities.borrow_mut();
        for (h, rec) in records {
            entities.insert(h, postcard::to_allocvec(rec)?);
        }
        Ok(())
    }

    fn get_curation(&self, n: u64) -> Result<Option<CurationRecord>> {
        if let Some(c) = self.curations.borrow().get(&n) {
            return Ok(c.value.clone());
        }
        let row = self.tx.borrow_mut().query_opt(
            "SELECT record FROM registry_curations WHERE id = $1",
            &[&to_i64(n)?],
        )?;
        match row {
            Some(row) => Ok(Some(postcard::from_bytes(row.get::<_, &[u8]>(0))?)),
            None => Ok(None),
        }
    }

    fn put_curation(&self, rec: &CurationRecord) -> Result<()> {
        let value = Some(rec.clone());
        self.curations
            .borrow_mut()
            .insert(rec.id, Cached { value, dirty: true });
        Ok(())
    }

    fn request(&self, request_id: &str) -> Result<Option<u64>> {
        if let Some(r) = self.requests.borrow().get(request_id) {
            return Ok(r.value);
        }
        let row = self.tx.borrow_mut().query_opt(
            "SELECT curation FROM registry_requests WHERE request_id = $1",
            &[&request_id.as_bytes()],
        )?;
        row.map(|row| from_i64(row.get(0))).transpose()
    }

    fn put_request(&self, request_id: &str, n: u64) -> Result<()> {
        let value = Some(n);
        self.requests
            .borrow_mut()
            .insert(request_id.to_string(), Cached { value, dirty: true });
        Ok(())
    }

    fn put_change(&self, change: &EntityChange) -> Result<()> {
        let bytes = postcard::to_allocvec(change)?;
        self.changes
            .borrow_mut()
            .push((to_i64(change.sequence)?, bytes));
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<u64> {
        if let Some(m) = self.meta.borrow().get(key) {
            return Ok(m.value.unwrap_or(0));
        }
        let row = self
            .tx
            .borrow_mut()
            .query_opt("SELECT value FROM registry_meta WHERE key = $1", &[&key])?;
        let value = row
            .map(|row| from_i64(row.get(0)))
            .transpose()?
            .unwrap_or(0);
        self.meta.borrow_mut().insert(
            key.to_string(),
            Cached {
                value: Some(value),
                dirty: false,
            },
        );
        Ok(value)
    }

    fn put_meta(&self, key: &str, value: u64) -> Result<()> {
        self.meta.borrow_mut().insert(
            key.to_string(),
            Cached {
                value: Some(value),
                dirty: true,
            },
        );
        Ok(())
    }
}
