//! The change feed behind WatchChanges: replay the stored log after a
//! sequence, then follow new commits live.
//!
//! The feed always reads changes from the store and uses the writer's
//! `watch` channel only as a wake-up ("the head is now N"). That settles both
//! classic races by construction: a commit that lands between the replay and
//! the live tail is found by the next read (the wake-up is subscribed to
//! before the first read, and `wait_for` checks the current value first), and
//! a slow watcher can never "lag" and lose notifications, because a `watch`
//! keeps only the newest head and the store holds every change. The cursor
//! only moves forward, so nothing is sent twice.

use dossier_kit::Shutdown;
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::model::Change;
use crate::store::Store;

/// Changes read from the store per round trip.
const READ_BATCH: usize = 256;

/// Changes buffered per watcher before the feed waits for the client: the
/// bound on server-side memory per watch stream.
pub const WATCH_BUFFER: usize = 128;

/// Starts a feed of every change after `after_sequence`. The receiver ends
/// with `Err(ShuttingDown)` when the server stops, or an error if the store
/// fails; it never ends on its own otherwise. Dropping it stops the feed.
pub fn watch(
    store: Store,
    after_sequence: u64,
    with_documents: bool,
    shutdown: Shutdown,
) -> mpsc::Receiver<Result<Change>> {
    let (tx, rx) = mpsc::channel(WATCH_BUFFER);
    tokio::spawn(async move {
        let ended = tokio::select! {
            ended = follow(&store, after_sequence, with_documents, &tx) => ended,
            () = shutdown.triggered() => Err(Error::ShuttingDown),
            () = tx.closed() => return,
        };
        if let Err(err) = ended {
            let _ = tx.send(Err(err)).await;
        }
    });
    rx
}

async fn follow(
    store: &Store,
    mut cursor: u64,
    with_documents: bool,
    tx: &mpsc::Sender<Result<Change>>,
) -> Result<()> {
    let mut head = store.subscribe();
    loop {
        let changes = store
            .changes_after(cursor, READ_BATCH, with_documents)
            .await?;
        if changes.is_empty() {
            // Nothing stored after the cursor: sleep until a commit moves the
            // head past it.
            head.wait_for(|&last| last > cursor)
                .await
                .map_err(|_| Error::ShuttingDown)?;
            continue;
        }
        for change in changes {
            cursor = change.sequence;
            if tx.send(Ok(change)).await.is_err() {
                return Ok(());
            }
        }
    }
}
