//! Rule recognizers for value entities: DATE, MONEY, PERCENT and QUANTITY.
//!
//! These are closed-class expressions that a handful of patterns capture more
//! reliably than a statistical tagger trained on CoNLL (which has no such
//! types). Every pattern is compiled once (`LazyLock`); a call only scans.
//! Each span carries a normalised value where one is defined:
//!
//! | type     | value examples                                   |
//! |----------|--------------------------------------------------|
//! | DATE     | see the DATE table below                         |
//! | MONEY    | `2300000000 USD`                                 |
//! | PERCENT  | `10`, `2.5`                                      |
//! | QUANTITY | `3000 t`, `10 km`, `40 deg`                      |
//!
//! DATE values, with the reference date 2026-12-05 (a Saturday):
//!
//! | form | meaning | example |
//! |------|---------|---------|
//! | `2026-10-14` | a day | "October 14, 2026", "Tuesday" → `2026-12-01`, "yesterday" |
//! | `2025-10` | a month | "October 2025", "last December" → `2025-12`, "next month" → `2027-01` |
//! | `2025` | a year | "in 2025", "last year", "late 2025", "the end of 2025" |
//! | `2026-W49` | an ISO week | "this week", "two weeks ago" → `2026-W47` |
//! | `199X` | a decade | "the 1990s", "the early '90s" |
//! | `20XX` | a century | "the 21st century" |
//! | `2023-12-05/2026-12-05` | a range (ISO 8601 interval) | "the past three years"; "earlier this month" → `2026-12-01/2026-12-05`; "2019 to 2023" → `2019/2023`; "March 3-5, 2026" → `2026-03-03/2026-03-05` |
//! | `2026-01/2026-06` | a half or quarter of a year | "the first half of 2026", "Q3 2026" → `2026-07/2026-09` |
//! | `2024-SU` | a season (TIMEX3 codes SP, SU, FA, WI) | "the summer of 2024", "spring 2028" → `2028-SP` |
//! | `FY2025` | a fiscal year (its months vary by body) | "fiscal 2025", "FY25" |
//! | none | not fixed by the words | "three years", "that year", "recent months", "annual", "a 54-year-old", "the third quarter" |
//!
//! Relative dates resolve only against a reference date (the article's
//! published_at); without one they are tagged with no value. Modifiers that
//! narrow a period without fixing its part ("late 2019", "the end of next
//! year") keep the value of the period, as a TIMEX3 value without its `mod`.

pub mod civil;
mod date;
mod hints;
mod money;
pub mod numbers;
mod percent;
mod quantity;

pub use civil::CivilDate;

use crate::EntityType;

/// A recognised value expression. Offsets are UTF-8 byte offsets into the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpan {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
    /// The normalised value (see the module docs), if one is defined and known.
    pub value: Option<String>,
}

/// Finds every DATE, MONEY, PERCENT and QUANTITY span in `text`, sorted by
/// start offset and non-overlapping (the longest span wins; on equal spans
/// MONEY > PERCENT > QUANTITY > DATE).
/// Compiles a rule pattern with ASCII word boundaries. A Unicode `\b`
/// makes the regex crate's fast DFA give up at the first non-ASCII byte of a
/// text ("€", "’", any Cyrillic) and fall back to its slow engines for the
/// whole text, which cost more than tagging did. Every boundary in these
/// patterns sits next to an ASCII digit, letter or symbol, so treating
/// non-ASCII letters as non-word characters changes nothing that matters.
pub(crate) fn rule_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("static rule regex")
}

pub fn recognize(text: &str, reference: Option<CivilDate>) -> Vec<RuleSpan> {
    let mut spans = Vec::new();
    let hints = hints::Hints::new(text);
    money::find(text, &mut spans);
    percent::find(text, &hints, &mut spans);
    quantity::find(text, &mut spans);
    date::find(text, &hints, reference, &mut spans);
    resolve_overlaps(spans)
}

fn priority(t: EntityType) -> u8 {
    match t {
        EntityType::Money => 0,
        EntityType::Percent => 1,
        EntityType::Quantity => 2,
        _ => 3,
    }
}

fn resolve_overlaps(mut spans: Vec<RuleSpan>) -> Vec<RuleSpan> {
    spans.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(priority(a.entity_type).cmp(&priority(b.entity_type)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<RuleSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        if kept.iter().all(|k| s.end <= k.start || s.start >= k.end) {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| s.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tags(text: &str) -> Vec<(String, EntityType, Option<String>)> {
        let r = CivilDate::new(2024, 3, 6);
        recognize(text, r)
            .into_iter()
            .map(|s| (text[s.start..s.end].to_string(), s.entity_type, s.value))
            .collect()
    }

    #[test]
    fn mixed_sentence() {
        let t =
            "Shares fell 10% on Tuesday after the firm lost $2.3 billion and shed 3,000 tonnes.";
        let got = tags(t);
        assert_eq!(
            got,
            vec![
                ("10%".into(), EntityType::Percent, Some("10".into())),
                (
                    "Tuesday".into(),
                    EntityType::Date,
                    Some("2024-03-05".into())
                ),
                (
                    "$2.3 billion".into(),
                    EntityType::Money,
                    Some("2300000000 USD".into())
                ),
                (
                    "3,000 tonnes".into(),
                    EntityType::Quantity,
                    Some("3000 t".into())
                ),
            ]
        );
    }

    #[test]
    fn overlaps_prefer_longest() {
        let got = tags("It cost €5m in March 2024.");
        assert_eq!(got[0].0, "€5m");
        assert_eq!(got[1].0, "March 2024");
        assert_eq!(got.len(), 2);
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_valid(s in "\\PC{0,200}") {
            let spans = recognize(&s, CivilDate::new(2024, 1, 31));
            let mut last = 0;
            for sp in spans {
                prop_assert!(sp.start < sp.end && sp.end <= s.len());
                prop_assert!(s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end));
                prop_assert!(sp.start >= last);
                last = sp.end;
            }
        }

        #[test]
        fn never_panics_on_numeric_soup(s in "[0-9 ,.$€£%a-zA-Z\\-]{0,80}") {
            let _ = recognize(&s, CivilDate::new(2024, 12, 31));
            let _ = recognize(&s, None);
        }
    }
}
