//! Cheap evidence of which rule patterns can match a text at all.
//!
//! Every match of some patterns contains a word that news text often lacks
//! ("ago", "yesterday", "percent", a full month name, "1990s"): where no
//! such word occurs, the pattern's whole-text scan is skipped. A hint is a
//! necessary condition of a match, never more, so skipping changes no
//! result. Case-insensitive patterns are checked against the text with its
//! ASCII letters lowercased; their hint words avoid the letters k and s,
//! whose case-insensitive matches include non-ASCII characters (K, the
//! Kelvin sign, and ſ).

/// The text, ASCII-lowercased once for the case-insensitive hints.
pub(super) struct Hints<'a> {
    text: &'a str,
    lower: String,
    /// Every hint counts as present (tests compare against this).
    all: bool,
}

impl<'a> Hints<'a> {
    pub(super) fn new(text: &'a str) -> Hints<'a> {
        Hints {
            text,
            lower: text.to_ascii_lowercase(),
            all: false,
        }
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
        self.all || words.iter().any(|w| self.lower.contains(w))
    }

    /// Whether any of `words` occurs exactly.
    pub(super) fn any_exact(&self, words: &[&str]) -> bool {
        self.all || words.iter().any(|w| self.text.contains(w))
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
    }
}
