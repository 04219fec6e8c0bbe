//! Watches: saved searches whose new matches are streamed to subscribers,
//! in sequence order, exactly once across reconnects and restarts.
//!
//! - [`model`]: what a watch is; [`store`]: the durable log of watches in
//!   the data directory; [`registry`]: the watches in memory with the
//!   percolator's inverted indexes; [`paging`]: ListWatches tokens.
//! - [`compile`]: a watch's query as Search reads it (lenient, entity
//!   expansion, filter); [`keys`]: the terms a match must contain.
//! - [`percolate`]: after each commit, which watches the new documents
//!   match, all watches against the whole batch at once; [`hub`]: the
//!   wake-ups it sends to streams.
//! - [`read`]: a watch's matches read from the index in sequence order;
//!   [`stream`]: a stream's loop of reads and waits.
//!
//! Exactly once: the index is the one source of what a stream sends. A
//! stream keeps a position (every document at or below it has been
//! decided), reads the matches above it in sequence order, sends them,
//! and then sleeps until the percolator wakes it for a new match of its
//! watch. It subscribes to its wake-ups before its first read, and the
//! percolator wakes only after a commit is visible, so a match is either
//! in the read or wakes the next one: no gap at the hand-over from replay
//! to live, and nothing twice, because the position only moves forward.
//! A client that resumes from the last sequence it received gets the same
//! guarantee from any server, restarted or not, because every sent
//! document is in the committed index it reads.

pub mod compile;
pub mod hub;
pub mod keys;
pub mod model;
pub mod paging;
pub mod percolate;
pub mod read;
pub mod registry;
pub mod store;
pub mod stream;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use dossier_kit::{Shutdown, run_blocking};
use parking_lot::{Mutex, RwLock};

use self::compile::{Compiled, compile, compile_watch};
use self::hub::Hub;
use self::model::{Watch, WatchSpec};
use self::percolate::Percolator;
use self::registry::Registry;
use self::store::WatchLog;
use crate::error::{Error, Result, echo};
use crate::index::SearchIndex;
use crate::related::check_id;
use crate::search::page_size;

pub use self::model::Match;
pub use self::store::WATCHES_DIR;

/// Watches per ListWatches page when the request says 0.
const DEFAULT_PAGE_SIZE: usize = 50;

/// The limits of watches, from the config.
#[derive(Debug, Clone, Copy)]
pub struct WatchLimits {
    /// Most watches the server keeps (--max-watches).
    pub max_watches: usize,
    /// Most StreamWatchMatches open at once (--max-watch-streams).
    pub max_streams: usize,
    /// Largest ListWatches page (--max-page-size).
    pub max_page_size: usize,
}

/// One page of ListWatches.
#[derive(Debug, Clone, Default)]
pub struct WatchPage {
    pub watches: Vec<Watch>,
    pub next_page_token: String,
}

/// The watches of one search service.
pub struct Watches {
    index: Arc<SearchIndex>,
    registry: RwLock<Registry>,
    /// Held (in blocking code) across a change's append and its effect on
    /// the registry, so the log's order is the registry's.
    log: Mutex<WatchLog>,
    hub: Hub,
    /// Monotonic within a millisecond, so ids sort in creation order.
    ids: Mutex<ulid::Generator>,
    limits: WatchLimits,
    streams: AtomicUsize,
    shutdown: Shutdown,
}

impl Watches {
    /// Opens the watches kept in `dir` and compiles them against the
    /// index. Blocking.
    pub fn open(
        dir: &Path,
        index: Arc<SearchIndex>,
        limits: WatchLimits,
        shutdown: Shutdown,
    ) -> Result<Arc<Self>> {
        let (log, stored) = WatchLog::open(dir)?;
        let started = Instant::now();
        let searcher = index.searcher();
        let mut registry = Registry::default();
        let count = stored.len();
        for watch in stored {
            match compile_watch(&index, &searcher, &watch) {
                Ok(compiled) => registry.insert(watch, compiled),
                Err(err) => {
                    // Kept (and listed) as it was written, matching nothing,
                    // rather than dropped; an upgrade may read it again.
                    tracing::warn!(watch_id = %watch.id, error = %err, "cannot read a watch's query");
                    registry.insert(watch, unreadable());
                }
            }
        }
        tracing::info!(
            watches = count,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "watches loaded"
        );
        Ok(Arc::new(Self {
            index,
            registry: RwLock::new(registry),
            log: Mutex::new(log),
            hub: Hub::default(),
            ids: Mutex::new(ulid::Generator::new()),
            limits,
            streams: AtomicUsize::new(0),
            shutdown,
        }))
    }

    /// Creates a watch, or returns the one `spec.request_id` already made.
    pub async fn create(self: &Arc<Self>, spec: WatchSpec) -> Result<Watch> {
        spec.validate()?;
        let this = Arc::clone(self);
        run_blocking(move || this.create_blocking(spec)).await?
    }

    fn create_blocking(&self, spec: WatchSpec) -> Result<Watch> {
        let searcher = self.index.searcher();
        let compiled = compile(&self.index, &searcher, &spec.query, &spec.filter)?;
        let mut log = self.log.lock();
        if let Some(done) = self.replay(&spec)? {
            return Ok(done);
        }
        if self.registry.read().len() >= self.limits.max_watches {
            return Err(Error::LimitExceeded {
                field: "watch",
                message: format!(
                    "this server keeps at most {} watches (--max-watches); delete some first",
                    self.limits.max_watches
                ),
            });
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let ulid = self
            .ids
            .lock()
            .generate()
            .unwrap_or_else(|_| ulid::Ulid::new());
        let watch = Watch {
            id: format!("wt-{}", ulid.to_string().to_ascii_lowercase()),
            name: spec.display_name(),
            query: spec.query,
            filter: spec.filter,
            create_time: (now.as_secs() as i64, now.subsec_nanos() as i32),
            create_sequence: self.index.checkpoint()?.sequence,
            request_id: spec.request_id,
        };
        log.put(&watch)?;
        self.registry.write().insert(watch.clone(), compiled);
        tracing::info!(watch_id = %watch.id, "watch created");
        Ok(watch)
    }

    /// The watch an earlier create with the same request id made.
    fn replay(&self, spec: &WatchSpec) -> Result<Option<Watch>> {
        if spec.request_id.is_empty() {
            return Ok(None);
        }
        let registry = self.registry.read();
        let Some(entry) = registry.by_request(&spec.request_id) else {
            return Ok(None);
        };
        if entry.watch.same_as(spec) {
            return Ok(Some((*entry.watch).clone()));
        }
        Err(Error::AlreadyExists(format!(
            "request_id {} already created watch {} with another query, filter or name; \
             use a new request_id for a new watch",
            echo(&spec.request_id),
            entry.watch.id
        )))
    }

    pub fn get(&self, id: &str) -> Result<Watch> {
        check_id("id", id)?;
        self.registry
            .read()
            .get(id)
            .map(|e| (*e.watch).clone())
            .ok_or_else(|| not_found(id))
    }

    /// A page of watches, oldest first.
    pub fn list(&self, requested: i32, token: &str) -> Result<WatchPage> {
        let max = self.limits.max_page_size.max(1);
        let size = page_size(requested, DEFAULT_PAGE_SIZE.min(max), max)?;
        let after = paging::decode(token)?;
        let (watches, more) = self.registry.read().page(after.as_deref(), size);
        let next_page_token = match watches.last() {
            Some(last) if more => paging::encode(&last.id),
            _ => String::new(),
        };
        Ok(WatchPage {
            watches: watches.iter().map(|w| (**w).clone()).collect(),
            next_page_token,
        })
    }

    /// Deletes a watch; its open streams end with NOT_FOUND.
    pub async fn delete(self: &Arc<Self>, id: String) -> Result<()> {
        check_id("id", &id)?;
        let this = Arc::clone(self);
        run_blocking(move || {
            let mut log = this.log.lock();
            if this.registry.read().get(&id).is_none() {
                return Err(not_found(&id));
            }
            log.delete(&id)?;
            this.registry.write().remove(&id);
            this.hub.close(&id);
            tracing::info!(watch_id = %id, "watch deleted");
            Ok(())
        })
        .await?
    }

    /// The compiled query of watch `id`, if it exists.
    fn compiled(&self, id: &str) -> Option<Arc<Compiled>> {
        self.registry
            .read()
            .get(id)
            .map(|e| Arc::clone(&e.compiled))
    }

    /// Percolates each commit from now on until shutdown, waking the
    /// streams of the watches its documents match. Call before the indexer
    /// starts: commits made before the call are not percolated.
    pub fn percolate(self: Arc<Self>) -> impl std::future::Future<Output = ()> + Send {
        let commits = self.index.subscribe_commits();
        let after = self.index.checkpoint().map(|c| c.sequence).unwrap_or(0);
        let percolator = Percolator::new(&self.index.searcher(), after);
        self.percolate_commits(commits, percolator)
    }

    async fn percolate_commits(
        self: Arc<Self>,
        mut commits: tokio::sync::watch::Receiver<Option<crate::index::CommitView>>,
        mut percolator: Percolator,
    ) {
        loop {
            tokio::select! {
                changed = commits.changed() => if changed.is_err() { return },
                () = self.shutdown.triggered() => return,
            }
            let Some(view) = commits.borrow_and_update().clone() else {
                continue;
            };
            let this = Arc::clone(&self);
            let started = Instant::now();
            let done = run_blocking(move || {
                let followed = this.hub.followed_ids();
                let outcome = percolator.percolate(
                    &this.index,
                    &this.registry,
                    &view,
                    &|id| followed.contains(id),
                    &mut |id, sequence| this.hub.notify(id, sequence),
                );
                (percolator, outcome)
            })
            .await;
            let Ok((back, outcome)) = done else {
                return;
            };
            percolator = back;
            match outcome {
                Ok(outcome) => {
                    if outcome.candidates > 0 {
                        tracing::debug!(
                            candidates = outcome.candidates,
                            matched = outcome.matched.len(),
                            recompiled = outcome.recompiled,
                            elapsed_us = started.elapsed().as_micros() as u64,
                            "percolated"
                        );
                    }
                }
                Err(err) => tracing::warn!(error = %err, "percolation failed"),
            }
        }
    }

    /// Takes a stream slot, or says the limit is reached.
    fn stream_slot(self: &Arc<Self>) -> Result<StreamSlot> {
        let open = self.streams.fetch_add(1, Ordering::SeqCst);
        let slot = StreamSlot(Arc::clone(self));
        if open >= self.limits.max_streams {
            return Err(Error::LimitExceeded {
                field: "watch_id",
                message: format!(
                    "{open} watch streams are open, the most this server serves \
                     (--max-watch-streams); close one or retry later"
                ),
            });
        }
        Ok(slot)
    }
}

/// An open stream, counted until dropped.
struct StreamSlot(Arc<Watches>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("watch {}", echo(id)))
}

/// The stand-in for a stored watch whose query no longer reads: it matches
/// nothing.
fn unreadable() -> Compiled {
    Compiled {
        query: Box::new(tantivy::query::EmptyQuery),
        expansions: Vec::new(),
        key: keys::Key::Any(Vec::new()),
        consulted: Default::default(),
    }
}

#[cfg(test)]
mod tests;
