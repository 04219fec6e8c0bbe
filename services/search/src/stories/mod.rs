//! Stories and near-duplicates: the articles of many outlets about one
//! event, grouped as the indexer applies the change feed, and the copies of
//! a wire report marked as copies.
//!
//! - [`sketch`]: bottom-k MinHash sketches of a text's word shingles; two
//!   texts at least 0.8 alike make the later a copy of the earlier.
//! - [`features`]: a document's weighted terms (entities, dates and amounts,
//!   content words) for comparing it with others about the same event.
//! - [`tracker`]: the window of recent documents and the incremental
//!   assignment of each new one to a story.
//!
//! Nothing here knows tantivy or gRPC: the index stores what the tracker
//! decides, and rebuilds the tracker's window from its documents on open.

pub mod features;
pub mod sketch;
pub mod tracker;
pub mod view;

pub use tracker::{Assignment, StoryDoc, StorySettings, StoryTracker, story_id_for};
