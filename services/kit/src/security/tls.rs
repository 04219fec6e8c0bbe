//! TLS material, read once at start so a bad file fails the start with its
//! name rather than the first handshake.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tonic::transport::{Certificate, ClientTlsConfig, Identity, Server, ServerTlsConfig};

/// A client that opens a TCP connection but never finishes the handshake
/// must not hold a connection slot for long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS files that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {what} {}: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot use the certificate {} with the key {}: {reason}", cert.display(), key.display())]
    BadIdentity {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
    #[error("{} holds no PEM certificate", path.display())]
    NotPem { path: PathBuf },
}

/// The certificate chain and private key a server presents.
#[derive(Clone)]
pub struct ServerTls {
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
}

impl ServerTls {
    /// Reads and checks a PEM certificate chain and its PEM private key.
    pub fn from_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let tls = Self {
            cert_pem: read("the TLS certificate", cert)?,
            key_pem: read("the TLS key", key)?,
        };
        // Building the acceptor parses both and checks they belong together.
        Server::builder()
            .tls_config(tls.config())
            .map_err(|err| TlsError::BadIdentity {
                cert: cert.to_owned(),
                key: key.to_owned(),
                reason: source_chain(&err),
            })?;
        Ok(tls)
    }

    /// From PEM text already in memory (tests, generated certificates).
    pub fn from_pem(cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        Self {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
        }
    }

    /// The certificate chain, which is also the trust root a client needs
    /// when the certificate is self-signed.
    pub fn cert_pem(&self) -> &[u8] {
        &self.cert_pem
    }

    pub(crate) fn config(&self) -> ServerTlsConfig {
        ServerTlsConfig::new()
            .identity(Identity::from_pem(&self.cert_pem, &self.key_pem))
            .timeout(HANDSHAKE_TIMEOUT)
    }
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTls")
            .field("cert_pem_bytes", &self.cert_pem.len())
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// What a client trusts: the CA certificates it was given, or the public
/// web PKI when none were.
#[derive(Clone, Default)]
pub struct ClientTls {
    ca_pem: Option<Vec<u8>>,
    server_name: Option<String>,
}

impl ClientTls {
    /// Trusts only the PEM certificates in `path`.
    pub fn from_ca_file(path: &Path) -> Result<Self, TlsError> {
        let ca_pem = read("the TLS CA certificate", path)?;
        if !String::from_utf8_lossy(&ca_pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(TlsError::NotPem {
                path: path.to_owned(),
            });
        }
        Ok(Self::from_ca_pem(ca_pem))
    }

    pub fn from_ca_pem(ca_pem: impl Into<Vec<u8>>) -> Self {
        Self {
            ca_pem: Some(ca_pem.into()),
            server_name: None,
        }
    }

    /// Verifies the server's certificate against `name` instead of the host
    /// in the URL (a server reached through 127.0.0.1 whose certificate
    /// names only its public host name).
    pub fn with_server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Whether a CA was configured: then every connection uses TLS.
    pub fn has_ca(&self) -> bool {
        self.ca_pem.is_some()
    }

    pub(crate) fn config(&self) -> ClientTlsConfig {
        let config = match &self.ca_pem {
            Some(pem) => ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)),
            None => ClientTlsConfig::new().with_webpki_roots(),
        };
        match &self.server_name {
            Some(name) => config.domain_name(name.clone()),
            None => config,
        }
    }
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTls")
            .field("ca", &self.ca_pem.as_ref().map(|_| "<pem>"))
            .field("server_name", &self.server_name)
            .finish()
    }
}

fn read(what: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })
}

fn source_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
