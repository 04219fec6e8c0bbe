//! Watches on disk: an append-only log of JSON lines in the search data
//! directory (`watches/watches.jsonl`), one `put` or `delete` per change,
//! each fsync'd before the RPC that made it is answered.
//!
//! Unlike the index, watches are not derived from storage: they are the
//! one thing search holds that cannot be rebuilt, so they live beside the
//! index, not in it (a rebuild or a schema change clears only index files).
//! On open the log is replayed; a last line cut short by a crash is
//! dropped (its change was never acknowledged), any other unreadable line
//! stops the service with its line number rather than silently losing
//! watches. A log mostly made of deleted watches is rewritten (to a
//! temporary file, fsync'd, renamed over the old one) when it is opened.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::Watch;
use crate::error::{Error, Result};

/// The directory under the search data directory.
pub const WATCHES_DIR: &str = "watches";
const LOG_FILE: &str = "watches.jsonl";
/// Records beyond twice the live watches (and this slack) make the log
/// worth rewriting.
const COMPACT_SLACK: usize = 1_000;

/// One line of the log.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    Put(Box<Watch>),
    Delete(String),
}

/// The open log.
pub struct WatchLog {
    path: PathBuf,
    file: File,
}

impl WatchLog {
    /// Opens (or creates) the log in `dir` and returns the live watches,
    /// oldest first.
    pub fn open(dir: &Path) -> Result<(Self, Vec<Watch>)> {
        std::fs::create_dir_all(dir).map_err(|e| io("create", dir, &e))?;
        let path = dir.join(LOG_FILE);
        let (watches, records, good_len) = replay(&path)?;
        if let Some(len) = good_len {
            // A torn last line: cut it off before appending after it.
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| io("open", &path, &e))?;
            file.set_len(len).map_err(|e| io("truncate", &path, &e))?;
            file.sync_all().map_err(|e| io("sync", &path, &e))?;
            tracing::warn!(path = %path.display(), "dropped a watch log line cut short by a crash");
        }
        let live: Vec<Watch> = watches.into_values().collect();
        if records > 2 * live.len() + COMPACT_SLACK {
            rewrite(&path, &live)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io("open", &path, &e))?;
        sync_dir(dir)?;
        Ok((Self { path, file }, live))
    }

    /// Durably records a new watch.
    pub fn put(&mut self, watch: &Watch) -> Result<()> {
        self.append(&Record::Put(Box::new(watch.clone())))
    }

    /// Durably records a deletion.
    pub fn delete(&mut self, id: &str) -> Result<()> {
        self.append(&Record::Delete(id.to_string()))
    }

    fn append(&mut self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| Error::Internal(format!("cannot encode a watch: {e}")))?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| io("write", &self.path, &e))
    }
}

/// The live watches by id, the number of records, and the length of the
/// readable part when the last line is torn.
fn replay(path: &Path) -> Result<(BTreeMap<String, Watch>, usize, Option<u64>)> {
    let mut watches = BTreeMap::new();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((watches, 0, None)),
        Err(e) => return Err(io("open", path, &e)),
    };
    let mut reader = BufReader::new(file);
    let (mut records, mut offset, mut number) = (0, 0u64, 0);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| io("read", path, &e))?;
        if read == 0 {
            return Ok((watches, records, None));
        }
        number += 1;
        if !line.ends_with(b"\n") {
            // The write a crash cut short was never acknowledged.
            return Ok((watches, records, Some(offset)));
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(Record::Put(watch)) => {
                watches.insert(watch.id.clone(), *watch);
            }
            Ok(Record::Delete(id)) => {
                watches.remove(&id);
            }
            Err(e) => {
                return Err(Error::Internal(format!(
                    "watch log {} line {number} is unreadable ({e}); restore the file from a \
                     backup or remove the line",
                    path.display()
                )));
            }
        }
        records += 1;
        offset += read as u64;
    }
}

/// Replaces the log with one `put` per live watch.
fn rewrite(path: &Path, live: &[Watch]) -> Result<()> {
    let tmp = path.with_extension("jsonl.tmp");
    let mut file = File::create(&tmp).map_err(|e| io("create", &tmp, &e))?;
    for watch in live {
        let mut line = serde_json::to_vec(&Record::Put(Box::new(watch.clone())))
            .map_err(|e| Error::Internal(format!("cannot encode a watch: {e}")))?;
        line.push(b'\n');
        file.write_all(&line).map_err(|e| io("write", &tmp, &e))?;
    }
    file.sync_all().map_err(|e| io("sync", &tmp, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| io("rename", &tmp, &e))?;
    tracing::info!(path = %path.display(), watches = live.len(), "watch log compacted");
    Ok(())
}

/// Makes a file's creation or renaming in `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("sync", dir, &e))
}

fn io(what: &str, path: &Path, err: &std::io::Error) -> Error {
    Error::Internal(format!("cannot {what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(n: u32) -> Watch {
        Watch {
            id: format!("wt-{n:04}"),
            name: format!("watch {n}"),
            query: format!("harbour{n}"),
            filter: Default::default(),
            create_time: (1_767_225_600, 0),
            create_sequence: u64::from(n),
            request_id: format!("r{n}"),
        }
    }

    #[test]
    fn puts_and_deletes_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, live) = WatchLog::open(dir.path()).unwrap();
        assert!(live.is_empty());
        for n in 1..=3 {
            log.put(&watch(n)).unwrap();
        }
        log.delete("wt-0002").unwrap();
        drop(log);
        let (_, live) = WatchLog::open(dir.path()).unwrap();
        assert_eq!(live, vec![watch(1), watch(3)]);
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, _) = WatchLog::open(dir.path()).unwrap();
        log.put(&watch(1)).unwrap();
        drop(log);
        let path = dir.path().join(LOG_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"put\":{\"id\":\"wt-00").unwrap();
        drop(file);
        let (mut log, live) = WatchLog::open(dir.path()).unwrap();
        assert_eq!(live, vec![watch(1)]);
        log.put(&watch(2)).unwrap();
        drop(log);
        let (_, live) = WatchLog::open(dir.path()).unwrap();
        assert_eq!(live, vec![watch(1), watch(2)]);
    }

    #[test]
    fn a_corrupt_line_inside_the_log_stops_the_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        std::fs::write(&path, "not json\n{\"delete\":\"wt-1\"}\n").unwrap();
        let err = WatchLog::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn a_log_of_mostly_deletions_is_compacted() {
        let dir = tempfile::tempdir().unwrap();
        // Written without a sync per line, which only the test can skip.
        let n = COMPACT_SLACK as u32;
        let mut text = String::new();
        for i in 0..n {
            let put = Record::Put(Box::new(watch(i)));
            text.push_str(&serde_json::to_string(&put).unwrap());
            text.push('\n');
            text.push_str(&serde_json::to_string(&Record::Delete(watch(i).id)).unwrap());
            text.push('\n');
        }
        let put = Record::Put(Box::new(watch(n)));
        text.push_str(&serde_json::to_string(&put).unwrap());
        text.push('\n');
        std::fs::write(dir.path().join(LOG_FILE), text).unwrap();
        let (_, live) = WatchLog::open(dir.path()).unwrap();
        assert_eq!(live, vec![watch(n)]);
        let lines = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert_eq!(lines.lines().count(), 1);
    }
}
