//! What a facet asks for, and the buckets it answers with.

use crate::dates::Interval;
use crate::schema::entity_facet_column;

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
    /// Stories (values are stored story ids; the search resolves merged
    /// ones and names each by its title).
    Story {
        limit: usize,
    },
}

impl FacetSpec {
    /// The fast-field column the facet counts.
    pub(super) fn column(&self) -> &'static str {
        match self {
            FacetSpec::Source { .. } => "source",
            FacetSpec::Label { .. } => "labels",
            FacetSpec::Language { .. } => "language",
            FacetSpec::Entity { entity_type, .. } => entity_facet_column(*entity_type),
            FacetSpec::PublishedAt { .. } => "published_at",
            FacetSpec::Story { .. } => "story",
        }
    }

    /// Most buckets a term facet returns (0 for the histogram).
    pub(super) fn limit(&self) -> usize {
        match self {
            FacetSpec::Source { limit }
            | FacetSpec::Label { limit }
            | FacetSpec::Language { limit }
            | FacetSpec::Entity { limit, .. }
            | FacetSpec::Story { limit } => *limit,
            FacetSpec::PublishedAt { .. } => 0,
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

/// The `limit` largest buckets, ties broken by value for stable output.
pub fn top(mut buckets: Vec<Bucket>, limit: usize) -> Vec<Bucket> {
    buckets.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    buckets.truncate(limit);
    buckets
}

/// A bucket of a value that names nothing more than itself.
pub(super) fn bucket(value: String, count: u64) -> Bucket {
    Bucket {
        value,
        count,
        display_name: String::new(),
        entity_type: 0,
    }
}
