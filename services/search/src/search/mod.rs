//! Running a search: query + filter → ranked page, total, facets, snippets
//! and matched entity spellings. Blocking; call through `run_blocking`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tantivy::collector::Collector;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, Searcher, Term};

use self::pass::{PagePass, PassFruit};
use crate::collect::{CursorCollector, Ranked, Sort};
use crate::error::{Error, Result};
use crate::facets::{Bucket, FacetCounter, FacetSpec};
use crate::index::SearchIndex;
use crate::model::IndexDoc;
use crate::query::{
    Expansion, Filter, Interpretation, SUGGEST_BELOW, Syntax, filtered_or_partial, parse_as,
    suggest,
};
use crate::stats::{FreezingStats, FrozenStats};
use crate::token::{PageToken, Total, fingerprint};

/// Characters per snippet.
const SNIPPET_CHARS: usize = 200;

/// What to search for; the part of a request a page token is bound to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchQuery {
    pub text: String,
    pub filter: Filter,
    pub sort: Sort,
    pub expand_entities: bool,
    /// How `text` is read (lenient by default).
    pub syntax: Syntax,
}

impl SearchQuery {
    /// What a page token is bound to; public so clients' tokens can be
    /// forged in fuzzing (it is no secret: tokens are not authenticated).
    pub fn fingerprint(&self) -> u64 {
        fingerprint(&serde_json::to_vec(self).unwrap_or_default())
    }
}

/// One page of a search.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub page_size: usize,
    pub page_token: String,
    pub facets: Vec<FacetSpec>,
    pub highlight: bool,
    pub include_body: bool,
    /// One hit per group of near-duplicates (see [`collapse`]).
    pub collapse_duplicates: bool,
    /// Count matches exactly up to this many, then let the page skip the
    /// documents that cannot enter it (see [`pass`]); None counts all.
    pub count_up_to: Option<u64>,
}

/// A matched span inside a snippet fragment, in UTF-8 bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    pub field: &'static str,
    pub fragment: String,
    pub highlights: Vec<(u32, u32)>,
}

/// A spelling that made a document match an expanded query term.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedVariant {
    pub entity_id: String,
    pub canonical_name: String,
    pub variant: String,
    pub query_term: String,
}

#[derive(Debug, Clone)]
pub struct Hit {
    /// The stored document; `body` is empty unless asked for.
    pub doc: IndexDoc,
    pub score: f32,
    pub snippets: Vec<Snippet>,
    pub matched_variants: Vec<MatchedVariant>,
    /// With collapsing: the group's other matching documents.
    pub duplicate_count: u32,
}

#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub total_hits: u64,
    /// Set when the count stopped at [`PageRequest::count_up_to`]: at
    /// least `total_hits` documents match.
    pub total_is_lower_bound: bool,
    /// Empty on the last page.
    pub next_page_token: String,
    pub facets: Vec<(FacetSpec, Vec<Bucket>)>,
    pub expansions: Vec<Expansion>,
    pub indexed_sequence: u64,
    /// The query as understood.
    pub interpretation: Interpretation,
}

/// Runs one page of `query`.
pub fn search(index: &SearchIndex, query: &SearchQuery, page: &PageRequest) -> Result<SearchPage> {
    let fp = query.fingerprint();
    let token = match page.page_token.as_str() {
        "" => None,
        t => Some(PageToken::decode(t, fp)?),
    };
    let searcher = index.searcher();
    let parsed = parse_as(
        index,
        &searcher,
        &query.text,
        query.expand_entities,
        query.syntax,
    )?;
    let (full, partial_match) = filtered_or_partial(
        index,
        &searcher,
        parsed.query,
        parsed.partial_words.as_deref(),
        &query.filter,
        query.expand_entities,
    )?;
    let mut interpretation = parsed.interpretation;
    interpretation.partial_match = partial_match;
    let (full, collapsed) = if page.collapse_duplicates {
        let collapsed = collapse::collapse(index, &searcher, full)?;
        (collapsed.query.box_clone(), Some(collapsed))
    } else {
        (full, None)
    };
    // Every page of a relevance search runs the same pruning conjunction
    // (its scores are what page cursors compare).
    let full = match query.sort {
        Sort::Relevance => conjunction::prune_conjunctions(index.fields(), full),
        _ => full,
    };
    let (after, frozen, carried) = match token {
        Some(t) => (Some(t.after), t.stats, t.total),
        None => (None, FrozenStats::default(), None),
    };
    let stats = FreezingStats::new(index, &searcher, frozen);
    let collector = CursorCollector {
        sort: query.sort,
        // One extra hit says whether another page exists.
        limit: page.page_size + 1,
        after,
        columns: index.sort_columns(),
    };
    // Facets describe the whole result set: computed on the first page, in
    // the same pass over the matches as the page itself.
    let facet_counter = (!page.facets.is_empty() && after.is_none())
        .then(|| FacetCounter::new(page.facets.clone(), index.facet_dicts()));
    // A later page reports the first page's count, so it need count
    // nothing and may skip every match that cannot enter it.
    let count_up_to = match carried {
        Some(_) => Some(0),
        None => page.count_up_to,
    };
    let mut pass = PagePass::new(collector, facet_counter, count_up_to);
    if pass.counts_apart() {
        pass = pass
            .count_with(full.weight(EnableScoring::disabled_from_searcher(&searcher))?)
            .rank_with(conjunction::Ranking::of(&*full, &stats, &searcher)?);
    }
    let PassFruit {
        mut ranked,
        total,
        lower_bound,
        tallies,
    } = {
        let executor = index.executor_for(&searcher);
        if pass.ranks_apart() {
            pass.run_apart(&searcher, executor)?
        } else {
            let scoring = if pass.requires_scoring() {
                EnableScoring::enabled_from_statistics_provider(&stats, &searcher)
            } else {
                EnableScoring::disabled_from_searcher(&searcher)
            };
            searcher.search_with_executor(&*full, &pass, executor, scoring)?
        }
    };
    let Total {
        hits: total_hits,
        lower_bound: total_is_lower_bound,
    } = carried.unwrap_or(Total {
        hits: total,
        lower_bound,
    });
    // Did you mean: for a first page that found little (or only partial
    // matches) in the lenient syntax.
    let found = if partial_match { 0 } else { total_hits };
    if query.syntax == Syntax::Lenient && after.is_none() && found < SUGGEST_BELOW {
        interpretation.suggestions = suggest(
            index,
            &searcher,
            &interpretation.query,
            found,
            &query.filter,
            query.expand_entities,
        )?;
    }
    let more = ranked.len() > page.page_size;
    ranked.truncate(page.page_size);
    let next_page_token = match ranked.last() {
        Some(last) if more => {
            let total = Total {
                hits: total_hits,
                lower_bound: total_is_lower_bound,
            };
            PageToken::new(fp, last.key, stats.into_frozen())
                .with_total(total)
                .encode()
        }
        _ => String::new(),
    };
    let mut facets = match (pass.facets, tallies) {
        (Some(counter), Some(tallies)) => counter.buckets(tallies, index.renames()),
        _ => Vec::new(),
    };
    for (spec, buckets) in &mut facets {
        if let FacetSpec::Story { limit } = spec {
            *buckets = crate::stories::view::story_buckets(
                index,
                &searcher,
                std::mem::take(buckets),
                *limit,
            )?;
        }
    }
    let mut hits = hydrate(index, &searcher, &*full, &ranked, &parsed.expansions, page)?;
    if let Some(collapsed) = &collapsed {
        for hit in &mut hits {
            let original = hit.doc.story.as_ref().and_then(|m| m.duplicate_of.as_ref());
            hit.duplicate_count = collapsed.others(&hit.doc.id, original.map(|o| o.0.as_str()));
        }
    }
    Ok(SearchPage {
        hits,
        total_hits,
        total_is_lower_bound,
        next_page_token,
        facets,
        expansions: parsed.expansions,
        indexed_sequence: index.checkpoint()?.sequence,
        interpretation,
    })
}

/// Loads stored fields, snippets and matched spellings for ranked hits.
fn hydrate(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &dyn Query,
    ranked: &[Ranked],
    expansions: &[Expansion],
    page: &PageRequest,
) -> Result<Vec<Hit>> {
    let fields = index.fields();
    let generators = if page.highlight {
        vec![
            (
                "title",
                fields.title,
                snippet_generator(index, searcher, query, fields.title)?,
            ),
            (
                "body",
                fields.body,
                snippet_generator(index, searcher, query, fields.body)?,
            ),
        ]
    } else {
        Vec::new()
    };
    let mut hits = Vec::with_capacity(ranked.len());
    for r in ranked {
        let with_body = page.highlight || page.include_body;
        let mut doc =
            IndexDoc::hit_from_stored(searcher.doc(r.address)?, fields, index.renames(), with_body);
        let snippets = generators
            .iter()
            .filter_map(|(name, _, generator)| {
                let text = if *name == "title" {
                    &doc.title
                } else {
                    &doc.body
                };
                let s = generator.snippet(text);
                (!s.highlighted().is_empty()).then(|| Snippet {
                    field: name,
                    fragment: s.fragment().to_string(),
                    highlights: s
                        .highlighted()
                        .iter()
                        .map(|h| (h.start as u32, h.end as u32))
                        .collect(),
                })
            })
            .collect();
        let matched_variants = matched_variants(&doc, expansions);
        // A story merged since the document was written goes by the
        // survivor's id.
        if let Some(mark) = &mut doc.story {
            mark.story_id = index.resolve_story(&mark.story_id);
        }
        if !page.include_body {
            doc.body.clear();
        }
        hits.push(Hit {
            doc,
            score: r.score,
            snippets,
            matched_variants,
            duplicate_count: 0,
        });
    }
    Ok(hits)
}

/// A snippet generator for `field` (title or body) that highlights the
/// words `query` asks of it, and for the title also those asked of the
/// body: a word without `field:` is asked of the body alone, which indexes
/// the headline too (see `Fields::body`).
pub(crate) fn snippet_generator(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator> {
    let fields = index.fields();
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field || (field == fields.title && term.field() == fields.body) {
            terms.insert(term);
        }
    });
    // Rarer words weigh more in picking the fragment, as in tantivy's own
    // generator.
    let mut weights: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = index.doc_freq(searcher, term)?;
        if doc_freq > 0 {
            let weight = weights.entry(text.to_string()).or_default();
            *weight = weight.max(1.0 / (1.0 + doc_freq as Score));
        }
    }
    let tokenizer = searcher.index().tokenizer_for_field(field)?;
    Ok(SnippetGenerator::new(
        weights,
        tokenizer,
        field,
        SNIPPET_CHARS,
    ))
}

/// For each expanded entity the document mentions: the spellings it uses.
pub(crate) fn matched_variants(doc: &IndexDoc, expansions: &[Expansion]) -> Vec<MatchedVariant> {
    let mut out = Vec::new();
    for exp in expansions {
        let Some(entity) = doc.entities.iter().find(|e| e.id == exp.entity_id) else {
            continue;
        };
        for variant in &entity.variants {
            out.push(MatchedVariant {
                entity_id: exp.entity_id.clone(),
                canonical_name: entity.name.clone(),
                variant: variant.clone(),
                query_term: exp.query_term.clone(),
            });
        }
    }
    out
}

/// Checks and normalises a requested page size (0 → `default`, above
/// `max` → `max`).
pub fn page_size(requested: i32, default: usize, max: usize) -> Result<usize> {
    match requested {
        n if n < 0 => Err(Error::invalid("page_size", "must not be negative")),
        0 => Ok(default),
        // AIP-158: larger sizes are lowered to the maximum; the page token
        // still leads to the rest, so nothing is lost.
        n => Ok((n as usize).min(max)),
    }
}

mod bitcount;
pub mod collapse;
pub mod conjunction;
pub mod pass;
#[cfg(test)]
mod tests;
