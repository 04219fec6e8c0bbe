//! `dossier-search`: the search service as its own process.

// mimalloc: the services allocate many small strings and buffers on one
// thread and free them on another, where glibc's malloc spent a sixth of
// extraction's time consolidating and unlinking chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use dossier_kit::security::{self, ServerSecurityArgs, UpstreamSecurityArgs};
use dossier_kit::{Shutdown, listen, telemetry};
use dossier_search::{SearchArgs, serve};

#[derive(Debug, Parser)]
#[command(name = "dossier-search", version, about = "Dossier search service")]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "DOSSIER_LISTEN", default_value = "127.0.0.1:50053")]
    listen: String,

    #[command(flatten)]
    search: SearchArgs,

    #[command(flatten)]
    security: ServerSecurityArgs,

    #[command(flatten)]
    upstream: UpstreamSecurityArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init_tracing();
    let cli = Cli::parse();
    security::install(cli.upstream.load_into(cli.security.load()?)?)?;
    let listener = listen::bind(&cli.listen).await?;
    eprintln!("search listening on {}", listener.local_addr()?);
    serve(cli.search.into_config(), listener, Shutdown::on_signals()).await
}
