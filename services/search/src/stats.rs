//! BM25 statistics frozen at the first page of a search.
//!
//! Relevance scores depend on corpus statistics (document count, average
//! length, document frequencies) that move as indexing continues. If page 2
//! were scored with newer statistics than page 1, documents could jump across
//! the cursor and be returned twice or never. So the first page records the
//! statistics it used, the page token carries them (a few bytes per query
//! term), and later pages score with exactly those numbers: a document's score
//! then depends only on its own content, and the cursor stays exact.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::index::SearchIndex;

/// The statistics a query was scored with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FrozenStats {
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    docs: Option<u64>,
    /// Field id → total tokens.
    #[serde(rename = "t", default)]
    tokens: BTreeMap<u32, u64>,
    /// "field id:base64 of the term's value bytes" → document frequency.
    #[serde(rename = "d", default)]
    doc_freqs: BTreeMap<String, u64>,
}

/// Answers from frozen statistics where it has them, from the live searcher
/// otherwise, and records every answer for the next page.
pub struct FreezingStats<'a> {
    index: &'a SearchIndex,
    searcher: &'a Searcher,
    stats: Mutex<FrozenStats>,
}

impl<'a> FreezingStats<'a> {
    pub fn new(index: &'a SearchIndex, searcher: &'a Searcher, frozen: FrozenStats) -> Self {
        Self {
            index,
            searcher,
            stats: Mutex::new(frozen),
        }
    }

    pub fn into_frozen(self) -> FrozenStats {
        self.stats.into_inner()
    }
}

impl Bm25StatisticsProvider for FreezingStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self.stats.lock().tokens.get(&field.field_id()) {
            return Ok(*n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.stats.lock().tokens.insert(field.field_id(), n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        if let Some(n) = self.stats.lock().docs {
            return Ok(n);
        }
        let n = self.searcher.total_num_docs()?;
        self.stats.lock().docs = Some(n);
        Ok(n)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let key = format!(
            "{}:{}",
            term.field().field_id(),
            STANDARD_NO_PAD.encode(term.serialized_value_bytes())
        );
        // BM25's idf asserts doc_freq <= total docs. Frozen counts come from
        // a page token (the index may have grown since, and a token may be
        // forged), so a term first seen on a later page can exceed them.
        let total = self.total_num_docs()?;
        if let Some(n) = self.stats.lock().doc_freqs.get(&key) {
            return Ok((*n).min(total));
        }
        let n = self.index.doc_freq(self.searcher, term)?.min(total);
        self.stats.lock().doc_freqs.insert(key, n);
        Ok(n)
    }
}
