//! CPU-heavy or fsync-heavy work must not stall the async runtime's threads.

/// Runs `work` on tokio's blocking pool, inside the caller's tracing span.
///
/// A panic inside `work` is returned as an error rather than propagated, so a
/// bug in one request cannot take the server down.
pub async fn run_blocking<F, R>(work: F) -> Result<R, BlockingError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(|err| {
            if err.is_panic() {
                tracing::error!(error = %err, "blocking task panicked");
                BlockingError::Panicked
            } else {
                BlockingError::Cancelled
            }
        })
}

/// A blocking task that did not return a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlockingError {
    #[error("internal error: the worker task panicked")]
    Panicked,
    #[error("the worker task was cancelled because the server is shutting down")]
    Cancelled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn returns_the_value_and_contains_panics() {
        assert_eq!(run_blocking(|| 2 + 2).await, Ok(4));
        let panicked = run_blocking(|| -> u32 { panic!("boom") }).await;
        assert_eq!(panicked, Err(BlockingError::Panicked));
    }
}
