//! The search operations behind the RPCs, free of transport concerns: the
//! request limits (query length, page sizes, co-occurrence counts) are
//! checked and clamped here, and index work runs on the blocking pool. The
//! gRPC layer converts requests into the domain types taken here, calls
//! these, and converts the results.

use std::sync::Arc;

use dossier_kit::{Shutdown, run_blocking};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::export::Export;
use crate::index::SearchIndex;
use crate::indexer::Control;
use crate::indexer::status::{IndexReport, StatusCell};
use crate::query::Filter;
use crate::quotes::{QuoteListing, QuotePage, list_quotes};
use crate::related::{Cooccurrences, cooccurrences, more_like_this};
use crate::screening::{NameMatcher, ScreenName, ScreenOptions, ScreenResult, gather, validate};
use crate::search::{Hit, PageRequest, SearchPage, SearchQuery, page_size, search};
use crate::stories::view::{Story, StoryListing, StoryPage, get_story, list_stories};
use crate::watches::model::{Watch, WatchSpec};
use crate::watches::{Match, WatchPage, Watches};

/// Hits per page when the request says 0.
const DEFAULT_PAGE_SIZE: usize = 10;
/// Stories per ListStories page when the request says 0.
const DEFAULT_STORY_PAGE_SIZE: usize = 20;
/// Quotes per ListQuotes page when the request says 0.
const DEFAULT_QUOTE_PAGE_SIZE: usize = 20;
/// MoreLikeThis page limit.
const MAX_MLT_PAGE_SIZE: usize = 100;
/// Co-occurrence limits (default, maximum).
const COOCCURRENCE_LIMITS: (usize, usize) = (20, 1_000);

/// Request limits, from the config.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_query_bytes: usize,
    pub max_page_size: usize,
    /// Most names in one ScreenNames request.
    pub max_screen_names: usize,
}

/// Names per MatchNames call to extraction, and per streamed part of a
/// long screening.
const SCREEN_CHUNK: usize = 500;

/// Documents similar to one, and how far the index had read.
#[derive(Debug, Clone)]
pub struct Similar {
    pub hits: Vec<Hit>,
    pub total_hits: u64,
    pub indexed_sequence: u64,
}

/// The search service's operations over one index.
pub struct SearchCore {
    index: Arc<SearchIndex>,
    status: Arc<StatusCell>,
    control: Arc<Control>,
    limits: Limits,
    shutdown: Shutdown,
    watches: Arc<Watches>,
    matcher: Arc<dyn NameMatcher>,
}

impl SearchCore {
    pub fn new(
        index: Arc<SearchIndex>,
        status: Arc<StatusCell>,
        control: Arc<Control>,
        limits: Limits,
        shutdown: Shutdown,
        watches: Arc<Watches>,
        matcher: Arc<dyn NameMatcher>,
    ) -> Self {
        Self {
            index,
            status,
            control,
            limits,
            shutdown,
            watches,
            matcher,
        }
    }

    /// Checks a screening request before any work.
    pub fn check_screening(&self, names: &[ScreenName]) -> Result<()> {
        validate(names, self.limits.max_screen_names)
    }

    /// Screens `names` (already checked) from position `first` of the
    /// request: extraction matches them, the index adds each match's
    /// articles.
    pub async fn screen_part(
        &self,
        names: Vec<ScreenName>,
        first: usize,
        options: ScreenOptions,
    ) -> Result<Vec<ScreenResult>> {
        let candidates = self
            .matcher
            .match_names(names.clone(), options.min_score, options.max_matches)
            .await
            .map_err(|e| Error::Unavailable {
                service: "extraction",
                message: e.message,
            })?;
        let index = Arc::clone(&self.index);
        run_blocking(move || {
            names
                .into_iter()
                .zip(candidates)
                .enumerate()
                .map(|(i, (name, found))| {
                    let matches = gather(&index, &name, found, &options)?;
                    Ok(ScreenResult {
                        index: first + i,
                        name: name.name,
                        matches,
                    })
                })
                .collect()
        })
        .await?
    }

    /// A whole screening request, in parts of [`SCREEN_CHUNK`] names.
    pub async fn screen_names(
        &self,
        names: Vec<ScreenName>,
        options: ScreenOptions,
    ) -> Result<Vec<ScreenResult>> {
        self.check_screening(&names)?;
        let mut out = Vec::with_capacity(names.len());
        for (first, part) in Self::screen_parts(names) {
            out.extend(self.screen_part(part, first, options).await?);
        }
        Ok(out)
    }

    /// The parts of a streamed screening: (first position, names).
    pub fn screen_parts(names: Vec<ScreenName>) -> Vec<(usize, Vec<ScreenName>)> {
        names
            .chunks(SCREEN_CHUNK)
            .enumerate()
            .map(|(k, part)| (k * SCREEN_CHUNK, part.to_vec()))
            .collect()
    }

    /// Checks a query's text against --max-query-bytes.
    pub fn check_query(&self, text: &str) -> Result<()> {
        if text.len() > self.limits.max_query_bytes {
            return Err(Error::LimitExceeded {
                field: "query",
                message: format!(
                    "query is {} bytes, over the limit of {} (--max-query-bytes)",
                    text.len(),
                    self.limits.max_query_bytes
                ),
            });
        }
        Ok(())
    }

    /// A Search page size: 0 is the default, above --max-page-size the
    /// maximum.
    pub fn page_size(&self, requested: i32) -> Result<usize> {
        page_size(requested, DEFAULT_PAGE_SIZE, self.limits.max_page_size)
    }

    /// One page of `query`.
    pub async fn search(&self, query: SearchQuery, page: PageRequest) -> Result<SearchPage> {
        self.blocking(move |index| search(index, &query, &page))
            .await
    }

    /// A ListStories page size: 0 is 20, above --max-page-size the maximum.
    pub fn story_page_size(&self, requested: i32) -> Result<usize> {
        page_size(
            requested,
            DEFAULT_STORY_PAGE_SIZE,
            self.limits.max_page_size,
        )
    }

    /// One page of the stories `listing` selects.
    pub async fn list_stories(
        &self,
        listing: StoryListing,
        page_size: usize,
        page_token: String,
    ) -> Result<StoryPage> {
        self.check_query(&listing.query)?;
        self.blocking(move |index| list_stories(index, &listing, page_size, &page_token))
            .await
    }

    /// One story, with its timeline.
    pub async fn get_story(&self, id: String) -> Result<Story> {
        self.blocking(move |index| get_story(index, &id)).await
    }

    /// A ListQuotes page size: 0 is 20, above --max-page-size the maximum.
    pub fn quote_page_size(&self, requested: i32) -> Result<usize> {
        page_size(
            requested,
            DEFAULT_QUOTE_PAGE_SIZE,
            self.limits.max_page_size,
        )
    }

    /// One page of the quotes `listing` selects.
    pub async fn list_quotes(
        &self,
        listing: QuoteListing,
        page_size: usize,
        page_token: String,
    ) -> Result<QuotePage> {
        self.check_query(&listing.query)?;
        self.blocking(move |index| list_quotes(index, &listing, page_size, &page_token))
            .await
    }

    /// Starts an export of every hit of `query` (see [`Export`]).
    pub fn export(
        &self,
        query: SearchQuery,
        include_body: bool,
        deadline: Option<Instant>,
    ) -> mpsc::Receiver<Result<Hit>> {
        Export {
            index: Arc::clone(&self.index),
            query,
            include_body,
            deadline,
            shutdown: self.shutdown.clone(),
        }
        .start()
    }

    /// MoreLikeThis; `requested` is the page size the client asked for.
    pub async fn more_like_this(
        &self,
        document_id: String,
        requested: i32,
        filter: Filter,
    ) -> Result<Similar> {
        let limit = page_size(requested, DEFAULT_PAGE_SIZE, MAX_MLT_PAGE_SIZE)?;
        let (hits, total_hits) = self
            .blocking(move |index| more_like_this(index, &document_id, limit, &filter))
            .await?;
        Ok(Similar {
            hits,
            total_hits,
            indexed_sequence: self.index.checkpoint()?.sequence,
        })
    }

    /// GetCooccurrences; `requested` is the limit the client asked for (0:
    /// the default, above the maximum: the maximum).
    pub async fn cooccurrences(
        &self,
        entity_id: String,
        requested: i32,
        entity_types: Vec<i32>,
        published: (Option<i64>, Option<i64>),
    ) -> Result<Cooccurrences> {
        let (default, max) = COOCCURRENCE_LIMITS;
        let limit = match requested {
            n if n < 0 => return Err(Error::invalid("limit", "must not be negative")),
            0 => default,
            n => (n as usize).min(max),
        };
        self.blocking(move |index| {
            cooccurrences(index, &entity_id, &entity_types, limit, published)
        })
        .await
    }

    pub fn status(&self) -> Result<IndexReport> {
        self.status.report(&self.index)
    }

    /// Asks the indexer to rebuild the index from storage's feed.
    pub fn rebuild(&self) -> Result<IndexReport> {
        tracing::info!("rebuild requested");
        self.control.request_rebuild();
        self.status()
    }

    /// Creates a watch (idempotent on its request id).
    pub async fn create_watch(&self, spec: WatchSpec) -> Result<Watch> {
        self.check_query(&spec.query)?;
        self.watches.create(spec).await
    }

    pub fn get_watch(&self, id: &str) -> Result<Watch> {
        self.watches.get(id)
    }

    pub fn list_watches(&self, page_size: i32, page_token: &str) -> Result<WatchPage> {
        self.watches.list(page_size, page_token)
    }

    pub async fn delete_watch(&self, id: String) -> Result<()> {
        self.watches.delete(id).await
    }

    /// Starts streaming the matches of a watch after `after_sequence`.
    pub fn stream_watch(
        &self,
        id: String,
        after_sequence: u64,
        deadline: Option<Instant>,
    ) -> Result<mpsc::Receiver<Result<Match>>> {
        self.watches.stream(id, after_sequence, deadline)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let index = Arc::clone(&self.index);
        run_blocking(move || work(&index)).await?
    }
}
