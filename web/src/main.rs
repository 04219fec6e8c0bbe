//! `dossier-web`: the web console for analysts, talking gRPC to the three
//! services.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dossier_kit::security::{AuthToken, ClientSecurity, ClientTls};
use dossier_kit::{Shutdown, telemetry};
use dossier_web::{DEFAULT_LISTEN, Upstreams, WebConfig};

/// The environment variable that may hold the token itself (containers),
/// when no token file is given — as for the CLI.
const TOKEN_ENV: &str = "DOSSIER_AUTH_TOKEN";

/// Serves the Dossier web console (search, documents, entities, stories,
/// quotes, status) over the gRPC services.
#[derive(Debug, Parser)]
#[command(name = "dossier-web", version, about)]
struct Cli {
    /// Address to serve the console on.
    #[arg(long, env = "DOSSIER_WEB_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: String,

    /// Address of the storage service.
    #[arg(
        long,
        env = "DOSSIER_STORAGE",
        default_value = "http://127.0.0.1:50051"
    )]
    storage: String,

    /// Address of the extraction service.
    #[arg(
        long,
        env = "DOSSIER_EXTRACTION",
        default_value = "http://127.0.0.1:50052"
    )]
    extraction: String,

    /// Address of the search service.
    #[arg(long, env = "DOSSIER_SEARCH", default_value = "http://127.0.0.1:50053")]
    search: String,

    /// Connect to the services over TLS, trusting the PEM CA certificates in
    /// this file.
    #[arg(long, env = "DOSSIER_TLS_CA", value_name = "FILE")]
    tls_ca: Option<PathBuf>,

    /// Send this file's token to the services on every call (then analysts
    /// are never asked for one). Without it, DOSSIER_AUTH_TOKEN is used when
    /// set; otherwise, when the services need a token, each analyst enters
    /// their own on the console's token page.
    #[arg(long, env = "DOSSIER_AUTH_TOKEN_FILE", value_name = "FILE")]
    auth_token_file: Option<PathBuf>,

    /// Mark the console's cookies Secure (when an HTTPS proxy fronts it).
    #[arg(long, env = "DOSSIER_WEB_SECURE_COOKIES")]
    secure_cookies: bool,
}

impl Cli {
    fn config(&self) -> anyhow::Result<WebConfig> {
        let tls = match &self.tls_ca {
            Some(path) => ClientTls::from_ca_file(path)?,
            None => ClientTls::default(),
        };
        let auth_token = match &self.auth_token_file {
            Some(path) => Some(AuthToken::from_file(path)?),
            None => match std::env::var(TOKEN_ENV) {
                Ok(text) => {
                    Some(AuthToken::parse(&text).map_err(|e| anyhow::anyhow!("{TOKEN_ENV}: {e}"))?)
                }
                Err(_) => None,
            },
        };
        Ok(WebConfig {
            upstreams: Upstreams {
                storage_url: self.storage.clone(),
                extraction_url: self.extraction.clone(),
                search_url: self.search.clone(),
                security: ClientSecurity { tls, auth_token },
            },
            secure_cookies: self.secure_cookies,
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init_tracing();
    let cli = Cli::parse();
    let result = async {
        let config = cli.config()?;
        let listener = dossier_kit::listen::bind(&cli.listen).await?;
        eprintln!("web console on http://{}", listener.local_addr()?);
        dossier_web::serve(config, listener, Shutdown::on_signals()).await
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
