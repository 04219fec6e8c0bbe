//! Optional TLS and bearer-token authentication for every Dossier server
//! and for the clients a server opens to its upstreams.
//!
//! # Why a process-wide setting
//!
//! Each service builds its [`ServerHost`](crate::ServerHost) inside its own
//! `serve(config, listener, shutdown)`, and search builds its upstream
//! channels there too. Threading security through every service's config
//! would change three crates' public surface for what is really a property
//! of the process (one certificate, one token per deployment, even in
//! monolithic mode). So `main` reads the flags once and calls [`install`];
//! `ServerHost` and [`crate::client::lazy_channel`] read [`installed`], which
//! is "no TLS, no auth" until something is installed. Tests that need
//! different settings per server in one process use
//! [`ServerHost::with_security`](crate::ServerHost::with_security) instead.

pub mod args;
mod tls;
mod token;

use std::sync::OnceLock;

pub use args::{SecurityError, ServerSecurityArgs, UpstreamSecurityArgs};
pub use tls::{ClientTls, ServerTls, TlsError};
pub use token::{AuthToken, ParseError, TokenError};

/// How a server accepts connections and how this process's own clients
/// connect to other Dossier servers. `Default` is plaintext without auth.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// The certificate servers present; plaintext when `None`.
    pub tls: Option<ServerTls>,
    /// The token every RPC except health checks must carry; open when `None`.
    pub auth_token: Option<AuthToken>,
    /// How clients opened by this process (search's upstreams) connect.
    pub upstream: ClientSecurity,
}

/// How a client reaches a Dossier server.
#[derive(Debug, Clone, Default)]
pub struct ClientSecurity {
    /// Trust roots; a configured CA makes every connection TLS.
    pub tls: ClientTls,
    /// Sent as `authorization: Bearer <token>` on every call.
    pub auth_token: Option<AuthToken>,
}

static INSTALLED: OnceLock<Security> = OnceLock::new();

/// Sets the process's security once, before any server starts. A second
/// call is refused, so a setting cannot change under a running server.
pub fn install(security: Security) -> Result<(), AlreadyInstalled> {
    INSTALLED.set(security).map_err(|_| AlreadyInstalled)
}

/// [`install`] was called twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the process's security settings were already installed")]
pub struct AlreadyInstalled;

/// The installed security, or plaintext without auth when none was.
pub fn installed() -> Security {
    INSTALLED.get().cloned().unwrap_or_default()
}
