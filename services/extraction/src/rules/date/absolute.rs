//! Dates written with calendar names and numbers: "1 March 2024", "March 1,
//! 2024", "2024-03-01", "March 2024", "October", "in 2023", "the 1990s",
//! "Tuesday", "Q3 2026", "FY2025", "the 21st century", and ranges of them
//! ("March 3-5", "2019 to 2023", "between 2020 and 2022").
//!
//! Month names that are also given names or verbs (March, April, May, June,
//! August) count only next to a day or a year, or after a word that makes
//! them a month ("in May", "last May", "mid-June"), so "Theresa May" and
//! "troops march" are never dates. A number is a year only after a word
//! that makes it one (`YEAR_CTX`).

use std::sync::LazyLock;

use regex::Regex;

use super::super::CivilDate;
use super::super::hints::{HintSet, Hints};
use super::value::{interval, month_number, month_string, weekday_date, ymd};
use super::{DateSpan, Kind};

const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
const DAY: &str = r"(?:[12][0-9]|3[01]|0?[1-9])";
const YEAR: &str = r"(?:1[5-9][0-9]{2}|20[0-9]{2})";
const WEEKDAY: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(r"\b(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})\b")
});

/// "1 March 2024", "1st of March", "March 1, 2024", "March 1st", "March 2024".
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<d1>{DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTH})\.?(?:,?\s+(?P<y1>{YEAR}))?|(?P<m2>{MONTH})\.?\s+(?P<d2>{DAY})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{YEAR}))?|(?P<m3>{MONTH})\.?,?\s+(?P<y3>{YEAR}))\b"
    ))
});

/// Days of one month as one span: "March 3-5", "3-5 March 2026",
/// "March 3 to 5".
static DAY_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<m1>{MONTH})\.?\s+(?P<a1>{DAY})(?:st|nd|rd|th)?\s*(?:-|–|to|through)\s*(?P<b1>{DAY})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>{YEAR}))?|(?P<a2>{DAY})(?:st|nd|rd|th)?\s*(?:-|–|to)\s*(?P<b2>{DAY})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>{YEAR}))?)\b"
    ))
});

/// Ranges of years: "2019-2023", "2019–23", "2019 to 2023", and "2020 and
/// 2022" after "between" (which stays outside, as every preposition does).
static YEAR_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<a>{YEAR})\s*(?:-|–|—|to|through|until)\s*(?P<b>{YEAR}|[0-9]{{2}})|[Bb]etween\s+(?P<a2>{YEAR})\s+and\s+(?P<b2>{YEAR}))\b"
    ))
});

/// Month names that are dates on their own.
static BARE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(r"\b(?:January|February|July|September|October|November|December)\b")
});

/// The ambiguous month names after a word that makes them months.
static MONTH_CTX: LazyLock<Regex> =
    LazyLock::new(|| super::super::rule_regex(r"\b(?:March|April|May|June|August)\b"));

/// The words before an ambiguous month name that make it a month, anchored
/// at the name (`$`). Finding the names first (a literal search) and then
/// checking the few words before each is cheaper than one pattern with the
/// context in front.
static MONTH_CTX_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(
        r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:to|and|through|until|-|–)|[Bb]etween|[Ii]n|[Dd]uring|[Uu]ntil|[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id-|[Ee]nd\s+of|[Ss]tart\s+of|[Bb]eginning\s+of|[Mm]iddle\s+of|[Ee]arlier\s+in|[Ll]ater\s+in)\s*$",
    )
});

static WEEKDAYS: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd>{WEEKDAY})\b"
    ))
});

/// A year after a word that makes it a date rather than a count. After a
/// determiner ("the 2024 election", "a 2023 report") the year must modify a
/// following lowercase singular noun.
static YEAR_CTX: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<det>[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|['’]s)\s+|(?P<weak>[Ff]or|of)\s+|(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Tt]hrough|[Dd]uring|[Bb]efore|[Aa]fter|[Bb]etween|[Ee]arly|[Ll]ate|[Mm]id-?|[Ff]iscal|[Cc]irca|[Yy]ear|(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)(?:\s+of)?|(?:end|start|beginning|middle|close|turn|half|quarter|rest|remainder|most|days|weeks?|months?)\s+of)\s*)(?P<y>{YEAR})\b"
    ))
});

static DECADE: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(
        r"(?:\b[Tt]he\s+)?(?:\b(?P<c>1[5-9]|20)(?P<d>[0-9])0s|['’](?P<d2>[0-9])0s)\b",
    )
});

/// Holidays that OntoNotes marks as dates: "Christmas Day 2024", "Easter".
static HOLIDAY: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s\s+(?:Day|Eve)|Easter(?:\s+Sunday)?)(?:,?\s+(?P<y>{YEAR}))?\b"
    ))
});
/// HOLIDAY: Christmas, New Year's, Easter.
static HOLIDAY_HINTS: HintSet = HintSet::exact(&["Christmas", "New Year", "Easter"]);

/// Financial periods: "Q3 2026", "Q3", "H1 2026", "FY2025", "FY25".
static CODES: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(&format!(
        r"\b(?:(?P<q>Q[1-4])(?:[ -](?P<qy>{YEAR}))?|(?P<h>H[12])[ -](?P<hy>{YEAR})|FY(?P<fy>{YEAR}|[0-9]{{2}}))\b"
    ))
});

/// "the 21st century", "the 19th-century".
static CENTURY: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(r"\b(?:[Tt]he\s+)?(?P<n>[12]?[0-9])(?:st|nd|rd|th)(?:\s+|-)century\b")
});

/// Words that every match of a pattern contains (see `hints`), by pattern.
/// BARE_MONTH: January, February, July, September, October, November,
/// December (case-sensitive).
static BARE_MONTH_HINTS: HintSet = HintSet::exact(&["uary", "July", "ember", "October"]);
/// DAY_MONTH, DAY_RANGE: the first three letters of every month name.
static MONTH_HINTS: HintSet = HintSet::exact(&[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
]);
/// MONTH_CTX: March, April, May, June, August.
static MONTH_CTX_HINTS: HintSet = HintSet::exact(&["March", "April", "May", "June", "August"]);
/// DECADE: "1990s", "'90s".
static DECADE_HINTS: HintSet = HintSet::exact(&["0s"]);
/// CENTURY.
static CENTURY_HINTS: HintSet = HintSet::exact(&["century"]);
/// CODES: a quarter, a half or a fiscal year.
static CODES_HINTS: HintSet = HintSet::exact(&["Q1", "Q2", "Q3", "Q4", "H1", "H2", "FY"]);

pub(super) fn find(
    text: &str,
    hints: &Hints<'_>,
    reference: Option<CivilDate>,
    out: &mut Vec<DateSpan>,
) {
    let mut push = |start: usize, end: usize, value: Option<String>, kind: Kind| {
        out.push(DateSpan {
            start,
            end,
            value,
            kind,
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
            push(m.start(), m.end(), Some(date.to_string()), Kind::Day);
        }
    }
    // Every DAY_MONTH and DAY_RANGE match has a month name or abbreviation.
    let months = hints.has(&MONTH_HINTS);
    let day_months = months.then(|| DAY_MONTH.captures_iter(text));
    for c in day_months.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let month = ["m1", "m2", "m3"]
            .iter()
            .find_map(|n| c.name(n))
            .and_then(|m| month_number(m.as_str()));
        let day = c.name("d1").or(c.name("d2")).map(|d| d.as_str());
        let year = ["y1", "y2", "y3"].iter().find_map(|n| c.name(n));
        let Some(month) = month else { continue };
        let (value, kind) = match (day, year) {
            (Some(d), Some(y)) => (
                ymd(y.as_str(), &month.to_string(), d).map(|x| x.to_string()),
                Kind::Day,
            ),
            (None, Some(y)) => (Some(format!("{}-{month:02}", y.as_str())), Kind::Month),
            (Some(d), None) => (
                reference
                    .and_then(|r| ymd(&r.year().to_string(), &month.to_string(), d))
                    .map(|x| x.to_string()),
                Kind::Day,
            ),
            (None, None) => (None, Kind::Month),
        };
        push(m.start(), m.end(), value, kind);
    }
    let day_ranges = months.then(|| DAY_RANGE.captures_iter(text));
    for c in day_ranges.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let month = c
            .name("m1")
            .or(c.name("m2"))
            .and_then(|m| month_number(m.as_str()));
        let (a, b) = match (c.name("a1").or(c.name("a2")), c.name("b1").or(c.name("b2"))) {
            (Some(a), Some(b)) => (a.as_str(), b.as_str()),
            _ => continue,
        };
        let year = c
            .name("y1")
            .or(c.name("y2"))
            .map(|y| y.as_str().to_string())
            .or_else(|| reference.map(|r| r.year().to_string()));
        let value = match (month, year) {
            (Some(mo), Some(y)) => {
                let mo = mo.to_string();
                match (ymd(&y, &mo, a), ymd(&y, &mo, b)) {
                    (Some(x), Some(z)) if x < z => Some(interval(x, z)),
                    _ => continue,
                }
            }
            _ => None,
        };
        push(m.start(), m.end(), value, Kind::Day);
    }
    for c in YEAR_RANGE.captures_iter(text) {
        let (Some(a), Some(b)) = (c.name("a").or(c.name("a2")), c.name("b").or(c.name("b2")))
        else {
            continue;
        };
        let (Ok(first), Ok(mut last)) = (a.as_str().parse::<i32>(), b.as_str().parse::<i32>())
        else {
            continue;
        };
        if b.as_str().len() == 2 {
            last += first - first % 100;
        }
        // A range runs forward over at most a century; "1500 to 2000
        // troops" is a count.
        if last <= first || last - first > 100 || super::followed_by_count_noun(&text[b.end()..]) {
            continue;
        }
        push(a.start(), b.end(), Some(interval(first, last)), Kind::Year);
    }
    let bare_months = hints
        .has(&BARE_MONTH_HINTS)
        .then(|| BARE_MONTH.find_iter(text));
    for m in bare_months.into_iter().flatten() {
        let month = month_number(m.as_str()).unwrap_or(1);
        let value = reference.and_then(|r| month_string(r.year(), month));
        push(m.start(), m.end(), value, Kind::Month);
    }
    let ambiguous = hints
        .has(&MONTH_CTX_HINTS)
        .then(|| MONTH_CTX.find_iter(text));
    for m in ambiguous.into_iter().flatten() {
        let before = &text[..m.start()];
        let mut from = m.start().saturating_sub(24);
        while !before.is_char_boundary(from) {
            from -= 1;
        }
        if !MONTH_CTX_BEFORE.is_match_at(before, from) {
            continue;
        }
        // "in May's cabinet", "in May Smith's": the name, not the month.
        let rest = &text[m.end()..];
        if rest.starts_with("'s")
            || rest.starts_with("’s")
            || rest
                .strip_prefix(' ')
                .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_uppercase()))
        {
            continue;
        }
        let month = month_number(m.as_str()).unwrap_or(1);
        let value = reference.and_then(|r| month_string(r.year(), month));
        push(m.start(), m.end(), value, Kind::Month);
    }
    for c in WEEKDAYS.captures_iter(text) {
        let (Some(m), Some(wd)) = (c.get(0), c.name("wd")) else {
            continue;
        };
        // "Tuesday night" is a time, not a date.
        if super::time_of_day_follows(&text[m.end()..]) {
            continue;
        }
        let rel = c.name("rel").map(|r| r.as_str().to_ascii_lowercase());
        let value = reference.and_then(|r| weekday_date(r, wd.as_str(), rel.as_deref()));
        push(m.start(), m.end(), value.map(|d| d.to_string()), Kind::Day);
    }
    for c in YEAR_CTX.captures_iter(text) {
        let Some(y) = c.name("y") else { continue };
        let rest = &text[y.end()..];
        let year: u32 = y.as_str().parse().unwrap_or(0);
        // A round number ("the 2000 troops", "of 1500") is a count more
        // often than a year: only those take the plural-noun test after a
        // determiner ("its 2026 earnings forecast" is a year).
        let round = year.is_multiple_of(50);
        let det = c.name("det");
        if ((det.is_none() || round) && super::followed_by_count_noun(rest))
            || super::range_of_counts_follows(rest)
        {
            continue;
        }
        if det.is_some() && !followed_by_lowercase_word(rest) {
            continue;
        }
        // "the figure for 2022", "the world of 2009": weak contexts, taken
        // for years not round and from 1900 on.
        if c.name("weak").is_some() && (round || year < 1900) {
            continue;
        }
        let mut end = y.end();
        // "the 2023 season": the season is the date.
        if det.is_some_and(|d| d.as_str().eq_ignore_ascii_case("the"))
            && rest.starts_with(" season")
            && !rest[7..].starts_with(|ch: char| ch.is_ascii_alphabetic())
        {
            end += 7;
            push(
                det.map_or(y.start(), |d| d.start()),
                end,
                Some(y.as_str().to_string()),
                Kind::Other,
            );
            continue;
        }
        push(y.start(), end, Some(y.as_str().to_string()), Kind::Year);
        // "in 2023 and 2024", "in 2019, 2021 or 2022": the later years of a
        // list share the context.
        let mut tail = &text[end..];
        let mut at = end;
        loop {
            let sep = [" and ", " or ", ", ", ", and ", ", or "]
                .iter()
                .filter(|s| tail.starts_with(*s))
                .map(|s| s.len())
                .max();
            let Some(sep) = sep else { break };
            let cand = &tail[sep..];
            let is_year = cand.len() >= 4
                && cand.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && !cand[4..].starts_with(|ch: char| ch.is_ascii_alphanumeric())
                && matches!(&cand[..2], "19" | "20");
            if !is_year || super::followed_by_count_noun(&cand[4..]) {
                break;
            }
            push(
                at + sep,
                at + sep + 4,
                Some(cand[..4].to_string()),
                Kind::Year,
            );
            at += sep + 4;
            tail = &text[at..];
        }
    }
    let holidays = hints
        .has(&HOLIDAY_HINTS)
        .then(|| HOLIDAY.captures_iter(text));
    for c in holidays.into_iter().flatten() {
        let (Some(m), Some(h)) = (c.get(0), c.name("h")) else {
            continue;
        };
        let day = match h.as_str() {
            "Christmas Day" => Some((12, 25)),
            "Christmas Eve" => Some((12, 24)),
            "New Year's Day" | "New Year’s Day" => Some((1, 1)),
            "New Year's Eve" | "New Year’s Eve" => Some((12, 31)),
            _ => None,
        };
        let value = match (day, c.name("y")) {
            (Some((mo, d)), Some(y)) => ymd(y.as_str(), &mo.to_string(), &d.to_string()),
            _ => None,
        };
        push(m.start(), m.end(), value.map(|d| d.to_string()), Kind::Day);
    }
    // "1990s", "'90s": always "0s".
    let decades = hints.has(&DECADE_HINTS).then(|| DECADE.captures_iter(text));
    for c in decades.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let value = match (c.name("c"), c.name("d"), c.name("d2")) {
            (Some(cent), Some(d), _) => Some(format!("{}{}X", cent.as_str(), d.as_str())),
            (_, _, Some(d)) => {
                // "'90s" is the 1990s; "'20s" the 2020s.
                let cent = if d.as_str() < "3" { "20" } else { "19" };
                Some(format!("{cent}{}X", d.as_str()))
            }
            _ => None,
        };
        push(m.start(), m.end(), value, Kind::Decade);
    }
    let codes = hints.has(&CODES_HINTS).then(|| CODES.captures_iter(text));
    for c in codes.into_iter().flatten() {
        let Some(m) = c.get(0) else { continue };
        let value = if let Some(q) = c.name("q") {
            let index = u32::from(q.as_str().as_bytes()[1] - b'0');
            c.name("qy")
                .and_then(|y| super::value::part_of_year(y.as_str(), 3, index))
        } else if let (Some(h), Some(y)) = (c.name("h"), c.name("hy")) {
            let index = u32::from(h.as_str().as_bytes()[1] - b'0');
            super::value::part_of_year(y.as_str(), 6, index)
        } else if let Some(fy) = c.name("fy") {
            let fy = fy.as_str();
            Some(if fy.len() == 2 {
                format!("FY20{fy}")
            } else {
                format!("FY{fy}")
            })
        } else {
            None
        };
        push(m.start(), m.end(), value, Kind::Other);
    }
    let centuries = hints
        .has(&CENTURY_HINTS)
        .then(|| CENTURY.captures_iter(text));
    for c in centuries.into_iter().flatten() {
        let (Some(m), Some(n)) = (c.get(0), c.name("n")) else {
            continue;
        };
        let value = n
            .as_str()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=30).contains(n))
            .map(|n| format!("{:02}XX", n - 1));
        push(m.start(), m.end(), value, Kind::Decade);
    }
}

/// "the 2024 election": a space, then a lowercase word.
fn followed_by_lowercase_word(rest: &str) -> bool {
    rest.strip_prefix(' ')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_lowercase()))
}
