//! `dossier-bench`: every Dossier benchmark in one command, on a
//! deterministic synthetic news corpus, against the real service binaries as
//! separate processes on loopback; prints one markdown table.
//!
//! ```text
//! cargo build --release -p dossier-bench --bins -p dossier-storage -p dossier-extraction -p dossier-search
//! target/release/dossier-bench --docs 100000
//! ```
//!
//! Order of the run, chosen so each figure is measured on a quiet machine:
//! extraction throughput in-process first (before any server works); import
//! into storage with search not yet running (a clean ingest figure); then
//! search starts and catches up (end-to-end indexing, timed from the first
//! import); then queries, reads and Extract latency, one at a time.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use dossier_bench::corpus::{Corpus, STORY_SIZE, VOCABULARY};
use dossier_bench::machine::Machine;
use dossier_bench::procs::{Cluster, Extraction};
use dossier_bench::queries::{QueryContext, QueryKind, measure, top_people};
use dossier_bench::report::Report;
use dossier_bench::stats::thousands;
use dossier_bench::{extract, indexing, ingest, net, reads, screening, watches};
use dossier_search::search::pass::EXACT_COUNT_UP_TO;

#[derive(Debug, Parser)]
#[command(about = "Runs every Dossier benchmark and prints one markdown table")]
struct Args {
    /// Articles in the corpus (imported, indexed, then queried).
    #[arg(long, default_value_t = 100_000)]
    docs: u64,
    /// Seed of the synthetic corpus and of the query draws.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Concurrent ImportDocuments streams.
    #[arg(long, default_value_t = 4)]
    streams: usize,
    /// Measured queries per query kind.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Concurrent GetDocument clients.
    #[arg(long, default_value_t = 16)]
    readers: usize,
    /// GetDocument calls in total.
    #[arg(long, default_value_t = 20_000)]
    reads: usize,
    /// Articles run through the in-process extraction pipeline.
    #[arg(long, default_value_t = 300)]
    extract_articles: usize,
    /// Measured Extract calls over gRPC.
    #[arg(long, default_value_t = 500)]
    extract_calls: usize,
    /// Give up waiting for the index after this many seconds.
    #[arg(long, default_value_t = 3_600)]
    index_timeout: u64,
    /// Directory of the service binaries (default: beside this one).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
    /// Keep the services' data (and logs) in this directory after the run,
    /// instead of a temporary one.
    #[arg(long)]
    keep: Option<PathBuf>,
    /// Measure queries only, on the data an earlier run left in `--keep`
    /// with the same `--docs` and `--seed` (no import, no extraction
    /// figures): for iterating on query speed without re-indexing.
    #[arg(long, requires = "keep")]
    queries_only: bool,
    /// Watches (saved searches) present while the index catches up: names
    /// and words of the corpus, some AND pairs. 0: none (the baseline).
    #[arg(long, default_value_t = 0)]
    watches: usize,
    /// Articles stored one by one after the other figures, to time how
    /// soon their matches reach open watch streams.
    #[arg(long, default_value_t = 200)]
    live_docs: u64,
    /// Rate of those articles, per second.
    #[arg(long, default_value_t = 20.0)]
    live_rate: f64,
    /// Extraction processes; search balances its batches over them
    /// (issue 19: one against two on one machine). More than one needs
    /// `--registry-url`.
    #[arg(long, default_value_t = 1)]
    extraction_replicas: usize,
    /// The PostgreSQL entity registry extraction uses (a database the
    /// bench may fill; the tables are `registry_*`), instead of each
    /// process's embedded one.
    #[arg(long)]
    registry_url: Option<String>,
    /// Names screened against the whole index in one StreamScreenNames
    /// call, as `dossier screen` sends a list (0: no screening row).
    #[arg(long, default_value_t = 10_000)]
    screen_names: usize,
    /// Print the N slowest requests of each Search query kind to stderr,
    /// with their hits (not in the table).
    #[arg(long, default_value_t = 0)]
    show_slowest: usize,
    /// Query kinds to measure, comma-separated (default: all): term, phrase,
    /// boolean, filtered, faceted, entity, variant, deep, stories, story,
    /// quotes, quotes-query.
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    kinds: Vec<QueryKind>,
}

fn parse_kind(name: &str) -> Result<QueryKind, String> {
    QueryKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = QueryKind::ALL.iter().map(|k| k.name()).collect();
            format!("unknown query kind {name:?}; kinds: {}", names.join(", "))
        })
}

/// The file in a kept directory that says which corpus it was indexed from.
const KEPT_MARKER: &str = "dossier-bench.json";
/// Articles the kept marker's corpus digest covers.
const MARKED_ARTICLES: u64 = 200;

/// Size, seed and digest of the corpus: a kept index from another version
/// of the generator (say, before articles had quotes) is not reused.
fn kept_marker(corpus: &Corpus, docs: u64, seed: u64) -> String {
    format!(
        "{{\"docs\": {docs}, \"seed\": {seed}, \"corpus\": \"{:016x}\"}}",
        corpus.fingerprint(MARKED_ARTICLES)
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    let machine = Machine::detect();
    let corpus = Arc::new(Corpus::new(args.seed));
    let mut report = Report::new(format!(
        "dossier-bench: {} articles, seed {}",
        thousands(args.docs as f64),
        args.seed
    ));
    if args.queries_only {
        return queries_only(&args, &corpus, report, &machine).await;
    }

    eprintln!(
        "extraction in-process, one thread ({} articles)",
        args.extract_articles
    );
    let throughput = extract::tokens_per_core(corpus.clone(), args.extract_articles).await?;
    report.row(
        "extraction: tokens/s per core",
        format!("**{}** tokens/s", thousands(throughput.tokens_per_second())),
        format!(
            "in-process `Extractor` (tokenize, tag, type, rules, link) on one thread; \
             analysis alone {} tokens/s; {} articles, {} tokens",
            thousands(throughput.analysis_tokens_per_second()),
            throughput.articles,
            thousands(throughput.tokens as f64)
        ),
    );

    eprintln!("starting storage and extraction");
    let extraction_setup = Extraction {
        replicas: args.extraction_replicas,
        registry_url: args.registry_url.clone(),
    };
    let mut cluster =
        Cluster::start_upstreams_with(args.bin_dir.clone(), args.keep.clone(), &extraction_setup)
            .await?;
    let storage = net::connect(&cluster.storage.url).await?;
    let extraction = net::connect(&cluster.extraction.url).await?;

    let watch_ids = create_watches(&args, &corpus, &mut cluster, &mut report).await?;

    eprintln!(
        "importing {} articles over {} streams",
        args.docs, args.streams
    );
    let import = ingest::import(&storage, &corpus, args.docs, args.streams).await?;
    let secs = import.elapsed.as_secs_f64();
    report.row(
        "ingest: ImportDocuments",
        format!(
            "**{} docs/s, {:.1} MB/s**",
            thousands(import.ids.len() as f64 / secs),
            import.bytes as f64 / 1e6 / secs
        ),
        format!(
            "{} streams, fsync on, {:.1} KB/article; ack p50 / p99 {}",
            args.streams,
            import.bytes as f64 / 1e3 / import.ids.len().max(1) as f64,
            import.acks.p50_p99()
        ),
    );

    eprintln!("starting search; waiting for it to index everything");
    let cpu_before = cluster
        .services()
        .iter()
        .map(|s| s.cpu_time())
        .collect::<Vec<_>>();
    let search_started = Instant::now();
    let search_url = cluster.start_search().await?;
    let search = net::connect(&search_url).await?;
    let status =
        indexing::wait_indexed(&storage, &search, Duration::from_secs(args.index_timeout)).await?;
    let end_to_end = import.started.elapsed().as_secs_f64();
    let catch_up = search_started.elapsed().as_secs_f64();
    let cpu: Vec<String> = cluster
        .services()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let before = cpu_before.get(i).copied().flatten().unwrap_or_default();
            let used = s.cpu_time().unwrap_or_default().saturating_sub(before);
            format!("{} {:.0} s", s.name, used.as_secs_f64())
        })
        .collect();
    report.row(
        "end-to-end indexing (stored → searchable)",
        format!("**{} docs/s**", thousands(args.docs as f64 / end_to_end)),
        format!(
            "first import until `indexed_sequence` = storage's `last_sequence` ({end_to_end:.1} s); \
             search started after the import, catching up at {} docs/s with {} watches; CPU during \
             catch-up: {}; {} docs, {} segments, {} entity changes applied",
            thousands(args.docs as f64 / catch_up),
            thousands(args.watches as f64),
            cpu.join(", "),
            thousands(status.document_count as f64),
            status.segment_count,
            thousands(status.entity_sequence as f64)
        ),
    );

    std::fs::write(
        cluster.work_dir().join(KEPT_MARKER),
        kept_marker(&corpus, args.docs, args.seed),
    )?;
    query_rows(&args, &corpus, &extraction, &search, &mut report).await?;
    screening_row(&args, &corpus, &search, &mut report).await?;

    eprintln!(
        "GetDocument: {} calls from {} clients",
        args.reads, args.readers
    );
    let ids = Arc::new(import.ids);
    let (latency, elapsed) =
        reads::get_documents(&storage, ids, args.readers, args.reads, args.seed).await?;
    report.row(
        "GetDocument p50 / p99 under load",
        format!("**{}**", latency.p50_p99()),
        format!(
            "{} concurrent clients, {} calls/s",
            args.readers,
            thousands(latency.count() as f64 / elapsed.as_secs_f64())
        ),
    );

    eprintln!("Extract over gRPC: {} calls", args.extract_calls);
    let (latency, bytes) = extract::grpc_latency(&extraction, &corpus, args.extract_calls).await?;
    report.row(
        "Extract p50 / p99 over gRPC, one article",
        format!("**{}**", latency.p50_p99()),
        format!(
            "sequential calls, a different {:.1} KB article each, not recorded in the registry",
            bytes / 1e3
        ),
    );

    delivery_rows(&args, &corpus, &storage, &search, &watch_ids, &mut report).await?;

    memory_rows(&cluster, &mut report);
    cluster.stop().await?;

    report.footnote(corpus_note(&args));
    println!("{}", report.render(&machine));
    Ok(())
}

/// With `--watches N`: starts search on the still empty storage, creates
/// the watches, and stops it again, so they are all there from the first
/// document of the catch-up; a row for the creation.
async fn create_watches(
    args: &Args,
    corpus: &Corpus,
    cluster: &mut Cluster,
    report: &mut Report,
) -> anyhow::Result<Vec<String>> {
    if args.watches == 0 {
        return Ok(Vec::new());
    }
    eprintln!("creating {} watches", args.watches);
    let search = net::connect(&cluster.start_search().await?).await?;
    let queries = watches::queries(corpus, args.watches, args.seed);
    let (ids, elapsed) = watches::create(&search, &queries).await?;
    cluster.stop_search().await?;
    let pairs = queries.iter().filter(|q| q.contains(" AND ")).count();
    report.row(
        "CreateWatch",
        format!(
            "**{} watches/s**",
            thousands(ids.len() as f64 / elapsed.as_secs_f64())
        ),
        format!(
            "{} watches ({} AND pairs; the rest a Zipf word of rank 200-20,000 or a person's \
             surname in one outlet's spelling), 8 concurrent clients, each create fsync'd",
            thousands(ids.len() as f64),
            thousands(pairs as f64)
        ),
    );
    Ok(ids)
}

/// Stores `--live-docs` articles one by one and times their matches'
/// arrival on open streams (a probe watch matching every article, and up
/// to 20 of the `--watches`).
async fn delivery_rows(
    args: &Args,
    corpus: &Corpus,
    storage: &tonic::transport::Channel,
    search: &tonic::transport::Channel,
    watch_ids: &[String],
    report: &mut Report,
) -> anyhow::Result<()> {
    if args.live_docs == 0 {
        return Ok(());
    }
    eprintln!(
        "watch match delivery: {} articles at {}/s",
        args.live_docs, args.live_rate
    );
    let followed = &watch_ids[..watch_ids.len().min(20)];
    let delivery = watches::delivery(
        storage,
        search,
        corpus,
        args.docs + 1_000_000,
        args.live_docs,
        args.live_rate,
        followed,
    )
    .await?;
    let notes = format!(
        "{} matches on {} open StreamWatchMatches ({} of them watches of `--watches`, one a \
         probe matching every article); {} articles stored one by one at {}/s with {} watches; \
         searchable = GetIndexStatus polled every 10 ms",
        thousands(delivery.matches as f64),
        delivery.streams,
        delivery.streams - 1,
        args.live_docs,
        args.live_rate,
        thousands(args.watches as f64 + 1.0)
    );
    report.row(
        "watch match delivery p50 / p99: searchable → stream",
        format!("**{}**", delivery.from_indexed.p50_p99()),
        notes,
    );
    report.row(
        "watch match delivery p50 / p99: stored → stream",
        format!("**{}**", delivery.from_stored.p50_p99()),
        "CreateDocument answered → match received: extraction, indexing, the commit \
         (--commit-interval-ms 1000 when idle) and delivery",
    );
    Ok(())
}

/// `--queries-only`: the three services on kept data, and the query rows.
async fn queries_only(
    args: &Args,
    corpus: &Corpus,
    mut report: Report,
    machine: &Machine,
) -> anyhow::Result<()> {
    let keep = args.keep.clone().unwrap_or_default();
    let marker = std::fs::read_to_string(keep.join(KEPT_MARKER)).unwrap_or_default();
    if marker != kept_marker(corpus, args.docs, args.seed) {
        anyhow::bail!(
            "{} holds no finished run of --docs {} --seed {} on this corpus generator; \
             run once with --keep first",
            keep.display(),
            args.docs,
            args.seed
        );
    }
    let mut cluster = Cluster::start_upstreams(args.bin_dir.clone(), Some(keep)).await?;
    let storage = net::connect(&cluster.storage.url).await?;
    let extraction = net::connect(&cluster.extraction.url).await?;
    let search = net::connect(&cluster.start_search().await?).await?;
    // A search binary with a new index schema rebuilds its index here.
    indexing::wait_indexed(&storage, &search, Duration::from_secs(args.index_timeout)).await?;
    query_rows(args, corpus, &extraction, &search, &mut report).await?;
    screening_row(args, corpus, &search, &mut report).await?;
    memory_rows(&cluster, &mut report);
    cluster.stop().await?;
    report.footnote(corpus_note(args));
    println!("{}", report.render(machine));
    Ok(())
}

/// Each service's peak RSS, and its parts' largest samples: search's peak
/// at scale is mostly index pages it has read (issue 19).
fn memory_rows(cluster: &Cluster, report: &mut Report) {
    report.row(
        "peak RSS per service (VmHWM)",
        format!("**{}**", cluster.peak_rss_summary()),
        "over the whole run",
    );
    report.row(
        "largest anonymous + largest mapped-file sample per service",
        format!("**{}**", cluster.memory_summary()),
        "sampled each second over the whole run, each part on its own: anonymous memory is \
         what the process holds; mapped files are pages of its files it has read (search: \
         the index), which the kernel takes back when memory is short",
    );
}

/// Measures the query kinds `--kinds` asks for (all by default), a row each.
async fn query_rows(
    args: &Args,
    corpus: &Corpus,
    extraction: &tonic::transport::Channel,
    search: &tonic::transport::Channel,
    report: &mut Report,
) -> anyhow::Result<()> {
    let person_ids = top_people(extraction, 50).await?;
    let context = QueryContext {
        corpus,
        docs: args.docs,
        person_ids: &person_ids,
    };
    eprintln!("queries: {} per kind", args.queries);
    let kinds = match args.kinds.as_slice() {
        [] => QueryKind::ALL.as_slice(),
        some => some,
    };
    let measured = measure(
        search,
        &context,
        args.queries,
        args.seed,
        kinds,
        args.show_slowest,
    )
    .await?;
    for stats in measured {
        let mut notes = format!("mean hits {}", thousands(stats.mean_hits));
        if stats.kind == QueryKind::Variant {
            notes.push_str(&format!(
                "; {:.0}% expanded to other spellings",
                stats.expanded * 100.0
            ));
        }
        if stats.lower_bound > 0.0 {
            notes.push_str(&format!(
                " (the count stopped at {} in {:.0}% of queries: at least that many)",
                thousands(EXACT_COUNT_UP_TO as f64),
                stats.lower_bound * 100.0
            ));
        }
        report.row(
            format!("query p50 / p99: {}", stats.kind.describe()),
            format!("**{}**", stats.latency.p50_p99()),
            notes,
        );
    }
    Ok(())
}

/// With `--screen-names N`: the list screened once, a row.
async fn screening_row(
    args: &Args,
    corpus: &Corpus,
    search: &tonic::transport::Channel,
    report: &mut Report,
) -> anyhow::Result<()> {
    if args.screen_names == 0 {
        return Ok(());
    }
    eprintln!("screening {} names", args.screen_names);
    let names = screening::list(corpus, args.screen_names, args.seed);
    let run = screening::screen(search, &names).await?;
    let secs = run.elapsed.as_secs_f64();
    report.row(
        format!(
            "screening: {} names against the index",
            thousands(run.names as f64)
        ),
        format!(
            "**{secs:.2} s** ({} names/s)",
            thousands(run.names as f64 / secs)
        ),
        format!(
            "one StreamScreenNames call (defaults: min score 0.85, 5 matches, 3 evidence \
             articles each); first result after {:.0} ms; {} of {} corpus names found, {} of {} \
             invented names matched something; {} matches, {} evidence articles",
            run.first_result.as_secs_f64() * 1e3,
            thousands(run.known_found as f64),
            thousands(run.known as f64),
            thousands(run.unknown_found as f64),
            thousands((run.names - run.known) as f64),
            thousands(run.matches as f64),
            thousands(run.evidence as f64)
        ),
    );
    Ok(())
}

fn corpus_note(args: &Args) -> String {
    format!(
        "Corpus: {} articles (seed {}) in stories of {STORY_SIZE} outlets over the same days, \
         some reprinting a wire paragraph; {} outlets with house transliteration styles \
         (Shapovchuk / Chapovtchouk / Schapowtschuk / Shapovchuck); Zipf vocabulary of {} words; \
         dates over six months; amounts and attributed quotes in text. Services are the release binaries as separate \
         processes on 127.0.0.1; all calls over gRPC unless noted.",
        thousands(args.docs as f64),
        args.seed,
        dossier_bench::corpus::OUTLETS.len(),
        thousands(VOCABULARY as f64),
    )
}
