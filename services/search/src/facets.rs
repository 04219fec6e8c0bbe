//! Facet counts over every document a query matches: term facets from
//! fast-field dictionaries (counted per segment by ordinal, merged by
//! interned value slot, see `dicts`) and a published_at histogram (counted
//! per day, then folded into buckets).
//!
//! `FacetCounter` is the query path; `FacetCollector` (merged by value
//! string) remains for co-occurrence counts.

mod dicts;

use std::collections::HashMap;
use std::sync::Arc;

use dossier_proto::v1::EntityType;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::dates::{Interval, bucket_start, rfc3339};
use crate::schema::SEP;

pub use dicts::{ColumnDict, FacetDicts};

/// Most buckets a term facet may return.
pub const MAX_FACET_LIMIT: usize = 1_000;

/// Which values a facet counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetSpec {
    Source {
        limit: usize,
    },
    Label {
        limit: usize,
    },
    Language {
        limit: usize,
    },
    /// Entities, optionally of one type (`EntityType` wire value, 0 = all).
    Entity {
        limit: usize,
        entity_type: i32,
    },
    PublishedAt {
        interval: Interval,
    },
}

impl FacetSpec {
    fn column(&self) -> &'static str {
        match self {
            FacetSpec::Source { .. } => "source",
            FacetSpec::Label { .. } => "labels",
            FacetSpec::Language { .. } => "language",
            FacetSpec::Entity { .. } => "entity_facet",
            FacetSpec::PublishedAt { .. } => "published_at",
        }
    }
}

/// One bucket of a facet.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub value: String,
    pub count: u64,
    pub display_name: String,
    pub entity_type: i32,
}

/// Raw counts of one facet: value (or bucket start) → documents.
#[derive(Debug, Default)]
pub enum Counts {
    #[default]
    Empty,
    Terms(HashMap<String, u64>),
    Dates(HashMap<i64, u64>),
}

pub struct FacetCollector {
    pub specs: Vec<FacetSpec>,
}

impl Collector for FacetCollector {
    type Fruit = Vec<Counts>;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = reader.fast_fields();
        let mut counters = Vec::with_capacity(self.specs.len());
        for spec in &self.specs {
            counters.push(match spec {
                FacetSpec::PublishedAt { interval } => Counter::Dates {
                    column: fast.date(spec.column())?,
                    interval: *interval,
                    counts: HashMap::new(),
                },
                _ => match fast.str(spec.column())? {
                    Some(column) => Counter::Terms {
                        counts: vec![0; column.num_terms()],
                        column,
                    },
                    None => Counter::None,
                },
            });
        }
        Ok(FacetSegment { counters })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Counts>>) -> tantivy::Result<Vec<Counts>> {
        let mut merged: Vec<Counts> = self.specs.iter().map(|_| Counts::Empty).collect();
        for fruit in fruits {
            for (into, from) in merged.iter_mut().zip(fruit) {
                merge(into, from);
            }
        }
        Ok(merged)
    }
}

fn merge(into: &mut Counts, from: Counts) {
    match (into, from) {
        (_, Counts::Empty) => {}
        (into @ Counts::Empty, from) => *into = from,
        (Counts::Terms(a), Counts::Terms(b)) => {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
        }
        (Counts::Dates(a), Counts::Dates(b)) => {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
        }
        _ => {}
    }
}

enum Counter {
    None,
    Terms {
        column: StrColumn,
        counts: Vec<u64>,
    },
    Dates {
        column: Column<DateTime>,
        interval: Interval,
        counts: HashMap<i64, u64>,
    },
}

pub struct FacetSegment {
    counters: Vec<Counter>,
}

impl SegmentCollector for FacetSegment {
    type Fruit = Vec<Counts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for counter in &mut self.counters {
            match counter {
                Counter::None => {}
                Counter::Terms { column, counts } => {
                    for ord in column.term_ords(doc) {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            *c += 1;
                        }
                    }
                }
                Counter::Dates {
                    column,
                    interval,
                    counts,
                } => {
                    if let Some(d) = column.first(doc) {
                        *counts
                            .entry(bucket_start(d.into_timestamp_secs(), *interval))
                            .or_default() += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Vec<Counts> {
        self.counters
            .into_iter()
            .map(|counter| match counter {
                Counter::None => Counts::Empty,
                Counter::Dates { counts, .. } => Counts::Dates(counts),
                Counter::Terms { column, counts } => {
                    // One sorted pass over the dictionary: looking ords up one
                    // by one would decode a dictionary block per bucket.
                    let ords: Vec<u64> = (0..counts.len() as u64)
                        .filter(|o| counts[*o as usize] > 0)
                        .collect();
                    let mut out = HashMap::with_capacity(ords.len());
                    let mut hits = ords.iter();
                    let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
                        if let Some(ord) = hits.next() {
                            let value = String::from_utf8_lossy(term).into_owned();
                            out.insert(value, counts[*ord as usize]);
                        }
                    });
                    Counts::Terms(out)
                }
            })
            .collect()
    }
}

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
    /// Documents per value slot of the column (merged).
    Slots(Vec<u64>),
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
    pub fn buckets(&self, tallies: Vec<Tally>) -> Vec<(FacetSpec, Vec<Bucket>)> {
        self.specs
            .iter()
            .zip(&self.dicts)
            .zip(tallies)
            .map(|((spec, dict), tally)| {
                let buckets = match (spec, dict, tally) {
                    (FacetSpec::PublishedAt { .. }, _, Tally::Dates(map)) => {
                        buckets(spec, Counts::Dates(map))
                    }
                    (FacetSpec::Entity { limit, entity_type }, Some(dict), Tally::Slots(c)) => {
                        top_entities(dict, &c, *entity_type, *limit)
                    }
                    (_, Some(dict), Tally::Slots(c)) => top_values(dict, &c, spec.limit()),
                    _ => Vec::new(),
                };
                (*spec, buckets)
            })
            .collect()
    }
}

impl FacetSpec {
    fn limit(&self) -> usize {
        match self {
            FacetSpec::Source { limit }
            | FacetSpec::Label { limit }
            | FacetSpec::Language { limit }
            | FacetSpec::Entity { limit, .. } => *limit,
            FacetSpec::PublishedAt { .. } => 0,
        }
    }
}

/// The `limit` most frequent non-empty values, ties broken by value.
fn top_values(dict: &ColumnDict, counts: &[u64], limit: usize) -> Vec<Bucket> {
    let view = dict.view();
    let mut found: Vec<(u64, &str)> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .filter_map(|(slot, c)| Some((*c, view.value(slot as u32)?)))
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
fn top_entities(dict: &ColumnDict, counts: &[u64], entity_type: i32, limit: usize) -> Vec<Bucket> {
    let view = dict.view();
    // Per entity slot: documents, best value's count, best value slot. A
    // dense array (tens of thousands of entities at most) is cheaper than
    // hashing the thousands of values a large result set touches.
    let mut by_entity: Vec<(u64, u64, u32)> = vec![(0, 0, 0); view.entity_count()];
    let mut touched: Vec<u32> = Vec::new();
    for (slot, count) in counts.iter().enumerate() {
        if *count == 0 {
            continue;
        }
        let slot = slot as u32;
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
        if *count > e.1 {
            e.1 = *count;
            e.2 = slot;
        }
    }
    // Order by count, ties by id, reading only interned ids; parse the
    // values of the entities returned only.
    let mut found: Vec<(u64, &str, u32)> = touched
        .into_iter()
        .filter_map(|entity| {
            let (count, _, slot) = by_entity[entity as usize];
            Some((count, view.id(entity)?, slot))
        })
        .collect();
    keep_first(&mut found, limit, |a, b| {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
    });
    found
        .into_iter()
        .filter_map(|(count, _, slot)| {
            let e = view.entity(slot)?;
            Some(Bucket {
                value: e.id.to_string(),
                count,
                display_name: e.name.to_string(),
                entity_type: e.entity_type,
            })
        })
        .collect()
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
                    day_counter(column, *interval)
                }
                (_, Some(dict)) => match dict.segment(reader, spec.column())? {
                    Some((column, slots)) => SegmentCounter::Terms {
                        counts: count_buffers::take(column.num_terms()),
                        column,
                        slots,
                    },
                    None => SegmentCounter::None,
                },
                (_, None) => SegmentCounter::None,
            });
        }
        Ok(CounterSegment { counters })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Tally>>) -> tantivy::Result<Vec<Tally>> {
        let mut merged: Vec<Tally> = self.specs.iter().map(|_| Tally::Empty).collect();
        for fruit in fruits {
            for (into, from) in merged.iter_mut().zip(fruit) {
                if matches!(into, Tally::Empty) && matches!(from, Tally::Sparse(_)) {
                    *into = Tally::Slots(Vec::new());
                }
                match (into, from) {
                    (_, Tally::Empty) => {}
                    (into @ Tally::Empty, from) => *into = from,
                    (Tally::Slots(a), Tally::Sparse(b)) => {
                        for (slot, count) in b {
                            let slot = slot as usize;
                            if slot >= a.len() {
                                a.resize(slot + 1, 0);
                            }
                            a[slot] += count;
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

/// Count arrays reused across queries. A segment's entity column has tens of
/// thousands of terms; a fresh zeroed array per segment and query made the
/// allocator map and fault in new pages on every faceted query.
mod count_buffers {
    use parking_lot::Mutex;

    /// Buffers kept for reuse (a few per concurrent faceted query), and the
    /// largest kept (16 MiB), so idle memory stays bounded.
    const KEPT: usize = 32;
    const MAX_KEPT_LEN: usize = 1 << 22;

    static FREE: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

    /// A zeroed array of `len` counts.
    pub fn take(len: usize) -> Vec<u32> {
        let mut buffer = FREE.lock().pop().unwrap_or_default();
        buffer.clear();
        buffer.resize(len, 0);
        buffer
    }

    pub fn give_back(buffer: Vec<u32>) {
        let mut free = FREE.lock();
        if free.len() < KEPT && buffer.capacity() <= MAX_KEPT_LEN {
            free.push(buffer);
        }
    }
}

/// Most days a histogram counts in an array (about 180 years); a wider
/// spread of dates in one segment is counted in a map.
const MAX_DENSE_DAYS: i64 = 1 << 16;
const DAY: i64 = 86_400;

enum SegmentCounter {
    None,
    Terms {
        column: StrColumn,
        slots: Arc<[u32]>,
        counts: Vec<u32>,
    },
    /// Documents per day since `first_day`.
    Days {
        column: Column<DateTime>,
        interval: Interval,
        first_day: i64,
        counts: Vec<u32>,
    },
    SparseDays {
        column: Column<DateTime>,
        interval: Interval,
        counts: HashMap<i64, u64>,
    },
}

/// A histogram counter for one segment: an array over the segment's days
/// when they span few enough, a map otherwise.
fn day_counter(column: Column<DateTime>, interval: Interval) -> SegmentCounter {
    let first_day = column.min_value().into_timestamp_secs().div_euclid(DAY);
    let last_day = column.max_value().into_timestamp_secs().div_euclid(DAY);
    let span = last_day - first_day + 1;
    if (1..=MAX_DENSE_DAYS).contains(&span) {
        SegmentCounter::Days {
            column,
            interval,
            first_day,
            counts: vec![0; span as usize],
        }
    } else {
        SegmentCounter::SparseDays {
            column,
            interval,
            counts: HashMap::new(),
        }
    }
}

pub struct CounterSegment {
    counters: Vec<SegmentCounter>,
}

impl SegmentCollector for CounterSegment {
    type Fruit = Vec<Tally>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for counter in &mut self.counters {
            match counter {
                SegmentCounter::None => {}
                SegmentCounter::Terms { column, counts, .. } => {
                    for ord in column.term_ords(doc) {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            *c += 1;
                        }
                    }
                }
                SegmentCounter::Days {
                    column,
                    first_day,
                    counts,
                    ..
                } => {
                    if let Some(d) = column.first(doc) {
                        let day = d.into_timestamp_secs().div_euclid(DAY) - *first_day;
                        if let Some(c) = usize::try_from(day).ok().and_then(|i| counts.get_mut(i)) {
                            *c += 1;
                        }
                    }
                }
                SegmentCounter::SparseDays {
                    column,
                    interval,
                    counts,
                } => {
                    if let Some(d) = column.first(doc) {
                        *counts
                            .entry(bucket_start(d.into_timestamp_secs(), *interval))
                            .or_default() += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Vec<Tally> {
        self.counters
            .into_iter()
            .map(|counter| match counter {
                SegmentCounter::None => Tally::Empty,
                SegmentCounter::Terms { slots, counts, .. } => {
                    let tally = Tally::Sparse(
                        counts
                            .iter()
                            .zip(slots.iter())
                            .filter(|(count, _)| **count > 0)
                            .map(|(count, slot)| (*slot, u64::from(*count)))
                            .collect(),
                    );
                    count_buffers::give_back(counts);
                    tally
                }
                SegmentCounter::Days {
                    interval,
                    first_day,
                    counts,
                    ..
                } => {
                    let mut out = HashMap::new();
                    for (i, count) in counts.into_iter().enumerate() {
                        if count > 0 {
                            let start = bucket_start((first_day + i as i64) * DAY, interval);
                            *out.entry(start).or_default() += u64::from(count);
                        }
                    }
                    Tally::Dates(out)
                }
                SegmentCounter::SparseDays { counts, .. } => Tally::Dates(counts),
            })
            .collect()
    }
}

/// Turns raw counts into the buckets a client sees.
pub fn buckets(spec: &FacetSpec, counts: Counts) -> Vec<Bucket> {
    match (spec, counts) {
        (FacetSpec::PublishedAt { .. }, Counts::Dates(map)) => {
            let mut starts: Vec<(i64, u64)> = map.into_iter().collect();
            starts.sort_unstable();
            starts
                .into_iter()
                .map(|(start, count)| bucket(rfc3339(start), count))
                .collect()
        }
        (FacetSpec::Entity { limit, entity_type }, Counts::Terms(map)) => {
            top(entity_buckets(map, &[*entity_type], &[]), *limit)
        }
        (
            FacetSpec::Source { limit }
            | FacetSpec::Label { limit }
            | FacetSpec::Language { limit },
            Counts::Terms(map),
        ) => top(
            map.into_iter()
                .filter(|(v, _)| !v.is_empty())
                .map(|(v, c)| bucket(v, c))
                .collect(),
            *limit,
        ),
        _ => Vec::new(),
    }
}

/// Groups "id SEP TYPE SEP name" counts by entity id, keeping the most used
/// name, only of `types` (0 or empty = all), leaving out `exclude` ids.
pub fn entity_buckets(map: HashMap<String, u64>, types: &[i32], exclude: &[&str]) -> Vec<Bucket> {
    let wanted = |t: i32| types.is_empty() || types.iter().any(|w| *w == 0 || *w == t);
    let mut by_id: HashMap<String, (Bucket, u64)> = HashMap::new();
    for (value, count) in map {
        let mut parts = value.splitn(3, SEP);
        let (Some(id), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let kind = EntityType::from_str_name(kind).map_or(0, |t| t as i32);
        if !wanted(kind) || exclude.contains(&id) {
            continue;
        }
        let entry = by_id.entry(id.to_string()).or_insert_with(|| {
            (
                Bucket {
                    value: id.to_string(),
                    count: 0,
                    display_name: String::new(),
                    entity_type: kind,
                },
                0,
            )
        });
        entry.0.count += count;
        if count > entry.1 {
            entry.1 = count;
            entry.0.display_name = name.to_string();
            entry.0.entity_type = kind;
        }
    }
    by_id.into_values().map(|(b, _)| b).collect()
}

/// The `limit` largest buckets, ties broken by value for stable output.
pub fn top(mut buckets: Vec<Bucket>, limit: usize) -> Vec<Bucket> {
    buckets.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    buckets.truncate(limit);
    buckets
}

fn bucket(value: String, count: u64) -> Bucket {
    Bucket {
        value,
        count,
        display_name: String::new(),
        entity_type: 0,
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::index::{Checkpoint, IndexOp, SearchIndex};
    use crate::model::{DocEntity, IndexDoc};

    const DAY: i64 = 86_400;
    /// 2024-03-01T00:00:00Z.
    const T0: i64 = 1_709_251_200;

    fn entity(id: &str, name: &str, kind: EntityType) -> DocEntity {
        DocEntity {
            id: id.into(),
            name: name.into(),
            entity_type: kind as i32,
            variants: vec![name.into()],
        }
    }

    /// Document `n`: values cycle with different periods, so counts differ
    /// and several segments share values.
    fn doc(n: u64) -> IndexDoc {
        let mut entities = vec![entity(
            &format!("p{}", n % 7),
            &format!("Person {}", n % 7),
            EntityType::Person,
        )];
        if n.is_multiple_of(3) {
            // One organisation, mostly under one name, sometimes another.
            let name = if n.is_multiple_of(9) {
                "Acme Corp"
            } else {
                "Acme"
            };
            entities.push(entity("o1", name, EntityType::Org));
        }
        if n.is_multiple_of(4) {
            entities.push(entity(&format!("g{}", n % 5), "Place", EntityType::Gpe));
        }
        IndexDoc {
            id: format!("d{n}"),
            sequence: n,
            body: if n.is_multiple_of(2) { "even" } else { "odd" }.into(),
            source: format!("s{}", n % 5),
            language: ["en", "fr", ""][n as usize % 3].into(),
            labels: vec![format!("l{}", n % 4), format!("m{}", n % 6)],
            published_at: match n {
                // Far apart dates: the histogram's sparse path.
                13 => Some(-2_000_000_000),
                14 => Some(5_000_000_000),
                15 => None,
                _ => Some(T0 + (n as i64 * 37 % 90) * DAY + 3_600),
            },
            entities,
            ..IndexDoc::default()
        }
    }

    /// Three segments, some deletions.
    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        for part in 0..3u64 {
            let ops = (part * 40..part * 40 + 40)
                .map(|n| IndexOp::Upsert(Box::new(doc(n))))
                .collect();
            index.apply(ops).unwrap();
            index.commit(Checkpoint::default()).unwrap();
        }
        index
            .apply(vec![
                IndexOp::Delete("d4".into()),
                IndexOp::Delete("d55".into()),
            ])
            .unwrap();
        index.commit(Checkpoint::default()).unwrap();
        index
    }

    fn specs() -> Vec<FacetSpec> {
        let mut specs = vec![
            FacetSpec::PublishedAt {
                interval: Interval::Day,
            },
            FacetSpec::PublishedAt {
                interval: Interval::Week,
            },
            FacetSpec::PublishedAt {
                interval: Interval::Month,
            },
        ];
        for limit in [0, 1, 3, 1_000] {
            specs.extend([
                FacetSpec::Source { limit },
                FacetSpec::Label { limit },
                FacetSpec::Language { limit },
            ]);
            for t in [EntityType::Unspecified, EntityType::Person, EntityType::Org] {
                specs.push(FacetSpec::Entity {
                    limit,
                    entity_type: t as i32,
                });
            }
        }
        specs
    }

    /// The counts per value, as the string-merging collector computes them.
    fn by_strings(index: &SearchIndex, query: &dyn Query) -> Vec<Vec<Bucket>> {
        let specs = specs();
        let counts = index
            .searcher()
            .search(
                query,
                &FacetCollector {
                    specs: specs.clone(),
                },
            )
            .unwrap();
        specs
            .iter()
            .zip(counts)
            .map(|(spec, c)| buckets(spec, c))
            .collect()
    }

    fn by_slots(index: &SearchIndex, query: &dyn Query) -> Vec<Vec<Bucket>> {
        let counter = FacetCounter::new(specs(), index.facet_dicts());
        let tallies = index.searcher().search(query, &counter).unwrap();
        counter
            .buckets(tallies)
            .into_iter()
            .map(|(_, b)| b)
            .collect()
    }

    #[test]
    fn slot_counts_equal_string_counts_across_segments() {
        let index = index();
        assert!(index.counts().1 >= 2, "the test needs several segments");
        let even = TermQuery::new(
            tantivy::Term::from_field_text(index.fields().body, "even"),
            IndexRecordOption::Basic,
        );
        for query in [&AllQuery as &dyn Query, &even] {
            let expected = by_strings(&index, query);
            let got = by_slots(&index, query);
            assert!(expected.iter().any(|b| b.len() > 3));
            for (spec, (e, g)) in specs().iter().zip(expected.iter().zip(&got)) {
                assert_eq!(e, g, "{spec:?}");
            }
        }
    }

    #[test]
    fn entities_are_named_by_their_most_counted_name() {
        let index = index();
        let got = by_slots(&index, &AllQuery);
        let org = specs()
            .iter()
            .position(|s| {
                *s == FacetSpec::Entity {
                    limit: 1_000,
                    entity_type: EntityType::Org as i32,
                }
            })
            .unwrap();
        // o1 is in every third document, "Acme Corp" only in every ninth.
        assert_eq!(got[org].len(), 1);
        assert_eq!(got[org][0].value, "o1");
        assert_eq!(got[org][0].display_name, "Acme");
        assert_eq!(got[org][0].count, 40);
        assert_eq!(got[org][0].entity_type, EntityType::Org as i32);
    }

    #[test]
    fn far_apart_dates_and_empty_segments_still_count() {
        let index = SearchIndex::in_memory().unwrap();
        let counter = FacetCounter::new(specs(), index.facet_dicts());
        let tallies = index.searcher().search(&AllQuery, &counter).unwrap();
        assert!(counter.buckets(tallies).iter().all(|(_, b)| b.is_empty()));
        let index = self::index();
        let days = by_slots(&index, &AllQuery).remove(0);
        assert_eq!(
            days.first().map(|b| b.value.as_str()),
            Some("1906-08-16T00:00:00Z")
        );
        assert_eq!(
            days.last().map(|b| b.value.as_str()),
            Some("2128-06-11T00:00:00Z")
        );
        // Every dated, live document is in exactly one day.
        assert_eq!(days.iter().map(|b| b.count).sum::<u64>(), 120 - 2 - 1);
    }
}
