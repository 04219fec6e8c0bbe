//! Proleptic-Gregorian calendar arithmetic on day counts since 1970-01-01,
//! after Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>).
//!
//! One copy for the whole workspace: extraction resolves relative dates with
//! it, search buckets `published_at` by month with it, and the benchmarks
//! date their reports and corpus text with it. A date crate would be a larger
//! dependency than these few lines of integer arithmetic.
//!
//! Both functions are exact for every day count a Unix time in seconds can
//! name (|days| < 2^47); far beyond that the intermediate products overflow.

/// Days from 0000-03-01 (the start of era 0) to 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in one 400-year era.
const DAYS_PER_ERA: i64 = 146_097;

/// `(year, month, day)` → days since 1970-01-01 (negative before).
///
/// `month` is 1..=12 and `day` 1..=31; other values give the day count the
/// formula gives, without a check (validate with [`days_in_month`] first).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    // Months counted from March, so the leap day ends the year.
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_ERA + doe - EPOCH_SHIFT
}

/// Days since 1970-01-01 → `(year, month 1..=12, day 1..=31)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Saturating only so an absurd input cannot panic; see the module docs.
    let z = days.saturating_add(EPOCH_SHIFT);
    let era = z.div_euclid(DAYS_PER_ERA);
    let doe = z - era * DAYS_PER_ERA;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day of the week of a day count: Monday = 0 … Sunday = 6.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (3); no sum that could overflow.
    ((days.rem_euclid(7) + 3) % 7) as u32
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (0 for a month outside 1..=12).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_094), (2025, 1, 6));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        assert_eq!(days_from_civil(0, 3, 1), -EPOCH_SHIFT);
        assert_eq!(weekday(0), 3);
        assert_eq!(weekday(days_from_civil(2024, 3, 5)), 1);
        assert_eq!(weekday(-4), 6);
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && is_leap(-4));
        assert!(!is_leap(1900) && !is_leap(2023) && !is_leap(2100));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 13), 0);
    }

    /// Every day from 1600 to 2400, in order: the round trip holds, dates
    /// are valid and consecutive, and weekdays cycle.
    #[test]
    fn every_day_of_eight_centuries_round_trips_in_order() {
        let first = days_from_civil(1600, 1, 1);
        let last = days_from_civil(2400, 12, 31);
        let mut previous = civil_from_days(first - 1);
        assert_eq!(previous, (1599, 12, 31));
        for days in first..=last {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=days_in_month(y, m)).contains(&d), "{y}-{m}-{d}");
            assert_eq!(days_from_civil(y, m, d), days);
            let (py, pm, pd) = previous;
            let next_of_previous = if pd < days_in_month(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), next_of_previous);
            assert_eq!(weekday(days), (weekday(days - 1) + 1) % 7);
            previous = (y, m, d);
        }
    }

    /// Property: the round trip holds across the whole documented range, on
    /// day counts drawn by SplitMix64 (kit has no proptest; the crates using
    /// this module add proptest round trips of their own).
    #[test]
    fn round_trip_holds_on_drawn_day_counts() {
        let mut state = 0x5eed_u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for _ in 0..200_000 {
            // A signed day count below 2^47 in magnitude.
            let days = (next() as i64) >> 16;
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }
}
