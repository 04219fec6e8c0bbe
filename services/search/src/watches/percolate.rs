//! Percolation: after each commit, which watches match the documents it
//! made visible — all watches against the whole batch at once, never each
//! document against each watch.
//!
//! A commit's new documents are already an index: the segments the commit
//! wrote. So rather than indexing the batch a second time into a RAM index,
//! the percolator reads those segments of the commit's own searcher:
//!
//! 1. Aliases: the new segments' `alias` terms (spelling → entity) that
//!    change what a watch's names expand to mark that watch for reading
//!    again (see `compile`), so expansion follows new spellings and merges.
//! 2. Candidates: each watch is filed under its candidate terms (see
//!    `keys`); the batch's term dictionaries are walked — or, when a field
//!    has fewer filed terms than the segment has terms, the filed terms are
//!    looked up in it — to find the watches one of whose terms occurs.
//!    Watches with no required term are always candidates.
//! 3. Matching: each candidate's query runs, unscored, on the new segments
//!    only, restricted to the sequences the commit added.
//!
//! The result is a wake-up per matching watch (`hub`); the streams then
//! read their matches from the index, so percolation decides when a stream
//! looks, never what it sends. Blocking.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use parking_lot::RwLock;
use tantivy::index::SegmentId;
use tantivy::query::EnableScoring;
use tantivy::{Searcher, SegmentReader};

use super::compile::{Compiled, compile_watch};
use super::registry::Registry;
use crate::error::{Error, Result};
use crate::index::{CommitView, SearchIndex};
use crate::schema::SEP;

/// What one commit's percolation found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Watches with a match, and the newest sequence each matched.
    pub matched: Vec<(Arc<str>, u64)>,
    /// Watches run against the batch.
    pub candidates: usize,
    /// Watches whose query was read again for new spellings.
    pub recompiled: usize,
}

/// The percolator's memory between commits.
pub struct Percolator {
    /// The newest sequence percolated.
    after: u64,
    /// The segments of the last commit seen (new ones are the batch).
    seen: HashSet<SegmentId>,
}

impl Percolator {
    /// Starts after `after`, with `searcher`'s segments already seen.
    pub fn new(searcher: &Searcher, after: u64) -> Self {
        Self {
            after,
            seen: segment_ids(searcher),
        }
    }

    /// Percolates the documents `view` added since the last call, calling
    /// `wake` for each watch that matched as soon as it is known. The
    /// watches `followed` says have streams go first — read again, filed,
    /// run and woken — so a match's delivery does not wait for the watches
    /// no one follows.
    pub fn percolate(
        &mut self,
        index: &SearchIndex,
        registry: &RwLock<Registry>,
        view: &CommitView,
        followed: &dyn Fn(&str) -> bool,
        wake: &mut dyn FnMut(&str, u64),
    ) -> Result<Outcome> {
        let searcher = &view.searcher;
        let through = view.checkpoint.sequence;
        let after = if through < self.after {
            // A rebuild started again from 0.
            0
        } else {
            self.after
        };
        let current = segment_ids(searcher);
        let new: Vec<(usize, &SegmentReader)> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .filter(|(_, s)| !self.seen.contains(&s.segment_id()))
            .collect();
        self.seen = current;
        self.after = through;
        let mut outcome = Outcome::default();
        if registry.read().is_empty() || new.is_empty() {
            return Ok(outcome);
        }
        let dirty = dirty(index, registry, &new)?;
        let mut fresh = Vec::new();
        for &(ord, segment) in &new {
            let seqs = segment.fast_fields().u64("seq")?;
            if segment.num_docs() > 0 && seqs.max_value() > after {
                fresh.push((ord, segment));
            }
        }
        for first in [true, false] {
            let in_pass = |id: &str| followed(id) == first;
            let stale = dirty.iter().filter(|id| in_pass(id));
            outcome.recompiled += recompile(index, searcher, registry, stale);
            if fresh.is_empty() {
                continue;
            }
            let candidates = candidates(registry, &fresh, &in_pass)?;
            outcome.candidates += candidates.len();
            for (id, compiled) in candidates {
                if let Some(newest) = newest_match(searcher, &compiled, &fresh, after, through)? {
                    wake(&id, newest);
                    outcome.matched.push((id, newest));
                }
            }
        }
        Ok(outcome)
    }
}

fn segment_ids(searcher: &Searcher) -> HashSet<SegmentId> {
    searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::segment_id)
        .collect()
}

/// The watches whose reading the new segments' aliases change.
fn dirty(
    index: &SearchIndex,
    registry: &RwLock<Registry>,
    new: &[(usize, &SegmentReader)],
) -> Result<BTreeSet<Arc<str>>> {
    let alias = index.fields().alias;
    let mut dirty = BTreeSet::new();
    let registry = registry.read();
    for (_, segment) in new {
        let inverted = segment.inverted_index(alias)?;
        let mut terms = inverted.terms().stream().map_err(io)?;
        while terms.advance() {
            let Ok(term) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            if let Some((name, id)) = term.split_once(SEP) {
                registry.dirty(name, id, &mut dirty);
            }
        }
    }
    Ok(dirty)
}

/// Reads the `stale` watches again; returns how many.
fn recompile<'a>(
    index: &SearchIndex,
    searcher: &Searcher,
    registry: &RwLock<Registry>,
    stale: impl Iterator<Item = &'a Arc<str>>,
) -> usize {
    let mut read_again = 0;
    for id in stale {
        let Some(watch) = registry.read().get(id).map(|e| Arc::clone(&e.watch)) else {
            continue;
        };
        match compile_watch(index, searcher, &watch) {
            Ok(compiled) => {
                registry.write().recompiled(id, compiled);
                read_again += 1;
            }
            // It compiled when it was created; keep that reading.
            Err(err) => tracing::warn!(watch_id = %id, error = %err, "cannot read a watch again"),
        }
    }
    read_again
}

/// The watches `wanted` to run on `fresh`: those filed under a term the
/// segments hold, and those filed under none.
fn candidates(
    registry: &RwLock<Registry>,
    fresh: &[(usize, &SegmentReader)],
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<(Arc<str>, Arc<Compiled>)>> {
    let registry = registry.read();
    let mut ids: BTreeSet<Arc<str>> = registry.always().clone();
    for (_, segment) in fresh {
        for (field, filed) in registry.keys() {
            let inverted = segment.inverted_index(*field)?;
            let terms = inverted.terms();
            if terms.num_terms() <= filed.len() {
                let mut stream = terms.stream().map_err(io)?;
                while stream.advance() {
                    if let Some(watches) = filed.get(stream.key()) {
                        ids.extend(watches.iter().cloned());
                    }
                }
            } else {
                for (value, watches) in filed {
                    if terms.get(value).map_err(io)?.is_some() {
                        ids.extend(watches.iter().cloned());
                    }
                }
            }
        }
    }
    Ok(ids
        .into_iter()
        .filter(|id| wanted(id))
        .filter_map(|id| {
            let compiled = Arc::clone(&registry.get(&id)?.compiled);
            Some((id, compiled))
        })
        .collect())
}

/// The newest sequence in `(after, through]` that `compiled` matches in
/// `fresh`.
fn newest_match(
    searcher: &Searcher,
    compiled: &Compiled,
    fresh: &[(usize, &SegmentReader)],
    after: u64,
    through: u64,
) -> Result<Option<u64>> {
    let weight = compiled
        .query
        .weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut newest = None;
    for (_, segment) in fresh {
        let seqs = segment.fast_fields().u64("seq")?;
        let alive = segment.alive_bitset();
        weight.for_each_no_score(segment, &mut |docs| {
            for &doc in docs {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let seq = seqs.first(doc).unwrap_or(0);
                if seq > after && seq <= through && newest.is_none_or(|n| seq > n) {
                    newest = Some(seq);
                }
            }
        })?;
    }
    Ok(newest)
}

fn io(err: std::io::Error) -> Error {
    Error::Index(err.into())
}
