//! The persistent entity registry: canonical entities with aliases and
//! provenance, linked from every stored document's mentions, curated by
//! people (merge, split, distinct, undo), with a resumable change log.
//!
//! Reads (linking without a document id, queries) take a read lock on the
//! in-memory state. Writes are serialised by one writer mutex: they stage
//! changes over the state, commit them in one transaction, then install
//! them in memory, so readers are blocked only for the install.
//!
//! The durable part sits behind [`txn::Txn`]: redb in the data dir (the
//! default) or PostgreSQL (`Registry::connect`, see `pg`), where several
//! extraction replicas share one registry. There every write takes one
//! database-wide lock and first catches memory up with the other replicas'
//! commits, so replicas link exactly as one process would; a follower
//! thread keeps memory current between writes (LISTEN/NOTIFY), for reads
//! and for WatchEntityChanges.

mod aggregate;
mod curation;
mod error;
mod linker;
mod model;
mod pg;
mod query;
mod screen;
mod state;
mod store;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
mod txn;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::{Mutex, RwLock};
use redb::Database;
use tokio::sync::watch;

pub use error::{RegistryError, Result};
pub use linker::THRESHOLD;
pub use model::{
    Alias, Curation, Entity, EntityChange, EntityChangeKind, EntitySummary, MAX_ALIAS_DOCS,
    entity_id, parse_entity_id,
};
pub use query::{EntityOrder, EntityPage, ListQuery, MAX_PAGE_SIZE, NameCandidate};
pub use screen::{
    DEFAULT_MAX_MATCHES, DEFAULT_MIN_SCORE, MAX_ALIASES, MAX_MATCHES_PER_NAME, MAX_NAME_BYTES,
    MAX_NAMES, MatchOptions, NameMatch, NameQuery,
};
pub use store::REGISTRY_FILE;

use crate::link::{DocumentMeta, NameMention, cluster_document};
use model::{DocItem, DocRecord, EntityRecord, Handle, type_code, type_from_code};
use state::{Overlay, State};
use txn::{META_LAST_SEQUENCE, Txn};

/// Longest accepted document id, in bytes.
pub const MAX_DOCUMENT_ID_BYTES: usize = 512;

/// The linking result for one document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkedDocument {
    /// The entity of each input mention, by index; `None` for values
    /// (dates, amounts) and for names the registry does not know.
    pub mention_entities: Vec<Option<String>>,
    /// The distinct entities linked, in first-mention order.
    pub entities: Vec<EntitySummary>,
}

/// The entity registry. Cheap to share behind an `Arc`.
pub struct Registry {
    backend: Backend,
    state: Arc<RwLock<State>>,
    /// Serialises this process's writes; on PostgreSQL an advisory lock
    /// serialises them across replicas as well (see `pg`).
    writer: Arc<Mutex<()>>,
    changes: Arc<watch::Sender<u64>>,
}

/// Where the registry is kept.
enum Backend {
    /// redb in the data dir (or in memory): the default, one process.
    Embedded(Database),
    /// PostgreSQL, shared by any number of extraction replicas.
    Postgres(Box<pg::PgRegistry>),
}

impl Registry {
    /// Opens (or creates) the registry in `dir` (the extraction data dir).
    pub fn open(dir: &Path) -> Result<Registry> {
        Self::with_db(store::open(Some(dir))?)
    }

    /// A registry that lives only in memory (tests, `Extract` without a data dir).
    pub fn in_memory() -> Result<Registry> {
        Self::with_db(store::open(None)?)
    }

    /// Connects to the registry in a PostgreSQL database (`--registry-url`),
    /// creating or migrating its tables, and follows the other replicas'
    /// writes from then on. Waits up to 30 s for the database at start-up.
    pub fn connect(url: &str) -> Result<Registry> {
        let (pg, state, last) = pg::PgRegistry::open(url)?;
        let registry = Registry {
            backend: Backend::Postgres(Box::new(pg)),
            state: Arc::new(RwLock::new(state)),
            writer: Arc::new(Mutex::new(())),
            changes: Arc::new(watch::channel(last).0),
        };
        if let Backend::Postgres(pg) = &registry.backend {
            pg.follow(
                Arc::downgrade(&registry.state),
                registry.writer.clone(),
                registry.changes.clone(),
            )?;
        }
        Ok(registry)
    }

    fn with_db(db: Database) -> Result<Registry> {
        let entities = store::load_entities(&db)?;
        let last = store::meta(&db, META_LAST_SEQUENCE)?;
        Ok(Registry {
            backend: Backend::Embedded(db),
            state: Arc::new(RwLock::new(State::build(entities))),
            writer: Arc::new(Mutex::new(())),
            changes: Arc::new(watch::channel(last).0),
        })
    }

    /// Which backend holds the registry, for logs: "embedded" or the
    /// PostgreSQL database (without credentials).
    pub fn backend_name(&self) -> String {
        match &self.backend {
            Backend::Embedded(_) => "embedded".to_string(),
            Backend::Postgres(pg) => pg.target().to_string(),
        }
    }

    /// Runs `f` in one write transaction and commits it. The caller holds
    /// `self.writer`. On PostgreSQL the transaction first takes the
    /// registry's write lock and brings memory up to date with every
    /// other replica's commits, so `f` links against the whole registry.
    fn write<T>(&self, f: impl FnOnce(&dyn Txn) -> Result<T>) -> Result<T> {
        if self.state.read().stale {
            self.reload()?;
        }
        match &self.backend {
            Backend::Embedded(db) => {
                let tx = db.begin_write()?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres(pg) => pg.write(&self.state, f),
        }
    }

    /// Number of entity records (live, merged and retired).
    pub fn entity_count(&self) -> usize {
        self.state.read().entities.len()
    }

    /// Links one document's name mentions. Without `meta.document_id` this
    /// only reads; with it, the document's contribution is recorded,
    /// replacing any earlier one for the same id (idempotent).
    pub fn link(&self, meta: &DocumentMeta, mentions: &[NameMention]) -> Result<LinkedDocument> {
        match &meta.document_id {
            None => Ok(self.resolve_readonly(meta, mentions)),
            Some(_) => {
                let docs = [(meta.clone(), mentions.to_vec())];
                Ok(self.record_batch(&docs)?.pop().unwrap_or_default())
            }
        }
    }

    /// Links many documents in order, recording those with a document id
    /// in one transaction: one commit (one fsync; on PostgreSQL a fixed number
    /// of round trips) for the whole batch.
    ///
    /// Each document is linked against the registry as the documents before
    /// it in the batch left it, exactly as if they were linked one by one.
    pub fn link_batch(
        &self,
        docs: &[(DocumentMeta, Vec<NameMention>)],
    ) -> Result<Vec<LinkedDocument>> {
        if docs.iter().all(|(meta, _)| meta.document_id.is_none()) {
            return Ok(docs
                .iter()
                .map(|(meta, mentions)| self.resolve_readonly(meta, mentions))
                .collect());
        }
        self.record_batch(docs)
    }

    fn resolve_readonly(&self, meta: &DocumentMeta, mentions: &[NameMention]) -> LinkedDocument {
        let state = self.state.read();
        let locals = cluster_document(mentions);
        let ctx = linker::DocContext {
            source: meta.source.as_deref(),
            seen_at: meta.published_at,
        };
        let handles = linker::resolve_all(&state, &locals, &ctx);
        let mut out = LinkedDocument {
            mention_entities: vec![None; mentions.len()],
            entities: Vec::new(),
        };
        let mut seen = BTreeSet::new();
        for (le, h) in locals.iter().zip(handles) {
            let Some(h) = h else { continue };
            for &m in &le.mentions {
                out.mention_entities[m] = Some(entity_id(h));
            }
            if seen.insert(h)
                && let Some(rec) = state.get(h)
            {
                out.entities.push(summary(h, rec));
            }
        }
        out
    }

    /// Records a batch in one write transaction.
    ///
    /// Per document, the changes are staged in an overlay, written to the
    /// open transaction and installed in memory at once, so the next
    /// document links against them (the candidate index and parsed aliases
    /// live only in memory). Entity records are written once per batch,
    /// from memory, however many documents touched them. Until the commit,
    /// readers may see the staged entities; if anything fails before the
    /// commit completes, [`Staging`] rebuilds memory from the last committed
    /// state, so memory never keeps what disk lost.
    fn record_batch(
        &self,
        docs: &[(DocumentMeta, Vec<NameMention>)],
    ) -> Result<Vec<LinkedDocument>> {
        for (meta, _) in docs {
            if let Some(id) = &meta.document_id {
                validate_doc_id(id)?;
            }
        }
        let _w = self.writer.lock();
        let mut staging = Staging {
            registry: self,
            armed: true,
        };
        let (out, last_seq) = self.write(|tx| {
            let ids: Vec<&str> = docs
                .iter()
                .filter_map(|(meta, _)| meta.document_id.as_deref())
                .collect();
            tx.prefetch_docs(&ids)?;
            let mut touched: BTreeSet<Handle> = BTreeSet::new();
            let mut out = Vec::with_capacity(docs.len());
            let mut last_seq = 0;
            for (meta, mentions) in docs {
                let Some(id) = &meta.document_id else {
                    out.push(self.resolve_readonly(meta, mentions));
                    continue;
                };
                let (dirty, linked) = {
                    let state = self.state.read();
                    let mut ov = Overlay::new(&state);
                    let linked = record_in(&mut ov, tx, id, meta, mentions)?;
                    last_seq = self.log_updates(tx, &ov, &[])?;
                    (ov.dirty, linked)
                };
                touched.extend(dirty.keys().copied());
                self.state.write().install(dirty);
                out.push(linked);
            }
            let state = self.state.read();
            tx.put_entities(&mut touched.iter().filter_map(|&h| Some((h, state.get(h)?))))?;
            Ok((out, last_seq))
        })?;
        staging.armed = false;
        self.publish(last_seq);
        Ok(out)
    }

    /// Replaces the in-memory state with the last committed one.
    fn reload(&self) -> Result<()> {
        let state = match &self.backend {
            Backend::Embedded(db) => State::build(store::load_entities(db)?),
            Backend::Postgres(pg) => pg.load()?,
        };
        *self.state.write() = state;
        Ok(())
    }

    /// Removes a document's contribution (after the document was deleted).
    /// Returns the ids of entities whose counts changed; unknown ids change nothing.
    pub fn forget_document(&self, doc_id: &str) -> Result<Vec<String>> {
        validate_doc_id(doc_id)?;
        let _w = self.writer.lock();
        let done = self.write(|tx| {
            let state = self.state.read();
            let mut ov = Overlay::new(&state);
            let Some(old) = tx.get_doc(doc_id)? else {
                return Ok(None);
            };
            let reseen = aggregate::apply(&mut ov, doc_id, &old, false);
            for h in old.items.iter().map(|i| i.entity).collect::<BTreeSet<_>>() {
                tx.unlink_entity_doc(h, doc_id)?;
            }
            tx.remove_doc(doc_id)?;
            for h in reseen {
                aggregate::recompute_seen(&mut ov, tx, h)?;
            }
            let changed: Vec<String> = ov.dirty.keys().map(|&h| entity_id(h)).collect();
            let last_seq = self.log_updates(tx, &ov, &[])?;
            write_entities(tx, &ov)?;
            Ok(Some((ov.dirty, changed, last_seq)))
        })?;
        let Some((dirty, changed, last_seq)) = done else {
            return Ok(Vec::new());
        };
        self.state.write().install(dirty);
        self.publish(last_seq);
        Ok(changed)
    }

    /// Logs an UPDATED change for every entity whose canonical name or type
    /// changed in `ov` (except `skip`); returns the last sequence.
    fn log_updates(&self, tx: &dyn Txn, ov: &Overlay<'_>, skip: &[Handle]) -> Result<u64> {
        let mut seq = tx.meta(META_LAST_SEQUENCE)?;
        let start = seq;
        let now = now_secs();
        for (&h, rec) in &ov.dirty {
            let Some(old) = ov.base.get(h) else { continue };
            if skip.contains(&h) || old.aliases.is_empty() {
                continue;
            }
            if old.canonical_name != rec.canonical_name || old.entity_type != rec.entity_type {
                seq += 1;
                tx.put_change(&EntityChange {
                    sequence: seq,
                    kind: EntityChangeKind::Updated,
                    entity_id: entity_id(h),
                    source_ids: Vec::new(),
                    curation_id: None,
                    document_ids: Vec::new(),
                    commit_time: now,
                    entity: None,
                })?;
            }
        }
        if seq > start {
            tx.put_meta(META_LAST_SEQUENCE, seq)?;
        }
        Ok(seq)
    }

    fn publish(&self, seq: u64) {
        self.changes.send_if_modified(|cur| {
            let newer = seq > *cur;
            if newer {
                *cur = seq;
            }
            newer
        });
    }

    /// Entity changes with a sequence greater than `after`, at most `limit`.
    /// Each `Updated` change carries the entity's current name and type.
    pub fn changes_after(&self, after: u64, limit: usize) -> Result<Vec<EntityChange>> {
        let mut changes = match &self.backend {
            Backend::Embedded(db) => store::changes_after(db, after, limit)?,
            Backend::Postgres(pg) => {
                let loaded = self.last_sequence();
                pg.changes_after(after, limit, &self.state, &self.writer, loaded)?
            }
        };
        let state = self.state.read();
        for change in &mut changes {
            if change.kind != EntityChangeKind::Updated {
                continue;
            }
            change.entity =
                parse_entity_id(&change.entity_id).and_then(|h| Some(summary(h, state.get(h)?)));
        }
        Ok(changes)
    }

    /// The sequence of the latest entity change (0 before any).
    pub fn last_sequence(&self) -> u64 {
        *self.changes.borrow()
    }

    /// A receiver that sees the latest sequence change; wait on it with
    /// `changed().await`, then read with [`Registry::changes_after`].
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

/// Memory staged ahead of a commit: unless disarmed once the commit has
/// succeeded, dropping it (an error or a panic mid-batch) rebuilds the
/// in-memory state from the store.
struct Staging<'a> {
    registry: &'a Registry,
    armed: bool,
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if self.armed
            && let Err(e) = self.registry.reload()
        {
            tracing::error!(error = %e, "cannot reload the entity registry after a failed batch; retrying before the next write");
            self.registry.state.write().stale = true;
        }
    }
}

/// Records one document inside an open transaction.
fn record_in(
    ov: &mut Overlay<'_>,
    tx: &dyn Txn,
    doc_id: &str,
    meta: &DocumentMeta,
    mentions: &[NameMention],
) -> Result<LinkedDocument> {
    let locals = cluster_document(mentions);
    let ctx = linker::DocContext {
        source: meta.source.as_deref(),
        seen_at: meta.published_at,
    };
    let resolved = linker::resolve_all(ov.base, &locals, &ctx);
    let mut handles = Vec::with_capacity(locals.len());
    for (le, r) in locals.iter().zip(resolved) {
        let h = match r {
            Some(h) => h,
            None => ov.create(EntityRecord {
                entity_type: type_code(le.entity_type),
                canonical_name: le.name.display.clone(),
                ..EntityRecord::default()
            }),
        };
        handles.push(h);
    }
    let mut items: BTreeMap<(Handle, String), u32> = BTreeMap::new();
    for (le, &h) in locals.iter().zip(&handles) {
        for (form, n) in &le.forms {
            *items.entry((h, form.display.clone())).or_default() += n;
        }
    }
    let new = DocRecord {
        source: meta.source.clone(),
        seen_at: meta.published_at.unwrap_or_else(now_secs),
        items: items
            .into_iter()
            .map(|((entity, alias), mentions)| DocItem {
                entity,
                alias,
                mentions,
            })
            .collect(),
    };
    let old = tx.get_doc(doc_id)?;
    let unchanged = old.as_ref().is_some_and(|o| {
        o.items == new.items
            && o.source == new.source
            && (meta.published_at.is_none() || o.seen_at == new.seen_at)
    });
    if !unchanged {
        replace_doc(ov, tx, doc_id, old, &new)?;
    }
    let mut out = LinkedDocument {
        mention_entities: vec![None; mentions.len()],
        entities: Vec::new(),
    };
    for (le, &h) in locals.iter().zip(&handles) {
        for &m in &le.mentions {
            out.mention_entities[m] = Some(entity_id(h));
        }
        if !out.entities.iter().any(|e| e.id == entity_id(h)) {
            out.entities.push(summary(h, ov.get(h)));
        }
    }
    Ok(out)
}

fn replace_doc(
    ov: &mut Overlay<'_>,
    tx: &dyn Txn,
    doc_id: &str,
    old: Option<DocRecord>,
    new: &DocRecord,
) -> Result<()> {
    let new_entities: BTreeSet<Handle> = new.items.iter().map(|i| i.entity).collect();
    let mut reseen = Vec::new();
    if let Some(old) = &old {
        reseen = aggregate::apply(ov, doc_id, old, false);
        for h in old.items.iter().map(|i| i.entity).collect::<BTreeSet<_>>() {
            if !new_entities.contains(&h) {
                tx.unlink_entity_doc(h, doc_id)?;
            }
        }
    }
    aggregate::apply(ov, doc_id, new, true);
    for &h in &new_entities {
        tx.link_entity_doc(h, doc_id)?;
    }
    tx.put_doc(doc_id, new)?;
    for h in reseen {
        aggregate::recompute_seen(ov, tx, h)?;
    }
    Ok(())
}

fn write_entities(tx: &dyn Txn, ov: &Overlay<'_>) -> Result<()> {
    tx.put_entities(&mut ov.dirty.iter().map(|(&h, rec)| (h, rec)))
}

fn validate_doc_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(RegistryError::invalid("document_id", "must not be empty"));
    }
    if id.len() > MAX_DOCUMENT_ID_BYTES {
        return Err(RegistryError::invalid(
            "document_id",
            format!("longer than {MAX_DOCUMENT_ID_BYTES} bytes"),
        ));
    }
    Ok(())
}

pub(crate) fn summary(h: Handle, rec: &EntityRecord) -> EntitySummary {
    EntitySummary {
        id: entity_id(h),
        canonical_name: rec.canonical_name.clone(),
        entity_type: type_from_code(rec.entity_type),
    }
}

pub(crate) fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
