//! Settings of the search service: plain `SearchConfig` for code, and the
//! `SearchArgs` flags (each with a `DOSSIER_*` env equivalent) that fill it.

use std::path::PathBuf;
use std::time::Duration;

use crate::indexer::IndexerSettings;

/// Default longest query string, in bytes.
pub const DEFAULT_MAX_QUERY_BYTES: usize = 4_096;
/// Default largest page a Search may ask for.
pub const DEFAULT_MAX_PAGE_SIZE: usize = 1_000;
/// Default most watches a server keeps.
pub const DEFAULT_MAX_WATCHES: usize = 100_000;
/// Most names in one ScreenNames request (a long sanctions list).
pub const DEFAULT_MAX_SCREEN_NAMES: usize = 10_000;
/// Default most StreamWatchMatches open at once.
pub const DEFAULT_MAX_WATCH_STREAMS: usize = 10_000;
/// Default story window: a story grows while its newest article is at
/// most this many days older than a new one.
pub const DEFAULT_STORY_WINDOW_DAYS: u32 = 14;

/// Everything `serve` needs; `Default` gives laptop defaults.
#[derive(Debug, Clone)]
pub struct SearchConfig {
    /// Where the tantivy index lives.
    pub data_dir: PathBuf,
    /// DocumentService, whose change feed the index follows.
    pub storage_url: String,
    /// ExtractionService, which finds each document's entities.
    pub extraction_url: String,
    /// Most documents per BatchExtract call.
    pub batch_docs: usize,
    /// Most BatchExtract calls out at once while catching up.
    pub extract_in_flight: usize,
    /// Commit after this many changes...
    pub commit_docs: usize,
    /// ...or this long after the last commit: the freshness bound.
    pub commit_interval: Duration,
    pub max_query_bytes: usize,
    pub max_page_size: usize,
    /// Threads one query's segments are searched on (0: one per core).
    pub query_threads: usize,
    /// How far back (days of publication time) a new article may join a
    /// story; 0 turns stories and near-duplicates off.
    pub story_window_days: u32,
    /// Most watches kept (CreateWatch beyond it: RESOURCE_EXHAUSTED).
    pub max_watches: usize,
    /// Most StreamWatchMatches open at once.
    pub max_watch_streams: usize,
    /// Most names in one ScreenNames request.
    pub max_screen_names: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        let indexer = IndexerSettings::default();
        Self {
            data_dir: PathBuf::from("./data/search"),
            storage_url: "http://127.0.0.1:50051".into(),
            extraction_url: "http://127.0.0.1:50052".into(),
            batch_docs: indexer.batch_docs,
            extract_in_flight: indexer.extract_in_flight,
            commit_docs: indexer.commit_docs,
            commit_interval: indexer.commit_interval,
            max_query_bytes: DEFAULT_MAX_QUERY_BYTES,
            max_page_size: DEFAULT_MAX_PAGE_SIZE,
            query_threads: 0,
            story_window_days: DEFAULT_STORY_WINDOW_DAYS,
            max_watches: DEFAULT_MAX_WATCHES,
            max_watch_streams: DEFAULT_MAX_WATCH_STREAMS,
            max_screen_names: DEFAULT_MAX_SCREEN_NAMES,
        }
    }
}

impl SearchConfig {
    /// How stories are formed; None when they are off.
    pub fn story_settings(&self) -> Option<crate::stories::StorySettings> {
        (self.story_window_days > 0).then(|| crate::stories::StorySettings {
            window_secs: i64::from(self.story_window_days) * 86_400,
            ..Default::default()
        })
    }

    pub(crate) fn indexer_settings(&self) -> IndexerSettings {
        IndexerSettings {
            batch_docs: self.batch_docs.max(1),
            extract_in_flight: self.extract_in_flight.max(1),
            commit_docs: self.commit_docs.max(1),
            commit_interval: self.commit_interval,
            ..IndexerSettings::default()
        }
    }
}

/// Command-line flags of the search service. Names are unique across
/// services so `dossier-server` can flatten them all.
#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// Directory of the search index.
    #[arg(
        long = "data-dir",
        env = "DOSSIER_DATA_DIR",
        default_value = "./data/search"
    )]
    pub data_dir: PathBuf,

    /// URL of the storage service (DocumentService).
    #[arg(
        long = "storage",
        env = "DOSSIER_STORAGE",
        default_value = "http://127.0.0.1:50051"
    )]
    pub storage_url: String,

    /// URL of the extraction service (ExtractionService); several,
    /// comma-separated, are replicas on one PostgreSQL registry, sent the
    /// indexer's batches in turn.
    #[arg(
        long = "extraction",
        env = "DOSSIER_EXTRACTION",
        default_value = "http://127.0.0.1:50052"
    )]
    pub extraction_url: String,

    /// Commit the index at least this often while changes arrive (ms).
    #[arg(
        long = "commit-interval-ms",
        env = "DOSSIER_COMMIT_INTERVAL_MS",
        default_value_t = 1_000
    )]
    pub commit_interval_ms: u64,

    /// Commit the index after this many changes (while catching up; once
    /// the feed runs dry, the commit interval decides). Fewer, larger
    /// segments during a catch-up mean less merging.
    #[arg(
        long = "commit-docs",
        env = "DOSSIER_COMMIT_DOCS",
        default_value_t = 5_000
    )]
    pub commit_docs: usize,

    /// Most documents per BatchExtract call.
    #[arg(
        long = "extract-batch",
        env = "DOSSIER_EXTRACT_BATCH",
        default_value_t = 128
    )]
    pub extract_batch: usize,

    /// Most BatchExtract calls out at once: with 2, extraction works on the
    /// next batch while the index takes the last one.
    #[arg(
        long = "extract-in-flight",
        env = "DOSSIER_EXTRACT_IN_FLIGHT",
        default_value_t = 2
    )]
    pub extract_in_flight: usize,

    /// Longest query string accepted, in bytes.
    #[arg(long = "max-query-bytes", env = "DOSSIER_MAX_QUERY_BYTES", default_value_t = DEFAULT_MAX_QUERY_BYTES)]
    pub max_query_bytes: usize,

    /// Largest page_size a search may ask for (larger ones are lowered).
    #[arg(long = "max-page-size", env = "DOSSIER_MAX_PAGE_SIZE", default_value_t = DEFAULT_MAX_PAGE_SIZE)]
    pub max_page_size: usize,

    /// Threads that search one query's index segments side by side (0: one
    /// per core); Search requests use them once the index holds 200,000
    /// documents (below that one thread was faster). 1 keeps each query on
    /// one core.
    #[arg(
        long = "query-threads",
        env = "DOSSIER_QUERY_THREADS",
        default_value_t = 0
    )]
    pub query_threads: usize,

    /// Days of publication time within which a new article may join an
    /// existing story (stories quiet for longer stop growing; memory grows
    /// with the articles of the window). 0 turns stories and near-duplicate
    /// marks off.
    #[arg(
        long = "story-window-days",
        env = "DOSSIER_STORY_WINDOW_DAYS",
        default_value_t = DEFAULT_STORY_WINDOW_DAYS
    )]
    pub story_window_days: u32,

    /// Most watches (saved searches streamed as new documents match) this
    /// server keeps; each costs memory for its compiled query and a share
    /// of the percolation after every commit.
    #[arg(long = "max-watches", env = "DOSSIER_MAX_WATCHES", default_value_t = DEFAULT_MAX_WATCHES)]
    pub max_watches: usize,

    /// Most StreamWatchMatches streams open at once (each is a task that
    /// reads a page of matches at a time).
    #[arg(
        long = "max-watch-streams",
        env = "DOSSIER_MAX_WATCH_STREAMS",
        default_value_t = DEFAULT_MAX_WATCH_STREAMS
    )]
    pub max_watch_streams: usize,

    /// Most names one ScreenNames or StreamScreenNames request may carry.
    #[arg(
        long = "max-screen-names",
        env = "DOSSIER_MAX_SCREEN_NAMES",
        default_value_t = DEFAULT_MAX_SCREEN_NAMES
    )]
    pub max_screen_names: usize,
}

impl SearchArgs {
    pub fn into_config(self) -> SearchConfig {
        SearchConfig {
            data_dir: self.data_dir,
            storage_url: self.storage_url,
            extraction_url: self.extraction_url,
            batch_docs: self.extract_batch,
            extract_in_flight: self.extract_in_flight,
            commit_docs: self.commit_docs,
            commit_interval: Duration::from_millis(self.commit_interval_ms),
            max_query_bytes: self.max_query_bytes,
            max_page_size: self.max_page_size.max(1),
            query_threads: self.query_threads,
            story_window_days: self.story_window_days,
            max_watches: self.max_watches,
            max_watch_streams: self.max_watch_streams,
            max_screen_names: self.max_screen_names.max(1),
        }
    }
}
