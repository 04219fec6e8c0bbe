//! The client's deadline (the `grpc-timeout` request header), enforced by
//! the handlers themselves.
//!
//! tonic's server applies `grpc-timeout` to the future that produces the
//! response *head* only: a BatchExtract stream outlives it unnoticed, and an
//! Extract that runs past it is answered CANCELLED ("Timeout expired") while
//! its work goes on. The handlers read the deadline here, stop their work
//! when it passes, and answer DEADLINE_EXCEEDED.
//!
//! The deadline counts from the request's arrival, stamped by [`stamp`] (an
//! interceptor, which runs before the body is read and decoded, as tonic's
//! own timer does), so a large request's transfer time counts against it.

use std::future::Future;
use std::time::Duration;

pub use dossier_kit::deadline::{Deadlined, timeout};
use tokio::time::Instant;
use tonic::{Request, Status};

/// How much earlier than the transport's own timer a unary handler answers,
/// so the client gets our DEADLINE_EXCEEDED rather than tonic's CANCELLED
/// ("Timeout expired"): the two timers start microseconds apart and fire on
/// millisecond ticks. At most a quarter of the timeout.
const UNARY_LEAD: Duration = Duration::from_millis(10);

/// When a request arrived, put in its extensions by [`stamp`].
#[derive(Debug, Clone, Copy)]
struct Arrived(Instant);

/// The interceptor that stamps each request with its arrival time.
pub fn stamp(mut request: Request<()>) -> Result<Request<()>, Status> {
    request.extensions_mut().insert(Arrived(Instant::now()));
    Ok(request)
}

/// The request's arrival, or now when it was not stamped.
fn arrival<T>(request: &Request<T>) -> Instant {
    request
        .extensions()
        .get::<Arrived>()
        .map_or_else(Instant::now, |a| a.0)
}

/// The instant a stream handler must stop by.
pub fn stream_deadline<T>(request: &Request<T>) -> Option<Instant> {
    timeout(request.metadata()).map(|t| arrival(request) + t)
}

/// The instant a unary handler answers by: slightly before the transport's
/// own timer (see [`UNARY_LEAD`]).
pub fn unary_deadline<T>(request: &Request<T>) -> Option<Instant> {
    timeout(request.metadata()).map(|t| arrival(request) + t - UNARY_LEAD.min(t / 4))
}

/// Whether `deadline` has passed.
pub fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// The status of a call whose deadline passed.
pub fn exceeded(rpc: &str) -> Status {
    Status::deadline_exceeded(format!(
        "the deadline (grpc-timeout) passed before {rpc} finished; the work was stopped. \
         Allow more time, or send smaller or fewer texts per call"
    ))
}

/// Runs `work` until `deadline`, then gives up with DEADLINE_EXCEEDED.
pub async fn within<T>(
    rpc: &str,
    deadline: Option<Instant>,
    work: impl Future<Output = Result<T, Status>>,
) -> Result<T, Status> {
    let Some(deadline) = deadline else {
        return work.await;
    };
    tokio::time::timeout_at(deadline, work)
        .await
        .unwrap_or_else(|_| Err(exceeded(rpc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_names_the_rpc() {
        let end = exceeded("Test");
        assert_eq!(end.code(), tonic::Code::DeadlineExceeded);
        assert!(end.message().contains("Test"), "{}", end.message());
    }

    #[tokio::test]
    async fn within_gives_up_at_the_deadline() {
        let deadline = Some(Instant::now() + Duration::from_millis(10));
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        };
        let err = within("Extract", deadline, slow).await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::DeadlineExceeded);
        assert_eq!(within("Extract", None, async { Ok(7) }).await.unwrap(), 7);
    }
}
