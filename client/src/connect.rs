//! Channels to the services, with the TLS trust and bearer token the user
//! gave (see `GlobalArgs`).

use std::path::PathBuf;
use std::time::Duration;

use dossier_kit::client::{self, ClientChannel};
use dossier_kit::security::{AuthToken, ClientSecurity, ClientTls, TlsError, TokenError};

/// The environment variable that may hold the token itself (for CI secrets
/// and containers), used when no token file is given. There is no flag for
/// it: a flag's value shows in `ps` and in shell history.
pub const TOKEN_ENV: &str = "DOSSIER_AUTH_TOKEN";

/// A service could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("invalid {service} address {url:?}: {reason}")]
    BadUrl {
        service: &'static str,
        url: String,
        reason: String,
    },
    #[error("cannot reach the {service} service at {url}: {reason}{hint}")]
    Unreachable {
        service: &'static str,
        hint: String,
        url: String,
        reason: String,
    },
}

/// The TLS or token settings cannot be used (a local-file problem).
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    TokenFile(#[from] TokenError),
    #[error("{TOKEN_ENV}: {0}")]
    TokenEnv(dossier_kit::security::ParseError),
}

/// Reads the CA file and the token (file first, then `DOSSIER_AUTH_TOKEN`).
pub fn security(
    tls_ca: Option<&PathBuf>,
    token_file: Option<&PathBuf>,
) -> Result<ClientSecurity, SecurityError> {
    let tls = match tls_ca {
        Some(path) => ClientTls::from_ca_file(path)?,
        None => ClientTls::default(),
    };
    let auth_token = match token_file {
        Some(path) => Some(AuthToken::from_file(path)?),
        None => match std::env::var(TOKEN_ENV) {
            Ok(text) => Some(AuthToken::parse(&text).map_err(SecurityError::TokenEnv)?),
            Err(_) => None,
        },
    };
    Ok(ClientSecurity { tls, auth_token })
}

/// Connects to `url`, failing fast with a message that names the service.
/// A scheme-less address is `http://`, or `https://` once a CA is given.
pub async fn connect(
    service: &'static str,
    url: &str,
    security: &ClientSecurity,
) -> Result<ClientChannel, ConnectError> {
    connect_with(service, url, security, false).await
}

/// As [`connect`], for a command that keeps a stream open for hours
/// (`watch follow`): HTTP/2 pings every [`KEEP_ALIVE`] keep a quiet stream's
/// connection from being dropped by a proxy or NAT, and show a dead one.
pub async fn connect_streaming(
    service: &'static str,
    url: &str,
    security: &ClientSecurity,
) -> Result<ClientChannel, ConnectError> {
    connect_with(service, url, security, true).await
}

/// How often a long-lived connection pings the server.
const KEEP_ALIVE: Duration = Duration::from_secs(30);

async fn connect_with(
    service: &'static str,
    url: &str,
    security: &ClientSecurity,
    keep_alive: bool,
) -> Result<ClientChannel, ConnectError> {
    let mut endpoint = client::endpoint(url, security)
        .map_err(|err| ConnectError::BadUrl {
            service,
            url: url.to_string(),
            reason: err.to_string(),
        })?
        .connect_timeout(Duration::from_secs(5));
    if keep_alive {
        endpoint = endpoint
            .http2_keep_alive_interval(KEEP_ALIVE)
            .keep_alive_timeout(Duration::from_secs(20))
            .keep_alive_while_idle(true);
    }
    let url = endpoint.uri().to_string();
    let channel = endpoint
        .connect()
        .await
        .map_err(|err| ConnectError::Unreachable {
            service,
            hint: hint(service, &source_chain(&err)),
            url,
            reason: source_chain(&err),
        })?;
    Ok(client::with_auth(channel, security))
}

/// What to try next, by what went wrong.
fn hint(service: &str, reason: &str) -> String {
    if reason.contains("CaUsedAsEndEntity") {
        return " (the server presents a CA certificate; it needs a leaf certificate with \
                basicConstraints CA:FALSE)"
            .into();
    }
    if reason.contains("certificate") || reason.contains("Certificate") {
        return " (is --tls-ca / DOSSIER_TLS_CA the CA that signed the server's certificate?)"
            .into();
    }
    match service {
        "storage" | "extraction" | "search" => format!(
            " (is it running? set --{service} or DOSSIER_{})",
            service.to_uppercase()
        ),
        _ => String::new(),
    }
}

fn source_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        // Some errors repeat their source in their own text.
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}
