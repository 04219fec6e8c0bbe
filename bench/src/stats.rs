//! Latency histograms (hdrhistogram, microseconds) and the small formatting
//! helpers the tables share.

use std::time::Duration;

use hdrhistogram::Histogram;

/// A latency histogram in microseconds, 1 µs .. 100 s at 3 significant
/// digits: enough for a loopback RPC and for a stalled one.
#[derive(Clone, Debug)]
pub struct Latency {
    hist: Histogram<u64>,
}

impl Default for Latency {
    fn default() -> Self {
        Self::new()
    }
}

impl Latency {
    pub fn new() -> Self {
        let hist = Histogram::new_with_bounds(1, 100_000_000, 3)
            .expect("static histogram bounds are valid");
        Self { hist }
    }

    /// Records one duration (saturating at the histogram's upper bound).
    pub fn record(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.hist.saturating_record(micros.max(1));
    }

    pub fn merge(&mut self, other: &Latency) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.hist.add(&other.hist);
    }

    pub fn count(&self) -> u64 {
        self.hist.len()
    }

    /// The latency at `quantile` (0..1) in milliseconds.
    pub fn ms(&self, quantile: f64) -> f64 {
        self.hist.value_at_quantile(quantile) as f64 / 1_000.0
    }

    /// "0.41 / 3.20 ms" (p50 / p99), or "—" when nothing was recorded.
    pub fn p50_p99(&self) -> String {
        if self.count() == 0 {
            return "—".into();
        }
        format!("{} / {} ms", fmt_ms(self.ms(0.5)), fmt_ms(self.ms(0.99)))
    }
}

/// Milliseconds with precision that suits their size.
pub fn fmt_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// 12345.6 → "12,346": figures in a table are easier to read grouped.
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Mebibytes from KiB, as "123 MiB".
pub fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-1_000.0), "-1,000");
    }

    #[test]
    fn quantiles_in_ms() {
        let mut l = Latency::new();
        for micros in 1..=1_000 {
            l.record(Duration::from_micros(micros));
        }
        assert!((l.ms(0.5) - 0.5).abs() < 0.01);
        assert!((l.ms(0.99) - 0.99).abs() < 0.01);
        assert_eq!(Latency::new().p50_p99(), "—");
    }
}
