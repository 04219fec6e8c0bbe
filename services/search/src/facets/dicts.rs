//! Facet dictionaries resolved once per segment.
//!
//! A term facet counts documents per column ordinal, which is only
//! meaningful inside one segment. Turning ordinals into values at query time
//! decodes (and decompresses) dictionary blocks, and merging segments by
//! value string hashes every distinct value a query touched: with tens of
//! thousands of entities that was most of a faceted query's time. Segments
//! never change, so each segment's ordinal → value slot map is computed once
//! (by the reader's warmer, or by the first query that needs it), and values
//! are interned per column: queries count by ordinal, merge by slot, and
//! read strings only for the buckets they return.

use std::collections::HashMap;
use std::sync::Arc;

use dossier_proto::v1::EntityType;
use parking_lot::{RwLock, RwLockReadGuard};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, SegmentReader};

use crate::schema::{SEP, TYPE_FACET_COLUMNS};

/// Columns term facets count (and the entity columns of each type,
/// [`TYPE_FACET_COLUMNS`]).
/// (The `story` facet is resolved when asked for: warming a column of up to
/// one value per document at every reload would cost the indexer more than
/// the rare story facet saves.)
pub const TERM_COLUMNS: [&str; 4] = ["source", "labels", "language", "entity_facet"];
/// The column whose values are "id SEP TYPE SEP name".
pub const ENTITY_COLUMN: &str = "entity_facet";

/// Interned values of one column lose their slots when more than this many
/// times the values live segments hold have piled up (values of merged-away
/// segments); the column then starts afresh.
const MAX_DEAD_RATIO: usize = 2;

/// Every column's dictionary state; shared by the reader's warmer and the
/// queries.
#[derive(Default)]
pub struct FacetDicts {
    columns: RwLock<HashMap<&'static str, Arc<ColumnDict>>>,
}

impl FacetDicts {
    /// The current state of `column`. A query takes it once and uses it
    /// throughout, so slots it counted stay valid even if the column is
    /// reset meanwhile.
    pub fn column(&self, column: &'static str) -> Arc<ColumnDict> {
        if let Some(dict) = self.columns.read().get(column) {
            return Arc::clone(dict);
        }
        Arc::clone(self.columns.write().entry(column).or_default())
    }

    /// Resolves every facet column of every segment of `searcher`.
    pub fn warm_all(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for column in TERM_COLUMNS.into_iter().chain(TYPE_FACET_COLUMNS) {
            let dict = self.column(column);
            for segment in searcher.segment_readers() {
                dict.segment(segment, column)?;
            }
        }
        Ok(())
    }

    /// Drops the maps of segments no searcher uses any more, and resets
    /// columns whose interned values are mostly dead.
    pub(crate) fn collect_garbage(&self, live: &[&SearcherGeneration]) {
        let is_live = |id: &SegmentId| {
            live.iter()
                .any(|generation| generation.segments().contains_key(id))
        };
        let mut columns = self.columns.write();
        for dict in columns.values_mut() {
            let reset = {
                let mut inner = dict.inner.write();
                inner.segments.retain(|id, _| is_live(id));
                let live_values: usize = inner.segments.values().map(|m| m.len()).sum();
                inner.values.len() > MAX_DEAD_RATIO * live_values.max(1_024)
            };
            if reset {
                *dict = Arc::default();
            }
        }
    }
}

/// One column's interned values and per-segment ordinal maps.
#[derive(Default)]
pub struct ColumnDict {
    inner: RwLock<ColumnInner>,
}

#[derive(Default)]
struct ColumnInner {
    segments: HashMap<SegmentId, Arc<[u32]>>,
    slots: HashMap<Box<str>, u32>,
    values: Vec<Box<str>>,
    /// For the entity column: per value slot, the entity's slot in `ids`
    /// and its type (wire value).
    entities: Vec<(u32, i32)>,
    id_slots: HashMap<Box<str>, u32>,
    ids: Vec<Box<str>>,
}

/// An entity facet value, parsed.
pub struct EntityValue<'a> {
    pub id_slot: u32,
    pub entity_type: i32,
    pub id: &'a str,
    pub name: &'a str,
}

impl ColumnDict {
    /// The ordinal → slot map of `segment`'s `column`, computed on first use
    /// (None when the segment has no such column).
    pub fn segment(
        &self,
        segment: &SegmentReader,
        column: &str,
    ) -> tantivy::Result<Option<(StrColumn, Arc<[u32]>)>> {
        let Some(str_column) = segment.fast_fields().str(column)? else {
            return Ok(None);
        };
        let id = segment.segment_id();
        if let Some(map) = self.inner.read().segments.get(&id) {
            return Ok(Some((str_column, Arc::clone(map))));
        }
        // Decode the dictionary outside the lock; intern under it.
        let mut terms = Vec::with_capacity(str_column.num_terms());
        let mut stream = str_column.dictionary().stream()?;
        while stream.advance() {
            terms.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let mut inner = self.inner.write();
        if let Some(map) = inner.segments.get(&id) {
            return Ok(Some((str_column, Arc::clone(map))));
        }
        let entity = column == ENTITY_COLUMN || TYPE_FACET_COLUMNS.contains(&column);
        let map: Arc<[u32]> = terms
            .into_iter()
            .map(|term| inner.intern(term, entity))
            .collect();
        inner.segments.insert(id, Arc::clone(&map));
        Ok(Some((str_column, map)))
    }

    /// A read view of the interned values (hold it briefly: interning
    /// a new segment waits for it).
    pub fn view(&self) -> DictView<'_> {
        DictView(self.inner.read())
    }
}

/// Interned values of a column, read-locked.
pub struct DictView<'a>(RwLockReadGuard<'a, ColumnInner>);

impl DictView<'_> {
    pub fn value(&self, slot: u32) -> Option<&str> {
        self.0.values.get(slot as usize).map(|v| &**v)
    }

    /// The entity slot and type of an entity value slot.
    pub fn entity_key(&self, slot: u32) -> Option<(u32, i32)> {
        self.0.entities.get(slot as usize).copied()
    }

    /// How many entity slots there are (entity slots are `0..entity_count`).
    pub fn entity_count(&self) -> usize {
        self.0.ids.len()
    }

    /// The id of an entity slot.
    pub fn id(&self, entity: u32) -> Option<&str> {
        self.0.ids.get(entity as usize).map(|v| &**v)
    }

    /// An entity value, parsed.
    pub fn entity(&self, slot: u32) -> Option<EntityValue<'_>> {
        self.0.entity(slot)
    }
}

impl ColumnInner {
    fn intern(&mut self, term: String, entity: bool) -> u32 {
        if let Some(slot) = self.slots.get(term.as_str()) {
            return *slot;
        }
        let slot = self.values.len() as u32;
        if entity {
            let mut parts = term.splitn(3, SEP);
            let id = parts.next().unwrap_or_default();
            let kind = parts
                .next()
                .and_then(EntityType::from_str_name)
                .map_or(0, |t| t as i32);
            let id_slot = match self.id_slots.get(id) {
                Some(s) => *s,
                None => {
                    let s = self.ids.len() as u32;
                    self.ids.push(id.into());
                    self.id_slots.insert(id.into(), s);
                    s
                }
            };
            self.entities.push((id_slot, kind));
        }
        let term: Box<str> = term.into();
        self.values.push(term.clone());
        self.slots.insert(term, slot);
        slot
    }

    fn entity(&self, slot: u32) -> Option<EntityValue<'_>> {
        let (id_slot, entity_type) = *self.entities.get(slot as usize)?;
        let value = self.values.get(slot as usize)?;
        let mut parts = value.splitn(3, SEP);
        let (Some(id), Some(_), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        Some(EntityValue {
            id_slot,
            entity_type,
            id,
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Checkpoint, IndexOp, SearchIndex};
    use crate::model::IndexDoc;

    fn doc(n: u64, label: String) -> IndexOp {
        IndexOp::Upsert(Box::new(IndexDoc {
            id: format!("d{n}"),
            sequence: n,
            labels: vec![label],
            ..IndexDoc::default()
        }))
    }

    #[test]
    fn dead_values_are_dropped_and_queries_in_flight_keep_theirs() {
        let index = SearchIndex::in_memory().unwrap();
        let ops = (0..3_000).map(|n| doc(n, format!("gone{n}"))).collect();
        index.apply(ops).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let dicts = index.facet_dicts();
        // The warmer resolved the segment at reload.
        let before = dicts.column("labels");
        assert_eq!(
            before.inner.read().segments.len(),
            index.searcher().segment_readers().len()
        );
        assert_eq!(before.inner.read().values.len(), 3_000);

        let ops = (0..3_000)
            .map(|n| IndexOp::Delete(format!("d{n}")))
            .chain([doc(5_000, "kept".into())])
            .collect();
        index.apply(ops).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        dicts.collect_garbage(&[searcher.generation()]);

        let after = dicts.column("labels");
        assert!(!Arc::ptr_eq(&before, &after), "mostly dead values reset");
        assert!(after.inner.read().values.len() < 10);
        // A query that took the old state can still read its slots.
        let view = before.view();
        assert!((0..3_000).any(|slot| view.value(slot) == Some("gone2999")));
        drop(view);
        let mut live = Vec::new();
        for segment in searcher.segment_readers() {
            if let Some((_, map)) = after.segment(segment, "labels").unwrap() {
                let view = after.view();
                live.extend(map.iter().filter_map(|s| view.value(*s).map(str::to_owned)));
            }
        }
        assert_eq!(live, ["kept"]);
    }
}
