//! When every word of a plain query together finds nothing, the documents
//! that have most of them: a person who typed five words and got nothing
//! would rather see the documents with four.

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf};
use tantivy::{DocSet, Searcher, TERMINATED};

use super::{Filter, Syntax, filter_query, parse_as};
use crate::error::Result;
use crate::index::SearchIndex;

/// Most words a partial match is built of (the rest of a long paste adds
/// little but cost).
const MAX_WORDS: usize = 64;

/// The words of a query that is nothing but two or more plain words and
/// phrases (no fields, signs, operators or groups), as query text each.
pub fn plain_words(ast: &UserInputAst) -> Option<Vec<String>> {
    let UserInputAst::Clause(children) = ast else {
        return None;
    };
    if children.len() < 2 {
        return None;
    }
    children
        .iter()
        .map(|(occur, child)| match (occur, child) {
            (None, UserInputAst::Leaf(leaf)) => match leaf.as_ref() {
                UserInputLeaf::Literal(lit)
                    if lit.field_name.is_none() && !lit.prefix && lit.slop == 0 =>
                {
                    Some(match lit.delimiter {
                        Delimiter::None => lit.phrase.clone(),
                        _ => format!("\"{}\"", lit.phrase),
                    })
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `query` under `filter`; or, when that finds nothing and `words` are
/// given, the documents with any of them under `filter`, ranked first by
/// how many words they have (each word adds 1), then by relevance (which
/// adds less than one word's worth). The flag says which it is.
pub fn filtered_or_partial(
    index: &SearchIndex,
    searcher: &Searcher,
    query: Box<dyn Query>,
    words: Option<&[String]>,
    filter: &Filter,
    expand: bool,
) -> Result<(Box<dyn Query>, bool)> {
    let full = filter_query(index.fields(), query, filter);
    let Some(words) = words else {
        return Ok((full, false));
    };
    if matches_any(searcher, &*full)? {
        return Ok((full, false));
    }
    let words = &words[..words.len().min(MAX_WORDS)];
    // Relevance of one word rarely passes 10: the sum stays under one word.
    let relevance = 0.1 / words.len() as f32;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(2 * words.len());
    for word in words {
        let Ok(parsed) = parse_as(index, searcher, word, expand, Syntax::Strict) else {
            continue;
        };
        let counted = ConstScoreQuery::new(parsed.query.box_clone(), 1.0);
        clauses.push((Occur::Should, Box::new(counted)));
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(parsed.query, relevance)),
        ));
    }
    if clauses.is_empty() {
        return Ok((full, false));
    }
    let partial = Box::new(BooleanQuery::new(clauses));
    Ok((filter_query(index.fields(), partial, filter), true))
}

/// Whether some live document matches `query`; stops at the first.
fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}
