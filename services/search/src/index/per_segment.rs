//! A value kept per segment, read once and dropped when no searcher uses
//! the segment any more: segments never change, so what a query reads of
//! one (entity names, sort columns) can be read by the reader's warmer.

use std::collections::HashMap;

use parking_lot::RwLock;
use tantivy::index::SegmentId;
use tantivy::{SearcherGeneration, SegmentReader};

pub struct PerSegment<V> {
    segments: RwLock<HashMap<SegmentId, V>>,
}

impl<V> Default for PerSegment<V> {
    fn default() -> Self {
        Self {
            segments: RwLock::default(),
        }
    }
}

impl<V: Clone> PerSegment<V> {
    /// The value of `segment`, read by `read` the first time.
    pub fn get_or_read(
        &self,
        segment: &SegmentReader,
        read: impl FnOnce(&SegmentReader) -> tantivy::Result<V>,
    ) -> tantivy::Result<V> {
        let id = segment.segment_id();
        if let Some(value) = self.segments.read().get(&id) {
            return Ok(value.clone());
        }
        let value = read(segment)?;
        self.segments.write().insert(id, value.clone());
        Ok(value)
    }

    /// The value of `segment` if it was read.
    #[cfg(test)]
    pub fn peek(&self, segment: &SegmentReader) -> Option<V> {
        self.segments.read().get(&segment.segment_id()).cloned()
    }

    /// Forgets segments no searcher uses any more.
    pub fn collect_garbage(&self, live: &[&SearcherGeneration]) {
        self.segments.write().retain(|id, _| {
            live.iter()
                .any(|generation| generation.segments().contains_key(id))
        });
    }
}
