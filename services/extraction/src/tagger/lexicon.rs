//! Lexicons: gazetteer phrases, names seen in the training data, word clusters.
//!
//! All three are keyed by hashes of lowercased tokens, so that lookups cost no
//! allocation and the tables can live inside the model file. A phrase's key is
//! the fold of its tokens' keys; every proper prefix of a stored phrase is
//! marked, so that matching stops as soon as no longer phrase can match.

use super::hash::{hash_bytes, hash_str, mix};
use super::map::U64Map;
use crate::tokenize::tokenize;

/// Gazetteer categories, in bit order (see `lexicons/README.md`).
pub const CATEGORIES: [&str; 10] = [
    "COUNTRY", "STATE", "CITY", "REGION", "NORP", "FIRST", "LAST", "ORGKEY", "FACKEY", "TITLE",
];

/// Bit for a gazetteer category.
pub fn cat_bit(name: &str) -> Option<u16> {
    CATEGORIES.iter().position(|c| *c == name).map(|i| 1 << i)
}

/// Marks a key that is a proper prefix of a longer phrase.
pub const PREFIX_BIT: u16 = 1 << 15;

/// Longest phrase, in tokens, that the lexicons hold.
pub const MAX_PHRASE: usize = 6;

const PHRASE_SEED: u64 = 0x51A5_E0F1;

/// What the lexicons know about a phrase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhraseInfo {
    /// Gazetteer category bits, plus `PREFIX_BIT`.
    pub gaz: u16,
    /// In how many training documents the phrase was a name of each type.
    pub df: [u16; 4],
}

/// Hash of a token's lowercase form.
#[inline]
pub fn lower_hash(word: &str) -> u64 {
    let b = word.as_bytes();
    if b.len() <= 64 && word.is_ascii() {
        let mut buf = [0u8; 64];
        for (d, s) in buf.iter_mut().zip(b) {
            *d = s.to_ascii_lowercase();
        }
        hash_bytes(0, &buf[..b.len()])
    } else {
        hash_str(&word.to_lowercase())
    }
}

/// Extends a phrase key by one token's lowercase hash.
#[inline]
pub fn phrase_step(prefix: Option<u64>, token_lower: u64) -> u64 {
    mix(prefix.unwrap_or(PHRASE_SEED), token_lower)
}

/// Key of a phrase of token lowercase hashes.
pub fn phrase_key(lowers: &[u64]) -> u64 {
    lowers
        .iter()
        .fold(None, |acc, &h| Some(phrase_step(acc, h)))
        .unwrap_or(PHRASE_SEED)
}

/// The lexicon tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    pub phrases: U64Map<PhraseInfo>,
    /// Lowercase word hash -> cluster ids at three granularities.
    pub clusters: U64Map<[u16; 3]>,
}

impl Lexicon {
    /// Adds a phrase (already split into lowercase token hashes).
    pub fn add_phrase(&mut self, lowers: &[u64], f: impl FnOnce(&mut PhraseInfo)) {
        if lowers.is_empty() || lowers.len() > MAX_PHRASE {
            return;
        }
        let mut key = None;
        for (i, &h) in lowers.iter().enumerate() {
            let k = phrase_step(key, h);
            key = Some(k);
            if i + 1 < lowers.len() {
                self.phrases.entry(k).gaz |= PREFIX_BIT;
            }
        }
        if let Some(k) = key {
            f(self.phrases.entry(k));
        }
    }

    /// Loads `CATEGORY<TAB>phrase` lines (comments start with `#`).
    pub fn add_gazetteer(&mut self, tsv: &str) {
        for line in tsv.lines() {
            let Some((cat, phrase)) = line.split_once('\t') else {
                continue;
            };
            let Some(bit) = cat_bit(cat) else { continue };
            let lowers: Vec<u64> = tokenize(phrase)
                .iter()
                .map(|t| lower_hash(t.text(phrase)))
                .collect();
            self.add_phrase(&lowers, |p| p.gaz |= bit);
        }
    }

    /// Loads `word<TAB>c1<TAB>c2<TAB>c3` lines.
    pub fn add_clusters(&mut self, tsv: &str) {
        for line in tsv.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let Some(word) = cols.next() else { continue };
            let mut ids = [u16::MAX; 3];
            for id in ids.iter_mut() {
                *id = cols.next().and_then(|c| c.parse().ok()).unwrap_or(u16::MAX);
            }
            self.clusters.insert(lower_hash(word), ids);
        }
    }

    /// The lexicon entry of a phrase of lowercase token hashes.
    pub fn phrase(&self, lowers: &[u64]) -> Option<PhraseInfo> {
        self.phrases.get(phrase_key(lowers))
    }

    /// Gazetteer category bits of a phrase (0 if unknown).
    pub fn categories(&self, words: &[&str]) -> u16 {
        let lowers: Vec<u64> = words.iter().map(|w| lower_hash(w)).collect();
        self.phrase(&lowers).map_or(0, |p| p.gaz & !PREFIX_BIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_phrases_and_prefixes() {
        let mut lex = Lexicon::default();
        lex.add_gazetteer("COUNTRY\tUnited States\nCITY\tParis\nBOGUS\tx\n");
        assert_eq!(
            lex.categories(&["united", "STATES"]),
            cat_bit("COUNTRY").unwrap()
        );
        assert_eq!(lex.categories(&["Paris"]), cat_bit("CITY").unwrap());
        let prefix = lex.phrase(&[lower_hash("United")]).unwrap();
        assert_eq!(prefix.gaz, PREFIX_BIT);
        assert_eq!(lex.categories(&["x"]), 0);
        lex.add_clusters("# header\nparis\t1\t2\t3\n");
        assert_eq!(lex.clusters.get(lower_hash("PARIS")), Some([1, 2, 3]));
    }
}
