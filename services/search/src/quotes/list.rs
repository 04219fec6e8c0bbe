//! ListQuotes: the quotes of a speaker (or anyone), whose words match a
//! query, newest article first and in text order within an article.
//! Blocking; call through `run_blocking`.

use serde::Serialize;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::DocQuote;
use crate::collect::{CursorCollector, Sort};
use crate::error::{Error, Result};
use crate::index::SearchIndex;
use crate::model::IndexDoc;
use crate::query::{Filter, Syntax, filter_query, parse_as};
use crate::related::check_id;
use crate::stats::FrozenStats;
use crate::token::{PageToken, fingerprint};

/// Which quotes to list: the part of a request a page token is bound to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuoteListing {
    /// The speaker's entity id; empty: anyone, unattributed quotes too.
    pub entity_id: String,
    /// What the quote's words must match (the search language, lenient,
    /// read against the quote alone).
    pub query: String,
    /// Unix seconds, inclusive.
    pub published_after: Option<i64>,
    /// Unix seconds, exclusive.
    pub published_before: Option<i64>,
    /// The outlet; empty: every outlet.
    pub source: String,
    /// Only quotes inside quotation marks.
    pub direct_only: bool,
}

/// One listed quote with its article.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedQuote {
    pub document_id: String,
    pub source: String,
    pub published_at: Option<i64>,
    pub title: String,
    pub quote: DocQuote,
    /// The article's story (merged stories resolved); empty without one.
    pub story_id: String,
}

/// A page of quotes.
#[derive(Debug, Clone, Default)]
pub struct QuotePage {
    pub quotes: Vec<ListedQuote>,
    /// Empty on the last page.
    pub next_page_token: String,
    /// Quotes matching the listing, on every page.
    pub total_quotes: u64,
}

/// One page of the quotes `listing` selects, after `page_token`.
pub fn list_quotes(
    index: &SearchIndex,
    listing: &QuoteListing,
    page_size: usize,
    page_token: &str,
) -> Result<QuotePage> {
    if !listing.entity_id.is_empty() {
        check_id("entity_id", &listing.entity_id)?;
    }
    let fp = fingerprint(&serde_json::to_vec(listing).unwrap_or_default());
    let after = match page_token {
        "" => None,
        token => Some(PageToken::decode(token, fp)?.after),
    };
    let quotes = index.quote_index()?;
    let searcher = quotes.searcher();
    let query = quote_query(quotes, &searcher, listing)?;
    // Newest article first; within an article, record keys follow the
    // quotes' text order (see `records`). Undated articles come last.
    let collector = CursorCollector {
        sort: Sort::PublishedDesc,
        limit: page_size + 1,
        after,
        columns: quotes.sort_columns(),
    };
    let (mut ranked, total_quotes) = searcher.search(&*query, &collector)?;
    let more = ranked.len() > page_size;
    ranked.truncate(page_size);
    let next_page_token = match ranked.last() {
        Some(last) if more => PageToken::new(fp, last.key, FrozenStats::default()).encode(),
        _ => String::new(),
    };
    let mut listed = Vec::with_capacity(ranked.len());
    for r in &ranked {
        listed.push(listed_quote(
            index,
            IndexDoc::from_stored(searcher.doc(r.address)?, quotes.fields(), index.renames()),
        )?);
    }
    Ok(QuotePage {
        quotes: listed,
        next_page_token,
        total_quotes,
    })
}

/// The query over quote records that `listing` asks for.
fn quote_query(
    quotes: &SearchIndex,
    searcher: &Searcher,
    listing: &QuoteListing,
) -> Result<Box<dyn Query>> {
    let fields = quotes.fields();
    let parsed = parse_as(quotes, searcher, &listing.query, true, Syntax::Lenient)?;
    let filter = Filter {
        sources: vec![listing.source.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
        published_after: listing.published_after,
        published_before: listing.published_before,
        ..Filter::default()
    };
    let mut clauses = vec![(Occur::Must, filter_query(fields, parsed.query, &filter))];
    if !listing.entity_id.is_empty() {
        clauses.push((Occur::Must, exact(fields.quote, &listing.entity_id)));
    }
    if listing.direct_only {
        clauses.push((Occur::Must, exact(fields.quote_kind, "direct")));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// An unscored keyword match.
fn exact(field: Field, value: &str) -> Box<dyn Query> {
    let term = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    Box::new(ConstScoreQuery::new(Box::new(term), 0.0))
}

/// A quote record as a listed quote; its story as the article index
/// resolves it now.
fn listed_quote(index: &SearchIndex, record: IndexDoc) -> Result<ListedQuote> {
    let IndexDoc {
        id,
        source,
        published_at,
        title,
        quotes,
        story,
        ..
    } = record;
    let quote = quotes.into_iter().next().ok_or_else(|| {
        Error::Internal(format!(
            "the quote record of document {id:?} holds no quote"
        ))
    })?;
    Ok(ListedQuote {
        document_id: id,
        source,
        published_at,
        title,
        quote,
        story_id: story
            .map(|mark| index.resolve_story(&mark.story_id))
            .unwrap_or_default(),
    })
}
