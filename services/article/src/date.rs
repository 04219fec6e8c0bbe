//! Dates as pages write them, to UTC seconds since the Unix epoch.
//!
//! Handles ISO 8601 / RFC 3339 (with or without time, offset or fraction),
//! RFC 2822 (`Tue, 19 Nov 2019 08:00:00 GMT`), written dates in English and
//! German (`November 19, 2019`, `19 Nov 2019`, `19. November 2019`) and dates
//! in URL paths (`/2019/11/19/`). Dates without a time are midnight UTC.
//! Years outside 1990..=2100 are rejected as noise.

/// Parses the first date found in `s`.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    parse_iso(s).or_else(|| parse_written(s))
}

/// Finds `/YYYY/MM/DD/` or `/YYYY-MM-DD` style dates in a URL path.
pub fn from_url(url: &str) -> Option<i64> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let parts: Vec<&str> = path.split(['/', '-', '_', '.']).collect();
    for w in parts.windows(3) {
        if let (Ok(y), Ok(m), Ok(d)) = (
            w[0].parse::<i64>(),
            w[1].parse::<i64>(),
            w[2].parse::<i64>(),
        ) && w[0].len() == 4
            && w[1].len() <= 2
            && w[2].len() <= 2
            && let Some(t) = civil(y, m, d)
        {
            return Some(t);
        }
    }
    None
}

/// RFC 3339 text for UTC seconds: `2019-11-19T08:00:00Z`.
pub fn to_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let day = civil(y, m, d)?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Some(day);
    }
    let (hh, mm) = (num(11, 2)?, num(14, 2)?);
    let mut i = 16;
    let mut ss = 0;
    if b.get(16) == Some(&b':') {
        ss = num(17, 2)?;
        i = 19;
    }
    if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return Some(day);
    }
    let offset = match b.get(i) {
        Some(b'+' | b'-') => {
            let sign = if b[i] == b'+' { 1 } else { -1 };
            let oh = num(i + 1, 2)?;
            let om = if b.get(i + 3) == Some(&b':') {
                num(i + 4, 2)
            } else {
                num(i + 3, 2)
            };
            sign * (oh * 3600 + om.unwrap_or(0) * 60)
        }
        _ => 0,
    };
    Some(day + hh * 3600 + mm * 60 + ss - offset)
}

const MONTHS: [(&str, i64); 24] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("januar", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("okt", 10),
    ("dez", 12),
    ("sept", 9),
    ("jän", 1),
    ("janv", 1),
];

fn month(word: &str) -> Option<i64> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .filter(|(name, _)| w.starts_with(name))
        .max_by_key(|(name, _)| name.len())
        .map(|&(_, m)| m)
}

/// Written dates: a month name with a day and a four-digit year nearby, in
/// either order, optionally followed by `HH:MM` and a zone (`GMT`, `UTC`, `+0100`).
fn parse_written(s: &str) -> Option<i64> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .filter(|w| !w.is_empty())
        .take(40)
        .collect();
    for (i, w) in words.iter().enumerate() {
        let Some(m) = month(w) else { continue };
        let day_of = |x: &str| -> Option<i64> {
            let x = x.trim_end_matches(['.', 's', 't', 'h', 'n', 'd', 'r']);
            x.parse().ok().filter(|d| (1..=31).contains(d))
        };
        let year_of = |x: &str| -> Option<i64> {
            let x = x.trim_end_matches(['.', ';']);
            (x.len() == 4).then(|| x.parse().ok())?
        };
        // "November 19, 2019" / "Nov 19 2019"
        let after = (
            words.get(i + 1).and_then(|x| day_of(x)),
            words.get(i + 2).and_then(|x| year_of(x)),
        );
        // "19 November 2019" / "19. November 2019"
        let before = (
            i.checked_sub(1).and_then(|j| day_of(words[j])),
            words.get(i + 1).and_then(|x| year_of(x)),
        );
        let (d, y, next) = match (after, before) {
            ((Some(d), Some(y)), _) => (d, y, i + 3),
            (_, (Some(d), Some(y))) => (d, y, i + 2),
            _ => continue,
        };
        let day = civil(y, m, d)?;
        return Some(day + time_after(&words[next.min(words.len())..]));
    }
    None
}

/// Seconds of day from words like `08:00`, `8:00 pm`, `08:00:00 GMT`,
/// `+0100`; 0 when none.
fn time_after(words: &[&str]) -> i64 {
    let mut i = 0;
    if words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("at") || *w == "um" || *w == "-" || *w == "|")
    {
        i = 1;
    }
    let Some(w) = words.get(i) else { return 0 };
    let mut parts = w.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return 0;
    };
    let (Ok(mut h), Ok(m)) = (h.parse::<i64>(), m.get(..2).unwrap_or(m).parse::<i64>()) else {
        return 0;
    };
    let s = parts
        .next()
        .and_then(|s| s.get(..2)?.parse::<i64>().ok())
        .unwrap_or(0);
    let tail = |k: usize| words.get(i + k).map(|x| x.to_ascii_lowercase());
    let mut k = 1;
    let pm = tail(k).is_some_and(|t| t.starts_with("pm") || t.starts_with("p.m"));
    let am = tail(k).is_some_and(|t| t.starts_with("am") || t.starts_with("a.m"));
    if pm && h < 12 {
        h += 12;
    } else if am && h == 12 {
        h = 0;
    }
    if pm || am {
        k += 1;
    }
    if h > 23 || m > 59 {
        return 0;
    }
    let offset = tail(k).map_or(0, |z| zone_offset(&z));
    h * 3600 + m * 60 + s - offset
}

fn zone_offset(z: &str) -> i64 {
    match z {
        "gmt" | "utc" | "z" => 0,
        "est" => -5 * 3600,
        "edt" => -4 * 3600,
        "cst" => -6 * 3600,
        "cdt" => -5 * 3600,
        "pst" => -8 * 3600,
        "pdt" => -7 * 3600,
        "cet" => 3600,
        "cest" => 2 * 3600,
        "bst" => 3600,
        "mez" => 3600,
        "mesz" => 2 * 3600,
        _ => {
            let b = z.as_bytes();
            let sign = match b.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return 0,
            };
            let digits: String = z[1..].chars().filter(char::is_ascii_digit).collect();
            match (
                digits.get(..2).and_then(|h| h.parse::<i64>().ok()),
                digits.get(2..4).and_then(|m| m.parse::<i64>().ok()),
            ) {
                (Some(h), m) if h <= 14 => sign * (h * 3600 + m.unwrap_or(0) * 60),
                _ => 0,
            }
        }
    }
}

/// Midnight UTC of a calendar day, if it is a real day in 1990..=2100.
fn civil(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1990..=2100).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's civil-date algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse(s).map(to_rfc3339).unwrap_or_default()
    }

    #[test]
    fn iso_forms() {
        assert_eq!(iso("2019-11-19T08:00:00Z"), "2019-11-19T08:00:00Z");
        assert_eq!(iso("2019-11-19T08:00:00.123+01:00"), "2019-11-19T07:00:00Z");
        assert_eq!(iso("2019-11-19T08:00-0500"), "2019-11-19T13:00:00Z");
        assert_eq!(iso("2019-11-19"), "2019-11-19T00:00:00Z");
        assert_eq!(iso("2019-02-30"), "");
    }

    #[test]
    fn written_forms() {
        assert_eq!(iso("Tue, 19 Nov 2019 08:00:00 GMT"), "2019-11-19T08:00:00Z");
        assert_eq!(
            iso("Published November 19, 2019 at 3:30 pm EST"),
            "2019-11-19T20:30:00Z"
        );
        assert_eq!(iso("19. März 2024, 14:05 Uhr"), "2024-03-19T14:05:00Z");
        assert_eq!(iso("Updated: 3rd March 2021"), "2021-03-03T00:00:00Z");
        assert_eq!(iso("no date here"), "");
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            from_url("https://x.com/2019/11/19/story")
                .map(to_rfc3339)
                .unwrap(),
            "2019-11-19T00:00:00Z"
        );
        assert_eq!(
            from_url("https://x.com/news/2021-03-04-title.html")
                .map(to_rfc3339)
                .unwrap(),
            "2021-03-04T00:00:00Z"
        );
        assert_eq!(from_url("https://x.com/a/1234/56/78"), None);
    }

    #[test]
    fn round_trip_days() {
        for days in [-1, 0, 59, 10_957, 18_000, 47_482] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
