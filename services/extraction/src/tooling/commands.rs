//! The `train`, `eval` and `annotate` subcommands of `dossier-extraction`,
//! as library functions so that `main.rs` stays a thin dispatcher. (The in-process
//! throughput bench is `dossier-extraction-bench`, in the bench crate.)

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use super::annotate;
use super::conll;
use super::eval;
use super::train::{TrainOptions, train};
use crate::Extractor;
use crate::config::{DEFAULT_MAX_TEXT_BYTES, ExtractionConfig};
use crate::tagger::Tagger;

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

/// `annotate`: the full pipeline over JSON-lines articles, mentions out as
/// JSON lines (see [`annotate`](super::annotate) for the formats).
#[derive(Debug, Clone, clap::Args)]
pub struct AnnotateArgs {
    /// Articles, one JSON object a line: {"id", "text", "published_at"}
    /// (default: stdin).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Where to write the mentions, one JSON line per article (default: stdout).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Analyse every article this many times and report tokens/s of the
    /// analysis (one thread, file I/O and model load excluded) on stderr.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub passes: u32,
    /// Model file (default: the model embedded in this binary).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// `quotes`: score quote attribution on annotated sets (testdata/quotes).
#[derive(Debug, Clone, clap::Args)]
pub struct QuotesArgs {
    /// Annotated articles, JSON lines (testdata/quotes/GUIDELINES.md);
    /// repeat for several sets, each scored on its own.
    #[arg(long, required = true)]
    pub set: Vec<PathBuf>,
    /// Print every miss, extra quote and wrong speaker.
    #[arg(long)]
    pub errors: bool,
    /// Model file (default: the model embedded in this binary).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// `screen`: score name screening on the screening set (testdata/screening).
#[derive(Debug, Clone, clap::Args)]
pub struct ScreenArgs {
    /// Articles, JSON lines: {"id", "source", "published_at", "text"}.
    #[arg(long)]
    pub corpus: PathBuf,
    /// Names with the truth, JSON lines (testdata/screening/README.md);
    /// repeat for several files, each scored on its own.
    #[arg(long, required = true)]
    pub names: Vec<PathBuf>,
    /// The corpus truth, JSON lines {"id", "type", "spellings"}: a match
    /// on any entity holding one of the expected entity's spellings is right.
    #[arg(long)]
    pub entities: Option<PathBuf>,
    /// Print every false alarm and every miss at the default threshold.
    #[arg(long)]
    pub errors: bool,
    /// For the speed figure: pad the registry with synthetic entities up
    /// to this many, then screen `--repeat` names against it.
    #[arg(long, default_value_t = 0)]
    pub pad: usize,
    /// For the speed figure: how many names (the names files in turn).
    #[arg(long, default_value_t = 10_000)]
    pub repeat: usize,
    /// Model file (default: the model embedded in this binary).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// The model at `model`, or the embedded one.
pub fn load(model: &Option<PathBuf>) -> anyhow::Result<Tagger> {
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

/// Removes the scratch registry directory when `annotate` ends, however it ends.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> anyhow::Result<ScratchDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir =
            std::env::temp_dir().join(format!("dossier-annotate-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)
            .with_context(|| format!("creating the scratch directory {}", dir.display()))?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn run_annotate(a: &AnnotateArgs) -> anyhow::Result<()> {
    let docs = match &a.input {
        Some(p) => {
            let f = File::open(p).with_context(|| format!("opening {}", p.display()))?;
            annotate::read_docs(BufReader::new(f))
                .with_context(|| format!("reading {}", p.display()))?
        }
        None => annotate::read_docs(std::io::stdin().lock()).context("reading stdin")?,
    };
    // A fresh registry that nothing else uses: the linker's document-level
    // steps run, but no document id is sent, so nothing is recorded.
    let scratch = ScratchDir::create()?;
    let config = ExtractionConfig {
        data_dir: scratch.0.clone(),
        model: a.model.clone(),
        max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        ..ExtractionConfig::default()
    };
    let extractor = Extractor::open(&config)?.with_parallel(false);
    let (responses, timing) = annotate::annotate(&extractor, &docs, a.passes as usize)?;
    drop(extractor);
    match &a.output {
        Some(p) => {
            let f = File::create(p).with_context(|| format!("creating {}", p.display()))?;
            let mut w = BufWriter::new(f);
            annotate::write_mentions(&mut w, &docs, &responses)
                .with_context(|| format!("writing {}", p.display()))?;
        }
        None => {
            let mut w = BufWriter::new(std::io::stdout().lock());
            annotate::write_mentions(&mut w, &docs, &responses).context("writing stdout")?;
            w.flush()?;
        }
    }
    eprintln!(
        "annotate: {} documents, {} passes, {} tokens in {:.3} s: {:.0} tokens/s (analysis and linking, one thread)",
        docs.len(),
        timing.passes,
        timing.tokens,
        timing.elapsed.as_secs_f64(),
        timing.tokens_per_sec()
    );
    Ok(())
}

pub fn run_quotes(a: &QuotesArgs) -> anyhow::Result<()> {
    for path in &a.set {
        let jsonl =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let set = super::quote_eval::read_set(&jsonl)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        // A fresh registry per set: the articles link among themselves only.
        let scratch = ScratchDir::create()?;
        let config = ExtractionConfig {
            data_dir: scratch.0.clone(),
            model: a.model.clone(),
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            ..ExtractionConfig::default()
        };
        let extractor = Extractor::open(&config)?.with_parallel(false);
        let report = super::quote_eval::evaluate(&extractor, &set, a.errors)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        drop(extractor);
        println!("{}", path.display());
        for line in &report.errors {
            println!("  {line}");
        }
        print!("{report}");
    }
    Ok(())
}

pub fn run_screen(a: &ScreenArgs) -> anyhow::Result<()> {
    use super::screen_eval::{Article, GoldEntity, NameRow, link_corpus, read_jsonl};
    use super::screen_pad::{pad_registry, repeated_queries};
    let read = |p: &PathBuf| -> anyhow::Result<String> {
        std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
    };
    let corpus: Vec<Article> = read_jsonl(&read(&a.corpus)?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.corpus.display()))?;
    let gold: Vec<GoldEntity> = match &a.entities {
        Some(p) => read_jsonl(&read(p)?).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        None => Vec::new(),
    };
    let mut sets = Vec::new();
    for p in &a.names {
        let rows: Vec<NameRow> =
            read_jsonl(&read(p)?).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        sets.push((p, rows));
    }
    // A fresh registry: the corpus links among itself only.
    let scratch = ScratchDir::create()?;
    let config = ExtractionConfig {
        data_dir: scratch.0.clone(),
        model: a.model.clone(),
        max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        ..ExtractionConfig::default()
    };
    let extractor = Extractor::open(&config)?.with_parallel(false);
    let took = link_corpus(&extractor, &corpus).map_err(anyhow::Error::msg)?;
    let registry = extractor.registry();
    println!(
        "corpus: {} articles extracted and linked in {:.1} s; registry of {} entities",
        corpus.len(),
        took.as_secs_f64(),
        registry.entity_count()
    );
    for (path, rows) in &sets {
        let report = super::screen_eval::evaluate(registry, rows, &gold, a.errors)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        println!("{}", path.display());
        for line in &report.errors {
            println!("  {line}");
        }
        print!("{report}");
    }
    if a.pad > 0 {
        let built = pad_registry(registry, a.pad).map_err(anyhow::Error::msg)?;
        let rows: Vec<NameRow> = sets.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
        let queries = repeated_queries(&rows, a.repeat).map_err(anyhow::Error::msg)?;
        let t0 = Instant::now();
        let results = registry
            .match_names(&queries, &crate::registry::MatchOptions::default())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let elapsed = t0.elapsed().as_secs_f64();
        let matches: usize = results.iter().map(Vec::len).sum();
        println!(
            "scale: registry padded to {} entities ({:.1} s); {} names in {:.3} s: {:.0} names/s, {} matches (one thread)",
            registry.entity_count(),
            built.as_secs_f64(),
            queries.len(),
            elapsed,
            queries.len() as f64 / elapsed.max(1e-9),
            matches
        );
    }
    Ok(())
}
