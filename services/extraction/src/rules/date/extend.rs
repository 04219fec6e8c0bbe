//! Growing DATE spans to the OntoNotes extent once the cores are found:
//! modifiers and determiners on the left ("late 2019", "last October", "the
//! end of next year", "the first half of 2026", "earlier this month",
//! "fiscal 2025", "the summer of 2024") and ranges of two dates joined by
//! "to", a dash, or "and" after "between" ("Monday to Friday",
//! "March 30 to April 2", "between March and May 2026" — "between" stays
//! outside, as prepositions do).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::super::CivilDate;
use super::value::{
    earlier_or_later, interval, is_plain, month_with_rel, part_of_year, period, season_code,
};
use super::{DateSpan, Kind};

/// Words before a core date, anchored at the core's start (`$`).
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(
        r"(?i)\b(?:(?:the[ \t]+)?(?:very[ \t]+)?(?:(?P<edge>end|beginning|start|middle|close|turn|rest|remainder|most)|(?P<sub>(?:first|second|third|fourth|last|final)(?:[ \t]+(?:two|three|four|five|six|seven|eight|nine|ten|eleven|[0-9]{1,2}))?[ \t]+(?:days?|weeks?|months?))|(?P<half>first|second)[ \t]+half|(?P<qo>first|second|third|fourth|final|last)[ \t]+quarter|(?P<season>spring|summer|autumn|fall|winter))[ \t]+of[ \t]+)?(?:(?:the[ \t]+)?(?P<modw>early|late|mid|earlier|later)(?:[ \t]+|-)|(?P<fiscal>fiscal(?:[ \t]+year)?)[ \t]+|(?P<season2>spring|summer|autumn|fall|winter)[ \t]+|(?P<rel>last|next|this)[ \t]+|(?P<year>(?:the[ \t]+)?year)[ \t]+)?$",
    )
});

/// Words that bound a count of units: "more than a year", "about two
/// weeks", "up to three days", "another two years".
static QUANTIFIER: LazyLock<Regex> = LazyLock::new(|| {
    super::super::rule_regex(
        r"(?i)\b(?:(?:more|less|fewer)[ \t]+than|about|almost|nearly|around|roughly|approximately|at[ \t]+least|at[ \t]+most|up[ \t]+to|(?:just|well)[ \t]+(?:over|under)|as[ \t]+(?:little|much|many|long|few)[ \t]+as|another)[ \t]+$",
    )
});

/// How far before a core its modifiers may start, in bytes.
const PREFIX_WINDOW: usize = 48;

/// Extends `span` over the modifiers before it and adjusts its value.
pub(super) fn prefix(text: &str, span: &mut DateSpan, reference: Option<CivilDate>) {
    if matches!(span.kind, Kind::Day | Kind::Other) || span.start == 0 {
        return;
    }
    let before = &text[..span.start];
    let mut from = span.start.saturating_sub(PREFIX_WINDOW);
    while !before.is_char_boundary(from) {
        from -= 1;
    }
    if span.kind == Kind::Duration {
        if let Some(m) = QUANTIFIER.find_at(before, from) {
            span.start = m.start();
        }
        return;
    }
    let Some(c) = PREFIX.captures_at(before, from) else {
        return;
    };
    let Some(m) = c.get(0) else { return };
    if m.is_empty() || !allowed(span.kind, &c) {
        return;
    }
    span.value = extended_value(span, &c, reference);
    span.start = m.start();
}

/// Which modifiers a kind of core takes: "last" only a month ("last
/// October"; "last 2019" is not English), "fiscal" and seasons only a year.
fn allowed(kind: Kind, c: &Captures<'_>) -> bool {
    let has = |n: &str| c.name(n).is_some();
    let modw = c.name("modw").map(|m| m.as_str().to_ascii_lowercase());
    let relative_mod = matches!(modw.as_deref(), Some("earlier" | "later"));
    // Parts and names that only a year (or "next year") has.
    let of_year = ["half", "qo", "season", "fiscal", "season2", "year"]
        .iter()
        .any(|n| has(n));
    match kind {
        Kind::Month => !(of_year || relative_mod),
        Kind::Year => !has("rel") && !relative_mod,
        Kind::Decade => !(of_year || has("rel") || relative_mod),
        Kind::Calendar => !(has("fiscal") || has("season2") || has("rel") || has("year")),
        // "the end of that year", "most of the past decade", "earlier that
        // year".
        Kind::Period => !(of_year || has("rel")),
        Kind::Day | Kind::Duration | Kind::Other => false,
    }
}

fn extended_value(
    span: &DateSpan,
    c: &Captures<'_>,
    reference: Option<CivilDate>,
) -> Option<String> {
    let mut v = span.value.clone();
    if let Some(rel) = c.name("rel") {
        let month = v
            .as_deref()
            .and_then(|v| v.get(5..7))
            .and_then(|m| m.parse().ok());
        v = match (reference, month) {
            (Some(r), Some(m)) => month_with_rel(r, m, &rel.as_str().to_ascii_lowercase()),
            _ => None,
        };
    }
    if let Some(modw) = c.name("modw") {
        let w = modw.as_str().to_ascii_lowercase();
        if w == "earlier" || w == "later" {
            // "earlier this month": from the month's first day to today.
            if let Some(range) = reference
                .zip(v.as_deref())
                .and_then(|(r, value)| earlier_or_later(r, value, w == "earlier"))
            {
                v = Some(range);
            }
        }
        // "early", "late", "mid": the value of the period they narrow (as
        // TIMEX3 does without its `mod`).
    }
    let year = |v: &Option<String>| v.clone().filter(|y| y.len() == 4 && is_plain(y));
    if c.name("fiscal").is_some() {
        v = year(&v).map(|y| format!("FY{y}"));
    }
    if let Some(s) = c.name("season").or(c.name("season2")) {
        v = year(&v).and_then(|y| season_code(s.as_str()).map(|code| format!("{y}-{code}")));
    }
    if let Some(h) = c.name("half") {
        let index = if h.as_str().eq_ignore_ascii_case("first") {
            1
        } else {
            2
        };
        v = year(&v).and_then(|y| part_of_year(&y, 6, index));
    }
    if let Some(q) = c.name("qo") {
        let index = match q.as_str().to_ascii_lowercase().as_str() {
            "first" => 1,
            "second" => 2,
            "third" => 3,
            _ => 4,
        };
        v = year(&v).and_then(|y| part_of_year(&y, 3, index));
    }
    if let Some(edge) = c.name("edge") {
        let e = edge.as_str().to_ascii_lowercase();
        if e == "rest" || e == "remainder" {
            // "the rest of the year": from today to the period's end.
            if let Some(range) = reference
                .zip(v.as_deref())
                .and_then(|(r, value)| earlier_or_later(r, value, false))
            {
                v = Some(range);
            }
        }
        // "the end of 2026", "the turn of the century": the period's value.
    }
    v
}

/// Words between two dates that make them one range.
fn joins(gap: &str, before_first: &str) -> bool {
    if gap.len() > 12 || gap.contains('\n') {
        return false;
    }
    let g = gap.trim().to_ascii_lowercase();
    match g.as_str() {
        "-" | "–" | "—" | "to" | "through" | "until" | "till" => true,
        "and" => before_first
            .trim_end()
            .rsplit(|c: char| !c.is_ascii_alphabetic())
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("between")),
        _ => false,
    }
}

/// Merges neighbouring dates joined as a range ("Monday to Friday") into
/// one span, with an interval value when both ends have a calendar value.
/// `spans` are sorted and non-overlapping.
pub(super) fn ranges(text: &str, spans: Vec<DateSpan>) -> Vec<DateSpan> {
    let endpoint = |k: Kind| matches!(k, Kind::Day | Kind::Month | Kind::Year | Kind::Decade);
    let mut out: Vec<DateSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        // "the same month last year": one period, fixed only by the story.
        if let Some(prev) = out.last_mut()
            && prev.kind == Kind::Period
            && s.kind == Kind::Calendar
            && &text[prev.end..s.start] == " "
            && text[prev.start..prev.end]
                .get(..9)
                .is_some_and(|t| t.eq_ignore_ascii_case("the same "))
        {
            prev.end = s.end;
            prev.value = None;
            prev.kind = Kind::Other;
            continue;
        }
        if let Some(prev) = out.last_mut()
            && endpoint(prev.kind)
            && endpoint(s.kind)
            && joins(&text[prev.end..s.start], &text[..prev.start])
        {
            let first = prev.value.as_deref().and_then(|v| v.split('/').next());
            let last = s.value.as_deref().and_then(|v| v.rsplit('/').next());
            prev.value = match (first, last) {
                (Some(a), Some(b))
                    if is_plain(a)
                        && is_plain(b)
                        && period(a).zip(period(b)).is_some_and(|(x, y)| x.0 < y.1) =>
                {
                    Some(interval(a, b))
                }
                _ => None,
            };
            prev.end = s.end;
            prev.kind = Kind::Other;
            continue;
        }
        out.push(s);
    }
    out
}
