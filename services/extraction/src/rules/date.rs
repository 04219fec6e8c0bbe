//! DATE: absolute ("1 March 2024", "March 1, 2024", "2024-03-01", "March
//! 2024", "in 2023", "the 1990s") and relative ("Tuesday", "last week",
//! "two years ago", "earlier this year", "yesterday") expressions.
//!
//! Month names that are also given names or verbs (March, April, May, June,
//! August) count only next to a day or a year, so "Theresa May" and "troops
//! march" are never dates. Relative expressions resolve against the reference
//! date; without one they are tagged with no value.

use std::sync::LazyLock;

use regex::Regex;

use super::hints::Hints;
use super::numbers::parse_number;
use super::{CivilDate, RuleSpan};
use crate::EntityType;

const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
const DAY: &str = r"(?:[12][0-9]|3[01]|0?[1-9])";
const YEAR: &str = r"(?:1[5-9][0-9]{2}|20[0-9]{2})";
const WEEKDAY: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

static ISO: LazyLock<Regex> =
    LazyLock::new(|| super::rule_regex(r"\b(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})\b"));

/// "1 March 2024", "1st of March", "March 1, 2024", "March 1st", "March 2024".
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"\b(?:(?P<d1>{DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTH})\.?(?:,?\s+(?P<y1>{YEAR}))?|(?P<m2>{MONTH})\.?\s+(?P<d2>{DAY})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{YEAR}))?|(?P<m3>{MONTH})\.?,?\s+(?P<y3>{YEAR}))\b"
    ))
});

/// Month names that are dates on their own.
static BARE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(r"\b(?:January|February|July|September|October|November|December)\b")
});

static WEEKDAYS: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd>{WEEKDAY})\b"
    ))
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(
        r"(?i)\b(?:(?P<word>yesterday|today|tomorrow)|(?P<rel>last|next|this|past|coming|previous)\s+(?P<unit>week|month|year|weekend|decade|summer|winter|spring|autumn|fall)|(?P<el>earlier|later)\s+this\s+(?P<unit2>week|month|year))\b",
    )
});

static AGO: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"(?i){}\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+(?P<dir>ago|earlier|later)\b",
        r"(?P<num>\b(?:[0-9]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|several|a\s+few|few))"
    ))
});

/// A year after a word that makes it a date rather than a count.
static YEAR_CTX: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Tt]hrough|[Dd]uring|[Bb]efore|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id-?|[Ff]iscal|[Cc]irca|[Yy]ear|[Ss]ummer\s+of|[Ss]pring\s+of|[Aa]utumn\s+of|[Ww]inter\s+of)\s*(?P<y>{YEAR})\b"
    ))
});

static DECADE: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(r"\b(?:[Tt]he\s+)?(?:(?P<c>1[5-9]|20)(?P<d>[0-9])0s|['’](?P<d2>[0-9])0s)\b")
});

/// Words that every match of a pattern contains (see `hints`), by pattern.
/// BARE_MONTH: January, February, July, September, October, November,
/// December (case-sensitive).
const BARE_MONTH_HINTS: [&str; 4] = ["uary", "July", "ember", "October"];
/// RELATIVE (case-insensitive): yesterday, today, tomorrow, or a unit.
const RELATIVE_HINTS: [&str; 12] = [
    "terday", "today", "tomorrow", "wee", "month", "year", "decade", "ummer", "winter", "pring",
    "autumn", "fall",
];
/// AGO (case-insensitive): the direction word.
const AGO_HINTS: [&str; 3] = ["ago", "earlier", "later"];

pub(super) fn find(
    text: &str,
    hints: &Hints<'_>,
    reference: Option<CivilDate>,
    out: &mut Vec<RuleSpan>,
) {
    let mut push = |start: usize, end: usize, value: Option<String>| {
        out.push(RuleSpan {
            start,
            end,
            entity_type: EntityType::Date,
            value,
        })
    };
    // A digit, then a hyphen: "2024-03-01".
    let iso = hints.digit_hyphen().then(|| ISO.captures_iter(text));
    for c in iso.into_iter().flatten() {
        let (Some(m), Some(y), Some(mo), Some(d)) =
            (c.get(0), c.name("y"), c.name("m"), c.name("d"))
        else {
            continue;
        };
        if let Some(date) = ymd(y.as_str(), mo.as_str(), d.as_str()) {
            push(m.start(), m.end(), Some(date.to_string()));
        }
    }
    for c in DAY_MONTH.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let month = ["m1", "m2", "m3"]
            .iter()
            .find_map(|n| c.name(n))
            .and_then(|m| month_number(m.as_str()));
        let day = c.name("d1").or(c.name("d2")).map(|d| d.as_str());
        let year = ["y1", "y2", "y3"].iter().find_map(|n| c.name(n));
        let Some(month) = month else { continue };
        let value = match (day, year) {
            (Some(d), Some(y)) => ymd(y.as_str(), &month.to_string(), d).map(|x| x.to_string()),
            (None, Some(y)) => Some(format!("{}-{month:02}", y.as_str())),
            (Some(d), None) => reference
                .and_then(|r| ymd(&r.year().to_string(), &month.to_string(), d))
                .map(|x| x.to_string()),
            (None, None) => None,
        };
        push(m.start(), m.end(), value);
    }
    let bare_months = hints
        .any_exact(&BARE_MONTH_HINTS)
        .then(|| BARE_MONTH.find_iter(text));
    for m in bare_months.into_iter().flatten() {
        let month = month_number(m.as_str()).unwrap_or(1);
        let value = reference.map(|r| format!("{:04}-{month:02}", r.year()));
        push(m.start(), m.end(), value);
    }
    for c in WEEKDAYS.captures_iter(text) {
        let (Some(m), Some(wd)) = (c.get(0), c.name("wd")) else {
            continue;
        };
        let rel = c.name("rel").map(|r| r.as_str().to_ascii_lowercase());
        let value = reference.and_then(|r| weekday_date(r, wd.as_str(), rel.as_deref()));
        push(m.start(), m.end(), value.map(|d| d.to_string()));
    }
    let relative = hints
        .any_folded(&RELATIVE_HINTS)
        .then(|| RELATIVE.captures_iter(text));
    for c in relative.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let value = reference.and_then(|r| relative_value(r, &c));
        push(m.start(), m.end(), value);
    }
    let ago = hints
        .any_folded(&AGO_HINTS)
        .then(|| AGO.captures_iter(text));
    for c in ago.into_iter().flatten() {
        let (Some(m), Some(num), Some(unit), Some(dir)) =
            (c.get(0), c.name("num"), c.name("unit"), c.name("dir"))
        else {
            continue;
        };
        let n = parse_number(num.as_str()).and_then(|d| d.to_string().parse::<i64>().ok());
        let value = match (reference, n, dir.as_str().eq_ignore_ascii_case("ago")) {
            (Some(r), Some(n), true) => ago_value(r, n, unit.as_str()),
            _ => None,
        };
        push(m.start(), m.end(), value);
    }
    for c in YEAR_CTX.captures_iter(text) {
        let Some(y) = c.name("y") else { continue };
        if followed_by_count_noun(&text[y.end()..]) {
            continue;
        }
        push(y.start(), y.end(), Some(y.as_str().to_string()));
    }
    // "1990s", "'90s": always "0s".
    let decades = hints.any_exact(&["0s"]).then(|| DECADE.captures_iter(text));
    for c in decades.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let value = match (c.name("c"), c.name("d"), c.name("d2")) {
            (Some(cent), Some(d), _) => Some(format!("{}{}X", cent.as_str(), d.as_str())),
            (_, _, Some(d)) => {
                let cent = if d.as_str() < "3" { "20" } else { "19" };
                Some(format!("{cent}{}X", d.as_str()))
            }
            _ => None,
        };
        push(m.start(), m.end(), value);
    }
}

/// "in 2000 people" is a count, not a year: a plural noun follows.
fn followed_by_count_noun(rest: &str) -> bool {
    const NOT_PLURAL: [&str; 6] = ["was", "has", "is", "as", "its", "this"];
    const COUNT_NOUNS: [&str; 7] = [
        "people",
        "men",
        "women",
        "children",
        "police",
        "staff",
        "personnel",
    ];
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    if word.is_empty() || !word.chars().all(char::is_lowercase) {
        return false;
    }
    COUNT_NOUNS.contains(&word.as_str())
        || (word.len() > 3 && word.ends_with('s') && !NOT_PLURAL.contains(&word.as_str()))
}

fn ymd(y: &str, m: &str, d: &str) -> Option<CivilDate> {
    CivilDate::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn month_number(name: &str) -> Option<u32> {
    const PREFIXES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.get(..3)?.to_ascii_lowercase();
    PREFIXES
        .iter()
        .position(|p| *p == lower)
        .map(|i| i as u32 + 1)
}

fn weekday_number(name: &str) -> u32 {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = name.get(..3).unwrap_or("").to_ascii_lowercase();
    DAYS.iter().position(|d| *d == lower).unwrap_or(0) as u32
}

/// A bare weekday is the most recent such day (news reports the past); "next"
/// looks forward, "last" strictly back, "this" stays in the current ISO week.
fn weekday_date(r: CivilDate, name: &str, rel: Option<&str>) -> Option<CivilDate> {
    let target = i64::from(weekday_number(name));
    let today = i64::from(r.weekday());
    let back = (today - target).rem_euclid(7);
    let delta = match rel {
        Some("next") => {
            let fwd = (target - today).rem_euclid(7);
            if fwd == 0 { 7 } else { fwd }
        }
        Some("last") => {
            if back == 0 {
                -7
            } else {
                -back
            }
        }
        Some("this") => target - today,
        _ => -back,
    };
    r.add_days(delta)
}

fn relative_value(r: CivilDate, c: &regex::Captures<'_>) -> Option<String> {
    if let Some(w) = c.name("word") {
        let delta = match w.as_str().to_ascii_lowercase().as_str() {
            "yesterday" => -1,
            "tomorrow" => 1,
            _ => 0,
        };
        return r.add_days(delta).map(|d| d.to_string());
    }
    let (shift, unit) = match (c.name("rel"), c.name("unit"), c.name("unit2")) {
        (Some(rel), Some(unit), _) => {
            let shift = match rel.as_str().to_ascii_lowercase().as_str() {
                "last" | "past" | "previous" => -1,
                "next" | "coming" => 1,
                _ => 0,
            };
            (shift, unit.as_str().to_ascii_lowercase())
        }
        (_, _, Some(unit)) => (0, unit.as_str().to_ascii_lowercase()),
        _ => return None,
    };
    match unit.as_str() {
        "week" => r.add_days(7 * shift).map(|d| d.iso_week_string()),
        "month" => {
            let (y, m) = r.add_months(shift as i32);
            Some(format!("{y:04}-{m:02}"))
        }
        "year" => Some(format!("{:04}", r.year() + shift as i32)),
        _ => None,
    }
}

fn ago_value(r: CivilDate, n: i64, unit: &str) -> Option<String> {
    let unit = unit.to_ascii_lowercase();
    let n = n.clamp(0, 100_000);
    match unit.trim_end_matches('s') {
        "day" => r.add_days(-n).map(|d| d.to_string()),
        "week" => r.add_days(-7 * n).map(|d| d.iso_week_string()),
        "month" => {
            let (y, m) = r.add_months(-(n as i32));
            (y >= 1).then(|| format!("{y:04}-{m:02}"))
        }
        "year" => {
            let y = r.year() - n as i32;
            (y >= 1).then(|| format!("{y:04}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::recognize;
    use super::*;

    /// Reference: Wednesday 2024-03-06.
    fn dates(text: &str) -> Vec<(String, Option<String>)> {
        dates_ref(text, CivilDate::new(2024, 3, 6))
    }

    fn dates_ref(text: &str, r: Option<CivilDate>) -> Vec<(String, Option<String>)> {
        recognize(text, r)
            .into_iter()
            .filter(|s| s.entity_type == EntityType::Date)
            .map(|s| (text[s.start..s.end].to_string(), s.value))
            .collect()
    }

    fn one(text: &str, span: &str, value: &str) {
        assert_eq!(
            dates(text),
            vec![(span.to_string(), Some(value.to_string()))],
            "{text}"
        );
    }

    #[test]
    fn absolute() {
        one("on March 1 the", "March 1", "2024-03-01");
        one("on 1 March 2024 the", "1 March 2024", "2024-03-01");
        one("on March 1, 2024, the", "March 1, 2024", "2024-03-01");
        one("dated 2024-03-01.", "2024-03-01", "2024-03-01");
        one("the 1st of March", "1st of March", "2024-03-01");
        one("by Sept. 30, 2023 the", "Sept. 30, 2023", "2023-09-30");
        one("in March 2024 the", "March 2024", "2024-03");
        one("Until May 2021", "May 2021", "2021-05");
        one("on 12 Dec 2019", "12 Dec 2019", "2019-12-12");
        one("in January the", "January", "2024-01");
        one("elected in 2023.", "2023", "2023");
        one("since 1998 he", "1998", "1998");
        one("in the 1990s", "the 1990s", "199X");
        one("in the '80s", "the '80s", "198X");
    }

    #[test]
    fn relative() {
        one("said on Tuesday that", "Tuesday", "2024-03-05");
        one("said on Wednesday that", "Wednesday", "2024-03-06");
        one("will meet next Tuesday", "next Tuesday", "2024-03-12");
        one("met last Wednesday", "last Wednesday", "2024-02-28");
        one("met last week", "last week", "2024-W09");
        one("due next month", "next month", "2024-04");
        one("two years ago", "two years ago", "2022");
        one("3 days ago", "3 days ago", "2024-03-03");
        one("six months ago", "six months ago", "2023-09");
        one("earlier this year", "earlier this year", "2024");
        one("said yesterday", "yesterday", "2024-03-05");
        one("Tomorrow, talks", "Tomorrow", "2024-03-07");
        one("this week", "this week", "2024-W10");
        one("last year", "last year", "2023");
    }

    #[test]
    fn unresolved_without_reference() {
        assert_eq!(
            dates_ref("met last week", None),
            vec![("last week".to_string(), None)]
        );
        assert_eq!(
            dates_ref("on Tuesday", None),
            vec![("Tuesday".to_string(), None)]
        );
        assert_eq!(
            dates_ref("on 1 March 2024", None),
            vec![("1 March 2024".to_string(), Some("2024-03-01".to_string()))]
        );
    }

    #[test]
    fn non_matches() {
        assert!(dates("Theresa May said").is_empty());
        assert!(dates("May I ask").is_empty());
        assert!(dates("troops will March on").is_empty());
        assert!(dates("April Jones arrived").is_empty());
        assert!(dates("in 2000 people").is_empty());
        assert!(dates("2024-13-45").is_empty());
        assert!(dates("February 30, 2024").len() <= 1);
        assert!(dates("a crowd of 2000").is_empty());
        assert!(dates("Mayday").is_empty());
    }

    #[test]
    fn ambiguous_month_with_day_or_year() {
        one("Theresa May on May 3 said", "May 3", "2024-05-03");
        one("in June 2022", "June 2022", "2022-06");
    }

    proptest::proptest! {
        /// A hint is necessary for a match: wherever a gated pattern
        /// matches, its hint is present (so skipping never loses a span).
        #[test]
        fn hints_never_hide_a_match(
            s in "((?i)(yesterday|today|tomorrow|last|this|next|past|week|weekend|month|year|decade|summer|winter|spring|autumn|fall|earlier|later|ago|days?|weeks?|months?|years?|a few|two|the)|January|February|July|September|October|November|December|May|[0-9]{1,4}|['’][0-9]0s|19[0-9]0s|[0-9]{4}-[0-9]{2}-[0-9]{2}|K|ſ|[ \\-.,]){0,12}"
        ) {
            let hints = Hints::new(&s);
            proptest::prop_assert!(!ISO.is_match(&s) || hints.digit_hyphen());
            proptest::prop_assert!(!BARE_MONTH.is_match(&s) || hints.any_exact(&BARE_MONTH_HINTS));
            proptest::prop_assert!(!RELATIVE.is_match(&s) || hints.any_folded(&RELATIVE_HINTS));
            proptest::prop_assert!(!AGO.is_match(&s) || hints.any_folded(&AGO_HINTS));
            proptest::prop_assert!(!DECADE.is_match(&s) || hints.any_exact(&["0s"]));
        }
    }
}
