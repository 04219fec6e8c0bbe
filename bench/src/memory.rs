//! The services' resident memory, sampled each second and split in two:
//! anonymous memory (the heap: what the process itself holds) and mapped
//! files (for search, the index pages it has read, which the kernel may
//! take back when memory is short). VmHWM adds both at their peak; at a
//! million articles search's peak is mostly index pages (issue 19), so the
//! report gives each part's largest sample too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::machine::{kib_field, proc_status};
use crate::stats::mib;

const PERIOD: Duration = Duration::from_secs(1);

/// One process's largest samples so far, in KiB.
#[derive(Debug, Clone, Default, PartialEq)]
struct Largest {
    name: String,
    pid: u32,
    anon_kib: u64,
    file_kib: u64,
}

/// Samples the watched processes on a thread of its own until dropped.
pub struct MemorySampler {
    watched: Arc<Mutex<Vec<Largest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MemorySampler {
    pub fn start() -> Self {
        let watched: Arc<Mutex<Vec<Largest>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (watched, stop) = (Arc::clone(&watched), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("memory-sampler".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        sample_all(&watched);
                        // Woken early by `drop`.
                        std::thread::park_timeout(PERIOD);
                    }
                })
                .ok()
        };
        Self {
            watched,
            stop,
            thread,
        }
    }

    /// Samples process `pid` from now on, reported as `name` (a restarted
    /// service keeps its name; its largest samples over both processes
    /// are reported).
    pub fn watch(&self, name: &str, pid: u32) {
        let mut watched = self.watched.lock().unwrap_or_else(PoisonError::into_inner);
        watched.push(Largest {
            name: name.to_string(),
            pid,
            ..Largest::default()
        });
        if let Some(last) = watched.last_mut() {
            sample(last);
        }
    }

    /// "search 1444 MiB + 2711 MiB, …": per service, its largest
    /// anonymous and largest mapped-file samples (taken apart, so they need
    /// not be of the same moment).
    pub fn summary(&self) -> String {
        let watched = self.watched.lock().unwrap_or_else(PoisonError::into_inner);
        summarize(&watched)
    }
}

impl Drop for MemorySampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn sample_all(watched: &Mutex<Vec<Largest>>) {
    let mut watched = watched.lock().unwrap_or_else(PoisonError::into_inner);
    for process in watched.iter_mut() {
        sample(process);
    }
}

fn sample(process: &mut Largest) {
    if let Some(status) = proc_status(process.pid) {
        record(process, &status);
    }
}

/// Keeps the larger of what `process` had and what `status` (the text of
/// /proc/PID/status) says.
fn record(process: &mut Largest, status: &str) {
    if let Some(anon) = kib_field(status, "RssAnon:") {
        process.anon_kib = process.anon_kib.max(anon);
    }
    if let Some(file) = kib_field(status, "RssFile:") {
        process.file_kib = process.file_kib.max(file);
    }
}

fn summarize(watched: &[Largest]) -> String {
    let mut by_name: Vec<Largest> = Vec::new();
    for process in watched {
        match by_name.iter_mut().find(|p| p.name == process.name) {
            Some(p) => {
                p.anon_kib = p.anon_kib.max(process.anon_kib);
                p.file_kib = p.file_kib.max(process.file_kib);
            }
            None => by_name.push(process.clone()),
        }
    }
    by_name
        .iter()
        .map(|p| format!("{} {} + {}", p.name, mib(p.anon_kib), mib(p.file_kib)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(anon: u64, file: u64) -> String {
        format!("VmHWM:\t 9999 kB\nRssAnon:\t {anon} kB\nRssFile:\t {file} kB\nRssShmem:\t 0 kB\n")
    }

    #[test]
    fn each_part_keeps_its_own_largest_sample() {
        let mut search = Largest {
            name: "search".into(),
            ..Largest::default()
        };
        record(&mut search, &status(1024, 4096));
        record(&mut search, &status(2048, 1024));
        assert_eq!((search.anon_kib, search.file_kib), (2048, 4096));
        // A restarted service is one row, with the largest of both.
        let restarted = Largest {
            pid: 7,
            anon_kib: 3072,
            file_kib: 0,
            ..search.clone()
        };
        let storage = Largest {
            name: "storage".into(),
            anon_kib: 2048,
            file_kib: 10240,
            ..Largest::default()
        };
        assert_eq!(
            summarize(&[search, storage, restarted]),
            "search 3 MiB + 4 MiB, storage 2 MiB + 10 MiB"
        );
    }

    #[test]
    fn the_sampler_reads_a_live_process() {
        // 16 MiB of heap, touched, so that anonymous memory shows it.
        let held = vec![1u8; 16 << 20];
        let sampler = MemorySampler::start();
        sampler.watch("bench", std::process::id());
        let summary = sampler.summary();
        let anon = summary
            .strip_prefix("bench ")
            .and_then(|rest| rest.split(" MiB").next())
            .and_then(|n| n.parse::<u64>().ok());
        assert!(anon.is_some_and(|mib| mib >= 16), "{summary}");
        drop(sampler);
        assert_eq!(held.iter().map(|b| u64::from(*b)).sum::<u64>(), 16 << 20);
    }
}
