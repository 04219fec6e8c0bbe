//! The test oracle: a facet collector that resolves every counted ordinal
//! to its value string in each segment and merges segments by string.
//! Slow on large result sets (it hashes every value a query touches), but
//! plainly right; the tests check `FacetCounter` against it.

use std::collections::HashMap;

use dossier_proto::v1::EntityType;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use super::histogram::date_buckets;
use super::spec::{Bucket, FacetSpec, bucket, top};
use crate::dates::{Interval, bucket_start};
use crate::schema::SEP;

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

/// Turns raw counts into the buckets a client sees.
pub fn buckets(spec: &FacetSpec, counts: Counts) -> Vec<Bucket> {
    match (spec, counts) {
        (FacetSpec::PublishedAt { .. }, Counts::Dates(map)) => date_buckets(map),
        (FacetSpec::Entity { limit, entity_type }, Counts::Terms(map)) => {
            top(entity_buckets(map, &[*entity_type], &[]), *limit)
        }
        (
            FacetSpec::Source { limit }
            | FacetSpec::Label { limit }
            | FacetSpec::Language { limit }
            | FacetSpec::Story { limit },
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
