//! Reading a watch's matches from the index, in sequence order: the one
//! way a stream learns what to send, for a replay from an old sequence and
//! for the live tail alike.
//!
//! A read looks only at segments holding a sequence past the position
//! (after a merge, old documents sit in large old segments a live read
//! skips whole), runs the watch's query there without scoring, and keeps
//! the `limit` smallest sequences past the position. Blocking.

use std::collections::BinaryHeap;

use tantivy::query::EnableScoring;
use tantivy::{DocAddress, Searcher};

use super::compile::Compiled;
use super::model::Match;
use crate::error::Result;
use crate::index::SearchIndex;
use crate::model::IndexDoc;
use crate::search::{Snippet, matched_variants, snippet_generator};

/// One read's matches and how far it looked.
#[derive(Debug, Default)]
pub struct Page {
    /// Ascending sequences.
    pub matches: Vec<Match>,
    /// Every document at or below this sequence has been looked at: the
    /// next read starts after it.
    pub position: u64,
    /// The read stopped at `limit`: read again at once.
    pub full: bool,
}

/// The first `limit` matches of `compiled` with a sequence above `after`.
pub fn read_page(
    index: &SearchIndex,
    watch_id: &str,
    compiled: &Compiled,
    after: u64,
    limit: usize,
) -> Result<Page> {
    // The checkpoint first: the searcher taken next shows at least it.
    let checkpoint = index.checkpoint()?.sequence;
    let searcher = index.searcher();
    let found = first_matches(&searcher, compiled, after, limit)?;
    let full = found.len() == limit;
    let last = found.last().map_or(after, |(seq, _)| *seq);
    let position = if full {
        last
    } else {
        // The searcher may show a little more than the checkpoint: never
        // fall back behind what is being sent.
        after.max(checkpoint).max(last)
    };
    let matches = hydrate(index, &searcher, watch_id, compiled, &found)?;
    Ok(Page {
        matches,
        position,
        full,
    })
}

/// (sequence, address) of the first `limit` live matches above `after`,
/// ascending.
fn first_matches(
    searcher: &Searcher,
    compiled: &Compiled,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, DocAddress)>> {
    let weight = compiled
        .query
        .weight(EnableScoring::disabled_from_searcher(searcher))?;
    // A max-heap of the smallest sequences so far.
    let mut best: BinaryHeap<(u64, DocAddress)> = BinaryHeap::with_capacity(limit + 1);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let seqs = segment.fast_fields().u64("seq")?;
        if segment.num_docs() == 0 || seqs.max_value() <= after {
            continue;
        }
        let alive = segment.alive_bitset();
        weight.for_each_no_score(segment, &mut |docs| {
            for &doc in docs {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let seq = seqs.first(doc).unwrap_or(0);
                let better = best.len() < limit || best.peek().is_some_and(|top| seq < top.0);
                if seq > after && better {
                    best.push((seq, DocAddress::new(ord as u32, doc)));
                    if best.len() > limit {
                        best.pop();
                    }
                }
            }
        })?;
    }
    Ok(best.into_sorted_vec())
}

/// The matches as streams send them: stored fields, the spellings that
/// matched the query's names, and snippets.
fn hydrate(
    index: &SearchIndex,
    searcher: &Searcher,
    watch_id: &str,
    compiled: &Compiled,
    found: &[(u64, DocAddress)],
) -> Result<Vec<Match>> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let fields = index.fields();
    let title = snippet_generator(index, searcher, &*compiled.query, fields.title)?;
    let body = snippet_generator(index, searcher, &*compiled.query, fields.body)?;
    let mut out = Vec::with_capacity(found.len());
    for &(sequence, address) in found {
        let doc = IndexDoc::from_stored(searcher.doc(address)?, fields, index.renames());
        let snippets = [("title", &title, &doc.title), ("body", &body, &doc.body)]
            .into_iter()
            .filter_map(|(field, generator, text)| {
                let s = generator.snippet(text);
                (!s.highlighted().is_empty()).then(|| Snippet {
                    field,
                    fragment: s.fragment().to_string(),
                    highlights: s
                        .highlighted()
                        .iter()
                        .map(|h| (h.start as u32, h.end as u32))
                        .collect(),
                })
            })
            .collect();
        out.push(Match {
            watch_id: watch_id.to_string(),
            matched_variants: matched_variants(&doc, &compiled.expansions),
            document_id: doc.id,
            sequence,
            title: doc.title,
            source: doc.source,
            published_at: doc.published_at,
            snippets,
        });
    }
    Ok(out)
}
