//! PERCENT: "10%", "10 percent", "10 per cent", "ten percent",
//! "2.5 percentage points". The value is the number ("10", "2.5").

use std::sync::LazyLock;

use regex::Regex;

use super::RuleSpan;
use super::hints::Hints;
use super::numbers::{NUMBER, needs_scale, parse_number};
use crate::EntityType;

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"(?i)(?P<num>{NUMBER})(?:\s?(?:%|％)|\s?(?:-|\s)(?:percent|per\s+cent|pct|percentage\s+points?)\b)"
    ))
});

/// Every match has "%", "％", "cent" (percent, per cent, percentage) or "pct".
fn possible(hints: &Hints<'_>) -> bool {
    hints.any_exact(&["%", "％"]) || hints.any_folded(&["cent", "pct"])
}

pub(super) fn find(text: &str, hints: &Hints<'_>, out: &mut Vec<RuleSpan>) {
    if !possible(hints) {
        return;
    }
    for c in PERCENT.captures_iter(text) {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else {
            continue;
        };
        if needs_scale(num.as_str()) {
            continue;
        }
        out.push(RuleSpan {
            start: m.start(),
            end: m.end(),
            entity_type: EntityType::Percent,
            value: parse_number(num.as_str()).map(|d| d.to_string()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::recognize;
    use crate::EntityType;

    fn pct(text: &str) -> Vec<(String, Option<String>)> {
        recognize(text, None)
            .into_iter()
            .filter(|s| s.entity_type == EntityType::Percent)
            .map(|s| (text[s.start..s.end].to_string(), s.value))
            .collect()
    }

    #[test]
    fn forms() {
        let cases = [
            ("rose 10% in", "10%", "10"),
            ("rose 10 % in", "10 %", "10"),
            ("by 10 percent", "10 percent", "10"),
            ("by 10 per cent", "10 per cent", "10"),
            ("ten percent of", "ten percent", "10"),
            ("fell 2.5 percentage points", "2.5 percentage points", "2.5"),
            ("a 1 percentage point cut", "1 percentage point", "1"),
            ("a 3-percent rise", "3-percent", "3"),
            ("0.25 pct", "0.25 pct", "0.25"),
            ("Twenty-five per cent", "Twenty-five per cent", "25"),
        ];
        for (text, span, value) in cases {
            assert_eq!(pct(text), vec![(span.into(), Some(value.into()))], "{text}");
        }
    }

    #[test]
    fn non_matches() {
        assert!(pct("a percent sign").is_empty());
        assert!(pct("100 people").is_empty());
        assert!(pct("often percent").is_empty());
    }

    proptest::proptest! {
        /// Wherever the pattern matches, the hint is present.
        #[test]
        fn hint_never_hides_a_match(
            s in "((?i)(ten|a|two|percent|per|cent|pct|percentage|points?)|[0-9]{1,3}(\\.[0-9])?|%|％|[ \\-]){0,8}"
        ) {
            let hints = super::Hints::new(&s);
            proptest::prop_assert!(!super::PERCENT.is_match(&s) || super::possible(&hints));
        }
    }
}
