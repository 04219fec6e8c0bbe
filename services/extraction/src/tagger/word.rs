//! Per-token properties computed once per token: hashes of the word, its
//! lowercase form and shapes, affixes, clusters and case flags. Features are
//! then combinations of these numbers, with no string work in the hot loop.

use super::hash::{hash_bytes, hash_str};
use super::lexicon::{Lexicon, lower_hash};

pub const INIT_CAP: u8 = 1;
pub const ALL_CAPS: u8 = 2;
pub const HAS_DIGIT: u8 = 4;
pub const HAS_ALPHA: u8 = 8;
pub const LOWER: u8 = 16;
/// A short function word ("of", "the", "with"): the words that headline
/// style leaves lowercase inside a Title Case line.
pub const SMALL: u8 = 32;

/// A comma, bracket or semicolon: the punctuation of lists and tables.
pub const LIST_PUNCT: u8 = 64;

/// The function words behind [`SMALL`].
const SMALL_WORDS: [&str; 22] = [
    "a", "an", "the", "and", "but", "or", "nor", "of", "in", "on", "at", "to", "for", "by", "as",
    "vs", "via", "with", "from", "into", "off", "up",
];

/// Properties of one token.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordInfo {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    pub short_shape: u64,
    pub prefix: [u64; 4],
    pub suffix: [u64; 4],
    pub clusters: [u16; 3],
    pub flags: u8,
}

impl WordInfo {
    pub fn new(word: &str, lex: &Lexicon) -> WordInfo {
        let lower = lower_hash(word);
        let (shape, short_shape, mut flags) = shapes(word);
        if word.len() <= 4 && SMALL_WORDS.iter().any(|s| s.eq_ignore_ascii_case(word)) {
            flags |= SMALL;
        }
        if matches!(word, "," | "(" | ")" | ";") {
            flags |= LIST_PUNCT;
        }
        let (prefix, suffix) = affixes(word);
        let clusters = lex.clusters.get(lower).unwrap_or([u16::MAX; 3]);
        WordInfo {
            word: hash_str(word),
            lower,
            shape,
            short_shape,
            prefix,
            suffix,
            clusters,
            flags,
        }
    }

    /// Capitalised: initial capital or all capitals.
    pub fn is_cap(&self) -> bool {
        self.flags & (INIT_CAP | ALL_CAPS) != 0
    }
}

fn shape_char(c: char) -> u8 {
    if c.is_ascii_digit() {
        b'd'
    } else if c.is_uppercase() {
        b'X'
    } else if c.is_lowercase() {
        b'x'
    } else if c.is_ascii() {
        c as u8
    } else if c.is_alphabetic() {
        b'a'
    } else {
        b'*'
    }
}

/// Long shape (first 16 chars, e.g. `Xxxxx`), short shape (runs collapsed,
/// e.g. `Xx`) and case flags.
fn shapes(word: &str) -> (u64, u64, u8) {
    let mut long = [0u8; 16];
    let mut short = [0u8; 16];
    let (mut nl, mut ns) = (0, 0);
    let (mut upper, mut lower, mut digit) = (0usize, 0usize, 0usize);
    let mut first = None;
    for c in word.chars() {
        let s = shape_char(c);
        if first.is_none() {
            first = Some(s);
        }
        match s {
            b'X' => upper += 1,
            b'x' => lower += 1,
            b'd' => digit += 1,
            b'a' => lower += 1,
            _ => {}
        }
        if nl < long.len() {
            long[nl] = s;
            nl += 1;
        }
        if ns < short.len() && (ns == 0 || short[ns - 1] != s) {
            short[ns] = s;
            ns += 1;
        }
    }
    let mut flags = 0;
    if first == Some(b'X') {
        flags |= INIT_CAP;
    }
    if upper > 0 && lower == 0 {
        flags |= ALL_CAPS;
    }
    if digit > 0 {
        flags |= HAS_DIGIT;
    }
    if upper + lower > 0 {
        flags |= HAS_ALPHA;
    }
    if matches!(first, Some(b'x')) {
        flags |= LOWER;
    }
    (
        hash_bytes(1, &long[..nl]),
        hash_bytes(2, &short[..ns]),
        flags,
    )
}

/// Hashes of the lowercase prefixes and suffixes of 1 to 4 chars.
fn affixes(word: &str) -> ([u64; 4], [u64; 4]) {
    let mut pre = [0u64; 4];
    let mut suf = [0u64; 4];
    let mut buf = [0u8; 16];
    let mut n = 0;
    for (k, c) in word.chars().take(4).enumerate() {
        n += push_lower(c, &mut buf[n..]);
        pre[k] = hash_bytes(3, &buf[..n]);
    }
    let mut rev = [0u8; 16];
    let mut m = 0;
    for (k, c) in word.chars().rev().take(4).enumerate() {
        m += push_lower(c, &mut rev[m..]);
        suf[k] = hash_bytes(4, &rev[..m]);
    }
    (pre, suf)
}

fn push_lower(c: char, out: &mut [u8]) -> usize {
    let l = c.to_lowercase().next().unwrap_or(c);
    if out.len() < 4 {
        return 0;
    }
    l.encode_utf8(out).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_flags() {
        let lex = Lexicon::default();
        let a = WordInfo::new("Paris", &lex);
        let b = WordInfo::new("London", &lex);
        assert_eq!(a.short_shape, b.short_shape);
        assert_ne!(a.shape, b.shape);
        assert_eq!(a.flags & INIT_CAP, INIT_CAP);
        assert_eq!(WordInfo::new("NATO", &lex).flags & ALL_CAPS, ALL_CAPS);
        assert_eq!(WordInfo::new("paris", &lex).lower, a.lower);
        assert_eq!(WordInfo::new("pARIS", &lex).suffix, a.suffix);
        let _ = WordInfo::new("北京👍🏽", &lex);
        assert_eq!(WordInfo::new("With", &lex).flags & SMALL, SMALL);
        assert_eq!(WordInfo::new("of", &lex).flags & SMALL, SMALL);
        assert_eq!(WordInfo::new("Deal", &lex).flags & SMALL, 0);
    }
}
