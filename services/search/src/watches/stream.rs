//! One StreamWatchMatches: read the matches above the position from the
//! index, send them, sleep until a wake-up (or a periodic re-check), again
//! — until the client leaves, the deadline passes, the watch is deleted
//! (NOT_FOUND) or the server shuts down (UNAVAILABLE: resume elsewhere
//! from the last sequence received).
//!
//! Memory per stream is bounded by one page of matches and the channel to
//! the client: a client that reads slowly only slows its own reads of the
//! index, and one that stops reading holds a task and nothing more. No
//! client is cut off for being slow, since catching up is a read of the
//! index like any other.

use std::sync::Arc;
use std::time::Duration;

use dossier_kit::run_blocking;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::read::read_page;
use super::{Match, Watches};
use crate::error::{Error, Result, echo};
use crate::related::check_id;

/// Matches read from the index at a time.
pub const READ_PAGE: usize = 128;
/// Matches buffered ahead of a slow client.
pub const STREAM_CHANNEL: usize = 64;
/// How often a quiet stream reads the index anyway: a safety net under the
/// percolator's wake-ups (a story merge can make an old query match).
const RECHECK: Duration = Duration::from_secs(30);
/// How long a stream cut short by shutdown waits to hand the client its
/// status before giving up on a client that is not reading.
const STOPPED_SEND_TIMEOUT: Duration = Duration::from_secs(1);

impl Watches {
    /// Starts streaming the matches of watch `id` above `after`; the
    /// receiver ends with an error when the watch is deleted or the server
    /// stops. Dropping it stops the stream.
    pub fn stream(
        self: &Arc<Self>,
        id: String,
        after: u64,
        deadline: Option<Instant>,
    ) -> Result<mpsc::Receiver<Result<Match>>> {
        check_id("watch_id", &id)?;
        if self.compiled(&id).is_none() {
            return Err(Error::NotFound(format!("watch {}", echo(&id))));
        }
        let slot = self.stream_slot()?;
        let (tx, rx) = mpsc::channel(STREAM_CHANNEL);
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let end = this.follow(&id, after, deadline, &tx).await;
            drop(slot);
            if let Some(err) = end {
                let send = tx.send(Err(err));
                let _ = tokio::time::timeout(STOPPED_SEND_TIMEOUT, send).await;
            }
        });
        Ok(rx)
    }

    /// The stream's loop; returns the error that ends it, if any.
    async fn follow(
        self: &Arc<Self>,
        id: &str,
        mut position: u64,
        deadline: Option<Instant>,
        tx: &mpsc::Sender<Result<Match>>,
    ) -> Option<Error> {
        // Before the first read: a match committed after a read wakes us
        // (the percolator wakes only once a commit is visible).
        let mut wake = self.hub.subscribe(id);
        let end = loop {
            if deadline.is_some_and(|d| Instant::now() >= d) || tx.is_closed() {
                break None;
            }
            if self.shutdown.is_triggered() {
                break Some(Error::ShuttingDown);
            }
            let Some(compiled) = self.compiled(id) else {
                break Some(Error::NotFound(format!("watch {} (deleted)", echo(id))));
            };
            // What the read below covers: a wake-up from now on may be for
            // a commit it does not see, and reads again.
            wake.borrow_and_update();
            let (index, watch_id) = (Arc::clone(&self.index), id.to_string());
            let read =
                run_blocking(move || read_page(&index, &watch_id, &compiled, position, READ_PAGE))
                    .await;
            let page = match read.map_err(Error::from).and_then(|r| r) {
                Ok(page) => page,
                Err(err) => break Some(err),
            };
            position = page.position;
            if let Some(end) = self.send_all(page.matches, tx).await {
                break end;
            }
            if page.full {
                continue;
            }
            let until = deadline.unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
            let closed = tokio::select! {
                woke = wake.changed() => woke.is_err(),
                () = tokio::time::sleep(RECHECK) => false,
                () = tokio::time::sleep_until(until) => break None,
                () = self.shutdown.triggered() => break Some(Error::ShuttingDown),
                () = tx.closed() => break None,
            };
            if closed {
                // The watch was deleted (the next turn says so), or its
                // channel was dropped: listen again.
                wake = self.hub.subscribe(id);
            }
        };
        drop(wake);
        self.hub.release(id);
        end
    }

    /// Sends `matches` in order; returns why the stream must end, if so.
    async fn send_all(
        &self,
        matches: Vec<Match>,
        tx: &mpsc::Sender<Result<Match>>,
    ) -> Option<Option<Error>> {
        for found in matches {
            tokio::select! {
                sent = tx.send(Ok(found)) => if sent.is_err() { return Some(None) },
                () = self.shutdown.triggered() => return Some(Some(Error::ShuttingDown)),
            }
        }
        None
    }
}
