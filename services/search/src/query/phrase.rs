//! Exact phrases of the text fields: answered from common grams
//! ([`crate::grams`]) where the grams can answer them, exactly as tantivy's
//! phrase query would, and otherwise by a phrase query whose words the
//! pruned relevance pass can read.

use tantivy::Term;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::Token;

use crate::grams::{self, PhrasePlan};
use crate::query::FilterClause;
use crate::schema::Fields;

/// The query for the exact phrase `text` on `targets` (text fields with
/// grams), or `None` when `text` is not two words or more (tantivy's parser
/// makes a term of one word).
pub fn exact_phrase(fields: &Fields, targets: &[Field], text: &str) -> Option<Box<dyn Query>> {
    let words = grams::words(text);
    if words.len() < 2 {
        return None;
    }
    let plan = grams::plan(&words);
    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(targets.len());
    for &field in targets {
        let grams_field = fields.grams_of(field)?;
        per_field.push((Occur::Should, on_field(field, grams_field, &words, &plan)));
    }
    match per_field.len() {
        1 => per_field.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(per_field))),
    }
}

fn on_field(
    field: Field,
    grams_field: Field,
    words: &[Token],
    plan: &PhrasePlan,
) -> Box<dyn Query> {
    let first = words.first().map_or(0, |w| w.position);
    let phrase = ExactPhrase::new(
        words
            .iter()
            .map(|w| (w.position - first, Term::from_field_text(field, &w.text)))
            .collect(),
    );
    let gram_term = |text: &str| Term::from_field_text(grams_field, text);
    let run: Box<dyn Query> = match plan {
        PhrasePlan::Gram(gram) => Box::new(TermQuery::new(
            gram_term(gram),
            IndexRecordOption::WithFreqs,
        )),
        PhrasePlan::Narrowed(grams) => {
            // Every gram must occur somewhere: candidates are the documents
            // with the rarest gram, not every one with "the". No score of
            // its own, so ranking stays the phrase's.
            let required: Vec<(Occur, Box<dyn Query>)> = grams
                .iter()
                .map(|g| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(gram_term(g), IndexRecordOption::Basic));
                    (Occur::Must, q)
                })
                .collect();
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(phrase.clone()) as Box<dyn Query>),
                (
                    Occur::Must,
                    Box::new(FilterClause(Box::new(BooleanQuery::new(required)))),
                ),
            ]))
        }
        // Nothing to narrow by: the phrase runs and shows itself.
        PhrasePlan::Words => return Box::new(phrase),
    };
    Box::new(ShownAs {
        run,
        shown: Box::new(phrase),
    })
}

/// An exact phrase (slop 0) whose words and offsets the block-max
/// conjunction ([`crate::search`]) can read, to prune a phrase search as it
/// prunes words; tantivy's `PhraseQuery`, which it runs, keeps its offsets
/// to itself.
#[derive(Clone, Debug)]
pub struct ExactPhrase {
    terms: Vec<(usize, Term)>,
    query: PhraseQuery,
}

impl ExactPhrase {
    /// The phrase of `terms` at their offsets (two terms or more, of one
    /// field).
    pub fn new(terms: Vec<(usize, Term)>) -> Self {
        let mut terms = terms;
        terms.sort_by_key(|(offset, _)| *offset);
        Self {
            query: PhraseQuery::new_with_offset(terms.clone()),
            terms,
        }
    }

    /// The phrase's terms at their offsets, in offset order.
    pub fn terms(&self) -> &[(usize, Term)] {
        &self.terms
    }
}

impl Query for ExactPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.query.weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// The query a gram phrase runs, when `query` is one (what the documents
/// it finds must contain, for a watch's candidate terms).
pub(crate) fn gram_run(query: &dyn Query) -> Option<&dyn Query> {
    query.downcast_ref::<ShownAs>().map(|shown| &*shown.run)
}

/// Runs one query and shows another: the gram query finds the documents,
/// while highlighting (which asks a query for its terms) sees the phrase's
/// words in the text field.
#[derive(Debug)]
struct ShownAs {
    run: Box<dyn Query>,
    shown: Box<dyn Query>,
}

impl Clone for ShownAs {
    fn clone(&self) -> Self {
        Self {
            run: self.run.box_clone(),
            shown: self.shown.box_clone(),
        }
    }
}

impl Query for ShownAs {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.run.weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.shown.query_terms(visitor);
    }
}
