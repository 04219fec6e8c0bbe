//! Questions about one document or entity rather than a query: documents
//! like a given one, and the entities named alongside a given entity.

use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::collect::{CursorCollector, Sort};
use crate::error::{Error, Result, echo};
use crate::facets::{Bucket, FacetCounter, FacetSpec, top};
use crate::index::SearchIndex;
use crate::model::IndexDoc;
use crate::query::{Filter, filter_query};
use crate::search::Hit;

/// Longest document or entity id we look up. Storage's ids are 26-character
/// ULIDs and extraction's are short too; anything much longer is a mistake
/// worth saying so rather than a NOT_FOUND.
pub const MAX_ID_BYTES: usize = 128;

/// Refuses an id that cannot name anything before looking it up.
pub fn check_id(field: &'static str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(field, "required"));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "{} is {} bytes; ids are at most {MAX_ID_BYTES} bytes",
                echo(id),
                id.len()
            ),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{} contains control characters; no id does", echo(id)),
        ));
    }
    Ok(())
}

/// Documents most similar to `document_id` (by shared distinctive title and
/// body terms), never the document itself.
pub fn more_like_this(
    index: &SearchIndex,
    document_id: &str,
    limit: usize,
    filter: &Filter,
) -> Result<(Vec<Hit>, u64)> {
    check_id("document_id", document_id)?;
    let searcher = index.searcher();
    let fields = index.fields();
    let address = index
        .find(&searcher, document_id)?
        .ok_or_else(|| Error::NotFound(format!("document {}", echo(document_id))))?;
    let mlt = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        // tantivy weighs each term with `idf(doc_freq, num_docs)`, which
        // asserts doc_freq <= num_docs; but num_docs counts live documents
        // and doc_freq also counts deleted ones until segments merge (every
        // re-indexed or deleted document), so it panicked. A term in more
        // documents than exist is not distinctive anyway.
        .with_max_doc_frequency(searcher.num_docs())
        .with_min_term_frequency(1)
        .with_max_query_terms(25)
        .with_min_word_length(3)
        .with_document(address);
    let itself: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(fields.id, document_id),
        IndexRecordOption::Basic,
    ));
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(mlt) as Box<dyn Query>),
        (Occur::MustNot, itself),
    ]);
    let full = filter_query(fields, Box::new(query), filter);
    let (ranked, total) = searcher.search(
        &*full,
        &CursorCollector {
            sort: Sort::Relevance,
            limit,
            after: None,
            columns: index.sort_columns(),
        },
    )?;
    let mut hits = Vec::with_capacity(ranked.len());
    for r in ranked {
        let mut doc = IndexDoc::from_stored(searcher.doc(r.address)?, fields, index.renames());
        doc.body.clear();
        if let Some(mark) = &mut doc.story {
            mark.story_id = index.resolve_story(&mark.story_id);
        }
        hits.push(Hit {
            doc,
            score: r.score,
            snippets: Vec::new(),
            matched_variants: Vec::new(),
            duplicate_count: 0,
        });
    }
    Ok((hits, total))
}

/// The result of a co-occurrence question.
#[derive(Debug, Clone)]
pub struct Cooccurrences {
    /// The entity itself (id, display name, type).
    pub entity: Bucket,
    /// Documents mentioning the entity in the date range.
    pub document_count: u64,
    /// Other entities with the number of documents mentioning both.
    pub others: Vec<Bucket>,
}

/// Entities most often mentioned in the same documents as `entity_id`.
pub fn cooccurrences(
    index: &SearchIndex,
    entity_id: &str,
    types: &[i32],
    limit: usize,
    published: (Option<i64>, Option<i64>),
) -> Result<Cooccurrences> {
    check_id("entity_id", entity_id)?;
    let searcher = index.searcher();
    let fields = index.fields();
    let filter = Filter {
        entity_ids: vec![entity_id.to_string()],
        published_after: published.0,
        published_before: published.1,
        ..Filter::default()
    };
    let query = filter_query(fields, Box::new(tantivy::query::AllQuery), &filter);
    let document_count = searcher.search(&*query, &Count)? as u64;
    // Every entity of those documents, each with its most counted name,
    // counted the way a search's entity facet is.
    let counter = FacetCounter::new(
        vec![FacetSpec::Entity {
            limit: usize::MAX,
            entity_type: 0,
        }],
        index.facet_dicts(),
    );
    let tallies = searcher.search(&*query, &counter)?;
    let all = counter
        .buckets(tallies, index.renames())
        .pop()
        .map(|(_, buckets)| buckets)
        .unwrap_or_default();
    let Some(entity) = all.iter().find(|b| b.value == entity_id).cloned() else {
        return Err(Error::NotFound(format!(
            "entity {} in any indexed document{}",
            echo(entity_id),
            if published.0.is_some() || published.1.is_some() {
                " of that date range"
            } else {
                ""
            }
        )));
    };
    let others = all
        .into_iter()
        .filter(|b| b.value != entity_id)
        .filter(|b| types.is_empty() || types.contains(&b.entity_type))
        .collect();
    Ok(Cooccurrences {
        entity,
        document_count,
        others: top(others, limit),
    })
}
