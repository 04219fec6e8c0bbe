//! Relative dates, durations, frequencies and ages, as OntoNotes marks them:
//! "yesterday", "last week", "the past three years", "in recent months",
//! "that year", "two weeks ago", "a two-day summit", "for three years",
//! "the third quarter", "the end of the month", "annual", "a 54-year-old",
//! "aged 54".
//!
//! One case-insensitive pattern scans the text once for all of them (one
//! pass is cheaper than one per class); a few checks in code then drop the
//! readings that are not dates ("last resort" never matches: a unit must
//! follow; "a year" counts only as a duration after "for", "over", …).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::super::CivilDate;
use super::super::hints::{HintSet, Hints};
use super::super::numbers::parse_number;
use super::value::{Unit, month_string, rolling, year_string};
use super::{DateSpan, Kind};

/// A count of units: digits, number words, "a few", "several", "two or three".
const COUNT: &str = r"(?:(?:[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?:\s+(?:or|to)\s+(?:[0-9]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty))?(?:\s+and\s+a\s+half)?|a\s+hundred|a\s+single|hundreds\s+of|thousands\s+of|a\s+few|a\s+couple\s+of|several|many|few|a|an)";

/// Units of relative expressions ("the past decade", "this summer").
const UNIT: &str = r"(?:days?|weeks?|weekends?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)|summers?|winters?|springs?|autumns?|fall|seasons?|period)";

/// Units of durations ("three years", "two-day").
const DUR_UNIT: &str = r"(?:days?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies)|summers|winters|springs|autumns)";

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"(?i-u)\b(?:(?P<word>yesterday|today|tomorrow|these\s+days)|(?P<anum>{COUNT})\s+(?P<aunit>{DUR_UNIT})\s+(?P<adir>ago|earlier|later)|(?P<part>(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|rest|remainder|turn|close|most|(?:first|second)\s+half|(?:first|second|third|fourth|final|last)\s+quarter|(?:first|second|third|fourth|last|final)(?:\s+(?:two|three|four|five|six|seven|eight|nine|ten|eleven|[0-9]{{1,2}}))?\s+(?:days?|weeks?|months?))\s+of\s+the\s+(?:year|month|week|decade|century|quarter|summer|winter|spring|autumn))|(?P<quarter>(?:the\s+)?(?:first|second|third|fourth|final|last)\s+quarter|(?:first|second|third|fourth)-(?:quarter|half))|(?P<det>(?:the|these|those)\s+)?(?P<rel>past|last|next|coming|previous|following|same|recent|current|this|that|first|final|preceding)\s+(?:(?P<num>{COUNT})\s+)?(?P<unit>{UNIT})|(?P<dnum>{COUNT})(?P<dsep>\s+|-)(?P<dunit>{DUR_UNIT})(?P<tail>-olds?|\s+old|-long)?|(?P<long>{DUR_UNIT}-long)|(?P<freq>(?-i:annual|annually|daily|weekly|monthly|quarterly|yearly|biannual|biennial))|aged\s+(?P<age>[1-9][0-9]?)|(?P<season>(?-i:the\s+(?:(?:spring|summer|autumn|winter)(?:\s+season)?|weekend)|(?:early|late|mid-)\s*(?:spring|summer|autumn|winter)))|(?P<bare>(?-i:days|weeks|months|years)))\b"
    ))
});

/// Every RELATIVE match contains one of these (case-insensitive; see
/// `hints`): a unit, "yesterday", "today", "tomorrow", a frequency, "aged".
static RELATIVE_HINTS: HintSet = HintSet::folded(&[
    "day",
    "terday",
    "tomorrow",
    "wee",
    "fortnight",
    "month",
    "quarter",
    "year",
    "decade",
    "centur",
    "ummer",
    "winter",
    "pring",
    "autumn",
    "fall",
    "ea",
    "period",
    "annual",
    "ennial",
    "daily",
    "half",
    "aged",
]);

pub(super) fn find(
    text: &str,
    hints: &Hints<'_>,
    reference: Option<CivilDate>,
    out: &mut Vec<DateSpan>,
) {
    let relative = hints
        .has(&RELATIVE_HINTS)
        .then(|| RELATIVE.captures_iter(text));
    for c in relative.into_iter().flatten() {
        if let Some((start, end, value, kind)) = reading(text, &c, reference) {
            out.push(DateSpan {
                start,
                end,
                value,
                kind,
            });
        }
    }
    ages_in_apposition(text, out);
}

/// "Wu, 61, said", "Treviño, 58, a farmer", "Abenov, who is 52, said": an
/// age between commas after a capitalised name, or after "who is". A scan
/// for ", " (no pattern) keeps this cheap on long texts.
fn ages_in_apposition(text: &str, out: &mut Vec<DateSpan>) {
    let bytes = text.as_bytes();
    for (j, _) in text.match_indices(", ") {
        // j is the comma after the age: " 61, said".
        if j < 4
            || !matches!(bytes[j - 2], b'1'..=b'9')
            || !bytes[j - 1].is_ascii_digit()
            || bytes[j - 3] != b' '
            || !text[j + 2..].starts_with(char::is_alphabetic)
        {
            continue;
        }
        let before = &text[..j - 3];
        let ok = if let Some(name) = before.strip_suffix(',') {
            let word_start = name
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_alphabetic() || matches!(c, '-' | '\'' | '’')))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let word = &name[word_start..];
            word.starts_with(char::is_uppercase)
                && word.ends_with(char::is_lowercase)
                && !is_calendar_word(word)
        } else {
            let verb = previous_word(before);
            let who = previous_word(&before[..before.len() - verb.len()]);
            matches!(verb, "is" | "was" | "turns" | "turned") && matches!(who, "who" | "which")
        };
        if ok {
            out.push(DateSpan {
                start: j - 2,
                end: j,
                value: None,
                kind: Kind::Other,
            });
        }
    }
}

/// Month and weekday names: "March 3, 45, …" is not an age.
fn is_calendar_word(word: &str) -> bool {
    super::value::month_number(word).is_some()
        || [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .contains(&word)
}

type Reading = (usize, usize, Option<String>, Kind);

/// The span, value and kind of one RELATIVE match, or `None` where the
/// words are not a date in this context.
fn reading(text: &str, c: &Captures<'_>, r: Option<CivilDate>) -> Option<Reading> {
    let m = c.get(0)?;
    let rest = &text[m.end()..];
    if let Some(w) = c.name("word") {
        // "yesterday morning", "midday today" are times.
        if super::time_of_day_follows(rest)
            || matches!(
                previous_word(&text[..m.start()]),
                "midday" | "noon" | "midnight" | "morning" | "evening" | "night"
            )
        {
            return None;
        }
        let delta = match w.as_str().to_ascii_lowercase().as_str() {
            "yesterday" => -1,
            "tomorrow" => 1,
            "today" => 0,
            _ => return Some((m.start(), m.end(), None, Kind::Other)),
        };
        let value = r.and_then(|r| r.add_days(delta)).map(|d| d.to_string());
        return Some((m.start(), m.end(), value, Kind::Day));
    }
    if let (Some(num), Some(unit), Some(dir)) = (c.name("anum"), c.name("aunit"), c.name("adir")) {
        let n = count(num.as_str());
        let ago = dir.as_str().eq_ignore_ascii_case("ago");
        let value = match (r, n, ago) {
            (Some(r), Some(n), true) => ago_value(r, n, Unit::parse(unit.as_str())),
            _ => None,
        };
        return Some((m.start(), m.end(), value, Kind::Duration));
    }
    if c.name("part").is_some() || c.name("quarter").is_some() || c.name("season").is_some() {
        return Some((m.start(), m.end(), None, Kind::Period));
    }
    if let Some(bare) = c.name("bare") {
        return bare_units(text, bare.start(), bare.end());
    }
    if let (Some(rel), Some(unit)) = (c.name("rel"), c.name("unit")) {
        if rest.starts_with('-') {
            // "that year-on-year rise", "this week-long".
            return None;
        }
        if let Some((value, kind)) = relative_reading(c, rest, rel.as_str(), unit.as_str(), r) {
            return Some((m.start(), m.end(), value, kind));
        }
        // Not a relative period; a count of units is still a duration
        // ("will last three years").
        let num = c.name("num")?;
        let unit = Unit::parse(unit.as_str());
        return (unit != Unit::Other).then_some((num.start(), m.end(), None, Kind::Duration));
    }
    if let (Some(num), Some(sep), Some(_)) = (c.name("dnum"), c.name("dsep"), c.name("dunit")) {
        let article = matches!(num.as_str().to_ascii_lowercase().as_str(), "a" | "an");
        let hyphen = sep.as_str() == "-";
        if rest.starts_with('-') && c.name("tail").is_none() {
            return None;
        }
        let duration = duration_context(&text[..m.start()]) || next_word_joins(rest);
        if article && (hyphen || !duration) {
            // "a decade-long war": the compound without the article.
            let unit = c.name("dunit")?;
            let long = c.name("tail").is_some_and(|t| t.as_str() == "-long");
            return long.then_some((unit.start(), m.end(), None, Kind::Duration));
        }
        if hyphen && c.name("dunit")?.as_str().ends_with('s') && c.name("tail").is_none() {
            // "two-days" is not a compound adjective.
            return None;
        }
        let kind = if hyphen || c.name("tail").is_some() {
            Kind::Other
        } else {
            Kind::Duration
        };
        return Some((m.start(), m.end(), None, kind));
    }
    if c.name("long").is_some() || c.name("freq").is_some() {
        return Some((m.start(), m.end(), None, Kind::Other));
    }
    if let Some(age) = c.name("age") {
        return Some((age.start(), age.end(), None, Kind::Other));
    }
    None
}

/// "det rel num unit": "this week", "the past three years", "recent months".
fn relative_reading(
    c: &Captures<'_>,
    rest: &str,
    rel: &str,
    unit_word: &str,
    r: Option<CivilDate>,
) -> Option<(Option<String>, Kind)> {
    let rel = rel.to_ascii_lowercase();
    let det = c
        .name("det")
        .map(|d| d.as_str().trim_end().to_ascii_lowercase());
    let the = det.as_deref() == Some("the");
    let unit_lower = unit_word.to_ascii_lowercase();
    let plural = unit_lower.ends_with('s');
    let num = c.name("num").map(|n| n.as_str());
    let unit = Unit::parse(unit_word);
    let allowed = match rel.as_str() {
        // "these days" is matched elsewhere; "these weeks" is too vague.
        _ if det.is_some() && !the => false,
        // "that year", "this summer"; not "that years of war".
        "this" | "that" => det.is_none() && num.is_none() && !plural,
        "same" | "first" | "final" | "preceding" | "current" | "following" => the,
        "recent" => plural,
        // "could last three years": the verb, then a duration.
        "last" => num.is_none() || det.is_some(),
        _ => true,
    };
    // "the same period": a period only as the same one.
    if unit_lower == "period" && rel != "same" {
        return None;
    }
    // "this fall", "last fall": "fall" is a season only right after these.
    let fall_ok = unit_lower != "fall"
        || (det.is_none() && num.is_none() && matches!(rel.as_str(), "this" | "last" | "next"));
    // A plural unit without a count: "the past years", "the coming weeks",
    // "recent months", "in past years"; not "last years".
    let plural_ok =
        !plural || num.is_some() || the || matches!(rel.as_str(), "recent" | "past" | "previous");
    if !(allowed && fall_ok && plural_ok) {
        return None;
    }
    // "the last week of October" is a part of something else, not the week
    // before the reference day.
    let value = if rest.starts_with(" of ") {
        None
    } else {
        r.and_then(|r| relative_value(r, &rel, det.is_some(), num, unit, plural))
    };
    // Calendar periods ("this month", "last year") take modifiers: "earlier
    // this month", "the end of next year".
    let calendar = det.is_none()
        && num.is_none()
        && matches!(rel.as_str(), "this" | "last" | "next")
        && matches!(
            unit,
            Unit::Week | Unit::Month | Unit::Year | Unit::Quarter | Unit::Decade
        );
    Some((
        value,
        if calendar {
            Kind::Calendar
        } else {
            Kind::Period
        },
    ))
}

fn relative_value(
    r: CivilDate,
    rel: &str,
    has_det: bool,
    num: Option<&str>,
    unit: Unit,
    plural: bool,
) -> Option<String> {
    let n = match num {
        Some(n) => Some(count(n)?),
        None if plural => return None,
        None => None,
    };
    match (rel, has_det, n) {
        // Calendar periods: "this week", "last month", "next year".
        ("this" | "last" | "next", false, None) => {
            let shift = match rel {
                "last" => -1,
                "next" => 1,
                _ => 0,
            };
            match unit {
                Unit::Week => r.add_days(7 * shift).map(|d| d.iso_week_string()),
                Unit::Month => {
                    let (y, m) = r.add_months(shift as i32);
                    month_string(y, m)
                }
                Unit::Year => year_string(r.year() + shift as i32),
                Unit::Quarter => {
                    let (y, m) = r.add_months(3 * shift as i32);
                    let q = (m - 1) / 3 + 1;
                    super::value::part_of_year(&format!("{y:04}"), 3, q)
                }
                Unit::Decade if shift == 0 => Some(format!("{:03}X", r.year() / 10)),
                _ => None,
            }
        }
        // Rolling periods ending or starting today: "the past year", "the
        // last two weeks", "the next five years", "the coming year".
        ("past" | "last", _, n) => rolling(r, unit, n.unwrap_or(1), true),
        ("coming", _, n) => rolling(r, unit, n.unwrap_or(1), false),
        ("next", true, Some(n)) | ("next", false, Some(n)) => rolling(r, unit, n, false),
        // "the next day", "the following year", "that year", "the same
        // month", "recent months": fixed only by the story.
        _ => None,
    }
}

/// A count as a whole number, if it is one ("a few" and "two or three" are
/// not).
fn count(text: &str) -> Option<i64> {
    let d = parse_number(text)?;
    d.to_string().parse::<i64>().ok()
}

/// Words after which "a year", "a decade" are durations: "for a decade",
/// "more than a year", "within a month", "in a decade".
fn duration_context(before: &str) -> bool {
    const WORDS: [&str; 17] = [
        "for", "over", "within", "than", "about", "nearly", "almost", "around", "roughly", "some",
        "after", "under", "barely", "just", "in", "least", "another",
    ];
    let prev = previous_word(before);
    WORDS.iter().any(|w| prev.eq_ignore_ascii_case(w))
}

/// The word right before a position (ASCII letters), or "".
fn previous_word(before: &str) -> &str {
    let t = before.trim_end_matches([' ', '\t']);
    let start = t
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &t[start..]
}

/// The word right after a position (ASCII letters), or "".
fn next_word(rest: &str) -> &str {
    let t = rest.trim_start_matches([' ', '\t']);
    let end = t
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(t.len());
    &t[..end]
}

/// "a day after the vote", "a year of works", "months before": a word
/// after a unit that makes it a stretch of time.
fn next_word_joins(rest: &str) -> bool {
    matches!(
        next_word(rest),
        "of" | "after" | "before" | "later" | "earlier"
    )
}

/// A plural unit without a count ("waited months", "months of protests",
/// "weeks after", "years ago") is a DATE only where a neighbouring word
/// makes it a stretch of time; "their days", "launch days" are not.
fn bare_units(text: &str, start: usize, end: usize) -> Option<Reading> {
    const BEFORE: [&str; 21] = [
        "for", "within", "in", "over", "after", "wait", "waited", "waiting", "spent", "spend",
        "spends", "spending", "took", "take", "takes", "taking", "lasted", "lasting", "last",
        "ending", "led",
    ];
    let before = previous_word(&text[..start]);
    let rest = &text[end..];
    let next = next_word(rest);
    if matches!(next, "ago" | "later" | "earlier") {
        // "years ago": the direction word is inside, as in "two years ago".
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return Some((start, end + gap + next.len(), None, Kind::Other));
    }
    let after_verb = BEFORE.contains(&before);
    // "ending months of uncertainty", "amid weeks of talks"; not "launch
    // days of", "the days of".
    let before_of = next_word_joins(rest)
        && (before.is_empty()
            || before.ends_with("ed")
            || before.ends_with("ing")
            || matches!(before, "amid" | "despite" | "with" | "after" | "before"));
    (after_verb || before_of).then_some((start, end, None, Kind::Duration))
}

fn ago_value(r: CivilDate, n: i64, unit: Unit) -> Option<String> {
    let n = n.clamp(0, 100_000);
    match unit {
        Unit::Day => r.add_days(-n).map(|d| d.to_string()),
        Unit::Week => r.add_days(-7 * n).map(|d| d.iso_week_string()),
        Unit::Fortnight => r.add_days(-14 * n).map(|d| d.iso_week_string()),
        Unit::Month => {
            let (y, m) = r.add_months(-(n as i32));
            month_string(y, m)
        }
        Unit::Year => year_string(r.year() - n as i32),
        Unit::Decade => year_string(r.year() - 10 * n as i32),
        _ => None,
    }
}
