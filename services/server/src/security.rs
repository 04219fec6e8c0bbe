//! The monolith's security flags: the servers' own, plus how search inside
//! this process verifies the certificate of its sibling services.

use std::path::PathBuf;

use dossier_kit::security::{ClientSecurity, ClientTls, Security, ServerSecurityArgs};

/// TLS and authentication of all three services.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MonolithSecurityArgs {
    #[command(flatten)]
    pub server: ServerSecurityArgs,

    /// The CA that --tls-cert chains to, which search trusts when it calls
    /// storage and extraction inside this process. Defaults to --tls-cert
    /// itself, which is right for a self-signed certificate.
    #[arg(
        long,
        env = "DOSSIER_TLS_CA",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_ca: Option<PathBuf>,

    /// The name search verifies the certificate against on those internal
    /// calls, when the certificate does not name the listen address (e.g.
    /// it names only the box's public host name).
    #[arg(
        long,
        env = "DOSSIER_TLS_SERVER_NAME",
        value_name = "NAME",
        requires = "tls_cert"
    )]
    pub tls_server_name: Option<String>,
}

impl MonolithSecurityArgs {
    /// Reads the files. Search sends the servers' own token upstream: in one
    /// process there is one token.
    pub fn load(&self) -> anyhow::Result<Security> {
        let mut security = self.server.load()?;
        let mut tls = ClientTls::default();
        if let Some(cert) = &self.server.tls_cert {
            tls = ClientTls::from_ca_file(self.tls_ca.as_ref().unwrap_or(cert))?;
            if let Some(name) = &self.tls_server_name {
                tls = tls.with_server_name(name.clone());
            }
        }
        security.upstream = ClientSecurity {
            tls,
            auth_token: security.auth_token.clone(),
        };
        Ok(security)
    }
}
