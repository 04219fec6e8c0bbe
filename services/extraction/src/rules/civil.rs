//! A minimal proleptic-Gregorian calendar date, enough to resolve relative
//! dates ("last week", "two months ago") against an article's publication day.
//!
//! The day-count arithmetic is the workspace's one copy in
//! [`dossier_kit::civil`]; this type adds validation (years 1..=9999) and
//! doubles as the reference-date input of [`crate::rules::recognize`].

use std::fmt;

use dossier_kit::civil;

/// A calendar day. Construct with [`CivilDate::new`], which validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: i32,
    month: u32,
    day: u32,
}

impl CivilDate {
    /// A valid date, or `None` (month 13, February 30, year out of 1..=9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<CivilDate> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(CivilDate { year, month, day })
    }

    /// The UTC day containing a Unix timestamp in seconds (e.g. published_at).
    pub fn from_unix_seconds(secs: i64) -> Option<CivilDate> {
        let days = secs.div_euclid(86_400);
        Self::from_days(days)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        civil::days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The date `days` after 1970-01-01, if within years 1..=9999.
    pub fn from_days(days: i64) -> Option<CivilDate> {
        let (year, month, day) = civil::civil_from_days(days);
        CivilDate::new(i32::try_from(year).ok()?, month, day)
    }

    /// This date shifted by a number of days.
    pub fn add_days(self, n: i64) -> Option<CivilDate> {
        Self::from_days(self.to_days().checked_add(n)?)
    }

    /// Monday = 0 … Sunday = 6.
    pub fn weekday(self) -> u32 {
        civil::weekday(self.to_days())
    }

    /// ISO 8601 week date: (week-numbering year, week 1..=53).
    pub fn iso_week(self) -> (i32, u32) {
        // The Thursday of this week decides the year.
        let thursday = self.to_days() - i64::from(self.weekday()) + 3;
        let Some(t) = Self::from_days(thursday) else {
            return (self.year, 1);
        };
        let jan1 = CivilDate {
            year: t.year,
            month: 1,
            day: 1,
        };
        let week = (thursday - jan1.to_days()) / 7 + 1;
        (t.year, week as u32)
    }

    /// `YYYY-Www`, the ISO week containing this date.
    pub fn iso_week_string(self) -> String {
        let (y, w) = self.iso_week();
        format!("{y:04}-W{w:02}")
    }

    /// (year, month) shifted by `n` months.
    pub fn add_months(self, n: i32) -> (i32, u32) {
        let total = self.year * 12 + self.month as i32 - 1 + n;
        (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days in a month (0 for an invalid month).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    civil::days_in_month(i64::from(year), month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_days() {
        for d in [-700_000i64, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            let c = CivilDate::from_days(d).unwrap();
            assert_eq!(c.to_days(), d);
        }
        assert_eq!(CivilDate::new(1970, 1, 1).unwrap().to_days(), 0);
        assert_eq!(
            CivilDate::new(2024, 3, 1).unwrap().to_string(),
            "2024-03-01"
        );
    }

    #[test]
    fn validates() {
        assert!(CivilDate::new(2023, 2, 29).is_none());
        assert!(CivilDate::new(2024, 2, 29).is_some());
        assert!(CivilDate::new(2024, 13, 1).is_none());
        assert!(CivilDate::new(2024, 4, 31).is_none());
    }

    #[test]
    fn weekdays_and_weeks() {
        let d = CivilDate::new(2024, 3, 5).unwrap(); // a Tuesday
        assert_eq!(d.weekday(), 1);
        assert_eq!(d.iso_week_string(), "2024-W10");
        assert_eq!(
            CivilDate::new(2021, 1, 3).unwrap().iso_week_string(),
            "2020-W53"
        );
        assert_eq!(
            CivilDate::new(2024, 12, 30).unwrap().iso_week_string(),
            "2025-W01"
        );
    }

    #[test]
    fn months_shift() {
        let d = CivilDate::new(2024, 1, 15).unwrap();
        assert_eq!(d.add_months(-1), (2023, 12));
        assert_eq!(d.add_months(13), (2025, 2));
    }

    proptest::proptest! {
        #[test]
        fn every_valid_date_round_trips_through_days(days in -719_162i64..2_932_897) {
            // 0001-01-01 ..= 9999-12-31
            let date = CivilDate::from_days(days).unwrap();
            proptest::prop_assert_eq!(date.to_days(), days);
            proptest::prop_assert_eq!(
                CivilDate::new(date.year(), date.month(), date.day()),
                Some(date)
            );
        }

        #[test]
        fn days_outside_years_1_to_9999_have_no_date(days in proptest::prop_oneof![
            i64::MIN..-719_162i64,
            2_932_897i64..i64::MAX
        ]) {
            proptest::prop_assert_eq!(CivilDate::from_days(days), None);
        }
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(
            CivilDate::from_unix_seconds(1_709_251_200)
                .unwrap()
                .to_string(),
            "2024-03-01"
        );
    }
}
