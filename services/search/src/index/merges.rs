//! How the writers merge segments.
//!
//! tantivy's log merge policy never merges a segment for its deletes, and
//! here deletes pile up: every entity rename rewrites the articles that name
//! it. A settled 100,000-article index kept ten segments holding 38,000
//! deleted documents beside the 100,000 live ones, and queries read them
//! all. Merging a level when one of its segments is 30% deleted left three
//! segments and 17,000 deleted documents, for 4% more of search's CPU:
//! back to back, boolean p50 1.89 → 1.44 ms and deep page 1.59 → 1.33 ms
//! settled (tests/BENCHMARKS.md, issue 19). Merging more eagerly than that
//! (four segments a level) cost 12% more CPU and slowed queries while it
//! ran.
//!
//! Each index also caps the documents one merge may produce, as Lucene's
//! tiered policy caps a merged segment at 5 GB. A merge reads its segments
//! through memory maps, so every page of them counts in search's resident
//! memory until the merge ends: at 300,000 articles the merge that made
//! one segment of 275,000 (1.8 GB of files) took search's peak RSS from
//! 1.4 to 2.7 GiB while its anonymous memory stayed near 0.7 GiB, and at
//! a million the articles' index is about 6.7 GB. The quote index holds
//! about eight records an article, and at a million articles four merges of
//! over a million records each copied 8.5 M records, most of search's CPU;
//! a listing reads a few records of a story, so more segments cost it
//! little. A query reads every article segment, so the articles' cap is
//! the larger: 150,000 articles, about 1 GB of segment files here (at a
//! million, at least seven segments).
//!
//! A catch-up commits every few thousand documents, and the log levels
//! merge the lowest level only once it holds eight segments: a 100,000
//! article catch-up ended with eight segments, six of them under 10,000
//! documents, and stayed so until more articles came. Each segment costs
//! a query its own term lookups and postings opens: on that index boolean
//! queries took 2.97–3.03 ms p50 against 2.54–2.60 on the same corpus in
//! three segments, and search 10% more CPU (alternating rounds, issue
//! 19). So the commit that ends a catch-up may ask the
//! policy to fold the segments under the first level into one
//! ([`SmallSegments`]); a steady trickle of articles, which never commits
//! by count, is left to the log levels.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Deleted share of a segment that makes its level merge.
const DELETED_RATIO: f32 = 0.3;

/// Live documents under which a segment is small: tantivy's log policy
/// puts every segment under this size in its first level.
const SMALL_SEGMENT_DOCS: u32 = 10_000;

/// Fewest small segments worth a fold.
const MIN_FOLDED: usize = 2;

fn is_small(segment: &SegmentMeta) -> bool {
    segment.num_docs() < SMALL_SEGMENT_DOCS
}

/// Whether `segments` hold enough small ones for a fold to merge.
pub(super) fn worth_folding(segments: &[SegmentMeta]) -> bool {
    segments.iter().filter(|s| is_small(s)).count() >= MIN_FOLDED
}

/// Whether the policy folds the small segments it is shown (raised for
/// the commit that ends a catch-up; see the module's docs).
#[derive(Debug, Clone, Default)]
pub(super) struct SmallSegments(Arc<AtomicBool>);

impl SmallSegments {
    /// Folds small segments while the returned guard lives.
    pub(super) fn fold(&self) -> FoldGuard<'_> {
        self.0.store(true, Ordering::SeqCst);
        FoldGuard(self)
    }

    fn folding(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Lowers the fold flag when dropped.
pub(super) struct FoldGuard<'a>(&'a SmallSegments);

impl Drop for FoldGuard<'_> {
    fn drop(&mut self) {
        (self.0).0.store(false, Ordering::SeqCst);
    }
}

/// The merge policy of an index; `max_merged_docs` caps the live documents
/// of a segment a merge makes (None: tantivy's log levels alone); `small`
/// says when to fold the small segments.
pub(super) fn policy(max_merged_docs: Option<u32>, small: SmallSegments) -> Box<dyn MergePolicy> {
    let mut levels = LogMergePolicy::default();
    levels.set_del_docs_ratio_before_merge(DELETED_RATIO);
    Box::new(Logged(Folding {
        inner: Capped {
            levels,
            max_merged_docs,
        },
        small,
    }))
}

/// A policy that also folds the segments under [`SMALL_SEGMENT_DOCS`]
/// that no other merge takes, when asked to and there are two or more.
#[derive(Debug)]
struct Folding<P> {
    inner: P,
    small: SmallSegments,
}

impl<P: MergePolicy> MergePolicy for Folding<P> {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut candidates = self.inner.compute_merge_candidates(segments);
        if self.small.folding() {
            let small: Vec<_> = segments
                .iter()
                .filter(|s| is_small(s))
                .map(|s| s.id())
                .filter(|id| !candidates.iter().any(|c| c.0.contains(id)))
                .collect();
            if small.len() >= MIN_FOLDED {
                candidates.push(MergeCandidate(small));
            }
        }
        candidates
    }
}

/// tantivy's log levels, each level's merge split into merges of at most
/// `max_merged_docs` live documents. tantivy's own `max_docs_before_merge`
/// only stops a segment that is already big from merging again: eight
/// segments just under it still merge into one eight times as big.
#[derive(Debug)]
struct Capped {
    levels: LogMergePolicy,
    max_merged_docs: Option<u32>,
}

impl MergePolicy for Capped {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let candidates = self.levels.compute_merge_candidates(segments);
        let Some(cap) = self.max_merged_docs else {
            return candidates;
        };
        candidates
            .into_iter()
            .flat_map(|candidate| {
                let mut level: Vec<&SegmentMeta> = segments
                    .iter()
                    .filter(|s| candidate.0.contains(&s.id()))
                    .collect();
                split_under(cap, &mut level)
            })
            .collect()
    }
}

/// A level's segments packed, smallest first, into merges of at most `cap`
/// live documents. A segment alone in its pack is merged only to drop its
/// deleted documents.
fn split_under(cap: u32, level: &mut [&SegmentMeta]) -> Vec<MergeCandidate> {
    level.sort_by_key(|s| s.num_docs());
    let mut merges = Vec::new();
    let mut pack: Vec<&SegmentMeta> = Vec::new();
    let mut docs = 0u64;
    let mut close = |pack: &mut Vec<&SegmentMeta>| {
        let worth_it = match pack.as_slice() {
            [] => false,
            [alone] => deleted_share(alone) > DELETED_RATIO,
            _ => true,
        };
        if worth_it {
            merges.push(MergeCandidate(pack.iter().map(|s| s.id()).collect()));
        }
        pack.clear();
    };
    for segment in level.iter() {
        let live = u64::from(segment.num_docs());
        if !pack.is_empty() && docs + live > u64::from(cap) {
            close(&mut pack);
            docs = 0;
        }
        pack.push(segment);
        docs += live;
    }
    close(&mut pack);
    merges
}

fn deleted_share(segment: &SegmentMeta) -> f32 {
    match segment.max_doc() {
        0 => 0.0,
        max => segment.num_deleted_docs() as f32 / max as f32,
    }
}

/// A policy that says, at debug level, which merges it starts and how big
/// they are: merges are most of search's CPU on a large index, and tantivy
/// logs only segment ids.
#[derive(Debug)]
struct Logged<P>(P);

impl<P: MergePolicy> MergePolicy for Logged<P> {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let candidates = self.0.compute_merge_candidates(segments);
        if tracing::enabled!(tracing::Level::DEBUG) {
            for candidate in &candidates {
                let merged = segments.iter().filter(|s| candidate.0.contains(&s.id()));
                let (count, docs, deleted) = merged.fold((0, 0, 0), |(n, d, x), s| {
                    (n + 1, d + s.num_docs(), x + s.num_deleted_docs())
                });
                tracing::debug!(
                    segments = count,
                    live_docs = docs,
                    deleted_docs = deleted,
                    "merge planned"
                );
            }
        }
        candidates
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Index;
    use tantivy::index::SegmentId;
    use tantivy::schema::Schema;

    use super::*;

    fn segments(index: &Index, sizes: &[(u32, u32)]) -> Vec<SegmentMeta> {
        sizes
            .iter()
            .map(|&(max_doc, deleted)| {
                let meta = index.new_segment_meta(SegmentId::generate_random(), max_doc);
                match deleted {
                    0 => meta,
                    n => meta.with_delete_meta(n, 0),
                }
            })
            .collect()
    }

    fn merged_sizes(candidates: &[MergeCandidate], segments: &[SegmentMeta]) -> Vec<u32> {
        let mut sizes: Vec<u32> = candidates
            .iter()
            .map(|c| {
                segments
                    .iter()
                    .filter(|s| c.0.contains(&s.id()))
                    .map(|s| s.num_docs())
                    .sum()
            })
            .collect();
        sizes.sort_unstable();
        sizes
    }

    #[test]
    fn a_capped_level_merges_in_packs_under_the_cap() {
        let index = Index::create_in_ram(Schema::builder().build());
        let level = segments(&index, &[(100_000, 0); 8]);

        let uncapped = policy(None, SmallSegments::default()).compute_merge_candidates(&level);
        assert_eq!(merged_sizes(&uncapped, &level), [800_000]);

        let capped =
            policy(Some(300_000), SmallSegments::default()).compute_merge_candidates(&level);
        assert_eq!(merged_sizes(&capped, &level), [200_000, 300_000, 300_000]);
        let mut merged: Vec<SegmentId> = capped.iter().flat_map(|c| c.0.clone()).collect();
        merged.sort();
        merged.dedup();
        assert_eq!(merged.len(), 8, "every segment in one merge, none twice");
    }

    #[test]
    fn a_segment_at_the_cap_merges_again_only_for_its_deletes() {
        let index = Index::create_in_ram(Schema::builder().build());
        let clean = segments(&index, &[(300_000, 0); 8]);
        assert!(
            policy(Some(300_000), SmallSegments::default())
                .compute_merge_candidates(&clean)
                .is_empty()
        );

        let mut level = segments(&index, &[(300_000, 0); 7]);
        level.extend(segments(&index, &[(400_000, 160_000)]));
        let capped =
            policy(Some(300_000), SmallSegments::default()).compute_merge_candidates(&level);
        assert_eq!(merged_sizes(&capped, &level), [240_000]);
    }

    #[test]
    fn small_segments_fold_into_one_only_while_asked() {
        let index = Index::create_in_ram(Schema::builder().build());
        // What a catch-up leaves: two merged levels and six small commits.
        let shape = [
            (40_960, 0),
            (38_016, 0),
            (5_120, 0),
            (5_120, 0),
            (5_120, 0),
            (2_560, 0),
            (2_464, 0),
            (640, 0),
        ];
        let left = segments(&index, &shape);
        let small = SmallSegments::default();
        let policy = policy(Some(150_000), small.clone());
        assert!(policy.compute_merge_candidates(&left).is_empty());
        {
            let _fold = small.fold();
            let folded = policy.compute_merge_candidates(&left);
            assert_eq!(merged_sizes(&folded, &left), [21_024]);
        }
        assert!(
            policy.compute_merge_candidates(&left).is_empty(),
            "the flag goes down with its guard"
        );

        // One small segment has nothing to fold with.
        let one = segments(&index, &[(40_960, 0), (640, 0)]);
        let _fold = small.fold();
        assert!(policy.compute_merge_candidates(&one).is_empty());
        // Small segments a level merge takes are not folded a second time.
        let level = segments(&index, &[(1_000, 0); 9]);
        let candidates = policy.compute_merge_candidates(&level);
        let mut merged: Vec<SegmentId> = candidates.iter().flat_map(|c| c.0.clone()).collect();
        let all = merged.len();
        merged.sort();
        merged.dedup();
        assert_eq!(merged.len(), all, "no segment in two merges");
        assert_eq!(all, 9);
    }
}
