//! The `train` and `eval` subcommands of `dossier-extraction`, as library
//! functions so that `main.rs` stays a thin dispatcher. (The in-process
//! throughput bench is `dossier-extraction-bench`, in the bench crate.)

use std::path::PathBuf;
use std::time::Instant;

use super::conll;
use super::eval;
use super::train::{TrainOptions, train};
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
