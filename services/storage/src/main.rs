//! `dossier-storage`: the storage service as its own process.

// mimalloc: the services allocate many small strings and buffers on one
// thread and free them on another, where glibc's malloc spent a sixth of
// extraction's time consolidating and unlinking chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use dossier_kit::security::{self, ServerSecurityArgs};
use dossier_kit::{Shutdown, listen, telemetry};
use dossier_storage::StorageArgs;

#[derive(Debug, Parser)]
#[command(
    name = "dossier-storage",
    version,
    about = "Dossier storage service: documents and their change feed"
)]
struct Cli {
    /// Address to serve gRPC on.
    #[arg(long, env = "DOSSIER_LISTEN", default_value = "127.0.0.1:50051")]
    listen: String,

    #[command(flatten)]
    storage: StorageArgs,

    #[command(flatten)]
    security: ServerSecurityArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init_tracing();
    security::install(cli.security.load()?)?;
    let listener = listen::bind(&cli.listen).await?;
    eprintln!("storage listening on {}", listener.local_addr()?);
    let shutdown = Shutdown::on_signals();
    dossier_storage::serve(cli.storage.into_config(), listener, shutdown).await
}
