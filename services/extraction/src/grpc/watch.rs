//! WatchEntityChanges: replays the change log after a sequence, then tails
//! it live. Subscribing before each read means a change committed between
//! the read and the wait is never missed.

use std::sync::Arc;

use dossier_kit::{Shutdown, run_blocking};
use dossier_proto::v1 as pb;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::convert;
use crate::error::ExtractionError;
use crate::pipeline::Extractor;

/// Changes read from the log per query.
const PAGE: usize = 256;

/// Changes buffered for a slow client before reading pauses.
const BUFFER: usize = 64;

pub fn start(
    core: Arc<Extractor>,
    after_sequence: u64,
    shutdown: Shutdown,
) -> ReceiverStream<Result<pb::EntityChange, Status>> {
    let (tx, rx) = mpsc::channel(BUFFER);
    tokio::spawn(tail(core, after_sequence, tx, shutdown));
    ReceiverStream::new(rx)
}

async fn tail(
    core: Arc<Extractor>,
    mut last: u64,
    tx: mpsc::Sender<Result<pb::EntityChange, Status>>,
    shutdown: Shutdown,
) {
    let mut notified = core.registry().subscribe();
    loop {
        notified.borrow_and_update();
        let reader = core.clone();
        let page = run_blocking(move || reader.registry().changes_after(last, PAGE))
            .await
            .map_err(ExtractionError::from)
            .and_then(|r| r.map_err(ExtractionError::from));
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Err(e.into())).await;
                return;
            }
        };
        let full = page.len() == PAGE;
        for change in page {
            last = change.sequence;
            if tx.send(Ok(convert::change(change))).await.is_err() {
                return;
            }
        }
        if full {
            continue;
        }
        tokio::select! {
            changed = notified.changed() => if changed.is_err() { return },
            () = shutdown.triggered() => {
                // UNAVAILABLE tells the client to resume elsewhere from `last`.
                let _ = tx.send(Err(ExtractionError::ShuttingDown.into())).await;
                return;
            }
            () = tx.closed() => return,
        }
    }
}
