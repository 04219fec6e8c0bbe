//! The index's directory: tantivy's memory-mapped directory, except that
//! the stored documents (`.store`), posting lists (`.idx`) and positions
//! (`.pos`) are read with `pread`.
//!
//! A hit reads one compressed block of the store (4 KiB for articles); a
//! query term reads its posting list and, in a phrase, its positions.
//! Through a map, every page a query ever touched — and the pages the
//! kernel maps around each fault — stays in the process's resident set: at
//! a million articles the queries had gigabytes of such pages mapped,
//! counted in search's RSS. Read into a buffer, the bytes are still cached
//! by the kernel (the page cache), but they are not the process's memory
//! and the kernel reclaims them under pressure like any cached file.
//!
//! A read of a large range (a merge stacking a whole segment's store, a
//! very common word's postings) still goes through the map: one copy of a
//! gigabyte into the heap would cost more than the pages it maps, and the
//! map is dropped with the bytes read (at the end of the merge or the
//! query). Dictionaries, norms and fast fields stay mapped: tantivy opens
//! each of them whole and keeps it.
//!
//! Postings and positions read by `pread` are kept in a small cache of
//! byte ranges ([`RangeCache`], least recently used out, bounded in
//! bytes): a relevance query opens each of its terms twice (the count
//! and the ranking, `crate::search::pass`), and the words people search
//! for come back. Profiled at 100,000 articles, `pread` and its copies were
//! a tenth of a boolean query (issue 19).

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lru::LruCache;
use parking_lot::Mutex;
use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Reads at least this long go through the map (see the module docs).
const MAPPED_READ_BYTES: usize = 1 << 20;

/// The extensions of the files read with `pread`.
const READ_EXTENSIONS: [&str; 3] = ["store", "idx", "pos"];

/// The extensions of the files whose ranges are cached: postings and
/// positions (a hit's stored document is seldom read again soon).
const CACHED_EXTENSIONS: [&str; 2] = ["idx", "pos"];

/// Bytes the range cache holds at most.
const RANGE_CACHE_BYTES: usize = 32 << 20;

/// Longest range the cache keeps: a very common word's postings would
/// push out many rarer ones.
const MAX_CACHED_RANGE: usize = 256 << 10;

/// What an entry costs beyond its bytes (key, list links, table slot,
/// allocation): most ranges are a rare term's few dozen bytes.
const ENTRY_OVERHEAD: usize = 160;

/// What a cached range counts against the cache's budget.
fn cost(bytes: &OwnedBytes) -> usize {
    bytes.len() + ENTRY_OVERHEAD
}

/// Whether `path`'s extension is one of `extensions`.
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

/// Whether reads on this thread go around the cache: a merge reads every
/// term of its segments once, which would only push out what queries
/// read again. tantivy runs merges on its pool's `merge_thread_N`
/// threads (`a_merge_puts_nothing_in_the_range_cache` checks that it
/// does). Caching merges' reads took search's anonymous memory from 459
/// to 1,545 MiB and its CPU from 202 to 317 s at 100,000 articles
/// (entries were counted without their overhead then).
fn reads_in_bulk() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|name| name.starts_with("merge_thread"))
}

/// [`MmapDirectory`] with stored documents, postings and positions read
/// through `pread`.
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
    cache: Arc<RangeCache>,
}

impl IndexDirectory {
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Self::with_cache(root, RANGE_CACHE_BYTES)
    }

    fn with_cache(root: &Path, cache_bytes: usize) -> Result<Self, OpenDirectoryError> {
        Ok(IndexDirectory {
            mmap: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            cache: Arc::new(RangeCache::new(cache_bytes)),
        })
    }
}

/// Byte ranges of immutable files (segment files are written once under
/// fresh names), least recently used out, at most `budget` bytes.
struct RangeCache {
    budget: usize,
    inner: Mutex<CachedRanges>,
}

struct CachedRanges {
    ranges: LruCache<(Arc<Path>, usize, usize), OwnedBytes>,
    bytes: usize,
    /// Ranges put in since the start (the deleted and evicted included).
    puts: u64,
}

impl fmt::Debug for RangeCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.lock();
        f.debug_struct("RangeCache")
            .field("budget", &self.budget)
            .field("bytes", &inner.bytes)
            .field("ranges", &inner.ranges.len())
            .field("puts", &inner.puts)
            .finish()
    }
}

impl RangeCache {
    fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(CachedRanges {
                ranges: LruCache::unbounded(),
                bytes: 0,
                puts: 0,
            }),
        }
    }

    fn get(&self, path: &Arc<Path>, range: &Range<usize>) -> Option<OwnedBytes> {
        let key = (Arc::clone(path), range.start, range.end);
        self.inner.lock().ranges.get(&key).cloned()
    }

    fn put(&self, path: &Arc<Path>, range: &Range<usize>, bytes: &OwnedBytes) {
        if bytes.len() > MAX_CACHED_RANGE.min(self.budget) {
            return;
        }
        let key = (Arc::clone(path), range.start, range.end);
        let mut inner = self.inner.lock();
        inner.puts += 1;
        if let Some(old) = inner.ranges.put(key, bytes.clone()) {
            inner.bytes -= cost(&old);
        }
        inner.bytes += cost(bytes);
        while inner.bytes > self.budget {
            match inner.ranges.pop_lru() {
                Some((_, evicted)) => inner.bytes -= cost(&evicted),
                None => break,
            }
        }
    }

    /// Forgets every range of `path` (a deleted file).
    fn forget(&self, path: &Path) {
        let mut inner = self.inner.lock();
        let keys: Vec<_> = inner
            .ranges
            .iter()
            .filter(|((p, _, _), _)| &**p == path)
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            if let Some(bytes) = inner.ranges.pop(&key) {
                inner.bytes -= cost(&bytes);
            }
        }
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !has_extension(path, &READ_EXTENSIONS) {
            return self.mmap.get_file_handle(path);
        }
        let file = File::open(self.root.join(path)).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        let cache = has_extension(path, &CACHED_EXTENSIONS).then(|| Arc::clone(&self.cache));
        Ok(Arc::new(BlockReads {
            file,
            len,
            path: Arc::from(path),
            mmap: self.mmap.clone(),
            cache,
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        if has_extension(path, &CACHED_EXTENSIONS) {
            self.cache.forget(path);
        }
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}

/// A file read by ranges: small ones by `pread`, large ones through the map.
struct BlockReads {
    file: File,
    len: usize,
    path: Arc<Path>,
    mmap: MmapDirectory,
    /// Where ranges of this file are cached (postings and positions).
    cache: Option<Arc<RangeCache>>,
}

impl fmt::Debug for BlockReads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockReads")
            .field("path", &self.path)
            .field("len", &self.len)
            .finish()
    }
}

impl HasLen for BlockReads {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for BlockReads {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "range {range:?} is outside {} ({} bytes)",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        if range.len() >= MAPPED_READ_BYTES {
            // The directory keeps one map per file while any reader holds it.
            let mapped = self
                .mmap
                .get_file_handle(&self.path)
                .map_err(|e| io::Error::other(e.to_string()))?;
            return mapped.read_bytes(range);
        }
        let cache = self.cache.as_ref().filter(|_| !reads_in_bulk());
        if let Some(cached) = cache.and_then(|c| c.get(&self.path, &range)) {
            return Ok(cached);
        }
        let mut buffer = vec![0; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        let bytes = OwnedBytes::new(buffer);
        if let Some(cache) = cache {
            cache.put(&self.path, &range, &bytes);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn write_file(dir: &IndexDirectory, name: &str, bytes: &[u8]) {
        let mut out = dir.open_write(Path::new(name)).unwrap();
        out.write_all(bytes).unwrap();
        out.flush().unwrap();
        drop(out);
    }

    #[test]
    fn store_ranges_read_the_same_bytes_by_pread_and_through_the_map() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = IndexDirectory::open(tmp.path()).unwrap();
        let bytes: Vec<u8> = (0..MAPPED_READ_BYTES * 2)
            .map(|i| (i % 251) as u8)
            .collect();
        write_file(&dir, "a.store", &bytes);
        let handle = dir.get_file_handle(Path::new("a.store")).unwrap();
        assert_eq!(handle.len(), bytes.len());
        let small = 1000..5096;
        assert_eq!(
            handle.read_bytes(small.clone()).unwrap().as_slice(),
            &bytes[small]
        );
        let large = 10..MAPPED_READ_BYTES + 20;
        assert_eq!(
            handle.read_bytes(large.clone()).unwrap().as_slice(),
            &bytes[large]
        );
        let whole = dir.open_read(Path::new("a.store")).unwrap();
        assert_eq!(whole.read_bytes().unwrap().as_slice(), &bytes[..]);
        assert!(handle.read_bytes(0..bytes.len() + 1).is_err());
    }

    #[test]
    fn cached_ranges_stay_within_their_budget_and_go_with_their_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = IndexDirectory::with_cache(tmp.path(), 10_000).unwrap();
        let bytes: Vec<u8> = (0..20_000).map(|i| (i % 253) as u8).collect();
        write_file(&dir, "a.idx", &bytes);
        write_file(&dir, "a.store", &bytes);
        let postings = dir.get_file_handle(Path::new("a.idx")).unwrap();
        for start in (0..16_000).step_by(3_000) {
            let range = start..start + 4_000;
            // Read twice: from the file, then from the cache.
            for _ in 0..2 {
                assert_eq!(
                    postings.read_bytes(range.clone()).unwrap().as_slice(),
                    &bytes[range.clone()]
                );
            }
            assert!(dir.cache.inner.lock().bytes <= 10_000);
        }
        // A merge's reads go around the cache.
        let merge = std::thread::Builder::new()
            .name("merge_thread_0".into())
            .spawn({
                let postings = Arc::clone(&postings);
                move || postings.read_bytes(100..200).unwrap().as_slice().to_vec()
            })
            .unwrap();
        assert_eq!(merge.join().unwrap(), &bytes[100..200]);
        assert!(
            dir.cache
                .get(&Arc::from(Path::new("a.idx")), &(100..200))
                .is_none()
        );
        // The two most recent ranges fit; the oldest went.
        let cached = |range: Range<usize>| {
            dir.cache
                .get(&Arc::from(Path::new("a.idx")), &range)
                .is_some()
        };
        assert!(cached(15_000..19_000) && cached(12_000..16_000));
        assert!(!cached(0..4_000));
        // Stored documents are not cached; a deleted file's ranges go.
        let store = dir.get_file_handle(Path::new("a.store")).unwrap();
        store.read_bytes(0..100).unwrap();
        assert_eq!(dir.cache.inner.lock().ranges.len(), 2);
        dir.delete(Path::new("a.idx")).unwrap();
        assert_eq!(dir.cache.inner.lock().ranges.len(), 0);
        assert_eq!(dir.cache.inner.lock().bytes, 0);
    }

    #[test]
    fn a_merge_puts_nothing_in_the_range_cache() {
        use tantivy::schema::{Schema, TEXT};
        use tantivy::{Index, IndexWriter, TantivyDocument, doc};
        let tmp = tempfile::tempdir().unwrap();
        let dir = IndexDirectory::open(tmp.path()).unwrap();
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create(dir.clone(), schema.build(), Default::default()).unwrap();
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for words in ["ferry strike port", "port ferry council", "strike vote"] {
            writer.add_document(doc!(body => words)).unwrap();
            writer.commit().unwrap();
        }
        let segments = index.searchable_segment_ids().unwrap();
        assert_eq!(segments.len(), 3);
        let puts = || dir.cache.inner.lock().puts;
        let before = puts();
        writer.merge(&segments).wait().unwrap();
        assert_eq!(index.searchable_segment_ids().unwrap().len(), 1);
        // Every term's postings and positions were read, none put in.
        // (The merged segments' files are deleted after the merge, and
        // their ranges with them: only the count of puts can tell.)
        assert_eq!(puts(), before);
        // A query's reads are.
        let searcher = index.reader().unwrap().searcher();
        let ferry = tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(body, "ferry"),
            tantivy::schema::IndexRecordOption::WithFreqsAndPositions,
        );
        assert_eq!(
            searcher.search(&ferry, &tantivy::collector::Count).unwrap(),
            2
        );
        assert!(puts() > before);
    }

    #[test]
    fn other_files_and_missing_files_behave_as_in_the_mapped_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = IndexDirectory::open(tmp.path()).unwrap();
        for name in ["a.idx", "a.pos", "a.term", "a.fast"] {
            write_file(&dir, name, b"postings");
            let handle = dir.get_file_handle(Path::new(name)).unwrap();
            assert_eq!(handle.read_bytes(2..8).unwrap().as_slice(), b"stings");
            assert_eq!(handle.len(), 8);
        }
        assert!(matches!(
            dir.get_file_handle(Path::new("gone.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
