//! Scoring one form of a screened name against one spelling of an entity,
//! part by part, keeping the parts for the explanation.
//!
//! People: the linker's weights (0.6 surname + 0.4 given name, a surname
//! alone 0.8 of its similarity), and its blocking: given names that are
//! different names never match, however alike the surnames. Screening adds
//! the middle names the linker ignores: a middle name or patronymic missing
//! from one spelling costs 0.01; two that are different names multiply the
//! score by [`MIDDLE_CONFLICT`], below the default threshold.
//!
//! Organisations: the same words; the same words once legal forms and a
//! leading "the" are set aside ("Gazprom PJSC" / "Gazprom"); an acronym and
//! its expansion; the same letters joined otherwise ("Sovcomflot" /
//! "Sovcom Flot"); or every word close. A word that differs makes another
//! organisation ("Northwind Shipping" / "Northwind Logistics").

use super::Spelling;
use super::forms::Form;
use crate::EntityType;
use crate::link::ParsedName;
use crate::link::chinese::chinese_key;
use crate::link::score::{GivenWhy, given_pair, token_similarity};
use crate::link::variant::variant_key;

/// Factor for middle names (or patronymics) that are different names.
pub const MIDDLE_CONFLICT: f64 = 0.85;
/// What a middle name present in only one spelling costs.
pub const MIDDLE_MISSING: f64 = 0.01;
/// A person matched on the surname alone: this share of its similarity.
pub const SURNAME_ONLY: f64 = 0.8;

/// Legal forms, articles and "and", folded: they do not change which
/// organisation a name means ("the", and the Arabic "al" / "el" of "Al
/// Noor Trading" / "El-Nour Trading").
#[rustfmt::skip]
pub const LEGAL_FORMS: &[&str] = &[
    "the", "al", "el", "and", "und", "et", "ltd", "limited", "llc", "llp", "lp", "inc",
    "incorporated", "corp", "corporation", "co", "company", "plc", "pjsc", "jsc", "ojsc", "cjsc",
    "ooo", "oao", "pao", "zao", "ao", "tov", "prat", "pat", "gmbh", "ag", "kg", "se", "sa", "sas",
    "sarl", "srl", "spa", "nv", "bv", "ab", "as", "asa", "oy", "oyj", "pte", "pty", "pvt", "bhd",
    "sdn", "fze", "fzco", "sti", "holding", "holdings",
];

/// One part of a match, for the explanation. Token numbers index the
/// form's (`ours`) and the spelling's (`theirs`) parsed tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Surname {
        ours: usize,
        theirs: usize,
        sim: f64,
    },
    Given {
        ours: usize,
        theirs: usize,
        why: GivenWhy,
    },
    Middle {
        ours: usize,
        theirs: usize,
        why: GivenWhy,
    },
    MiddleDiffers {
        ours: usize,
        theirs: usize,
    },
    /// A middle name in only one of the two (`ours` says whose).
    MiddleAlone {
        token: usize,
        ours: bool,
    },
    /// One side names only the surname.
    SurnameOnly,
    /// Organisations: the same name.
    Identical,
    SameKeys,
    /// The same core; legal forms or an article differ.
    LegalForm,
    Acronym,
    Joined,
    Word {
        ours: usize,
        theirs: usize,
        sim: f64,
    },
    /// The registry types the entity otherwise (see [`super::types`]).
    CrossType(EntityType),
}

/// The score of one form against one spelling, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub score: f64,
    /// Index of the form in its [`super::forms::QueryForms`].
    pub form: usize,
    /// Index of the spelling in the entity record's aliases.
    pub alias: usize,
    pub parts: Vec<Part>,
}

/// Scores `form` (number `form_index`) against each spelling of one entity
/// (parsed as the form reads names: people as people); `None` where it
/// cannot match.
pub fn against_spellings(
    form_index: usize,
    form: &Form,
    spellings: &[Spelling<'_>],
) -> Vec<Option<Verdict>> {
    let person = form.person;
    // A full name speaks for itself: when the entity is known by a full
    // name, its bare-surname spellings must not pull in another person of
    // that surname ("Petro Hrytsenko" is not the Oleksii Hrytsenko also
    // written "Hrytsenko").
    let skip_bare = person
        && !form.parsed.given.is_empty()
        && spellings.iter().any(|s| !s.parsed.given.is_empty());
    // Likewise a middle name: when one spelling gives the entity another
    // middle name than ours ("John A. Whitfield" against "John D.
    // Whitfield"), its spellings without one ("John Whitfield") do not
    // make the two one person.
    let middle_known_other = person
        && form.parsed.given.len() > 1
        && spellings.iter().any(|s| {
            s.parsed.given.len() > 1
                && person_score(&form.parsed, &s.parsed).is_some_and(|(_, parts)| {
                    parts
                        .iter()
                        .any(|p| matches!(p, Part::MiddleDiffers { .. }))
                })
        });
    spellings
        .iter()
        .map(|s| {
            if skip_bare && s.parsed.given.is_empty() {
                return None;
            }
            if middle_known_other && s.parsed.given.len() < 2 {
                return None;
            }
            let (score, parts) = if person {
                person_score(&form.parsed, &s.parsed)?
            } else {
                org_score(&form.parsed, &s.parsed)?
            };
            Some(Verdict {
                score: (score - form.order.penalty()).max(0.0),
                form: form_index,
                alias: s.alias,
                parts,
            })
        })
        .collect()
}

/// A person's name against a person's spelling.
pub fn person_score(q: &ParsedName, e: &ParsedName) -> Option<(f64, Vec<Part>)> {
    let (qs, es) = (q.surname?, e.surname?);
    // A name read as Chinese and one not (Western order, or a family name
    // the table lacks) compare under the Chinese key.
    let s = if q.chinese == e.chinese {
        token_similarity(&q.keys[qs], &e.keys[es])
    } else {
        token_similarity(&chinese_key(&q.folded[qs]), &chinese_key(&e.folded[es]))
    };
    if s == 0.0 {
        return None;
    }
    let mut parts = vec![Part::Surname {
        ours: qs,
        theirs: es,
        sim: s,
    }];
    let (Some(&qg), Some(&eg)) = (q.given.first(), e.given.first()) else {
        parts.push(Part::SurnameOnly);
        return Some((SURNAME_ONLY * s, parts));
    };
    let (g, why) = given_pair(q, qg, e, eg)?;
    parts.push(Part::Given {
        ours: qg,
        theirs: eg,
        why,
    });
    let mut score = (0.6 * s + 0.4 * g).min(0.99);
    score = middles(q, e, score, &mut parts);
    let score = if q.folded == e.folded { 1.0 } else { score };
    Some((score, parts))
}

/// Scores the middle names (patronymics, second given names, the first of
/// two surnames) beyond the first given name. Each of ours pairs with a
/// compatible one of theirs wherever it stands ("José Martínez Soto" /
/// "José Luis Martínez Soto"); one present on one side only costs
/// [`MIDDLE_MISSING`]; when both sides have middle names and none of ours
/// pairs, they are different names ([`MIDDLE_CONFLICT`]).
fn middles(q: &ParsedName, e: &ParsedName, mut score: f64, parts: &mut Vec<Part>) -> f64 {
    let (qm, em) = (&q.given[1..], &e.given[1..]);
    let mut used = vec![false; em.len()];
    let mut unpaired = Vec::new();
    for &a in qm {
        let pair = em
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .find_map(|(j, &b)| given_pair(q, a, e, b).map(|(_, why)| (j, b, why)));
        match pair {
            Some((j, b, why)) => {
                used[j] = true;
                parts.push(Part::Middle {
                    ours: a,
                    theirs: b,
                    why,
                });
            }
            None => unpaired.push(a),
        }
    }
    let theirs_left: Vec<usize> = (0..em.len()).filter(|&j| !used[j]).map(|j| em[j]).collect();
    if !unpaired.is_empty() && !theirs_left.is_empty() && unpaired.len() == qm.len() {
        score *= MIDDLE_CONFLICT;
        parts.push(Part::MiddleDiffers {
            ours: unpaired[0],
            theirs: theirs_left[0],
        });
        return score;
    }
    for t in unpaired {
        score -= MIDDLE_MISSING;
        parts.push(Part::MiddleAlone {
            token: t,
            ours: true,
        });
    }
    for t in theirs_left {
        score -= MIDDLE_MISSING;
        parts.push(Part::MiddleAlone {
            token: t,
            ours: false,
        });
    }
    score
}

/// Token numbers of an organisation name's core: its words without legal
/// forms and articles.
pub fn org_core(n: &ParsedName) -> Vec<usize> {
    let core: Vec<usize> = (0..n.folded.len())
        .filter(|&i| !LEGAL_FORMS.contains(&n.folded[i].as_str()))
        .collect();
    core
}

/// A word without an Arabic article assimilated into it, as French and
/// Maghreb spellings write one (Essalam = as-Salam, Ettijara =
/// at-Tijara): a vowel, then a doubled consonant.
fn sun_letter(folded: &str) -> Option<&str> {
    let b = folded.as_bytes();
    let doubled = b.len() >= 7
        && matches!(b[0], b'a' | b'e')
        && b[1] == b[2]
        && matches!(b[1], b'd' | b'n' | b'r' | b's' | b't' | b'z');
    doubled.then(|| &folded[2..])
}

/// An organisation's (or any non-person) name against a spelling.
pub fn org_score(q: &ParsedName, e: &ParsedName) -> Option<(f64, Vec<Part>)> {
    if q.is_empty() || e.is_empty() {
        return None;
    }
    if q.folded == e.folded {
        return Some((1.0, vec![Part::Identical]));
    }
    if q.keys == e.keys {
        return Some((0.99, vec![Part::SameKeys]));
    }
    if q.is_acronym != e.is_acronym {
        let (acr, full) = if q.is_acronym { (q, e) } else { (e, q) };
        if full.keys.len() >= 2 && acr.acronym() == full.acronym() {
            return Some((0.92, vec![Part::Acronym]));
        }
    }
    let (cq, ce) = (org_core(q), org_core(e));
    if cq.is_empty() || ce.is_empty() {
        return None;
    }
    let words = |n: &ParsedName, core: &[usize]| -> Vec<String> {
        core.iter()
            .map(|&i| match sun_letter(&n.folded[i]) {
                Some(rest) => variant_key(rest),
                None => n.keys[i].clone(),
            })
            .collect()
    };
    let (wq, we) = (words(q, &cq), words(e, &ce));
    if wq == we {
        return Some((0.95, vec![Part::LegalForm]));
    }
    if wq.concat() == we.concat() {
        return Some((0.93, vec![Part::Joined]));
    }
    if wq.len() != we.len() {
        return None;
    }
    let mut parts = Vec::with_capacity(wq.len());
    let mut sum = 0.0;
    for (k, (a, b)) in wq.iter().zip(&we).enumerate() {
        let sim = token_similarity(a, b);
        if sim == 0.0 {
            return None;
        }
        sum += sim;
        parts.push(Part::Word {
            ours: cq[k],
            theirs: ce[k],
            sim,
        });
    }
    if cq.len() != q.keys.len() || ce.len() != e.keys.len() {
        parts.push(Part::LegalForm);
    }
    Some((sum / wq.len() as f64 * 0.97, parts))
}
