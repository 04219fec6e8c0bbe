//! The security flags, shared by every server binary so they read alike.

use std::path::PathBuf;

use super::{AuthToken, ClientSecurity, ClientTls, Security, ServerTls, TlsError, TokenError};

/// A security flag whose file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// TLS and authentication of a server.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServerSecurityArgs {
    /// Serve TLS with this PEM certificate chain (needs --tls-key). Without
    /// it the server speaks plaintext: keep it on loopback or a private
    /// network.
    #[arg(
        long,
        env = "DOSSIER_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        env = "DOSSIER_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// Require every RPC to carry `authorization: Bearer <token>` with the
    /// token in this file (surrounding whitespace ignored). Health checks
    /// stay open for load balancers; reflection needs the token too.
    #[arg(long, env = "DOSSIER_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub auth_token_file: Option<PathBuf>,
}

impl ServerSecurityArgs {
    /// Reads the files; upstream connections stay plaintext without a token.
    pub fn load(&self) -> Result<Security, SecurityError> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(ServerTls::from_files(cert, key)?),
            _ => None,
        };
        let auth_token = self
            .auth_token_file
            .as_deref()
            .map(AuthToken::from_file)
            .transpose()?;
        Ok(Security {
            tls,
            auth_token,
            upstream: ClientSecurity::default(),
        })
    }
}

/// How a server that calls other Dossier servers (search) reaches them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct UpstreamSecurityArgs {
    /// Connect to upstream services (storage, extraction) over TLS, trusting
    /// the PEM CA certificates in this file. Without it, https:// upstream
    /// URLs trust the public web PKI and http:// ones are plaintext.
    #[arg(long, env = "DOSSIER_UPSTREAM_TLS_CA", value_name = "FILE")]
    pub upstream_tls_ca: Option<PathBuf>,

    /// Send the bearer token in this file to upstream services. Defaults to
    /// --auth-token-file: one token for the whole deployment.
    #[arg(long, env = "DOSSIER_UPSTREAM_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub upstream_auth_token_file: Option<PathBuf>,
}

impl UpstreamSecurityArgs {
    /// Completes `server` (from [`ServerSecurityArgs::load`]) with the
    /// upstream settings.
    pub fn load_into(&self, mut server: Security) -> Result<Security, SecurityError> {
        let tls = match &self.upstream_tls_ca {
            Some(path) => ClientTls::from_ca_file(path)?,
            None => ClientTls::default(),
        };
        let auth_token = match &self.upstream_auth_token_file {
            Some(path) => Some(AuthToken::from_file(path)?),
            None => server.auth_token.clone(),
        };
        server.upstream = ClientSecurity { tls, auth_token };
        Ok(server)
    }
}
