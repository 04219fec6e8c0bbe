//! The OntoNotes types that CoNLL's four do not have, and regions that look
//! like places: retyping by the words a name is made of.
//!
//! - EVENT: named summits, conferences, forums and games ("the Halifax
//!   International Security Forum", "COP30").
//! - FAC: names ending in a facility word ("Incirlik Air Base"), "Port of …".
//! - LAW: names ending in Act, Treaty, Directive… ("the Digital Markets Act").
//! - PRODUCT: weapons systems, aircraft and vehicles by name or model
//!   ("HIMARS", "F-16", "Leopard 2"); an everyday word that is also a weapon's
//!   name ("Patriot") only before a weapon noun ("Patriot missiles").
//! - LOC: regions in the political sense ("the West", "the Global South")
//!   and regions the tagger took for countries or organisations.

use super::words::{is_capitalised, overlapping, strip_the, word_after, word_before};
use std::collections::HashMap;

use crate::EntityType;
use crate::tagger::NameSpan;

/// Last words that make a name an event.
const EVENT_ENDS: &[&str] = &[
    "Summit",
    "Conference",
    "Forum",
    "Olympics",
    "Paralympics",
    "Games",
    "Cup",
    "Championship",
    "Championships",
    "Expo",
    "Festival",
    "Marathon",
    "Grand Prix",
    "Biennale",
    "Meeting",
];

/// Forums and conferences that are standing organisations, not events.
const ORG_FORUMS: &[&str] = &[
    "World Economic Forum",
    "Pacific Islands Forum",
    "Forum Fisheries Agency",
    "Conference of Presidents",
];

/// Last words that make a name a facility.
const FAC_ENDS: &[&str] = &[
    "Air Base",
    "Airbase",
    "Naval Base",
    "Base",
    "Airport",
    "Bridge",
    "Terminal",
    "Training Ground",
    "Range",
    "Polygon",
    "Dam",
    "Power Plant",
    "Power Station",
    "Refinery",
    "Stadium",
    "Arena",
    "Palace",
    "Tower",
    "Building",
    "Hospital",
    "Cathedral",
    "Mosque",
    "Square",
    "Highway",
    "Motorway",
    "Tunnel",
    "Prison",
    "Shipyard",
    "Museum",
    "Castle",
    "Fortress",
    "Spaceport",
    "Seaport",
    "Europort",
    "Canal",
    "Pier",
];

/// Last words that make a name a law, treaty or agreement.
const LAW_ENDS: &[&str] = &[
    "Act",
    "Treaty",
    "Agreement",
    "Accord",
    "Accords",
    "Convention",
    "Directive",
    "Regulation",
    "Protocol",
    "Charter",
    "Pact",
    "Constitution",
    "Amendment",
    "Bill",
    "Declaration",
    "Arrangement",
];

/// First words that make a name "X of Y" a law ("Treaty of Lisbon").
const LAW_STARTS: &[&str] = &["Treaty", "Convention", "Protocol", "Charter"];

/// Weapons systems, aircraft, vehicles and software whose names are not
/// everyday words: a product wherever they stand.
const PRODUCTS: &[&str] = &[
    "HIMARS",
    "ATACMS",
    "NASAMS",
    "IRIS-T",
    "SAMP/T",
    "Iskander",
    "Kinzhal",
    "Kalibr",
    "Shahed",
    "Bayraktar",
    "Gripen",
    "Rafale",
    "Eurofighter",
    "Starlink",
    "ChatGPT",
    "Lancet",
    "Sarmat",
    "Oreshnik",
    "Zircon",
    "Tsirkon",
    "Avangard",
    "Hwasong",
    "Pukguksong",
    "Dongfeng",
    "Aegis",
    "Reaper",
    "Sentinel",
    "THAAD",
    "GlobalEye",
    "FortiGate",
];

/// Weapons named by everyday words: a product only before a weapon noun,
/// or when the tagger already found a name there.
const WEAPON_WORDS: &[&str] = &[
    "Patriot",
    "Javelin",
    "Stinger",
    "Taurus",
    "Tomahawk",
    "Abrams",
    "Leopard",
    "Bradley",
    "Harpoon",
    "Neptune",
    "Storm Shadow",
    "Typhoon",
    "Challenger",
    "Marder",
    "Gepard",
    "Caesar",
    "Archer",
    "Hellfire",
    "Trident",
    "Tornado",
];

const WEAPON_NOUNS: &[&str] = &[
    "missile",
    "missiles",
    "system",
    "systems",
    "launcher",
    "launchers",
    "battery",
    "batteries",
    "interceptor",
    "interceptors",
    "tank",
    "tanks",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "drone",
    "drones",
    "rocket",
    "rockets",
    "howitzer",
    "howitzers",
    "vehicle",
    "vehicles",
    "air",
    "anti-tank",
    "cruise",
    "units",
    "unit",
    "munitions",
    "fire",
    "guns",
    "gun",
];

/// Regions in the political or geographic sense: LOC, whatever the tagger
/// thought.
const REGIONS: &[&str] = &[
    "West",
    "Global South",
    "Global North",
    "Middle East",
    "Far East",
    "Near East",
    "Balkans",
    "Western Balkans",
    "Caucasus",
    "South Caucasus",
    "Sahel",
    "Maghreb",
    "Levant",
    "Arctic",
    "Antarctic",
    "Baltics",
    "Nordics",
    "Scandinavia",
    "Central Asia",
    "South Asia",
    "Southeast Asia",
    "East Asia",
    "Central Europe",
    "Eastern Europe",
    "Western Europe",
    "Horn of Africa",
    "Latin America",
    "Indo-Pacific",
    "Asia-Pacific",
    "Caribbean",
    "Mediterranean",
    "Donbas",
    "Donbass",
    "Siberia",
    "Patagonia",
    "Sahara",
    "Amazon",
];

/// Regions that take "the" and are written without another capitalised word
/// after them: found even where the tagger found nothing ("the West").
const BARE_REGIONS: &[&str] = &[
    "West",
    "Global South",
    "Global North",
    "Balkans",
    "Sahel",
    "Arctic",
    "Baltic",
    "Baltics",
    "Caspian",
    "Adriatic",
    "Aegean",
    "Mediterranean",
    "Caribbean",
    "Pacific",
    "Atlantic",
];

/// Words that make the name after them a storm ("Hurricane Leah").
const STORMS: &[&str] = &["Hurricane", "Storm", "Typhoon", "Cyclone"];

fn ends_with_words(name: &str, ends: &[&str]) -> bool {
    ends.iter().any(|e| {
        name.len() > e.len()
            && name.ends_with(e)
            && name.as_bytes()[name.len() - e.len() - 1] == b' '
    })
}

/// Whether a word is one of the words that type a name here (the last
/// word of an event, facility or law, or a leading "Summit", "Treaty", …).
pub fn is_typing_word(word: &str) -> bool {
    static WORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| {
            EVENT_ENDS
                .iter()
                .chain(FAC_ENDS)
                .chain(LAW_ENDS)
                .chain(LAW_STARTS)
                .flat_map(|e| e.split(' '))
                .chain(["Summit", "Port", "RAF", "Camp", "Pier"])
                .collect()
        });
    WORDS.contains(word)
}

/// A four-digit year from 1900 to 2099.
pub fn is_year(word: &str) -> bool {
    word.len() == 4
        && (word.starts_with("19") || word.starts_with("20"))
        && word.bytes().all(|b| b.is_ascii_digit())
}

/// An aircraft or weapon model: a short capitalised prefix, a hyphen and a
/// number ("F-16", "Su-35", "MiG-29", "S-400", "KF-21").
fn is_model_number(word: &str) -> bool {
    let Some((prefix, number)) = word.split_once('-') else {
        return false;
    };
    let digits = number.trim_end_matches(|c: char| c.is_ascii_uppercase());
    (1..=4).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
        && (1..=3).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && number.len() - digits.len() <= 2
        && !matches!(
            prefix,
            "COVID" | "Covid" | "SARS" | "G" | "H" | "MERS" | "Q" | "No"
        )
}

/// The type a name's own words give it, if they decide it.
pub fn type_by_words(name: &str, current: EntityType) -> Option<EntityType> {
    let name = strip_the(name);
    // A name with a year after it: a law ("… Act 2021") or an event ("Euro 2028").
    if let Some((head, year)) = name.rsplit_once(' ')
        && is_year(year)
        && head.starts_with(|c: char| c.is_uppercase())
    {
        if ends_with_words(head, LAW_ENDS) || LAW_ENDS.contains(&head) {
            return Some(EntityType::Law);
        }
        // "Euro 2028", "Expo 2030": one capitalised word and a year, not a
        // date's words ("In October 2020", "Updated 8 October 2026").
        let event_like = !head.contains(' ')
            && !matches!(
                head,
                "In" | "On"
                    | "At"
                    | "By"
                    | "Since"
                    | "Until"
                    | "From"
                    | "Updated"
                    | "Published"
                    | "January"
                    | "February"
                    | "March"
                    | "April"
                    | "May"
                    | "June"
                    | "July"
                    | "August"
                    | "September"
                    | "October"
                    | "November"
                    | "December"
                    | "Spring"
                    | "Summer"
                    | "Autumn"
                    | "Winter"
                    | "Fall"
            );
        if current != EntityType::Person && event_like {
            return Some(EntityType::Event);
        }
    }
    if ["RAF ", "Camp ", "Pier "]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return Some(EntityType::Fac);
    }
    if name.starts_with("Summit of ") {
        return Some(EntityType::Event);
    }
    if REGIONS.contains(&name) {
        return Some(EntityType::Loc);
    }
    if PRODUCTS.contains(&name) || is_model_number(name) {
        return Some(EntityType::Product);
    }
    if name.starts_with("COP")
        && name.len() <= 5
        && name[3..].chars().all(|c| c.is_ascii_digit())
        && name.len() > 3
    {
        return Some(EntityType::Event);
    }
    if current == EntityType::Person || current == EntityType::Norp {
        return None;
    }
    if ends_with_words(name, EVENT_ENDS) && !ORG_FORUMS.contains(&name) {
        return Some(EntityType::Event);
    }
    if ends_with_words(name, LAW_ENDS)
        || LAW_STARTS
            .iter()
            .any(|s| name.strip_prefix(s).is_some_and(|r| r.starts_with(" of ")))
    {
        return Some(EntityType::Law);
    }
    if ends_with_words(name, FAC_ENDS) || name.starts_with("Port of ") && name != "Port of Spain" {
        return Some(EntityType::Fac);
    }
    None
}

/// Retypes names by their words; adds products and bare regions the tagger
/// missed.
pub fn apply(text: &str, names: &mut Vec<NameSpan>) {
    for n in names.iter_mut() {
        if let Some(t) = type_by_words(&text[n.start..n.end], n.entity_type) {
            n.entity_type = t;
        }
    }
    let mut added = Vec::new();
    let mut regions = Vec::new();
    for (at, entry, kind) in listed_names(text) {
        if kind == Listed::Region {
            regions.push((at, entry));
            continue;
        }
        // A model number after a maker's name stays one product
        // ("Leopard 2", "IRIS-T SLM").
        let mut end = at + entry.len();
        if let Some(n) = word_after(text, end)
            && n.text.len() <= 4
            && n.text
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            end = n.end;
        }
        let before_weapon_noun = word_after(text, end)
            .is_some_and(|n| WEAPON_NOUNS.contains(&n.text.to_lowercase().as_str()));
        // An everyday word is a weapon only before a weapon noun; where the
        // tagger found a name, its type stands otherwise.
        if kind == Listed::Weapon && !before_weapon_noun {
            continue;
        }
        added.push((at, end, EntityType::Product));
    }
    // Model numbers written alone ("F-16", "Su-35").
    for (at, _) in text.match_indices('-') {
        let Some(w) = word_before(text, at).filter(|w| w.end == at) else {
            continue;
        };
        let end = super::words::word_end(text, w.start);
        if is_model_number(&text[w.start..end]) {
            added.push((w.start, end, EntityType::Product));
        }
    }
    storms(text, names);
    for (at, region) in regions {
        let end = at + region.len();
        let after_the = word_before(text, at).is_some_and(|w| w.text == "the" || w.text == "The");
        let next_capitalised = word_after(text, end).is_some_and(|w| is_capitalised(w.text));
        let next_joined = text[end..].starts_with('-');
        if after_the && !next_capitalised && !next_joined {
            added.push((at, end, EntityType::Loc));
            // The tagger's own span of the same words: retyped in place.
            let r = overlapping(names, at, end);
            for n in names[r]
                .iter_mut()
                .filter(|n| (n.start, n.end) == (at, end))
            {
                n.entity_type = EntityType::Loc;
            }
        }
    }
    added.sort_by_key(|&(start, end, _)| (start, end));
    for (start, end, ty) in added {
        let r = overlapping(names, start, end);
        // Inside a longer name ("Patriot Act", "West Bank"): the longer name
        // stands; so does a name across the edge.
        let crossing = names[r.clone()]
            .iter()
            .any(|n| n.start < start || n.end > end);
        if crossing {
            continue;
        }
        names.splice(
            r,
            [NameSpan {
                start,
                end,
                entity_type: ty,
                confidence: 0.9,
            }],
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    Product,
    Weapon,
    Region,
}

/// Listed names by their first word, for one pass over a text.
static LISTED: std::sync::LazyLock<HashMap<&'static str, Vec<(&'static str, Listed)>>> =
    std::sync::LazyLock::new(|| {
        let mut map: HashMap<&'static str, Vec<(&'static str, Listed)>> = HashMap::new();
        let lists = [
            (PRODUCTS, Listed::Product),
            (WEAPON_WORDS, Listed::Weapon),
            (BARE_REGIONS, Listed::Region),
        ];
        for (list, kind) in lists {
            for entry in list {
                let first = entry.split(' ').next().unwrap_or(entry);
                map.entry(first).or_default().push((entry, kind));
            }
        }
        map
    });

/// Each listed name in the text, at word boundaries: one pass over the
/// capitalised words, a map look-up each.
fn listed_names(text: &str) -> Vec<(usize, &'static str, Listed)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, c) in text.char_indices() {
        if !c.is_ascii_uppercase() {
            continue;
        }
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] >= 0x80) {
            continue;
        }
        let end = text[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '/'))
            .map_or(text.len(), |i| at + i);
        let Some(entries) = LISTED.get(&text[at..end]) else {
            continue;
        };
        for &(entry, kind) in entries {
            let e = at + entry.len();
            let boundary = text[e..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '-');
            if text[at..].starts_with(entry) && boundary {
                out.push((at, entry, kind));
                break;
            }
        }
    }
    out
}

/// "Hurricane Leah": the storm word joins the name, an EVENT; the name alone
/// later in the document is the same storm.
fn storms(text: &str, names: &mut [NameSpan]) {
    let mut storm_names: Vec<String> = Vec::new();
    for n in names.iter_mut() {
        let Some(w) = word_before(text, n.start) else {
            continue;
        };
        let storm_word = STORMS.contains(&w.text)
            || w.text == "Storm"
                && word_before(text, w.start).is_some_and(|t| t.text == "Tropical");
        if storm_word && w.end + 1 == n.start && n.entity_type != EntityType::Event {
            storm_names.push(text[n.start..n.end].to_string());
            n.start = w.start;
            n.entity_type = EntityType::Event;
        } else if n.entity_type == EntityType::Event
            && let Some((first, rest)) = text[n.start..n.end].split_once(' ')
            && STORMS.contains(&first)
        {
            storm_names.push(rest.to_string());
        }
    }
    if storm_names.is_empty() {
        return;
    }
    for n in names.iter_mut() {
        if storm_names.iter().any(|s| s == &text[n.start..n.end]) {
            n.entity_type = EntityType::Event;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::after_rule;
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        after_rule(text, spans, |names| apply(text, names))
    }

    #[test]
    fn events_facilities_and_laws_by_their_last_words() {
        assert_eq!(
            type_by_words("Halifax International Security Forum", EntityType::Org),
            Some(EntityType::Event)
        );
        assert_eq!(type_by_words("World Economic Forum", EntityType::Org), None);
        assert_eq!(
            type_by_words("COP30", EntityType::Org),
            Some(EntityType::Event)
        );
        assert_eq!(
            type_by_words("Incirlik Air Base", EntityType::Gpe),
            Some(EntityType::Fac)
        );
        assert_eq!(
            type_by_words("Port of Constanta", EntityType::Gpe),
            Some(EntityType::Fac)
        );
        assert_eq!(type_by_words("Port of Spain", EntityType::Gpe), None);
        assert_eq!(
            type_by_words("Digital Markets Act", EntityType::Org),
            Some(EntityType::Law)
        );
        assert_eq!(
            type_by_words("Treaty of Lisbon", EntityType::Misc),
            Some(EntityType::Law)
        );
        assert_eq!(type_by_words("Ann Bridge", EntityType::Person), None);
    }

    #[test]
    fn regions_are_loc() {
        assert_eq!(
            type_by_words("the Global South", EntityType::Org),
            Some(EntityType::Loc)
        );
        let got = run("Ties with the West frayed.", &[]);
        assert_eq!(got, vec![("West".into(), EntityType::Loc)]);
        let got = run("in the West Bank", &[("West Bank", EntityType::Gpe)]);
        assert_eq!(got, vec![("West Bank".into(), EntityType::Gpe)]);
    }

    #[test]
    fn storms_are_events_and_keep_their_name_later() {
        let text = "Hurricane Leah hit Jamaica. Leah weakened.";
        let got = run(
            text,
            &[
                ("Leah", EntityType::Person),
                ("Jamaica", EntityType::Gpe),
                ("Leah", EntityType::Person),
            ],
        );
        assert_eq!(got[0], ("Hurricane Leah".into(), EntityType::Event));
        assert_eq!(got[2], ("Leah".into(), EntityType::Event));
    }

    #[test]
    fn weapons_by_name_and_model() {
        let got = run("more Patriot missiles and F-16 jets", &[]);
        assert_eq!(
            got,
            vec![
                ("Patriot".into(), EntityType::Product),
                ("F-16".into(), EntityType::Product)
            ]
        );
        let got = run(
            "a Patriot at heart; the Patriot Act",
            &[("Patriot Act", EntityType::Law)],
        );
        assert_eq!(got, vec![("Patriot Act".into(), EntityType::Law)]);
        let got = run("HIMARS and Leopard 2 tanks", &[]);
        assert_eq!(
            got,
            vec![
                ("HIMARS".into(), EntityType::Product),
                ("Leopard 2".into(), EntityType::Product)
            ]
        );
        let got = run("COVID-19 cases", &[]);
        assert!(got.is_empty());
    }
}
