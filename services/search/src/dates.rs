//! Calendar arithmetic for the published_at histogram: bucket starts for
//! days, ISO weeks (Monday) and months, in UTC, and their RFC 3339 form.
//! The calendar itself is [`dossier_kit::civil`].

use dossier_kit::civil::{civil_from_days, days_from_civil};

const DAY: i64 = 86_400;

/// Histogram bucket width.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub enum Interval {
    #[default]
    Day,
    Week,
    Month,
}

/// The start (unix seconds) of the bucket holding `secs`.
pub fn bucket_start(secs: i64, interval: Interval) -> i64 {
    let days = secs.div_euclid(DAY);
    let start = match interval {
        Interval::Day => days,
        // 1970-01-05 (day 4) was a Monday.
        Interval::Week => days - (days - 4).rem_euclid(7),
        Interval::Month => {
            let (y, m, _) = civil_from_days(days);
            days_from_civil(y, m, 1)
        }
    };
    start * DAY
}

/// `2024-03-01T00:00:00Z` for a midnight; other times keep their clock.
pub fn rfc3339(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let rem = secs.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-03-14T15:09:26Z, a Thursday.
    const T: i64 = 1_710_428_966;

    #[test]
    fn buckets_start_at_day_monday_and_first_of_month() {
        assert_eq!(rfc3339(T), "2024-03-14T15:09:26Z");
        assert_eq!(
            rfc3339(bucket_start(T, Interval::Day)),
            "2024-03-14T00:00:00Z"
        );
        assert_eq!(
            rfc3339(bucket_start(T, Interval::Week)),
            "2024-03-11T00:00:00Z"
        );
        assert_eq!(
            rfc3339(bucket_start(T, Interval::Month)),
            "2024-03-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(bucket_start(-1, Interval::Month)),
            "1969-12-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(bucket_start(0, Interval::Week)),
            "1969-12-29T00:00:00Z"
        );
    }

    proptest::proptest! {
        /// A bucket starts at or before its time, at midnight, and holds it.
        #[test]
        fn buckets_hold_their_time(secs in -100_000_000_000i64..100_000_000_000) {
            for interval in [Interval::Day, Interval::Week, Interval::Month] {
                let start = bucket_start(secs, interval);
                proptest::prop_assert!(start <= secs && start.rem_euclid(DAY) == 0);
                proptest::prop_assert_eq!(bucket_start(start, interval), start);
                let (y, m, d) = civil_from_days(start / DAY);
                proptest::prop_assert_eq!(days_from_civil(y, m, d), start / DAY);
                proptest::prop_assert!(rfc3339(start).ends_with("T00:00:00Z"));
            }
        }
    }
}
