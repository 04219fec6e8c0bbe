//! The in-memory side of the registry: every entity record, the parsed forms
//! of their top aliases (so scoring never re-parses), and the candidate index.
//! Rebuilt from the `entities` table at open; on PostgreSQL also brought up
//! to date with the other replicas' writes (see `pg`).
//!
//! Changes are staged in an [`Overlay`] (copy-on-write over the state),
//! written to the store in one transaction, and installed only after the commit
//! succeeds — a failed commit leaves memory untouched.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{EntityRecord, Handle, type_from_code};
use crate::link::ParsedName;
use crate::link::index::CandidateIndex;

/// Aliases per entity kept parsed for scoring (the most mentioned ones).
const PARSED_ALIASES: usize = 8;

#[derive(Default)]
pub(crate) struct State {
    pub entities: Vec<EntityRecord>,
    pub parsed: Vec<Vec<ParsedName>>,
    pub index: CandidateIndex,
    /// On PostgreSQL, the registry write (revision) this state includes;
    /// unused (0) by the embedded store, whose one process writes it all.
    pub rev: u64,
    /// Memory may hold changes that were never committed (a failed batch
    /// whose reload failed too): rebuild from the store before the next write.
    pub stale: bool,
}

impl State {
    pub fn build(entities: Vec<EntityRecord>) -> State {
        let mut state = State {
            parsed: Vec::with_capacity(entities.len()),
            entities: Vec::new(),
            index: CandidateIndex::new(),
            rev: 0,
            stale: false,
        };
        for (h, rec) in entities.into_iter().enumerate() {
            state.entities.push(EntityRecord::default());
            state.parsed.push(Vec::new());
            state.put(h as Handle, rec);
        }
        state
    }

    /// Replaces or appends a record and refreshes its parsed forms and keys.
    fn put(&mut self, h: Handle, rec: EntityRecord) {
        let i = h as usize;
        while self.entities.len() <= i {
            self.entities.push(EntityRecord::default());
            self.parsed.push(Vec::new());
        }
        let t = type_from_code(rec.entity_type);
        let top = top_aliases(&rec);
        // Most updates only bump counts: when the parsed aliases would be
        // the same names of the same type, keep them (parsing is the
        // costly part of installing a record).
        let old = &self.entities[i];
        let same = old.entity_type == rec.entity_type
            && self.parsed[i].len() == top.len()
            && top_aliases(old) == top;
        if !same {
            self.parsed[i] = top.iter().map(|name| ParsedName::parse(name, t)).collect();
        }
        if rec.merged_into.is_none() {
            // Every alias is indexed (not only the parsed top ones), once:
            // keys are never removed, stale ones are filtered when scoring.
            let old = &self.entities[i].aliases;
            for a in &rec.aliases {
                if old.binary_search_by(|o| o.name.cmp(&a.name)).is_err() {
                    self.index.insert(&ParsedName::parse(&a.name, t), t, h);
                }
            }
        }
        self.entities[i] = rec;
    }

    pub fn install(&mut self, dirty: BTreeMap<Handle, EntityRecord>) {
        for (h, rec) in dirty {
            self.put(h, rec);
        }
    }

    pub fn get(&self, h: Handle) -> Option<&EntityRecord> {
        self.entities.get(h as usize)
    }

    /// Follows merges to the surviving entity.
    pub fn resolve(&self, h: Handle) -> Handle {
        resolve_with(h, |x| self.get(x).and_then(|r| r.merged_into))
    }
}

/// The names of the [`PARSED_ALIASES`] most mentioned aliases, most
/// mentioned first (ties by name).
fn top_aliases(rec: &EntityRecord) -> Vec<&str> {
    let mut aliases: Vec<&super::model::AliasRecord> = rec.aliases.iter().collect();
    aliases.sort_by(|a, b| {
        b.mention_count
            .cmp(&a.mention_count)
            .then(a.name.cmp(&b.name))
    });
    aliases
        .iter()
        .take(PARSED_ALIASES)
        .map(|a| a.name.as_str())
        .collect()
}

/// Follows `merged_into` links, bounded so a corrupt cycle cannot hang.
pub(crate) fn resolve_with(mut h: Handle, next: impl Fn(Handle) -> Option<Handle>) -> Handle {
    for _ in 0..64 {
        match next(h) {
            Some(n) if n != h => h = n,
            _ => break,
        }
    }
    h
}

/// Staged changes over a [`State`].
pub(crate) struct Overlay<'a> {
    pub base: &'a State,
    pub dirty: BTreeMap<Handle, EntityRecord>,
    bumped: BTreeSet<Handle>,
    next: Handle,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a State) -> Self {
        Overlay {
            base,
            dirty: BTreeMap::new(),
            bumped: BTreeSet::new(),
            next: base.entities.len() as Handle,
        }
    }

    pub fn get(&self, h: Handle) -> &EntityRecord {
        static EMPTY: EntityRecord = EntityRecord {
            entity_type: 13,
            canonical_name: String::new(),
            aliases: Vec::new(),
            mention_count: 0,
            document_count: 0,
            first_seen: None,
            last_seen: None,
            merged_into: None,
            merged_ids: Vec::new(),
            distinct: Vec::new(),
            blocked_keys: Vec::new(),
            context: Vec::new(),
            sources: Vec::new(),
            last_curation: None,
            version: 0,
            retired: false,
        };
        self.dirty
            .get(&h)
            .or_else(|| self.base.get(h))
            .unwrap_or(&EMPTY)
    }

    /// A mutable record, copied from the base on first touch; its version is
    /// bumped once per overlay.
    pub fn get_mut(&mut self, h: Handle) -> &mut EntityRecord {
        if !self.dirty.contains_key(&h) {
            let rec = self.base.get(h).cloned().unwrap_or_default();
            self.dirty.insert(h, rec);
        }
        let rec = self.dirty.entry(h).or_default();
        if self.bumped.insert(h) {
            rec.version += 1;
        }
        rec
    }

    pub fn create(&mut self, rec: EntityRecord) -> Handle {
        let h = self.next;
        self.next += 1;
        self.dirty.insert(h, rec);
        self.bumped.insert(h);
        h
    }

    /// Replaces a record with a snapshot (undo). Everything but the version
    /// is restored; the version moves forward so it never repeats.
    pub fn restore(&mut self, h: Handle, mut rec: EntityRecord) {
        rec.version = self.get(h).version + 1;
        self.dirty.insert(h, rec);
        self.bumped.insert(h);
    }

    pub fn resolve(&self, h: Handle) -> Handle {
        resolve_with(h, |x| self.get(x).merged_into)
    }

    /// `h` and every entity merged into it, transitively.
    pub fn members(&self, h: Handle) -> Vec<Handle> {
        let mut out = vec![h];
        let mut i = 0;
        while i < out.len() && out.len() < 100_000 {
            for &m in &self.get(out[i]).merged_ids {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
            i += 1;
        }
        out
    }
}
