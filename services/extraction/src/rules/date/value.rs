//! The normalised values of DATE spans: parsing the words of a date into
//! calendar numbers, and the calendar arithmetic that resolves a relative
//! expression against the reference date. Every function returns `None`
//! rather than a guess when the words do not fix one value.

use super::super::CivilDate;
use super::super::civil::days_in_month;

pub(super) fn ymd(y: &str, m: &str, d: &str) -> Option<CivilDate> {
    CivilDate::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

pub(super) fn month_number(name: &str) -> Option<u32> {
    const PREFIXES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.get(..3)?.to_ascii_lowercase();
    PREFIXES
        .iter()
        .position(|p| *p == lower)
        .map(|i| i as u32 + 1)
}

pub(super) fn month_string(year: i32, month: u32) -> Option<String> {
    (1..=9999)
        .contains(&year)
        .then(|| format!("{year:04}-{month:02}"))
}

pub(super) fn year_string(year: i32) -> Option<String> {
    (1..=9999).contains(&year).then(|| format!("{year:04}"))
}

/// An ISO 8601 interval of two calendar values (`2019/2023`).
pub(super) fn interval(first: impl std::fmt::Display, last: impl std::fmt::Display) -> String {
    format!("{first}/{last}")
}

fn weekday_number(name: &str) -> u32 {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let lower = name.get(..3).unwrap_or("").to_ascii_lowercase();
    DAYS.iter().position(|d| *d == lower).unwrap_or(0) as u32
}

/// A bare weekday is the most recent such day (news reports the past); "next"
/// looks forward, "last" strictly back, "this" stays in the current ISO week.
pub(super) fn weekday_date(r: CivilDate, name: &str, rel: Option<&str>) -> Option<CivilDate> {
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

/// A named month with "last", "next" or "this". "last October" before
/// the reference month's October is the previous year's; after it (in
/// December) usage differs between this year's and last year's, so there
/// is no value. "next October" likewise: after the reference month's
/// October it is next year's, before it there is no value.
pub(super) fn month_with_rel(r: CivilDate, month: u32, rel: &str) -> Option<String> {
    let year = match rel {
        "last" if month >= r.month() => r.year() - 1,
        "next" if month <= r.month() => r.year() + 1,
        "this" => r.year(),
        _ => return None,
    };
    month_string(year, month)
}

/// A calendar unit of a relative or duration expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Day,
    Week,
    Fortnight,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    /// A weekend or a season: no fixed length to count with.
    Other,
}

impl Unit {
    /// The unit a word names, singular or plural, in any case.
    pub(super) fn parse(word: &str) -> Unit {
        let w = word.to_ascii_lowercase();
        match w.trim_end_matches('s') {
            "day" => Unit::Day,
            "week" => Unit::Week,
            "fortnight" => Unit::Fortnight,
            "month" => Unit::Month,
            "quarter" => Unit::Quarter,
            "year" => Unit::Year,
            "decade" => Unit::Decade,
            "century" | "centurie" => Unit::Century,
            _ => Unit::Other,
        }
    }
}

/// The day `n` units after `r` (before it for negative `n`); a day of month
/// that the target month lacks is clamped to its last day.
pub(super) fn shift(r: CivilDate, unit: Unit, n: i64) -> Option<CivilDate> {
    let n = n.clamp(-100_000, 100_000);
    let months = match unit {
        Unit::Day => return r.add_days(n),
        Unit::Week => return r.add_days(7 * n),
        Unit::Fortnight => return r.add_days(14 * n),
        Unit::Month => n,
        Unit::Quarter => 3 * n,
        Unit::Year => 12 * n,
        Unit::Decade => 120 * n,
        Unit::Century => 1200 * n,
        Unit::Other => return None,
    };
    let (y, m) = r.add_months(i32::try_from(months).ok()?);
    CivilDate::new(y, m, r.day().min(days_in_month(y, m)))
}

/// "the past three years" (`back`) or "the next three years" as the interval
/// from or to the reference day: `2023-03-06/2026-03-06`.
pub(super) fn rolling(r: CivilDate, unit: Unit, n: i64, back: bool) -> Option<String> {
    if back {
        Some(interval(shift(r, unit, -n)?, r))
    } else {
        Some(interval(r, shift(r, unit, n)?))
    }
}

/// The first and last day of a calendar value: `2024` (a year), `2024-03`
/// (a month), `2024-W10` (an ISO week), `2024-03-06` (a day).
pub(super) fn period(value: &str) -> Option<(CivilDate, CivilDate)> {
    let year: i32 = value.get(..4)?.parse().ok()?;
    match value.len() {
        4 => Some((CivilDate::new(year, 1, 1)?, CivilDate::new(year, 12, 31)?)),
        7 if value.as_bytes()[4] == b'-' => {
            let month: u32 = value.get(5..)?.parse().ok()?;
            Some((
                CivilDate::new(year, month, 1)?,
                CivilDate::new(year, month, days_in_month(year, month))?,
            ))
        }
        8 if value.get(4..6) == Some("-W") => {
            let week: i64 = value.get(6..)?.parse().ok()?;
            // 4 January is always in ISO week 1.
            let jan4 = CivilDate::new(year, 1, 4)?;
            let monday = jan4.add_days(-i64::from(jan4.weekday()) + 7 * (week - 1))?;
            Some((monday, monday.add_days(6)?))
        }
        10 => {
            let d = ymd(value.get(..4)?, value.get(5..7)?, value.get(8..)?)?;
            Some((d, d))
        }
        _ => None,
    }
}

/// "earlier this month" and "later this year": the part of the period
/// before or after the reference day, when the period contains it.
pub(super) fn earlier_or_later(r: CivilDate, value: &str, earlier: bool) -> Option<String> {
    let (first, last) = period(value)?;
    if r < first || r > last {
        return None;
    }
    Some(if earlier {
        interval(first, r)
    } else {
        interval(r, last)
    })
}

/// A part of a year: half 1–2 or quarter 1–4 as a month interval
/// (`2026-01/2026-06`, `2026-07/2026-09`).
pub(super) fn part_of_year(year: &str, months: u32, index: u32) -> Option<String> {
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || index == 0 {
        return None;
    }
    let first = (index - 1) * months + 1;
    let last = index * months;
    (last <= 12).then(|| interval(format!("{year}-{first:02}"), format!("{year}-{last:02}")))
}

/// The TIMEX3 season code of a season word.
pub(super) fn season_code(word: &str) -> Option<&'static str> {
    match word.to_ascii_lowercase().as_str() {
        "spring" => Some("SP"),
        "summer" => Some("SU"),
        "autumn" | "fall" => Some("FA"),
        "winter" => Some("WI"),
        _ => None,
    }
}

/// Whether a value is a plain calendar value (a year, month or day) that can
/// bound a range.
pub(super) fn is_plain(value: &str) -> bool {
    matches!(value.len(), 4 | 7 | 10) && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn rolling_intervals() {
        let r = d(2026, 12, 5);
        assert_eq!(
            rolling(r, Unit::Year, 3, true).unwrap(),
            "2023-12-05/2026-12-05"
        );
        assert_eq!(
            rolling(r, Unit::Week, 2, true).unwrap(),
            "2026-11-21/2026-12-05"
        );
        assert_eq!(
            rolling(d(2024, 3, 31), Unit::Month, 1, true).unwrap(),
            "2024-02-29/2024-03-31"
        );
        assert_eq!(
            rolling(r, Unit::Decade, 1, false).unwrap(),
            "2026-12-05/2036-12-05"
        );
        assert_eq!(rolling(r, Unit::Other, 1, true), None);
    }

    #[test]
    fn periods() {
        assert_eq!(period("2024-W10"), Some((d(2024, 3, 4), d(2024, 3, 10))));
        assert_eq!(period("2021-W01"), Some((d(2021, 1, 4), d(2021, 1, 10))));
        assert_eq!(period("2024-02"), Some((d(2024, 2, 1), d(2024, 2, 29))));
        assert_eq!(period("2024"), Some((d(2024, 1, 1), d(2024, 12, 31))));
        assert_eq!(period("199X"), None);
        assert_eq!(
            earlier_or_later(d(2026, 12, 5), "2026-12", true).unwrap(),
            "2026-12-01/2026-12-05"
        );
        assert_eq!(earlier_or_later(d(2026, 12, 5), "2025", true), None);
    }

    #[test]
    fn months_and_parts() {
        let r = d(2026, 3, 6);
        assert_eq!(month_with_rel(r, 10, "last").unwrap(), "2025-10");
        assert_eq!(month_with_rel(r, 2, "last"), None);
        assert_eq!(month_with_rel(r, 3, "last").unwrap(), "2025-03");
        assert_eq!(month_with_rel(r, 3, "next").unwrap(), "2027-03");
        assert_eq!(month_with_rel(r, 10, "next"), None);
        assert_eq!(month_with_rel(r, 10, "this").unwrap(), "2026-10");
        assert_eq!(part_of_year("2026", 6, 1).unwrap(), "2026-01/2026-06");
        assert_eq!(part_of_year("2026", 3, 3).unwrap(), "2026-07/2026-09");
        assert_eq!(part_of_year("202X", 3, 3), None);
        assert!(is_plain("2024-03-01") && !is_plain("199X") && !is_plain("FY2025"));
    }
}
