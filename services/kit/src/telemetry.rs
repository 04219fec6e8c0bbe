//! Structured logs through `tracing`; `RUST_LOG` overrides the default filter.

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is unset: our own crates at info, the
/// chatty libraries at warn.
pub const DEFAULT_FILTER: &str = "warn,dossier=info,tantivy=warn";

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), which tests that start several servers rely on.
pub fn init_tracing() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .with_writer(std::io::stderr)
        .try_init();
}
