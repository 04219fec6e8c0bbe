//! Top-k collection after a cursor: the hits that sort right after the last
//! hit of the previous page, for search_after-style paging.
//!
//! Every hit gets a total-order sort key ending in the document's creation
//! sequence (unique and stable across merges), so "after the cursor" is exact
//! however segments change between pages, and nothing but the key itself has
//! to be remembered.

use std::collections::BinaryHeap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{
    DateTime, DocAddress, DocId, Score, Searcher, SearcherGeneration, SegmentOrdinal, SegmentReader,
};

use crate::index::PerSegment;

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Sort {
    #[default]
    Relevance,
    PublishedDesc,
    PublishedAsc,
}

/// Position of a hit in the result order; smaller sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SortKey {
    pub primary: i64,
    pub seq: u64,
}

impl Sort {
    /// The key of a hit. Documents without a date sort last either way.
    pub fn key(self, score: Score, published: Option<i64>, seq: u64) -> SortKey {
        SortKey {
            primary: self.primary(score, published),
            seq,
        }
    }

    fn primary(self, score: Score, published: Option<i64>) -> i64 {
        match self {
            Sort::Relevance => -score_rank(score),
            Sort::PublishedDesc => published.map_or(i64::MAX, |d| -d),
            Sort::PublishedAsc => published.unwrap_or(i64::MAX),
        }
    }
}

/// An order-preserving integer image of a float score.
fn score_rank(score: Score) -> i64 {
    let bits = score.to_bits() as i32;
    (bits ^ (((bits >> 31) as u32) >> 1) as i32) as i64
}

/// One collected hit.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub key: SortKey,
    pub score: Score,
    pub address: DocAddress,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Collects the `limit` first hits after `after`, and counts all hits.
pub struct CursorCollector {
    pub sort: Sort,
    pub limit: usize,
    pub after: Option<SortKey>,
    /// The segments' sort columns, opened once per segment.
    pub columns: Arc<SortColumns>,
}

/// The `seq` and `published_at` columns of each segment, opened by the
/// reader's warmer: opening a column by name reads the segment's column
/// directory, and a short query over a dozen segments spent 6% of its time
/// doing that again and again (issue 19).
#[derive(Default)]
pub struct SortColumns(PerSegment<SegmentSortColumns>);

#[derive(Clone)]
struct SegmentSortColumns {
    seq: Column<u64>,
    published: Column<DateTime>,
}

impl SortColumns {
    fn of(&self, segment: &SegmentReader) -> tantivy::Result<SegmentSortColumns> {
        self.0.get_or_read(segment, |segment| {
            let fast = segment.fast_fields();
            Ok(SegmentSortColumns {
                seq: fast.u64("seq")?,
                published: fast.date("published_at")?,
            })
        })
    }

    /// Opens the columns of every segment of `searcher` not opened yet.
    pub fn warm_all(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.of(segment)?;
        }
        Ok(())
    }

    /// Forgets segments no searcher uses any more.
    pub fn collect_garbage(&self, live: &[&SearcherGeneration]) {
        self.0.collect_garbage(live);
    }
}

/// Ranked hits in order, and the total number of matching documents.
pub type CursorFruit = (Vec<Ranked>, u64);

impl Collector for CursorCollector {
    type Fruit = CursorFruit;
    type Child = CursorSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CursorSegment> {
        let columns = self.columns.of(reader)?;
        Ok(CursorSegment {
            ord,
            sort: self.sort,
            limit: self.limit,
            after: self.after,
            seq: columns.seq,
            published: columns.published,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<CursorFruit>) -> tantivy::Result<CursorFruit> {
        let total = fruits.iter().map(|(_, c)| c).sum();
        let mut all: Vec<Ranked> = fruits.into_iter().flat_map(|(h, _)| h).collect();
        all.sort_unstable();
        all.truncate(self.limit);
        Ok((all, total))
    }
}

pub struct CursorSegment {
    ord: SegmentOrdinal,
    sort: Sort,
    limit: usize,
    after: Option<SortKey>,
    seq: Column<u64>,
    published: Column<DateTime>,
    /// Max-heap of the best `limit` so far: the top is the worst kept.
    heap: BinaryHeap<Ranked>,
    count: u64,
}

impl CursorSegment {
    /// The score a match must pass to enter the page once it is full, or
    /// the lowest score while it is not. A match scoring the same as the
    /// worst hit kept passes: the sequence decides between them.
    pub fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.limit => worst.score.next_down(),
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for CursorSegment {
    type Fruit = CursorFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.limit == 0 {
            return;
        }
        // Most hits lose on the primary key alone; the sequence (a column
        // read) is only needed to break a tie.
        let published = match self.sort {
            Sort::Relevance => None,
            _ => self.published.first(doc).map(|d| d.into_timestamp_secs()),
        };
        let primary = self.sort.primary(score, published);
        let full = self.heap.len() == self.limit;
        let worst = self.heap.peek().map(|w| w.key.primary);
        if self.after.is_some_and(|after| primary < after.primary)
            || (full && worst.is_some_and(|w| primary > w))
        {
            return;
        }
        let key = SortKey {
            primary,
            seq: self.seq.first(doc).unwrap_or(0),
        };
        if self.after.is_some_and(|after| key <= after) {
            return;
        }
        if full {
            match self.heap.peek() {
                Some(worst) if key < worst.key => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Ranked {
            key,
            score,
            address: DocAddress::new(self.ord, doc),
        });
    }

    fn harvest(self) -> CursorFruit {
        (self.heap.into_sorted_vec(), self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_scores_sort_first_and_seq_breaks_ties() {
        let s = Sort::Relevance;
        assert!(s.key(2.0, None, 9) < s.key(1.0, None, 1));
        assert!(s.key(1.0, None, 1) < s.key(1.0, None, 2));
        assert!(s.key(0.0, None, 1) < s.key(-1.0, None, 1));
    }

    #[test]
    fn dates_sort_both_ways_with_undated_last() {
        let d = Sort::PublishedDesc;
        assert!(d.key(0.0, Some(10), 1) < d.key(0.0, Some(5), 1));
        assert!(d.key(0.0, Some(-10), 1) < d.key(0.0, None, 1));
        let a = Sort::PublishedAsc;
        assert!(a.key(0.0, Some(5), 1) < a.key(0.0, Some(10), 1));
        assert!(a.key(0.0, Some(10), 1) < a.key(0.0, None, 1));
    }
}
