//! Collapsing near-duplicates: one hit per group of a wire report and its
//! copies. A group is keyed by its original's id (copies store it in
//! `duplicate_of`). The hit kept is the original when the query matches it,
//! else the earliest matching copy; the others are excluded from the query
//! itself, so ranking, totals and paging all see the collapsed results.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, EnableScoring, ExistsQuery, Occur, Query, TermSetQuery};
use tantivy::schema::Value;
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::SearchIndex;

/// The collapsed query and, per group, how many of its documents matched.
pub struct Collapsed {
    pub query: Box<dyn Query>,
    /// Group (original's id) → matching documents of the group.
    pub matched: HashMap<String, u32>,
}

impl Collapsed {
    /// The other matching documents of `id`'s group (`duplicate_of` is the
    /// document's own, if it is a copy).
    pub fn others(&self, id: &str, duplicate_of: Option<&str>) -> u32 {
        let key = duplicate_of.unwrap_or(id);
        self.matched.get(key).map_or(0, |n| n.saturating_sub(1))
    }
}

/// `query` with every matching copy excluded but one per group.
pub fn collapse(
    index: &SearchIndex,
    searcher: &Searcher,
    query: Box<dyn Query>,
) -> Result<Collapsed> {
    let fields = index.fields();
    let copies_query = BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (
            Occur::Must,
            Box::new(ExistsQuery::new("duplicate_of".to_string(), false)),
        ),
    ]);
    // Group → its matching copies as (sequence, address).
    let mut groups: BTreeMap<String, Vec<(u64, DocAddress)>> = BTreeMap::new();
    let mut name = String::new();
    for address in searcher.search(&copies_query, &DocSetCollector)? {
        let segment = searcher.segment_reader(address.segment_ord);
        let Some(column) = segment.fast_fields().str("duplicate_of")? else {
            continue;
        };
        let Some(ord) = column.term_ords(address.doc_id).next() else {
            continue;
        };
        column
            .ord_to_str(ord, &mut name)
            .map_err(|e| Error::Internal(format!("cannot read duplicate_of: {e}")))?;
        let seq = segment
            .fast_fields()
            .u64("seq")?
            .first(address.doc_id)
            .unwrap_or(0);
        groups.entry(name.clone()).or_default().push((seq, address));
    }
    if groups.is_empty() {
        return Ok(Collapsed {
            query,
            matched: HashMap::new(),
        });
    }
    let originals_matching = originals_matching(index, searcher, &*query, groups.keys())?;
    let mut drop_groups = Vec::new();
    let mut drop_ids = Vec::new();
    let mut matched = HashMap::with_capacity(groups.len());
    for (key, mut copies) in groups {
        let original = originals_matching.contains_key(&key);
        matched.insert(key.clone(), copies.len() as u32 + u32::from(original));
        if original {
            drop_groups.push(Term::from_field_text(fields.duplicate_of, &key));
        } else if copies.len() > 1 {
            copies.sort_unstable();
            for (_, address) in &copies[1..] {
                let stored: TantivyDocument = searcher.doc(*address)?;
                if let Some(id) = stored.get_first(fields.id).and_then(|v| v.as_str()) {
                    drop_ids.push(Term::from_field_text(fields.id, id));
                }
            }
        }
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    if !drop_groups.is_empty() {
        clauses.push((Occur::MustNot, Box::new(TermSetQuery::new(drop_groups))));
    }
    if !drop_ids.is_empty() {
        clauses.push((Occur::MustNot, Box::new(TermSetQuery::new(drop_ids))));
    }
    Ok(Collapsed {
        query: Box::new(BooleanQuery::new(clauses)),
        matched,
    })
}

/// Which of the `ids` the query matches.
fn originals_matching<'a>(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &dyn Query,
    ids: impl Iterator<Item = &'a String>,
) -> Result<HashMap<String, ()>> {
    let mut by_segment: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    for id in ids {
        if let Some(address) = index.find(searcher, id)? {
            by_segment
                .entry(address.segment_ord)
                .or_default()
                .push((address.doc_id, id.clone()));
        }
    }
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut out = HashMap::new();
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let mut scorer = weight.scorer(searcher.segment_reader(segment_ord), 1.0)?;
        for (doc, id) in docs {
            if scorer.doc() <= doc && scorer.seek(doc) == doc {
                out.insert(id, ());
            }
        }
    }
    Ok(out)
}
