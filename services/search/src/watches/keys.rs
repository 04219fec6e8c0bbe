//! A watch's candidate terms: a set of terms at least one of which every
//! document the watch matches contains. The percolator files each watch
//! under its terms and, for a new batch of documents, runs only the
//! watches one of whose terms the batch holds.
//!
//! The set is read off the compiled tantivy query, so whatever Search
//! makes of a query (entity expansion, gram phrases, stemming) the keys
//! follow. The reading is conservative: a part it does not understand
//! (fuzzy and range queries, boosts, `-x` alone) has no required term, and
//! a watch without one is a candidate for every batch. Of the parts a
//! document must match (the `Must` clauses and the filter), the one whose
//! terms are rarest in the index is kept: the watch then wakes for as few
//! batches as the index's statistics predict.

use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, FieldType, Schema};
use tantivy::{Searcher, Term};

use crate::query::{ExactPhrase, Filter, gram_run};
use crate::schema::Fields;

/// Most terms in one watch's set; a wider disjunction is no filter worth
/// keeping (the watch is a candidate for every batch instead).
const MAX_KEY_TERMS: usize = 64;

/// Where a watch is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// Run for every batch.
    Always,
    /// Run for a batch that holds one of these terms.
    Any(Vec<Term>),
}

/// The key of `query` restricted by `filter`, the rarest in `searcher`.
pub fn key_of(fields: &Fields, searcher: &Searcher, query: &dyn Query, filter: &Filter) -> Key {
    let freq = |term: &Term| searcher.doc_freq(term).unwrap_or(u64::MAX);
    let schema = &fields.schema;
    let mut options: Vec<Vec<Term>> = filter_options(fields, filter);
    options.extend(required(schema, query, &freq));
    cheapest(options, &freq).map_or(Key::Always, Key::Any)
}

/// The sets of terms the filter requires, each an alternative.
fn filter_options(fields: &Fields, filter: &Filter) -> Vec<Vec<Term>> {
    let text = |field: Field, values: &[String]| -> Option<Vec<Term>> {
        (!values.is_empty()).then(|| {
            values
                .iter()
                .map(|v| Term::from_field_text(field, v))
                .collect()
        })
    };
    let types: Vec<String> = filter
        .entity_types
        .iter()
        .map(|t| {
            dossier_proto::v1::EntityType::try_from(*t)
                .unwrap_or(dossier_proto::v1::EntityType::Unspecified)
                .as_str_name()
                .to_string()
        })
        .collect();
    let mut options: Vec<Vec<Term>> = [
        text(fields.source, &filter.sources),
        text(fields.labels, &filter.labels),
        text(fields.language, &filter.languages),
        text(fields.entity_type, &types),
    ]
    .into_iter()
    .flatten()
    .collect();
    for id in &filter.entity_ids {
        options.push(vec![Term::from_field_text(fields.entity, id)]);
    }
    options
}

/// The sets of terms `query` requires: each is an alternative (a document
/// it matches holds a term of every set).
fn required(schema: &Schema, query: &dyn Query, freq: &dyn Fn(&Term) -> u64) -> Vec<Vec<Term>> {
    if let Some(run) = gram_run(query) {
        return required(schema, run, freq);
    }
    if let Some(term) = query.downcast_ref::<TermQuery>() {
        return text_term(schema, term.term())
            .into_iter()
            .map(|t| vec![t])
            .collect();
    }
    let phrase_terms = query
        .downcast_ref::<PhraseQuery>()
        .map(PhraseQuery::phrase_terms)
        .or_else(|| {
            let phrase = query.downcast_ref::<ExactPhrase>()?;
            Some(phrase.terms().iter().map(|(_, t)| t.clone()).collect())
        });
    if let Some(phrase_terms) = phrase_terms {
        // Every word of a phrase is in a matching document.
        return phrase_terms
            .iter()
            .filter_map(|t| text_term(schema, t))
            .map(|t| vec![t])
            .collect();
    }
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return Vec::new();
    };
    if boolean.get_minimum_number_should_match() > 1 {
        return Vec::new();
    }
    let clauses = boolean.clauses();
    let musts: Vec<&dyn Query> = clauses
        .iter()
        .filter(|(occur, _)| *occur == Occur::Must)
        .map(|(_, q)| &**q)
        .collect();
    if !musts.is_empty() {
        // Each required clause's sets hold for the whole.
        return musts
            .into_iter()
            .flat_map(|q| required(schema, q, freq))
            .collect();
    }
    // No required clause: a match matches one of the optional ones, so
    // the union of one set of each covers it — if each has one.
    let mut union: Vec<Term> = Vec::new();
    let mut shoulds = 0;
    for (occur, clause) in clauses {
        if *occur != Occur::Should {
            continue;
        }
        shoulds += 1;
        let Some(set) = cheapest(required(schema, &**clause, freq), freq) else {
            return Vec::new();
        };
        union.extend(set);
        if union.len() > MAX_KEY_TERMS {
            return Vec::new();
        }
    }
    if shoulds == 0 {
        return Vec::new();
    }
    union.sort_unstable();
    union.dedup();
    vec![union]
}

/// The alternative whose terms are in the fewest documents (then the
/// fewest terms).
fn cheapest(options: Vec<Vec<Term>>, freq: &dyn Fn(&Term) -> u64) -> Option<Vec<Term>> {
    options
        .into_iter()
        .filter(|set| !set.is_empty() && set.len() <= MAX_KEY_TERMS)
        .min_by_key(|set| {
            let total = set.iter().map(freq).fold(0u64, u64::saturating_add);
            (total, set.len())
        })
}

/// `term` when it is a term of a text field (the only ones the percolator
/// reads from a batch's term dictionaries).
fn text_term(schema: &Schema, term: &Term) -> Option<Term> {
    let entry = schema.get_field_entry(term.field());
    matches!(entry.field_type(), FieldType::Str(_)).then(|| term.clone())
}
