//! `dossier-merge-priority-bench`: what lowering the merge threads'
//! priority buys the queries that run beside a merge, and what it costs the
//! merge. Search lowers tantivy's merge threads to nice 10 at each commit
//! (`dossier_search::index::lower_merge_threads`); this bench measures that
//! function against leaving them as they are, on a copy of a real index.
//!
//! ```text
//! cargo build --release -p dossier-bench --bins -p dossier-storage -p dossier-extraction -p dossier-search
//! target/release/dossier-bench --docs 100000 --keep /tmp/keep   # any kept run
//! target/release/dossier-merge-priority-bench --index /tmp/keep/search
//! ```
//!
//! Each round copies the index, opens it with Dossier's tokenizers, runs
//! boolean queries (`(a OR b) AND c AND NOT d` over mid-frequency body
//! words) on an idle index, then merges every segment into one while the
//! same queries run back to back on one thread and a second thread stays
//! busy half of each millisecond (the gRPC client and server beside the
//! query; on two cores a merge then takes CPU from a query). The two
//! settings alternate round by round so a change in the machine's load
//! falls on both.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use dossier_bench::machine::Machine;
use dossier_bench::report::Report;
use dossier_bench::stats::{Latency, thousands};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, IndexWriter, Searcher, Term};

#[derive(Parser)]
#[command(about = "Query latency beside a merge: merge threads as they are vs lowered")]
struct Args {
    /// A search index directory (`<kept>/search` of `dossier-bench --keep`),
    /// copied for each round and left unchanged.
    #[arg(long)]
    index: PathBuf,
    /// Rounds per setting (the settings alternate).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Queries on the idle index per round.
    #[arg(long, default_value_t = 2_000)]
    idle_queries: usize,
    /// Seed of the query draws.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// One setting's figures over its rounds.
#[derive(Default)]
struct Figures {
    idle: Latency,
    merging: Latency,
    merge_seconds: Vec<f64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let machine = Machine::detect();
    let mut as_is = Figures::default();
    let mut lowered = Figures::default();
    for round in 0..args.rounds {
        for (lower, figures) in [(false, &mut as_is), (true, &mut lowered)] {
            eprintln!("round {}: merge threads {}", round + 1, setting(lower));
            run_round(&args, round, lower, figures)?;
        }
    }
    let mut report = Report::new("dossier-merge-priority-bench: queries beside a merge");
    for (lower, figures) in [(false, &as_is), (true, &lowered)] {
        let merge = figures.merge_seconds.iter().sum::<f64>() / figures.merge_seconds.len() as f64;
        report.row(
            format!(
                "boolean p50 / p99 during the merge, merge threads {}",
                setting(lower)
            ),
            format!("**{}**", figures.merging.p50_p99()),
            format!(
                "idle index {}; merge {merge:.1} s mean; {} queries during merges",
                figures.idle.p50_p99(),
                thousands(figures.merging.count() as f64)
            ),
        );
    }
    report.footnote(format!(
        "In-process tantivy on a copy of {} ({} rounds per setting, alternating); one query \
         thread, one thread busy half the time, the merge of all segments on tantivy's merge \
         thread. Lowered = `lower_merge_threads` (nice {}).",
        args.index.display(),
        args.rounds,
        dossier_search::index::MERGE_THREAD_NICE
    ));
    println!("{}", report.render(&machine));
    Ok(())
}

fn setting(lower: bool) -> &'static str {
    if lower { "lowered" } else { "as they are" }
}

fn run_round(args: &Args, round: usize, lower: bool, figures: &mut Figures) -> anyhow::Result<()> {
    let copy = tempfile::tempdir()?;
    copy_dir(&args.index, copy.path())?;
    let index = Index::open_in_dir(copy.path())?;
    dossier_search::schema::register_tokenizers(&index);
    let body = index.schema().get_field("body")?;
    let searcher = index.reader()?.searcher();
    let words = mid_frequency_words(&searcher, body)?;
    anyhow::ensure!(
        words.len() >= 4,
        "too few mid-frequency words in {}",
        args.index.display()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed + round as u64);
    let mut next_query = || boolean_query(&words, &mut rng);

    for _ in 0..args.idle_queries {
        figures.idle.record(timed(&searcher, &next_query())?);
    }

    let mut writer: IndexWriter = index.writer_with_num_threads(1, 64 << 20)?;
    if lower {
        // The merge pool's threads name themselves as they start.
        std::thread::sleep(Duration::from_millis(100));
        dossier_search::index::lower_merge_threads();
    }
    let busy = BusyThread::start();
    let segments = index.searchable_segment_ids()?;
    let started = Instant::now();
    let merge = writer.merge(&segments);
    let merging = std::thread::spawn(move || merge.wait());
    while !merging.is_finished() {
        figures.merging.record(timed(&searcher, &next_query())?);
    }
    figures.merge_seconds.push(started.elapsed().as_secs_f64());
    drop(busy);
    merging
        .join()
        .map_err(|_| anyhow::anyhow!("the merge panicked"))??;
    Ok(())
}

/// Body words in 500..20,000 documents of the first segment.
fn mid_frequency_words(searcher: &Searcher, body: Field) -> anyhow::Result<Vec<Term>> {
    let inverted = searcher.segment_reader(0).inverted_index(body)?;
    let mut stream = inverted.terms().stream()?;
    let mut words = Vec::new();
    while stream.advance() {
        let key = stream.key();
        if (500..20_000).contains(&stream.value().doc_freq)
            && key.iter().all(u8::is_ascii_lowercase)
        {
            words.push(Term::from_field_bytes(body, key));
        }
    }
    Ok(words)
}

fn boolean_query(words: &[Term], rng: &mut ChaCha8Rng) -> BooleanQuery {
    let mut word = || -> Box<dyn Query> {
        let term = words[rng.random_range(0..words.len())].clone();
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    };
    let either = BooleanQuery::new(vec![(Occur::Should, word()), (Occur::Should, word())]);
    BooleanQuery::new(vec![
        (Occur::Must, Box::new(either)),
        (Occur::Must, word()),
        (Occur::MustNot, word()),
    ])
}

fn timed(searcher: &Searcher, query: &BooleanQuery) -> anyhow::Result<Duration> {
    let started = Instant::now();
    searcher.search(query, &(TopDocs::with_limit(10).order_by_score(), Count))?;
    Ok(started.elapsed())
}

/// A thread busy half of each millisecond until dropped.
struct BusyThread {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BusyThread {
    fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let spin = Instant::now();
                while spin.elapsed() < Duration::from_micros(500) {
                    std::hint::spin_loop();
                }
                std::thread::sleep(Duration::from_micros(500));
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for BusyThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Copies the files of `from` (not its subdirectories: the quote index and
/// watches are not needed) into `to`.
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
