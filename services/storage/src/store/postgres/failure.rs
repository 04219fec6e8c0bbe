//! Sorting PostgreSQL failures: which are worth a retry (a lost connection, a
//! serialization failure, the server restarting), and how each reaches the
//! client (UNAVAILABLE naming the database, or a storage failure).

use std::time::Duration;

use deadpool_postgres::PoolError;
use tokio_postgres::error::SqlState;

use crate::error::Error;

/// A failed database call: the error for the client and whether trying the
/// same work again may succeed.
#[derive(Debug)]
pub(super) struct Failure {
    pub error: Error,
    pub retryable: bool,
}

/// Backoff between retries: 50 ms doubling up to 1 s.
pub(super) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(50u64.saturating_mul(1 << attempt.min(5)).min(1000))
}

impl Failure {
    pub(super) fn from_pg(target: &str, err: &tokio_postgres::Error) -> Self {
        let Some(db) = err.as_db_error() else {
            // No server error: the connection failed or closed under us.
            return Self::unavailable(target, &describe(err));
        };
        let code = db.code();
        let message = format!("{} ({})", db.message(), code.code());
        let retry = [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::QUERY_CANCELED,
        ];
        // Class 08: connection exceptions; class 53: insufficient resources
        // (disk full, out of memory); 25006: a read-only (standby) server.
        let unavailable = retry.contains(code)
            || code.code().starts_with("08")
            || code.code().starts_with("53")
            || *code == SqlState::READ_ONLY_SQL_TRANSACTION;
        if unavailable {
            Self::unavailable(target, &message)
        } else {
            Self {
                error: Error::Storage(format!("{target}: {message}")),
                retryable: false,
            }
        }
    }

    pub(super) fn from_pool(target: &str, err: PoolError) -> Self {
        match err {
            PoolError::Backend(err) => Self::from_pg(target, &err),
            PoolError::Closed => Self {
                error: Error::ShuttingDown,
                retryable: false,
            },
            PoolError::Timeout(_) => Self::unavailable(target, "no connection within the timeout"),
            other => Self::unavailable(target, &other.to_string()),
        }
    }

    fn unavailable(target: &str, reason: &str) -> Self {
        Self {
            error: Error::Unavailable(format!("{target} is unavailable: {reason}; retry later")),
            retryable: true,
        }
    }
}

/// The error and its causes on one line: tokio-postgres's own `Display` of a
/// connection failure is only "error connecting to server".
pub(super) fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// Runs `attempt` until it succeeds, fails for good, or `budget` of retrying
/// is spent; then the last failure's error.
pub(super) async fn retrying<T, F, Fut>(budget: Duration, mut attempt: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let started = tokio::time::Instant::now();
    let mut tries = 0;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(failure) if failure.retryable && started.elapsed() < budget => {
                tracing::debug!(error = %failure.error, tries, "retrying a database call");
                tokio::time::sleep(backoff(tries)).await;
                tries += 1;
            }
            Err(failure) => return Err(failure.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(backoff(0), Duration::from_millis(50));
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(10), Duration::from_millis(1000));
    }

    #[tokio::test]
    async fn retrying_stops_on_a_permanent_failure_and_after_the_budget() {
        let mut calls = 0;
        let result: Result<(), Error> = retrying(Duration::from_secs(5), || {
            calls += 1;
            async {
                Err(Failure {
                    error: Error::Storage("bad".into()),
                    retryable: false,
                })
            }
        })
        .await;
        assert!(matches!(result, Err(Error::Storage(_))));
        assert_eq!(calls, 1);

        let mut calls = 0;
        let result: Result<(), Error> = retrying(Duration::from_millis(120), || {
            calls += 1;
            async { Err(Failure::unavailable("db x", "down")) }
        })
        .await;
        let err = result.unwrap_err();
        assert!(
            err.to_string().contains("db x is unavailable: down"),
            "{err}"
        );
        assert!(calls >= 2, "retried {calls} times");
    }
}
