//! `dossier-extraction-bench`: single-thread throughput of tokenize + tag +
//! type, and of the full analysis including the value rules, in-process on
//! synthetic news text, a CoNLL file's text and/or a file of articles; with
//! `--texts`, also the latency of Extract's in-process path.
//!
//! ```text
//! cargo run --release -p dossier-bench --bin dossier-extraction-bench -- --conll eng.testa
//! ```

// The allocator of the `dossier-extraction` binary, so the figures are the
// service's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use dossier_bench::corpus::synthetic::synthetic;
use dossier_extraction::pipeline::{ExtractRequest, Extractor};
use dossier_extraction::registry::Registry;
use dossier_extraction::tooling::commands::load;
use dossier_extraction::tooling::{conll, eval};

/// Measure single-thread throughput of the whole extraction pipeline.
#[derive(Debug, Clone, Parser)]
#[command(name = "dossier-extraction-bench")]
struct Args {
    /// CoNLL file whose text to tag (e.g. the dev set).
    #[arg(long)]
    conll: Option<PathBuf>,
    #[arg(long)]
    model: Option<PathBuf>,
    /// Tokens of synthetic news text to tag.
    #[arg(long, default_value_t = 500_000)]
    synthetic_tokens: usize,
    /// A file of articles, one per line (e.g. bench-corpus bodies), to
    /// measure as well: throughput, and the latency of Extract's in-process
    /// path (analysis on every core, then linking) per article.
    #[arg(long)]
    texts: Option<PathBuf>,
    /// Passes over `--texts` for the latency figures (0: none).
    #[arg(long, default_value_t = 1)]
    latency_rounds: usize,
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let tagger = load(&a.model)?;
    let extractor = Extractor::new(tagger, Registry::in_memory()?, usize::MAX).with_parallel(false);
    if let Some(p) = &a.conll {
        let docs = conll::read_file(p)?;
        let texts: Vec<String> = docs.iter().map(eval::plain_text).collect();
        report("conll text", &extractor, &texts);
    }
    if a.synthetic_tokens > 0 {
        report("synthetic news", &extractor, &synthetic(a.synthetic_tokens));
    }
    if let Some(p) = &a.texts {
        let texts: Vec<String> = std::fs::read_to_string(p)?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        report("texts", &extractor, &texts);
        extract_latency(&extractor, &texts, a.latency_rounds)?;
        let extractor = extractor.with_parallel(true);
        extract_latency(&extractor, &texts, a.latency_rounds)?;
    }
    Ok(())
}

/// What one Extract call without a document id costs in-process: analysis
/// (on one core, or on every core for long texts as the service runs it)
/// plus linking, each article once per round after a warm-up pass.
fn extract_latency(extractor: &Extractor, texts: &[String], rounds: usize) -> anyhow::Result<()> {
    if rounds == 0 || texts.is_empty() {
        return Ok(());
    }
    let run = |text: &String| {
        extractor.extract(ExtractRequest {
            text: text.clone(),
            ..ExtractRequest::default()
        })
    };
    for text in texts.iter().take(50) {
        run(text)?;
    }
    let mut times = Vec::with_capacity(texts.len() * rounds);
    for _ in 0..rounds {
        for text in texts {
            let t0 = Instant::now();
            run(text)?;
            times.push(t0.elapsed());
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "texts: Extractor::extract (analysis on {} + link), {} calls: p50 {:?}, p90 {:?}, p99 {:?}",
        if extractor.parallel() {
            "every core"
        } else {
            "one core"
        },
        times.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99)
    );
    Ok(())
}

/// Prints single-thread throughput of the tagger alone and of the whole
/// analysis a request gets (tokenize, tag, type, value rules), best of three
/// timed rounds after one warm-up.
fn report(name: &str, extractor: &Extractor, texts: &[String]) {
    let mut tokens = 0;
    let mut names = 0;
    let tag_only = best_of_three(|| {
        (tokens, names) = texts.iter().fold((0, 0), |(t, n), text| {
            let (spans, count) = extractor.tagger().tag_counted(text);
            (t + count, n + spans.len())
        });
    });
    let mut spans = 0;
    let full = best_of_three(|| {
        spans = texts
            .iter()
            .map(|t| {
                let request = ExtractRequest {
                    text: t.clone(),
                    ..ExtractRequest::default()
                };
                extractor.analyze(request).map_or(0, |a| a.span_count())
            })
            .sum::<usize>();
    });
    println!(
        "{name}: {tokens} tokens; tagger (tokenize + tag + type): {names} names, {:.0} tokens/s; \
         full analysis (+ DATE/MONEY/PERCENT/QUANTITY rules): {spans} spans, {:.0} tokens/s (one thread)",
        tokens as f64 / tag_only,
        tokens as f64 / full,
    );
}

fn best_of_three(mut run: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for round in 0..4 {
        let t0 = Instant::now();
        run();
        if round > 0 {
            best = best.min(t0.elapsed().as_secs_f64());
        }
    }
    best
}
