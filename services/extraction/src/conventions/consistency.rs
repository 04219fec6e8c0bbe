//! One name, one type, within a document; and the short forms of a person's
//! name.
//!
//! - A name written the same way twice in one document is one entity with
//!   one type: the majority type of its mentions, or PERSON when a title
//!   stands before one of them ("adviser Kubrakov said … Kubrakov's plan":
//!   both PERSON, though the tagger typed the second ORG).
//! - A person's surname used alone later is that person: "Wu Hao … Wu said"
//!   tags "Wu" PERSON, also where the tagger found nothing or typed it as a
//!   place. Family-name-first names give their first word ("Kim Jong Un" →
//!   "Kim"). A surname that the document also uses as a lowercase word
//!   ("Young", "Rich") is only retyped, never added.

use std::collections::HashMap;

use super::words::{
    find_word, is_capitalised, overlapping, strip_possessive, strip_the, word_after, word_before,
};
use crate::EntityType;
use crate::link::chinese::is_family_name;
use crate::link::fold::fold;
use crate::tagger::NameSpan;
use crate::tagger::lexicon::{Lexicon, cat_bit};

/// Titles and roles written before a bare surname ("adviser Kubrakov",
/// "President Ruiz"), lowercase.
const PERSON_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "professor",
    "president",
    "minister",
    "premier",
    "chancellor",
    "governor",
    "mayor",
    "senator",
    "sen",
    "rep",
    "judge",
    "justice",
    "general",
    "gen",
    "colonel",
    "col",
    "admiral",
    "captain",
    "capt",
    "lieutenant",
    "sergeant",
    "ambassador",
    "envoy",
    "adviser",
    "advisor",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "lawmaker",
    "commander",
    "chairman",
    "chairwoman",
    "chair",
    "commissioner",
    "director",
    "secretary",
    "coach",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "emir",
    "sir",
    "dame",
    "lord",
    "lady",
    "pope",
    "cardinal",
    "bishop",
    "rabbi",
    "imam",
    "economist",
    "analyst",
    "researcher",
    "prosecutor",
    "ceo",
    "councillor",
    "councilor",
    "deputy",
    "mp",
    "mep",
    "leader",
    "officer",
    "detective",
    "inspector",
    "superintendent",
    "chief",
];

/// Korean family names, which come first ("Kim Sun-ja" → "Kim").
const KOREAN_FAMILY_NAMES: &[&str] = &[
    "kim", "lee", "park", "choi", "jung", "jeong", "kang", "cho", "yoon", "yun", "jang", "lim",
    "han", "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "yoo", "hong", "moon", "yang",
    "ko", "bae", "baek", "heo", "nam", "noh", "ha", "jeon", "kwak", "sung", "cha", "joo", "woo",
    "min", "ryu", "jin", "chae", "won", "bang", "kong", "hyun", "byun", "yeo",
];

fn is_title(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    PERSON_TITLES.iter().any(|t| t.eq_ignore_ascii_case(w))
}

/// The key a name is compared by: no leading "the", no possessive.
fn key(text: &str) -> &str {
    strip_possessive(strip_the(text))
}

/// Applies both rules.
pub fn apply(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    short_references(text, lex, names);
    one_type_per_name(text, names);
}

/// For one name: its types with counts, in the order first seen, and
/// whether a title stood before one of its mentions.
type Seen = (Vec<(EntityType, u32)>, bool);

fn one_type_per_name(text: &str, names: &mut [NameSpan]) {
    // key -> (type counts in order first seen, titled)
    let mut seen: HashMap<&str, Seen> = HashMap::new();
    for n in names.iter() {
        let k = key(&text[n.start..n.end]);
        let titled =
            word_before(text, n.start).is_some_and(|w| is_title(w.text)) && !k.contains(' ');
        let e = seen.entry(k).or_default();
        match e.0.iter_mut().find(|(t, _)| *t == n.entity_type) {
            Some((_, c)) => *c += 1,
            None => e.0.push((n.entity_type, 1)),
        }
        e.1 |= titled;
    }
    for n in names.iter_mut() {
        let k = key(&text[n.start..n.end]);
        let Some((counts, titled)) = seen.get(k) else {
            continue;
        };
        if counts.len() == 1 && !titled {
            continue;
        }
        let name_like = |t: EntityType| {
            matches!(
                t,
                EntityType::Person
                    | EntityType::Org
                    | EntityType::Gpe
                    | EntityType::Loc
                    | EntityType::Misc
            )
        };
        if *titled && name_like(n.entity_type) {
            n.entity_type = EntityType::Person;
            continue;
        }
        // The majority; the first seen wins ties; MISC loses to any other.
        let best = counts
            .iter()
            .enumerate()
            .max_by_key(|(i, (t, c))| (*c, *t != EntityType::Misc, std::cmp::Reverse(*i)))
            .map(|(_, (t, _))| *t);
        if let Some(t) = best
            && name_like(n.entity_type)
            && name_like(t)
        {
            n.entity_type = t;
        }
    }
}

/// The words a person may be called by alone, from a full name.
fn short_forms(name: &str) -> Vec<&str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let first = words[0];
    let first_folded = fold(first);
    if words.len() <= 3
        && (is_family_name(&first_folded) || KOREAN_FAMILY_NAMES.contains(&first_folded.as_str()))
    {
        out.push(first);
    }
    let last = words[words.len() - 1];
    let last = strip_possessive(last);
    out.push(last);
    out.retain(|w| w.chars().count() >= 2 && is_capitalised(w) && !w.ends_with('.'));
    out
}

fn short_references(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    let place_bits = ["COUNTRY", "NORP", "REGION", "STATE"]
        .iter()
        .filter_map(|c| cat_bit(c))
        .fold(0u16, |a, b| a | b);
    let mut forms: Vec<&str> = names
        .iter()
        .filter(|n| n.entity_type == EntityType::Person)
        .flat_map(|n| short_forms(&text[n.start..n.end]))
        .filter(|w| lex.categories(&[w]) & place_bits == 0)
        .collect();
    forms.sort_unstable();
    forms.dedup();
    let first_bit = cat_bit("FIRST").unwrap_or(0);
    let mut added = Vec::new();
    for form in forms {
        // Retype the tagger's own mentions of the short form.
        for n in names.iter_mut() {
            if key(&text[n.start..n.end]) == form && n.entity_type != EntityType::Person {
                n.entity_type = EntityType::Person;
            }
        }
        let untagged: Vec<usize> = find_word(text, form)
            .into_iter()
            .filter(|&at| overlapping(names, at, at + form.len()).is_empty())
            .collect();
        if untagged.is_empty() {
            continue;
        }
        let lower = form.to_lowercase();
        if find_word(text, &lower)
            .into_iter()
            .any(|at| !is_capitalised(&text[at..]))
        {
            continue;
        }
        for at in untagged {
            let end = at + form.len();
            // Part of a longer capitalised name the tagger did not find.
            let next =
                word_after(text, end).filter(|w| w.start == end + 1 && is_capitalised(w.text));
            // A capitalised word before is a given name, unless it is only
            // capitalised as a sentence's first word ("Later Wu left").
            let given_name_before = word_before(text, at).is_some_and(|w| {
                w.end + 1 == at
                    && is_capitalised(w.text)
                    && !is_title(w.text)
                    && (!super::words::starts_sentence(text, w.start)
                        || lex.categories(&[w.text]) & first_bit != 0)
            });
            if next.is_some() || given_name_before {
                continue;
            }
            added.push(NameSpan {
                start: at,
                end,
                entity_type: EntityType::Person,
                confidence: 0.8,
            });
        }
    }
    if !added.is_empty() {
        names.extend(added);
        names.sort_by_key(|n| (n.start, n.end));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{after_rule, lexicon};
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        after_rule(text, spans, |names| apply(text, &lexicon(), names))
    }

    #[test]
    fn a_surname_alone_is_the_person_named_in_full_earlier() {
        let text = "Wu Hao flew in. Wu said the deal held. Later Wu left.";
        let got = run(
            text,
            &[("Wu Hao", EntityType::Person), ("Wu", EntityType::Gpe)],
        );
        assert_eq!(
            got,
            vec![
                ("Wu Hao".into(), EntityType::Person),
                ("Wu".into(), EntityType::Person),
                ("Wu".into(), EntityType::Person)
            ]
        );
        let text = "Kim Sun-ja arrived. Kim spoke first.";
        let got = run(text, &[("Kim Sun-ja", EntityType::Person)]);
        assert_eq!(got[1], ("Kim".into(), EntityType::Person));
    }

    #[test]
    fn a_surname_that_is_also_a_common_word_is_not_added() {
        let text = "Ann Young spoke. Many young voters agreed, Young said.";
        let got = run(text, &[("Ann Young", EntityType::Person)]);
        assert_eq!(got, vec![("Ann Young".into(), EntityType::Person)]);
    }

    #[test]
    fn a_title_makes_every_mention_of_a_name_a_person() {
        let text = "adviser Kubrakov said so. Kubrakov's plan failed.";
        let got = run(
            text,
            &[("Kubrakov", EntityType::Org), ("Kubrakov", EntityType::Org)],
        );
        assert_eq!(got[0].1, EntityType::Person);
        assert_eq!(got[1].1, EntityType::Person);
    }

    #[test]
    fn the_majority_type_wins() {
        let text = "Harrington-Lowe met staff. Harrington-Lowe left. Harrington-Lowe won.";
        let got = run(
            text,
            &[
                ("Harrington-Lowe", EntityType::Person),
                ("Harrington-Lowe", EntityType::Org),
                ("Harrington-Lowe", EntityType::Person),
            ],
        );
        assert!(got.iter().all(|(_, t)| *t == EntityType::Person));
    }
}
