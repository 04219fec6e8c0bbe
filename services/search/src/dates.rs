//! Calendar arithmetic for the published_at histogram: bucket starts for
//! days, ISO weeks (Monday) and months, in UTC, and their RFC 3339 form.

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

/// Howard Hinnant's days-since-epoch → (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
}
