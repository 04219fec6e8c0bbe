//! DATE as OntoNotes marks it: absolute dates ("1 March 2024", "2024-03-01",
//! "March 2024", "in 2023", "the 1990s", "Q3 2026"), relative ones
//! ("Tuesday", "last week", "two years ago", "earlier this month", "the past
//! three years", "that year", "in recent months"), durations ("for three
//! years", "a two-day summit"), frequencies ("annual", "daily"), ages ("a
//! 54-year-old", "aged 54", "Wu, 61,") and ranges ("2019 to 2023", "March
//! 3-5"), with their determiners and modifiers inside the span ("the past
//! year", "last October", "late 2019", "more than a year", "most of 2025")
//! and prepositions outside ("in [March]").
//!
//! Decisions where OntoNotes practice had to be chosen (the news set's
//! GUIDELINES.md follows the same):
//! - A range is one span; a preposition that opens it stays outside, as
//!   every preposition does: "from [2019 to 2023]", "between [2020 and
//!   2022]", "[Monday to Friday]".
//! - A plural unit without a count is a duration only where a neighbouring
//!   word makes it one: "waited [months]", "[months] of protests", "for
//!   [years]", "[years] ago"; not "their days" or "years" alone. "a year"
//!   likewise needs "for", "in", "more than", … or a following "of",
//!   "after": "for [a decade]", "[a day] after the vote"; not "twice a
//!   year".
//! - "every year" is not marked (the news set leaves it out); "the same
//!   month last year" is one span.
//! - A time of day makes the whole a TIME, not a DATE: "Tuesday night",
//!   "yesterday morning", "midday today" give no DATE.
//!
//! Cores are found by [`absolute`] and [`relative`]; [`extend`] then grows
//! them over their modifiers and joins ranges. Values follow the table in
//! the `rules` module docs; a span whose words do not fix one calendar value
//! against the reference date ("that year", "three years", "recent months",
//! "last February" said in March) has none. Things that are not dates:
//! "last" without a unit ("last resort"), "the year" alone ("the year's
//! best"), "years" alone, a bare number (unless a word makes it a year or an
//! age: "2,000 troops", "in 2000 people" are counts), "May" as a name.

mod absolute;
mod extend;
mod relative;
mod value;

use super::hints::Hints;
use super::{CivilDate, RuleSpan};
use crate::EntityType;

/// A DATE span before the merge into the other rule spans.
#[derive(Debug, Clone)]
struct DateSpan {
    start: usize,
    end: usize,
    value: Option<String>,
    kind: Kind,
}

/// What a core denotes, which decides the modifiers it takes and whether it
/// can end a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A day: "1 March 2024", "Tuesday", "yesterday".
    Day,
    /// A named month, with or without a year.
    Month,
    /// A year or a range of years.
    Year,
    /// A decade or century.
    Decade,
    /// "this month", "last year", "next week": a calendar period relative
    /// to the reference date.
    Calendar,
    /// Rolling and anaphoric periods and parts: "the past decade", "that
    /// year", "the end of the month", "the summer".
    Period,
    /// A count of units: "three years", "a decade", "months".
    Duration,
    /// Everything else: ages, frequencies, compounds, "two years ago".
    Other,
}

pub(super) fn find(
    text: &str,
    hints: &Hints<'_>,
    reference: Option<CivilDate>,
    out: &mut Vec<RuleSpan>,
) {
    let mut spans = Vec::new();
    absolute::find(text, hints, reference, &mut spans);
    relative::find(text, hints, reference, &mut spans);
    for s in &mut spans {
        extend::prefix(text, s, reference);
    }
    let spans = extend::ranges(text, longest_first(spans));
    out.extend(spans.into_iter().map(|s| RuleSpan {
        start: s.start,
        end: s.end,
        entity_type: EntityType::Date,
        value: s.value,
    }));
}

/// Non-overlapping spans, the longest kept first (on equal length, the
/// earlier), sorted by start.
fn longest_first(mut spans: Vec<DateSpan>) -> Vec<DateSpan> {
    spans.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<DateSpan> = Vec::with_capacity(spans.len());
    for s in spans {
        if kept.iter().all(|k| s.end <= k.start || s.start >= k.end) {
            kept.push(s);
        }
    }
    kept.sort_by_key(|s| s.start);
    kept
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

/// "from 1500 to 2000 troops": a count noun after a range of numbers.
fn range_of_counts_follows(rest: &str) -> bool {
    let r = rest.trim_start();
    let Some(r) = ["to ", "-", "–", "and ", "or "]
        .iter()
        .find_map(|c| r.strip_prefix(c))
    else {
        return false;
    };
    let r = r.trim_start();
    let digits = r.len()
        - r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',')
            .len();
    digits > 0 && followed_by_count_noun(&r[digits..])
}

/// "Tuesday night", "yesterday morning": a time of day follows, and
/// OntoNotes makes the whole a TIME, not a DATE.
fn time_of_day_follows(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    let word: String = rest
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .take(10)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "morning" | "afternoon" | "evening" | "night" | "overnight"
    )
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

    /// One DATE span with no value (a duration, an anaphor, a frequency).
    fn unresolved(text: &str, span: &str) {
        assert_eq!(dates(text), vec![(span.to_string(), None)], "{text}");
    }

    fn none(text: &str) {
        assert_eq!(dates(text), vec![], "{text}");
    }

    /// The examples of the value table in the `rules` module docs.
    #[test]
    fn value_table_examples() {
        let r = CivilDate::new(2026, 12, 5);
        let cases = [
            ("on October 14, 2026,", "October 14, 2026", "2026-10-14"),
            ("on Tuesday", "Tuesday", "2026-12-01"),
            ("since last December", "last December", "2025-12"),
            ("due next month", "next month", "2027-01"),
            ("in late 2025", "late 2025", "2025"),
            ("by the end of 2025", "the end of 2025", "2025"),
            ("this week", "this week", "2026-W49"),
            ("two weeks ago", "two weeks ago", "2026-W47"),
            ("in the early '90s", "the early '90s", "199X"),
            ("in the 21st century", "the 21st century", "20XX"),
            (
                "over the past three years",
                "the past three years",
                "2023-12-05/2026-12-05",
            ),
            (
                "earlier this month",
                "earlier this month",
                "2026-12-01/2026-12-05",
            ),
            ("from 2019 to 2023", "2019 to 2023", "2019/2023"),
            (
                "on March 3-5, 2026",
                "March 3-5, 2026",
                "2026-03-03/2026-03-05",
            ),
            (
                "in the first half of 2026",
                "the first half of 2026",
                "2026-01/2026-06",
            ),
            ("in Q3 2026", "Q3 2026", "2026-07/2026-09"),
            ("in spring 2028", "spring 2028", "2028-SP"),
            ("in fiscal 2025", "fiscal 2025", "FY2025"),
        ];
        for (text, span, value) in cases {
            assert_eq!(
                dates_ref(text, r),
                vec![(span.to_string(), Some(value.to_string()))],
                "{text}"
            );
        }
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
        one("said yesterday", "yesterday", "2024-03-05");
        one("Tomorrow, talks", "Tomorrow", "2024-03-07");
        one("this week", "this week", "2024-W10");
        one("last year", "last year", "2023");
        one("next year", "next year", "2025");
        one("a decade ago", "a decade ago", "2014");
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
            dates_ref("over the past three years", None),
            vec![("the past three years".to_string(), None)]
        );
        assert_eq!(
            dates_ref("on 1 March 2024", None),
            vec![("1 March 2024".to_string(), Some("2024-03-01".to_string()))]
        );
    }

    #[test]
    fn rolling_periods_with_their_determiner() {
        one(
            "over the past three years,",
            "the past three years",
            "2021-03-06/2024-03-06",
        );
        one(
            "in the past decade",
            "the past decade",
            "2014-03-06/2024-03-06",
        );
        one("in the past year", "the past year", "2023-03-06/2024-03-06");
        one(
            "over the last two weeks",
            "the last two weeks",
            "2024-02-21/2024-03-06",
        );
        one(
            "in the next five years",
            "the next five years",
            "2024-03-06/2029-03-06",
        );
        one(
            "for the past 18 months",
            "the past 18 months",
            "2022-09-06/2024-03-06",
        );
        unresolved("in the coming months", "the coming months");
        unresolved("in recent months", "recent months");
        unresolved("in recent years the", "recent years");
        unresolved("over the past few years", "the past few years");
    }

    #[test]
    fn anaphoric_periods_have_no_value() {
        unresolved("later that year", "later that year");
        unresolved("in the same month", "the same month");
        unresolved("the following day, he", "the following day");
        unresolved("the previous week", "the previous week");
        unresolved("The next day, troops left", "The next day");
        unresolved("during the last week of talks", "the last week");
    }

    #[test]
    fn modifiers_inside_the_span() {
        one("since last October", "last October", "2023-10");
        one("until next February", "next February", "2025-02");
        // Before the reference month: this year's or last year's.
        unresolved("by last February", "last February");
        unresolved("until next October", "next October");
        one("in late 2019", "late 2019", "2019");
        one("in the early 2020s", "the early 2020s", "202X");
        one("in early 2020s", "early 2020s", "202X");
        one("by mid-2025", "mid-2025", "2025");
        one("in mid-March", "mid-March", "2024-03");
        one("in late May", "late May", "2024-05");
        one("late last year", "late last year", "2023");
        one(
            "earlier this month",
            "earlier this month",
            "2024-03-01/2024-03-06",
        );
        one(
            "earlier this year",
            "earlier this year",
            "2024-01-01/2024-03-06",
        );
        one(
            "later this week",
            "later this week",
            "2024-03-06/2024-03-10",
        );
        one("by the end of next year", "the end of next year", "2025");
        one("at the end of March", "the end of March", "2024-03");
        one("the end of the 1990s", "the end of the 1990s", "199X");
        one(
            "in the first half of 2026",
            "the first half of 2026",
            "2026-01/2026-06",
        );
        one(
            "the third quarter of 2025 was",
            "the third quarter of 2025",
            "2025-07/2025-09",
        );
        one("in the summer of 2024", "the summer of 2024", "2024-SU");
        one("in fiscal 2025", "fiscal 2025", "FY2025");
        one("for fiscal year 2025", "fiscal year 2025", "FY2025");
        one(
            "for the rest of 2024",
            "the rest of 2024",
            "2024-03-06/2024-12-31",
        );
    }

    #[test]
    fn periods_without_a_core_value() {
        unresolved("by the end of the month", "the end of the month");
        unresolved("in the third quarter, sales", "the third quarter");
        unresolved("third-quarter profit", "third-quarter");
        unresolved("for the rest of the year", "the rest of the year");
    }

    #[test]
    fn financial_codes_and_centuries() {
        one("in Q3 2026", "Q3 2026", "2026-07/2026-09");
        one("in H1 2026", "H1 2026", "2026-01/2026-06");
        one("in FY2025", "FY2025", "FY2025");
        one("in FY25", "FY25", "FY2025");
        unresolved("in Q3, sales", "Q3");
        one("in the 21st century", "the 21st century", "20XX");
        one("a 19th-century law", "19th-century", "18XX");
    }

    #[test]
    fn durations() {
        unresolved("a two-day summit", "two-day");
        unresolved("a 10-year plan", "10-year");
        unresolved("for three years", "three years");
        unresolved("jailed for 18 months", "18 months");
        unresolved("for a decade", "a decade");
        unresolved("in more than a year", "more than a year");
        unresolved("a decade-long war", "decade-long");
        unresolved("a three-month-long siege", "three-month-long");
        unresolved("two or three years", "two or three years");
        unresolved("three years later", "three years later");
        unresolved("for several weeks", "several weeks");
        unresolved("meant to last three years or more", "three years");
        unresolved("dug up for three summers running", "three summers");
        unresolved("after a year of works", "a year");
        unresolved("a day after the vote", "a day");
        unresolved("the highest in a decade", "a decade");
        unresolved("for more than a year", "more than a year");
        unresolved("for about two weeks", "about two weeks");
        unresolved("up to three days", "up to three days");
        unresolved("another two years", "another two years");
        unresolved("at least a day", "at least a day");
        unresolved("a single year", "a single year");
        unresolved("Two and a half years later", "Two and a half years later");
        unresolved("waited months for", "months");
        unresolved("led months of protests", "months");
        unresolved("for years", "years");
        unresolved("It came, weeks after the deal", "weeks");
        unresolved("years ago, he", "years ago");
    }

    #[test]
    fn seasons_and_parts() {
        unresolved("since the spring", "the spring");
        unresolved("over the weekend", "the weekend");
        unresolved("in early spring", "early spring");
        unresolved("the coming winter", "the coming winter");
        unresolved("this summer", "this summer");
        unresolved("by the end of that year", "the end of that year");
        unresolved("for most of the year", "most of the year");
        one("for most of 2025", "most of 2025", "2025");
        one(
            "most of the past decade",
            "most of the past decade",
            "2014-03-06/2024-03-06",
        );
        unresolved(
            "in the first nine months of the year",
            "the first nine months of the year",
        );
        one(
            "in the second week of November",
            "the second week of November",
            "2024-11",
        );
        one(
            "the first quarter of 2027 was",
            "the first quarter of 2027",
            "2027-01/2027-03",
        );
        one("in spring 2028", "spring 2028", "2028-SP");
        one("the autumn of 2029", "the autumn of 2029", "2029-FA");
        one("in the mid-2010s", "the mid-2010s", "201X");
        none("the Winter Olympics");
        unresolved("during the summer season", "the summer season");
        unresolved("over the past two seasons", "the past two seasons");
        unresolved(
            "compared with the same month last year",
            "the same month last year",
        );
        unresolved("in the same period last year", "the same period last year");
        none("in that period");
        one("on Christmas Day 2024", "Christmas Day 2024", "2024-12-25");
        unresolved("before Christmas", "Christmas");
    }

    #[test]
    fn frequencies() {
        unresolved("the annual summit", "annual");
        unresolved("a daily briefing", "daily");
        unresolved("published weekly", "weekly");
        unresolved("monthly figures", "monthly");
        // The annotation of the news set leaves "every year" out.
        none("held every year");
        none("the Daily Mail");
    }

    #[test]
    fn ages() {
        unresolved("a 54-year-old engineer", "54-year-old");
        unresolved("she is 40 years old", "40 years old");
        unresolved("a man aged 54 was", "54");
        unresolved("Wu, 61, said", "61");
        unresolved("Treviño, 58, said", "58");
        unresolved("Hadžiabdić-Lerić, 52, said", "52");
        unresolved("Abenov, who is 52, said", "52");
        assert_eq!(dates("On March 3, 45, people").len(), 1);
    }

    #[test]
    fn years_naming_events() {
        one("the 2024 election", "2024", "2024");
        one("a 2023 report", "2023", "2023");
        none("the 2000 people");
        none("The 2024 Olympics");
        one("raised its 2026 earnings forecast", "2026", "2026");
        none("the 2000 troops");
        one("the figure for 2022.", "2022", "2022");
        one("the world of 2009 still", "2009", "2009");
        none("a total of 2000.");
        none("for 1850 rifles");
        assert_eq!(
            dates("joined in 2023 and 2024, all"),
            vec![
                ("2023".to_string(), Some("2023".to_string())),
                ("2024".to_string(), Some("2024".to_string()))
            ]
        );
        one("since the 2023 season", "the 2023 season", "2023");
        one("the country's 2017 pay law", "2017", "2017");
    }

    #[test]
    fn ranges_are_one_span() {
        one("from 2019 to 2023", "2019 to 2023", "2019/2023");
        one("in 2019-2023", "2019-2023", "2019/2023");
        one("the 2019–23 plan", "2019–23", "2019/2023");
        one("between 2020 and 2022", "2020 and 2022", "2020/2022");
        one("on March 3-5", "March 3-5", "2024-03-03/2024-03-05");
        one(
            "on 3-5 March 2026",
            "3-5 March 2026",
            "2026-03-03/2026-03-05",
        );
        one(
            "from March 30 to April 2",
            "March 30 to April 2",
            "2024-03-30/2024-04-02",
        );
        one(
            "between October and December 2025",
            "October and December 2025",
            "2024-10/2025-12",
        );
        unresolved("Monday to Friday", "Monday to Friday");
        // A range across a year's end: which years is not said.
        unresolved("from October to March", "October to March");
        one(
            "between January and November",
            "January and November",
            "2024-01/2024-11",
        );
        one("from 1991-2020", "1991-2020", "1991/2020");
        none("from 1500 to 2000 troops");
    }

    #[test]
    fn times_of_day_are_not_dates() {
        none("on Tuesday night");
        none("yesterday morning");
        none("late last night");
        none("until midday today");
    }

    #[test]
    fn non_ascii_neighbours() {
        unresolved("“months of talks”", "months");
        none("für a decade");
        unresolved("é two-day é", "two-day");
    }

    #[test]
    fn non_matches() {
        none("Theresa May said");
        none("May I ask");
        none("troops will March on");
        none("April Jones arrived");
        none("in 2000 people");
        none("2024-13-45");
        assert!(dates("February 30, 2024").len() <= 1);
        none("a crowd of 2000");
        none("Mayday");
        none("as a last resort");
        none("the past is past");
        none("next to the school");
        none("this is the year's best");
        none("the year ended");
        none("years");
        none("their days were long");
        none("launch days of the rocket");
        none("twice a year");
        none("is a day somebody can stop you");
        none("2,000 troops");
        none("in May's cabinet");
        none("a year-on-year rise");
        none("said that year-on-year growth");
        none("that years of war");
        none("the fall of the city");
    }

    #[test]
    fn ambiguous_month_with_day_or_year() {
        one("Theresa May on May 3 said", "May 3", "2024-05-03");
        one("in June 2022", "June 2022", "2022-06");
        one("in May the", "May", "2024-05");
    }

    proptest::proptest! {
        /// A hint is necessary for a match: wherever a gated pattern
        /// matches, its hint is present (so skipping never loses a span).
        #[test]
        fn hints_never_hide_a_match(
            s in "((?i)(yesterday|today|tomorrow|last|this|next|past|week|weekend|month|year|decade|century|summer|winter|spring|autumn|fall|earlier|later|ago|days?|weeks?|months?|years?|a few|two|the|annual|daily|weekly|biennial|first|half|quarter|aged|every)|January|February|July|September|October|November|December|May|March|Q3|H1|FY|[0-9]{1,4}|['’][0-9]0s|19[0-9]0s|[0-9]{4}-[0-9]{2}-[0-9]{2}|K|ſ|[ \\-.,]){0,12}"
        ) {
            let hints = Hints::new(&s);
            let spans = |h: &Hints<'_>| {
                let mut out = Vec::new();
                absolute::find(&s, h, CivilDate::new(2024, 3, 6), &mut out);
                relative::find(&s, h, CivilDate::new(2024, 3, 6), &mut out);
                out.into_iter().map(|d| (d.start, d.end, d.value)).collect::<Vec<_>>()
            };
            // With every hint forced present, the same spans come out.
            let all = Hints::all_present(&s);
            proptest::prop_assert_eq!(spans(&hints), spans(&all));
        }
    }
}
