//! Asks the kernel to read the index's files into its page cache when the
//! index opens.
//!
//! Queries read dictionaries, postings and stored blocks through the page
//! cache. After a restart, or once other work has pushed the index's files
//! out of the cache, the first queries wait on the disk for every page they
//! touch: on a kept 100,000-article index with the cache dropped, boolean
//! p50 / p99 were 4.04 / 9.53 ms and faceted 4.03 / 23.8 ms, against
//! 1.37 / 3.06 and 1.43 / 2.88 once warm (issue 19). Elasticsearch's
//! `index.store.preload` does the same for the files it is told to. The
//! files are read through once on a low-priority thread of their own.
//! `posix_fadvise(WILLNEED)` was tried first: it returned after 96 ms for
//! the 1.04 GB of that index and left queries after a dropped cache twice
//! as slow as warm ones. The pages are cached, not mapped, so they do not
//! count in search's resident memory, and the kernel drops them under
//! pressure like any cached file. Files that do
//! not fit in half of the memory the kernel says is available are left
//! out, stored documents first (a query reads ten of them, but every block
//! of its terms' postings).

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bytes read at a time.
const READ_BUFFER_BYTES: usize = 1 << 20;

/// What was read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Preloaded {
    pub files: u64,
    pub bytes: u64,
}

/// Starts reading the files under `dir` into the page cache on a thread of
/// its own at a low priority, and logs what it read.
pub fn preload_in_background(dir: &Path) {
    let dir = dir.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("index-preload".into())
        .spawn(move || {
            lower_this_threads_priority();
            let started = Instant::now();
            let budget = available_memory().map_or(u64::MAX, |bytes| bytes / 2);
            match preload(&dir, budget) {
                Ok(done) => tracing::info!(
                    files = done.files,
                    bytes = done.bytes,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "index files read into the page cache"
                ),
                Err(error) => tracing::debug!(%error, "cannot preload the index files"),
            }
        });
    if let Err(error) = spawned {
        tracing::debug!(%error, "cannot start the index preload thread");
    }
}

/// Reads every file under `dir` (its subdirectories too) once, stored
/// documents last, while their total stays within `budget` bytes.
pub fn preload(dir: &Path, budget: u64) -> io::Result<Preloaded> {
    let mut files = Vec::new();
    list_files(dir, &mut files)?;
    // Stored documents last, then the smaller files first.
    files.sort_by_key(|(path, len)| (path.extension().is_some_and(|e| e == "store"), *len));
    let mut done = Preloaded::default();
    let mut buffer = vec![0u8; READ_BUFFER_BYTES];
    for (path, len) in files {
        if done.bytes.saturating_add(len) > budget {
            continue;
        }
        // A file merged away since the listing is simply skipped.
        let Ok(mut file) = std::fs::File::open(&path) else {
            continue;
        };
        done.bytes += read_through(&mut file, &mut buffer)?;
        done.files += 1;
    }
    Ok(done)
}

/// Reads `file` to its end, a buffer at a time; returns the bytes read.
fn read_through(file: &mut std::fs::File, buffer: &mut [u8]) -> io::Result<u64> {
    let mut total = 0;
    loop {
        match file.read(buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
}

fn list_files(dir: &Path, out: &mut Vec<(PathBuf, u64)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if meta.is_dir() {
            list_files(&entry.path(), out)?;
        } else if meta.is_file() && meta.len() > 0 {
            out.push((entry.path(), meta.len()));
        }
    }
    Ok(())
}

/// Gives this thread a nice value of 10, as the merge threads have (see
/// `priority`): the reads yield the CPU to queries and indexing.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // On Linux the nice value of "this process" set from a thread is that
    // thread's alone.
    if let Err(error) =
        rustix::process::setpriority_process(None, super::priority::MERGE_THREAD_NICE)
    {
        tracing::debug!(%error, "cannot lower the preload thread's priority");
    }
}

/// `MemAvailable` from `/proc/meminfo`, in bytes (None off Linux).
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_under_the_index_is_read_within_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.idx"), vec![1u8; 300]).unwrap();
        std::fs::write(dir.path().join("a.store"), vec![1u8; 500]).unwrap();
        std::fs::write(dir.path().join("meta.json"), b"{}").unwrap();
        std::fs::write(dir.path().join("empty.term"), b"").unwrap();
        std::fs::create_dir(dir.path().join("quotes")).unwrap();
        std::fs::write(dir.path().join("quotes").join("b.pos"), vec![1u8; 100]).unwrap();

        let all = preload(dir.path(), u64::MAX).unwrap();
        assert_eq!(
            all,
            Preloaded {
                files: 4,
                bytes: 902
            }
        );
        // Within 500 bytes: everything but the stored documents.
        let some = preload(dir.path(), 500).unwrap();
        assert_eq!(
            some,
            Preloaded {
                files: 3,
                bytes: 402
            }
        );
        assert!(preload(&dir.path().join("missing"), u64::MAX).is_err());
        assert!(available_memory().is_some_and(|bytes| bytes > 0));
    }
}
