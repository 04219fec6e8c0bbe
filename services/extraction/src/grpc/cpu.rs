//! CPU-only work for one request, run on the rayon pool and awaited.
//!
//! Extract's analysis spreads a long text over the rayon pool anyway. Sent
//! there directly, the request costs one thread hand-off each way; through
//! `spawn_blocking` it cost two more (a blocking-pool thread that only sat
//! waiting for rayon, once for the analysis and once for the linking), each
//! a futex wake-up and a context switch: on two cores, a sizeable share of a
//! sub-millisecond call. Only work that never waits for I/O belongs here:
//! a rayon worker blocked on a disk would stall every Extract behind it.

use std::panic::AssertUnwindSafe;

use dossier_kit::blocking::BlockingError;

/// Runs `work` on the rayon pool and returns its result. A panic in
/// `work` is caught (rayon would abort the process) and reported like a
/// panicked blocking task.
pub async fn run_on_cpu_pool<F, R>(work: F) -> Result<R, BlockingError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let span = tracing::Span::current();
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| span.in_scope(work)));
        // The caller may have gone (deadline, cancelled call): nothing to do.
        let _ = tx.send(result);
    });
    match rx.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => {
            tracing::error!("CPU pool task panicked");
            Err(BlockingError::Panicked)
        }
        Err(_) => Err(BlockingError::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn returns_the_value_and_survives_a_panic() {
        assert_eq!(run_on_cpu_pool(|| 6 * 7).await, Ok(42));
        let panicked = run_on_cpu_pool(|| -> u32 { panic!("test panic") }).await;
        assert_eq!(panicked, Err(BlockingError::Panicked));
        assert_eq!(run_on_cpu_pool(|| 1).await, Ok(1));
    }
}
