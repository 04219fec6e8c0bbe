//! BatchExtract: a bidirectional stream with one response per request, in
//! request order.
//!
//! Three stages connected by bounded channels:
//! 1. the reader takes requests off the wire and starts their analysis
//!    (tokenize, tag, rules) on the rayon pool, at most `read_ahead`
//!    ahead of the writer, with at most one analysis per core at a time;
//! 2. the writer awaits analyses in request order, and links each run of
//!    consecutive finished ones in one registry commit (one fsync);
//! 3. responses go out through a bounded channel, so a slow client slows
//!    the reader down instead of growing a buffer.
//!
//! A bad request ends the stream with its status after the responses to
//! every earlier request, because the response message has no error field.
//!
//! The stages stop as soon as nobody can use their work: when the client's
//! deadline passes (the stream then ends with DEADLINE_EXCEEDED, see
//! `deadline`) or the response stream is dropped (the client went away).
//! Analyses not yet started are skipped; one already running finishes its
//! text, which --max-text-bytes bounds.
//!
//! Analyses run on the rayon pool (one thread per core), not tokio's
//! blocking pool: each thread that allocates keeps its own allocator heap
//! and tagger word cache, and the blocking pool grew to dozens of threads
//! whose heaps each held pages of analyses freed by the linking thread —
//! at 30,000 articles extraction's resident memory was three times its
//! live heap (issue 19).

use std::future::Future;
use std::sync::Arc;

use dossier_kit::deadline::{self, Deadlined};
use dossier_kit::{MessageLimit, Shutdown, run_blocking};
use dossier_proto::v1 as pb;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};

use super::cpu::run_on_cpu_pool;
use super::{DEADLINE_ADVICE, convert};
use crate::error::ExtractionError;
use crate::pipeline::{Analysis, Extractor};

/// Most analyses linked in one registry commit.
const MAX_LINK_BATCH: usize = 64;

/// Responses buffered for a slow client before the writer waits.
const OUTPUT_BUFFER: usize = 16;

type Analysed = Result<Analysis, Status>;
type Pending = oneshot::Receiver<Analysed>;
type Output = mpsc::Sender<Result<pb::ExtractResponse, Status>>;

/// The response stream of one BatchExtract call.
pub type Responses = Deadlined<ReceiverStream<Result<pb::ExtractResponse, Status>>>;

/// Starts the stages and returns the response stream, which ends with
/// DEADLINE_EXCEEDED at `deadline`.
pub fn start(
    core: Arc<Extractor>,
    inbound: Streaming<pb::ExtractRequest>,
    read_ahead: usize,
    cpu: Arc<Semaphore>,
    shutdown: Shutdown,
    deadline: Option<Instant>,
    limit: MessageLimit,
) -> Responses {
    let (pending_tx, pending_rx) = mpsc::channel(read_ahead.max(1));
    let (out_tx, out_rx) = mpsc::channel(OUTPUT_BUFFER);
    let watch = out_tx.clone();
    let stages = async move {
        tokio::join!(
            read(core.clone(), inbound, pending_tx, cpu, shutdown, limit),
            write(core, pending_rx, out_tx),
        );
    };
    tokio::spawn(supervise(stages, watch, deadline));
    Deadlined::new(
        ReceiverStream::new(out_rx),
        deadline,
        deadline::exceeded_with("BatchExtract", DEADLINE_ADVICE),
    )
}

/// Runs the stages until they finish, the response stream is dropped, or
/// the deadline passes; in the last two cases dropping them stops reading,
/// and every analysis not yet started sees its result is unwanted.
async fn supervise(stages: impl Future<Output = ()>, watch: Output, deadline: Option<Instant>) {
    let expired = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = stages => {}
        () = watch.closed() => tracing::debug!("BatchExtract client went away; stopping"),
        () = expired => tracing::debug!("BatchExtract deadline passed; stopping"),
    }
}

/// A pending item that is already decided (an error).
fn ready(result: Analysed) -> Pending {
    let (tx, rx) = oneshot::channel();
    let _ = tx.send(result);
    rx
}

async fn read(
    core: Arc<Extractor>,
    mut inbound: Streaming<pb::ExtractRequest>,
    pending: mpsc::Sender<Pending>,
    cpu: Arc<Semaphore>,
    shutdown: Shutdown,
    limit: MessageLimit,
) {
    loop {
        let message = tokio::select! {
            m = inbound.message() => m,
            () = shutdown.triggered() => {
                let _ = pending.send(ready(Err(ExtractionError::ShuttingDown.into()))).await;
                return;
            }
        };
        let request = match message {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let status = limit.from_transport(status);
                let _ = pending.send(ready(Err(status))).await;
                return;
            }
        };
        let request = convert::extract_request(request).and_then(|r| {
            core.validate(&r)?;
            Ok(r)
        });
        let request = match request {
            Ok(r) => r,
            Err(e) => {
                // Nothing after a bad request is answered; stop reading.
                let _ = pending.send(ready(Err(e.into()))).await;
                return;
            }
        };
        let (mut tx, rx) = oneshot::channel();
        let core = core.clone();
        let cpu = cpu.clone();
        tokio::spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail. A
            // result nobody waits for any more (deadline, client gone) is
            // not worth a core.
            let _permit = tokio::select! {
                permit = cpu.acquire_owned() => permit,
                () = tx.closed() => return,
            };
            let result = run_on_cpu_pool(move || core.analyze_on_one_core(request)).await;
            let result = result
                .map_err(ExtractionError::from)
                .and_then(|r| r)
                .map_err(Status::from);
            let _ = tx.send(result);
        });
        if pending.send(rx).await.is_err() {
            return; // the writer stopped
        }
    }
}

async fn write(core: Arc<Extractor>, mut pending: mpsc::Receiver<Pending>, out: Output) {
    let mut held: Option<Pending> = None;
    loop {
        let next = match held.take() {
            Some(p) => p,
            None => match pending.recv().await {
                Some(p) => p,
                None => return,
            },
        };
        let first = next
            .await
            .unwrap_or_else(|_| Err(ExtractionError::Internal.into()));
        let mut batch = match first {
            Ok(a) => vec![a],
            Err(status) => {
                let _ = out.send(Err(status)).await;
                return;
            }
        };
        let mut failure = None;
        while batch.len() < MAX_LINK_BATCH && failure.is_none() {
            let Ok(mut p) = pending.try_recv() else { break };
            match p.try_recv() {
                Ok(Ok(a)) => batch.push(a),
                Ok(Err(status)) => failure = Some(status),
                Err(oneshot::error::TryRecvError::Empty) => {
                    held = Some(p);
                    break;
                }
                Err(oneshot::error::TryRecvError::Closed) => {
                    failure = Some(ExtractionError::Internal.into());
                }
            }
        }
        let linker = core.clone();
        let linked = run_blocking(move || linker.link_batch(batch))
            .await
            .map_err(ExtractionError::from)
            .and_then(|r| r);
        let responses = match linked {
            Ok(r) => r,
            Err(e) => {
                let _ = out.send(Err(e.into())).await;
                return;
            }
        };
        for r in responses {
            if out.send(Ok(convert::extract_response(r))).await.is_err() {
                return; // the client went away
            }
        }
        if let Some(status) = failure {
            let _ = out.send(Err(status)).await;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    /// Sets its flag when dropped: shows the stages were stopped.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn endless_stages() -> (impl Future<Output = ()>, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(false));
        let guard = Dropped(flag.clone());
        let stages = async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        };
        (stages, flag)
    }

    #[tokio::test]
    async fn the_stages_stop_when_the_response_stream_is_dropped() {
        let (stages, stopped) = endless_stages();
        let (tx, rx) = mpsc::channel(1);
        let supervisor = tokio::spawn(supervise(stages, tx, None));
        drop(rx);
        tokio::time::timeout(Duration::from_secs(10), supervisor)
            .await
            .expect("the supervisor notices the client went away")
            .unwrap();
        assert!(stopped.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn the_stages_stop_when_the_deadline_passes() {
        let (stages, stopped) = endless_stages();
        let (tx, _rx) = mpsc::channel(1);
        let deadline = Instant::now() + Duration::from_millis(20);
        tokio::time::timeout(
            Duration::from_secs(10),
            supervise(stages, tx, Some(deadline)),
        )
        .await
        .expect("the supervisor stops at the deadline");
        assert!(stopped.load(Ordering::SeqCst));
    }
}
