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
use super::words::{
    in_title_case_line, is_capitalised, is_lowercase_word, overlapping, word_after, word_before,
    word_end,
};
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
    possessive_names(text, names);
    institutions(text, names);
}

/// Replaces the spans overlapping `[start, end)` with `new`.
/// Replaces the spans overlapping `[start, end)` with `new` (spans inside
/// that range), keeping the names sorted without a scan of them all.
fn replace(names: &mut Vec<NameSpan>, start: usize, end: usize, mut new: Vec<NameSpan>) {
    new.sort_by_key(|n| (n.start, n.end));
    let range = overlapping(names, start, end);
    names.splice(range, new);
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
        let covering = names[overlapping(names, start, end)]
            .iter()
            .find(|n| n.start <= start && end <= n.end)
            .cloned();
        // A longer name containing the word is the tagger's call ("Indo-Pacific
        // Command"), except for the split of two places.
        let inside_longer = covering
            .as_ref()
            .is_some_and(|n| n.start < start || n.end > end);
        let confidence = covering.as_ref().map_or(0.9, |n| n.confidence);
        if inside_longer
            && parts.len() == 2
            && NAME_SUFFIXES.contains(&parts[1])
            && let Some(outer) = covering.clone()
        {
            split_modifier(text, lex, names, &outer, (start, end), parts[0]);
            continue;
        }
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

/// "the Bucharest-based Black Sea Energy Observatory" as one span: the
/// place is a name of its own and the name after the compound another, of
/// the span's type; "the" and the compound's suffix belong to neither.
fn split_modifier(
    text: &str,
    lex: &Lexicon,
    names: &mut Vec<NameSpan>,
    outer: &NameSpan,
    (start, end): (usize, usize),
    first: &str,
) {
    let before = text[outer.start..start].trim();
    if !matches!(before, "" | "the" | "The" | "a" | "an" | "A" | "An") {
        return;
    }
    let place_type = lexicon_type(lex, first).unwrap_or(EntityType::Gpe);
    let mut new = vec![span(
        start,
        start + first.len(),
        place_type,
        outer.confidence,
    )];
    if let Some(w) = word_after(text, end)
        && w.start < outer.end
        && is_capitalised(w.text)
    {
        new.push(span(
            w.start,
            outer.end,
            outer.entity_type,
            outer.confidence,
        ));
    }
    replace(names, outer.start, outer.end, new);
}

/// Names that end in a possessive 's: "Moody's", "McDonald's".
const POSSESSIVE_NAMES: &[&str] = &[
    "Moody",
    "McDonald",
    "Sainsbury",
    "Macy",
    "Kellogg",
    "Christie",
    "Sotheby",
    "Lloyd",
    "Domino",
    "Wendy",
    "Hershey",
    "Walgreen",
    "Levi",
];

fn possessive_names(text: &str, names: &mut [NameSpan]) {
    for n in names.iter_mut() {
        if !POSSESSIVE_NAMES.contains(&&text[n.start..n.end]) {
            continue;
        }
        for apostrophe in ["'s", "’s"] {
            if text[n.end..].starts_with(apostrophe) {
                n.end += apostrophe.len();
                n.entity_type = EntityType::Org;
                break;
            }
        }
    }
}

/// Heads of institutions whose names go on with "of …" and lists: "the
/// Court of Justice of the European Union", "the Ministry of Ports,
/// Shipping and Waterways".
const INSTITUTION_WORDS: &[&str] = &[
    "Ministry",
    "Department",
    "Bureau",
    "Office",
    "School",
    "Institute",
    "Faculty",
    "Committee",
    "Council",
    "Commission",
    "Federation",
    "Association",
    "Court",
    "Authority",
    "Agency",
    "University",
    "College",
    "Academy",
    "Centre",
    "Center",
    "Board",
    "Union",
    "Organisation",
    "Organization",
    "Party",
    "Directorate",
    "Service",
    "Fund",
    "Bank",
    "Chamber",
];

fn institutions(text: &str, names: &mut Vec<NameSpan>) {
    let mut i = 0;
    while i < names.len() {
        let n = names[i].clone();
        i += 1;
        let name = &text[n.start..n.end];
        let is_institution = n.entity_type == EntityType::Org
            && name
                .split_whitespace()
                .any(|w| INSTITUTION_WORDS.contains(&w));
        if !is_institution || in_title_case_line(text, n.start) {
            continue;
        }
        let mut end = n.end;
        // "… of the European Union", "… of Singapore".
        loop {
            let rest = &text[end..];
            let skip = if rest.starts_with(" of the ") {
                8
            } else if rest.starts_with(" of ") {
                4
            } else {
                break;
            };
            let next_start = end + skip;
            let at = names.partition_point(|m| m.start < next_start);
            match names.get(at).filter(|m| m.start == next_start) {
                Some(m)
                    if matches!(
                        m.entity_type,
                        EntityType::Org | EntityType::Gpe | EntityType::Loc
                    ) =>
                {
                    end = m.end;
                }
                _ => break,
            }
        }
        // "European Council on Foreign Relations", "Centre for Climate
        // Equity": an untagged capitalised subject after "on" or "for".
        for joint in [" on ", " for "] {
            if text[end..].starts_with(joint) {
                let s = end + joint.len();
                let e = word_end(text, s);
                let free = overlapping(names, s, e).is_empty();
                if e > s && is_capitalised(&text[s..e]) && free {
                    end = extend_capitalised(text, e);
                }
                break;
            }
        }
        // "Ministry of Ports, Shipping and Waterways": capitalised words in a
        // list that ends with "and X", none of them a name of its own.
        let list_is_free = |from: usize, to: usize| {
            !names[overlapping(names, from, to)].iter().any(|m| {
                m.start >= from && m.start < to && m.entity_type != EntityType::Org
                    || m.start >= from && m.end < to
            })
        };
        if text[n.start..end].contains(" of ") {
            let mut k = end;
            let mut list_end = None;
            loop {
                let sep = if text[k..].starts_with(", ") {
                    2
                } else if text[k..].starts_with(" and ") {
                    5
                } else {
                    break;
                };
                let w_start = k + sep;
                let w_end = word_end(text, w_start);
                if w_end == w_start || !is_capitalised(&text[w_start..w_end]) {
                    break;
                }
                k = w_end;
                if sep == 5 {
                    list_end = Some(w_end);
                    break;
                }
            }
            if let Some(e) = list_end
                && list_is_free(end, e)
            {
                end = e;
            }
        }
        if end > n.end {
            replace(
                names,
                n.start,
                end,
                vec![span(n.start, end, EntityType::Org, n.confidence)],
            );
            i = names
                .iter()
                .position(|m| m.start == n.start)
                .map_or(i, |p| p + 1);
        }
    }
}

/// "Reuters/Ipsos": a name, a slash, a name, no spaces.
fn slashes(text: &str, names: &mut Vec<NameSpan>) {
    // A tagged organisation with untagged capitalised words after its slash
    // ("Novus/Dagens Nyheter"): the words join it.
    for idx in 0..names.len() {
        let n = names[idx].clone();
        if n.entity_type == EntityType::Org && text[n.end..].starts_with('/') {
            let s = n.end + 1;
            let e = word_end(text, s);
            let free = overlapping(names, s, e.max(s + 1)).is_empty();
            if e > s && is_capitalised(&text[s..e]) && free {
                names[idx].end = extend_capitalised(text, e);
            }
        }
    }
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
        let near = overlapping(names, left.start.saturating_sub(1), right_start + 1);
        for n in &names[near] {
            if n.end >= left.start && n.start <= left.start {
                start = start.min(n.start);
                confidence = confidence.min(n.confidence);
            }
            if n.start <= right_start && n.end >= right_start {
                end = end.max(n.end);
                confidence = confidence.min(n.confidence);
            }
        }
        // Take the capitalised words that follow ("S&P Global Ratings"),
        // except in a headline, where every word is capitalised.
        let right_tagged = !overlapping(names, right_start, right_start + 1).is_empty();
        if (tight || !right_tagged) && !in_title_case_line(text, at) {
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
    // Each " and " of the text is looked at once: the word before it says
    // which names could be there.
    for (at_and, _) in text.match_indices(" and ") {
        let Some(before) = word_before(text, at_and) else {
            continue;
        };
        for name in AND_NAMES {
            let Some(offset) = name.find(" and ") else {
                continue;
            };
            if offset > at_and || !name[..offset].ends_with(before.text) {
                continue;
            }
            let at = at_and - offset;
            let end = at + name.len();
            let whole = text.is_char_boundary(at)
                && text[at..].starts_with(name)
                && text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
                && text[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
            if !whole {
                continue;
            }
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
            break;
        }
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

    #[test]
    fn slash_possessive_names() {
        let got = run("A Novus/Dagens Nyheter poll", &[("Novus", EntityType::Org)]);
        assert_eq!(got, vec![("Novus/Dagens Nyheter".into(), EntityType::Org)]);
        let got = run("Moody's and Fitch", &[("Moody", EntityType::Person)]);
        assert_eq!(got[0], ("Moody's".into(), EntityType::Org));
        let got = run("AT&T and S&P Global said", &[("S&P", EntityType::Org)]);
        assert_eq!(
            got,
            vec![
                ("AT&T".into(), EntityType::Org),
                ("S&P Global".into(), EntityType::Org)
            ]
        );
    }

    #[test]
    fn a_compound_with_a_place_splits_a_longer_name() {
        let text = "an analyst at the Bucharest-based Black Sea Energy Observatory said";
        let got = run(
            text,
            &[(
                "the Bucharest-based Black Sea Energy Observatory",
                EntityType::Org,
            )],
        );
        assert_eq!(
            got,
            vec![
                ("Bucharest".into(), EntityType::Gpe),
                ("Black Sea Energy Observatory".into(), EntityType::Org)
            ]
        );
    }

    #[test]
    fn institutions_keep_their_of_and_lists() {
        let text = "a clash at the Court of Justice of the European Union next year";
        let got = run(
            text,
            &[
                ("Court of Justice", EntityType::Org),
                ("European Union", EntityType::Org),
            ],
        );
        assert_eq!(
            got,
            vec![(
                "Court of Justice of the European Union".into(),
                EntityType::Org
            )]
        );
        let text = "The Ministry of Ports, Shipping and Waterways has set";
        let got = run(
            text,
            &[
                ("Ministry of Ports", EntityType::Org),
                ("Waterways", EntityType::Org),
            ],
        );
        assert_eq!(
            got,
            vec![(
                "Ministry of Ports, Shipping and Waterways".into(),
                EntityType::Org
            )]
        );
    }
}
