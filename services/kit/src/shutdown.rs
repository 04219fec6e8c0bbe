//! Graceful shutdown: one token that every server, stream and background task
//! of a process watches.

use tokio_util::sync::CancellationToken;

/// A cloneable shutdown signal. Cancelling it starts a graceful shutdown of
/// everything holding a clone.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// A token that is cancelled on the first SIGTERM or Ctrl-C. A second
    /// signal exits the process at once (exit code 130), for an operator who
    /// does not want to wait for in-flight work.
    ///
    /// The handlers are registered before this returns, so a signal that
    /// arrives right after start-up (a supervisor, a test) is never met by
    /// the default action, which would kill the process without draining.
    pub fn on_signals() -> Self {
        let shutdown = Self::new();
        let trigger = shutdown.clone();
        let mut signals = Signals::register();
        tokio::spawn(async move {
            signals.next().await;
            tracing::info!("shutdown requested, finishing in-flight work (signal again to force)");
            trigger.trigger();
            signals.next().await;
            tracing::warn!("second signal, exiting now");
            std::process::exit(130);
        });
        shutdown
    }

    /// A signal that triggers with this one but can also trigger alone: a
    /// service in a shared process (monolithic mode) stops its own streams
    /// and tasks when its server fails, without stopping its neighbours.
    pub fn child(&self) -> Self {
        Self {
            token: self.token.child_token(),
        }
    }

    /// Starts the shutdown.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once the shutdown has started.
    pub async fn triggered(&self) {
        self.token.cancelled().await;
    }

    /// The underlying token, for `select!` in streams and tasks.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

/// SIGTERM and SIGINT (Ctrl-C), registered with the OS at creation.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn register() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let watch = |kind: SignalKind, name: &str| {
            signal(kind)
                .map_err(|err| tracing::warn!(error = %err, "cannot watch {name}"))
                .ok()
        };
        Self {
            term: watch(SignalKind::terminate(), "SIGTERM"),
            interrupt: watch(SignalKind::interrupt(), "SIGINT"),
        }
    }

    #[cfg(not(unix))]
    fn register() -> Self {
        Self {}
    }

    /// Resolves on the next signal.
    #[cfg(unix)]
    async fn next(&mut self) {
        async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            _ = recv(&mut self.term) => {}
            _ = recv(&mut self.interrupt) => {}
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_follows_its_parent_but_not_the_other_way() {
        let parent = Shutdown::new();
        let child = parent.child();
        child.trigger();
        assert!(child.is_triggered() && !parent.is_triggered());
        let other = parent.child();
        parent.trigger();
        assert!(other.is_triggered());
    }
}
