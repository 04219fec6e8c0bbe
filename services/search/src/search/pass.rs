//! One pass over a query's matches: the page after its cursor, the count
//! and the facets.
//!
//! Ranked by relevance, a page needs only the matches that can still enter
//! its top k: block-max WAND (tantivy's `for_each_pruning`, or the
//! conjunction of `super::conjunction`) skips the others from the first
//! match on. The count and the facets run apart from the ranking, over
//! the query's unscored weight (no scores, no term frequencies), one block
//! of documents at a time. As Elasticsearch's `track_total_hits` does, a
//! search without facets counts exactly up to a bound and stops there
//! (`total_hits` is then the bound and a lower bound). (Counting inside
//! the ranking, which then could prune only past the bound, put 98% of a
//! boolean query's candidates at a million articles in the unpruned part,
//! issue 19.) Passes sorted by date are not scored: one unscored loop
//! collects the page, the count and the facets.
//!
//! Every pass sorted by relevance goes through `for_each_pruning`, so a
//! document is scored by the same code on every page of a query and one
//! page's cursor compares with the next page's scores.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Executor, Score, Searcher, SegmentOrdinal,
    SegmentReader, TantivyError,
};

use super::conjunction::Ranking;
use crate::collect::{CursorCollector, CursorSegment, Ranked, Sort};
use crate::facets::{CounterSegment, FacetCounter, Tally};

/// Matches a search counts exactly unless asked for every one
/// (Elasticsearch's default `track_total_hits`).
pub const EXACT_COUNT_UP_TO: u64 = 10_000;

/// Most matches a segment counts before adding them to the query's total:
/// the total is shared by segments searched on other threads.
const MAX_PUBLISH_STEP: u64 = 1_024;

/// Most matches a segment's count keeps for its ranking (64 KiB).
const MAX_KEPT_MATCHES: usize = 16_384;

/// The page, count and facets of one query, in one pass.
pub struct PagePass {
    pub page: CursorCollector,
    pub facets: Option<FacetCounter>,
    /// Count exactly up to this many matches, then prune (None: count all).
    pub count_up_to: Option<u64>,
    /// The query's unscored weight, which counts matches apart from the
    /// ranking when there is a bound to count to (see [`Self::counts_apart`]).
    counter: Option<Box<dyn Weight>>,
    /// The conjunction's ranking, given the matches the count found.
    ranking: Option<Ranking>,
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
            counter: None,
            ranking: None,
            counted: AtomicU64::new(0),
            shared_threshold: AtomicU32::new(0),
        }
    }

    /// Whether this pass counts matches (and facets) apart from the
    /// ranking: it must then be given the query's unscored weight
    /// ([`Self::count_with`]). A later page counts nothing.
    pub fn counts_apart(&self) -> bool {
        self.page.sort == Sort::Relevance && self.bound() != Some(0)
    }

    /// The unscored weight that counts matches (see [`Self::counts_apart`]).
    pub fn count_with(mut self, counter: Box<dyn Weight>) -> Self {
        self.counter = Some(counter);
        self
    }

    /// Ranks with `ranking` from the matches the count found (a phrase's
    /// are found by reading positions: found twice, they cost twice), then
    /// past them. The query's weight must be the conjunction's, so that
    /// later pages, which count nothing, score alike.
    pub fn rank_with(mut self, ranking: Option<Ranking>) -> Self {
        self.ranking = ranking;
        self
    }

    /// Whether the pass ranks with its own [`Ranking`] and counts with its
    /// own weight, and so reads no weight of the query's (see
    /// [`Self::run_apart`]).
    pub fn ranks_apart(&self) -> bool {
        self.ranking.is_some() && self.counter.is_some()
    }

    /// Runs a pass that ranks apart over `searcher`'s segments as tantivy's
    /// search does, without the query's scored weight, which such a pass
    /// never reads: building it was 2–3% of a term or boolean query's time
    /// (issue 19).
    pub fn run_apart(
        &self,
        searcher: &Searcher,
        executor: &Executor,
    ) -> tantivy::Result<PassFruit> {
        let (Some(counter), Some(_)) = (self.counter.as_deref(), &self.ranking) else {
            return Err(TantivyError::InternalError(
                "a pass without a ranking and a counter needs the query's weight".into(),
            ));
        };
        let fruits = executor.map(
            // With a ranking, `collect_segment` ranks and counts with the
            // pass's own weights; the counter stands in for the query's.
            |(ord, reader)| self.collect_segment(counter, ord as SegmentOrdinal, reader),
            searcher.segment_readers().iter().enumerate(),
        )?;
        self.merge_fruits(fruits)
    }

    /// Counts `reader`'s live matches with `counter`, and their facets,
    /// up to the bound if there is one (see [`Self::count_to_bound`]).
    fn count_apart(
        &self,
        reader: &SegmentReader,
        facets: &mut Option<CounterSegment>,
        kept: &mut KeptMatches,
    ) -> tantivy::Result<SegmentCount> {
        let Some(counter) = &self.counter else {
            return Err(TantivyError::InternalError(
                "a count apart from the ranking was asked for without a weight to count with"
                    .into(),
            ));
        };
        if let Some(bound) = self.bound() {
            let (matches, stopped) = self.count_to_bound(&**counter, reader, bound, kept)?;
            kept.complete &= !stopped;
            return Ok(SegmentCount::Apart { matches, stopped });
        }
        let alive = reader.alive_bitset();
        let mut matches = 0u64;
        counter.for_each_no_score(reader, &mut |docs| {
            let live = || {
                docs.iter()
                    .copied()
                    .filter(|&doc| alive.is_none_or(|alive| alive.is_alive(doc)))
            };
            if let Some(facets) = facets {
                live().for_each(|doc| facets.collect(doc, 0.0));
            }
            matches += kept.add_block(live());
        })?;
        Ok(SegmentCount::Apart {
            matches,
            stopped: false,
        })
    }

    /// Counts `reader`'s live matches with `counter` until the query's
    /// count reaches `bound`. Returns the segment's count and whether it
    /// stopped at the bound (then other matches may be left uncounted).
    fn count_to_bound(
        &self,
        counter: &dyn Weight,
        reader: &SegmentReader,
        bound: u64,
        kept: &mut KeptMatches,
    ) -> tantivy::Result<(u64, bool)> {
        if self.counted.load(Ordering::Relaxed) >= bound {
            return Ok((0, true));
        }
        let step = (bound / 16).clamp(1, MAX_PUBLISH_STEP);
        let alive = reader.alive_bitset();
        let mut matches = counter.scorer(reader, 1.0)?;
        let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
        let (mut segment_count, mut unpublished) = (0u64, 0u64);
        loop {
            let filled = matches.fill_buffer(&mut buffer);
            let live = kept.add_block(
                buffer[..filled]
                    .iter()
                    .copied()
                    .filter(|&doc| alive.is_none_or(|alive| alive.is_alive(doc))),
            );
            segment_count += live;
            unpublished += live;
            if unpublished >= step {
                let total = self.counted.fetch_add(unpublished, Ordering::Relaxed) + unpublished;
                unpublished = 0;
                if total >= bound {
                    return Ok((segment_count, true));
                }
            }
            if filled < buffer.len() {
                break;
            }
        }
        self.counted.fetch_add(unpublished, Ordering::Relaxed);
        Ok((segment_count, false))
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

/// The live matches a segment's count found, in order, kept for the
/// ranking while there are few enough.
struct KeptMatches {
    docs: Vec<DocId>,
    /// Whether matches are kept at all (a ranking takes them).
    keeping: bool,
    /// Whether `docs` holds every match of the segment (so far, while
    /// counting); otherwise every one up to its last.
    complete: bool,
}

impl KeptMatches {
    fn new(keeping: bool) -> Self {
        Self {
            docs: Vec::new(),
            keeping,
            complete: true,
        }
    }

    /// Counts a block of live matches, keeping them while every match so
    /// far is kept and they fit (past that, the ranking searches after the
    /// ones kept).
    fn add_block(&mut self, live: impl Iterator<Item = DocId>) -> u64 {
        if !self.keeping || !self.complete {
            return live.count() as u64;
        }
        let before = self.docs.len();
        self.docs.extend(live);
        let added = self.docs.len() - before;
        if self.docs.len() > MAX_KEPT_MATCHES {
            self.docs.truncate(before);
            self.complete = false;
        }
        added as u64
    }
}

pub struct PassSegment {
    page: CursorSegment,
    facets: Option<CounterSegment>,
    count: SegmentCount,
}

/// How a segment's matches were counted.
#[derive(Clone, Copy)]
pub enum SegmentCount {
    /// By the page's collector, every one.
    InPage,
    /// Apart from the ranking: `matches`, and whether counting stopped at
    /// the bound.
    Apart { matches: u64, stopped: bool },
}

type SegmentFruit = (
    <CursorSegment as SegmentCollector>::Fruit,
    Option<Vec<Tally>>,
    SegmentCount,
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
            self.count,
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
            count: SegmentCount::InPage,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.page.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<PassFruit> {
        let mut lower_bound = false;
        let mut apart: Option<u64> = None;
        let mut pages = Vec::with_capacity(fruits.len());
        let mut tallies = Vec::with_capacity(fruits.len());
        for (page, segment_tallies, count) in fruits {
            pages.push(page);
            tallies.extend(segment_tallies);
            if let SegmentCount::Apart { matches, stopped } = count {
                *apart.get_or_insert(0) += matches;
                lower_bound |= stopped;
            }
        }
        let (ranked, in_page) = self.page.merge_fruits(pages)?;
        let tallies = match &self.facets {
            Some(facets) => Some(facets.merge_fruits(tallies)?),
            None => None,
        };
        // Stopped at the bound: how many were counted depends on which
        // thread got where first; the bound itself is what is known.
        let total = match (lower_bound, self.bound(), apart) {
            (true, Some(bound), _) => bound,
            (_, _, Some(apart)) => apart,
            _ => in_page,
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
        let mut kept = KeptMatches::new(self.ranking.is_some());
        segment.count = match self.bound() {
            // A later page: the first page's count stands.
            Some(0) => SegmentCount::Apart {
                matches: 0,
                stopped: true,
            },
            _ => self.count_apart(reader, &mut segment.facets, &mut kept)?,
        };
        // The ranking prunes from its first match, from the best threshold
        // another segment has reached.
        let mut collect = |doc, score| {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                segment.page.collect(doc, score);
            }
            self.share_threshold(segment.page.threshold())
        };
        let threshold = self.shared_threshold();
        match &self.ranking {
            Some(ranking) if kept.keeping => {
                ranking.rank(reader, &kept.docs, kept.complete, threshold, &mut collect)?
            }
            _ => weight.for_each_pruning(threshold, reader, &mut collect)?,
        }
        Ok(segment.harvest())
    }
}
