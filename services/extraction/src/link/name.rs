//! Parsing a mention's surface into a linkable name: titles ("President",
//! "Foreign Minister", "Mr.") and possessives ("Putin's") stripped, tokens
//! folded and keyed, and for people the surname and given names identified.

use super::chinese::{chinese_key, is_family_name};
use super::fold::fold;
use super::variant::{skeleton, token_keys_with};
use crate::EntityType;

/// Titles and honorifics that precede a person's name, folded, longest first
/// where one is a prefix of another.
const TITLES: &[&str] = &[
    "president",
    "vice president",
    "prime minister",
    "deputy prime minister",
    "foreign minister",
    "defence minister",
    "defense minister",
    "finance minister",
    "interior minister",
    "economy minister",
    "minister",
    "deputy",
    "premier",
    "chancellor",
    "secretary of state",
    "secretary general",
    "secretary",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "gen",
    "general",
    "col",
    "colonel",
    "lt",
    "lieutenant",
    "sgt",
    "sergeant",
    "capt",
    "captain",
    "adm",
    "admiral",
    "maj",
    "major",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "sir",
    "dame",
    "lord",
    "lady",
    "judge",
    "justice",
    "ambassador",
    "envoy",
    "chairman",
    "chairwoman",
    "chief",
    "ceo",
    "spokesman",
    "spokeswoman",
    "comrade",
    "former",
    "late",
    "opposition leader",
    "leader",
    "activist",
    "presidential candidate",
    "candidate",
    "councillor",
    "councilman",
    "councilwoman",
    "commissioner",
    "director",
    "coach",
    "mp",
    "mep",
    "rev",
    "reverend",
    "father",
    "sheikh",
    "emir",
    "crown prince",
    "speaker",
];

/// Words that end a multi-word title ("Energy *Minister*").
const TITLE_HEADS: &[&str] = &[
    "minister",
    "secretary",
    "president",
    "chairman",
    "chairwoman",
    "chief",
    "leader",
    "governor",
    "mayor",
    "spokesman",
    "spokeswoman",
    "director",
    "commissioner",
    "councillor",
    "ambassador",
    "envoy",
    "official",
    "executive",
    "general",
    "commander",
    "premier",
];

/// Name particles: part of a surname, never a given name.
const PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "bint", "abu", "ben", "van", "von", "de", "da", "di", "du", "der",
    "den", "la", "le", "del", "dos", "das", "ter", "ten",
];

/// Generational suffixes after a surname.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// East Asian family names written first ("Wang Yi", "Kim Jong Un").
const FAMILY_FIRST: &[&str] = &[
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma",
    "zhu", "hu", "guo", "he", "lin", "luo", "gao", "xi", "han", "deng", "cai", "kim", "lee",
    "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "moon", "shin",
];

/// Letters only Polish writes; folding turns them into plain ones.
const POLISH_LETTERS: &str = "łŁżŻźŹśŚćĆńŃąĄęĘ";

/// Words skipped when forming an acronym ("Organization *of the* Petroleum…").
const ACRONYM_STOP: &[&str] = &[
    "of", "the", "and", "for", "in", "on", "de", "des", "du", "la", "le", "et", "a", "an", "to",
];

/// A mention's name, ready for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedName {
    /// The surface with titles and possessive removed, as written.
    pub display: String,
    /// The folded tokens (see [`fold`]).
    pub folded: Vec<String>,
    /// Variant keys of the folded tokens.
    pub keys: Vec<String>,
    /// Index into `keys` of the surname (people only).
    pub surname: Option<usize>,
    /// Indices of given names, in order (people only).
    pub given: Vec<usize>,
    /// Whether the surface is written as an acronym ("NATO", "U.N.").
    pub is_acronym: bool,
    /// Whether it was read as a Chinese name (family name first, keys of
    /// [`super::chinese`]).
    pub chinese: bool,
}

impl ParsedName {
    /// Parses a surface form of the given type.
    pub fn parse(surface: &str, entity_type: EntityType) -> ParsedName {
        let display = clean_surface(surface, entity_type);
        let is_acronym = looks_like_acronym(&display);
        if entity_type == EntityType::Person
            && !is_acronym
            && let Some(chinese) = chinese_name(&display)
        {
            return chinese;
        }
        let folded = fold(&display);
        let mut owned: Vec<String> = folded.split_whitespace().map(str::to_string).collect();
        if entity_type == EntityType::Person && !is_acronym {
            owned = super::arabic::join_abd_names(owned);
        }
        let tokens: Vec<&str> = owned.iter().map(String::as_str).collect();
        let polish = display.chars().any(|c| POLISH_LETTERS.contains(c));
        let keys = token_keys_with(&tokens, polish);
        let (surname, given) = if entity_type == EntityType::Person && !is_acronym {
            person_parts(&tokens)
        } else {
            (None, Vec::new())
        };
        let folded_tokens = tokens.iter().map(|t| t.to_string()).collect();
        ParsedName {
            display,
            folded: folded_tokens,
            keys,
            surname,
            given,
            is_acronym,
            chinese: false,
        }
    }

    /// The whole name's key: token keys joined by spaces.
    pub fn full_key(&self) -> String {
        self.keys.join(" ")
    }

    pub fn surname_key(&self) -> Option<&str> {
        self.surname.map(|i| self.keys[i].as_str())
    }

    /// The first given name's key.
    pub fn first_given(&self) -> Option<&str> {
        self.given.first().map(|&i| self.keys[i].as_str())
    }

    /// The acronym a multi-word name would have ("nato"), folded.
    pub fn acronym(&self) -> Option<String> {
        // Letters as written (folded), not keyed: keys rewrite letters by
        // position (an initial g becomes k), which would garble acronyms.
        if self.is_acronym {
            return Some(self.folded.concat());
        }
        let words: Vec<&String> = self
            .folded
            .iter()
            .filter(|w| !ACRONYM_STOP.contains(&w.as_str()))
            .collect();
        if words.len() < 2 {
            return None;
        }
        Some(words.iter().filter_map(|w| w.chars().next()).collect())
    }

    /// Phonetic skeleton of the surname, or of the whole name for non-people.
    pub fn skeleton(&self) -> String {
        match self.surname_key() {
            Some(s) => skeleton(s),
            None => skeleton(&self.full_key()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A person's name written family name first in Pinyin or Wade-Giles
/// ("Zhao Mingde", "Chao Ming-te", "Zhao Ming De", or a bare "Zhao"), parsed with the
/// system-neutral keys of [`super::chinese`]: the family name is the
/// surname, and the given name, hyphenated or not, is one given name.
/// `None` for any other shape, which then parses the ordinary way.
fn chinese_name(display: &str) -> Option<ParsedName> {
    let words: Vec<&str> = display.split_whitespace().collect();
    if words.is_empty() || words.len() > 3 {
        return None;
    }
    let family = fold(words[0]);
    if !is_family_name(&family) {
        return None;
    }
    // "Zhao Ming De": the given name's syllables written apart, each short.
    if words.len() == 3 && words[1..].iter().any(|w| fold(w).len() > 6) {
        return None;
    }
    let mut folded = vec![family];
    if words.len() > 1 {
        // "Ming-te" → "mingte": the syllables of one given name.
        let given: String = fold(&words[1..].join(" ")).split_whitespace().collect();
        let plausible =
            (2..=12).contains(&given.len()) && given.chars().all(|c| c.is_ascii_lowercase());
        if !plausible {
            return None;
        }
        folded.push(given);
    }
    let keys = folded.iter().map(|t| chinese_key(t)).collect();
    let given = if folded.len() == 2 {
        vec![1]
    } else {
        Vec::new()
    };
    Some(ParsedName {
        display: display.to_string(),
        folded,
        keys,
        surname: Some(0),
        given,
        is_acronym: false,
        chinese: true,
    })
}

/// Strips a possessive ("Putin's", "Reuters'") and, for people, leading titles.
pub fn clean_surface(surface: &str, entity_type: EntityType) -> String {
    let mut s = surface.trim();
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest;
            break;
        }
    }
    if s.len() > 1 && (s.ends_with("s'") || s.ends_with("s’")) {
        s = s.trim_end_matches(['\'', '’']);
    }
    let s = s.trim();
    if entity_type != EntityType::Person {
        return s.to_string();
    }
    strip_titles(s).to_string()
}

/// Removes leading titles while a name remains: known titles ("Mr.",
/// "Prime Minister"), and any short run of words ending in a title head
/// ("Energy Minister", "Ports Minister", "Deputy Foreign Minister").
fn strip_titles(s: &str) -> &str {
    let mut rest = s;
    loop {
        let words: Vec<(usize, &str)> = word_starts(rest);
        if words.len() < 2 {
            return rest;
        }
        let mut cut = None;
        for n in (1..=4.min(words.len() - 1)).rev() {
            let end = words[n].0;
            let head = fold(&rest[..end]);
            let last = head.rsplit(' ').next().unwrap_or("");
            if TITLES.contains(&head.as_str()) || (n > 1 && TITLE_HEADS.contains(&last)) {
                cut = Some(end);
                break;
            }
        }
        match cut {
            Some(end) => rest = rest[end..].trim_start(),
            None => return rest,
        }
    }
}

fn word_starts(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

fn looks_like_acronym(display: &str) -> bool {
    let letters: Vec<char> = display.chars().filter(|c| c.is_alphabetic()).collect();
    let only_letters_dots = display
        .chars()
        .all(|c| c.is_alphabetic() || c == '.' || c == '&');
    only_letters_dots
        && (2..=8).contains(&letters.len())
        && letters.iter().all(|c| c.is_uppercase())
}

/// (surname index, given-name indices) for a person's folded tokens.
fn person_parts(tokens: &[&str]) -> (Option<usize>, Vec<usize>) {
    if tokens.is_empty() {
        return (None, Vec::new());
    }
    let mut last = tokens.len() - 1;
    while last > 0 && SUFFIXES.contains(&tokens[last]) {
        last -= 1;
    }
    if (2..=3).contains(&(last + 1)) && FAMILY_FIRST.contains(&tokens[0]) {
        return (Some(0), (1..=last).collect());
    }
    let given = (0..last)
        .filter(|&i| !PARTICLES.contains(&tokens[i]))
        .collect();
    (Some(last), given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_titles_and_possessives() {
        let p = EntityType::Person;
        assert_eq!(clean_surface("President Ann Smith", p), "Ann Smith");
        assert_eq!(clean_surface("Foreign Minister Wang Yi", p), "Wang Yi");
        assert_eq!(clean_surface("Mr. Navalny", p), "Navalny");
        assert_eq!(clean_surface("Putin's", p), "Putin");
        assert_eq!(clean_surface("Putin’s", p), "Putin");
        assert_eq!(clean_surface("Premier Li Qiang's", p), "Li Qiang");
        assert_eq!(clean_surface("Former President Ann Smith", p), "Ann Smith");
        assert_eq!(
            clean_surface("Energy Minister Oksana Tymoshenko", p),
            "Oksana Tymoshenko"
        );
        assert_eq!(
            clean_surface("Deputy Foreign Minister Ivan Petrov", p),
            "Ivan Petrov"
        );
        assert_eq!(clean_surface("Councillor Ivan Petrov", p), "Ivan Petrov");
        assert_eq!(
            clean_surface("Chief Executive Daniel Hollis", p),
            "Daniel Hollis"
        );
        // A title alone is kept: there is nothing else to call the person.
        assert_eq!(clean_surface("President", p), "President");
        // Titles are a person thing; an organisation keeps its words.
        assert_eq!(clean_surface("Reuters'", EntityType::Org), "Reuters");
        assert_eq!(clean_surface("the Kremlin", EntityType::Org), "the Kremlin");
    }

    #[test]
    fn person_parts() {
        let n = ParsedName::parse("Angela Merkel", EntityType::Person);
        assert_eq!(n.surname_key(), Some("merkel"));
        assert_eq!(n.first_given(), Some("angela"));
        let n = ParsedName::parse("Wang Huning", EntityType::Person);
        assert_eq!(n.surname_key(), Some("wang"));
        assert_eq!(n.first_given(), Some("huning"));
        // Wade-Giles and Pinyin forms of one name share their keys.
        let wg = ParsedName::parse("Chao Ming-te", EntityType::Person);
        let py = ParsedName::parse("Zhao Mingde", EntityType::Person);
        assert_eq!(wg.keys, py.keys);
        assert_eq!(wg.surname, Some(0));
        assert_eq!(
            ParsedName::parse("Zhao", EntityType::Person).keys,
            py.keys[..1]
        );
        assert_ne!(
            ParsedName::parse("Chao Pei-yu", EntityType::Person).keys,
            py.keys
        );
        assert_eq!(
            ParsedName::parse("Zhao Ming De", EntityType::Person).keys,
            py.keys
        );
        let n = ParsedName::parse("Muammar al-Gaddafi", EntityType::Person);
        assert_eq!(n.surname_key(), Some("kadafi"));
        assert_eq!(n.given.len(), 1);
        let n = ParsedName::parse("Martin Luther King Jr.", EntityType::Person);
        assert_eq!(n.surname_key(), Some("king"));
    }

    #[test]
    fn acronyms() {
        let n = ParsedName::parse("North Atlantic Treaty Organization", EntityType::Org);
        assert_eq!(n.acronym().as_deref(), Some("nato"));
        let n = ParsedName::parse("NATO", EntityType::Org);
        assert!(n.is_acronym);
        assert_eq!(n.acronym().as_deref(), Some("nato"));
        let n = ParsedName::parse("U.N.", EntityType::Org);
        assert!(n.is_acronym);
        let n = ParsedName::parse(
            "Organization of the Petroleum Exporting Countries",
            EntityType::Org,
        );
        assert_eq!(n.acronym().as_deref(), Some("opec"));
        assert!(!ParsedName::parse("Nato", EntityType::Org).is_acronym);
    }
}
