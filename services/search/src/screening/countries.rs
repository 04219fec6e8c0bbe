//! What a screening list's country means in an article: "UA", "UKR" and
//! "Ukraine" all stand for the phrases articles use — "Ukraine",
//! "Ukrainian" — from a table built by `scripts/build_countries.py` (ISO
//! 3166 codes and names from Debian's iso-codes, short forms and demonyms
//! written by the project).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The table, embedded: `alpha2 TAB alpha3 TAB phrase;phrase;…`.
const TABLE: &str = include_str!("countries.tsv");

/// One country: the phrases an article names it with, the short name first.
#[derive(Debug)]
pub struct Country {
    pub phrases: Vec<&'static str>,
}

impl Country {
    /// The name to show in an explanation.
    pub fn name(&self) -> &'static str {
        self.phrases[0]
    }
}

struct Countries {
    all: Vec<Country>,
    /// Folded code or phrase → position in `all`.
    by_key: HashMap<String, usize>,
}

static COUNTRIES: LazyLock<Countries> = LazyLock::new(|| {
    let mut all = Vec::new();
    let mut by_key = HashMap::new();
    for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(alpha2), Some(alpha3), Some(phrases)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let phrases: Vec<&'static str> = phrases.split(';').filter(|p| !p.is_empty()).collect();
        if phrases.is_empty() {
            continue;
        }
        let at = all.len();
        for key in [alpha2, alpha3].into_iter().chain(phrases.iter().copied()) {
            // A phrase two countries share ("Congo") stays with the first.
            by_key.entry(fold(key)).or_insert(at);
        }
        all.push(Country { phrases });
    }
    Countries { all, by_key }
});

/// The country a list's `country` field names, by ISO 3166 alpha-2 or
/// alpha-3 code or by any of its names (case and dots aside); `None` when
/// the table does not know it (the field is then searched as written).
pub fn lookup(written: &str) -> Option<&'static Country> {
    let countries = &*COUNTRIES;
    countries
        .by_key
        .get(&fold(written))
        .map(|&at| &countries.all[at])
}

fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_reach_the_same_country() {
        for written in ["UA", "ua", "UKR", "Ukraine", " ukraine ", "Ukrainian"] {
            let country = lookup(written).unwrap_or_else(|| panic!("{written}"));
            assert_eq!(country.name(), "Ukraine", "{written}");
            assert!(country.phrases.contains(&"Ukrainian"));
        }
        assert_eq!(lookup("U.S.").unwrap().name(), "United States");
        assert_eq!(lookup("GB").unwrap().name(), "United Kingdom");
        assert!(lookup("GB").unwrap().phrases.contains(&"Britain"));
        assert_eq!(lookup("RU").unwrap().name(), "Russia");
        assert_eq!(lookup("Russian Federation").unwrap().name(), "Russia");
    }

    #[test]
    fn unknown_countries_are_not_guessed() {
        assert!(lookup("Atlantis").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("ZZ").is_none());
    }

    #[test]
    fn every_row_has_codes_and_a_name() {
        let rows = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(COUNTRIES.all.len(), rows);
        assert!(rows > 240, "{rows} countries");
    }
}
