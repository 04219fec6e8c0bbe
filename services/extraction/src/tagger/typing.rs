//! From the tagger's CoNLL types to OntoNotes types, and Dossier's span
//! conventions.
//!
//! - PER → PERSON, without leading titles or honorifics ("President Ann Smith"
//!   → "Ann Smith").
//! - LOC → GPE for countries, states and cities (gazetteer), LOC for regions,
//!   seas, rivers and mountains, FAC for buildings, airports, bridges
//!   (keyword rules); otherwise GPE unless a geographic keyword says LOC.
//! - ORG → ORG, without a leading lowercase "the".
//! - MISC → NORP (nationalities, religious and political groups), EVENT,
//!   LAW, PRODUCT, else MISC.
//! - A possessive `'s` and edge punctuation are never part of a span.

use super::TokenSpan;
use super::lexicon::{Lexicon, cat_bit};
use crate::EntityType;

/// A typed span over token indices of one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typed {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
}

const GEO_LOC_WORDS: &[&str] = &[
    "river",
    "sea",
    "ocean",
    "lake",
    "mountains",
    "mountain",
    "mount",
    "mt",
    "mt.",
    "valley",
    "island",
    "islands",
    "peninsula",
    "gulf",
    "bay",
    "desert",
    "coast",
    "strait",
    "straits",
    "channel",
    "basin",
    "plateau",
    "plain",
    "plains",
    "delta",
    "region",
    "highlands",
    "heights",
    "forest",
    "alps",
    "canyon",
];

const EVENT_WORDS: &[&str] = &[
    "cup",
    "olympics",
    "olympic",
    "games",
    "championship",
    "championships",
    "war",
    "summit",
    "open",
    "tour",
    "prix",
    "grand",
    "revolution",
    "election",
    "elections",
    "festival",
    "expo",
    "marathon",
    "series",
    "bowl",
    "derby",
    "classic",
    "trophy",
    "tournament",
    "conference",
    "crisis",
    "uprising",
    "massacre",
    "world",
    "masters",
    "rally",
    "regatta",
    "invasion",
    "war",
    "intifada",
];

const LAW_WORDS: &[&str] = &[
    "act",
    "treaty",
    "accord",
    "accords",
    "agreement",
    "convention",
    "constitution",
    "amendment",
    "bill",
    "law",
    "charter",
    "protocol",
    "code",
    "directive",
    "resolution",
    "pact",
];

/// Named storms are events, whatever the tagger thought ("Typhoon Mirae").
const STORM_WORDS: &[&str] = &["Typhoon", "Hurricane", "Cyclone", "Storm", "Tropical"];

/// Facility words that never end a person's name, so a "person" ending in
/// one is a facility named after someone ("Ninoy Aquino International
/// Airport"). Words that are also surnames (Park, Hall, Church) are left out.
/// Last words that make a name the tagger took for a person's an
/// organisation's ("Qamar Gas Carriers", "Halvorsen Holdings"). Only words
/// that are not also common surnames.
const ORG_NOT_PERSON: &[&str] = &[
    "Airlines",
    "Airways",
    "Associates",
    "Bancorp",
    "Carriers",
    "Corp",
    "Corporation",
    "Holdings",
    "Inc",
    "Industries",
    "Logistics",
    "Ltd",
    "Partners",
    "Pharmaceuticals",
    "Shipping",
    "Shipyards",
    "Technologies",
    "Telecom",
];

const FAC_NOT_PERSON: &[&str] = &[
    "Airport",
    "Arena",
    "Bridge",
    "Building",
    "Cathedral",
    "Center",
    "Centre",
    "Hospital",
    "Hotel",
    "Library",
    "Memorial",
    "Museum",
    "Palace",
    "Stadium",
    "Station",
    "Tower",
    "Airbase",
];

/// Buildings and streets that news uses for the government inside them
/// ("the Kremlin said"); OntoNotes annotates these uses as ORG.
const GOVERNMENT_SEATS: &[&[&str]] = &[
    &["Kremlin"],
    &["White", "House"],
    &["Pentagon"],
    &["Downing", "Street"],
    &["Elysee"],
    &["Élysée"],
    &["Blue", "House"],
    &["Zhongnanhai"],
];

/// Last words that make an ORG-looking name a law or treaty ("Paris
/// Agreement", "Patriot Act"); the tagger's CoNLL types have no LAW.
const LAW_NAME_ENDS: &[&str] = &[
    "Act",
    "Agreement",
    "Accord",
    "Accords",
    "Treaty",
    "Protocol",
    "Convention",
    "Charter",
];

fn is_government_seat(phrase: &[&str]) -> bool {
    GOVERNMENT_SEATS.contains(&phrase)
}

/// "G7", "G20", "G77": groups of countries, organisations in OntoNotes.
fn is_country_group(phrase: &[&str]) -> bool {
    matches!(phrase, [w] if w.len() <= 4
        && w.starts_with('G')
        && w.len() > 1
        && w[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// Types a tagger span, trimming titles, possessives and edge punctuation.
/// Returns `None` if nothing of the span is left.
pub fn assign<S: AsRef<str>>(lex: &Lexicon, words: &[S], span: &TokenSpan) -> Option<Typed> {
    let w = |i: usize| words.get(i).map_or("", |s| s.as_ref());
    let (mut a, mut b) = (span.start, span.end.min(words.len()));
    // Edge punctuation and possessives.
    while a < b && !has_alnum(w(a)) {
        a += 1;
    }
    while b > a && (!has_alnum(w(b - 1)) || is_possessive(w(b - 1))) {
        b -= 1;
    }
    if a >= b {
        return None;
    }
    let title = cat_bit("TITLE").unwrap_or(0);
    let ty = span.ty;
    if ty == 0 {
        // Titles before a name: "President Ann Smith", "Mr. Smith".
        while b - a > 1 && lex.categories(&[w(a)]) & title != 0 {
            a += 1;
        }
    }
    // "the" is not part of an ORG name, nor is a sentence-initial "The"
    // (capitalised by position, not because it belongs to the name).
    let sentence_start = a == 0 || !has_alnum(w(a - 1));
    if ty == 2 && b - a > 1 && (w(a) == "the" || (w(a) == "The" && sentence_start)) {
        a += 1;
    }
    let phrase: Vec<&str> = (a..b).map(w).collect();
    if phrase.len() > 1 && STORM_WORDS.contains(&phrase[0]) {
        return Some(Typed {
            start: a,
            end: b,
            entity_type: EntityType::Event,
        });
    }
    let last = phrase[phrase.len() - 1];
    let entity_type = match ty {
        _ if is_government_seat(&phrase) || is_country_group(&phrase) => EntityType::Org,
        0 if phrase.len() > 1 && FAC_NOT_PERSON.contains(&last) => EntityType::Fac,
        0 if phrase.len() > 1 && ORG_NOT_PERSON.contains(&last) => EntityType::Org,
        0 => EntityType::Person,
        1 => location_type(lex, &phrase),
        2 if phrase.len() > 1 && LAW_NAME_ENDS.contains(&last) => EntityType::Law,
        2 => EntityType::Org,
        _ => misc_type(lex, &phrase),
    };
    Some(Typed {
        start: a,
        end: b,
        entity_type,
    })
}

fn has_alnum(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

fn is_possessive(s: &str) -> bool {
    matches!(s, "'s" | "’s" | "'S" | "’S" | "'" | "’")
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn cat_bits(names: &[&str]) -> u16 {
    names
        .iter()
        .filter_map(|n| cat_bit(n))
        .fold(0, |a, b| a | b)
}

/// LOC → GPE, LOC or FAC.
fn location_type(lex: &Lexicon, phrase: &[&str]) -> EntityType {
    let cats = lex.categories(phrase);
    let last = phrase.last().map(|s| lower(s)).unwrap_or_default();
    let first = phrase.first().map(|s| lower(s)).unwrap_or_default();
    if cats & cat_bits(&["REGION"]) != 0 {
        return EntityType::Loc;
    }
    if cats & cat_bits(&["COUNTRY", "STATE", "CITY"]) != 0 {
        return EntityType::Gpe;
    }
    if phrase.len() > 1 && lex.categories(&[phrase[phrase.len() - 1]]) & cat_bits(&["FACKEY"]) != 0
    {
        return EntityType::Fac;
    }
    if GEO_LOC_WORDS.contains(&last.as_str()) || GEO_LOC_WORDS.contains(&first.as_str()) {
        return EntityType::Loc;
    }
    EntityType::Gpe
}

/// MISC → NORP, EVENT, LAW, PRODUCT or MISC.
fn misc_type(lex: &Lexicon, phrase: &[&str]) -> EntityType {
    let cats = lex.categories(phrase);
    let norp = cat_bits(&["NORP"]);
    if cats & norp != 0 || phrase.len() == 1 && is_demonym_like(phrase[0]) {
        return EntityType::Norp;
    }
    let lowers: Vec<String> = phrase.iter().map(|s| lower(s)).collect();
    let last = lowers.last().map(String::as_str).unwrap_or("");
    if LAW_WORDS.contains(&last)
        || lowers
            .first()
            .is_some_and(|f| LAW_WORDS.contains(&f.as_str()))
            && lowers.get(1).is_some_and(|s| s == "of")
    {
        return EntityType::Law;
    }
    if lowers.iter().any(|l| EVENT_WORDS.contains(&l.as_str())) {
        return EntityType::Event;
    }
    let has_digit = phrase.iter().any(|s| s.chars().any(|c| c.is_ascii_digit()));
    let has_alpha = phrase.iter().any(|s| s.chars().any(char::is_alphabetic));
    if has_digit && has_alpha {
        return EntityType::Product;
    }
    // "Russian-born", "Israeli-Palestinian": NORP-like compounds.
    if phrase.len() == 1
        && phrase[0]
            .split('-')
            .all(|p| lex.categories(&[p]) & norp != 0)
    {
        return EntityType::Norp;
    }
    EntityType::Misc
}

fn is_demonym_like(word: &str) -> bool {
    let w = word.trim_end_matches('s');
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    capital
        && ["ian", "ean", "ese", "ish", "ani", "stani", "iote"]
            .iter()
            .any(|s| w.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let mut l = Lexicon::default();
        l.add_gazetteer(
            "TITLE\tPresident\nTITLE\tMr.\nCOUNTRY\tFrance\nCITY\tParis\nREGION\tMiddle East\nNORP\tGerman\nFACKEY\tAirport\n",
        );
        l
    }

    fn typed(words: &[&str], ty: usize) -> (Vec<String>, EntityType) {
        let sp = TokenSpan {
            start: 0,
            end: words.len(),
            ty,
            confidence: 1.0,
        };
        let t = assign(&lex(), words, &sp).unwrap();
        (
            words[t.start..t.end]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            t.entity_type,
        )
    }

    #[test]
    fn person_titles_and_possessives() {
        assert_eq!(
            typed(&["President", "Ann", "Smith"], 0),
            (vec!["Ann".into(), "Smith".into()], EntityType::Person)
        );
        assert_eq!(
            typed(&["Mr.", "Smith", "'s"], 0),
            (vec!["Smith".into()], EntityType::Person)
        );
        assert_eq!(typed(&["the", "Red", "Cross"], 2).0, vec!["Red", "Cross"]);
        assert_eq!(typed(&["The", "World", "Bank"], 2).0, vec!["World", "Bank"]);
    }

    #[test]
    fn metonyms_groups_and_laws() {
        assert_eq!(typed(&["Kremlin"], 1).1, EntityType::Org);
        assert_eq!(typed(&["White", "House"], 1).1, EntityType::Org);
        assert_eq!(typed(&["G20"], 3).1, EntityType::Org);
        assert_eq!(typed(&["Boeing", "747"], 3).1, EntityType::Product);
        assert_eq!(typed(&["Paris", "Agreement"], 2).1, EntityType::Law);
        assert_eq!(typed(&["Patriot", "Act"], 2).1, EntityType::Law);
        assert_eq!(typed(&["Acme", "Corp"], 2).1, EntityType::Org);
    }

    #[test]
    fn company_words_end_a_person_tagged_name_as_an_org() {
        assert_eq!(typed(&["Qamar", "Gas", "Carriers"], 0).1, EntityType::Org);
        assert_eq!(typed(&["Halvorsen", "Holdings"], 0).1, EntityType::Org);
        assert_eq!(typed(&["Ann", "Holdings"], 0).1, EntityType::Org);
        assert_eq!(typed(&["Ann", "Smith"], 0).1, EntityType::Person);
        assert_eq!(typed(&["Carriers"], 0).1, EntityType::Person);
    }

    #[test]
    fn storms_and_facilities_named_after_people() {
        assert_eq!(typed(&["Typhoon", "Mirae"], 0).1, EntityType::Event);
        let airport = ["Ninoy", "Aquino", "International", "Airport"];
        assert_eq!(typed(&airport, 0).1, EntityType::Fac);
        assert_eq!(typed(&["Geun-hye", "Park"], 0).1, EntityType::Person);
    }

    #[test]
    fn locations() {
        assert_eq!(typed(&["France"], 1).1, EntityType::Gpe);
        assert_eq!(typed(&["Middle", "East"], 1).1, EntityType::Loc);
        assert_eq!(typed(&["Heathrow", "Airport"], 1).1, EntityType::Fac);
        assert_eq!(typed(&["Yellow", "River"], 1).1, EntityType::Loc);
        assert_eq!(typed(&["Springfield"], 1).1, EntityType::Gpe);
    }

    #[test]
    fn misc() {
        assert_eq!(typed(&["German"], 3).1, EntityType::Norp);
        assert_eq!(typed(&["Brazilians"], 3).1, EntityType::Norp);
        assert_eq!(typed(&["World", "Cup"], 3).1, EntityType::Event);
        assert_eq!(typed(&["Clean", "Air", "Act"], 3).1, EntityType::Law);
        assert_eq!(typed(&["Treaty", "of", "Rome"], 3).1, EntityType::Law);
        assert_eq!(typed(&["Boeing", "747"], 3).1, EntityType::Product);
        assert_eq!(typed(&["Internet"], 3).1, EntityType::Misc);
    }
}
