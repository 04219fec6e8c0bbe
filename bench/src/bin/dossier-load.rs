//! `dossier-load`: N concurrent clients mixing imports, Extract calls,
//! searches and document reads against the three services for a bounded
//! time; reports throughput and p50/p99 per RPC, errors by gRPC code and
//! each service's peak RSS.
//!
//! ```text
//! cargo build --release -p dossier-bench --bins -p dossier-storage -p dossier-extraction -p dossier-search
//! target/release/dossier-load --clients 64 --seconds 30
//! target/release/dossier-load --storage http://127.0.0.1:50051 \
//!     --extraction http://127.0.0.1:50052 --search http://127.0.0.1:50053
//! ```
//!
//! Without URLs it starts the real binaries (found beside this one) on
//! 127.0.0.1 port 0 in a temporary directory, stores `--seed-docs` articles
//! and waits until they are indexed, so searches and reads hit real data.
//! It only ever sends traffic to loopback addresses, and stops by itself
//! after `--seconds` or `--max-calls`, whichever comes first.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use clap::Parser;
use dossier_bench::corpus::Corpus;
use dossier_bench::load::{self, LoadConfig, Rpc, Targets};
use dossier_bench::machine::Machine;
use dossier_bench::procs::Cluster;
use dossier_bench::queries::top_people;
use dossier_bench::report::Report;
use dossier_bench::stats::thousands;
use dossier_bench::{indexing, ingest, net};

#[derive(Debug, Parser)]
#[command(about = "Mixed concurrent load on the Dossier services, bounded in time and calls")]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// How long to run.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Most calls in total (the second bound besides time).
    #[arg(long, default_value_t = 5_000_000)]
    max_calls: u64,
    /// Deadline of each call, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    deadline_ms: u64,
    /// Articles stored (and indexed) before the load starts, when this
    /// command starts the services itself.
    #[arg(long, default_value_t = 5_000)]
    seed_docs: u64,
    /// Documents per ImportDocuments call.
    #[arg(long, default_value_t = 8)]
    import_batch: usize,
    /// Relative weights of Search, Extract, ImportDocuments and GetDocument calls.
    #[arg(long, value_delimiter = ',', num_args = 4, default_values_t = [40, 20, 10, 30])]
    mix: Vec<u32>,
    /// Seed of the corpus and of each client's draws.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A running storage service (loopback only); with --extraction and --search.
    #[arg(long, requires_all = ["extraction", "search"])]
    storage: Option<String>,
    #[arg(long, requires_all = ["storage", "search"])]
    extraction: Option<String>,
    #[arg(long, requires_all = ["storage", "extraction"])]
    search: Option<String>,
    /// Directory of the service binaries (default: beside this one).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let Ok(mix) = <[u32; 4]>::try_from(args.mix.clone()) else {
        bail!("--mix takes four weights: search,extract,import,get");
    };
    let machine = Machine::detect();
    let corpus = Arc::new(Corpus::new(args.seed));

    let (cluster, urls) = match (&args.storage, &args.extraction, &args.search) {
        (Some(s), Some(e), Some(q)) => (None, [s.clone(), e.clone(), q.clone()]),
        _ => {
            eprintln!("starting the services");
            let mut cluster = Cluster::start_upstreams(args.bin_dir.clone(), None).await?;
            let search = cluster.start_search().await?;
            let urls = [
                cluster.storage.url.clone(),
                cluster.extraction.url.clone(),
                search,
            ];
            (Some(cluster), urls)
        }
    };
    let targets = Targets {
        storage: net::connect(&urls[0]).await?,
        extraction: net::connect(&urls[1]).await?,
        search: net::connect(&urls[2]).await?,
    };

    // Seed data: imports are idempotent (request ids from the article
    // number), so against a running system this adds nothing twice.
    eprintln!(
        "storing {} articles and waiting for the index",
        args.seed_docs
    );
    let seeded = ingest::import(&targets.storage, &corpus, args.seed_docs, 4).await?;
    indexing::wait_indexed(
        &targets.storage,
        &targets.search,
        Duration::from_secs(1_800),
    )
    .await?;
    let person_ids = top_people(&targets.extraction, 50).await?;

    let config = LoadConfig {
        clients: args.clients,
        duration: Duration::from_secs(args.seconds),
        max_calls: args.max_calls,
        deadline: Duration::from_millis(args.deadline_ms),
        import_batch: args.import_batch,
        mix,
        seed: args.seed,
        // Past the seed documents and any earlier run's imports.
        first_new_article: args.seed_docs + 100_000_000 + unique_offset(),
    };
    eprintln!("load: {} clients for {} s", args.clients, args.seconds);
    let result = load::run(config, targets, corpus, Arc::new(seeded.ids), person_ids).await?;

    let secs = result.elapsed.as_secs_f64();
    let mut report = Report::new(format!(
        "dossier-load: {} clients, {:.0} s, mix search/extract/import/get {}",
        args.clients,
        secs,
        args.mix
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("/")
    ));
    let mut total_ok = 0;
    for rpc in [Rpc::Search, Rpc::Extract, Rpc::Import, Rpc::GetDocument] {
        let Some(stats) = result.by_rpc.get(&rpc) else {
            continue;
        };
        total_ok += stats.ok();
        let errors = if stats.errors.is_empty() {
            "none".to_string()
        } else {
            stats
                .errors
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unit = if rpc == Rpc::Import {
            format!(" ({} docs per call)", args.import_batch)
        } else {
            String::new()
        };
        report.row(
            rpc.name(),
            format!(
                "**{} calls/s**; p50 / p99 {}",
                thousands(stats.ok() as f64 / secs),
                stats.latency.p50_p99()
            ),
            format!(
                "{} ok{unit}; errors: {errors}",
                thousands(stats.ok() as f64)
            ),
        );
    }
    report.row(
        "all calls",
        format!("**{} calls/s**", thousands(total_ok as f64 / secs)),
        format!(
            "{} documents imported during the run",
            thousands(result.imported as f64)
        ),
    );
    if let Some(cluster) = cluster {
        report.row(
            "peak RSS per service (VmHWM)",
            format!("**{}**", cluster.peak_rss_summary()),
            "over the whole run",
        );
        cluster.stop().await?;
    } else {
        report.row(
            "peak RSS per service",
            "n/a",
            "services started elsewhere (read VmHWM in /proc/PID/status)",
        );
    }
    report.footnote(format!(
        "Seeded with {} articles; Search draws term, phrase, boolean, filtered, faceted, entity and \
         name-variant queries; each call has a {} ms deadline.",
        thousands(args.seed_docs as f64),
        args.deadline_ms
    ));
    println!("{}", report.render(&machine));
    Ok(())
}

/// Seconds since the epoch, so repeated runs against one running system
/// import new articles rather than replays of the last run's.
fn unique_offset() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 1_000_000)
        * 1_000
}
