//! The entity names the index knows, per segment, kept in memory.
//!
//! Entity expansion asks for every bare query word whether it spells a known
//! alias, and for each entity it finds, its name, type and spellings.
//! Asking the term dictionaries meant three range scans per segment and
//! word; they were a quarter of a boolean query's time. Segments never
//! change, so each segment's `alias`, `entity_facet` and `entity_alias` terms
//! are read once (by the reader's warmer, or by the first query that needs
//! them) into hash maps. Terms outlive deleted documents until a merge, so
//! the caller still checks that an alias is carried by a live document.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use parking_lot::RwLock;
use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{Searcher, SearcherGeneration, SegmentReader};

use crate::schema::{Fields, SEP};

/// The entity names of one segment.
#[derive(Default)]
struct SegmentNames {
    /// Normalized name ("iouri chapovtchouk") → the ids it names.
    ids: HashMap<Box<str>, Vec<Box<str>>>,
    /// Every proper word prefix of a name ("iouri"): a name continues it.
    continued: HashSet<Box<str>>,
    /// Entity id → "TYPE SEP canonical name", the greatest when several.
    facet: HashMap<Box<str>, Box<str>>,
    /// Entity id → its spellings.
    variants: HashMap<Box<str>, Vec<Box<str>>>,
}

/// What the index says of one entity.
#[derive(Debug, Default)]
pub struct EntityNames {
    /// "TYPE SEP canonical name" (the greatest over segments), if known.
    pub facet: Option<String>,
    /// Every spelling, sorted.
    pub variants: BTreeSet<String>,
}

/// Entity names per segment, shared by the reader's warmer and the queries.
pub struct AliasNames {
    alias: Field,
    entity_facet: Field,
    entity_alias: Field,
    segments: RwLock<HashMap<SegmentId, Arc<SegmentNames>>>,
}

impl AliasNames {
    /// Tables of the `alias` ("normalized name SEP id"), `entity_facet`
    /// ("id SEP TYPE SEP name") and `entity_alias` ("id SEP spelling") terms.
    pub fn new(fields: &Fields) -> Self {
        Self {
            alias: fields.alias,
            entity_facet: fields.entity_facet,
            entity_alias: fields.entity_alias,
            segments: RwLock::default(),
        }
    }

    /// The ids of the entities some segment of `searcher` has an alias
    /// spelled `name` for, sorted.
    pub fn ids_named(&self, searcher: &Searcher, name: &str) -> tantivy::Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for segment in searcher.segment_readers() {
            if let Some(ids) = self.segment(segment)?.ids.get(name) {
                out.extend(ids.iter().map(|id| id.to_string()));
            }
        }
        Ok(out)
    }

    /// The name, type and first `max_variants` spellings of entity `id`
    /// over the segments. Strings are copied only for what is returned: a
    /// well-known entity has its spellings in every segment.
    pub fn entity(
        &self,
        searcher: &Searcher,
        id: &str,
        max_variants: usize,
    ) -> tantivy::Result<EntityNames> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| self.segment(segment))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut facet: Option<&str> = None;
        let mut variants: BTreeSet<&str> = BTreeSet::new();
        for names in &segments {
            if let Some(f) = names.facet.get(id)
                && facet < Some(&**f)
            {
                facet = Some(f);
            }
            if let Some(v) = names.variants.get(id) {
                variants.extend(v.iter().map(|v| &**v));
            }
        }
        Ok(EntityNames {
            facet: facet.map(str::to_string),
            variants: variants
                .into_iter()
                .take(max_variants)
                .map(str::to_string)
                .collect(),
        })
    }

    /// Calls `each` with every normalized name some segment of `searcher`
    /// knows (a name known to several segments comes once per segment).
    pub fn each_name(
        &self,
        searcher: &Searcher,
        mut each: impl FnMut(&str),
    ) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            for name in self.segment(segment)?.ids.keys() {
                each(name);
            }
        }
        Ok(())
    }

    /// Whether some segment of `searcher` has an alias that continues the
    /// words `prefix` with at least one more word.
    pub fn may_continue(&self, searcher: &Searcher, prefix: &str) -> tantivy::Result<bool> {
        self.any_segment(searcher, |names| names.continued.contains(prefix))
    }

    fn any_segment(
        &self,
        searcher: &Searcher,
        test: impl Fn(&SegmentNames) -> bool,
    ) -> tantivy::Result<bool> {
        for segment in searcher.segment_readers() {
            if test(&*self.segment(segment)?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn segment(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentNames>> {
        let id = segment.segment_id();
        if let Some(names) = self.segments.read().get(&id) {
            return Ok(Arc::clone(names));
        }
        let names = Arc::new(self.read_names(segment)?);
        self.segments.write().insert(id, Arc::clone(&names));
        Ok(names)
    }

    fn read_names(&self, segment: &SegmentReader) -> tantivy::Result<SegmentNames> {
        let mut out = SegmentNames::default();
        for_each_term(segment, self.alias, |term| {
            let Some((name, id)) = term.split_once(SEP) else {
                return;
            };
            if !out.ids.contains_key(name) {
                for (at, _) in name.match_indices(' ') {
                    out.continued.insert(name[..at].into());
                }
            }
            out.ids.entry(name.into()).or_default().push(id.into());
        })?;
        for_each_term(segment, self.entity_facet, |term| {
            if let Some((id, rest)) = term.split_once(SEP) {
                // Terms come sorted: the last one of an id is the greatest.
                out.facet.insert(id.into(), rest.into());
            }
        })?;
        for_each_term(segment, self.entity_alias, |term| {
            if let Some((id, spelling)) = term.split_once(SEP) {
                out.variants
                    .entry(id.into())
                    .or_default()
                    .push(spelling.into());
            }
        })?;
        Ok(out)
    }

    /// Reads the names of every segment of `searcher` not read yet.
    pub fn warm_all(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for segment in searcher.segment_readers() {
            self.segment(segment)?;
        }
        Ok(())
    }

    /// Forgets segments no searcher uses any more.
    pub(crate) fn collect_garbage(&self, live: &[&SearcherGeneration]) {
        self.segments.write().retain(|id, _| {
            live.iter()
                .any(|generation| generation.segments().contains_key(id))
        });
    }
}

/// Calls `each` with every UTF-8 term of `field` in `segment`, in order.
fn for_each_term(
    segment: &SegmentReader,
    field: Field,
    mut each: impl FnMut(&str),
) -> tantivy::Result<()> {
    let inverted = segment.inverted_index(field)?;
    let mut stream = inverted.terms().stream()?;
    while stream.advance() {
        if let Ok(term) = std::str::from_utf8(stream.key()) {
            each(term);
        }
    }
    Ok(())
}
