//! Names joined by punctuation or "and", and names inside hyphenated words.
//!
//! - Two places written as one hyphenated word are two names:
//!   "Germany-Poland rail link" → Germany (GPE), Poland (GPE).
//! - Nationality prefixes make one NORP: "Sino-Japanese", "Franco-German";
//!   so do two nationalities: "Israeli-Palestinian".
//! - A name with a lowercase suffix is the name alone: "Moscow-based" →
//!   Moscow (GPE), "Kremlin-backed" → Kremlin.
//! - A slash between an organisation and another name makes one ORG:
//!   "Reuters/Ipsos".
//! - An ampersand joins one name: "AT&T", "S&P Global", "Procter & Gamble".
//! - Countries whose name contains "and" are one GPE: "Bosnia and
//!   Herzegovina", "Trinidad and Tobago".

use super::lexicon_type;
use super::words::{find_word, is_capitalised, is_lowercase_word, word_before, word_end};
use crate::EntityType;
use crate::tagger::NameSpan;
use crate::tagger::lexicon::Lexicon;

/// Combining forms of nationalities ("Sino-", "Franco-").
const NATIONALITY_PREFIXES: &[&str] = &[
    "Afro", "Anglo", "Austro", "Euro", "Franco", "Greco", "Hispano", "Ibero", "Indo", "Irano",
    "Italo", "Judeo", "Luso", "Nippo", "Russo", "Sino", "Turco", "Serbo", "Germano", "Polono",
    "Dano", "Swedo", "Belgo", "Hungaro", "Czecho", "Slavo", "Arabo",
];

/// Hyphenated words that are one region, not a compound of nationalities.
const REGION_COMPOUNDS: &[&str] = &[
    "Indo-Pacific",
    "Asia-Pacific",
    "Euro-Atlantic",
    "Afro-Eurasia",
];

/// Lowercase second parts after which the first part is the name alone.
const NAME_SUFFIXES: &[&str] = &[
    "affiliated",
    "aligned",
    "allied",
    "appointed",
    "backed",
    "based",
    "born",
    "bound",
    "brokered",
    "built",
    "centric",
    "controlled",
    "designed",
    "flagged",
    "focused",
    "friendly",
    "funded",
    "headquartered",
    "held",
    "inspired",
    "led",
    "linked",
    "listed",
    "made",
    "occupied",
    "oriented",
    "owned",
    "produced",
    "registered",
    "run",
    "speaking",
    "sponsored",
    "style",
    "supplied",
    "supported",
    "wide",
];

/// Countries and territories whose names contain "and".
const AND_NAMES: &[&str] = &[
    "Bosnia and Herzegovina",
    "Trinidad and Tobago",
    "Antigua and Barbuda",
    "Saint Kitts and Nevis",
    "St Kitts and Nevis",
    "Sao Tome and Principe",
    "São Tomé and Príncipe",
    "Saint Vincent and the Grenadines",
    "Turks and Caicos Islands",
    "Turks and Caicos",
    "Saint Pierre and Miquelon",
    "Wallis and Futuna",
    "Heard Island and McDonald Islands",
];

/// Applies every rule of this module.
pub fn apply(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    hyphenated(text, lex, names);
    slashes(text, names);
    ampersands(text, names);
    and_names(text, names);
}

/// Replaces the spans overlapping `[start, end)` with `new`.
fn replace(names: &mut Vec<NameSpan>, start: usize, end: usize, new: Vec<NameSpan>) {
    names.retain(|n| n.end <= start || n.start >= end);
    names.extend(new);
    names.sort_by_key(|n| (n.start, n.end));
}

fn span(start: usize, end: usize, entity_type: EntityType, confidence: f32) -> NameSpan {
    NameSpan {
        start,
        end,
        entity_type,
        confidence,
    }
}

/// Each hyphenated word with capitalised first part: byte range.
fn hyphenated_words(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find('-') {
        let at = from + i;
        from = at + 1;
        if at == 0 || at + 1 >= bytes.len() || !bytes[at - 1].is_ascii_alphabetic() {
            continue;
        }
        if !(bytes[at + 1] as char).is_alphanumeric() && bytes[at + 1] < 0x80 {
            continue;
        }
        if out.last().is_some_and(|&(_, e)| e > at) {
            continue;
        }
        let Some(first) = word_before(text, at).filter(|w| w.end == at) else {
            continue;
        };
        // Walk back over earlier parts ("Bosnia-Herzegovina-Serbia").
        let mut s = first.start;
        while s > 0 && bytes[s - 1] == b'-' {
            match word_before(text, s - 1) {
                Some(w) if w.end == s - 1 => s = w.start,
                _ => break,
            }
        }
        let end = word_end(text, s);
        if end > at && is_capitalised(&text[s..]) {
            out.push((s, end));
        }
    }
    out
}

fn hyphenated(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    for (start, end) in hyphenated_words(text) {
        let word = &text[start..end];
        let parts: Vec<&str> = word.split('-').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
            continue;
        }
        let covering = names
            .iter()
            .find(|n| n.start <= start && end <= n.end)
            .cloned();
        // A longer name containing the word is the tagger's call ("Indo-Pacific
        // Command"), except for the split of two places.
        let inside_longer = covering
            .as_ref()
            .is_some_and(|n| n.start < start || n.end > end);
        let confidence = covering.as_ref().map_or(0.9, |n| n.confidence);
        if REGION_COMPOUNDS.contains(&word) {
            if !inside_longer {
                replace(
                    names,
                    start,
                    end,
                    vec![span(start, end, EntityType::Loc, confidence)],
                );
            }
            continue;
        }
        let types: Vec<Option<EntityType>> = parts.iter().map(|p| lexicon_type(lex, p)).collect();
        let all_places = parts.iter().all(|p| is_capitalised(p))
            && types
                .iter()
                .all(|t| matches!(t, Some(EntityType::Gpe | EntityType::Loc | EntityType::Org)));
        let nationality = NATIONALITY_PREFIXES.contains(&parts[0])
            && parts[1..].iter().all(|p| is_capitalised(p))
            || parts.len() == 2 && types.iter().all(|t| *t == Some(EntityType::Norp));
        if all_places && !inside_longer {
            let mut at = start;
            let new = parts
                .iter()
                .zip(&types)
                .map(|(p, t)| {
                    let s = span(at, at + p.len(), t.unwrap_or(EntityType::Gpe), confidence);
                    at += p.len() + 1;
                    s
                })
                .collect();
            replace(names, start, end, new);
        } else if nationality && !inside_longer {
            replace(
                names,
                start,
                end,
                vec![span(start, end, EntityType::Norp, confidence)],
            );
        } else if parts.len() == 2
            && is_lowercase_word(parts[1])
            && NAME_SUFFIXES.contains(&parts[1])
            && !inside_longer
        {
            let name_end = start + parts[0].len();
            let ty = types[0].or(covering.map(|n| n.entity_type));
            if let Some(ty) = ty {
                replace(
                    names,
                    start,
                    end,
                    vec![span(start, name_end, ty, confidence)],
                );
            }
        }
    }
}

/// "Reuters/Ipsos": a name, a slash, a name, no spaces.
fn slashes(text: &str, names: &mut Vec<NameSpan>) {
    let mut i = 0;
    while i + 1 < names.len() {
        let (a, b) = (names[i].clone(), names[i + 1].clone());
        let joined = &text[a.end..b.start] == "/"
            && (a.entity_type == EntityType::Org || b.entity_type == EntityType::Org)
            && ![a.entity_type, b.entity_type]
                .iter()
                .any(|t| matches!(t, EntityType::Gpe | EntityType::Loc | EntityType::Norp));
        if joined {
            names[i] = span(
                a.start,
                b.end,
                EntityType::Org,
                a.confidence.min(b.confidence),
            );
            names.remove(i + 1);
        } else {
            i += 1;
        }
    }
}

/// "AT&T", "S&P Global", "Procter & Gamble".
fn ampersands(text: &str, names: &mut Vec<NameSpan>) {
    let mut from = 0;
    while let Some(i) = text[from..].find('&') {
        let at = from + i;
        from = at + 1;
        let bytes = text.as_bytes();
        let tight = at > 0
            && at + 1 < bytes.len()
            && bytes[at - 1].is_ascii_uppercase()
            && bytes[at + 1].is_ascii_uppercase();
        let spaced = text[..at].ends_with(' ') && text[at + 1..].starts_with(' ');
        if !tight && !spaced {
            continue;
        }
        if tight && is_common_abbreviation(text, at) {
            continue;
        }
        // The left name: a span ending at the left word, or that word.
        let Some(left) = word_before(text, if tight { at } else { at - 1 }) else {
            continue;
        };
        let right_start = if tight { at + 1 } else { at + 2 };
        let right_end = word_end(text, right_start);
        if right_end == right_start
            || !is_capitalised(left.text)
            || !is_capitalised(&text[right_start..])
        {
            continue;
        }
        let mut start = left.start;
        let mut end = right_end;
        let mut confidence = 0.9f32;
        for n in names.iter() {
            if n.end >= left.start && n.start <= left.start {
                start = start.min(n.start);
                confidence = confidence.min(n.confidence);
            }
            if n.start <= right_start && n.end >= right_start {
                end = end.max(n.end);
                confidence = confidence.min(n.confidence);
            }
        }
        // With no span on the right, take the capitalised words that follow
        // ("S&P Global Ratings").
        if !names
            .iter()
            .any(|n| n.start <= right_start && n.end > right_start)
        {
            end = extend_capitalised(text, end);
        }
        replace(
            names,
            start,
            end,
            vec![span(start, end, EntityType::Org, confidence)],
        );
        from = end.max(from);
    }
}

/// "Q&A", "R&D", "M&A": abbreviations of common words, not names.
fn is_common_abbreviation(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    let one_letter_each = (at < 2 || !b[at - 2].is_ascii_alphanumeric())
        && (at + 2 >= b.len() || !b[at + 2].is_ascii_alphanumeric());
    one_letter_each
        && matches!(
            (b[at - 1], b[at + 1]),
            (b'Q', b'A')
                | (b'R', b'D')
                | (b'M', b'A')
                | (b'B', b'B')
                | (b'P', b'L')
                | (b'F', b'B')
                | (b'O', b'M')
        )
}

/// Extends `end` over following capitalised words on the same line.
fn extend_capitalised(text: &str, mut end: usize) -> usize {
    loop {
        let rest = &text[end..];
        if !rest.starts_with(' ') {
            return end;
        }
        let s = end + 1;
        let e = word_end(text, s);
        if e == s || !is_capitalised(&text[s..e]) {
            return end;
        }
        end = e;
    }
}

fn and_names(text: &str, names: &mut Vec<NameSpan>) {
    if !text.contains(" and ") {
        return;
    }
    for name in AND_NAMES {
        for at in find_word(text, name) {
            let end = at + name.len();
            let confidence = names
                .iter()
                .filter(|n| n.start < end && n.end > at)
                .map(|n| n.confidence)
                .fold(0.9f32, f32::min);
            replace(
                names,
                at,
                end,
                vec![span(at, end, EntityType::Gpe, confidence)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lexicon, names_of, tagged};
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        let mut names = tagged(text, spans);
        apply(text, &lexicon(), &mut names);
        names_of(text, &names)
    }

    #[test]
    fn two_places_in_one_hyphenated_word_are_two_names() {
        let got = run(
            "The Germany-Poland rail link opens.",
            &[("Germany-Poland", EntityType::Gpe)],
        );
        assert_eq!(
            got,
            vec![
                ("Germany".into(), EntityType::Gpe),
                ("Poland".into(), EntityType::Gpe)
            ]
        );
        let got = run("New US-China talks began.", &[]);
        assert_eq!(
            got,
            vec![
                ("US".into(), EntityType::Gpe),
                ("China".into(), EntityType::Gpe)
            ]
        );
    }

    #[test]
    fn nationality_compounds_are_one_norp() {
        let got = run("a Sino-Japanese accord and Franco-German ties", &[]);
        assert_eq!(
            got,
            vec![
                ("Sino-Japanese".into(), EntityType::Norp),
                ("Franco-German".into(), EntityType::Norp)
            ]
        );
        let got = run(
            "the Israeli-Palestinian talks",
            &[("Israeli-Palestinian", EntityType::Misc)],
        );
        assert_eq!(got, vec![("Israeli-Palestinian".into(), EntityType::Norp)]);
    }

    #[test]
    fn a_name_with_a_lowercase_suffix_is_the_name_alone() {
        let got = run("a Moscow-based fund", &[("Moscow-based", EntityType::Misc)]);
        assert_eq!(got, vec![("Moscow".into(), EntityType::Gpe)]);
        let got = run(
            "the Kremlin-backed party",
            &[("Kremlin-backed", EntityType::Org)],
        );
        assert_eq!(got, vec![("Kremlin".into(), EntityType::Org)]);
        // A given name with a lowercase second syllable is not a suffix.
        let got = run("Kim Sun-ja spoke.", &[("Kim Sun-ja", EntityType::Person)]);
        assert_eq!(got, vec![("Kim Sun-ja".into(), EntityType::Person)]);
    }

    #[test]
    fn slash_ampersand_and_and_join_one_name() {
        let got = run(
            "a Reuters/Ipsos poll",
            &[("Reuters", EntityType::Org), ("Ipsos", EntityType::Person)],
        );
        assert_eq!(got, vec![("Reuters/Ipsos".into(), EntityType::Org)]);
        let got = run(
            "Israel/Gaza",
            &[("Israel", EntityType::Gpe), ("Gaza", EntityType::Gpe)],
        );
        assert_eq!(got.len(), 2);
        let got = run("shares of AT&T fell", &[]);
        assert_eq!(got, vec![("AT&T".into(), EntityType::Org)]);
        let got = run(
            "S&P Global Ratings cut it",
            &[("Global Ratings", EntityType::Org)],
        );
        assert_eq!(got, vec![("S&P Global Ratings".into(), EntityType::Org)]);
        let got = run(
            "Procter & Gamble rose",
            &[
                ("Procter", EntityType::Person),
                ("Gamble", EntityType::Person),
            ],
        );
        assert_eq!(got, vec![("Procter & Gamble".into(), EntityType::Org)]);
        let got = run(
            "in Bosnia and Herzegovina today",
            &[
                ("Bosnia", EntityType::Gpe),
                ("Herzegovina", EntityType::Gpe),
            ],
        );
        assert_eq!(
            got,
            vec![("Bosnia and Herzegovina".into(), EntityType::Gpe)]
        );
    }
}
