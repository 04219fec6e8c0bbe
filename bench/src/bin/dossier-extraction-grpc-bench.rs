//! Extract latency over gRPC for a ~4 KB news article, and BatchExtract
//! throughput. Starts the service in-process on 127.0.0.1:0 (real TCP, real
//! HTTP/2, the embedded model) unless `--url` points at a running server.
//!
//! `cargo run --release -p dossier-bench --bin dossier-extraction-grpc-bench`

use std::time::{Duration, Instant};

use clap::Parser;
use dossier_bench::corpus::synthetic::article;
use dossier_extraction::ExtractionConfig;
use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;

#[derive(Parser)]
struct Args {
    /// A running server to measure instead of an in-process one.
    #[arg(long)]
    url: Option<String>,
    /// Timed Extract calls (after as many warm-up calls / 10).
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Article size in bytes (cut at a sentence end).
    #[arg(long, default_value_t = 4096)]
    article_bytes: usize,
    /// Articles sent through one BatchExtract stream.
    #[arg(long, default_value_t = 2000)]
    batch: usize,
    /// Articles, one per line (e.g. bench-corpus bodies): the first half is
    /// recorded through BatchExtract first (a registry that has seen a
    /// corpus), then each Extract call sends the next article of the second
    /// half instead of one article over and over.
    #[arg(long)]
    texts: Option<std::path::PathBuf>,
    /// With `--texts`: write every Extract response to this file (Debug
    /// format, one line per article: exact floats) and stop, to compare
    /// two builds' output.
    #[arg(long)]
    dump: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    let mut local: Option<LocalServer> = None;
    let url = match &args.url {
        Some(u) => u.clone(),
        None => {
            let dir =
                std::env::temp_dir().join(format!("dossier-grpc-bench-{}", std::process::id()));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let url = dossier_kit::listen::client_url(listener.local_addr()?);
            let config = ExtractionConfig {
                data_dir: dir.clone(),
                ..ExtractionConfig::default()
            };
            let shutdown = Shutdown::new();
            let task = tokio::spawn(dossier_extraction::serve(
                config,
                listener,
                shutdown.clone(),
            ));
            local = Some((dir, shutdown, task));
            url
        }
    };
    let mut client = ExtractionServiceClient::connect(url).await?;
    let article = article(args.article_bytes);
    let request = pb::ExtractRequest {
        text: article.clone(),
        ..Default::default()
    };

    let texts = match &args.texts {
        Some(path) => {
            let all: Vec<String> = std::fs::read_to_string(path)?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
            let (recorded, sent) = all.split_at(all.len() / 2);
            record(&mut client, recorded).await?;
            sent.to_vec()
        }
        None => vec![article.clone()],
    };
    if let Some(path) = &args.dump {
        let mut out = String::new();
        for text in &texts {
            let r = client
                .extract(pb::ExtractRequest {
                    text: text.clone(),
                    ..Default::default()
                })
                .await?
                .into_inner();
            out.push_str(&format!("{} {:?}\n", r.token_count, r.mentions));
        }
        std::fs::write(path, out)?;
        return stop(local).await;
    }
    let mut next = texts.iter().cycle().map(|text| pb::ExtractRequest {
        text: text.clone(),
        ..Default::default()
    });
    for request in next.by_ref().take(args.requests / 10) {
        client.extract(request).await?;
    }
    let mut times = Vec::with_capacity(args.requests);
    let (mut tokens, mut bytes) = (0, 0);
    for request in next.take(args.requests) {
        bytes += request.text.len();
        let t0 = Instant::now();
        let r = client.extract(request).await?.into_inner();
        times.push(t0.elapsed());
        tokens += r.token_count as usize;
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    let calls = times.len().max(1);
    println!(
        "Extract, {} bytes / {} tokens on average, {} sequential calls: p50 {:?}, p90 {:?}, p99 {:?}",
        bytes / calls,
        tokens / calls,
        times.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99)
    );

    in_process(&article, args.requests)?;

    let reqs: Vec<pb::ExtractRequest> = (0..args.batch)
        .map(|i| pb::ExtractRequest {
            request_id: i.to_string(),
            document_id: format!("bench-{i}"),
            ..request.clone()
        })
        .collect();
    let t0 = Instant::now();
    let mut stream = client
        .batch_extract(tokio_stream::iter(reqs))
        .await?
        .into_inner();
    let mut n = 0;
    while stream.message().await?.is_some() {
        n += 1;
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "BatchExtract with document ids (recorded): {n} articles in {secs:.2}s = {:.0} articles/s",
        n as f64 / secs
    );

    stop(local).await
}

/// The in-process server, if one was started: its data directory, shutdown
/// switch and task.
type LocalServer = (
    std::path::PathBuf,
    Shutdown,
    tokio::task::JoinHandle<anyhow::Result<()>>,
);

/// Stops the in-process server, if any, and removes its registry.
async fn stop(local: Option<LocalServer>) -> anyhow::Result<()> {
    if let Some((dir, shutdown, task)) = local {
        shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(30), task).await???;
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}

/// Records `texts` in the registry (document ids `corpus-N`) through one
/// BatchExtract stream.
async fn record(
    client: &mut ExtractionServiceClient<tonic::transport::Channel>,
    texts: &[String],
) -> anyhow::Result<()> {
    let reqs: Vec<pb::ExtractRequest> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| pb::ExtractRequest {
            text: text.clone(),
            document_id: format!("corpus-{i}"),
            ..Default::default()
        })
        .collect();
    let mut stream = client
        .batch_extract(tokio_stream::iter(reqs))
        .await?
        .into_inner();
    while stream.message().await?.is_some() {}
    Ok(())
}

/// The same article through `Extractor::extract` on this thread, no
/// transport: the difference to the gRPC figure is the cost of the wire.
fn in_process(article: &str, requests: usize) -> anyhow::Result<()> {
    let tagger = dossier_extraction::Tagger::load_default()?;
    let registry = dossier_extraction::registry::Registry::in_memory()?;
    let core = dossier_extraction::Extractor::new(tagger, registry, usize::MAX);
    let request = dossier_extraction::pipeline::ExtractRequest {
        text: article.to_string(),
        ..Default::default()
    };
    let mut times = Vec::with_capacity(requests);
    for round in 0..requests + requests / 10 {
        let t0 = Instant::now();
        core.extract(request.clone())?;
        if round >= requests / 10 {
            times.push(t0.elapsed());
        }
    }
    times.sort();
    println!(
        "Extractor::extract in-process, same article: p50 {:?}, p90 {:?}",
        times[times.len() / 2],
        times[times.len() * 9 / 10]
    );
    Ok(())
}
