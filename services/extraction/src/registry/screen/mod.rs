//! Screening: a list of names (a sanctions list, a watch list) against the
//! registry's entities, with the linker's transliteration-aware matching,
//! scored and explained. The engine of `ExtractionService.MatchNames`.
//!
//! For each name and each of its aliases, [`forms`] reads the ways it may
//! be written (as given; "SURNAME, Given" and surnames in capitals as
//! sanctions lists write them; surname first), [`retrieve`] finds the
//! candidate entities in the candidate index under every key tier, and
//! [`compare`] scores each candidate against each of its spellings (the
//! best spelling wins) by the parts of the name: surname, given name,
//! middle names for people; the name's core without legal forms for
//! organisations. [`explain`] says how the parts matched.
//!
//! Read-only. The state's read lock is taken per chunk of names, never for
//! a whole long list, so linking (which needs the write lock for an
//! instant per document) is never held up for long; a list screened while
//! documents are linked may see the registry as of different moments.

mod compare;
mod explain;
mod forms;
mod request;
mod retrieve;
#[cfg(test)]
mod tests;
mod types;

use std::borrow::Cow;
use std::cmp::Reverse;

use super::model::{EntityRecord, EntitySummary, Handle, type_from_code};
use super::state::State;
use super::{Registry, summary};
use crate::error::Result;
use crate::link::ParsedName;
use compare::Verdict;
use forms::QueryForms;

pub use request::{
    DEFAULT_MAX_MATCHES, DEFAULT_MIN_SCORE, MAX_ALIASES, MAX_MATCHES_PER_NAME, MAX_NAME_BYTES,
    MAX_NAMES, MatchOptions, NameQuery, validate,
};

/// Names screened per acquisition of the state's read lock.
const CHUNK: usize = 128;

/// One entity a screened name may be.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub entity: EntitySummary,
    /// 0..=1; 1 is the same spelling.
    pub score: f64,
    /// The entity's spellings (aliases) that scored at least the threshold,
    /// most mentioned first.
    pub matched_spellings: Vec<String>,
    /// Which parts of the best spelling matched, and how.
    pub explanation: String,
    /// Times the entity was mentioned.
    pub mention_count: u64,
}

impl Registry {
    /// Screens `names` against the registry: for each name, in order, the
    /// entities it may be, best first, at most `options.max_matches`, each
    /// scoring at least `options.min_score`.
    pub fn match_names(
        &self,
        names: &[NameQuery],
        options: &MatchOptions,
    ) -> Result<Vec<Vec<NameMatch>>> {
        validate(names, options)?;
        let options = options.effective();
        // Parsing needs no lock.
        let prepared: Vec<QueryForms> = names.iter().map(QueryForms::new).collect();
        let mut out = Vec::with_capacity(names.len());
        for chunk in prepared.chunks(CHUNK) {
            let state = self.state.read();
            out.extend(chunk.iter().map(|q| match_one(&state, q, &options)));
        }
        Ok(out)
    }
}

/// The best verdict for one entity, over all forms and spellings.
struct Best {
    handle: Handle,
    verdict: Verdict,
    /// Indices into the record's aliases that reached the threshold.
    spellings: Vec<usize>,
}

fn match_one(state: &State, q: &QueryForms, options: &MatchOptions) -> Vec<NameMatch> {
    let candidates = retrieve::candidates(state, q);
    let mut best: Vec<Best> = Vec::new();
    for h in candidates {
        let Some(rec) = state.get(h) else { continue };
        if let Some(b) = score_entity(state, h, rec, q, options.min_score) {
            best.push(b);
        }
    }
    best.sort_by(|a, b| {
        b.verdict
            .score
            .total_cmp(&a.verdict.score)
            .then_with(|| {
                let count = |h: Handle| state.get(h).map_or(0, |r| r.mention_count);
                Reverse(count(a.handle)).cmp(&Reverse(count(b.handle)))
            })
            .then(a.handle.cmp(&b.handle))
    });
    best.truncate(options.max_matches);
    best.into_iter()
        .filter_map(|b| {
            let rec = state.get(b.handle)?;
            Some(render(b, rec, q))
        })
        .collect()
}

/// Scores one live candidate entity of a type the query allows against
/// every form of the query; `None` below `min_score`.
fn score_entity(
    state: &State,
    h: Handle,
    rec: &EntityRecord,
    q: &QueryForms,
    min_score: f64,
) -> Option<Best> {
    if rec.merged_into.is_some() || rec.retired || rec.aliases.is_empty() {
        return None;
    }
    let their_type = type_from_code(rec.entity_type);
    let spellings = spellings(state, h, rec);
    let mut best: Option<Verdict> = None;
    let mut reached = vec![false; rec.aliases.len()];
    for (i, form) in q.forms.iter().enumerate() {
        for v in verdicts(i, form, rec, their_type, &spellings)
            .into_iter()
            .flatten()
        {
            if v.score >= min_score {
                reached[v.alias] = true;
            }
            if best.as_ref().is_none_or(|b| v.score > b.score) {
                best = Some(v);
            }
        }
    }
    let verdict = best.filter(|v| v.score >= min_score)?;
    let mut order: Vec<usize> = (0..reached.len()).filter(|&i| reached[i]).collect();
    order.sort_by_key(|&i| Reverse(rec.aliases[i].mention_count));
    Some(Best {
        handle: h,
        verdict,
        spellings: order,
    })
}

/// One form's verdicts on an entity's spellings: on its own side of the
/// types as they are; across types only on spellings whose names
/// contradict the registry's type, re-read as the form reads names, and
/// only near-exact ([`types`]).
fn verdicts(
    i: usize,
    form: &forms::Form,
    rec: &EntityRecord,
    their_type: crate::EntityType,
    spellings: &[Spelling<'_>],
) -> Vec<Option<Verdict>> {
    if form.accepts(their_type) {
        return compare::against_spellings(i, form, spellings);
    }
    let across: Vec<Spelling<'_>> = spellings
        .iter()
        .filter(|s| types::meeting(form, their_type, &s.parsed) == types::Meeting::Across)
        .map(|s| Spelling {
            alias: s.alias,
            parsed: Cow::Owned(ParsedName::parse(
                &rec.aliases[s.alias].name,
                form.parsed_type(),
            )),
        })
        .collect();
    if across.is_empty() {
        return Vec::new();
    }
    compare::against_spellings(i, form, &across)
        .into_iter()
        .map(|v| {
            let mut v = v.filter(|v| v.score >= types::CROSS_TYPE_MIN)?;
            v.score *= types::CROSS_TYPE;
            v.parts.push(compare::Part::CrossType(their_type));
            Some(v)
        })
        .collect()
}

/// One spelling of an entity, parsed, with its index in the record's aliases.
pub(super) struct Spelling<'a> {
    pub alias: usize,
    pub parsed: Cow<'a, ParsedName>,
}

/// Every alias of the entity, parsed: the state keeps the most mentioned
/// ones parsed; the rest (rare) are parsed here.
fn spellings<'a>(state: &'a State, h: Handle, rec: &EntityRecord) -> Vec<Spelling<'a>> {
    let parsed = state.parsed.get(h as usize).map_or(&[][..], Vec::as_slice);
    let t = type_from_code(rec.entity_type);
    rec.aliases
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let parsed = match parsed.iter().find(|p| p.display == a.name) {
                Some(p) => Cow::Borrowed(p),
                None => Cow::Owned(ParsedName::parse(&a.name, t)),
            };
            Spelling { alias: i, parsed }
        })
        .collect()
}

fn render(b: Best, rec: &EntityRecord, q: &QueryForms) -> NameMatch {
    let explanation = explain::explain(&b.verdict, q, rec);
    NameMatch {
        entity: summary(b.handle, rec),
        score: b.verdict.score,
        matched_spellings: b
            .spellings
            .iter()
            .map(|&i| rec.aliases[i].name.clone())
            .collect(),
        explanation,
        mention_count: rec.mention_count,
    }
}
