//! One pass over a query's matches: the page after its cursor, the count
//! and the facets.
//!
//! Ranked by relevance, a page needs only the matches that can still enter
//! its top k; block-max WAND (tantivy's `for_each_pruning`) skips the
//! others, but skipped matches are not counted. So, as Elasticsearch's
//! `track_total_hits` does, a pass may count exactly up to a bound and
//! prune from there: `total_hits` is then the bound and a lower bound.
//! Facets need every match, and passes sorted by date are not scored:
//! those visit everything and count exactly.
//!
//! Every pass sorted by relevance goes through `for_each_pruning`, pruned or
//! not, so a document is scored by the same code on every page of a query
//! and one page's cursor compares with the next page's scores.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::collect::{CursorCollector, CursorSegment, Ranked, Sort};
use crate::facets::{CounterSegment, FacetCounter, Tally};

/// Matches a search counts exactly unless asked for every one
/// (Elasticsearch's default `track_total_hits`).
pub const EXACT_COUNT_UP_TO: u64 = 10_000;

/// Most matches a segment counts before adding them to the query's total:
/// the total is shared by segments searched on other threads.
const MAX_PUBLISH_STEP: u64 = 1_024;

/// The page, count and facets of one query, in one pass.
pub struct PagePass {
    pub page: CursorCollector,
    pub facets: Option<FacetCounter>,
    /// Count exactly up to this many matches, then prune (None: count all).
    pub count_up_to: Option<u64>,
    /// Matches counted so far over the segments.
    counted: AtomicU64,
    /// The highest threshold a segment's full page has reached, as the
    /// bits of a non-negative score (0: none yet): a match below it cannot
    /// enter the query's page whichever segment it is in, so a segment
    /// searched later prunes from its first match (Lucene shares its
    /// minimum competitive score across slices the same way).
    shared_threshold: AtomicU32,
}

/// What a pass found.
pub struct PassFruit {
    /// The page's hits in order (one more than the page when there are).
    pub ranked: Vec<Ranked>,
    /// Matches; with `lower_bound`, at least this many.
    pub total: u64,
    pub lower_bound: bool,
    pub tallies: Option<Vec<Tally>>,
}

impl PagePass {
    pub fn new(
        page: CursorCollector,
        facets: Option<FacetCounter>,
        count_up_to: Option<u64>,
    ) -> Self {
        Self {
            page,
            facets,
            count_up_to,
            counted: AtomicU64::new(0),
            shared_threshold: AtomicU32::new(0),
        }
    }

    /// The threshold shared by the segments, `Score::MIN` while none is.
    fn shared_threshold(&self) -> Score {
        match self.shared_threshold.load(Ordering::Relaxed) {
            0 => Score::MIN,
            bits => Score::from_bits(bits),
        }
    }

    /// Offers a segment's threshold to the others; returns the higher of
    /// the two. Bits of non-negative floats order as the floats do.
    fn share_threshold(&self, threshold: Score) -> Score {
        let shared = self.shared_threshold();
        if threshold <= shared {
            return shared;
        }
        if threshold > 0.0 {
            self.shared_threshold
                .fetch_max(threshold.to_bits(), Ordering::Relaxed);
        }
        threshold
    }

    /// The bound this pass prunes at, if it may prune at all.
    fn bound(&self) -> Option<u64> {
        match (&self.facets, self.page.sort) {
            (None, Sort::Relevance) => self.count_up_to,
            _ => None,
        }
    }
}

pub struct PassSegment {
    page: CursorSegment,
    facets: Option<CounterSegment>,
    pruned: bool,
}

type SegmentFruit = (
    <CursorSegment as SegmentCollector>::Fruit,
    Option<Vec<Tally>>,
    bool,
);

impl SegmentCollector for PassSegment {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.page.collect(doc, score);
        if let Some(facets) = &mut self.facets {
            facets.collect(doc, score);
        }
    }

    fn harvest(self) -> SegmentFruit {
        (
            self.page.harvest(),
            self.facets.map(SegmentCollector::harvest),
            self.pruned,
        )
    }
}

impl Collector for PagePass {
    type Fruit = PassFruit;
    type Child = PassSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PassSegment> {
        Ok(PassSegment {
            page: self.page.for_segment(ord, reader)?,
            facets: match &self.facets {
                Some(facets) => Some(facets.for_segment(ord, reader)?),
                None => None,
            },
            pruned: false,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.page.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<PassFruit> {
        let lower_bound = fruits.iter().any(|(_, _, pruned)| *pruned);
        let mut pages = Vec::with_capacity(fruits.len());
        let mut tallies = Vec::with_capacity(fruits.len());
        for (page, segment_tallies, _) in fruits {
            pages.push(page);
            tallies.extend(segment_tallies);
        }
        let (ranked, counted) = self.page.merge_fruits(pages)?;
        let tallies = match &self.facets {
            Some(facets) => Some(facets.merge_fruits(tallies)?),
            None => None,
        };
        // Pruned: how many were counted depends on which thread got where
        // first; the bound itself is what is known.
        let total = match (lower_bound, self.bound()) {
            (true, Some(bound)) => bound,
            _ => counted,
        };
        Ok(PassFruit {
            ranked,
            total,
            lower_bound,
            tallies,
        })
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        let mut segment = self.for_segment(ord, reader)?;
        let alive = reader.alive_bitset();
        if self.page.sort != Sort::Relevance {
            // tantivy's own unscored loop, which it does not export.
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    if alive.is_none_or(|alive| alive.is_alive(doc)) {
                        segment.collect(doc, 0.0);
                    }
                }
            })?;
            return Ok(segment.harvest());
        }
        let bound = self.bound();
        let step = bound.map_or(u64::MAX, |b| (b / 16).clamp(1, MAX_PUBLISH_STEP));
        let mut unpublished = 0u64;
        // A segment searched after the bound was reached prunes from its
        // first match.
        let mut pruning = bound.is_some_and(|b| self.counted.load(Ordering::Relaxed) >= b);
        let start = if pruning {
            self.shared_threshold()
        } else {
            Score::MIN
        };
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                segment.collect(doc, score);
                if let (Some(bound), false) = (bound, pruning) {
                    unpublished += 1;
                    if unpublished == step {
                        let total = self.counted.fetch_add(step, Ordering::Relaxed) + step;
                        unpublished = 0;
                        pruning = total >= bound;
                    }
                }
            }
            if pruning {
                self.share_threshold(segment.page.threshold())
            } else {
                Score::MIN
            }
        })?;
        self.counted.fetch_add(unpublished, Ordering::Relaxed);
        segment.pruned = pruning;
        Ok(segment.harvest())
    }
}
