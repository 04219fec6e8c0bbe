//! The tantivy index on disk: one writer, one reader, and the checkpoint
//! (change-feed and entity-feed sequences) stored in each commit's payload,
//! so a restart resumes exactly after what the last commit holds.
//!
//! Beside the article index lives the quote index ([`crate::quotes`], in
//! the `quotes/` directory): every write to an article writes its quotes
//! too, and every commit commits the quote index first, then the articles
//! (see `quotes.rs` here for how the two stay consistent across a crash).
//!
//! Every method here blocks (I/O, merges, fsync): async callers go through
//! `dossier_kit::run_blocking`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Weak};
use std::time::SystemTime;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, Executor, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher,
    SearcherGeneration, Term, Warmer,
};

use self::merges::SmallSegments;
use crate::collect::SortColumns;
use crate::error::{Error, Result};
use crate::facets::FacetDicts;
use crate::memo::Memo;
use crate::model::{IndexDoc, StoryMark};
use crate::query::aliases::AliasNames;
use crate::query::{ExpansionMemo, REMEMBERED_TERMS};
use crate::schema::{Fields, register_tokenizers};
use crate::stories::view::StoryTable;
use crate::stories::{StorySettings, StoryTracker, tracker};
use directory::IndexDirectory;

mod directory;
mod merges;
mod per_segment;
mod preload;
mod priority;
mod quotes;
mod renames;

pub use priority::{MERGE_THREAD_NICE, lower_merge_threads};

pub use per_segment::PerSegment;
pub use quotes::QUOTES_DIR;
pub use renames::{RENAMES_FILE, Renames};

/// Terms whose document frequency is remembered per searcher generation:
/// a query word is a term in each of its fields (title, body, grams, names
/// and stemmed text), some tens of bytes each.
const REMEMBERED_DOC_FREQS: usize = 64 * 1024;

/// Live documents from which a search's segments are searched side by
/// side on the query threads. Below it a query's work is about a
/// millisecond, and on two cores handing segments to a second thread cost
/// more than it saved: at 100,000 articles one thread took 8–20% less CPU
/// and was faster in five of six alternating rounds; at 300,000 two
/// threads were ahead in two of three; at a million they took a fifth to
/// a third off boolean and faceted p50 (issue 19, tests/BENCHMARKS.md).
const SIDE_BY_SIDE_FROM_DOCS: u64 = 200_000;

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 128 * 1024 * 1024;

/// How an index's writer is set up.
#[derive(Debug, Clone, Copy)]
struct WriterSetup {
    heap_bytes: usize,
    /// None: tantivy's choice (one per core, up to 8).
    threads: Option<usize>,
    /// Bytes of stored documents compressed together (tantivy's default is
    /// 16 KiB); reading one document decompresses its whole block.
    docstore_block: usize,
    /// Live documents one merge may produce (None: no cap).
    max_merged_docs: Option<u32>,
}

/// The article index's writer: one indexing thread, so that a commit makes
/// one segment instead of one per core. On 2026-12-05 the one thread was
/// the bottleneck while extraction waited; since renames rewrite no
/// article, search indexes a third less and it no longer is: two pairs at
/// 100,000 articles gave 456 and 457 docs/s end to end against 463 and
/// 447 with tantivy's default, search CPU 160 and 160 s against 167 and
/// 176 (issue 19, tests/BENCHMARKS.md).
///
/// An article is stored in a block of its own (about 5 KB, text and
/// entities): a page of hits are articles far apart, and with 16 KiB blocks
/// each hit decompressed three articles to read one (issue 19).
const ARTICLE_WRITER: WriterSetup = WriterSetup {
    heap_bytes: WRITER_HEAP_BYTES,
    threads: Some(1),
    docstore_block: 4 * 1024,
    // About 1 GB of segment files in the bench corpus: see `merges`.
    max_merged_docs: Some(150_000),
};

/// Where the index stands in the feeds it follows; the commit payload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The last storage change applied.
    pub sequence: u64,
    /// The last extraction entity change applied.
    pub entity_sequence: u64,
}

/// What each commit's payload holds: the checkpoint, and the story merges
/// so far (the rest of the stories' state is derived from the documents).
#[derive(Debug, Default, Serialize, Deserialize)]
struct CommitPayload {
    #[serde(flatten)]
    checkpoint: Checkpoint,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    story_aliases: BTreeMap<String, String>,
    /// Commits so far. The article index and its quote index hold the same
    /// writes exactly when their last commits carry the same generation.
    #[serde(default)]
    generation: u64,
    /// How documents are laid out in fields ([`LAYOUT`]); an index written
    /// with another layout has the same schema but other postings.
    #[serde(default)]
    layout: u32,
}

/// The layout of an index's last commit (None before its first).
fn committed_layout(index: &Index) -> Result<Option<u32>> {
    let Some(payload) = index.load_metas()?.payload else {
        return Ok(None);
    };
    let payload: CommitPayload = serde_json::from_str(&payload)
        .map_err(|e| Error::Internal(format!("cannot read the index's checkpoint: {e}")))?;
    Ok(Some(payload.layout))
}

/// The version of what the indexer writes into the schema's fields, for
/// changes the schema does not show. 1: the headline is indexed into
/// `body` and `body_grams` as well (see `Fields::body`).
const LAYOUT: u32 = 1;

/// A commit as those who follow the index see it: its checkpoint and a
/// searcher that shows exactly it (the watches' percolator reads the
/// batch it made visible).
#[derive(Clone)]
pub struct CommitView {
    pub checkpoint: Checkpoint,
    pub searcher: Searcher,
}

/// One write, in change-feed order.
#[derive(Debug, Clone)]
pub enum IndexOp {
    /// Add or replace a document (delete-by-id first, so replays are harmless).
    Upsert(Box<IndexDoc>),
    /// Remove a document.
    Delete(String),
}

/// The index plus its single writer.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    /// Runs a small index's searches on the calling thread (see
    /// [`Self::executor_for`]).
    calling_thread: Executor,
    /// Raised to have the writer's merge policy fold the small segments.
    small_segments: SmallSegments,
    reader: IndexReader,
    /// Facet dictionaries per segment, resolved by the reader's warmer
    /// (which the reader holds weakly: it lives here).
    facet_dicts: Arc<FacetDicts>,
    /// Entity names per segment, filled by the reader's warmer too.
    alias_names: Arc<AliasNames>,
    /// Entity expansions of query terms in the newest searcher.
    expansions: ExpansionMemo,
    /// Document frequencies of query terms in the newest searcher.
    doc_freqs: Memo<(u32, Vec<u8>), u64>,
    /// Each segment's sort columns, opened by the warmer too.
    sort_columns: Arc<SortColumns>,
    _warmer: Arc<SegmentCaches>,
    last_commit: Mutex<Option<SystemTime>>,
    /// The checkpoint of the commit the reader shows (updated after reload,
    /// so a reported sequence is always searchable).
    committed: Mutex<Checkpoint>,
    /// Story assignment's window of recent documents; None when stories
    /// are turned off.
    stories: Mutex<Option<StoryTracker>>,
    /// The tracker's merges as of the last batch applied, for queries.
    published_aliases: parking_lot::RwLock<Arc<BTreeMap<String, String>>>,
    /// The story table of one searcher generation (ListStories).
    story_table: Mutex<Option<(u64, Arc<StoryTable>)>>,
    /// The generation of the last commit (see `CommitPayload`).
    generation: Mutex<u64>,
    /// The quote index of an article index; None in the quote index itself.
    quotes: Option<Box<SearchIndex>>,
    /// Entities renamed since their articles were indexed (shared with the
    /// quote index; see `renames`).
    renames: Arc<Renames>,
    /// The last commit (None before the first of this process).
    commits: tokio::sync::watch::Sender<Option<CommitView>>,
}

/// The reader's warmer: fills the per-segment caches (facet dictionaries,
/// entity names) for new segments at reload, off the query path, and drops
/// those of segments no searcher uses any more.
struct SegmentCaches {
    facet_dicts: Arc<FacetDicts>,
    alias_names: Arc<AliasNames>,
    sort_columns: Arc<SortColumns>,
}

impl Warmer for SegmentCaches {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        self.facet_dicts.warm_all(searcher)?;
        self.sort_columns.warm_all(searcher)?;
        self.alias_names.warm_all(searcher)
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        self.facet_dicts.collect_garbage(live_generations);
        self.sort_columns.collect_garbage(live_generations);
        self.alias_names.collect_garbage(live_generations);
    }
}

/// Removes the index files in `dir` (an index about to be rebuilt): the
/// metas and every segment file (named by a 32-hex-digit segment id). Other
/// files are left alone.
fn clear_dir(dir: &Path) -> Result<()> {
    let cannot = |e: std::io::Error| {
        Error::Internal(format!("cannot clear index dir {}: {e}", dir.display()))
    };
    for entry in std::fs::read_dir(dir).map_err(cannot)? {
        let entry = entry.map_err(cannot)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or_default();
        let segment_file = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
        if entry.file_type().map_err(cannot)?.is_file()
            && (segment_file
                || name == "meta.json"
                || name == ".managed.json"
                || name == RENAMES_FILE)
        {
            std::fs::remove_file(entry.path()).map_err(cannot)?;
        }
    }
    Ok(())
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when empty, with stories as
    /// they are by default.
    pub fn open(dir: &Path) -> Result<Self> {
        Self::open_with(dir, Some(StorySettings::default()))
    }

    /// Opens the index in `dir`; `stories` says how stories are formed
    /// (None: no stories or near-duplicate marks).
    pub fn open_with(dir: &Path, stories: Option<StorySettings>) -> Result<Self> {
        // Both indexes' files (the quotes' in a subdirectory), read while
        // the story window is restored and the first queries come.
        preload::preload_in_background(dir);
        let mut articles = Self::open_dir(dir, Fields::build(), stories, ARTICLE_WRITER)?;
        let mut quotes = Self::open_dir(
            &dir.join(QUOTES_DIR),
            Fields::for_quotes(),
            None,
            quotes::QUOTE_WRITER,
        )?;
        let renames = Arc::new(Renames::open(dir)?);
        articles.renames = Arc::clone(&renames);
        quotes.renames = renames;
        articles.with_quotes(quotes)
    }

    /// Opens the one index in `dir`, creating it when empty or written with
    /// another schema.
    fn open_dir(
        dir: &Path,
        fields: Fields,
        stories: Option<StorySettings>,
        writer: WriterSetup,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Internal(format!("cannot create index dir {}: {e}", dir.display()))
        })?;
        let directory = IndexDirectory::open(dir)?;
        if Index::exists(&directory).map_err(tantivy::TantivyError::from)? {
            let index = Index::open(directory.clone())?;
            let layout = committed_layout(&index)?;
            if index.schema() == fields.schema && layout.is_none_or(|l| l == LAYOUT) {
                return Self::with_index(index, fields, stories, writer);
            }
            // The index is derived data: one written by another version of
            // the service is rebuilt from the feeds.
            tracing::warn!(
                dir = %dir.display(),
                "the index was written with another schema or layout; \
                 rebuilding it from storage's change feed"
            );
            drop(index);
            clear_dir(dir)?;
        }
        let settings = IndexSettings {
            docstore_blocksize: writer.docstore_block,
            ..IndexSettings::default()
        };
        let index = Index::create(directory, fields.schema.clone(), settings)?;
        Self::with_index(index, fields, stories, writer)
    }

    /// An index in memory, for tests and the bench.
    pub fn in_memory() -> Result<Self> {
        let fields = Fields::build();
        let articles = Self::with_index(
            Index::create_in_ram(fields.schema.clone()),
            fields,
            Some(StorySettings::default()),
            ARTICLE_WRITER,
        )?;
        let fields = Fields::for_quotes();
        let mut quotes = Self::with_index(
            Index::create_in_ram(fields.schema.clone()),
            fields,
            None,
            quotes::QUOTE_WRITER,
        )?;
        quotes.renames = Arc::clone(&articles.renames);
        articles.with_quotes(quotes)
    }

    fn with_index(
        index: Index,
        fields: Fields,
        stories: Option<StorySettings>,
        setup: WriterSetup,
    ) -> Result<Self> {
        register_tokenizers(&index);
        let writer = match setup.threads {
            None => index.writer(setup.heap_bytes)?,
            Some(n) => index.writer_with_num_threads(n, setup.heap_bytes)?,
        };
        let small_segments = SmallSegments::default();
        writer.set_merge_policy(merges::policy(
            setup.max_merged_docs,
            small_segments.clone(),
        ));
        // Manual reloads: a commit becomes searchable the moment `commit`
        // returns, not after a file-watcher delay. New segments' facet
        // dictionaries are resolved during the reload, not by a query.
        let facet_dicts = Arc::new(FacetDicts::default());
        let alias_names = Arc::new(AliasNames::new(&fields));
        let sort_columns = Arc::new(SortColumns::default());
        let warmer = Arc::new(SegmentCaches {
            facet_dicts: Arc::clone(&facet_dicts),
            alias_names: Arc::clone(&alias_names),
            sort_columns: Arc::clone(&sort_columns),
        });
        let weak: Weak<dyn Warmer> = Arc::downgrade(&warmer) as Weak<dyn Warmer>;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![weak])
            .try_into()?;
        let payload: CommitPayload = index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        let tracker = stories.map(|settings| {
            let mut tracker = StoryTracker::new(settings);
            tracker.set_aliases(payload.story_aliases);
            tracker
        });
        let committed = payload.checkpoint;
        let generation = payload.generation;
        let this = Self {
            index,
            fields,
            writer: Mutex::new(writer),
            calling_thread: Executor::single_thread(),
            small_segments,
            reader,
            facet_dicts,
            alias_names,
            expansions: Memo::new(REMEMBERED_TERMS),
            doc_freqs: Memo::new(REMEMBERED_DOC_FREQS),
            sort_columns,
            _warmer: warmer,
            last_commit: Mutex::new(None),
            committed: Mutex::new(committed),
            published_aliases: parking_lot::RwLock::new(Arc::new(
                tracker
                    .as_ref()
                    .map(|t| t.aliases().clone())
                    .unwrap_or_default(),
            )),
            stories: Mutex::new(tracker),
            story_table: Mutex::new(None),
            generation: Mutex::new(generation),
            quotes: None,
            renames: Arc::default(),
            commits: tokio::sync::watch::channel(None).0,
        };
        this.restore_story_window()?;
        Ok(this)
    }

    /// Fills the story tracker's window with the committed documents
    /// published within it (oldest sequence first), each in the story the
    /// index records: the tracker's state is derived from the index, so a
    /// restart goes on where the last commit stood.
    fn restore_story_window(&self) -> Result<()> {
        let mut guard = self.stories.lock();
        let Some(tracker) = guard.as_mut() else {
            return Ok(());
        };
        let window = tracker.settings().window_secs;
        let searcher = self.searcher();
        let mut dated: Vec<(u64, i64, DocAddress)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let published = segment.fast_fields().date("published_at")?;
            let seq = segment.fast_fields().u64("seq")?;
            for doc in segment.doc_ids_alive() {
                if let Some(t) = published.first(doc) {
                    let sequence = seq.first(doc).unwrap_or(0);
                    dated.push((
                        sequence,
                        t.into_timestamp_secs(),
                        DocAddress::new(ord as u32, doc),
                    ));
                }
            }
        }
        let Some(newest) = dated.iter().map(|d| d.1).max() else {
            return Ok(());
        };
        dated.retain(|d| d.1 >= newest - window);
        dated.sort_unstable_by_key(|d| d.0);
        let (mut ids, mut values) = (Vec::new(), Vec::new());
        for (_, _, address) in dated {
            let doc = IndexDoc::from_stored(searcher.doc(address)?, &self.fields, &self.renames);
            if let Some(mark) = doc.story.clone() {
                let original = mark.duplicate_of.as_ref().map(|d| d.0.as_str());
                tracker.restore(
                    &doc.story_doc(&mut ids, &mut values),
                    &mark.story_id,
                    original,
                );
            }
        }
        Ok(())
    }

    /// The story `id` is now (itself or the story it was merged into), and
    /// every id that resolves to that story.
    pub fn story_ids(&self, id: &str) -> (String, Vec<String>) {
        let aliases = self.story_aliases();
        let survivor = tracker::resolve(&aliases, id).to_string();
        let mut all = tracker::aliases_of(&aliases, &survivor);
        all.insert(0, survivor.clone());
        (survivor, all)
    }

    /// The merges so far, as queries read them (without waiting for the
    /// indexer, which holds the tracker while it applies a batch).
    fn story_aliases(&self) -> Arc<BTreeMap<String, String>> {
        Arc::clone(&self.published_aliases.read())
    }

    /// Publishes the tracker's merges to queries.
    fn publish_aliases(&self, tracker: Option<&StoryTracker>) {
        let aliases = tracker.map(|t| t.aliases().clone()).unwrap_or_default();
        *self.published_aliases.write() = Arc::new(aliases);
    }

    /// The story table built for searcher generation `generation`.
    pub fn story_table_cache(&self, generation: u64) -> Option<Arc<StoryTable>> {
        match &*self.story_table.lock() {
            Some((g, table)) if *g == generation => Some(Arc::clone(table)),
            _ => None,
        }
    }

    pub fn set_story_table_cache(&self, generation: u64, table: Arc<StoryTable>) {
        *self.story_table.lock() = Some((generation, table));
    }

    /// The story a stored story id stands for now.
    pub fn resolve_story(&self, id: &str) -> String {
        tracker::resolve(&self.story_aliases(), id).to_string()
    }

    /// Searches each query's segments on `threads` threads (0: one per
    /// core; 1: the calling thread alone).
    pub fn set_query_threads(&mut self, threads: usize) -> Result<()> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        if threads > 1 {
            self.index.set_multithread_executor(threads)?;
        }
        if let Some(quotes) = self.quotes.as_mut() {
            quotes.set_query_threads(threads)?;
        }
        Ok(())
    }

    /// Where a search over `searcher` runs its segments: on the query
    /// threads once the index holds [`SIDE_BY_SIDE_FROM_DOCS`] documents,
    /// on the calling thread before.
    pub fn executor_for(&self, searcher: &Searcher) -> &Executor {
        if searcher.num_docs() >= SIDE_BY_SIDE_FROM_DOCS {
            self.index.search_executor()
        } else {
            &self.calling_thread
        }
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Facet dictionaries resolved per segment (see `facets`).
    pub fn facet_dicts(&self) -> &FacetDicts {
        &self.facet_dicts
    }

    /// Entities renamed since their articles were indexed.
    pub fn renames(&self) -> &Renames {
        &self.renames
    }

    /// Alias names per segment (see `query::aliases`).
    pub fn alias_names(&self) -> &AliasNames {
        &self.alias_names
    }

    /// Entity expansions already looked up (see `query::expand`).
    pub fn expansions(&self) -> &ExpansionMemo {
        &self.expansions
    }

    /// How many documents of `searcher` carry `term` (remembered for the
    /// newest generation: each answer looks the term up in every segment).
    pub fn doc_freq(&self, searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
        let version = (searcher.generation().generation_id(), 0);
        let key = (
            term.field().field_id(),
            term.serialized_value_bytes().to_vec(),
        );
        if let Some(n) = self.doc_freqs.get(version, &key) {
            return Ok(n);
        }
        let n = searcher.doc_freq(term)?;
        self.doc_freqs.put(version, key, n);
        Ok(n)
    }

    /// Sort columns per segment, for a [`CursorCollector`](crate::collect::CursorCollector).
    pub fn sort_columns(&self) -> Arc<SortColumns> {
        Arc::clone(&self.sort_columns)
    }

    /// A consistent view of the last commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The checkpoint of the last commit (zero for a new index).
    pub fn checkpoint(&self) -> Result<Checkpoint> {
        Ok(*self.committed.lock())
    }

    /// Queues writes; they become visible at the next `commit`.
    pub fn apply(&self, ops: Vec<IndexOp>) -> Result<()> {
        self.write(ops, true)
    }

    /// Queues the rewrite of documents whose quote records would come out
    /// as they are (a rename of entities that neither speak nor are named
    /// in their quotes): the articles alone are written again. An article
    /// quotes a dozen times or more, so this spares most of a rename's
    /// writes.
    pub fn relabel(&self, docs: Vec<IndexDoc>) -> Result<()> {
        let ops = docs
            .into_iter()
            .map(|doc| IndexOp::Upsert(Box::new(doc)))
            .collect();
        self.write(ops, false)
    }

    /// `apply`, writing the upserted articles' quote records or not.
    fn write(&self, ops: Vec<IndexOp>, quotes_too: bool) -> Result<()> {
        let writer = self.writer.lock();
        let mut stories = self.stories.lock();
        let (mut ids, mut values) = (Vec::new(), Vec::new());
        let mut merged = false;
        for op in ops {
            let mut doc = match op {
                IndexOp::Upsert(doc) => doc,
                IndexOp::Delete(id) => {
                    if let Some(tracker) = stories.as_mut() {
                        tracker.remove(&id);
                    }
                    writer.delete_term(Term::from_field_text(self.fields.id, &id));
                    if let Some(quotes) = &self.quotes {
                        quotes.delete_quotes(&id);
                    }
                    continue;
                }
            };
            if let Some(tracker) = stories.as_mut() {
                let story_doc = doc.story_doc(&mut ids, &mut values);
                let mark = match &doc.story {
                    // Written again (curation, a rename): same story.
                    Some(mark) => {
                        let original = mark.duplicate_of.as_ref().map(|d| d.0.as_str());
                        tracker.restore(&story_doc, &mark.story_id, original);
                        mark.clone()
                    }
                    None => {
                        let assigned = tracker.assign(&story_doc);
                        merged |= !assigned.merged.is_empty();
                        StoryMark {
                            story_id: assigned.story_id,
                            duplicate_of: assigned.duplicate_of,
                        }
                    }
                };
                doc.story = Some(mark);
            }
            writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
            writer.add_document(doc.to_tantivy(&self.fields))?;
            if let Some(quotes) = self.quotes.as_ref().filter(|_| quotes_too) {
                quotes.replace_quotes(&doc)?;
            }
        }
        if merged {
            self.publish_aliases(stories.as_ref());
        }
        Ok(())
    }

    /// Makes queued writes durable together with `checkpoint`, then visible:
    /// the quote index's first, then the articles' (so a crash between the
    /// two leaves generations that differ, which the next open repairs).
    pub fn commit(&self, checkpoint: Checkpoint) -> Result<()> {
        let generation = *self.generation.lock() + 1;
        if let Some(quotes) = &self.quotes {
            quotes.commit_as(checkpoint, generation)?;
        }
        self.commit_as(checkpoint, generation)?;
        self.commits.send_replace(Some(CommitView {
            checkpoint,
            searcher: self.reader.searcher(),
        }));
        Ok(())
    }

    /// Shows the segments that merges finished since the last reload, and
    /// says whether there were any. Merges end after the commit that
    /// started them and the reader reloads at commits only: once the feed
    /// went quiet, queries went on reading the merged-away segments until
    /// the next article arrived.
    pub fn show_finished_merges(&self) -> Result<bool> {
        let mut reloaded = false;
        if let Some(quotes) = &self.quotes {
            reloaded |= quotes.show_finished_merges()?;
        }
        let committed: HashSet<SegmentId> =
            self.index.searchable_segment_ids()?.into_iter().collect();
        let shown: HashSet<SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        if committed != shown {
            self.reader.reload()?;
            reloaded = true;
        }
        Ok(reloaded)
    }

    /// Folds each index's segments under the log policy's first level into
    /// one in the background, where there are two or more (see `merges`):
    /// for the end of a catch-up. Call it right after a commit, with
    /// nothing applied since: it commits again under the same checkpoint.
    /// The merged segment shows once the merge ends
    /// ([`Self::show_finished_merges`]). Says whether either index had
    /// segments to fold.
    pub fn fold_small_segments(&self) -> Result<bool> {
        let mut folding = false;
        if let Some(quotes) = &self.quotes {
            folding |= quotes.fold_own_small_segments()?;
        }
        Ok(self.fold_own_small_segments()? || folding)
    }

    fn fold_own_small_segments(&self) -> Result<bool> {
        if !merges::worth_folding(&self.index.searchable_segment_metas()?) {
            return Ok(false);
        }
        // tantivy asks its merge policy for merges at each commit, so a
        // commit of the same checkpoint is what starts the fold.
        let _fold = self.small_segments.fold();
        let checkpoint = *self.committed.lock();
        let generation = *self.generation.lock();
        self.commit_as(checkpoint, generation)?;
        Ok(true)
    }

    /// Merges every segment and waits for it (tests of what follows merges).
    #[cfg(test)]
    pub(crate) fn merge_all_segments(&self) -> Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            self.writer.lock().merge(&ids).wait()?;
        }
        Ok(())
    }

    /// Each commit from now on, as it becomes visible (a receiver that
    /// falls behind sees only the newest).
    pub fn subscribe_commits(&self) -> tokio::sync::watch::Receiver<Option<CommitView>> {
        self.commits.subscribe()
    }

    /// Commits this one index with `checkpoint` and `generation`.
    fn commit_as(&self, checkpoint: Checkpoint, generation: u64) -> Result<()> {
        let story_aliases = self
            .stories
            .lock()
            .as_ref()
            .map(|t| t.aliases().clone())
            .unwrap_or_default();
        let payload = serde_json::to_string(&CommitPayload {
            checkpoint,
            story_aliases,
            generation,
            layout: LAYOUT,
        })
        .map_err(|e| Error::Internal(format!("cannot encode checkpoint: {e}")))?;
        {
            let mut writer = self.writer.lock();
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        priority::lower_merge_threads();
        *self.generation.lock() = generation;
        self.reader.reload()?;
        *self.committed.lock() = checkpoint;
        *self.last_commit.lock() = Some(SystemTime::now());
        Ok(())
    }

    /// Drops every document and commits `checkpoint` (a rebuild's start).
    pub fn clear(&self, checkpoint: Checkpoint) -> Result<()> {
        self.renames.clear()?;
        self.writer.lock().delete_all_documents()?;
        if let Some(quotes) = &self.quotes {
            quotes.writer.lock().delete_all_documents()?;
        }
        {
            let mut stories = self.stories.lock();
            if let Some(tracker) = stories.as_mut() {
                *tracker = StoryTracker::new(tracker.settings().clone());
            }
            self.publish_aliases(stories.as_ref());
        }
        self.commit(checkpoint)
    }

    /// Discards writes queued since the last commit.
    pub fn rollback(&self) -> Result<()> {
        self.writer.lock().rollback()?;
        if let Some(quotes) = &self.quotes {
            quotes.writer.lock().rollback()?;
        }
        // The window held the discarded documents too: derive it again.
        if let Some(tracker) = self.stories.lock().as_mut() {
            let mut fresh = StoryTracker::new(tracker.settings().clone());
            fresh.set_aliases(tracker.aliases().clone());
            *tracker = fresh;
        }
        self.restore_story_window()
    }

    pub fn last_commit_time(&self) -> Option<SystemTime> {
        *self.last_commit.lock()
    }

    /// The address of a document by id in `searcher`, if indexed.
    pub fn find(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let hits = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        Ok(hits.first().map(|(_, addr)| *addr))
    }

    /// A stored document by id, from the last commit.
    pub fn get(&self, id: &str) -> Result<Option<IndexDoc>> {
        let searcher = self.searcher();
        let Some(addr) = self.find(&searcher, id)? else {
            return Ok(None);
        };
        Ok(Some(IndexDoc::from_stored(
            searcher.doc(addr)?,
            &self.fields,
            &self.renames,
        )))
    }

    /// Documents and segments in the last commit.
    pub fn counts(&self) -> (u64, u64) {
        let searcher = self.searcher();
        (searcher.num_docs(), searcher.segment_readers().len() as u64)
    }

    /// Documents in the last commit whose article text is empty.
    pub fn text_empty_count(&self) -> Result<u64> {
        let query = TermQuery::new(
            Term::from_field_bool(self.fields.text_empty, true),
            IndexRecordOption::Basic,
        );
        Ok(self.searcher().search(&query, &Count)? as u64)
    }

    /// Waits for merges to finish; call once, at shutdown.
    pub fn close(self) -> Result<()> {
        let Self { writer, quotes, .. } = self;
        writer.into_inner().wait_merging_threads()?;
        if let Some(quotes) = quotes {
            quotes.close()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
