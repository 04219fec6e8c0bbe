//! `dossier-server`: every Dossier service in one process, on embedded
//! defaults (no external server), for a laptop or a single box.

// mimalloc: the services allocate many small strings and buffers on one
// thread and free them on another, where glibc's malloc spent a sixth of
// extraction's time consolidating and unlinking chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dossier_kit::{Shutdown, security, telemetry};
use dossier_server::security::MonolithSecurityArgs;
use dossier_server::{Databases, ListenAddrs, start_with_databases};

/// Runs storage, extraction and search in one process.
#[derive(Debug, Parser)]
#[command(name = "dossier-server", version, about)]
struct Cli {
    /// Where the services keep their data (one subdirectory each).
    #[arg(long, env = "DOSSIER_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,

    /// Address of the storage service (DocumentService).
    #[arg(
        long,
        env = "DOSSIER_STORAGE_LISTEN",
        default_value = "127.0.0.1:50051"
    )]
    storage_listen: String,

    /// Address of the extraction service (ExtractionService).
    #[arg(
        long,
        env = "DOSSIER_EXTRACTION_LISTEN",
        default_value = "127.0.0.1:50052"
    )]
    extraction_listen: String,

    /// Address of the search service (SearchService).
    #[arg(long, env = "DOSSIER_SEARCH_LISTEN", default_value = "127.0.0.1:50053")]
    search_listen: String,

    /// Address of the web console (plain HTTP; pages for analysts).
    #[arg(long, env = "DOSSIER_WEB_LISTEN", default_value = dossier_web::DEFAULT_LISTEN)]
    web_listen: String,

    /// Run without the web console.
    #[arg(long, env = "DOSSIER_NO_WEB")]
    no_web: bool,

    /// Keep documents in PostgreSQL instead of the embedded store, e.g.
    /// postgres://dossier:secret@db:5432/dossier (migrated at start-up).
    #[arg(
        long,
        env = "DOSSIER_DATABASE_URL",
        hide_env_values = true,
        value_parser = dossier_storage::parse_database_url
    )]
    database_url: Option<dossier_storage::DatabaseUrl>,

    /// Keep the entity registry in PostgreSQL instead of the embedded store
    /// (the same database as --database-url or another), e.g.
    /// postgres://dossier:secret@db:5432/dossier; extraction replicas
    /// started with the same --registry-url link against it.
    #[arg(
        long,
        env = "DOSSIER_REGISTRY_URL",
        hide_env_values = true,
        value_parser = dossier_extraction::parse_registry_url
    )]
    registry_url: Option<dossier_extraction::RegistryUrl>,

    #[command(flatten)]
    security: MonolithSecurityArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init_tracing();
    let cli = Cli::parse();
    let installed = cli
        .security
        .load()
        .and_then(|settings| Ok(security::install(settings)?));
    if let Err(err) = installed {
        eprintln!("error: {err:#}");
        return ExitCode::FAILURE;
    }
    let addrs = ListenAddrs {
        storage: cli.storage_listen,
        extraction: cli.extraction_listen,
        search: cli.search_listen,
        web: (!cli.no_web).then_some(cli.web_listen),
    };
    let shutdown = Shutdown::on_signals();
    let system = match start_with_databases(
        &cli.data_dir,
        Databases {
            documents: cli.database_url,
            registry: cli.registry_url,
        },
        &addrs,
        shutdown,
    )
    .await
    {
        Ok(system) => system,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("storage listening on {}", system.storage);
    eprintln!("extraction listening on {}", system.extraction);
    eprintln!("search listening on {}", system.search);
    if let Some(url) = system.web_url() {
        eprintln!("web console on {url}");
    }
    eprintln!("data in {}; Ctrl-C to stop", cli.data_dir.display());
    match system.wait().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
