//! Entity expansion: a query word or phrase that spells a known entity's
//! name also matches every document linked to that entity, however it is
//! spelled there ("Qaddafi" finds "Gaddafi" and "Kadhafi").
//!
//! The alias → entity table is the index itself (`alias` terms written at
//! indexing time), so expansion needs no call to extraction and always agrees
//! with what the index holds.

use std::sync::Arc;

use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use crate::error::Result;
use crate::index::SearchIndex;
use crate::memo::Memo;
use crate::query::aliases::EntityNames;
use crate::schema::{Fields, SEP, normalize_name};

/// Most entities one query term may expand to (a very common alias such as
/// "Smith" must not turn one word into hundreds of clauses).
const MAX_ENTITIES_PER_TERM: usize = 8;
/// Most spellings listed per expanded entity.
const MAX_VARIANTS: usize = 32;

/// One entity a query term was expanded to.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The query term as written.
    pub query_term: String,
    pub entity_id: String,
    pub canonical_name: String,
    /// `EntityType` wire value.
    pub entity_type: i32,
    /// Every spelling of the entity the index has seen.
    pub variants: Vec<String>,
}

impl Expansion {
    /// The query that matches every document linked to the entity.
    pub fn query(&self, fields: &Fields) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(fields.entity, &self.entity_id),
            IndexRecordOption::WithFreqs,
        ))
    }
}

/// Query terms whose expansions are remembered per searcher generation.
pub const REMEMBERED_TERMS: usize = 4096;

/// Expansions by query term as written (see [`crate::memo`]): a lookup
/// bisects every segment's names for every entity the term may name, a
/// fifth of a boolean query's CPU at 100,000 articles. They depend on the
/// searcher generation and on the renames table.
pub type ExpansionMemo = Memo<String, Arc<[Expansion]>>;

/// The entities whose name or alias is spelled `phrase` in the live index.
pub fn lookup(index: &SearchIndex, searcher: &Searcher, phrase: &str) -> Result<Vec<Expansion>> {
    let version = (
        searcher.generation().generation_id(),
        index.renames().version(),
    );
    if let Some(found) = index.expansions().get(version, phrase) {
        return Ok(found.to_vec());
    }
    let found = look_up_uncached(index, searcher, phrase)?;
    index
        .expansions()
        .put(version, phrase.to_string(), found.as_slice().into());
    Ok(found)
}

fn look_up_uncached(
    index: &SearchIndex,
    searcher: &Searcher,
    phrase: &str,
) -> Result<Vec<Expansion>> {
    let norm = normalize_name(phrase);
    if norm.is_empty() {
        return Ok(Vec::new());
    }
    let fields = index.fields();
    let names = index.alias_names();
    let renames = index.renames();
    // Spelled so in some article, or the name now of a renamed entity that
    // no article spells that way.
    let spelled = names.ids_named(searcher, &norm)?;
    let renamed = renames
        .ids_named(&norm, None)
        .into_iter()
        .filter(|id| !spelled.contains(id));
    let candidates = spelled
        .iter()
        .map(|id| {
            (
                id.clone(),
                Term::from_field_text(fields.alias, &format!("{norm}{SEP}{id}")),
            )
        })
        .chain(renamed.map(|id| {
            let term = Term::from_field_text(fields.entity, &id);
            (id, term)
        }));
    let mut out = Vec::new();
    for (id, carried) in candidates {
        // The term dictionary keeps terms of deleted or re-resolved documents
        // until segments merge: only trust names a live document carries.
        if !carried_by_live_doc(searcher, &carried)? {
            continue;
        }
        let name_now = renames.name(&id);
        out.push(describe_entity(
            names.entity(searcher, &id, MAX_VARIANTS)?,
            name_now,
            phrase,
            &id,
        ));
        if out.len() == MAX_ENTITIES_PER_TERM {
            break;
        }
    }
    Ok(out)
}

/// Whether a live document of `searcher` carries `term`. Stops at the
/// first: counting them all (a common name is in thousands of articles,
/// over a dozen segments) was most of an expansion's time.
fn carried_by_live_doc(searcher: &Searcher, term: &Term) -> tantivy::Result<bool> {
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(term.field())?;
        let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                return Ok(true);
            }
            doc = postings.advance();
        }
    }
    Ok(false)
}

/// What the index knows of entity `id`, named `name_now` when it was
/// renamed since its articles were written.
fn describe_entity(
    names: EntityNames,
    name_now: Option<String>,
    query_term: &str,
    id: &str,
) -> Expansion {
    let mut canonical_name = String::new();
    let mut entity_type = 0;
    if let Some(facet) = names.facet {
        let mut parts = facet.splitn(2, SEP);
        let kind = parts.next().unwrap_or_default();
        entity_type = dossier_proto::v1::EntityType::from_str_name(kind)
            .map(|t| t as i32)
            .unwrap_or(0);
        canonical_name = parts.next().unwrap_or_default().to_string();
    }
    if let Some(name) = name_now {
        canonical_name = name;
    }
    Expansion {
        query_term: query_term.to_string(),
        entity_id: id.to_string(),
        canonical_name,
        entity_type,
        variants: names.variants.into_iter().collect(),
    }
}

/// Whether some known spelling continues `words` (normalized, space
/// separated) with at least one more word. A cheap test that lets the
/// multi-word search stop growing a candidate name early; dead terms may
/// answer yes, `lookup` has the final word.
pub fn some_alias_continues(index: &SearchIndex, searcher: &Searcher, words: &str) -> Result<bool> {
    if words.is_empty() {
        return Ok(false);
    }
    Ok(index.alias_names().may_continue(searcher, words)?)
}
