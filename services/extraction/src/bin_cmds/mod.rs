//! The `train`, `eval` and `bench` subcommands of `dossier-extraction`, as
//! library functions so that `main.rs` stays a thin dispatcher.

use std::path::PathBuf;
use std::time::Instant;

use crate::conll;
use crate::eval;
use crate::pipeline::{ExtractRequest, Extractor};
use crate::registry::Registry;
use crate::tagger::Tagger;
use crate::tagger::train::{TrainOptions, train};

/// `train`: fit the tagger on a CoNLL file and write the model.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// Training data (CoNLL-2003, IOB1).
    #[arg(long)]
    pub train: PathBuf,
    /// Development data, scored after training and recorded in the model.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Folds of the jackknifed first pass.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Drop features seen fewer times in training.
    #[arg(long, default_value_t = 1)]
    pub min_count: u32,
}

/// `eval`: score a model on a CoNLL file.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Gold data (CoNLL-2003, IOB1 or IOB2).
    #[arg(long)]
    pub conll: PathBuf,
    /// Model file (default: the model embedded in this binary).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// `bench`: single-thread throughput of tokenize + tag + type, and of the
/// full analysis including the value rules.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// CoNLL file whose text to tag (e.g. the dev set).
    #[arg(long)]
    pub conll: Option<PathBuf>,
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Tokens of synthetic news text to tag.
    #[arg(long, default_value_t = 500_000)]
    pub synthetic_tokens: usize,
    /// A file of articles, one per line (e.g. bench-corpus bodies), to
    /// measure as well: throughput, and the latency of Extract's in-process
    /// path (analysis on every core, then linking) per article.
    #[arg(long)]
    pub texts: Option<PathBuf>,
    /// Passes over `--texts` for the latency figures (0: none).
    #[arg(long, default_value_t = 1)]
    pub latency_rounds: usize,
}

fn load(model: &Option<PathBuf>) -> anyhow::Result<Tagger> {
    let t0 = Instant::now();
    let tagger = match model {
        Some(p) => Tagger::load(p)?,
        None => Tagger::load_default()?,
    };
    eprintln!("model loaded in {:.0?}", t0.elapsed());
    Ok(tagger)
}

pub fn run_train(a: &TrainArgs) -> anyhow::Result<()> {
    let opts = TrainOptions {
        train: a.train.clone(),
        dev: a.dev.clone(),
        out: a.out.clone(),
        seed: a.seed,
        epochs: a.epochs,
        folds: a.folds,
        min_count: a.min_count,
    };
    let model = train(&opts, &mut |line| eprintln!("{line}"))?;
    for (k, v) in &model.meta {
        println!("{k}={v}");
    }
    Ok(())
}

pub fn run_eval(a: &EvalArgs) -> anyhow::Result<()> {
    let tagger = load(&a.model)?;
    let docs = conll::read_file(&a.conll)?;
    let report = eval::evaluate(&tagger, &docs);
    print!("{}", report.table());
    Ok(())
}

pub fn run_bench(a: &BenchArgs) -> anyhow::Result<()> {
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

/// Synthetic news articles of about `tokens` tokens: varied names, titles,
/// places, numbers and quotes over a few hundred words of vocabulary.
pub fn synthetic(tokens: usize) -> Vec<String> {
    const FIRST: &[&str] = &[
        "Anna", "Yuri", "Mohammed", "Li", "Maria", "John", "Olga", "Pierre", "Kofi", "Sanjay",
        "Elena", "David",
    ];
    const LAST: &[&str] = &[
        "Petrova",
        "Gagarin",
        "Hassan",
        "Wei",
        "Santos",
        "Miller",
        "Tymoshenko",
        "Dubois",
        "Mensah",
        "Gupta",
        "Navalny",
        "Okafor",
    ];
    const PLACES: &[&str] = &[
        "Moscow",
        "Kyiv",
        "Beijing",
        "Paris",
        "Lagos",
        "New Delhi",
        "Brazil",
        "Germany",
        "the Middle East",
        "Texas",
        "Jakarta",
        "Nairobi",
    ];
    const ORGS: &[&str] = &[
        "the United Nations",
        "Gazprom",
        "Reuters",
        "the European Union",
        "Acme Corp.",
        "NATO",
        "the World Bank",
        "Toyota Motor Corp",
        "Barclays",
        "the Kremlin",
    ];
    const TITLES: &[&str] = &[
        "President",
        "Foreign Minister",
        "Mr.",
        "Gen.",
        "Prime Minister",
        "Chief Executive",
        "Dr.",
    ];
    const VERBS: &[&str] = &[
        "said",
        "told reporters",
        "announced",
        "warned",
        "denied",
        "confirmed",
        "added",
    ];
    const TAIL: &[&str] = &[
        "that talks would resume next week",
        "that the deal was worth $2.3 billion",
        "prices rose 3.5 percent in March",
        "the company's shares fell sharply on Tuesday",
        "that 3,000 troops had been sent to the border",
        "the agreement would be signed by the end of the year",
        "it was too early to comment on the outcome of the vote",
        "officials expected growth to slow in the second half",
        "the investigation was continuing",
    ];
    let mut rng = crate::tagger::Rng::new(42);
    let mut out = Vec::new();
    let mut count = 0;
    while count < tokens {
        let mut article = String::new();
        for _ in 0..20 {
            let s = format!(
                "{} {} {} of {} {} in {} {}. \"We will not accept this,\" {}'s spokesman said, according to {}.\n",
                rng.pick(TITLES),
                rng.pick(FIRST),
                rng.pick(LAST),
                rng.pick(ORGS),
                rng.pick(VERBS),
                rng.pick(PLACES),
                rng.pick(TAIL),
                rng.pick(LAST),
                rng.pick(ORGS),
            );
            article.push_str(&s);
        }
        count += crate::tokenize::tokenize(&article).len();
        out.push(article);
    }
    out
}
