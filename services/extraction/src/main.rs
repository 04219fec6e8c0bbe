//! `dossier-extraction`: with no subcommand it serves
//! `dossier.v1.ExtractionService`; `train` and `eval` work on the model,
//! `annotate` runs the pipeline over JSON-lines articles for benchmarks
//! (`dossier_extraction::tooling`; the throughput bench is
//! `dossier-extraction-bench` in the bench crate). This file only parses
//! flags and dispatches.

// mimalloc: the services allocate many small strings and buffers on one
// thread and free them on another, where glibc's malloc spent a sixth of
// extraction's time consolidating and unlinking chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dossier_extraction::{ExtractionArgs, tooling};
use dossier_kit::Shutdown;
use dossier_kit::security::{self, ServerSecurityArgs};

#[derive(Parser)]
#[command(
    name = "dossier-extraction",
    version,
    about = "Dossier named-entity extraction and entity linking",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to serve gRPC on.
    #[arg(long, env = "DOSSIER_LISTEN", default_value = "127.0.0.1:50052")]
    listen: String,
    #[command(flatten)]
    extraction: ExtractionArgs,
    #[command(flatten)]
    security: ServerSecurityArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Train the name tagger on CoNLL-2003 data.
    Train(tooling::TrainArgs),
    /// Score a model on CoNLL data (conlleval semantics) and report tokens/s.
    Eval(tooling::EvalArgs),
    /// Extract mentions from JSON-lines articles (the full pipeline) and
    /// write them as JSON lines; --passes N also reports tokens/s.
    Annotate(tooling::AnnotateArgs),
    /// Score quote attribution on annotated sets (testdata/quotes).
    Quotes(tooling::QuotesArgs),
    /// Score name screening (MatchNames) on the screening set
    /// (testdata/screening): precision, recall, the curve, speed.
    Screen(tooling::ScreenArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Train(a)) => tooling::run_train(a),
        Some(Command::Eval(a)) => tooling::run_eval(a),
        Some(Command::Annotate(a)) => tooling::run_annotate(a),
        Some(Command::Quotes(a)) => tooling::run_quotes(a),
        Some(Command::Screen(a)) => tooling::run_screen(a),
        None => serve(cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    dossier_kit::telemetry::init_tracing();
    security::install(args.security.load()?)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = dossier_kit::listen::bind(&args.listen).await?;
        eprintln!("extraction listening on {}", listener.local_addr()?);
        let shutdown = Shutdown::on_signals();
        dossier_extraction::serve(args.extraction.into_config(), listener, shutdown).await
    })
}
