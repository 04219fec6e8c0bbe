//! OntoNotes conventions over a document's typed names, after the tagger and
//! before linking. The tagger reads sentences; these rules read the document
//! and the raw text around each name, in this order:
//!
//! 1. [`furniture`]: a page's navigation words are not names ("Live",
//!    "Newsletter", "Top Stories").
//!    [`headline`]: in a Title Case line, words the document writes in
//!    lowercase elsewhere are not part of a name ("ASEAN [Leaders Fail]").
//! 2. [`compounds`]: names joined by punctuation or "and" are one name
//!    ("Reuters/Ipsos", "AT&T", "Bosnia and Herzegovina"); names inside a
//!    hyphenated word are typed on their own ("Germany-Poland" → two GPEs,
//!    "Moscow-based" → Moscow) or as one NORP ("Sino-Japanese").
//! 3. [`kinds`]: the OntoNotes types CoNLL lacks, from a name's own words
//!    (EVENT "Halifax International Security Forum", FAC "Incirlik Air Base",
//!    LAW "Digital Markets Act", PRODUCT "HIMARS", "F-16", "Patriot
//!    missiles") and regions in the political sense (LOC "the West", "the
//!    Global South").
//!    [`runs`]: names the tagger missed or cut, as runs of capitalised
//!    words ending in such a word ("the Supply Chain Due Diligence Act").
//! 4. [`places`]: water and landforms are LOC ("the Strait of Malacca",
//!    "the [Niger] river"), towns after "in" are GPE, plural nationalities
//!    NORP, names after "company" ORG, the outlet of a dateline ORG.
//! 5. [`consistency`]: one name, one type within a document; a person's
//!    surname alone later is that person ("Wu Hao … Wu").
//! 6. [`article`]: a leading "the" is inside the names that take it ("the
//!    United States", "the Black Sea"), not one-word ones ("the UN").
//!
//! The span and type conventions themselves are written down, with examples,
//! in `testdata/news/GUIDELINES.md`; every rule has a test with a sentence of
//! the project's own.

pub mod article;
pub mod compounds;
pub mod consistency;
pub mod furniture;
pub mod headline;
pub mod kinds;
pub mod places;
pub mod runs;
pub mod values;
pub mod words;

use crate::EntityType;
use crate::tagger::NameSpan;
use crate::tagger::lexicon::{Lexicon, cat_bit};

/// Organisations usually written as an acronym inside compounds ("EU-China").
const ORG_ACRONYMS: &[&str] = &[
    "EU", "NATO", "UN", "ASEAN", "AU", "OPEC", "IMF", "WTO", "G7", "G20",
];

/// The type the gazetteer gives a word or phrase, if any: a country, state or city
/// is a GPE, a region LOC, a nationality NORP.
pub fn lexicon_type(lex: &Lexicon, word: &str) -> Option<EntityType> {
    if ORG_ACRONYMS.contains(&word) {
        return Some(EntityType::Org);
    }
    let words: Vec<&str> = word.split_whitespace().collect();
    let cats = lex.categories(&words);
    let has = |name: &str| cat_bit(name).is_some_and(|b| cats & b != 0);
    if has("COUNTRY") || has("STATE") || has("CITY") {
        Some(EntityType::Gpe)
    } else if has("REGION") {
        Some(EntityType::Loc)
    } else if has("NORP") {
        Some(EntityType::Norp)
    } else {
        None
    }
}

/// Applies every convention to the names of one document (byte offsets into
/// `text`, sorted by start); returns them sorted and non-overlapping.
pub fn apply(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    names.sort_by_key(|n| (n.start, n.end));
    furniture::drop_furniture(text, names);
    headline::apply(text, names);
    compounds::apply(text, lex, names);
    kinds::apply(text, names);
    runs::apply(text, names);
    places::apply(text, lex, names);
    places::nationalities(text, lex, names);
    consistency::apply(text, lex, names);
    places::org_after_cue(text, lex, names);
    article::apply(text, names);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small gazetteer for the rules' tests.
    pub fn lexicon() -> Lexicon {
        let mut l = Lexicon::default();
        l.add_gazetteer(
            "COUNTRY\tGermany\nCOUNTRY\tPoland\nCOUNTRY\tUS\nCOUNTRY\tChina\nCITY\tMoscow\n\
             CITY\tWarsaw\nNORP\tIsraeli\nNORP\tPalestinian\nNORP\tJapanese\nNORP\tGerman\n\
             REGION\tBalkans\nTITLE\tPresident\n",
        );
        l
    }

    /// Spans for the given texts, found left to right in `text` (each after
    /// the previous one), as the tagger would give them.
    pub fn tagged(text: &str, spans: &[(&str, EntityType)]) -> Vec<NameSpan> {
        let mut from = 0;
        spans
            .iter()
            .map(|(s, t)| {
                let start = from + text[from..].find(s).expect("span text in the sentence");
                from = start + s.len();
                NameSpan {
                    start,
                    end: start + s.len(),
                    entity_type: *t,
                    confidence: 0.9,
                }
            })
            .collect()
    }

    /// The names a rule leaves, given the tagger's spans (see [`tagged`]).
    pub fn after_rule(
        text: &str,
        spans: &[(&str, EntityType)],
        rule: impl FnOnce(&mut Vec<NameSpan>),
    ) -> Vec<(String, EntityType)> {
        let mut names = tagged(text, spans);
        rule(&mut names);
        names_of(text, &names)
    }

    pub fn names_of(text: &str, names: &[NameSpan]) -> Vec<(String, EntityType)> {
        names
            .iter()
            .map(|n| (text[n.start..n.end].to_string(), n.entity_type))
            .collect()
    }

    #[test]
    fn all_conventions_in_one_document() {
        let text = "Live\nthe United States and Germany-Poland talks\n\
                    Wu Hao of S&P Global met officials in the Balkans. Wu said so.";
        let mut names = tagged(
            text,
            &[
                ("Live", EntityType::Org),
                ("United States", EntityType::Gpe),
                ("Germany-Poland", EntityType::Misc),
                ("Wu Hao", EntityType::Person),
                ("Global", EntityType::Org),
                ("Balkans", EntityType::Gpe),
            ],
        );
        apply(text, &lexicon(), &mut names);
        let got = names_of(text, &names);
        let want: Vec<(String, EntityType)> = [
            ("the United States", EntityType::Gpe),
            ("Germany", EntityType::Gpe),
            ("Poland", EntityType::Gpe),
            ("Wu Hao", EntityType::Person),
            ("S&P Global", EntityType::Org),
            ("Balkans", EntityType::Loc),
            ("Wu", EntityType::Person),
        ]
        .iter()
        .map(|(s, t)| (s.to_string(), *t))
        .collect();
        assert_eq!(got, want);
    }
}
