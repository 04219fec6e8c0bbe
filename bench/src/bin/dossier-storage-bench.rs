//! `dossier-storage-bench`: measures bulk import throughput (with fsync) and
//! GetDocument latency of the storage service over real gRPC on loopback.
//!
//! Starts the server in-process on a temporary data directory, imports
//! `--docs` synthetic news articles (~4 KB each, Zipf-distributed vocabulary,
//! several outlets, dates over six months; deterministic from `--seed`) over
//! `--streams` concurrent ImportDocuments streams, then runs `--readers`
//! concurrent GetDocument clients.
//!
//! With `--database-url postgres://…` the same corpus and load also run
//! against the PostgreSQL backend, and a table compares the two.
//!
//! `cargo run --release -p dossier-bench --bin dossier-storage-bench -- --docs 50000`

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use dossier_bench::corpus::StorageCorpus;
use dossier_bench::{ingest, reads};
use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_storage::{DatabaseUrl, StorageConfig};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

#[derive(Debug, Parser)]
#[command(about = "Import throughput and read latency of dossier-storage")]
struct Args {
    /// Articles to import.
    #[arg(long, default_value_t = 50_000)]
    docs: usize,
    /// Concurrent ImportDocuments streams.
    #[arg(long, default_value_t = 4)]
    streams: usize,
    /// Concurrent GetDocument clients.
    #[arg(long, default_value_t = 16)]
    readers: usize,
    /// GetDocument calls in total.
    #[arg(long, default_value_t = 50_000)]
    reads: usize,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Also run against PostgreSQL: a server URL whose role may CREATE
    /// DATABASE (a fresh database is created and dropped).
    #[arg(long, env = "DOSSIER_BENCH_DATABASE_URL")]
    database_url: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    dossier_kit::telemetry::init_tracing();

    eprintln!("generating {} articles (seed {})", args.docs, args.seed);
    let corpus = StorageCorpus::new(args.seed);
    let streams = args.streams.max(1);
    let mut shards: Vec<Vec<pb::ImportDocumentsRequest>> = vec![Vec::new(); streams];
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut bytes = 0usize;
    for n in 0..args.docs {
        let document = corpus.article(&mut rng, n);
        bytes += document.title.len() + document.body.len();
        shards[n % streams].push(pb::ImportDocumentsRequest {
            document: Some(document),
            request_id: format!("bench-{n}"),
        });
    }

    let dir = tempfile::tempdir()?;
    let embedded = StorageConfig {
        data_dir: dir.path().to_path_buf(),
        ..StorageConfig::default()
    };
    let mut reports = vec![run("embedded", embedded, shards.clone(), bytes, &args).await?];
    if let Some(url) = &args.database_url {
        let database = bench_db::create(url).await?;
        let postgres = StorageConfig {
            data_dir: dir.path().join("unused"),
            database_url: Some(DatabaseUrl::new(database.url.clone())),
            ..StorageConfig::default()
        };
        let report = run("postgres", postgres, shards, bytes, &args).await;
        database.drop_it().await;
        reports.push(report?);
    }
    println!();
    println!(
        "| backend | import docs/s | import MB/s | ack p50 ms | ack p99 ms | GetDocument p50 ms | GetDocument p99 ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &reports {
        println!(
            "| {} | {:.0} | {:.1} | {:.2} | {:.2} | {:.3} | {:.3} |",
            r.backend, r.docs_per_s, r.mb_per_s, r.ack_p50, r.ack_p99, r.get_p50, r.get_p99
        );
    }
    Ok(())
}

/// What one backend measured.
struct Report {
    backend: &'static str,
    docs_per_s: f64,
    mb_per_s: f64,
    ack_p50: f64,
    ack_p99: f64,
    get_p50: f64,
    get_p99: f64,
}

/// Serves `config` in-process, imports the shards, then reads.
async fn run(
    backend: &'static str,
    config: StorageConfig,
    shards: Vec<Vec<pb::ImportDocumentsRequest>>,
    bytes: usize,
    args: &Args,
) -> anyhow::Result<Report> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = dossier_kit::listen::client_url(listener.local_addr()?);
    let shutdown = Shutdown::new();
    let server = tokio::spawn(dossier_storage::serve(config, listener, shutdown.clone()));
    let streams = shards.len();

    let channel = connect(&url).await?;
    let started = Instant::now();
    let (acks, ids) = ingest::import_shards(&channel, shards).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let docs_per_s = ids.len() as f64 / elapsed;
    let mb_per_s = bytes as f64 / 1e6 / elapsed;
    println!(
        "{backend} import: {} docs in {elapsed:.2}s over {streams} streams = {docs_per_s:.0} docs/s, {mb_per_s:.1} MB/s; ack latency p50 {:.2} ms, p99 {:.2} ms",
        ids.len(),
        acks.ms(0.5),
        acks.ms(0.99),
    );

    let ids = Arc::new(ids);
    let (reads, elapsed) =
        reads::get_documents(&channel, ids, args.readers, args.reads, args.seed).await?;
    let elapsed = elapsed.as_secs_f64();
    println!(
        "{backend} get: {} calls from {} clients = {:.0} calls/s; latency p50 {:.3} ms, p99 {:.3} ms, p99.9 {:.3} ms",
        reads.count(),
        args.readers,
        reads.count() as f64 / elapsed,
        reads.ms(0.5),
        reads.ms(0.99),
        reads.ms(0.999),
    );

    shutdown.trigger();
    server.await??;
    Ok(Report {
        backend,
        docs_per_s,
        mb_per_s,
        ack_p50: acks.ms(0.5),
        ack_p99: acks.ms(0.99),
        get_p50: reads.ms(0.5),
        get_p99: reads.ms(0.99),
    })
}

/// A throw-away database for the PostgreSQL run, so request_ids of an
/// earlier run cannot replay.
mod bench_db {
    use anyhow::Context;

    pub struct BenchDatabase {
        pub url: String,
        admin_url: String,
        name: String,
    }

    async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .context("connect to --database-url")?;
        tokio::spawn(connection);
        Ok(client)
    }

    /// Creates `dossier_bench_<ulid>` on the server of `admin_url`.
    pub async fn create(admin_url: &str) -> anyhow::Result<BenchDatabase> {
        let name = format!(
            "dossier_bench_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        connect(admin_url)
            .await?
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .context("CREATE DATABASE (the role needs CREATEDB)")?;
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url, None), |(b, q)| (b, Some(q)));
        let authority = base.find("://").map_or(0, |i| i + 3);
        let path = base[authority..]
            .find('/')
            .map_or(base.len(), |i| authority + i);
        let mut url = format!("{}/{name}", &base[..path]);
        if let Some(query) = query {
            url = format!("{url}?{query}");
        }
        Ok(BenchDatabase {
            url,
            admin_url: admin_url.to_string(),
            name,
        })
    }

    impl BenchDatabase {
        pub async fn drop_it(self) {
            if let Ok(client) = connect(&self.admin_url).await {
                let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                if let Err(err) = client.batch_execute(&sql).await {
                    eprintln!("could not drop {}: {err}", self.name);
                }
            }
        }
    }
}

async fn connect(url: &str) -> anyhow::Result<Channel> {
    Channel::from_shared(url.to_string())?
        .connect()
        .await
        .context("connect to the in-process server")
}
