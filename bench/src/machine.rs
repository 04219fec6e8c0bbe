//! What a published figure needs beside it: when it was measured, on what
//! machine, and with which command.

use std::time::{SystemTime, UNIX_EPOCH};

use dossier_kit::civil::civil_from_days;

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

/// The text of /proc/PID/status (None once the process is gone).
pub fn proc_status(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status")).ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_fields() {
        let text = "MemTotal:       24608252 kB\nVmHWM:\t  1234 kB\n";
        assert_eq!(kib_field(text, "MemTotal:"), Some(24_608_252));
        assert_eq!(kib_field(text, "VmHWM:"), Some(1_234));
        assert_eq!(kib_field(text, "VmRSS:"), None);
    }
}
