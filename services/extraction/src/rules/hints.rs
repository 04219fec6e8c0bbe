//! Cheap evidence of which rule patterns can match a text at all.
//!
//! Every match of some patterns contains a word that news text often lacks
//! ("ago", "yesterday", "percent", a full month name, "1990s"): where no
//! such word occurs, the pattern's whole-text scan is skipped. A hint is a
//! necessary condition of a match, never more, so skipping changes no
//! result. Case-insensitive hints match in any ASCII case; the hint words of
//! a pattern that folds case the Unicode way avoid the letters k and s,
//! whose case-insensitive matches include non-ASCII characters (K, the
//! Kelvin sign, and ſ).
//!
//! A [`HintSet`] checks many words in one scan (a literal-set search that
//! stops at the first hit) instead of one scan per word: a text that lacks
//! every word of a twelve-word set cost twelve full passes before.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock, RwLock};

use regex::Regex;

/// Hint words compiled once into one matcher.
pub(super) struct HintSet {
    words: &'static [&'static str],
    /// ASCII case-insensitive.
    folded: bool,
    matcher: OnceLock<Regex>,
}

impl HintSet {
    /// Words that must occur exactly.
    pub(super) const fn exact(words: &'static [&'static str]) -> HintSet {
        HintSet {
            words,
            folded: false,
            matcher: OnceLock::new(),
        }
    }

    /// Words that may occur in any ASCII case.
    pub(super) const fn folded(words: &'static [&'static str]) -> HintSet {
        HintSet {
            words,
            folded: true,
            matcher: OnceLock::new(),
        }
    }

    fn matcher(&self) -> &Regex {
        self.matcher
            .get_or_init(|| word_matcher(self.words, self.folded))
    }
}

/// One literal-set matcher for `words` (ASCII case-insensitive if `folded`).
fn word_matcher(words: &[&str], folded: bool) -> Regex {
    let alternation: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    let flags = if folded { "(?i-u)" } else { "" };
    Regex::new(&format!("{flags}(?:{})", alternation.join("|"))).expect("hint words")
}

/// Matchers for the word lists passed to [`Hints::any_folded`] and
/// [`Hints::any_exact`], built on first use: callers pass a few fixed
/// lists, so the map stays small.
static MATCHERS: LazyLock<RwLock<MatcherMap>> = LazyLock::new(|| RwLock::new(HashMap::new()));

/// Matchers by (folded, words).
type MatcherMap = HashMap<(bool, Vec<String>), Regex>;

/// Whether any of `words` occurs in `text`, in one scan.
fn any_word(text: &str, words: &[&str], folded: bool) -> bool {
    let key = (
        folded,
        words.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
    );
    if let Ok(map) = MATCHERS.read()
        && let Some(m) = map.get(&key)
    {
        return m.is_match(text);
    }
    let m = word_matcher(words, folded);
    let found = m.is_match(text);
    if let Ok(mut map) = MATCHERS.write() {
        map.insert(key, m);
    }
    found
}

/// The text the hints are checked in.
pub(super) struct Hints<'a> {
    text: &'a str,
    /// Every hint counts as present (tests compare against this).
    all: bool,
}

impl<'a> Hints<'a> {
    pub(super) fn new(text: &'a str) -> Hints<'a> {
        Hints { text, all: false }
    }

    /// Hints that skip nothing: what every pattern finds when none is
    /// skipped, to test that skipping loses no span.
    #[cfg(test)]
    pub(super) fn all_present(text: &'a str) -> Hints<'a> {
        Hints {
            all: true,
            ..Hints::new(text)
        }
    }

    /// Whether any of `words` (lowercase, no k or s) occurs, in any case.
    pub(super) fn any_folded(&self, words: &[&str]) -> bool {
        self.all || any_word(self.text, words, true)
    }

    /// Whether any word of `set` occurs (one scan).
    pub(super) fn has(&self, set: &HintSet) -> bool {
        self.all || set.matcher().is_match(self.text)
    }

    /// Whether any of `words` occurs exactly.
    pub(super) fn any_exact(&self, words: &[&str]) -> bool {
        self.all || any_word(self.text, words, false)
    }

    /// Whether an ASCII digit is directly followed by a hyphen ("2024-03").
    pub(super) fn digit_hyphen(&self) -> bool {
        let bytes = self.text.as_bytes();
        self.all
            || self
                .text
                .match_indices('-')
                .any(|(i, _)| i > 0 && bytes[i - 1].is_ascii_digit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints() {
        let h = Hints::new("Shares ROSE 10 PerCent on 2024-03-01");
        assert!(h.any_folded(&["cent"]));
        assert!(!h.any_folded(&["ago", "later"]));
        assert!(h.any_exact(&["PerC"]));
        assert!(!h.any_exact(&["percent"]));
        assert!(h.digit_hyphen());
        assert!(!Hints::new("well-known - 3 -x").digit_hyphen());
        static SET: HintSet = HintSet::folded(&["cent", "q1"]);
        static EXACT: HintSet = HintSet::exact(&["PerC", "Q1"]);
        assert!(h.has(&SET) && h.has(&EXACT));
        assert!(Hints::new("in Q1").has(&SET));
        assert!(!Hints::new("in 2024").has(&SET));
        assert!(!Hints::new("percent").has(&EXACT));
    }
}
