//! What a published figure needs beside it: when it was measured, on what
//! machine, and with which command.

use std::time::{SystemTime, UNIX_EPOCH};

/// The machine a benchmark runs on, read from /proc (Linux).
#[derive(Clone, Debug)]
pub struct Machine {
    pub cores: usize,
    pub cpu_model: String,
    pub ram_gib: f64,
}

impl Machine {
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map(|(_, model)| model.trim().to_string())
            .unwrap_or_else(|| "unknown CPU".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram_kib = kib_field(&meminfo, "MemTotal:").unwrap_or(0);
        Self {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            ram_gib: ram_kib as f64 / (1024.0 * 1024.0),
        }
    }

    /// "2 cores, AMD EPYC 7B13, 23.5 GiB RAM"
    pub fn describe(&self) -> String {
        format!(
            "{} cores, {}, {:.1} GiB RAM",
            self.cores, self.cpu_model, self.ram_gib
        )
    }
}

/// The 1-minute load average (/proc/loadavg): on a shared machine it says
/// how much else was running while the figures were taken.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A `/proc`-style "Field:   1234 kB" value, in KiB.
pub fn kib_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// The current UTC time as "2026-11-23 14:20 UTC".
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let in_day = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        in_day / 3_600,
        in_day % 3_600 / 60
    )
}

/// The command line this process was started with, for reproduction.
pub fn command_line() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map_or(p.clone(), |f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm), so no date crate is needed for a header line.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_094), (2025, 1, 6));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn reads_proc_fields() {
        let text = "MemTotal:       24608252 kB\nVmHWM:\t  1234 kB\n";
        assert_eq!(kib_field(text, "MemTotal:"), Some(24_608_252));
        assert_eq!(kib_field(text, "VmHWM:"), Some(1_234));
        assert_eq!(kib_field(text, "VmRSS:"), None);
    }
}
