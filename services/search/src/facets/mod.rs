//! Facet counts over every document a query matches: term facets from
//! fast-field dictionaries (counted per segment by ordinal, merged by
//! interned value slot, see `dicts`) and a published_at histogram (counted
//! per day, then folded into buckets, see `histogram`).
//!
//! `FacetCounter` counts both a search's facets and an entity's
//! co-occurrences. The tests check it against `oracle`, a collector that
//! merges segments by value string: slower, but plainly right.

mod counter;
mod dicts;
mod doc_ords;
mod histogram;
#[cfg(test)]
mod oracle;
mod spec;
#[cfg(test)]
mod tests;

pub use counter::{CounterSegment, FacetCounter, Tally};
pub use dicts::{ColumnDict, FacetDicts};
pub use spec::{Bucket, FacetSpec, MAX_FACET_LIMIT, top};
