//! Structured filters (`SearchFilter`): exact, unscored restrictions that
//! are ANDed with the query.

use std::ops::Bound;

use dossier_proto::v1::EntityType;
use serde::{Deserialize, Serialize};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use crate::schema::Fields;

/// Every set part must match; values inside one list are alternatives,
/// except `entity_ids`, which must all be mentioned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub sources: Vec<String>,
    /// Unix seconds, inclusive.
    pub published_after: Option<i64>,
    /// Unix seconds, exclusive.
    pub published_before: Option<i64>,
    pub entity_ids: Vec<String>,
    /// `EntityType` wire values.
    pub entity_types: Vec<i32>,
    pub labels: Vec<String>,
    pub languages: Vec<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A filter's clause: matches what its query matches and adds nothing to
/// the score. A type of its own (not a bare `ConstScoreQuery`) so that the
/// pruning pass can tell a filter from a scored clause.
#[derive(Debug)]
pub struct FilterClause(pub Box<dyn Query>);

impl Clone for FilterClause {
    fn clone(&self) -> Self {
        Self(self.0.box_clone())
    }
}

impl Query for FilterClause {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        ConstScoreQuery::new(self.0.box_clone(), 0.0).weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

/// `query` restricted by `filter`; filter clauses add nothing to the score.
pub fn filter_query(fields: &Fields, query: Box<dyn Query>, filter: &Filter) -> Box<dyn Query> {
    if filter.is_empty() {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    let mut must = |q: Box<dyn Query>| {
        clauses.push((Occur::Must, Box::new(FilterClause(q))));
    };
    if let Some(q) = any_of(fields.source, &filter.sources) {
        must(q);
    }
    if let Some(q) = any_of(fields.labels, &filter.labels) {
        must(q);
    }
    if let Some(q) = any_of(fields.language, &filter.languages) {
        must(q);
    }
    let types: Vec<String> = filter
        .entity_types
        .iter()
        .map(|t| {
            EntityType::try_from(*t)
                .unwrap_or(EntityType::Unspecified)
                .as_str_name()
                .to_string()
        })
        .collect();
    if let Some(q) = any_of(fields.entity_type, &types) {
        must(q);
    }
    for id in &filter.entity_ids {
        must(term(fields.entity, id));
    }
    if filter.published_after.is_some() || filter.published_before.is_some() {
        let bound = |secs: Option<i64>, inclusive: bool| match secs {
            None => Bound::Unbounded,
            Some(s) => {
                let t = Term::from_field_date_for_search(fields.published_at, date(s));
                if inclusive {
                    Bound::Included(t)
                } else {
                    Bound::Excluded(t)
                }
            }
        };
        must(Box::new(RangeQuery::new(
            bound(filter.published_after, true),
            bound(filter.published_before, false),
        )));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Seconds as a tantivy date, which holds nanoseconds in an i64 (years
/// 1677 to 2262): a bound beyond that is the same as the extreme it passes,
/// as no document can be dated outside it, and must not overflow.
fn date(secs: i64) -> DateTime {
    const NANOS: i64 = 1_000_000_000;
    DateTime::from_timestamp_secs(secs.clamp(i64::MIN / NANOS, i64::MAX / NANOS))
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Documents whose `field` holds one of `values` (a keyword field). A few
/// values are a union of term queries; many, a term set (whose automaton
/// costs more to build than a handful of postings lookups).
pub(crate) fn any_of(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    const TERM_SET_FROM: usize = 64;
    if values.is_empty() {
        return None;
    }
    if values.len() >= TERM_SET_FROM {
        let terms = values.iter().map(|v| Term::from_field_text(field, v));
        return Some(Box::new(tantivy::query::TermSetQuery::new(terms)));
    }
    Some(Box::new(BooleanQuery::new(
        values
            .iter()
            .map(|v| (Occur::Should, term(field, v)))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;

    use super::*;
    use crate::index::{Checkpoint, IndexOp, SearchIndex};
    use crate::model::IndexDoc;

    /// Found by the `query` fuzz target: `DateTime::from_timestamp_secs`
    /// multiplies by 10^9 and overflowed for bounds past 2262 (panicking
    /// with overflow checks on, wrapping to a wrong bound without).
    #[test]
    fn far_bounds_do_not_overflow() {
        let index = SearchIndex::in_memory().unwrap();
        index
            .apply(vec![IndexOp::Upsert(Box::new(IndexDoc {
                id: "doc1".into(),
                sequence: 1,
                published_at: Some(1_709_251_200),
                ..Default::default()
            }))])
            .unwrap();
        index
            .commit(Checkpoint {
                sequence: 1,
                entity_sequence: 0,
            })
            .unwrap();
        let searcher = index.searcher();
        let count = |after: Option<i64>, before: Option<i64>| {
            let filter = Filter {
                published_after: after,
                published_before: before,
                ..Filter::default()
            };
            let q = filter_query(index.fields(), Box::new(AllQuery), &filter);
            searcher.search(&*q, &Count).unwrap()
        };
        // 9999-12-31, the latest Timestamp, and the i64 extremes.
        assert_eq!(count(None, Some(253_402_300_799)), 1);
        assert_eq!(count(Some(253_402_300_799), None), 0);
        assert_eq!(count(Some(i64::MIN), Some(i64::MAX)), 1);
        assert_eq!(count(Some(i64::MAX), None), 0);
        assert_eq!(count(None, Some(i64::MIN)), 0);
        assert_eq!(count(Some(-62_135_596_800), None), 1);
    }
}
