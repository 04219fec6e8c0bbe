//! The watches in memory: by id (sorted, so listing pages in creation
//! order), by request id (idempotent creates), and the two inverted
//! indexes the percolator reads — candidate term → watches, and entity name
//! → watches whose reading consulted it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use tantivy::schema::Field;

use super::compile::Compiled;
use super::keys::Key;
use super::model::Watch;

/// One watch and its compiled query (swapped when it is read again).
#[derive(Clone)]
pub struct Entry {
    pub watch: Arc<Watch>,
    pub compiled: Arc<Compiled>,
}

/// Watches filed by the value bytes of one field's terms.
pub type TermIndex = HashMap<Box<[u8]>, Vec<Arc<str>>>;

#[derive(Default)]
pub struct Registry {
    watches: BTreeMap<Arc<str>, Entry>,
    by_request: HashMap<String, Arc<str>>,
    keys: HashMap<Field, TermIndex>,
    always: BTreeSet<Arc<str>>,
    /// Normalized entity name → the watches that looked it up.
    names: HashMap<Box<str>, Vec<Arc<str>>>,
    /// Word run no name continued → the watches that asked.
    prefixes: HashMap<Box<str>, Vec<Arc<str>>>,
}

impl Registry {
    pub fn len(&self) -> usize {
        self.watches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.watches.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.watches.get(id)
    }

    /// The watch created with `request_id`.
    pub fn by_request(&self, request_id: &str) -> Option<&Entry> {
        self.by_request
            .get(request_id)
            .and_then(|id| self.watches.get(id))
    }

    pub fn insert(&mut self, watch: Watch, compiled: Compiled) {
        // Ids are unique; a second insert replaces the first whole.
        self.remove(&watch.id);
        let id: Arc<str> = watch.id.as_str().into();
        if !watch.request_id.is_empty() {
            self.by_request
                .insert(watch.request_id.clone(), Arc::clone(&id));
        }
        let compiled = Arc::new(compiled);
        self.file(&id, &compiled);
        let entry = Entry {
            watch: Arc::new(watch),
            compiled,
        };
        self.watches.insert(id, entry);
    }

    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        let (id, entry) = self.watches.remove_entry(id)?;
        if !entry.watch.request_id.is_empty() {
            self.by_request.remove(&entry.watch.request_id);
        }
        self.unfile(&id, &entry.compiled);
        Some(entry)
    }

    /// Swaps in a watch's query as read again.
    pub fn recompiled(&mut self, id: &str, compiled: Compiled) {
        let Some((id, old)) = self
            .watches
            .get_key_value(id)
            .map(|(id, entry)| (Arc::clone(id), Arc::clone(&entry.compiled)))
        else {
            return;
        };
        self.unfile(&id, &old);
        let compiled = Arc::new(compiled);
        self.file(&id, &compiled);
        if let Some(entry) = self.watches.get_mut(&id) {
            entry.compiled = compiled;
        }
    }

    /// Up to `size` watches after id `after`, and whether more follow.
    pub fn page(&self, after: Option<&str>, size: usize) -> (Vec<Arc<Watch>>, bool) {
        use std::ops::Bound;
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut watches: Vec<Arc<Watch>> = self
            .watches
            .range::<str, _>((start, Bound::Unbounded))
            .take(size + 1)
            .map(|(_, e)| Arc::clone(&e.watch))
            .collect();
        let more = watches.len() > size;
        watches.truncate(size);
        (watches, more)
    }

    /// Every watch, for compiling them all again.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.watches.values()
    }

    /// Candidate terms by field.
    pub fn keys(&self) -> &HashMap<Field, TermIndex> {
        &self.keys
    }

    /// Watches with no candidate term: run for every batch.
    pub fn always(&self) -> &BTreeSet<Arc<str>> {
        &self.always
    }

    /// Watches whose reading an alias `name` (normalized) of entity `id`
    /// changes: those that looked the name up and did not find `id`, and
    /// those that stopped short of a longer name starting with a run of
    /// its words.
    pub fn dirty(&self, name: &str, id: &str, out: &mut BTreeSet<Arc<str>>) {
        if let Some(watches) = self.names.get(name) {
            for watch in watches {
                let knew = self.watches.get(watch).is_some_and(|e| {
                    e.compiled
                        .consulted
                        .names
                        .iter()
                        .any(|(n, ids)| n == name && ids.iter().any(|i| i == id))
                });
                if !knew {
                    out.insert(Arc::clone(watch));
                }
            }
        }
        for (at, _) in name.match_indices(' ') {
            if let Some(watches) = self.prefixes.get(&name[..at]) {
                out.extend(watches.iter().cloned());
            }
        }
    }

    fn file(&mut self, id: &Arc<str>, compiled: &Compiled) {
        match &compiled.key {
            Key::Always => {
                self.always.insert(Arc::clone(id));
            }
            Key::Any(terms) => {
                for term in terms {
                    self.keys
                        .entry(term.field())
                        .or_default()
                        .entry(term.serialized_value_bytes().into())
                        .or_default()
                        .push(Arc::clone(id));
                }
            }
        }
        for (name, _) in &compiled.consulted.names {
            add(&mut self.names, name, id);
        }
        for prefix in &compiled.consulted.open_prefixes {
            add(&mut self.prefixes, prefix, id);
        }
    }

    fn unfile(&mut self, id: &Arc<str>, compiled: &Compiled) {
        match &compiled.key {
            Key::Always => {
                self.always.remove(id);
            }
            Key::Any(terms) => {
                for term in terms {
                    if let Some(by_value) = self.keys.get_mut(&term.field()) {
                        let value = term.serialized_value_bytes();
                        if let Some(ids) = by_value.get_mut(value) {
                            ids.retain(|w| w != id);
                            if ids.is_empty() {
                                by_value.remove(value);
                            }
                        }
                        if by_value.is_empty() {
                            self.keys.remove(&term.field());
                        }
                    }
                }
            }
        }
        for (name, _) in &compiled.consulted.names {
            remove(&mut self.names, name, id);
        }
        for prefix in &compiled.consulted.open_prefixes {
            remove(&mut self.prefixes, prefix, id);
        }
    }
}

fn add(map: &mut HashMap<Box<str>, Vec<Arc<str>>>, key: &str, id: &Arc<str>) {
    let ids = map.entry(key.into()).or_default();
    if !ids.contains(id) {
        ids.push(Arc::clone(id));
    }
}

fn remove(map: &mut HashMap<Box<str>, Vec<Arc<str>>>, key: &str, id: &Arc<str>) {
    if let Some(ids) = map.get_mut(key) {
        ids.retain(|w| w != id);
        if ids.is_empty() {
            map.remove(key);
        }
    }
}
