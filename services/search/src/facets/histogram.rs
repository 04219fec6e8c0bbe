//! The published_at histogram of one segment: documents are counted per
//! day, and days are folded into buckets of the requested interval only at
//! harvest, so a document costs an array increment rather than a calendar
//! computation and a hash.

use std::collections::HashMap;

use tantivy::columnar::Column;
use tantivy::{DateTime, DocId};

use super::counter::BATCH;
use super::spec::{Bucket, bucket};
use crate::dates::{Interval, bucket_start, rfc3339};

/// Most days a histogram counts in an array (about 180 years); a wider
/// spread of dates in one segment is counted in a map.
const MAX_DENSE_DAYS: i64 = 1 << 16;
const DAY: i64 = 86_400;

/// Counts one segment's documents by publication date.
pub(super) struct DayCounter {
    column: Column<DateTime>,
    interval: Interval,
    days: Days,
}

enum Days {
    /// Documents per day since `first_day`.
    Dense { first_day: i64, counts: Vec<u32> },
    /// Documents per bucket start.
    Sparse(HashMap<i64, u64>),
}

impl DayCounter {
    /// An array over the segment's days when they span few enough, a map
    /// otherwise.
    pub(super) fn new(column: Column<DateTime>, interval: Interval) -> Self {
        let first_day = column.min_value().into_timestamp_secs().div_euclid(DAY);
        let last_day = column.max_value().into_timestamp_secs().div_euclid(DAY);
        let span = last_day - first_day + 1;
        let days = if (1..=MAX_DENSE_DAYS).contains(&span) {
            Days::Dense {
                first_day,
                counts: vec![0; span as usize],
            }
        } else {
            Days::Sparse(HashMap::new())
        };
        Self {
            column,
            interval,
            days,
        }
    }

    /// Counts `docs` (at most [`BATCH`]).
    pub(super) fn collect_batch(&mut self, docs: &[DocId]) {
        let mut dates = [None; BATCH];
        let dates = &mut dates[..docs.len()];
        self.column.first_vals(docs, dates);
        for date in dates.iter().flatten() {
            self.count(date.into_timestamp_secs());
        }
    }

    fn count(&mut self, secs: i64) {
        match &mut self.days {
            Days::Dense { first_day, counts } => {
                let day = secs.div_euclid(DAY) - *first_day;
                if let Some(c) = usize::try_from(day).ok().and_then(|i| counts.get_mut(i)) {
                    *c += 1;
                }
            }
            Days::Sparse(counts) => {
                *counts.entry(bucket_start(secs, self.interval)).or_default() += 1;
            }
        }
    }

    /// Documents per bucket start.
    pub(super) fn harvest(self) -> HashMap<i64, u64> {
        match self.days {
            Days::Dense { first_day, counts } => {
                let mut out = HashMap::new();
                for (i, count) in counts.into_iter().enumerate() {
                    if count > 0 {
                        let start = bucket_start((first_day + i as i64) * DAY, self.interval);
                        *out.entry(start).or_default() += u64::from(count);
                    }
                }
                out
            }
            Days::Sparse(counts) => counts,
        }
    }
}

/// The buckets a client sees, in date order, from documents per bucket
/// start.
pub(super) fn date_buckets(counts: HashMap<i64, u64>) -> Vec<Bucket> {
    let mut starts: Vec<(i64, u64)> = counts.into_iter().collect();
    starts.sort_unstable();
    starts
        .into_iter()
        .map(|(start, count)| bucket(rfc3339(start), count))
        .collect()
}
