//! Training: a structured averaged perceptron, two passes, deterministic for
//! a seed.
//!
//! 1. Lexicons: gazetteer and word clusters from `lexicons/`, plus the names
//!    of the training data (by document frequency; each training document sees
//!    the lexicon without its own names, so the feature is as noisy in training
//!    as it is on new text).
//! 2. First-pass features are indexed (hash -> row) with a frequency cutoff.
//! 3. Jackknife: the first-pass model is trained on k-1 folds of documents and
//!    labels the held-out fold, so the document-level second-pass features see
//!    realistic first-pass mistakes.
//! 4. The final model is trained on every sentence twice: once with
//!    first-pass features only, once with second-pass features, so one weight
//!    table serves both passes.
//!
//! Before all this, title-cased copies of a sample of the training sentences
//! are added to their documents ([`add_title_case`]): CoNLL-2003 writes its
//! headlines in capitals and has almost no Title Case lines, so without them
//! the tagger never learns that a capital in "Why Small States Still Matter"
//! says nothing.

use std::path::PathBuf;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::conll::{self, Document};
use super::eval;
use crate::tagger::features::DocView;
use crate::tagger::hash::SplitMix;
use crate::tagger::labels::{self, N_TAGS, TYPES};
use crate::tagger::lexicon::{Lexicon, lower_hash, phrase_key};
use crate::tagger::map::U64Map;
use crate::tagger::model::{FORMAT_VERSION, Model};
use crate::tagger::{Run, Tagger};

static GAZETTEER: &str = include_str!("../../lexicons/gazetteer.tsv");
static CLUSTERS: &str = include_str!("../../lexicons/clusters.tsv");

/// Training options.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub train: PathBuf,
    pub dev: Option<PathBuf>,
    pub out: PathBuf,
    pub seed: u64,
    pub epochs: usize,
    /// Folds for the jackknifed first pass.
    pub folds: usize,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            train: PathBuf::new(),
            dev: None,
            out: PathBuf::from("ner.model"),
            seed: 1,
            epochs: 12,
            folds: 5,
            min_count: 1,
        }
    }
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} has no sentences")]
    Empty(PathBuf),
}

/// A sentence compiled to feature rows.
struct Example {
    rows: Vec<u32>,
    offs: Vec<u32>,
    gold: Vec<u8>,
}

/// Trains a model, writes it to `opts.out`, and returns it.
pub fn train(opts: &TrainOptions, log: &mut dyn FnMut(&str)) -> Result<Model, TrainError> {
    let started = Instant::now();
    let raw = std::fs::read(&opts.train).map_err(|source| TrainError::Read {
        path: opts.train.clone(),
        source,
    })?;
    let sha = hex::encode(Sha256::digest(&raw));
    let mut docs = conll::parse(&String::from_utf8_lossy(&raw));
    if docs.is_empty() {
        return Err(TrainError::Empty(opts.train.clone()));
    }
    let added = add_title_case(&mut docs, opts.seed);
    log(&format!("{added} title-cased sentence copies added"));
    let dev = match &opts.dev {
        Some(p) => Some(conll::read_file(p).map_err(|source| TrainError::Read {
            path: p.clone(),
            source,
        })?),
        None => None,
    };
    let (lex, own) = build_lexicon(&docs);
    log(&format!(
        "{} documents, {} phrases, {} cluster words",
        docs.len(),
        lex.phrases.len(),
        lex.clusters.len()
    ));
    let golds: Vec<Vec<Vec<u8>>> = docs.iter().map(gold_labels).collect();
    let mut views: Vec<DocView> = docs
        .iter()
        .zip(&own)
        .map(|(d, o)| DocView::new(&words_of(d), &lex, Some(o)))
        .collect();

    let mut model = Model {
        lex,
        ..Model::default()
    };
    let mut rows: U64Map<u32> = U64Map::with_capacity(1 << 20);
    let pass1 = compile(&views, &golds, &mut rows, opts.min_count);
    log(&format!("first pass: {} feature rows", rows.len()));

    // Jackknifed first pass.
    let k = opts.folds.max(2);
    let mut first: Vec<Vec<Vec<u8>>> = vec![Vec::new(); docs.len()];
    for fold in 0..k {
        let train_ex: Vec<&Example> = pass1
            .iter()
            .filter(|(d, _)| d % k != fold)
            .map(|(_, e)| e)
            .collect();
        let (w, t) = perceptron(
            &train_ex,
            rows.len(),
            opts.epochs,
            opts.seed + fold as u64,
            log,
        );
        let fold_model = Model {
            rows: rows.clone(),
            weights: w,
            masked: crate::tagger::decode::masked_transitions(&t),
            trans: t,
            ..Model::default()
        };
        let mut run = Run::default();
        for d in (0..docs.len()).filter(|d| d % k == fold) {
            first[d] = run.label_all(&fold_model, &views[d], false);
        }
        log(&format!(
            "fold {}/{k} done ({:.0?})",
            fold + 1,
            started.elapsed()
        ));
    }
    for (v, f) in views.iter_mut().zip(first) {
        v.set_pass1(f);
    }
    let pass2 = compile(&views, &golds, &mut rows, opts.min_count);
    log(&format!("second pass: {} feature rows", rows.len()));

    let all: Vec<&Example> = pass1.iter().chain(&pass2).map(|(_, e)| e).collect();
    let (w, t) = perceptron(&all, rows.len(), opts.epochs, opts.seed, log);
    model.rows = rows;
    model.weights = w;
    model.masked = crate::tagger::decode::masked_transitions(&t);
    model.trans = t;
    prune(&mut model);
    log(&format!(
        "final model: {} rows ({:.0?})",
        model.rows.len(),
        started.elapsed()
    ));

    let meta = &mut model.meta;
    meta.insert("format_version".into(), FORMAT_VERSION.to_string());
    meta.insert("train_file".into(), file_name(&opts.train));
    meta.insert("train_sha256".into(), sha);
    meta.insert("seed".into(), opts.seed.to_string());
    meta.insert("epochs".into(), opts.epochs.to_string());
    meta.insert("folds".into(), k.to_string());
    meta.insert("min_count".into(), opts.min_count.to_string());
    meta.insert(
        "scheme".into(),
        "BILOU, averaged perceptron, 2 passes".into(),
    );
    // Round-trip through the file format so that dev scores are those of the
    // quantised weights actually shipped.
    let mut model = Model::from_bytes(&model.to_bytes()).map_err(|e| TrainError::Write {
        path: opts.out.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    if let (Some(dev), Some(path)) = (&dev, &opts.dev) {
        let tagger = Tagger::from_model(model.clone());
        let report = eval::evaluate(&tagger, dev);
        log(&report.table());
        model.meta.insert("dev_file".into(), file_name(path));
        for (name, c) in report.scores.rows() {
            model
                .meta
                .insert(format!("dev_f1_{name}"), format!("{:.2}", c.f1()));
        }
        model
            .meta
            .insert("dev_f1_pass1".into(), format!("{:.2}", report.pass1_f1));
        // Not `dev_f1_…`: GetModelInfo reads those keys as per-type scores.
        model.meta.insert(
            "title_cased_dev_f1".into(),
            format!("{:.2}", report.title_case.overall().f1()),
        );
    }
    std::fs::write(&opts.out, model.to_bytes()).map_err(|source| TrainError::Write {
        path: opts.out.clone(),
        source,
    })?;
    Ok(model)
}

/// Of each document's capital headlines (the lines CoNLL writes in
/// capitals, which modern news writes in Title Case), one in
/// `HEADLINE_EVERY`; of its other sentences, one in `BODY_EVERY`. Chosen on
/// CoNLL dev (seed 1; seed 2 agrees within its noise): one body sentence in
/// 4 gave 92.17 dev F1 and 73.75 on the title-cased copy, one in 8 gave
/// 92.61 and 74.05, one in 16 gave 92.72 and 75.95.
const HEADLINE_EVERY: u64 = 2;
const BODY_EVERY: u64 = 16;

/// Appends to each document title-cased copies of a sample of its sentences,
/// labels kept (see [`conll::title_case`]); deterministic for a seed. The
/// copies stay in their document, as a headline does, so the document
/// features (how the words are written and tagged in the body) are learned
/// for Title Case lines too. The originals stay: the tagger must still read
/// CoNLL's capital headlines. Returns how many copies were added.
fn add_title_case(docs: &mut [Document], seed: u64) -> usize {
    let mut rng = SplitMix(seed ^ 0x7171_7e0c_a5e0_0001);
    let mut added = 0;
    for doc in docs.iter_mut() {
        let mut copies = Vec::new();
        for s in &doc.sentences {
            let every = if conll::is_shouted(&s.words) {
                HEADLINE_EVERY
            } else {
                BODY_EVERY
            };
            let r = rng.next_u64();
            if !r.is_multiple_of(every) {
                continue;
            }
            let style = if (r >> 32).is_multiple_of(2) {
                conll::TitleStyle::Every
            } else {
                conll::TitleStyle::Headline
            };
            let words = conll::title_case(&s.words, style, &doc.sentences);
            if words != s.words {
                copies.push(conll::Sentence {
                    words,
                    tags: s.tags.clone(),
                });
            }
        }
        added += copies.len();
        doc.sentences.extend(copies);
    }
    added
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn words_of(doc: &Document) -> Vec<Vec<&str>> {
    doc.sentences
        .iter()
        .map(|s| s.words.iter().map(String::as_str).collect())
        .collect()
}

fn type_index(label: &str) -> Option<usize> {
    TYPES.iter().position(|t| *t == label)
}

fn gold_labels(doc: &Document) -> Vec<Vec<u8>> {
    doc.sentences
        .iter()
        .map(|s| {
            let spans: Vec<(usize, usize, usize)> = conll::spans(&s.tags)
                .into_iter()
                .filter_map(|sp| type_index(&sp.label).map(|t| (sp.start, sp.end, t)))
                .collect();
            labels::encode(s.words.len(), &spans)
        })
        .collect()
}

/// The packaged lexicons plus the training names; also returns, per training
/// document, the names it contributed (phrase key -> type bits).
fn build_lexicon(docs: &[Document]) -> (Lexicon, Vec<U64Map<u8>>) {
    let mut lex = Lexicon::default();
    lex.add_gazetteer(GAZETTEER);
    lex.add_clusters(CLUSTERS);
    let mut own = Vec::with_capacity(docs.len());
    for doc in docs {
        let mut mine: U64Map<u8> = U64Map::with_capacity(32);
        for s in &doc.sentences {
            for sp in conll::spans(&s.tags) {
                let Some(t) = type_index(&sp.label) else {
                    continue;
                };
                let lowers: Vec<u64> = s.words[sp.start..sp.end]
                    .iter()
                    .map(|w| lower_hash(w))
                    .collect();
                let key = phrase_key(&lowers);
                let bits = mine.entry(key);
                if *bits & (1 << t) == 0 {
                    *bits |= 1 << t;
                    lex.add_phrase(&lowers, |p| p.df[t] = p.df[t].saturating_add(1));
                }
            }
        }
        own.push(mine);
    }
    (lex, own)
}

/// Compiles every sentence of `views` to feature rows, adding rows for
/// features seen at least `min_count` times. Returns `(document, example)`.
fn compile(
    views: &[DocView],
    golds: &[Vec<Vec<u8>>],
    rows: &mut U64Map<u32>,
    min_count: u32,
) -> Vec<(usize, Example)> {
    let mut hashes: Vec<(usize, Vec<u64>, Vec<u32>)> = Vec::new();
    let mut counts: U64Map<u32> = U64Map::with_capacity(1 << 20);
    let mut buf = Vec::new();
    for (d, v) in views.iter().enumerate() {
        for s in 0..v.sents.len() {
            let mut all = Vec::new();
            let mut offs = vec![0u32];
            for i in 0..v.sents[s].info.len() {
                buf.clear();
                v.features(s, i, &mut buf);
                for &f in &buf {
                    *counts.entry(f) += 1;
                }
                all.extend_from_slice(&buf);
                offs.push(all.len() as u32);
            }
            hashes.push((d, all, offs));
        }
    }
    let mut out = Vec::with_capacity(hashes.len());
    let mut sent_of_doc = vec![0usize; views.len()];
    for (d, all, offs) in hashes {
        let s = sent_of_doc[d];
        sent_of_doc[d] += 1;
        let mut ex_rows = Vec::with_capacity(all.len());
        let mut ex_offs = vec![0u32];
        for w in offs.windows(2) {
            for &f in &all[w[0] as usize..w[1] as usize] {
                if counts.get(f).unwrap_or(0) < min_count {
                    continue;
                }
                let next = rows.len() as u32;
                let r = match rows.get(f) {
                    Some(r) => r,
                    None => {
                        rows.insert(f, next);
                        next
                    }
                };
                ex_rows.push(r);
            }
            ex_offs.push(ex_rows.len() as u32);
        }
        out.push((
            d,
            Example {
                rows: ex_rows,
                offs: ex_offs,
                gold: golds[d][s].clone(),
            },
        ));
    }
    out
}

/// Averaged structured perceptron. Returns averaged `(weights, transitions)`.
fn perceptron(
    examples: &[&Example],
    n_rows: usize,
    epochs: usize,
    seed: u64,
    log: &mut dyn FnMut(&str),
) -> (Vec<f32>, Vec<f32>) {
    let n_trans = (N_TAGS + 1) * N_TAGS;
    let mut w = vec![0f32; n_rows * N_TAGS];
    let mut u = vec![0f64; n_rows * N_TAGS];
    let mut tw = vec![0f32; n_trans];
    let mut tu = vec![0f64; n_trans];
    let mut c = 1f64;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = SplitMix(seed);
    let mut decoder = crate::tagger::decode::Decoder::default();
    let mut emit = Vec::new();
    let mut pred = Vec::new();
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        let mut wrong = 0usize;
        let mut total = 0usize;
        for &e in &order {
            let ex = examples[e];
            let n = ex.gold.len();
            emit.clear();
            emit.resize(n * N_TAGS, 0f32);
            for i in 0..n {
                let out = &mut emit[i * N_TAGS..(i + 1) * N_TAGS];
                for &r in &ex.rows[ex.offs[i] as usize..ex.offs[i + 1] as usize] {
                    let row = &w[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
                    for (o, x) in out.iter_mut().zip(row) {
                        *o += x;
                    }
                }
            }
            let masked = crate::tagger::decode::masked_transitions(&tw);
            decoder.viterbi(&emit, &masked, &mut pred);
            total += n;
            if pred != ex.gold {
                for i in 0..n {
                    let (g, p) = (ex.gold[i] as usize, pred[i] as usize);
                    if g != p {
                        wrong += 1;
                        for &r in &ex.rows[ex.offs[i] as usize..ex.offs[i + 1] as usize] {
                            let base = r as usize * N_TAGS;
                            w[base + g] += 1.0;
                            u[base + g] += c;
                            w[base + p] -= 1.0;
                            u[base + p] -= c;
                        }
                    }
                    let gp = if i == 0 {
                        0
                    } else {
                        ex.gold[i - 1] as usize + 1
                    };
                    let pp = if i == 0 { 0 } else { pred[i - 1] as usize + 1 };
                    if (gp, g) != (pp, p) {
                        tw[gp * N_TAGS + g] += 1.0;
                        tu[gp * N_TAGS + g] += c;
                        tw[pp * N_TAGS + p] -= 1.0;
                        tu[pp * N_TAGS + p] -= c;
                    }
                }
            }
            c += 1.0;
        }
        log(&format!(
            "  epoch {}: {:.2}% token errors",
            epoch + 1,
            100.0 * wrong as f64 / total.max(1) as f64
        ));
    }
    let avg = |w: &[f32], u: &[f64]| -> Vec<f32> {
        w.iter()
            .zip(u)
            .map(|(&w, &u)| (w as f64 - u / c) as f32)
            .collect()
    };
    (avg(&w, &u), avg(&tw, &tu))
}

/// Drops rows whose weights are all (nearly) zero.
fn prune(model: &mut Model) {
    let mut rows: U64Map<u32> = U64Map::with_capacity(model.rows.len() / 2);
    let mut weights = Vec::new();
    let mut entries: Vec<(u64, u32)> = model.rows.iter().collect();
    entries.sort_by_key(|&(_, r)| r);
    for (key, r) in entries {
        let row = &model.weights[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
        if row.iter().any(|x| x.abs() > 1e-3) {
            rows.insert(key, (weights.len() / N_TAGS) as u32);
            weights.extend_from_slice(row);
        }
    }
    model.rows = rows;
    model.weights = weights;
}
