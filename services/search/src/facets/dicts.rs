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
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dossier_proto::v1::EntityType;
use hashbrown::HashTable;
use parking_lot::{RwLock, RwLockReadGuard};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, SegmentReader};

use super::doc_ords::DocOrds;
use crate::index::PerSegment;
use crate::packed::PackedStrings;
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
            let faceted = dict.faceted.load(Ordering::Relaxed);
            for segment in searcher.segment_readers() {
                let Some((str_column, _)) = dict.segment(segment, column)? else {
                    continue;
                };
                if faceted {
                    dict.read_doc_ords(segment, &str_column)?;
                }
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
            dict.doc_ords.collect_garbage(live);
            let reset = {
                let mut inner = dict.inner.write();
                inner.segments.retain(|id, _| is_live(id));
                let live_values: usize = inner.segments.values().map(|m| m.len()).sum();
                inner.values.len() > MAX_DEAD_RATIO * live_values.max(1_024)
            };
            if reset {
                let faceted = dict.faceted.load(Ordering::Relaxed);
                *dict = Arc::default();
                dict.faceted.store(faceted, Ordering::Relaxed);
            }
        }
    }
}

/// One column's interned values and per-segment ordinal maps.
#[derive(Default)]
pub struct ColumnDict {
    inner: RwLock<ColumnInner>,
    /// Per segment, a multi-valued column's ordinals decoded flat (None:
    /// single-valued), for the columns queries facet on.
    doc_ords: PerSegment<Option<Arc<DocOrds>>>,
    /// Set by the first query that counts this column by document: from
    /// then on the warmer decodes new segments' ordinals, so no query pays
    /// for a merged segment's decoding (and unused columns cost no memory).
    faceted: AtomicBool,
}

/// Each value is held once, in `values`; the tables find a slot by the
/// value's hash. (Heap strings held every value twice, as a map key and in
/// the slot list, and the entity columns hold every entity of the index:
/// 71 MB of search's heap at 100,000 articles, issue 19.)
#[derive(Default)]
struct ColumnInner {
    segments: HashMap<SegmentId, Arc<[u32]>>,
    values: Interned,
    /// For the entity column: per value slot, the entity's slot in `ids`
    /// and its type (wire value).
    entities: Vec<(u32, i32)>,
    ids: Interned,
    /// Keyed per column: values come from articles, so a fixed hash could
    /// be made to collide.
    hasher: RandomState,
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
            .iter()
            .map(|term| inner.intern(term, entity))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError(format!(
                    "the facet values of column {column} exceed 4 GiB"
                ))
            })?
            .into();
        inner.segments.insert(id, Arc::clone(&map));
        Ok(Some((str_column, map)))
    }

    /// The ordinals of `segment`'s `column` by document, decoded on first
    /// use (None: tantivy reads this column faster itself).
    pub fn doc_ords(
        &self,
        segment: &SegmentReader,
        column: &StrColumn,
    ) -> tantivy::Result<Option<Arc<DocOrds>>> {
        self.faceted.store(true, Ordering::Relaxed);
        self.read_doc_ords(segment, column)
    }

    fn read_doc_ords(
        &self,
        segment: &SegmentReader,
        column: &StrColumn,
    ) -> tantivy::Result<Option<Arc<DocOrds>>> {
        self.doc_ords
            .get_or_read(segment, |_| Ok(DocOrds::decode(column).map(Arc::new)))
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
        self.0.values.get(slot)
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
        self.0.ids.get(entity)
    }

    /// An entity value, parsed.
    pub fn entity(&self, slot: u32) -> Option<EntityValue<'_>> {
        self.0.entity(slot)
    }
}

impl ColumnInner {
    /// The slot of `term`, interned if new (None: the column's values
    /// would pass 4 GiB).
    fn intern(&mut self, term: &str, entity: bool) -> Option<u32> {
        let hash = self.hasher.hash_one(term);
        if let Some(slot) = self.values.find(hash, term) {
            return Some(slot);
        }
        if !self.values.strings.fits(term.len()) || !self.ids.strings.fits(term.len()) {
            return None;
        }
        if entity {
            let mut parts = term.splitn(3, SEP);
            let id = parts.next().unwrap_or_default();
            let kind = parts
                .next()
                .and_then(EntityType::from_str_name)
                .map_or(0, |t| t as i32);
            let id_hash = self.hasher.hash_one(id);
            let id_slot = match self.ids.find(id_hash, id) {
                Some(slot) => slot,
                None => self.ids.push(&self.hasher, id_hash, id)?,
            };
            self.entities.push((id_slot, kind));
        }
        self.values.push(&self.hasher, hash, term)
    }

    fn entity(&self, slot: u32) -> Option<EntityValue<'_>> {
        let (id_slot, entity_type) = *self.entities.get(slot as usize)?;
        let value = self.values.get(slot)?;
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

/// Distinct strings, each held once and found by its slot or by itself
/// (through its hash, with the column's hasher).
#[derive(Default)]
struct Interned {
    strings: PackedStrings,
    by_hash: HashTable<u32>,
}

impl Interned {
    fn len(&self) -> usize {
        self.strings.len()
    }

    fn get(&self, slot: u32) -> Option<&str> {
        self.strings.get(slot as usize)
    }

    /// The slot of `s`, whose hash is `hash`, if it is here.
    fn find(&self, hash: u64, s: &str) -> Option<u32> {
        self.by_hash
            .find(hash, |&slot| self.get(slot) == Some(s))
            .copied()
    }

    /// Adds `s`, which is not here yet; returns its slot.
    fn push(&mut self, hasher: &RandomState, hash: u64, s: &str) -> Option<u32> {
        let slot = self.strings.push(s).ok()?;
        let strings = &self.strings;
        self.by_hash.insert_unique(hash, slot, |&slot| {
            hasher.hash_one(strings.get(slot as usize).unwrap_or_default())
        });
        Some(slot)
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
    fn a_value_is_interned_once_and_an_entity_keeps_one_slot_for_its_names() {
        let mut column = ColumnInner::default();
        let value = |id: &str, name: &str| format!("{id}{SEP}PERSON{SEP}{name}");
        let first = column.intern(&value("ent_1", "Shapovchuk"), true).unwrap();
        let other = column.intern(&value("ent_2", "Mirela Dan"), true).unwrap();
        let renamed = column
            .intern(&value("ent_1", "Chapovtchouk"), true)
            .unwrap();
        assert_eq!(
            column.intern(&value("ent_1", "Shapovchuk"), true),
            Some(first)
        );
        assert_eq!((column.values.len(), column.ids.len()), (3, 2));
        let (a, b, c) = (
            column.entity(first).unwrap(),
            column.entity(other).unwrap(),
            column.entity(renamed).unwrap(),
        );
        assert_eq!((a.id, a.name), ("ent_1", "Shapovchuk"));
        assert_eq!((c.id, c.name), ("ent_1", "Chapovtchouk"));
        assert_eq!(a.id_slot, c.id_slot);
        assert_ne!(a.id_slot, b.id_slot);
        assert_eq!(a.entity_type, EntityType::Person as i32);
        assert_eq!(column.ids.get(b.id_slot), Some("ent_2"));
    }

    #[test]
    fn the_warmer_decodes_new_segments_of_the_columns_queries_facet_on() {
        let two_labels = |n: u64| {
            IndexOp::Upsert(Box::new(IndexDoc {
                id: format!("d{n}"),
                sequence: n,
                labels: vec![format!("a{}", n % 3), format!("b{}", n % 5)],
                ..IndexDoc::default()
            }))
        };
        let index = SearchIndex::in_memory().unwrap();
        let dicts = index.facet_dicts();
        index.apply((0..100).map(two_labels).collect()).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        let first = &searcher.segment_readers()[0];
        let labels = dicts.column("labels");
        assert!(
            labels.doc_ords.peek(first).is_none(),
            "not decoded before a query facets on the column"
        );
        let (column, _) = labels.segment(first, "labels").unwrap().unwrap();
        assert!(labels.doc_ords(first, &column).unwrap().is_some());

        index.apply((100..200).map(two_labels).collect()).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        let labels = dicts.column("labels");
        for segment in searcher.segment_readers() {
            let decoded = labels.doc_ords.peek(segment).flatten();
            assert_eq!(decoded.unwrap().of(0).len(), 2, "decoded by the warmer");
        }
        assert!(
            dicts.column("source").doc_ords.peek(first).is_none(),
            "a column no query faceted on is not decoded"
        );
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
