//! Entity statistics as sums of per-document contributions.
//!
//! A document's items point at the entity linked when it was processed;
//! aggregation resolves them through merges. Adding or removing a document
//! updates the sums incrementally; curation (merge, split, undo) recomputes
//! the entities involved from their documents, which is exact by construction.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::Result;
use super::model::{
    AliasRecord, DocRecord, EntityRecord, Handle, MAX_ALIAS_DOCS, MAX_CONTEXT, MAX_SOURCES,
};
use super::state::Overlay;
use super::txn::Txn;

/// Target entity → alias → mentions, for one document.
pub(crate) type Contribution = BTreeMap<Handle, BTreeMap<String, u64>>;

pub(crate) fn contribution(ov: &Overlay<'_>, doc: &DocRecord) -> Contribution {
    let mut out = Contribution::new();
    for item in &doc.items {
        let target = ov.resolve(item.entity);
        *out.entry(target)
            .or_default()
            .entry(item.alias.clone())
            .or_default() += u64::from(item.mentions);
    }
    out
}

/// Adds (`sign` > 0) or removes a document's contribution. Returns entities
/// whose first/last seen may need recomputing (a removed boundary document).
pub(crate) fn apply(ov: &mut Overlay<'_>, doc_id: &str, doc: &DocRecord, add: bool) -> Vec<Handle> {
    let contrib = contribution(ov, doc);
    let targets: Vec<Handle> = contrib.keys().copied().collect();
    let mut reseen = Vec::new();
    for (&t, aliases) in &contrib {
        let rec = ov.get_mut(t);
        apply_to_record(rec, doc_id, doc, aliases, add);
        if !add && (rec.first_seen == Some(doc.seen_at) || rec.last_seen == Some(doc.seen_at)) {
            reseen.push(t);
        }
        for &u in &targets {
            if u != t {
                bump(&mut rec.context, u, add, MAX_CONTEXT);
            }
        }
        if let Some(src) = &doc.source {
            bump(&mut rec.sources, src.clone(), add, MAX_SOURCES);
        }
    }
    reseen
}

fn apply_to_record(
    rec: &mut EntityRecord,
    doc_id: &str,
    doc: &DocRecord,
    aliases: &BTreeMap<String, u64>,
    add: bool,
) {
    let mentions: u64 = aliases.values().sum();
    if add {
        rec.mention_count += mentions;
        rec.document_count += 1;
        rec.first_seen = Some(rec.first_seen.map_or(doc.seen_at, |f| f.min(doc.seen_at)));
        rec.last_seen = Some(rec.last_seen.map_or(doc.seen_at, |l| l.max(doc.seen_at)));
    } else {
        rec.mention_count = rec.mention_count.saturating_sub(mentions);
        rec.document_count = rec.document_count.saturating_sub(1);
    }
    for (name, &n) in aliases {
        let pos = rec.aliases.binary_search_by(|a| a.name.as_str().cmp(name));
        match (pos, add) {
            (Ok(i), true) => add_alias_doc(&mut rec.aliases[i], doc_id, n),
            (Err(i), true) => {
                let mut a = AliasRecord {
                    name: name.clone(),
                    ..AliasRecord::default()
                };
                add_alias_doc(&mut a, doc_id, n);
                rec.aliases.insert(i, a);
            }
            (Ok(i), false) => {
                let a = &mut rec.aliases[i];
                a.mention_count = a.mention_count.saturating_sub(n);
                a.document_count = a.document_count.saturating_sub(1);
                if let Ok(d) = a.document_ids.binary_search_by(|x| x.as_str().cmp(doc_id)) {
                    Arc::make_mut(&mut a.document_ids).remove(d);
                }
                if a.mention_count == 0 {
                    rec.aliases.remove(i);
                }
            }
            (Err(_), false) => {}
        }
    }
    if rec.mention_count == 0 {
        rec.first_seen = None;
        rec.last_seen = None;
    }
    rec.canonical_name = canonical_name(&rec.aliases, &rec.canonical_name)
        .unwrap_or_else(|| rec.canonical_name.clone());
}

fn add_alias_doc(a: &mut AliasRecord, doc_id: &str, n: u64) {
    a.mention_count += n;
    a.document_count += 1;
    if let Err(d) = a.document_ids.binary_search_by(|x| x.as_str().cmp(doc_id))
        && d < MAX_ALIAS_DOCS
    {
        let ids = Arc::make_mut(&mut a.document_ids);
        ids.insert(d, doc_id.to_string());
        ids.truncate(MAX_ALIAS_DOCS);
    }
}

fn bump<K: PartialEq>(list: &mut Vec<(K, u32)>, key: K, add: bool, cap: usize) {
    match list.iter().position(|(k, _)| *k == key) {
        Some(i) if add => list[i].1 = list[i].1.saturating_add(1),
        Some(i) => {
            list[i].1 = list[i].1.saturating_sub(1);
            if list[i].1 == 0 {
                list.remove(i);
            }
        }
        None if add && list.len() < cap => list.push((key, 1)),
        None => {}
    }
}

/// Mentions from which the current canonical name resists a challenger
/// that leads it by a tenth or less.
const STICKY_MIN_MENTIONS: u64 = 10;

/// The most complete, most frequent form: multi-word forms beat single
/// words, then more mentions, then more words, then alphabetical.
///
/// Once `current` has [`STICKY_MIN_MENTIONS`] mentions it stays while no
/// form of the same completeness leads it by more than a tenth: outlets
/// with different house spellings otherwise make a well-known name flip
/// back and forth, and each flip relabels the entity everywhere (an UPDATED
/// change that search applies to every document of the entity).
pub(crate) fn canonical_name(aliases: &[AliasRecord], current: &str) -> Option<String> {
    let best = aliases.iter().max_by(|a, b| {
        let ka = (words(&a.name) >= 2, a.mention_count, words(&a.name));
        let kb = (words(&b.name) >= 2, b.mention_count, words(&b.name));
        ka.cmp(&kb).then(b.name.cmp(&a.name))
    })?;
    let sticky = aliases
        .binary_search_by(|a| a.name.as_str().cmp(current))
        .ok()
        .map(|i| &aliases[i])
        .filter(|cur| {
            cur.mention_count >= STICKY_MIN_MENTIONS
                && (words(&cur.name) >= 2) == (words(&best.name) >= 2)
                && best.mention_count <= cur.mention_count + cur.mention_count / 10
        });
    Some(sticky.unwrap_or(best).name.clone())
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Recomputes an entity's statistics from all documents of it and of the
/// entities merged into it. Linking fields (distinct, blocked keys, merges)
/// are kept.
pub(crate) fn recompute(ov: &mut Overlay<'_>, tx: &dyn Txn, target: Handle) -> Result<()> {
    let members = ov.members(target);
    let mut doc_ids: Vec<String> = Vec::new();
    for m in &members {
        doc_ids.extend(tx.entity_doc_ids(*m)?);
    }
    doc_ids.sort();
    doc_ids.dedup();
    {
        let rec = ov.get_mut(target);
        rec.aliases.clear();
        rec.mention_count = 0;
        rec.document_count = 0;
        rec.first_seen = None;
        rec.last_seen = None;
        rec.context.clear();
        rec.sources.clear();
    }
    for id in doc_ids {
        let Some(doc) = tx.get_doc(&id)? else {
            continue;
        };
        let contrib = contribution(ov, &doc);
        let Some(aliases) = contrib.get(&target) else {
            continue;
        };
        let others: Vec<Handle> = contrib.keys().copied().filter(|&u| u != target).collect();
        let rec = ov.get_mut(target);
        apply_to_record(rec, &id, &doc, aliases, true);
        for u in others {
            bump(&mut rec.context, u, true, MAX_CONTEXT);
        }
        if let Some(src) = &doc.source {
            bump(&mut rec.sources, src.clone(), true, MAX_SOURCES);
        }
    }
    Ok(())
}

/// Recomputes first and last seen after a boundary document went away.
pub(crate) fn recompute_seen(ov: &mut Overlay<'_>, tx: &dyn Txn, target: Handle) -> Result<()> {
    let members = ov.members(target);
    let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);
    for m in &members {
        for id in tx.entity_doc_ids(*m)? {
            let Some(doc) = tx.get_doc(&id)? else {
                continue;
            };
            if doc.items.iter().any(|i| ov.resolve(i.entity) == target) {
                first = Some(first.map_or(doc.seen_at, |f| f.min(doc.seen_at)));
                last = Some(last.map_or(doc.seen_at, |l| l.max(doc.seen_at)));
            }
        }
    }
    let rec = ov.get_mut(target);
    rec.first_seen = first;
    rec.last_seen = last;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(name: &str, n: u64) -> AliasRecord {
        AliasRecord {
            name: name.into(),
            mention_count: n,
            ..AliasRecord::default()
        }
    }

    #[test]
    fn canonical_prefers_complete_then_frequent() {
        let a = [
            alias("Merkel", 10),
            alias("Angela Merkel", 3),
            alias("Angela Dorothea Merkel", 1),
        ];
        assert_eq!(canonical_name(&a, "").as_deref(), Some("Angela Merkel"));
        let a = [alias("NATO", 4), alias("Nato", 1)];
        assert_eq!(canonical_name(&a, "Nato").as_deref(), Some("NATO"));
        assert_eq!(canonical_name(&[], "NATO"), None);
    }

    #[test]
    fn a_well_mentioned_canonical_name_resists_a_narrow_lead() {
        // Sorted by name, as records keep them.
        let a = [
            alias("Iouri Chapovtchouk", 52),
            alias("Yuri Shapovchuk", 50),
        ];
        assert_eq!(
            canonical_name(&a, "Yuri Shapovchuk").as_deref(),
            Some("Yuri Shapovchuk")
        );
        let a = [
            alias("Iouri Chapovtchouk", 56),
            alias("Yuri Shapovchuk", 50),
        ];
        assert_eq!(
            canonical_name(&a, "Yuri Shapovchuk").as_deref(),
            Some("Iouri Chapovtchouk")
        );
        // Few mentions: strictly the most frequent.
        let a = [alias("Iouri Chapovtchouk", 4), alias("Yuri Shapovchuk", 3)];
        assert_eq!(
            canonical_name(&a, "Yuri Shapovchuk").as_deref(),
            Some("Iouri Chapovtchouk")
        );
        // A more complete form always wins.
        let a = [alias("Shapovchuk", 100), alias("Yuri Shapovchuk", 1)];
        assert_eq!(
            canonical_name(&a, "Shapovchuk").as_deref(),
            Some("Yuri Shapovchuk")
        );
    }

    #[test]
    fn bump_caps_and_removes() {
        let mut l: Vec<(u32, u32)> = Vec::new();
        bump(&mut l, 1, true, 2);
        bump(&mut l, 2, true, 2);
        bump(&mut l, 3, true, 2);
        assert_eq!(l, vec![(1, 1), (2, 1)]);
        bump(&mut l, 1, false, 2);
        assert_eq!(l, vec![(2, 1)]);
    }
}
