//! Places, water and nationalities that the tagger's four CoNLL types get
//! wrong in today's news.
//!
//! - A name with a geographic word is LOC, whatever the tagger thought:
//!   "the Strait of Malacca", "Scarborough Shoal", "the Gulf of Finland",
//!   "the River Moy", "the North Atlantic"; so is a name followed by a
//!   lowercase geographic noun: "the [Niger] river", "the [Neretva] valley".
//! - A known town or city after a word of place ("in", "near", "outside")
//!   is a GPE even where the tagger typed it ORG or PERSON: "in [Chisinau]".
//! - A plural nationality is NORP: "[Moldovans] expect", "[South Koreans]".
//! - A name after a word for a company is an ORG: "grid operator
//!   [Fingrid]", "the state company [Kazatomprom]".
//! - The outlet in a dateline is an ORG and the place before it a GPE:
//!   "WARSAW (Dossier Wire) —".

use super::lexicon_type;
use super::words::{is_capitalised, overlapping, strip_the, word_after, word_before};
use crate::EntityType;
use crate::tagger::NameSpan;
use crate::tagger::lexicon::{Lexicon, cat_bit};

/// Words that make a name a body of water or a landform, as its last word
/// ("Scarborough Shoal") or its first before "of" ("Strait of Malacca").
const GEO_WORDS: &[&str] = &[
    "Sea",
    "Ocean",
    "Strait",
    "Straits",
    "Gulf",
    "Bay",
    "Shoal",
    "Reef",
    "Atoll",
    "Sound",
    "Channel",
    "River",
    "Lake",
    "Lagoon",
    "Fjord",
    "Delta",
    "Basin",
    "Valley",
    "Gorge",
    "Mountains",
    "Mountain",
    "Mount",
    "Range",
    "Peninsula",
    "Island",
    "Islands",
    "Isles",
    "Archipelago",
    "Desert",
    "Plateau",
    "Steppe",
    "Cape",
    "Gap",
    "Glacier",
    "Estuary",
    "Coast",
    "Highlands",
    "Darya",
];

/// Lowercase nouns after a name that make it a geographic one.
const GEO_NOUNS: &[&str] = &[
    "river",
    "valley",
    "basin",
    "delta",
    "sea",
    "lake",
    "strait",
    "estuary",
    "gorge",
    "mountains",
    "peninsula",
    "desert",
    "plateau",
    "lagoon",
    "glacier",
    "fjord",
];

/// Directions that with an ocean or region make one LOC ("North Atlantic").
const DIRECTIONS: &[&str] = &[
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "High", "Far",
];

const OCEANS: &[&str] = &[
    "Atlantic",
    "Pacific",
    "Arctic",
    "Indian Ocean",
    "North",
    "Mediterranean",
];

/// Words of place before a town's name.
const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "near", "outside", "from", "to", "towards", "toward", "via", "through", "around",
    "across", "into", "between", "of",
];

/// Words for a company or an organisation before its name.
const ORG_CUES: &[&str] = &[
    "company",
    "firm",
    "operator",
    "producer",
    "maker",
    "group",
    "lender",
    "bank",
    "carrier",
    "insurer",
    "giant",
    "conglomerate",
    "trader",
    "utility",
    "miner",
    "supplier",
    "manufacturer",
    "airline",
    "startup",
    "broadcaster",
    "newspaper",
    "outlet",
    "broker",
    "retailer",
    "shipper",
    "shipowner",
    "developer",
    "contractor",
    "consultancy",
    "agency",
    "regulator",
    "pollster",
    "fund",
    "automaker",
    "chipmaker",
    "exchange",
];

fn words(name: &str) -> Vec<&str> {
    name.split_whitespace().collect()
}

/// Whether a name's own words make it a geographic LOC.
pub fn is_geographic(name: &str) -> bool {
    let ws = words(strip_the(name));
    if ws.len() < 2 {
        return false;
    }
    let last = ws[ws.len() - 1];
    let first = ws[0];
    // "Strait of Malacca", "Gulf of Finland", "Cape of Good Hope", "River Moy".
    if GEO_WORDS.contains(&first) && (ws[1] == "of" || first == "River" || first == "Mount") {
        return true;
    }
    if GEO_WORDS.contains(&last) {
        return true;
    }
    // "North Atlantic", "High North".
    ws.len() == 2 && DIRECTIONS.contains(&first) && OCEANS.contains(&last)
}

/// Applies the rules of this module.
pub fn apply(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    for n in names.iter_mut() {
        let name = &text[n.start..n.end];
        if n.entity_type == EntityType::Person || n.entity_type == EntityType::Fac {
            // People are named after rivers less often than taggers think;
            // still, only the strongest evidence moves a PERSON.
            if n.entity_type == EntityType::Person && before_geo_noun(text, n.end) {
                n.entity_type = EntityType::Loc;
            }
            if n.entity_type == EntityType::Person
                && !name.contains(' ')
                && after_place_preposition(text, n.start)
                && lexicon_type(lex, name) == Some(EntityType::Gpe)
            {
                n.entity_type = EntityType::Gpe;
            }
            continue;
        }
        if is_geographic(name) || before_geo_noun(text, n.end) {
            n.entity_type = EntityType::Loc;
            continue;
        }
        // A country is not an organisation or a nationality ("North Korea's
        // Lazarus Group", "the Philippines, which chairs").
        if matches!(n.entity_type, EntityType::Org | EntityType::Norp) && is_country(lex, name) {
            n.entity_type = EntityType::Gpe;
            continue;
        }
        // "the Cincinnati company": a town before a word for its company.
        if matches!(n.entity_type, EntityType::Org | EntityType::Misc)
            && !name.contains(' ')
            && lexicon_type(lex, name) == Some(EntityType::Gpe)
            && word_after(text, n.end)
                .is_some_and(|w| w.start == n.end + 1 && ORG_CUES.contains(&w.text))
        {
            n.entity_type = EntityType::Gpe;
            continue;
        }
        if is_plural_nationality(lex, name)
            && !is_country(lex, name)
            && super::kinds::type_by_words(name, n.entity_type) != Some(EntityType::Loc)
        {
            n.entity_type = EntityType::Norp;
            continue;
        }
        if matches!(n.entity_type, EntityType::Org | EntityType::Misc)
            && !name.contains(' ')
            && after_place_preposition(text, n.start)
            && lexicon_type(lex, name) == Some(EntityType::Gpe)
        {
            n.entity_type = EntityType::Gpe;
            continue;
        }
        if matches!(
            n.entity_type,
            EntityType::Gpe | EntityType::Loc | EntityType::Misc
        ) && lexicon_type(lex, name).is_none()
            && word_before(text, n.start)
                .is_some_and(|w| w.end + 1 == n.start && ORG_CUES.contains(&w.text))
        {
            n.entity_type = EntityType::Org;
        }
    }
    datelines(text, names);
}

/// Retypes PERSON names that a company word precedes (a second pass, after
/// consistency has settled types).
pub fn org_after_cue(text: &str, lex: &Lexicon, names: &mut [NameSpan]) {
    for n in names.iter_mut() {
        let name = &text[n.start..n.end];
        if n.entity_type == EntityType::Person
            && !name.contains(' ')
            && lexicon_type(lex, name).is_none()
            && word_before(text, n.start)
                .is_some_and(|w| w.end + 1 == n.start && ORG_CUES.contains(&w.text))
        {
            n.entity_type = EntityType::Org;
        }
    }
}

fn before_geo_noun(text: &str, end: usize) -> bool {
    word_after(text, end).is_some_and(|w| w.start == end + 1 && GEO_NOUNS.contains(&w.text))
}

fn after_place_preposition(text: &str, start: usize) -> bool {
    word_before(text, start)
        .is_some_and(|w| w.end + 1 == start && PLACE_PREPOSITIONS.contains(&w.text))
}

fn is_country(lex: &Lexicon, name: &str) -> bool {
    cat_bit("COUNTRY").is_some_and(|b| lex.categories(&words(strip_the(name))) & b != 0)
}

/// Nationalities the tagger missed: a known demonym written alone
/// ("Venezuelan or Honduran") and a direction with one ("South Korean",
/// "Central Asian", "Southeast Asian") are NORP.
pub fn nationalities(text: &str, lex: &Lexicon, names: &mut Vec<NameSpan>) {
    let norp = cat_bit("NORP").unwrap_or(0);
    let mut added: Vec<NameSpan> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        // The next word start: skip to an alphanumeric character.
        let Some(skip) = text[at..].find(|c: char| c.is_alphanumeric()) else {
            break;
        };
        at += skip;
        let Some(w) = word_after(text, at) else {
            break;
        };
        let next = w.end.max(at + 1);
        let word = w.text;
        if is_capitalised(word) && word.len() > 3 && lex.categories(&[word]) & norp != 0 {
            // A direction before it joins the nationality.
            let start = match word_before(text, w.start) {
                Some(d) if d.end + 1 == w.start && DIRECTIONS.contains(&d.text) => d.start,
                _ => w.start,
            };
            let near = &names[overlapping(names, start, w.end)];
            let covered = near.iter().any(|n| n.start <= start && n.end >= w.end);
            let inside_other = near.iter().any(|n| !(n.start >= start && n.end <= w.end));
            let next_is_name = word_after(text, w.end)
                .is_some_and(|x| x.start == w.end + 1 && is_capitalised(x.text));
            if !covered && !inside_other && !next_is_name && !text[w.end..].starts_with('-') {
                added.push(NameSpan {
                    start,
                    end: w.end,
                    entity_type: EntityType::Norp,
                    confidence: 0.8,
                });
            } else if start < w.start && !inside_other && !next_is_name {
                // The tagger's "Asian" or "European" alone: widened.
                let r = overlapping(names, w.start, w.end);
                for n in names[r].iter_mut() {
                    if n.start == w.start && n.end == w.end {
                        n.start = start;
                        n.entity_type = EntityType::Norp;
                    }
                }
            }
        }
        at = next;
    }
    for a in added {
        let r = overlapping(names, a.start, a.end);
        names.splice(r, [a]);
    }
}

/// "Moldovans", "South Koreans", "Venezuelans".
fn is_plural_nationality(lex: &Lexicon, name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || ws.len() > 2 {
        return false;
    }
    let last = ws[ws.len() - 1];
    let Some(singular) = last.strip_suffix('s') else {
        return false;
    };
    is_capitalised(last) && lexicon_type(lex, singular) == Some(EntityType::Norp)
}

/// "WARSAW (Dossier Wire) —", "CONSTANTA, Romania (Dossier Wire) —": the
/// outlet in parentheses after a line-initial place in capitals is an ORG,
/// found or not by the tagger.
fn datelines(text: &str, names: &mut Vec<NameSpan>) {
    let mut line_start = 0;
    let mut added = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some((start, end)) = dateline_outlet(line) {
            // The place before the outlet is a GPE ("NIAMEY", "CONSTANTA, Romania").
            for n in names
                .iter_mut()
                .filter(|n| n.start >= line_start && n.end <= line_start + start)
            {
                if matches!(
                    n.entity_type,
                    EntityType::Org | EntityType::Person | EntityType::Misc
                ) {
                    n.entity_type = EntityType::Gpe;
                }
            }
            let (start, end) = (line_start + start, line_start + end);
            let mut found = false;
            for n in names.iter_mut().filter(|n| n.start < end && n.end > start) {
                found = true;
                if (n.start, n.end) == (start, end) {
                    n.entity_type = EntityType::Org;
                }
            }
            if !found {
                added.push(NameSpan {
                    start,
                    end,
                    entity_type: EntityType::Org,
                    confidence: 0.9,
                });
            }
        }
        line_start += line.len();
    }
    if !added.is_empty() {
        names.extend(added);
        names.sort_by_key(|n| (n.start, n.end));
    }
}

/// The byte range of the outlet in a dateline line, if the line is one.
fn dateline_outlet(line: &str) -> Option<(usize, usize)> {
    let open = line.find('(')?;
    if open > 60 {
        return None;
    }
    let close = open + line[open..].find(')')?;
    let head = &line[..open];
    let place = head.split([',', ' ']).find(|w| !w.is_empty())?;
    let caps_place = place.chars().count() >= 3
        && place.chars().all(|c| !c.is_lowercase())
        && place.chars().any(char::is_alphabetic);
    let dash_after = line[close + 1..].trim_start().starts_with(['—', '–', '-']);
    let outlet = &line[open + 1..close];
    let outlet_ok = !outlet.is_empty()
        && outlet.len() <= 40
        && outlet.split_whitespace().all(is_capitalised)
        && !outlet.chars().any(|c| c.is_ascii_digit());
    (caps_place && dash_after && outlet_ok).then_some((open + 1, close))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{after_rule, lexicon, names_of, tagged};
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        after_rule(text, spans, |names| apply(text, &lexicon(), names))
    }

    #[test]
    fn water_and_landforms_are_loc() {
        assert!(is_geographic("the Strait of Malacca"));
        assert!(is_geographic("Scarborough Shoal"));
        assert!(is_geographic("River Moy"));
        assert!(is_geographic("North Atlantic"));
        assert!(!is_geographic("Malacca Strait Patrols"));
        let got = run(
            "the bridge on the Niger river",
            &[("Niger", EntityType::Gpe)],
        );
        assert_eq!(got, vec![("Niger".into(), EntityType::Loc)]);
        let got = run(
            "ships in the Gulf of Finland",
            &[("Gulf of Finland", EntityType::Org)],
        );
        assert_eq!(got[0].1, EntityType::Loc);
    }

    #[test]
    fn towns_after_a_word_of_place_are_gpe() {
        let got = run("reporters in Moscow said", &[("Moscow", EntityType::Org)]);
        assert_eq!(got, vec![("Moscow".into(), EntityType::Gpe)]);
        let got = run("Moscow said", &[("Moscow", EntityType::Org)]);
        assert_eq!(got, vec![("Moscow".into(), EntityType::Org)]);
    }

    #[test]
    fn nationalities_the_tagger_missed() {
        let text = "Many are Israeli or Palestinian, and South Japanese officials agreed";
        let mut names = tagged(text, &[]);
        nationalities(text, &lexicon(), &mut names);
        assert_eq!(
            names_of(text, &names),
            vec![
                ("Israeli".into(), EntityType::Norp),
                ("Palestinian".into(), EntityType::Norp),
                ("South Japanese".into(), EntityType::Norp)
            ]
        );
    }

    #[test]
    fn plural_nationalities_are_norp() {
        let got = run(
            "most Palestinians agreed",
            &[("Palestinians", EntityType::Gpe)],
        );
        assert_eq!(got, vec![("Palestinians".into(), EntityType::Norp)]);
    }

    #[test]
    fn company_words_and_datelines_make_orgs() {
        let got = run(
            "grid operator Fingrid said",
            &[("Fingrid", EntityType::Gpe)],
        );
        assert_eq!(got, vec![("Fingrid".into(), EntityType::Org)]);
        let text = "WARSAW (Dossier Wire) — Poland signed";
        let got = run(
            text,
            &[
                ("WARSAW", EntityType::Gpe),
                ("Dossier Wire", EntityType::Person),
            ],
        );
        assert_eq!(got[1], ("Dossier Wire".into(), EntityType::Org));
        let text = "Headline\n\nCONSTANTA, Romania (Dossier Wire) — Ships";
        let got = run(
            text,
            &[("CONSTANTA", EntityType::Gpe), ("Romania", EntityType::Gpe)],
        );
        assert_eq!(got[2], ("Dossier Wire".into(), EntityType::Org));
        let text = "He said (Monday Note) — nothing";
        assert_eq!(run(text, &[]), vec![]);
    }
}
