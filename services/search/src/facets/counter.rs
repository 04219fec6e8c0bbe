//! The query path's facet collector: counts term facets per segment by
//! column ordinal, merges segments by interned value slot (see `dicts`),
//! and reads strings only for the buckets it returns.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::dicts::{ColumnDict, FacetDicts};
use super::doc_ords::DocOrds;
use super::histogram::{DayCounter, date_buckets};
use super::spec::{Bucket, FacetSpec, bucket};
use crate::index::Renames;

/// Facet counts of a query, by ordinal per segment and by interned value
/// across segments; strings are read only for the buckets returned.
pub struct FacetCounter {
    specs: Vec<FacetSpec>,
    /// Per spec, the column state the whole query uses (None for dates).
    dicts: Vec<Option<Arc<ColumnDict>>>,
}

/// One facet's counts merged over segments.
#[derive(Debug)]
pub enum Tally {
    Empty,
    /// Documents per value slot of the column (merged), and the slots
    /// counted, so that reading the counts never scans every value.
    Slots {
        counts: Vec<u64>,
        touched: Vec<u32>,
    },
    /// Documents per value slot, for the slots one segment counted.
    Sparse(Vec<(u32, u64)>),
    /// Documents per bucket start.
    Dates(HashMap<i64, u64>),
}

impl FacetCounter {
    pub fn new(specs: Vec<FacetSpec>, dicts: &FacetDicts) -> Self {
        let dicts = specs
            .iter()
            .map(|spec| match spec {
                FacetSpec::PublishedAt { .. } => None,
                _ => Some(dicts.column(spec.column())),
            })
            .collect();
        Self { specs, dicts }
    }

    /// The buckets a client sees, per spec, in request order.
    /// Entities are shown by their names now (`names`).
    pub fn buckets(&self, tallies: Vec<Tally>, names: &Renames) -> Vec<(FacetSpec, Vec<Bucket>)> {
        self.specs
            .iter()
            .zip(&self.dicts)
            .zip(tallies)
            .map(|((spec, dict), tally)| {
                let buckets = match (spec, dict, tally) {
                    (FacetSpec::PublishedAt { .. }, _, Tally::Dates(map)) => date_buckets(map),
                    (
                        FacetSpec::Entity { limit, entity_type },
                        Some(dict),
                        Tally::Slots { counts, touched },
                    ) => top_entities(dict, &counts, &touched, *entity_type, *limit, names),
                    (_, Some(dict), Tally::Slots { counts, touched }) => {
                        top_values(dict, &counts, &touched, spec.limit())
                    }
                    _ => Vec::new(),
                };
                (*spec, buckets)
            })
            .collect()
    }
}

/// The `limit` most frequent non-empty values, ties broken by value.
fn top_values(dict: &ColumnDict, counts: &[u64], touched: &[u32], limit: usize) -> Vec<Bucket> {
    let view = dict.view();
    let mut found: Vec<(u64, &str)> = touched
        .iter()
        .filter_map(|&slot| Some((*counts.get(slot as usize)?, view.value(slot)?)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let order = |a: &(u64, &str), b: &(u64, &str)| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1));
    keep_first(&mut found, limit, order);
    found
        .into_iter()
        .map(|(c, v)| bucket(v.into(), c))
        .collect()
}

/// The `limit` most mentioned entities of `entity_type` (0 = all), each
/// named by its most counted facet value, ties broken by id.
fn top_entities(
    dict: &ColumnDict,
    counts: &[u64],
    touched_slots: &[u32],
    entity_type: i32,
    limit: usize,
    names: &Renames,
) -> Vec<Bucket> {
    let view = dict.view();
    // Per entity slot: documents, best value's count, best value slot. A
    // dense array (tens of thousands of entities at most), reused across
    // queries, is cheaper than hashing the thousands of values a large
    // result set touches.
    let mut by_entity = zeroed::ENTITIES.take(view.entity_count());
    let mut touched: Vec<u32> = Vec::with_capacity(touched_slots.len());
    for &slot in touched_slots {
        let Some(&count) = counts.get(slot as usize) else {
            continue;
        };
        let Some((entity, kind)) = view.entity_key(slot) else {
            continue;
        };
        if entity_type != 0 && kind != entity_type {
            continue;
        }
        let Some(e) = by_entity.get_mut(entity as usize) else {
            continue;
        };
        if e.0 == 0 {
            touched.push(entity);
        }
        e.0 += count;
        if count > e.1 || (count == e.1 && slot < e.2) {
            e.1 = count;
            e.2 = slot;
        }
    }
    // Order by count, ties by id; read the ids of the entities that can
    // still be returned only, and parse the values of those returned.
    let mut counted: Vec<(u64, (u32, u32))> = touched
        .iter()
        .map(|&entity| {
            let (count, _, slot) = by_entity[entity as usize];
            (count, (entity, slot))
        })
        .collect();
    zeroed::ENTITIES.give_back(by_entity, &touched);
    // Entity numbers come from this view's own keys, so each has an id.
    let found = keep_top_counts(&mut counted, limit, |(entity, _)| view.id(entity));
    found
        .into_iter()
        .filter_map(|(count, _, (_, slot))| {
            let e = view.entity(slot)?;
            Some(Bucket {
                value: e.id.to_string(),
                count,
                display_name: names.name(e.id).unwrap_or_else(|| e.name.to_string()),
                entity_type: e.entity_type,
            })
        })
        .collect()
}

/// The `limit` items of highest count, ties broken by `key`, in that
/// order. Keys are read only for the items that can still be among them
/// (a facet over thousands of matches touches thousands of entities, and
/// reading each one's id was a third of ordering them, issue 19). An item
/// without a key is left out, after the cut: callers give every item one.
fn keep_top_counts<'a, T: Copy>(
    items: &mut Vec<(u64, T)>,
    limit: usize,
    key: impl Fn(T) -> Option<&'a str>,
) -> Vec<(u64, &'a str, T)> {
    if limit == 0 {
        return Vec::new();
    }
    if items.len() > limit {
        // The limit-th highest count: every item above it is kept, and
        // the items at it compete by key.
        items.select_nth_unstable_by(limit - 1, |a, b| b.0.cmp(&a.0));
        let edge = items[limit - 1].0;
        items.retain(|item| item.0 >= edge);
    }
    let mut found: Vec<(u64, &str, T)> = items
        .iter()
        .filter_map(|&(count, item)| Some((count, key(item)?, item)))
        .collect();
    keep_first(&mut found, limit, |a, b| {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
    });
    found
}

/// Sorts the `limit` first items of `items` by `order` and drops the rest,
/// without sorting all of them.
fn keep_first<T>(items: &mut Vec<T>, limit: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if limit == 0 {
        items.clear();
        return;
    }
    if items.len() > limit {
        items.select_nth_unstable_by(limit - 1, &order);
        items.truncate(limit);
    }
    items.sort_unstable_by(order);
}

impl Collector for FacetCounter {
    type Fruit = Vec<Tally>;
    type Child = CounterSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CounterSegment> {
        let mut counters = Vec::with_capacity(self.specs.len());
        for (spec, dict) in self.specs.iter().zip(&self.dicts) {
            counters.push(match (spec, dict) {
                (FacetSpec::PublishedAt { interval }, _) => {
                    let column = reader.fast_fields().date(spec.column())?;
                    SegmentCounter::Dates(DayCounter::new(column, *interval))
                }
                (_, Some(dict)) => match dict.segment(reader, spec.column())? {
                    Some((column, slots)) => SegmentCounter::Terms {
                        counts: zeroed::COUNTS.take(column.num_terms()),
                        touched: Vec::new(),
                        doc_ords: dict.doc_ords(reader, &column)?,
                        column,
                        slots,
                    },
                    None => SegmentCounter::None,
                },
                (_, None) => SegmentCounter::None,
            });
        }
        Ok(CounterSegment {
            counters,
            pending: Vec::with_capacity(BATCH),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Tally>>) -> tantivy::Result<Vec<Tally>> {
        let mut merged: Vec<Tally> = self.specs.iter().map(|_| Tally::Empty).collect();
        for fruit in fruits {
            for (into, from) in merged.iter_mut().zip(fruit) {
                if matches!(into, Tally::Empty) && matches!(from, Tally::Sparse(_)) {
                    *into = Tally::Slots {
                        counts: Vec::new(),
                        touched: Vec::new(),
                    };
                }
                match (into, from) {
                    (_, Tally::Empty) => {}
                    (into @ Tally::Empty, from) => *into = from,
                    (Tally::Slots { counts, touched }, Tally::Sparse(b)) => {
                        // Grown once per segment: slots come in the order
                        // first seen, and step by step growth copied the
                        // array again and again.
                        let end = b.iter().map(|&(slot, _)| slot as usize + 1).max();
                        if let Some(end) = end.filter(|&end| end > counts.len()) {
                            counts.resize(end, 0);
                        }
                        touched.reserve(b.len());
                        for (slot, count) in b {
                            let at = slot as usize;
                            if counts[at] == 0 {
                                touched.push(slot);
                            }
                            counts[at] += count;
                        }
                    }
                    (Tally::Dates(a), Tally::Dates(b)) => {
                        for (k, v) in b {
                            *a.entry(k).or_default() += v;
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(merged)
    }
}

/// Zeroed arrays reused across queries. A segment's entity column has tens
/// of thousands of terms; a fresh zeroed array per segment and query made
/// the allocator map and fault in new pages on every faceted query.
mod zeroed {
    use parking_lot::Mutex;

    /// (documents, best value's count, best value slot) per entity slot,
    /// for `top_entities`.
    pub type EntityEntry = (u64, u64, u32);

    /// Counts per column ordinal: a few per concurrent faceted query, of
    /// at most 16 MiB each, so idle memory stays bounded.
    pub static COUNTS: Pool<u32> = Pool::new(32, 1 << 22);
    /// Per-entity entries, one array per faceted query.
    pub static ENTITIES: Pool<EntityEntry> = Pool::new(8, 1 << 20);

    /// Arrays kept all zeros between uses, so that taking one writes
    /// memory only where it grows.
    pub struct Pool<T> {
        free: Mutex<Vec<Vec<T>>>,
        /// Arrays kept, and the longest kept.
        kept: usize,
        max_len: usize,
    }

    impl<T: Copy + Default> Pool<T> {
        const fn new(kept: usize, max_len: usize) -> Self {
            Self {
                free: Mutex::new(Vec::new()),
                kept,
                max_len,
            }
        }

        /// A zeroed array of `len` items.
        pub fn take(&self, len: usize) -> Vec<T> {
            let mut buffer = self.free.lock().pop().unwrap_or_default();
            buffer.resize(len, T::default());
            buffer
        }

        /// Returns an array whose non-zero items are all at `touched`.
        pub fn give_back(&self, mut buffer: Vec<T>, touched: &[u32]) {
            if buffer.capacity() > self.max_len {
                return;
            }
            for &at in touched {
                if let Some(item) = buffer.get_mut(at as usize) {
                    *item = T::default();
                }
            }
            let mut free = self.free.lock();
            if free.len() < self.kept {
                free.push(buffer);
            }
        }
    }
}

enum SegmentCounter {
    None,
    Terms {
        column: StrColumn,
        /// The column's ordinals decoded flat, when it is multi-valued.
        doc_ords: Option<Arc<DocOrds>>,
        slots: Arc<[u32]>,
        counts: Vec<u32>,
        /// Ordinals counted, in the order first seen.
        touched: Vec<u32>,
    },
    Dates(DayCounter),
}

/// Matches counted together: a column with one value per document (an
/// article's source, its date) reads a batch's values in one call, which
/// tantivy decodes without a lookup and a dispatch per document.
pub(super) const BATCH: usize = 64;

pub struct CounterSegment {
    counters: Vec<SegmentCounter>,
    /// Matches not counted yet (fewer than [`BATCH`]).
    pending: Vec<DocId>,
}

impl CounterSegment {
    fn count_pending(&mut self) {
        for counter in &mut self.counters {
            match counter {
                SegmentCounter::None => {}
                SegmentCounter::Terms {
                    column,
                    doc_ords,
                    counts,
                    touched,
                    ..
                } => {
                    let mut count = |ord: u64| {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            if *c == 0 {
                                touched.push(ord as u32);
                            }
                            *c += 1;
                        }
                    };
                    let ords = column.ords();
                    if let Some(doc_ords) = doc_ords {
                        // The batch's ordinal runs are found first: those
                        // lookups do not depend on one another, so their
                        // cache misses (matches far apart in a large
                        // segment) overlap instead of each waiting behind
                        // the previous match's counting.
                        let mut runs = [&[][..]; BATCH];
                        for (run, &doc) in runs.iter_mut().zip(&self.pending) {
                            *run = doc_ords.of(doc);
                        }
                        for run in runs.iter().take(self.pending.len()) {
                            for &ord in *run {
                                count(u64::from(ord));
                            }
                        }
                    } else if ords.get_cardinality() == Cardinality::Full {
                        let mut values = [None; BATCH];
                        let values = &mut values[..self.pending.len()];
                        ords.first_vals(&self.pending, values);
                        values.iter().flatten().for_each(|&ord| count(ord));
                    } else {
                        for &doc in &self.pending {
                            column.term_ords(doc).for_each(&mut count);
                        }
                    }
                }
                SegmentCounter::Dates(days) => days.collect_batch(&self.pending),
            }
        }
        self.pending.clear();
    }
}

impl SegmentCollector for CounterSegment {
    type Fruit = Vec<Tally>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.pending.push(doc);
        if self.pending.len() == BATCH {
            self.count_pending();
        }
    }

    fn harvest(mut self) -> Vec<Tally> {
        self.count_pending();
        self.counters
            .into_iter()
            .map(|counter| match counter {
                SegmentCounter::None => Tally::Empty,
                SegmentCounter::Terms {
                    slots,
                    counts,
                    touched,
                    ..
                } => {
                    // Sized up front: a common word touches tens of
                    // thousands of ordinals, and growing the vector step
                    // by step was a tenth of a faceted query.
                    let mut sparse = Vec::with_capacity(touched.len());
                    sparse.extend(touched.iter().filter_map(|&ord| {
                        let slot = *slots.get(ord as usize)?;
                        Some((slot, u64::from(counts[ord as usize])))
                    }));
                    let tally = Tally::Sparse(sparse);
                    zeroed::COUNTS.give_back(counts, &touched);
                    tally
                }
                SegmentCounter::Dates(days) => Tally::Dates(days.harvest()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    #[test]
    fn the_top_counts_are_those_of_a_full_sort() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let keys: Vec<String> = (0..400)
            .map(|i| format!("e{:03}", (i * 7919) % 400))
            .collect();
        for round in 0..200 {
            let len = rng.random_range(0..400usize);
            // Few distinct counts, so that many items tie at the edge.
            let spread = [2u64, 5, 50][round % 3];
            let items: Vec<(u64, u32)> = (0..len as u32)
                .map(|i| (rng.random_range(1..=spread), i))
                .collect();
            let limit = [0usize, 1, 10, 50, 500][round % 5];
            let mut expected: Vec<(u64, &str, u32)> = items
                .iter()
                .map(|&(count, i)| (count, keys[i as usize].as_str(), i))
                .collect();
            expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            expected.truncate(limit);
            let mut cut = items.clone();
            let found = keep_top_counts(&mut cut, limit, |i| Some(keys[i as usize].as_str()));
            assert_eq!(found, expected, "round {round}: {len} items, limit {limit}");
        }
    }
}
