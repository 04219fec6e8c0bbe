//! The client's deadline for streaming responses.
//!
//! tonic applies the `grpc-timeout` request header to the future that
//! produces the response head only; once a handler has returned its stream,
//! the stream runs on past the deadline, and on after the client has gone,
//! as long as something reads it. ExportSearch therefore reads the deadline
//! itself: [`Deadlined`] ends the response with DEADLINE_EXCEEDED when it
//! passes (which drops the receiver, which stops the producer), and the
//! producer checks it before each page of work.

use std::time::Duration;

pub use dossier_kit::deadline::{Deadlined, timeout};
use tonic::Status;

/// The status a stream ends with when its deadline passes.
pub fn exceeded(timeout: Duration) -> Status {
    Status::deadline_exceeded(format!(
        "the client's deadline ({} ms after the request) passed before the export finished",
        timeout.as_millis()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_says_how_long_the_client_allowed() {
        let end = exceeded(Duration::from_millis(95));
        assert_eq!(end.code(), tonic::Code::DeadlineExceeded);
        assert!(end.message().contains("95 ms"), "{}", end.message());
    }
}
