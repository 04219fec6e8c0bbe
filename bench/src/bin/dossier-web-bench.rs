//! `dossier-web-bench`: how long the web console itself takes to build its
//! pages, beside the gRPC calls it waits on. The console reports both in
//! its `Server-Timing` header (`render;dur=…, grpc;dur=…`); this bench
//! starts the services on a kept bench index (`dossier-bench --docs N
//! --keep DIR`), runs the console in-process in front of them, requests the
//! search, entity and document pages for the index's most mentioned
//! entities, and prints p50/p99 of each part.
//!
//!   cargo build --release -p dossier-bench --bins -p dossier-storage \
//!       -p dossier-extraction -p dossier-search
//!   target/release/dossier-web-bench --data DIR --requests 300

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use dossier_bench::procs::Cluster;
use dossier_bench::stats::Latency;
use dossier_kit::Shutdown;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{GetIndexStatusRequest, ListEntitiesRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Parser)]
#[command(name = "dossier-web-bench", about)]
struct Args {
    /// A directory an earlier `dossier-bench --keep DIR` left (its
    /// storage/, extraction/ and search/ data are opened, not changed).
    #[arg(long)]
    data: PathBuf,
    /// Requests per page kind.
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// Entities (most mentioned first) whose names and pages are requested.
    #[arg(long, default_value_t = 100)]
    entities: i32,
    /// Directory of the service binaries (default: beside this one).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
}

/// One page kind's figures.
#[derive(Default)]
struct Figures {
    render: Latency,
    grpc: Latency,
    wall: Latency,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.data.join("search").is_dir() {
        bail!(
            "{} has no search index: run dossier-bench --keep there first",
            args.data.display()
        );
    }
    let mut cluster =
        Cluster::start_upstreams(args.bin_dir.clone(), Some(args.data.clone())).await?;
    let search_url = cluster.start_search().await?;
    let documents = wait_caught_up(&search_url).await?;
    let web = start_console(&cluster, &search_url).await?;

    let mut extraction = ExtractionServiceClient::connect(cluster.extraction.url.clone()).await?;
    let entities = extraction
        .list_entities(ListEntitiesRequest {
            page_size: args.entities,
            ..Default::default()
        })
        .await?
        .into_inner()
        .entities;
    if entities.is_empty() {
        bail!("the registry has no entities");
    }
    let mut searches: Vec<String> = entities
        .iter()
        .map(|e| format!("/search?q={}", encode(&e.canonical_name)))
        .collect();
    searches.extend(
        ["minister", "government AND port", "\"energy minister\"", ""]
            .map(|q| format!("/search?q={}", encode(q))),
    );
    let entity_pages: Vec<String> = entities
        .iter()
        .map(|e| format!("/entities/{}", e.id))
        .collect();
    let mut document_pages = Vec::new();
    for path in searches.iter().take(20) {
        let (_, _, body) = get(web, path).await?;
        if let Some(at) = body.find("href=\"/documents/") {
            let rest = &body[at + 6..];
            document_pages.push(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }

    println!(
        "web console at {documents} indexed documents, {} requests per page kind",
        args.requests
    );
    println!(
        "{:<10} {:>22} {:>22} {:>22}",
        "page", "console p50 / p99", "gRPC p50 / p99", "wall p50 / p99"
    );
    for (name, paths) in [
        ("search", &searches),
        ("entity", &entity_pages),
        ("document", &document_pages),
    ] {
        if paths.is_empty() {
            continue;
        }
        // Warm the caches once per path, as an analyst's second look would.
        for path in paths.iter().take(args.requests) {
            get(web, path).await?;
        }
        let mut figures = Figures::default();
        for i in 0..args.requests {
            let path = &paths[i % paths.len()];
            let start = Instant::now();
            let (status, timing, _) = get(web, path).await?;
            figures.wall.record(start.elapsed());
            if status != 200 {
                bail!("{path} answered {status}");
            }
            let (render, grpc) = parse_timing(&timing)
                .with_context(|| format!("{path}: Server-Timing {timing:?}"))?;
            figures.render.record(render);
            figures.grpc.record(grpc);
        }
        println!(
            "{name:<10} {:>22} {:>22} {:>22}",
            figures.render.p50_p99(),
            figures.grpc.p50_p99(),
            figures.wall.p50_p99()
        );
    }
    cluster.stop().await
}

/// Waits until search has applied everything storage has; returns the
/// number of indexed documents.
async fn wait_caught_up(search_url: &str) -> anyhow::Result<u64> {
    let mut client = SearchServiceClient::connect(search_url.to_string()).await?;
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let status = client
            .get_index_status(GetIndexStatusRequest {})
            .await?
            .into_inner();
        if !status.catching_up && status.lag == 0 && status.document_count > 0 {
            return Ok(status.document_count);
        }
        if Instant::now() > deadline {
            bail!("search did not catch up: {status:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn start_console(cluster: &Cluster, search_url: &str) -> anyhow::Result<SocketAddr> {
    let config = dossier_web::WebConfig {
        upstreams: dossier_web::Upstreams {
            storage_url: cluster.storage.url.clone(),
            extraction_url: cluster.extraction.url.clone(),
            search_url: search_url.to_string(),
            security: Default::default(),
        },
        secure_cookies: false,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(dossier_web::serve(config, listener, Shutdown::new()));
    Ok(addr)
}

/// A query value, percent-encoded.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `render;dur=0.412, grpc;dur=3.100` → the two durations.
fn parse_timing(header: &str) -> Option<(Duration, Duration)> {
    let mut render = None;
    let mut grpc = None;
    for part in header.split(',') {
        let (name, dur) = part.trim().split_once(";dur=")?;
        let value = Duration::from_secs_f64(dur.parse::<f64>().ok()? / 1000.0);
        match name {
            "render" => render = Some(value),
            "grpc" => grpc = Some(value),
            _ => {}
        }
    }
    Some((render?, grpc?))
}

/// GET over a fresh connection: status, Server-Timing, body.
async fn get(addr: SocketAddr, path: &str) -> anyhow::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").context("no response head")?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    let timing = head
        .lines()
        .find_map(|l| l.strip_prefix("server-timing: "))
        .unwrap_or_default()
        .to_string();
    Ok((status, timing, body.to_string()))
}
