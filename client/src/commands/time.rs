//! Times a person types after `--since` and `--until`: a duration back
//! from now (7d, 24h, 90m), a day (2026-11-18, midnight UTC), or an RFC
//! 3339 time.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use prost_types::Timestamp;

/// `--since`: the start of the range (inclusive).
pub fn since(flag: &str, value: Option<&str>) -> anyhow::Result<Option<Timestamp>> {
    value.map(|text| point(flag, text, false)).transpose()
}

/// `--until`: the end of the range (exclusive). A day means up to the end
/// of that day, so `--until 2026-11-18` includes the 18th.
pub fn until(flag: &str, value: Option<&str>) -> anyhow::Result<Option<Timestamp>> {
    value.map(|text| point(flag, text, true)).transpose()
}

fn point(flag: &str, text: &str, end_of_day: bool) -> anyhow::Result<Timestamp> {
    if let Some(back) = duration(text) {
        let at = SystemTime::now()
            .checked_sub(back)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        return Ok(Timestamp::from(at));
    }
    if let Some(days) = day(text) {
        let days = days + i64::from(end_of_day);
        return Ok(Timestamp {
            seconds: days * 86_400,
            nanos: 0,
        });
    }
    Timestamp::from_str(text).map_err(|_| {
        anyhow::anyhow!(
            "{flag} {text:?}: give a duration such as 7d, 24h or 90m, a day such as \
             2026-11-18, or an RFC 3339 time such as 2026-11-18T09:00:00Z"
        )
    })
}

/// "7d", "24h", "90m".
fn duration(text: &str) -> Option<Duration> {
    let unit = match text.chars().last()? {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        _ => return None,
    };
    let n: u64 = text[..text.len() - 1].parse().ok()?;
    Some(Duration::from_secs(n.saturating_mul(unit)))
}

/// "2026-11-18" as days since 1970-01-01.
fn day(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let valid = (1..=12).contains(&month)
        && (1..=dossier_kit::civil::days_in_month(year, month)).contains(&day);
    valid.then(|| dossier_kit::civil::days_from_civil(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_durations_and_times() {
        // 2026-11-18T00:00:00Z, and the end of that day.
        let day = since("--since", Some("2026-11-18")).unwrap().unwrap();
        assert_eq!(day.seconds, 1_794_960_000);
        let end = until("--until", Some("2026-11-18")).unwrap().unwrap();
        assert_eq!(end.seconds, 1_794_960_000 + 86_400);
        let time = until("--until", Some("2026-11-18T09:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(time.seconds, 1_794_960_000 + 9 * 3_600);
        let week = since("--since", Some("7d")).unwrap().unwrap();
        let now = Timestamp::from(SystemTime::now()).seconds;
        assert!((now - 7 * 86_400 - week.seconds).abs() < 60);
        assert_eq!(since("--since", None).unwrap(), None);
        for bad in ["yesterday", "2026-13-01", "2026-02-30", "18/11/2026", "7w"] {
            let err = since("--since", Some(bad)).unwrap_err().to_string();
            assert!(
                err.contains("--since") && err.contains("2026-11-18"),
                "{bad}: {err}"
            );
        }
    }
}
