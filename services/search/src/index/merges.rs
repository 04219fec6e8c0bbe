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

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Deleted share of a segment that makes its level merge.
const DELETED_RATIO: f32 = 0.3;

/// The merge policy of both indexes.
pub(super) fn policy() -> Box<dyn MergePolicy> {
    let mut policy = LogMergePolicy::default();
    policy.set_del_docs_ratio_before_merge(DELETED_RATIO);
    Box::new(Logged(policy))
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
