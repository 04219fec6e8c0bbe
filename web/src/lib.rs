//! `dossier-web`: the analysts' console. Server-rendered HTML pages (maud)
//! served by axum, over the same gRPC APIs the CLI uses; a little plain
//! JavaScript for progressive enhancement, embedded in the binary with the
//! stylesheet. Every page has a stable URL and works without script.
//!
//! The library builds the router ([`router`]) and serves it on a bound
//! listener ([`serve`]), so the `dossier-web` binary, `dossier-server`'s
//! monolithic mode and the tests run the same code.
//!
//! Layout: `grpc` (channels, token per call), `context` (per-request state,
//! response and timing), `session` (cookies), `error` (gRPC code → HTTP
//! status and error page), `html` (frame and helpers), `svg` (charts),
//! `pages/*` (one module per page), `routes` (URL map and security headers),
//! `assets` (embedded CSS/JS).

mod assets;
pub mod context;
pub mod error;
pub mod grpc;
pub mod html;
pub mod pages;
mod routes;
pub mod session;
pub mod svg;

use std::sync::Arc;

use dossier_kit::Shutdown;
use tokio::net::TcpListener;

pub use grpc::Upstreams;
pub use routes::CONTENT_SECURITY_POLICY;

/// The standard address: the console is for people on this machine unless
/// an operator chooses to publish it.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What the console needs to run.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub upstreams: Upstreams,
    /// Mark cookies `Secure` (set when a TLS proxy fronts the console).
    pub secure_cookies: bool,
}

/// The console's routes, ready to serve or to nest into another router.
pub fn router(config: &WebConfig) -> anyhow::Result<axum::Router> {
    let services = grpc::Services::connect_lazy(&config.upstreams)?;
    let state = Arc::new(context::AppState {
        services,
        secure_cookies: config.secure_cookies,
    });
    Ok(routes::router(state))
}

/// Serves the console on `listener` until `shutdown` fires, then finishes
/// the requests in flight.
pub async fn serve(
    config: WebConfig,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let app = router(&config)?;
    tracing::info!(addr = ?listener.local_addr().ok(), "web console listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.triggered().await })
        .await?;
    Ok(())
}
