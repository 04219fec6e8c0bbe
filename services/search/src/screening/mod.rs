//! Screening: which names of a list (a sanctions list, a client list)
//! appear in the articles, under which spellings, with the evidence.
//!
//! Name matching is extraction's (`ExtractionService.MatchNames`: the
//! registry's transliteration-aware matching, scored and explained): one
//! engine decides both which mentions are one entity and which entity a
//! listed name is. This module does search's half: for each entity a name
//! matched, how many articles name it and which ones (newest first, with a
//! snippet on the spelling), and, when the list gives a country, whether
//! the articles name the entity together with that country.

#[cfg(test)]
mod tests;

pub mod countries;

use std::future::Future;
use std::pin::Pin;

use crate::collect::Sort;
use crate::error::{Error, Result};
use crate::index::SearchIndex;
use crate::indexer::upstream::UpstreamError;
use crate::query::Filter;
use crate::search::{Hit, PageRequest, SearchQuery, Snippet, search};

/// A name to screen, as the request gives it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScreenName {
    pub name: String,
    /// `EntityType` wire value; 0 matches any type.
    pub entity_type: i32,
    /// A country name the articles should name with the entity (empty: any).
    pub country: String,
    pub aliases: Vec<String>,
}

/// How much to return, with the defaults of the API applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenOptions {
    pub min_score: f32,
    pub max_matches: usize,
    pub evidence: usize,
}

/// The default threshold: the precision/recall point the screening set
/// was measured at (extraction README, "Screening").
pub const DEFAULT_MIN_SCORE: f32 = 0.85;
pub const DEFAULT_MAX_MATCHES: usize = 5;
/// Most matches per name a request may ask for (extraction's limit too).
pub const MAX_MATCHES: usize = 100;
pub const DEFAULT_EVIDENCE: usize = 3;
pub const MAX_EVIDENCE: usize = 20;
/// Longest name or alias, in bytes: a name, not a document.
pub const MAX_NAME_BYTES: usize = 1024;
/// Most aliases of one name.
pub const MAX_ALIASES: usize = 64;

impl ScreenOptions {
    /// Reads the request's numbers: 0 means the default.
    pub fn from_request(min_score: f32, max_matches: u32, evidence: u32) -> Result<ScreenOptions> {
        if !(0.0..=1.0).contains(&min_score) || min_score.is_nan() {
            return Err(Error::InvalidArgument {
                field: "min_score",
                message: format!(
                    "{min_score} is not a score; use a number from 0 to 1 (0 means {DEFAULT_MIN_SCORE})"
                ),
            });
        }
        if max_matches as usize > MAX_MATCHES {
            return Err(Error::InvalidArgument {
                field: "max_matches_per_name",
                message: format!(
                    "{max_matches} matches per name, more than the limit of {MAX_MATCHES}; ask for fewer"
                ),
            });
        }
        if evidence as usize > MAX_EVIDENCE {
            return Err(Error::InvalidArgument {
                field: "evidence_per_match",
                message: format!(
                    "{evidence} is more than {MAX_EVIDENCE} documents per match; ask for fewer"
                ),
            });
        }
        Ok(ScreenOptions {
            min_score: if min_score == 0.0 {
                DEFAULT_MIN_SCORE
            } else {
                min_score
            },
            max_matches: if max_matches == 0 {
                DEFAULT_MAX_MATCHES
            } else {
                max_matches as usize
            },
            evidence: if evidence == 0 {
                DEFAULT_EVIDENCE
            } else {
                evidence as usize
            },
        })
    }
}

/// Checks a list before any work: every name present and of sane size.
pub fn validate(names: &[ScreenName], max_names: usize) -> Result<()> {
    if names.is_empty() {
        return Err(Error::InvalidArgument {
            field: "names",
            message: "no names to screen; send at least one".into(),
        });
    }
    if names.len() > max_names {
        return Err(Error::LimitExceeded {
            field: "names",
            message: format!(
                "{} names is more than --max-screen-names ({max_names}) in one request; split the list or use StreamScreenNames in parts",
                names.len()
            ),
        });
    }
    for (i, n) in names.iter().enumerate() {
        if n.name.trim().is_empty() {
            return Err(Error::InvalidArgument {
                field: "names",
                message: format!("names[{i}].name is empty; every entry needs a name"),
            });
        }
        let too_long = std::iter::once(&n.name)
            .chain(&n.aliases)
            .chain(std::iter::once(&n.country))
            .any(|s| s.len() > MAX_NAME_BYTES);
        if too_long {
            return Err(Error::InvalidArgument {
                field: "names",
                message: format!(
                    "names[{i}] has a name, alias or country over {MAX_NAME_BYTES} bytes"
                ),
            });
        }
        if let Some(k) = n.aliases.iter().position(|a| a.trim().is_empty()) {
            return Err(Error::InvalidArgument {
                field: "names",
                message: format!("names[{i}].aliases[{k}] is empty; leave out empty aliases"),
            });
        }
        // Dates and amounts are values, not names anyone is listed under.
        if (10..=13).contains(&n.entity_type) {
            return Err(Error::InvalidArgument {
                field: "names",
                message: format!(
                    "names[{i}].type is a value type (DATE, MONEY, PERCENT, QUANTITY); screen names of people, organisations or places, or leave the type unset"
                ),
            });
        }
        if n.aliases.len() > MAX_ALIASES {
            return Err(Error::InvalidArgument {
                field: "names",
                message: format!(
                    "names[{i}] has {} aliases; at most {MAX_ALIASES}",
                    n.aliases.len()
                ),
            });
        }
    }
    Ok(())
}

/// An entity extraction matched a name to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    pub entity_id: String,
    pub canonical_name: String,
    pub entity_type: i32,
    pub score: f32,
    pub matched_spellings: Vec<String>,
    pub explanation: String,
}

/// What a name-matching call answers: per name, in order, the entities it
/// matched.
pub type MatchFuture =
    Pin<Box<dyn Future<Output = std::result::Result<Vec<Vec<Candidate>>, UpstreamError>> + Send>>;

/// The registry's name matching (extraction's MatchNames in production).
pub trait NameMatcher: Send + Sync + 'static {
    fn match_names(
        &self,
        names: Vec<ScreenName>,
        min_score: f32,
        max_matches: usize,
    ) -> MatchFuture;
}

/// One name's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenResult {
    /// Position in the request.
    pub index: usize,
    pub name: String,
    pub matches: Vec<ScreenMatch>,
}

/// An article that names a matched entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub document_id: String,
    pub source: String,
    pub published_at: Option<i64>,
    pub title: String,
    pub snippet: Option<Snippet>,
}

/// A matched entity with its articles.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenMatch {
    pub candidate: Candidate,
    pub document_count: u64,
    pub evidence: Vec<Evidence>,
}

/// Search's half of screening one name: the articles of each candidate,
/// candidates no article names dropped (the registry may know an entity
/// whose articles were deleted), and with a country, the candidates named
/// with it kept when any is (the explanation says how many articles).
/// Blocking: call it on the blocking pool.
pub fn gather(
    index: &SearchIndex,
    name: &ScreenName,
    candidates: Vec<Candidate>,
    options: &ScreenOptions,
) -> Result<Vec<ScreenMatch>> {
    let mut matches = Vec::with_capacity(candidates.len());
    for candidate in candidates
        .into_iter()
        // The type is extraction's to judge: it sends an entity of another
        // type only when the name contradicts the tagger's type, explained.
        .filter(|c| c.score >= options.min_score)
    {
        let page = articles_of(index, &candidate.entity_id, &[], options.evidence)?;
        if page.1 == 0 {
            continue;
        }
        matches.push((candidate, page));
    }
    let written = name.country.trim();
    if !written.is_empty() {
        // "UA" and "Ukraine" both stand for what articles write: "Ukraine",
        // "Ukrainian"; a country the table does not know is searched as written.
        let known = countries::lookup(written);
        let (country, phrases) = match known {
            Some(c) => (c.name(), c.phrases.clone()),
            None => (written, vec![written]),
        };
        let mut with_country = Vec::with_capacity(matches.len());
        for (candidate, _) in &matches {
            let (_, count) = articles_of(index, &candidate.entity_id, &phrases, 0)?;
            with_country.push(count);
        }
        if with_country.iter().any(|&n| n > 0) {
            let kept: Vec<_> = matches
                .into_iter()
                .zip(with_country)
                .filter(|(_, n)| *n > 0)
                .map(|((mut c, page), n)| {
                    c.explanation = join(
                        &c.explanation,
                        &format!("named with {country} in {n} articles"),
                    );
                    (c, page)
                })
                .collect();
            matches = kept;
        } else {
            for (c, _) in &mut matches {
                c.explanation = join(
                    &c.explanation,
                    &format!("no article names it with {country}"),
                );
            }
        }
    }
    matches.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(b.1.1.cmp(&a.1.1)));
    matches.truncate(options.max_matches);
    Ok(matches
        .into_iter()
        .map(|(candidate, (hits, document_count))| ScreenMatch {
            evidence: hits
                .into_iter()
                .map(|h| evidence(h, &candidate.entity_id))
                .collect(),
            candidate,
            document_count,
        })
        .collect())
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

/// The newest `limit` articles naming the entity (and one of the phrases,
/// when given), with the total.
fn articles_of(
    index: &SearchIndex,
    entity_id: &str,
    any_of: &[&str],
    limit: usize,
) -> Result<(Vec<Hit>, u64)> {
    let text = if any_of.is_empty() {
        format!("entity:{entity_id}")
    } else {
        // Each phrase quoted, its own quotes taken away.
        let phrases: Vec<String> = any_of
            .iter()
            .map(|p| format!("\"{}\"", p.replace('"', " ")))
            .collect();
        format!("entity:{entity_id} AND ({})", phrases.join(" OR "))
    };
    let query = SearchQuery {
        text,
        filter: Filter::default(),
        sort: Sort::PublishedDesc,
        expand_entities: true,
        ..SearchQuery::default()
    };
    let page = PageRequest {
        page_size: limit.max(1),
        include_body: limit > 0,
        ..PageRequest::default()
    };
    let found = search(index, &query, &page)?;
    Ok((found.hits, found.total_hits))
}

/// Characters of article text on each side of the spelling in evidence.
const CONTEXT_CHARS: usize = 100;

fn evidence(hit: Hit, entity_id: &str) -> Evidence {
    let doc = hit.doc;
    let spellings: Vec<&str> = doc
        .entities
        .iter()
        .filter(|e| e.id == entity_id)
        .flat_map(|e| e.variants.iter().map(String::as_str))
        .collect();
    let snippet =
        snippet_around(&doc.body, &spellings).or_else(|| snippet_around(&doc.title, &spellings));
    Evidence {
        document_id: doc.id,
        source: doc.source,
        published_at: doc.published_at,
        title: doc.title,
        snippet,
    }
}

/// The text around the first of `spellings` in `text`, the spelling
/// highlighted: what the analyst reads to judge the match.
fn snippet_around(text: &str, spellings: &[&str]) -> Option<Snippet> {
    let (at, len) = spellings
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| text.find(s).map(|i| (i, s.len())))
        .min()?;
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let end = text[at + len..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| at + len + i);
    let from = (at - start) as u32;
    Some(Snippet {
        field: "body",
        fragment: text[start..end].to_string(),
        highlights: vec![(from, from + len as u32)],
    })
}
