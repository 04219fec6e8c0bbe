//! Cross-document linking: each entity of a document (as grouped by
//! [`crate::link::cluster_document`]) goes to the registry entity that best
//! explains it, or to none.
//!
//! score = name similarity × type agreement
//!       + 0.12 × shared context (co-mentioned entities already linked)
//!       + 0.03 same outlet + 0.03 seen within 45 days
//!
//! and a link needs [`THRESHOLD`]. A bare surname matching exactly one
//! known person counts as a strong match; matching several, it needs
//! context to pick one, and never joins them.

use std::borrow::Cow;

use crate::EntityType;
use crate::link::score::{GivenNames, given_names, name_similarity};
use crate::link::{LocalEntity, ParsedName};

use super::model::{EntityRecord, Handle, type_from_code};
use super::state::State;

/// The minimum score for a link.
pub const THRESHOLD: f64 = 0.85;
/// Type agreement of a multi-word name across name types the tagger
/// confuses (PERSON/ORG/GPE): only a near-exact name clears the threshold.
const CROSS_TYPE_AGREEMENT: f64 = 0.9;
/// Name similarity a bare surname earns when it matches exactly one person.
const UNIQUE_SURNAME: f64 = 0.86;
/// Below this name similarity a candidate is not considered at all.
const MIN_NAME: f64 = 0.6;
/// Seconds within which a sighting counts as close in time.
const CLOSE_IN_TIME: i64 = 45 * 86_400;

/// What the linker knows about the document.
pub(crate) struct DocContext<'a> {
    pub source: Option<&'a str>,
    pub seen_at: Option<i64>,
}

/// The registry entity for each local entity, or `None`.
pub(crate) fn resolve_all(
    state: &State,
    locals: &[LocalEntity],
    doc: &DocContext<'_>,
) -> Vec<Option<Handle>> {
    // Pass 1 without context; its confident links become context for
    // pass 2, which re-ranks (never re-retrieves) the rest.
    let scored: Vec<Vec<(Handle, f64)>> = locals.iter().map(|le| name_scores(state, le)).collect();
    let first: Vec<Option<(Handle, f64)>> = locals
        .iter()
        .zip(&scored)
        .map(|(le, s)| resolve_one(state, le, s, doc, &[]))
        .collect();
    let context: Vec<Handle> = first.iter().flatten().map(|(h, _)| *h).collect();
    locals
        .iter()
        .zip(first)
        .zip(&scored)
        .map(|((le, r), s)| match r {
            Some((h, _)) => Some(h),
            None if context.is_empty() || s.is_empty() => None,
            None => resolve_one(state, le, s, doc, &context).map(|(h, _)| h),
        })
        .collect()
}

/// Scores candidates for one local entity; the best above threshold wins,
/// unless a rival is too close to call.
pub(crate) fn resolve_one(
    state: &State,
    le: &LocalEntity,
    scored: &[(Handle, f64)],
    doc: &DocContext<'_>,
    context: &[Handle],
) -> Option<(Handle, f64)> {
    if scored.is_empty() {
        return None;
    }
    let bare = le.entity_type == EntityType::Person && le.name.keys.len() == 1;
    let strong = scored.iter().filter(|(_, s)| *s >= 0.7).count();
    let mut finals: Vec<(Handle, f64, f64)> = scored
        .iter()
        .map(|&(h, name)| {
            let name = if bare && strong == 1 && name >= 0.7 {
                name.max(UNIQUE_SURNAME)
            } else {
                name
            };
            let rec = &state.entities[h as usize];
            let total = name + 0.12 * context_score(rec, context, state) + extras(rec, doc);
            (h, name, total)
        })
        .collect();
    finals.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let (h, _, best) = finals[0];
    if best < THRESHOLD {
        return None;
    }
    if let Some(&(_, _, second)) = finals.get(1) {
        // Two plausible entities (people of one surname): only clear
        // evidence decides, and a tie links to neither.
        if best - second < 0.05 {
            return None;
        }
    }
    Some((h, best))
}

/// (candidate, name similarity × type agreement), live candidates only.
pub(crate) fn name_scores(state: &State, le: &LocalEntity) -> Vec<(Handle, f64)> {
    let mut candidates: Vec<Handle> = Vec::new();
    // A multi-word name may link across name types (see below), and the
    // tagger's likeliest confusion is a foreign person's name typed ORG or
    // GPE: such a name also looks for people under its person keys.
    let also_person =
        le.entity_type != EntityType::Person && le.entity_type.is_name() && le.name.keys.len() >= 2;
    for (form, _) in &le.forms {
        let as_person = also_person.then(|| ParsedName::parse(&form.display, EntityType::Person));
        let person_hits = as_person
            .iter()
            .flat_map(|p| state.index.candidates(p, EntityType::Person));
        for h in state
            .index
            .candidates(form, le.entity_type)
            .into_iter()
            .chain(person_hits)
        {
            let r = state.resolve(h);
            if !candidates.contains(&r) {
                candidates.push(r);
            }
        }
    }
    let keys: Vec<String> = le.forms.iter().map(|(f, _)| f.full_key()).collect();
    candidates
        .into_iter()
        .filter_map(|h| {
            let rec = state.get(h)?;
            if rec.merged_into.is_some() || rec.retired || rec.aliases.is_empty() {
                return None;
            }
            if keys.iter().any(|k| rec.blocked_keys.contains(k)) {
                return None;
            }
            let their = type_from_code(rec.entity_type);
            let agreement = match type_agreement(le.entity_type, their) {
                Some(a) => a,
                // The tagger's type is noisiest exactly where names vary
                // most (unfamiliar scripts and spellings), so a name of two
                // or more words may link across name types when it matches
                // nearly exactly; one-word names ("Jordan", "Ford") may not.
                None if le.name.keys.len() >= 2 && le.entity_type.is_name() && their.is_name() => {
                    CROSS_TYPE_AGREEMENT
                }
                None => return None,
            };
            let theirs = &state.parsed[h as usize];
            let is_person = le.entity_type == EntityType::Person || their == EntityType::Person;
            // A full name speaks for the whole local entity: its bare-surname
            // forms must not pull it to another person of that surname.
            let forms: Vec<&ParsedName> = if is_person && !le.name.given.is_empty() {
                if given_names_clash(&le.name, theirs) {
                    return None;
                }
                vec![&le.name]
            } else {
                le.forms.iter().map(|(f, _)| f).collect()
            };
            let s = best_similarity(&forms, theirs, le.entity_type, their);
            // Across types a one-word name must match exactly: a letter of
            // difference between a place and a demonym ("Lithuania" GPE,
            // "Lithuanian" NORP) is morphology, not a misspelling.
            if agreement < 1.0 && le.name.keys.len() == 1 && s < 1.0 {
                return None;
            }
            let s = s * agreement;
            (s >= MIN_NAME).then_some((h, s))
        })
        .collect()
}

/// Whether every given name the entity is known by clashes with ours
/// ("John Smith" against an entity known as "Ann Smith" and "Smith").
fn given_names_clash(ours: &ParsedName, theirs: &[ParsedName]) -> bool {
    let mut with_given = theirs.iter().filter(|t| !t.given.is_empty()).peekable();
    with_given.peek().is_some()
        && with_given.all(|t| matches!(given_names(ours, t), GivenNames::Blocked))
}

/// The best similarity between any of our forms and any of their aliases.
pub(crate) fn best_similarity(
    ours: &[&ParsedName],
    theirs: &[ParsedName],
    our_type: EntityType,
    their_type: EntityType,
) -> f64 {
    let t = if our_type == EntityType::Person || their_type == EntityType::Person {
        EntityType::Person
    } else {
        our_type
    };
    // A name the tagger typed otherwise is compared as the person it may
    // be: parsed as a person's name (family-first Chinese names, given
    // names and surname), as the other side was.
    let theirs: Vec<Cow<'_, ParsedName>> =
        theirs.iter().map(|b| as_person(b, their_type, t)).collect();
    let mut best: f64 = 0.0;
    for a in ours {
        let a = as_person(a, our_type, t);
        for b in &theirs {
            best = best.max(name_similarity(&a, b, t));
            if best >= 1.0 {
                return best;
            }
        }
    }
    best
}

/// `name` parsed as a person's name when it is compared as one (`compared`
/// is PERSON) but was parsed as its own type `parsed_as`.
fn as_person(
    name: &ParsedName,
    parsed_as: EntityType,
    compared: EntityType,
) -> Cow<'_, ParsedName> {
    if compared == EntityType::Person && parsed_as != EntityType::Person {
        Cow::Owned(ParsedName::parse(&name.display, EntityType::Person))
    } else {
        Cow::Borrowed(name)
    }
}

/// 1 for the same type, a little less for types taggers confuse, `None`
/// for types that cannot be the same entity.
pub(crate) fn type_agreement(a: EntityType, b: EntityType) -> Option<f64> {
    use EntityType::*;
    if a == b {
        return Some(1.0);
    }
    match (a, b) {
        (Gpe, Loc) | (Loc, Gpe) | (Org, Fac) | (Fac, Org) | (Norp, Gpe) | (Gpe, Norp) => Some(0.95),
        (Misc, Person) | (Person, Misc) => Some(0.95),
        (Misc, x) | (x, Misc) if x != Person => Some(0.95),
        _ => None,
    }
}

/// Share of the document's already-linked entities this one is known with.
fn context_score(rec: &EntityRecord, context: &[Handle], state: &State) -> f64 {
    if context.is_empty() || rec.context.is_empty() {
        return 0.0;
    }
    let hits = context
        .iter()
        .filter(|&&c| rec.context.iter().any(|(k, _)| state.resolve(*k) == c))
        .count();
    (hits as f64 / 2.0).min(1.0)
}

fn extras(rec: &EntityRecord, doc: &DocContext<'_>) -> f64 {
    let mut s = 0.0;
    if let Some(src) = doc.source
        && rec.sources.iter().any(|(k, _)| k == src)
    {
        s += 0.03;
    }
    if let (Some(t), Some(first), Some(last)) = (doc.seen_at, rec.first_seen, rec.last_seen)
        && t >= first - CLOSE_IN_TIME
        && t <= last + CLOSE_IN_TIME
    {
        s += 0.03;
    }
    s
}
