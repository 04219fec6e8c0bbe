//! Curation: merge ("same"), split, mark distinct ("not the same"), and undo.
//!
//! Each curation snapshots the entity records it changes and their versions
//! right after. Undo restores the snapshots byte for byte when nothing has
//! touched those entities since; when documents were linked in between, it
//! reverts the links and recomputes the statistics from the documents. A
//! curation that a later one builds on cannot be undone first.

use std::collections::BTreeSet;

use super::aggregate;
use super::error::{RegistryError, Result};
use super::model::{
    Curation, CurationAction, CurationRecord, EntityChange, EntityChangeKind, EntityRecord, Handle,
    curation_id, entity_id, parse_curation_id, parse_entity_id, type_from_code,
};
use super::state::{Overlay, State};
use super::txn::{META_LAST_SEQUENCE, META_NEXT_CURATION, Txn};
use super::{Registry, now_secs};
use crate::link::ParsedName;

impl Registry {
    /// Merges entities into the first (a "same" judgement). Ids that were
    /// merged away resolve to their survivor. FAILED_PRECONDITION when any
    /// two were marked distinct.
    pub fn merge(&self, ids: &[String], request_id: Option<&str>, note: &str) -> Result<Curation> {
        self.curate(request_id, |state, ov, tx, n| {
            let handles = live_handles(state, ids, "entity_ids")?;
            if handles.len() < 2 {
                return Err(RegistryError::invalid(
                    "entity_ids",
                    "need at least two distinct entities (some ids already name the same entity)",
                ));
            }
            let into = handles[0];
            let sources = handles[1..].to_vec();
            for &a in &handles {
                for &b in &handles {
                    if a != b && ov.get(a).distinct.contains(&b) {
                        return Err(RegistryError::FailedPrecondition(format!(
                            "{} and {} are marked distinct; undo that judgement first",
                            entity_id(a),
                            entity_id(b)
                        )));
                    }
                }
            }
            let before = snapshot(ov, &handles);
            let mut docs = BTreeSet::new();
            for &s in &sources {
                for m in ov.members(s) {
                    docs.extend(tx.entity_doc_ids(m)?);
                }
                let (distinct, blocked) = {
                    let rec = ov.get_mut(s);
                    rec.merged_into = Some(into);
                    rec.last_curation = Some(n);
                    (rec.distinct.clone(), rec.blocked_keys.clone())
                };
                let rec = ov.get_mut(into);
                rec.merged_ids.push(s);
                union(&mut rec.distinct, distinct);
                union(&mut rec.blocked_keys, blocked);
            }
            ov.get_mut(into).last_curation = Some(n);
            aggregate::recompute(ov, tx, into)?;
            let action = CurationAction::Merge { into, sources: sources.clone() };
            let change = change(EntityChangeKind::Merged, into, &sources, docs);
            Ok((action, before, Some(change), handles))
        }, note)
    }

    /// Moves the named aliases of an entity to a new entity (a "not the
    /// same" judgement: the moved names never link back automatically).
    pub fn split(
        &self,
        id: &str,
        aliases: &[String],
        request_id: Option<&str>,
        note: &str,
    ) -> Result<Curation> {
        self.curate(
            request_id,
            |state, ov, tx, n| {
                let from = live_handles(state, &[id.to_string()], "entity_id")?[0];
                let rec = ov.get(from).clone();
                let moving: BTreeSet<&str> = aliases.iter().map(String::as_str).collect();
                if moving.is_empty() {
                    return Err(RegistryError::invalid(
                        "aliases",
                        "name at least one alias to move",
                    ));
                }
                for a in &moving {
                    if !rec.aliases.iter().any(|x| x.name == *a) {
                        return Err(RegistryError::invalid(
                            "aliases",
                            format!(
                                "{} is not an alias of {}",
                                super::error::echo(a),
                                entity_id(from)
                            ),
                        ));
                    }
                }
                if moving.len() >= rec.aliases.len() {
                    return Err(RegistryError::invalid(
                        "aliases",
                        "at least one alias must stay with the entity",
                    ));
                }
                let before = snapshot(ov, &[from]);
                let new = ov.create(EntityRecord {
                    entity_type: rec.entity_type,
                    canonical_name: moving
                        .iter()
                        .next()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    ..EntityRecord::default()
                });
                let mut moved = Vec::new();
                let mut docs = BTreeSet::new();
                for m in ov.members(from) {
                    for doc_id in tx.entity_doc_ids(m)? {
                        let Some(mut doc) = tx.get_doc(&doc_id)? else {
                            continue;
                        };
                        let mut touched = false;
                        for (i, item) in doc.items.iter_mut().enumerate() {
                            if ov.resolve(item.entity) == from
                                && moving.contains(item.alias.as_str())
                            {
                                moved.push((doc_id.clone(), i as u32, item.entity));
                                item.entity = new;
                                touched = true;
                            }
                        }
                        if touched {
                            relink_doc(tx, &doc_id, &mut doc, &[m, new])?;
                            docs.insert(doc_id);
                        }
                    }
                }
                let t = type_from_code(rec.entity_type);
                let staying: BTreeSet<String> = rec
                    .aliases
                    .iter()
                    .filter(|a| !moving.contains(a.name.as_str()))
                    .map(|a| ParsedName::parse(&a.name, t).full_key())
                    .collect();
                {
                    let f = ov.get_mut(from);
                    for a in &moving {
                        let key = ParsedName::parse(a, t).full_key();
                        if !staying.contains(&key) && !f.blocked_keys.contains(&key) {
                            f.blocked_keys.push(key);
                        }
                    }
                    f.distinct.push(new);
                    f.last_curation = Some(n);
                }
                {
                    let c = ov.get_mut(new);
                    c.distinct.push(from);
                    c.last_curation = Some(n);
                }
                aggregate::recompute(ov, tx, from)?;
                aggregate::recompute(ov, tx, new)?;
                let aliases = moving.iter().map(|s| s.to_string()).collect();
                let action = CurationAction::Split {
                    from,
                    new,
                    aliases,
                    moved,
                };
                let change = change(EntityChangeKind::Split, from, &[new], docs);
                Ok((action, before, Some(change), vec![from, new]))
            },
            note,
        )
    }

    /// Records that entities are pairwise distinct, so linking never joins
    /// them and a merge of them is refused.
    pub fn mark_distinct(
        &self,
        ids: &[String],
        request_id: Option<&str>,
        note: &str,
    ) -> Result<Curation> {
        self.curate(request_id, |state, ov, _tx, n| {
            let handles = live_handles(state, ids, "entity_ids")?;
            if handles.len() < 2 {
                return Err(RegistryError::invalid(
                    "entity_ids",
                    "need at least two distinct entities (some ids already name the same entity)",
                ));
            }
            let before = snapshot(ov, &handles);
            for &a in &handles {
                let own: BTreeSet<String> = keys_of(ov.get(a));
                let mut others: Vec<String> = Vec::new();
                for &b in &handles {
                    if b != a {
                        others.extend(keys_of(ov.get(b)).into_iter().filter(|k| !own.contains(k)));
                    }
                }
                let rec = ov.get_mut(a);
                union(&mut rec.distinct, handles.iter().copied().filter(|&b| b != a).collect());
                union(&mut rec.blocked_keys, others);
                rec.last_curation = Some(n);
            }
            let action = CurationAction::Distinct { ids: handles.clone() };
            Ok((action, before, None, handles))
        }, note)
    }

    /// Undoes a curation, restoring the previous state. FAILED_PRECONDITION
    /// when already undone or when a later curation changed its entities.
    pub fn undo(&self, curation: &str) -> Result<Curation> {
        let n = parse_curation_id(curation).ok_or_else(|| {
            RegistryError::invalid("curation_id", "expected cur_ followed by digits")
        })?;
        let _w = self.writer.lock();
        let (dirty, result, seq) = self.write(|tx| {
            let state = self.state.read();
            let mut ov = Overlay::new(&state);
            let mut rec = tx
                .get_curation(n)?
                .ok_or_else(|| RegistryError::not_found("curation", curation))?;
            if rec.undone {
                return Err(RegistryError::FailedPrecondition(format!(
                    "{curation} was already undone"
                )));
            }
            for (h, _) in &rec.before {
                if ov.get(*h).last_curation != Some(n) {
                    return Err(RegistryError::FailedPrecondition(format!(
                        "a later curation changed {}; undo it first",
                        entity_id(*h)
                    )));
                }
            }
            let (change, touched) = undo_action(&mut ov, tx, &rec)?;
            rec.undone = true;
            let mut seq = tx.meta(META_LAST_SEQUENCE)?;
            if let Some(mut c) = change {
                seq += 1;
                c.sequence = seq;
                c.curation_id = Some(curation.to_string());
                tx.put_change(&c)?;
                tx.put_meta(META_LAST_SEQUENCE, seq)?;
            }
            tx.put_curation(&rec)?;
            super::write_entities(tx, &ov)?;
            let result = Curation {
                curation_id: curation.to_string(),
                entities: touched
                    .iter()
                    .map(|&h| super::query::view(&ov, h))
                    .collect(),
                sequence: seq,
            };
            Ok((ov.dirty, result, seq))
        })?;
        self.state.write().install(dirty);
        self.publish(seq);
        Ok(result)
    }

    /// Shared frame of merge, split and distinct: idempotency by request id,
    /// one transaction, snapshot and change log, install after commit.
    fn curate<F>(&self, request_id: Option<&str>, f: F, note: &str) -> Result<Curation>
    where
        F: FnOnce(&State, &mut Overlay<'_>, &dyn Txn, u64) -> Result<CurateOutcome>,
    {
        let request_id = request_id.filter(|r| !r.is_empty());
        let _w = self.writer.lock();
        let (dirty, result, seq) = self.write(|tx| {
            let state = self.state.read();
            let mut ov = Overlay::new(&state);
            if let Some(r) = request_id
                && let Some(n) = tx.request(r)?
            {
                let rec = tx.get_curation(n)?.ok_or_else(|| {
                    RegistryError::Corrupt(format!("request {r:?} without curation"))
                })?;
                let handles = touched_by(&rec.action);
                let again = Curation {
                    curation_id: curation_id(n),
                    entities: handles
                        .iter()
                        .map(|&h| super::query::view(&ov, ov.resolve(h)))
                        .collect(),
                    sequence: rec.sequence,
                };
                return Ok((Default::default(), again, 0));
            }
            let n = tx.meta(META_NEXT_CURATION)? + 1;
            tx.put_meta(META_NEXT_CURATION, n)?;
            let (action, before, change, touched) = f(&state, &mut ov, tx, n)?;
            let mut seq = tx.meta(META_LAST_SEQUENCE)?;
            let mut logged = 0;
            if let Some(mut c) = change {
                seq += 1;
                logged = seq;
                c.sequence = seq;
                c.curation_id = Some(curation_id(n));
                tx.put_change(&c)?;
                tx.put_meta(META_LAST_SEQUENCE, seq)?;
            }
            let rec = CurationRecord {
                id: n,
                action,
                note: note.to_string(),
                request_id: request_id.map(str::to_string),
                after_versions: before
                    .iter()
                    .map(|(h, _)| (*h, ov.get(*h).version))
                    .collect(),
                before,
                undone: false,
                created_at: now_secs(),
                sequence: logged,
            };
            tx.put_curation(&rec)?;
            if let Some(r) = request_id {
                tx.put_request(r, n)?;
            }
            super::write_entities(tx, &ov)?;
            let result = Curation {
                curation_id: curation_id(n),
                entities: touched
                    .iter()
                    .map(|&h| super::query::view(&ov, h))
                    .collect(),
                sequence: logged,
            };
            Ok((ov.dirty, result, seq))
        })?;
        self.state.write().install(dirty);
        self.publish(seq);
        Ok(result)
    }
}

type CurateOutcome = (
    CurationAction,
    Vec<(Handle, EntityRecord)>,
    Option<EntityChange>,
    Vec<Handle>,
);

fn undo_action(
    ov: &mut Overlay<'_>,
    tx: &dyn Txn,
    rec: &CurationRecord,
) -> Result<(Option<EntityChange>, Vec<Handle>)> {
    let untouched = rec
        .after_versions
        .iter()
        .all(|(h, v)| ov.get(*h).version == *v);
    match &rec.action {
        CurationAction::Merge { into, sources } => {
            let mut docs = BTreeSet::new();
            for &s in sources {
                for m in ov.members(s) {
                    docs.extend(tx.entity_doc_ids(m)?);
                }
            }
            restore_or_recompute(ov, tx, rec, untouched, |ov| {
                for &s in sources {
                    if let Some((_, snap)) = rec.before.iter().find(|(h, _)| *h == s) {
                        ov.restore(s, snap.clone());
                    }
                }
                let r = ov.get_mut(*into);
                r.merged_ids.retain(|m| !sources.contains(m));
                vec![*into]
            })?;
            let mut touched = vec![*into];
            touched.extend(sources);
            Ok((
                Some(change(EntityChangeKind::Unmerged, *into, sources, docs)),
                touched,
            ))
        }
        CurationAction::Split {
            from, new, moved, ..
        } => {
            let mut docs = BTreeSet::new();
            for (doc_id, idx, old) in moved {
                let Some(mut doc) = tx.get_doc(doc_id)? else {
                    continue;
                };
                if let Some(item) = doc.items.get_mut(*idx as usize)
                    && item.entity == *new
                {
                    item.entity = *old;
                }
                relink_doc(tx, doc_id, &mut doc, &[*old, *new])?;
                docs.insert(doc_id.clone());
            }
            {
                let c = ov.get_mut(*new);
                c.retired = true;
                c.merged_into = Some(*from);
                c.aliases.clear();
                c.mention_count = 0;
                c.document_count = 0;
            }
            restore_or_recompute(ov, tx, rec, untouched, |_| vec![*from])?;
            Ok((
                Some(change(EntityChangeKind::Unsplit, *from, &[*new], docs)),
                vec![*from],
            ))
        }
        CurationAction::Distinct { .. } => {
            restore_or_recompute(ov, tx, rec, untouched, |_| Vec::new())?;
            Ok((None, rec.before.iter().map(|(h, _)| *h).collect()))
        }
    }
}

/// Restores every snapshot exactly when nothing changed since; otherwise
/// restores only the curation-owned fields and recomputes statistics for
/// the entities `revert` returns.
fn restore_or_recompute(
    ov: &mut Overlay<'_>,
    tx: &dyn Txn,
    rec: &CurationRecord,
    untouched: bool,
    revert: impl FnOnce(&mut Overlay<'_>) -> Vec<Handle>,
) -> Result<()> {
    if untouched {
        for (h, snap) in &rec.before {
            ov.restore(*h, snap.clone());
        }
        return Ok(());
    }
    let recompute = revert(ov);
    for (h, snap) in &rec.before {
        let r = ov.get_mut(*h);
        r.distinct = snap.distinct.clone();
        r.blocked_keys = snap.blocked_keys.clone();
        r.last_curation = snap.last_curation;
        r.merged_into = snap.merged_into;
    }
    for h in recompute {
        aggregate::recompute(ov, tx, h)?;
    }
    Ok(())
}

/// Rewrites a document and its entity_docs rows for the given handles.
fn relink_doc(
    tx: &dyn Txn,
    doc_id: &str,
    doc: &mut super::model::DocRecord,
    handles: &[Handle],
) -> Result<()> {
    doc.items.sort();
    tx.put_doc(doc_id, doc)?;
    for &h in handles {
        if doc.items.iter().any(|i| i.entity == h) {
            tx.link_entity_doc(h, doc_id)?;
        } else {
            tx.unlink_entity_doc(h, doc_id)?;
        }
    }
    Ok(())
}

/// Live survivors of the given ids, deduplicated, in order.
fn live_handles(state: &State, ids: &[String], field: &'static str) -> Result<Vec<Handle>> {
    let mut out = Vec::new();
    for id in ids {
        let h = parse_entity_id(id).ok_or_else(|| {
            RegistryError::invalid(
                field,
                format!("{} is not an entity id", super::error::echo(id)),
            )
        })?;
        if h as usize >= state.entities.len() {
            return Err(RegistryError::not_found("entity", id.clone()));
        }
        let r = state.resolve(h);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    Ok(out)
}

fn snapshot(ov: &Overlay<'_>, handles: &[Handle]) -> Vec<(Handle, EntityRecord)> {
    handles.iter().map(|&h| (h, ov.get(h).clone())).collect()
}

fn touched_by(action: &CurationAction) -> Vec<Handle> {
    match action {
        CurationAction::Merge { into, sources } => std::iter::once(*into)
            .chain(sources.iter().copied())
            .collect(),
        CurationAction::Split { from, new, .. } => vec![*from, *new],
        CurationAction::Distinct { ids } => ids.clone(),
    }
}

fn keys_of(rec: &EntityRecord) -> BTreeSet<String> {
    let t = type_from_code(rec.entity_type);
    rec.aliases
        .iter()
        .map(|a| ParsedName::parse(&a.name, t).full_key())
        .collect()
}

fn union<T: PartialEq>(into: &mut Vec<T>, items: Vec<T>) {
    for x in items {
        if !into.contains(&x) {
            into.push(x);
        }
    }
}

fn change(
    kind: EntityChangeKind,
    h: Handle,
    sources: &[Handle],
    docs: BTreeSet<String>,
) -> EntityChange {
    EntityChange {
        sequence: 0,
        kind,
        entity_id: entity_id(h),
        source_ids: sources.iter().map(|&s| entity_id(s)).collect(),
        curation_id: None,
        document_ids: docs.into_iter().collect(),
        commit_time: now_secs(),
        entity: None,
    }
}
