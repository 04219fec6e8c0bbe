//! ImportDocuments: a pipelined, flow-controlled bulk import.
//!
//! One task per stream reads requests, validates them and queues them to the
//! group committer in request order, keeping up to `window` documents in
//! flight; a `FuturesOrdered` hands back their durable results in that same
//! order, so responses go out in request order and each only after its commit.
//! With the window full the task stops reading, and HTTP/2 flow control slows
//! the client: nothing is buffered without bound.

use std::future::Future;
use std::pin::Pin;

use dossier_kit::Shutdown;
use dossier_kit::deadline::{self, Deadlined};
use dossier_proto::v1 as pb;
use futures::StreamExt;
use futures::stream::FuturesOrdered;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};

use super::status::violation_code;
use super::{convert, document_fields, message_limit};
use crate::error::Error;
use crate::service::Documents;

/// Responses buffered for a slow reader before the pipeline waits for it.
const RESPONSE_BUFFER: usize = 256;

type Pending = Pin<Box<dyn Future<Output = Result<pb::ImportDocumentsResponse, Status>> + Send>>;

/// Starts the pipeline of one import stream and returns its responses,
/// which end with DEADLINE_EXCEEDED at `deadline` (the client's).
pub fn start(
    documents: Documents,
    requests: Streaming<pb::ImportDocumentsRequest>,
    window: usize,
    shutdown: Shutdown,
    deadline: Option<Instant>,
) -> Deadlined<ReceiverStream<Result<pb::ImportDocumentsResponse, Status>>> {
    let (tx, rx) = mpsc::channel(RESPONSE_BUFFER);
    tokio::spawn(run(
        documents,
        requests,
        window.max(1),
        shutdown,
        deadline,
        tx,
    ));
    Deadlined::new(ReceiverStream::new(rx), deadline, deadline_exceeded())
}

/// The status of an import cut short by the client's deadline.
fn deadline_exceeded() -> Status {
    deadline::exceeded_with(
        "ImportDocuments",
        "no more documents were read; acknowledged documents are durable: resend the \
         others with the same request_ids (none is stored twice), or allow more time",
    )
}

async fn run(
    documents: Documents,
    mut requests: Streaming<pb::ImportDocumentsRequest>,
    window: usize,
    shutdown: Shutdown,
    deadline: Option<Instant>,
    tx: mpsc::Sender<Result<pb::ImportDocumentsResponse, Status>>,
) {
    let mut in_flight: FuturesOrdered<Pending> = FuturesOrdered::new();
    let mut reading = true;
    // Sent after every in-flight document has been answered.
    let mut ending: Option<Status> = None;
    let expired = async {
        match deadline {
            Some(d) => sleep_until(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expired);
    loop {
        tokio::select! {
            biased;
            Some(done) = in_flight.next(), if !in_flight.is_empty() => {
                let failed = done.is_err();
                if tx.send(done).await.is_err() || failed {
                    // The client is gone, or the store failed: nothing more
                    // can be acknowledged. Queued writes still commit whole.
                    return;
                }
            }
            () = shutdown.triggered(), if reading => {
                reading = false;
                ending = Some(Error::ShuttingDown.into());
            }
            // Past the client's deadline nobody waits for more: stop reading
            // (what is queued still commits whole).
            () = &mut expired, if reading => {
                reading = false;
                ending = Some(deadline_exceeded());
            }
            next = requests.message(), if reading && in_flight.len() < window => match next {
                Ok(Some(request)) => match submit(&documents, request).await {
                    Ok(pending) => in_flight.push_back(pending),
                    Err(status) => {
                        reading = false;
                        ending = Some(status);
                    }
                },
                Ok(None) => reading = false,
                Err(status) => {
                    reading = false;
                    ending = Some(message_limit(documents.limits()).from_transport(status));
                }
            },
            else => break,
        }
    }
    if let Some(status) = ending {
        let _ = tx.send(Err(status)).await;
    }
}

/// Validates one request and queues it to the writer; the returned future
/// resolves to its response once the document is durable. A rejected
/// document resolves at once. `Err` means the stream cannot go on.
async fn submit(
    documents: &Documents,
    request: pb::ImportDocumentsRequest,
) -> Result<Pending, Status> {
    let pb::ImportDocumentsRequest {
        document,
        request_id,
    } = request;
    let prepared = match document_fields(document.as_ref(), documents.limits()) {
        Ok(fields) => documents.prepare(fields, &request_id).await,
        Err(err) => Err(err),
    };
    let (new, key) = match prepared {
        Ok(prepared) => prepared,
        Err(Error::Invalid(violation)) => {
            let rejected = pb::ImportDocumentsResponse {
                request_id,
                outcome: pb::ImportOutcome::Rejected.into(),
                code: violation_code(violation.kind) as i32,
                reason: violation.message,
                ..Default::default()
            };
            return Ok(Box::pin(std::future::ready(Ok(rejected))));
        }
        Err(other) => return Err(other.into()),
    };
    let text_empty = new.article.text_empty;
    let durable = documents.enqueue(new, key).await?;
    Ok(Box::pin(async move {
        Ok(convert::import_result(
            request_id,
            durable.await?,
            text_empty,
        ))
    }))
}
