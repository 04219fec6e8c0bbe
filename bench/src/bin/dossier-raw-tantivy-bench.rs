//! `dossier-raw-tantivy-bench`: the floor under Dossier's query latencies.
//! Indexes `dossier-bench`'s corpus (same generator, same seed) with plain
//! tantivy — a plain schema of title, body, source and date, tantivy's
//! default tokenizer, no entities, no grams, no quotes — and runs the same
//! query kinds drawn by the same code (`queries::QueryContext`) with the
//! same seed, in-process, one at a time.
//!
//! ```text
//! cargo build --release -p dossier-bench --bin dossier-raw-tantivy-bench
//! target/release/dossier-raw-tantivy-bench --docs 100000
//! ```
//!
//! Run back to back with `dossier-bench --docs N --kinds …` (the same
//! `--kinds`, `--seed` and `--queries`), the queries are the very ones
//! Dossier answered: the draws stay in step kind by kind, and kinds with no
//! plain-tantivy equivalent (entity ids, name-variant expansion, stories,
//! quotes) are drawn and skipped ("n/a"). What the two tables' difference
//! holds: gRPC and protobuf, Dossier's query planning (lenient parsing,
//! entity expansion, common grams), its collectors (facets by entity,
//! cursor paging, duplicate marks) and the larger schema.
//!
//! Two figures per kind: the top 10 with the exact count of hits (what
//! Dossier's `total_hits` costs), and the top 10 alone (tantivy may then
//! skip blocks that cannot reach the top: block-max WAND).

use std::ops::Bound;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use dossier_bench::corpus::Corpus;
use dossier_bench::machine::Machine;
use dossier_bench::queries::{QueryContext, QueryKind};
use dossier_bench::report::Report;
use dossier_bench::stats::{Latency, thousands};
use dossier_proto::v1 as pb;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TEXT,
};
use tantivy::{DateTime, Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};

/// The allocator Dossier's services use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    about = "Indexes dossier-bench's corpus with plain tantivy and times the same query kinds"
)]
struct Args {
    /// Articles in the corpus.
    #[arg(long, default_value_t = 100_000)]
    docs: u64,
    /// Seed of the corpus and of the query draws (as `dossier-bench`).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Measured queries per kind (as `dossier-bench`).
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Query kinds, comma-separated (default: all); give `dossier-bench`
    /// the same list so both draw the same queries.
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    kinds: Vec<QueryKind>,
    /// The index writer's memory budget, MiB (Dossier's article writer: 128).
    #[arg(long, default_value_t = 128)]
    writer_mib: usize,
    /// Commit after this many documents (Dossier's indexer: 5,000).
    #[arg(long, default_value_t = 5_000)]
    commit_docs: u64,
    /// Index directory (default: a temporary directory, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// People `dossier-bench` lists for the entity kind (its `top_people`):
    /// only so the draws stay in step.
    #[arg(long, default_value_t = 50)]
    people: usize,
}

fn parse_kind(name: &str) -> Result<QueryKind, String> {
    QueryKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| format!("unknown query kind {name:?}"))
}

/// The plain schema's fields.
struct Plain {
    title: Field,
    body: Field,
    source: Field,
    published_at: Field,
}

fn schema() -> (Schema, Plain) {
    let mut b = Schema::builder();
    let _id = b.add_text_field("id", STRING | STORED);
    let title = b.add_text_field("title", TEXT | STORED);
    let body = b.add_text_field("body", TEXT | STORED);
    let source = b.add_text_field("source", STRING | STORED | FAST);
    let date = DateOptions::from(INDEXED)
        .set_fast()
        .set_stored()
        .set_precision(DateTimePrecision::Seconds);
    let published_at = b.add_date_field("published_at", date);
    let fields = Plain {
        title,
        body,
        source,
        published_at,
    };
    (b.build(), fields)
}

/// How one kind fared: both latencies and the mean count, or n/a.
struct KindRow {
    kind: QueryKind,
    counted: Latency,
    top_only: Latency,
    mean_hits: f64,
    note: &'static str,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let machine = Machine::detect();
    let corpus = Corpus::new(args.seed);
    let (schema, fields) = schema();
    let temp = tempfile::tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let index = Index::create_in_dir(&dir, schema.clone())?;

    let mut report = Report::new(format!(
        "dossier-raw-tantivy-bench: {} articles, seed {}",
        thousands(args.docs as f64),
        args.seed
    ));
    index_corpus(&args, &corpus, &index, &schema, &mut report)?;

    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let segments = reader.searcher().segment_readers().len();
    eprintln!("queries: {} per kind on {segments} segments", args.queries);
    let rows = measure(&args, &corpus, &index, &reader, &fields)?;
    for row in rows {
        let (figure, notes) = if row.counted.count() == 0 {
            ("n/a".to_string(), row.note.to_string())
        } else {
            (
                format!("**{}**", row.counted.p50_p99()),
                format!(
                    "top 10 alone {}; mean hits {}{}",
                    row.top_only.p50_p99(),
                    thousands(row.mean_hits),
                    row.note
                ),
            )
        };
        report.row(
            format!("raw tantivy p50 / p99: {}", row.kind.describe()),
            figure,
            notes,
        );
    }
    report.footnote(format!(
        "Plain tantivy in-process (no gRPC), one query at a time on one thread; schema: id, \
         title and body (TEXT: default tokenizer, positions, stored), source (STRING, fast), \
         published_at (date, fast); {segments} segments after merges settled. Figures: top 10 \
         by score (filtered: newest first) with an exact Count, as Dossier's total_hits; \
         \"top 10 alone\" without the count."
    ));
    println!("{}", report.render(&machine));
    Ok(())
}

/// Writes the corpus (generated first, so only indexing is timed),
/// committing every `--commit-docs`, then waits for merges; two rows.
fn index_corpus(
    args: &Args,
    corpus: &Corpus,
    index: &Index,
    schema: &Schema,
    report: &mut Report,
) -> anyhow::Result<()> {
    eprintln!("generating {} articles", args.docs);
    let docs: Vec<pb::Document> = (0..args.docs).map(|n| corpus.article(n)).collect();
    let get = |name: &str| schema.get_field(name);
    let (id, title, body) = (get("id")?, get("title")?, get("body")?);
    let (source, published_at) = (get("source")?, get("published_at")?);
    eprintln!("indexing");
    let started = Instant::now();
    let mut writer = index.writer::<TantivyDocument>(args.writer_mib << 20)?;
    for (n, doc) in docs.iter().enumerate() {
        let mut d = TantivyDocument::default();
        d.add_text(id, n.to_string());
        d.add_text(title, &doc.title);
        d.add_text(body, &doc.body);
        d.add_text(source, &doc.source);
        let secs = doc.published_at.as_ref().map_or(0, |t| t.seconds);
        d.add_date(published_at, DateTime::from_timestamp_secs(secs));
        writer.add_document(d)?;
        if (n as u64 + 1).is_multiple_of(args.commit_docs.max(1)) {
            writer.commit()?;
        }
    }
    writer.commit()?;
    let searchable = started.elapsed().as_secs_f64();
    writer.wait_merging_threads()?;
    let settled = started.elapsed().as_secs_f64();
    report.row(
        "raw tantivy indexing (in-process, text generated beforehand)",
        format!("**{} docs/s**", thousands(args.docs as f64 / searchable)),
        format!(
            "all searchable after {searchable:.1} s (commit every {} docs, {} MiB writer), \
             merges settled after {settled:.1} s",
            thousands(args.commit_docs as f64),
            args.writer_mib
        ),
    );
    Ok(())
}

/// Every kind in `QueryKind::ALL` order, drawing exactly as
/// `dossier_bench::queries::measure` does so the queries are the same.
fn measure(
    args: &Args,
    corpus: &Corpus,
    index: &Index,
    reader: &IndexReader,
    fields: &Plain,
) -> anyhow::Result<Vec<KindRow>> {
    let person_ids: Vec<String> = (0..args.people).map(|i| format!("p{i}")).collect();
    let context = QueryContext {
        corpus,
        docs: args.docs,
        person_ids: &person_ids,
    };
    let parser = QueryParser::for_index(index, vec![fields.title, fields.body]);
    let searcher = reader.searcher();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed ^ 0x9e3);
    let kinds = match args.kinds.as_slice() {
        [] => QueryKind::ALL.as_slice(),
        some => some,
    };
    let warmup = (args.queries / 10).max(5);
    let mut rows = Vec::new();
    for kind in QueryKind::ALL {
        if !kinds.contains(&kind) {
            continue;
        }
        let mut row = KindRow {
            kind,
            counted: Latency::new(),
            top_only: Latency::new(),
            mean_hits: 0.0,
            note: "",
        };
        match kind {
            QueryKind::Entity | QueryKind::Variant => {
                // Drawn to keep the draws in step with dossier-bench.
                for _ in 0..warmup + args.queries {
                    context.request(kind, &mut rng);
                }
                row.note = "no plain-tantivy equivalent (entity ids, name-variant expansion)";
            }
            QueryKind::DeepPage => deep_pages(
                &context,
                &parser,
                &searcher,
                args.queries,
                &mut rng,
                &mut row,
            )?,
            QueryKind::Stories | QueryKind::Story | QueryKind::Quotes | QueryKind::QuotesQuery => {
                row.note = "no plain-tantivy equivalent (stories, quotes)";
            }
            _ => {
                let mut hits = 0u64;
                for i in 0..warmup + args.queries {
                    let request = context.request(kind, &mut rng);
                    let query = translate(&parser, fields, &request)?;
                    let (counted, top_only, count) = run(&searcher, &*query, &request)?;
                    if i >= warmup {
                        row.counted.record(counted);
                        row.top_only.record(top_only);
                        hits += count as u64;
                    }
                }
                row.mean_hits = hits as f64 / args.queries.max(1) as f64;
                if kind == QueryKind::Faceted {
                    row.note = "; facets: source top 10 and weekly histogram (tantivy \
                                aggregations), no PERSON facet (no entities)";
                }
            }
        }
        eprintln!(
            "  {:?}: p50/p99 {} (top 10 alone {})",
            kind,
            row.counted.p50_p99(),
            row.top_only.p50_p99()
        );
        rows.push(row);
    }
    Ok(rows)
}

/// The plain-tantivy query of a Search request: its query string through
/// tantivy's parser (title and body by default), and its filter.
fn translate(
    parser: &QueryParser,
    fields: &Plain,
    request: &pb::SearchRequest,
) -> anyhow::Result<Box<dyn Query>> {
    let parsed = match boolean_words(&request.query) {
        Some(words) => boolean(parser, words)?,
        None => parser.parse_query(&request.query)?,
    };
    let Some(filter) = &request.filter else {
        return Ok(parsed);
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed)];
    for source in &filter.sources {
        let term = Term::from_field_text(fields.source, source);
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    let date = |t: &Option<prost_types::Timestamp>| {
        t.as_ref().map(|t| {
            Term::from_field_date_for_search(
                fields.published_at,
                DateTime::from_timestamp_secs(t.seconds),
            )
        })
    };
    let lower = date(&filter.published_after).map_or(Bound::Unbounded, Bound::Included);
    let upper = date(&filter.published_before).map_or(Bound::Unbounded, Bound::Excluded);
    clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The four words of the boolean kind's `(a OR b) AND c AND NOT d`.
fn boolean_words(query: &str) -> Option<[&str; 4]> {
    let (either, rest) = query.strip_prefix('(')?.split_once(") AND ")?;
    let (a, b) = either.split_once(" OR ")?;
    let (c, d) = rest.split_once(" AND NOT ")?;
    Some([a, b, c, d])
}

/// `(a OR b) AND c AND NOT d` as Dossier reads it. tantivy's parser reads
/// `AND NOT d` as a required clause that holds only an exclusion, which
/// matches nothing; Dossier (and every analyst) means "without d".
fn boolean(parser: &QueryParser, [a, b, c, d]: [&str; 4]) -> anyhow::Result<Box<dyn Query>> {
    let either = BooleanQuery::new(vec![
        (Occur::Should, parser.parse_query(a)?),
        (Occur::Should, parser.parse_query(b)?),
    ]);
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(either)),
        (Occur::Must, parser.parse_query(c)?),
        (Occur::MustNot, parser.parse_query(d)?),
    ])))
}

/// Runs `query` as `request` asks (newest first when sorted by date,
/// facets as aggregations), with the count and without; returns both
/// times and the count.
fn run(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    request: &pb::SearchRequest,
) -> anyhow::Result<(std::time::Duration, std::time::Duration, usize)> {
    let by_date = request.sort == pb::SortOrder::PublishedDesc as i32;
    let started = Instant::now();
    let count = if by_date {
        let top =
            TopDocs::with_limit(10).order_by_fast_field::<DateTime>("published_at", Order::Desc);
        searcher.search(query, &(top, Count))?.1
    } else if !request.facets.is_empty() {
        let aggs: Aggregations = serde_json::from_value(serde_json::json!({
            "sources": { "terms": { "field": "source", "size": 10 } },
            "weeks": { "date_histogram": { "field": "published_at", "fixed_interval": "7d" } }
        }))?;
        let facets = AggregationCollector::from_aggs(aggs, Default::default());
        let top = TopDocs::with_limit(10).order_by_score();
        searcher.search(query, &(top, Count, facets))?.1
    } else {
        searcher
            .search(query, &(TopDocs::with_limit(10).order_by_score(), Count))?
            .1
    };
    let counted = started.elapsed();
    let started = Instant::now();
    if by_date {
        let top =
            TopDocs::with_limit(10).order_by_fast_field::<DateTime>("published_at", Order::Desc);
        searcher.search(query, &top)?;
    } else {
        searcher.search(query, &TopDocs::with_limit(10).order_by_score())?;
    }
    Ok((counted, started.elapsed(), count))
}

/// Pages 11 to 25 of 20 hits, as `dossier-bench` walks them (there with
/// page tokens; here with an offset, which re-collects the pages before).
fn deep_pages(
    context: &QueryContext<'_>,
    parser: &QueryParser,
    searcher: &tantivy::Searcher,
    samples: usize,
    rng: &mut ChaCha8Rng,
    row: &mut KindRow,
) -> anyhow::Result<()> {
    const FIRST_MEASURED: usize = 11;
    const LAST: usize = 25;
    const PAGE: usize = 20;
    let (mut hits, mut walks) = (0u64, 0u64);
    while (row.counted.count() as usize) < samples {
        let request = context.request(QueryKind::DeepPage, rng);
        let query = parser.parse_query(&request.query)?;
        walks += 1;
        for page in 1..=LAST {
            let offset = (page - 1) * PAGE;
            let started = Instant::now();
            let top = TopDocs::with_limit(PAGE)
                .and_offset(offset)
                .order_by_score();
            let (_, count) = searcher.search(&query, &(top, Count))?;
            let counted = started.elapsed();
            let started = Instant::now();
            let top = TopDocs::with_limit(PAGE)
                .and_offset(offset)
                .order_by_score();
            searcher.search(&query, &top)?;
            if page >= FIRST_MEASURED {
                row.counted.record(counted);
                row.top_only.record(started.elapsed());
            }
            if page == 1 {
                hits += count as u64;
            }
            if offset + PAGE >= count {
                break;
            }
        }
        if walks as usize > samples {
            break;
        }
    }
    row.mean_hits = hits as f64 / walks.max(1) as f64;
    row.note = "; offset paging (Dossier: page tokens)";
    Ok(())
}
