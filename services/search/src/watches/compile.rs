//! A watch's query as the index runs it: read leniently and expanded to
//! the entities its names spell, exactly as Search reads a query, then
//! restricted by the watch's filter; with the candidate terms the
//! percolator files it under and the entity names its reading consulted.
//!
//! Expansion depends on what the index knows: a watch on "Kadhafi" matches
//! the documents linked to the entities that spelling names *now*. A new
//! spelling or a curated merge changes that, so the percolator reads a
//! watch's query again when a new batch brings an alias that would change
//! one of the answers in [`Consulted`] (see `registry::Registry::dirty`).

use tantivy::Searcher;
use tantivy::query::Query;

use super::keys::{Key, key_of};
use super::model::Watch;
use crate::error::{Error, Result, echo};
use crate::index::SearchIndex;
use crate::query::{Consulted, Expansion, Filter, Syntax, filter_query, parse_as};

/// A watch ready to run.
#[derive(Debug)]
pub struct Compiled {
    /// Query and filter.
    pub query: Box<dyn Query>,
    /// The entities the query's names were expanded to (for the spellings
    /// a match reports).
    pub expansions: Vec<Expansion>,
    pub key: Key,
    pub consulted: Consulted,
}

/// Compiles `query` under `filter` against `searcher`'s view of the index.
pub fn compile(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &str,
    filter: &Filter,
) -> Result<Compiled> {
    let parsed = parse_as(index, searcher, query, true, Syntax::Lenient)?;
    if !query.trim().is_empty() && parsed.interpretation.query.trim().is_empty() {
        // Lenient reading drops what is not a query ("((", "AND"): Search
        // then finds nothing, which a watch would do for ever.
        return Err(Error::InvalidQuery(format!(
            "{} reads as no query at all; write the words or names to watch for",
            echo(query)
        )));
    }
    let fields = index.fields();
    let key = key_of(fields, searcher, &*parsed.query, filter);
    Ok(Compiled {
        query: filter_query(fields, parsed.query, filter),
        expansions: parsed.expansions,
        key,
        consulted: parsed.consulted,
    })
}

/// Compiles a stored watch.
pub fn compile_watch(index: &SearchIndex, searcher: &Searcher, watch: &Watch) -> Result<Compiled> {
    compile(index, searcher, &watch.query, &watch.filter)
}
