//! `dossier-search-bench`: indexing throughput of the index core and query
//! latency (p50/p99) for term, phrase, filtered, faceted and entity queries,
//! over a deterministic synthetic news corpus.
//!
//! The corpus ([`dossier_bench::corpus::index_docs`]) looks like news to the
//! engine; extraction is simulated (documents carry their entities), so the
//! figures are those of search alone.
//!
//! ```text
//! cargo run --release -p dossier-bench --bin dossier-search-bench -- --docs 100000
//! # build the index once, then measure queries against it again and again
//! dossier-search-bench --docs 100000 --dir /tmp/bench-100k --reuse --kinds faceted,phrase
//! ```

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use dossier_bench::corpus::index_docs::{DAYS, IndexCorpus, OUTLETS, T0};
use dossier_bench::stats::Latency;
use dossier_proto::v1::EntityType;
use dossier_search::collect::Sort;
use dossier_search::dates::Interval;
use dossier_search::facets::FacetSpec;
use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
use dossier_search::query::Filter;
use dossier_search::search::{PageRequest, SearchQuery, search};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Parser)]
struct Args {
    /// Documents to index.
    #[arg(long, default_value_t = 100_000)]
    docs: usize,
    /// Queries measured per kind.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Vocabulary size.
    #[arg(long, default_value_t = 40_000)]
    vocabulary: usize,
    /// Body words per article (~6 bytes each).
    #[arg(long, default_value_t = 600)]
    words: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Index directory (default: a fresh directory under the system temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep the index already in `--dir` when it holds `--docs` documents
    /// (built by an earlier run with the same seed), and measure queries only.
    #[arg(long, requires = "dir")]
    reuse: bool,
    /// Query kinds to measure, comma-separated (default: all of term, phrase,
    /// boolean, filtered, faceted, entity, entity-id, deep).
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// Count matches exactly up to this many, then let a page skip what
    /// cannot enter it, as the service does past 10,000 (default: count
    /// every match).
    #[arg(long)]
    count_up_to: Option<u64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();

    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let corpus = IndexCorpus::new(args.vocabulary, args.words, &mut rng);
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("dossier-search-bench-{}", std::process::id()))
    });
    let reused = args.reuse && indexed_docs(&dir)? == args.docs as u64;
    if !reused {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let index = SearchIndex::open(&dir)?;
    if reused {
        let (docs, segments) = index.counts();
        println!(
            "corpus: {docs} docs reused from {}, {segments} segments",
            dir.display()
        );
    } else {
        build(&index, &corpus, &args)?;
    }
    measure(&index, &corpus, &args)?;
    drop(index);
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Documents in the index in `dir`, 0 when there is none.
fn indexed_docs(dir: &std::path::Path) -> anyhow::Result<u64> {
    if !dir.join("meta.json").exists() {
        return Ok(0);
    }
    Ok(SearchIndex::open(dir)?.counts().0)
}

/// Indexes `--docs` documents, committing every 10,000 as the indexer would
/// under a steady feed, and prints the throughput.
fn build(index: &SearchIndex, corpus: &IndexCorpus, args: &Args) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    // The corpus draws its people first: replay that so documents match.
    let _ = IndexCorpus::new(args.vocabulary, args.words, &mut rng);

    let mut generated = 0.0;
    let mut bytes = 0usize;
    let start = Instant::now();
    let mut seq = 0u64;
    while (seq as usize) < args.docs {
        let g = Instant::now();
        let batch: Vec<IndexOp> = (0..1_000.min(args.docs - seq as usize))
            .map(|_| {
                seq += 1;
                let d = corpus.document(seq, &mut rng);
                bytes += d.body.len() + d.title.len();
                IndexOp::Upsert(Box::new(d))
            })
            .collect();
        generated += g.elapsed().as_secs_f64();
        index.apply(batch)?;
        if seq.is_multiple_of(10_000) {
            index.commit(Checkpoint {
                sequence: seq,
                entity_sequence: 0,
            })?;
        }
    }
    index.commit(Checkpoint {
        sequence: seq,
        entity_sequence: 0,
    })?;
    let total = start.elapsed().as_secs_f64();
    let indexing = total - generated;
    let (docs, segments) = index.counts();
    println!(
        "corpus: {docs} docs, {:.1} KB/doc avg, {segments} segments, seed {}",
        bytes as f64 / docs as f64 / 1024.0,
        args.seed
    );
    println!(
        "indexing (index core, excluding generation): {:.0} docs/s ({indexing:.1} s; generation {generated:.1} s)",
        docs as f64 / indexing
    );
    Ok(())
}

/// Every query kind, in print order.
const KINDS: [&str; 9] = [
    "term",
    "phrase",
    "boolean",
    "filtered",
    "faceted",
    "entity",
    "entity-id",
    "highlight",
    "deep",
];

/// Query latency per kind, in process (no gRPC), warm. Each kind draws its
/// queries from its own seeded generator, so a kind measures the same
/// queries whichever other kinds run.
fn measure(index: &SearchIndex, corpus: &IndexCorpus, args: &Args) -> anyhow::Result<()> {
    for kind in &args.kinds {
        if !KINDS.contains(&kind.as_str()) {
            anyhow::bail!("unknown query kind {kind:?}; kinds: {}", KINDS.join(","));
        }
    }
    let word = |rng: &mut ChaCha8Rng, ranks: std::ops::Range<usize>| {
        corpus.words[rng.random_range(ranks)].clone()
    };
    let mid_word = |rng: &mut ChaCha8Rng| word(rng, 20..2_000);
    println!(
        "query latency over {} queries each (page of 10, deep: pages 11-25 of 20, warm):",
        args.queries
    );
    for (i, name) in KINDS.iter().enumerate() {
        if !args.kinds.is_empty() && !args.kinds.iter().any(|k| k == name) {
            continue;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(args.seed + 1 + i as u64);
        let make = |r: &mut ChaCha8Rng| -> (SearchQuery, PageRequest) {
            match *name {
                "phrase" => {
                    let d = corpus.document(1, r);
                    let words: Vec<&str> = d.body.split(' ').collect();
                    let at = r.random_range(0..words.len() - 1);
                    (
                        query(&format!("\"{} {}\"", words[at], words[at + 1])),
                        page(10),
                    )
                }
                "boolean" => (
                    query(&format!(
                        "({} OR {}) AND {} AND NOT {}",
                        word(r, 100..2_000),
                        word(r, 100..2_000),
                        word(r, 40..400),
                        word(r, 100..3_000)
                    )),
                    page(10),
                ),
                "filtered" => {
                    let mut q = query(&mid_word(r));
                    let from = T0 + r.random_range(0..DAYS - 30) * 86_400;
                    q.filter = Filter {
                        sources: vec![OUTLETS[r.random_range(0..OUTLETS.len())].into()],
                        published_after: Some(from),
                        published_before: Some(from + 30 * 86_400),
                        ..Filter::default()
                    };
                    q.sort = Sort::PublishedDesc;
                    (q, page(10))
                }
                "faceted" => {
                    let mut p = page(10);
                    p.facets = vec![
                        FacetSpec::Source { limit: 10 },
                        FacetSpec::Entity {
                            limit: 10,
                            entity_type: EntityType::Person as i32,
                        },
                        FacetSpec::PublishedAt {
                            interval: Interval::Week,
                        },
                    ];
                    (query(&mid_word(r)), p)
                }
                "entity" => {
                    // One spelling of a person: expanded to every other.
                    let p = &corpus.people[corpus.people_zipf.sample(r)];
                    (
                        query(&p.variants[r.random_range(0..p.variants.len())].to_lowercase()),
                        page(10),
                    )
                }
                "entity-id" => {
                    let p = &corpus.people[r.random_range(0..50)];
                    (query(&format!("entity:{}", p.id)), page(10))
                }
                "highlight" => {
                    let mut p = page(10);
                    p.highlight = true;
                    (query(&mid_word(r)), p)
                }
                "deep" => (query(&word(r, 40..200)), page(20)),
                _ => (query(&mid_word(r)), page(10)),
            }
        };
        let mut hist = Latency::new();
        let (mut hits, mut queries, mut bounded) = (0u64, 0u64, 0u64);
        for i in 0..args.queries + 50 {
            let (q, mut p) = make(&mut rng);
            p.count_up_to = args.count_up_to;
            let measured = i >= 50;
            if *name == "deep" {
                for n in 1..=25 {
                    let t = Instant::now();
                    let result = search(index, &q, &p)?;
                    let elapsed = t.elapsed();
                    if measured && n >= 11 {
                        hist.record(elapsed);
                    }
                    if measured && n == 1 {
                        hits += result.total_hits;
                        queries += 1;
                        bounded += u64::from(result.total_is_lower_bound);
                    }
                    if result.next_page_token.is_empty() {
                        break;
                    }
                    p.page_token = result.next_page_token;
                }
                continue;
            }
            let t = Instant::now();
            let result = search(index, &q, &p)?;
            let elapsed = t.elapsed();
            if measured {
                hist.record(elapsed);
                hits += result.total_hits;
                queries += 1;
                bounded += u64::from(result.total_is_lower_bound);
            }
        }
        println!(
            "  {name:<9} p50 {:>6.2} ms  p99 {:>6.2} ms  (mean hits {:.0}, counting stopped at the bound in {:.0}%)",
            hist.ms(0.5),
            hist.ms(0.99),
            hits as f64 / queries.max(1) as f64,
            100.0 * bounded as f64 / queries.max(1) as f64
        );
    }
    Ok(())
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        expand_entities: true,
        ..SearchQuery::default()
    }
}

fn page(page_size: usize) -> PageRequest {
    PageRequest {
        page_size,
        ..PageRequest::default()
    }
}
