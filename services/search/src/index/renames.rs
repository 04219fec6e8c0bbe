//! Entity names that changed after articles were indexed.
//!
//! Extraction renames an entity when another spelling becomes its canonical
//! name, most often while the entity is young. Writing every article that
//! names it again made renames the largest part of search's indexing: at
//! 37,000 articles of the bench corpus, 27,000 articles had been rewritten
//! and merges had copied 137,000 deleted documents (issue 19). So a rename
//! that keeps the entity's type writes one line here instead: the index
//! keeps the name an article was indexed with, and every read shows the
//! name recorded here (hits, facets, stories, quotes, expansion). A new
//! canonical name also finds the entity's articles through
//! [`Renames::ids_named`], though none of them spells it.
//!
//! The table is an append-only file of JSON lines beside the index,
//! fsync'd before the commit that moves the entity checkpoint past the
//! rename. Being ahead of the index is harmless (a later name is the right
//! one to show, and a replayed rename writes the same line again); a torn
//! last line is dropped on open. Curation re-extracts every article of the
//! entities it touches, so their names are current again and their lines
//! are forgotten.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::IndexDoc;
use crate::schema::normalize_name;

/// The table's file, in the article index's directory.
pub const RENAMES_FILE: &str = "renames.jsonl";

/// Lines the file may hold per live entry before it is written afresh.
const MAX_LINES_PER_ENTRY: usize = 2;
/// Lines below which the file is never rewritten.
const MIN_LINES_TO_COMPACT: usize = 4_096;

/// One line: an entity's name now, or (no name) that the index's own
/// names are current again.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// `EntityType` wire value (the articles' own: a new type is written
    /// into them).
    #[serde(default, rename = "type")]
    entity_type: i32,
}

#[derive(Debug, Default)]
struct Table {
    /// Entity id → its name now and its type.
    names: HashMap<Box<str>, (Box<str>, i32)>,
    /// Normalized name → the ids it is the name of now.
    ids: HashMap<Box<str>, Vec<Box<str>>>,
}

impl Table {
    fn set(&mut self, id: &str, name: &str, entity_type: i32) {
        self.remove(id);
        let norm = normalize_name(name);
        if !norm.is_empty() {
            self.ids.entry(norm.into()).or_default().push(id.into());
        }
        self.names.insert(id.into(), (name.into(), entity_type));
    }

    fn remove(&mut self, id: &str) {
        let Some((old, _)) = self.names.remove(id) else {
            return;
        };
        let norm = normalize_name(&old);
        if let Some(ids) = self.ids.get_mut(norm.as_str()) {
            ids.retain(|i| &**i != id);
            if ids.is_empty() {
                self.ids.remove(norm.as_str());
            }
        }
    }

    fn apply(&mut self, line: Line) {
        match line.name {
            Some(name) => self.set(&line.id, &name, line.entity_type),
            None => self.remove(&line.id),
        }
    }
}

/// The append-only file and how many lines it holds.
struct Log {
    path: PathBuf,
    file: BufWriter<File>,
    lines: usize,
}

/// Renamed entities' names, shared by an article index and its quote index.
#[derive(Default)]
pub struct Renames {
    table: RwLock<Table>,
    /// Bumped by every change of the table, for caches of what it says.
    version: AtomicU64,
    /// None for an index in memory.
    log: Mutex<Option<Log>>,
}

impl std::fmt::Debug for Renames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renames")
            .field("entities", &self.len())
            .finish()
    }
}

impl Renames {
    /// A table kept in memory only.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Loads the table of the index in `dir` (empty when there is none) and
    /// writes its file afresh, without superseded or torn lines.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(RENAMES_FILE);
        let mut table = Table::default();
        match File::open(&path) {
            Ok(file) => {
                for line in BufReader::new(file).lines() {
                    let Ok(line) = line else { break };
                    // A line cut short by a crash ends the table: it was
                    // never followed by a commit that relied on it.
                    let Ok(line) = serde_json::from_str::<Line>(&line) else {
                        break;
                    };
                    table.apply(line);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, e)),
        }
        let log = write_afresh(&path, &table)?;
        Ok(Self {
            table: RwLock::new(table),
            version: AtomicU64::new(0),
            log: Mutex::new(Some(log)),
        })
    }

    /// Entities renamed since their articles were indexed.
    pub fn len(&self) -> usize {
        self.table.read().names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records each entity's (id, name, type) now, durably, before the index
    /// relies on it.
    pub fn record<'a>(
        &self,
        renamed: impl IntoIterator<Item = (&'a str, &'a str, i32)>,
    ) -> Result<()> {
        let lines = renamed
            .into_iter()
            .map(|(id, name, entity_type)| Line {
                id: id.to_string(),
                name: Some(name.to_string()),
                entity_type,
            })
            .collect();
        self.write(lines)
    }

    /// Forgets `ids`: their articles were written again with current names.
    pub fn forget<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let lines = {
            let table = self.table.read();
            ids.into_iter()
                .filter(|id| table.names.contains_key(*id))
                .map(|id| Line {
                    id: id.to_string(),
                    name: None,
                    entity_type: 0,
                })
                .collect()
        };
        self.write(lines)
    }

    /// Forgets every entry (the index is rebuilt from the feeds).
    pub fn clear(&self) -> Result<()> {
        let mut log = self.log.lock();
        let mut table = self.table.write();
        *table = Table::default();
        self.version.fetch_add(1, Ordering::Release);
        if let Some(log) = log.as_mut() {
            *log = write_afresh(&log.path, &table)?;
        }
        Ok(())
    }

    fn write(&self, lines: Vec<Line>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut log = self.log.lock();
        if let Some(log) = log.as_mut() {
            for line in &lines {
                let json = serde_json::to_string(line)
                    .map_err(|e| Error::Internal(format!("cannot encode a rename: {e}")))?;
                writeln!(log.file, "{json}").map_err(|e| io_error(&log.path, e))?;
            }
            log.file.flush().map_err(|e| io_error(&log.path, e))?;
            log.file
                .get_ref()
                .sync_data()
                .map_err(|e| io_error(&log.path, e))?;
            log.lines += lines.len();
        }
        let mut table = self.table.write();
        for line in lines {
            table.apply(line);
        }
        self.version.fetch_add(1, Ordering::Release);
        if let Some(log) = log.as_mut()
            && log.lines > MIN_LINES_TO_COMPACT.max(MAX_LINES_PER_ENTRY * table.names.len())
        {
            *log = write_afresh(&log.path, &table)?;
        }
        Ok(())
    }

    /// A number that changes whenever the table does.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The name of entity `id` now, when it was renamed.
    pub fn name(&self, id: &str) -> Option<String> {
        self.table.read().names.get(id).map(|n| n.0.to_string())
    }

    /// The renamed entities whose name now normalizes to `norm`, of type
    /// `entity_type` when given.
    pub fn ids_named(&self, norm: &str, entity_type: Option<i32>) -> Vec<String> {
        let table = self.table.read();
        let Some(ids) = table.ids.get(norm) else {
            return Vec::new();
        };
        ids.iter()
            .filter(|id| {
                entity_type.is_none_or(|t| table.names.get(&***id).is_some_and(|n| n.1 == t))
            })
            .map(|id| id.to_string())
            .collect()
    }

    /// Shows `doc`'s entities, and its quotes' speakers, by their names now.
    pub fn apply(&self, doc: &mut IndexDoc) {
        let table = self.table.read();
        if table.names.is_empty() {
            return;
        }
        for e in &mut doc.entities {
            if let Some((name, _)) = table.names.get(e.id.as_str()) {
                e.name = name.to_string();
            }
        }
        for q in &mut doc.quotes {
            if let Some((name, _)) = table.names.get(q.speaker_entity_id.as_str()) {
                q.speaker_canonical_name = name.to_string();
            }
        }
    }
}

/// Writes `table` to a new file that replaces `path`, and opens it for
/// appending.
fn write_afresh(path: &Path, table: &Table) -> Result<Log> {
    let fresh = path.with_extension("jsonl.new");
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(&fresh)?);
        let mut lines: Vec<(&str, &str, i32)> = table
            .names
            .iter()
            .map(|(i, (n, t))| (&**i, &**n, *t))
            .collect();
        lines.sort_unstable();
        for (id, name, entity_type) in lines {
            let line = Line {
                id: id.to_string(),
                name: Some(name.to_string()),
                entity_type,
            };
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&fresh, path)?;
        if let Some(dir) = path.parent() {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    };
    write().map_err(|e| io_error(path, e))?;
    let file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| io_error(path, e))?;
    Ok(Log {
        path: path.to_path_buf(),
        file: BufWriter::new(file),
        lines: table.names.len(),
    })
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!("entity names file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocEntity;
    use crate::quotes::DocQuote;

    fn doc() -> IndexDoc {
        IndexDoc {
            id: "d1".into(),
            entities: vec![
                DocEntity {
                    id: "e1".into(),
                    name: "Kolobyov".into(),
                    entity_type: 0,
                    variants: Vec::new(),
                },
                DocEntity {
                    id: "e2".into(),
                    name: "Ardent".into(),
                    entity_type: 0,
                    variants: Vec::new(),
                },
            ],
            quotes: vec![DocQuote {
                speaker_entity_id: "e1".into(),
                speaker_canonical_name: "Kolobyov".into(),
                ..DocQuote::default()
            }],
            ..IndexDoc::default()
        }
    }

    fn names(doc: &IndexDoc) -> Vec<&str> {
        doc.entities.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn reads_show_the_name_now_and_the_new_name_finds_the_entity() {
        let renames = Renames::in_memory();
        renames.record([("e1", "Ivan Kolobov", 1)]).unwrap();
        renames.record([("e1", "Ivan Kolobyov", 1)]).unwrap();
        let mut d = doc();
        renames.apply(&mut d);
        assert_eq!(names(&d), ["Ivan Kolobyov", "Ardent"]);
        assert_eq!(d.quotes[0].speaker_canonical_name, "Ivan Kolobyov");
        assert_eq!(renames.ids_named("ivan kolobyov", None), ["e1"]);
        assert_eq!(renames.ids_named("ivan kolobyov", Some(1)), ["e1"]);
        assert!(renames.ids_named("ivan kolobyov", Some(2)).is_empty());
        assert!(
            renames.ids_named("ivan kolobov", None).is_empty(),
            "old name"
        );
        renames.forget(["e1"]).unwrap();
        let mut d = doc();
        renames.apply(&mut d);
        assert_eq!(names(&d), ["Kolobyov", "Ardent"]);
        assert!(renames.ids_named("ivan kolobyov", None).is_empty());
    }

    #[test]
    fn the_table_survives_a_reopen_and_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        {
            let renames = Renames::open(dir.path()).unwrap();
            renames
                .record([("e1", "Ivan Kolobyov", 1), ("e2", "Ardent Ltd", 4)])
                .unwrap();
            renames.forget(["e2"]).unwrap();
            renames.record([("e3", "Maia Sandu", 1)]).unwrap();
        }
        // A crash in the middle of an append.
        let path = dir.path().join(RENAMES_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"id":"e4","na"#).unwrap();
        drop(file);
        let renames = Renames::open(dir.path()).unwrap();
        assert_eq!(renames.name("e1").as_deref(), Some("Ivan Kolobyov"));
        assert_eq!(renames.name("e2"), None);
        assert_eq!(renames.name("e3").as_deref(), Some("Maia Sandu"));
        assert_eq!(renames.name("e4"), None);
        // Written afresh: one line per entry, and appends still land.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        renames.record([("e5", "Oleksandr Hrytsenko", 1)]).unwrap();
        assert_eq!(renames.ids_named("ivan kolobyov", Some(1)), ["e1"]);
        drop(renames);
        let renames = Renames::open(dir.path()).unwrap();
        assert_eq!(renames.len(), 3);
        renames.clear().unwrap();
        drop(renames);
        assert!(Renames::open(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn a_file_of_superseded_lines_is_written_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let renames = Renames::open(dir.path()).unwrap();
        // A hundred lines a call: one fsync each.
        let names: Vec<String> = (0..3 * MIN_LINES_TO_COMPACT)
            .map(|round| format!("Name {}", round % 7))
            .collect();
        for chunk in names.chunks(100) {
            renames
                .record(chunk.iter().map(|name| ("e1", name.as_str(), 1)))
                .unwrap();
        }
        let text = std::fs::read_to_string(dir.path().join(RENAMES_FILE)).unwrap();
        assert!(text.lines().count() <= MIN_LINES_TO_COMPACT + 100);
        let expected = format!("Name {}", (3 * MIN_LINES_TO_COMPACT - 1) % 7);
        drop(renames);
        let renames = Renames::open(dir.path()).unwrap();
        assert_eq!(renames.name("e1"), Some(expected));
    }
}
