//! The statistical name tagger: a structured averaged perceptron over BILOU
//! labels, decoded with Viterbi, run in two passes per document (the second
//! sees how the first tagged the same words elsewhere in the document).
//!
//! `Tagger` is loaded once and shared: it is immutable, `Send` and `Sync`.

mod cache;
pub(crate) mod decode;
pub(crate) mod features;
mod gloss;
pub(crate) mod hash;
pub mod labels;
pub mod lexicon;
pub(crate) mod map;
pub(crate) mod model;
mod typing;
mod word;

pub use model::{FORMAT_VERSION, Model, ModelError};

use std::collections::BTreeMap;

use decode::Decoder;
use features::DocView;
use labels::N_TAGS;

use crate::EntityType;
use crate::tokenize::{Token, sentences, tokenize};

/// The committed model, embedded in the binary so that a container needs no
/// model file beside it.
static DEFAULT_MODEL: &[u8] = include_bytes!("../../model/ner.model");

/// A name found by the tagger.
#[derive(Debug, Clone, PartialEq)]
pub struct NameSpan {
    /// UTF-8 byte offsets into the tagged text.
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
    /// How sure the tagger is, from 0 to 1 (a squashed Viterbi margin).
    pub confidence: f32,
}

/// A span over token indices of one sentence, with its CoNLL type index
/// (see `labels::TYPES`) and confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenSpan {
    pub start: usize,
    pub end: usize,
    pub ty: usize,
    pub confidence: f32,
}

/// The loaded tagger.
#[derive(Debug, Clone)]
pub struct Tagger {
    model: Model,
    /// Which thread-local word caches hold this model's words (see
    /// [`cache`]); a clone shares the model, so it shares the identity.
    cache_owner: u64,
}

/// Documents with fewer sentences are tagged on one thread even when
/// parallelism is asked for: below this, handing work to the pool costs
/// more than it saves.
const PARALLEL_MIN_SENTENCES: usize = 8;

/// Scale of the margin-to-confidence squashing: a margin of this size gives
/// a confidence of about 0.73.
const MARGIN_SCALE: f32 = 4.0;

impl Tagger {
    /// The model committed with the crate.
    pub fn load_default() -> Result<Tagger, ModelError> {
        Tagger::from_bytes(DEFAULT_MODEL)
    }

    /// A model from a file.
    pub fn load(path: &std::path::Path) -> Result<Tagger, ModelError> {
        Tagger::from_bytes(&std::fs::read(path)?)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, ModelError> {
        Ok(Tagger::from_model(Model::from_bytes(bytes)?))
    }

    pub fn from_model(model: Model) -> Tagger {
        Tagger {
            model,
            cache_owner: cache::new_owner(),
        }
    }

    /// A tagger with all-zero weights: it finds no names but runs every
    /// code path, for tests of what surrounds the tagger.
    pub fn untrained() -> Tagger {
        let trans = vec![0.0; (N_TAGS + 1) * N_TAGS];
        Tagger::from_model(Model {
            masked: decode::masked_transitions(&trans),
            trans,
            ..Model::default()
        })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model's metadata (format version, training data hash, seed, scores).
    pub fn meta(&self) -> &BTreeMap<String, String> {
        &self.model.meta
    }

    /// Finds the names in `text`. Never panics; empty input gives no names.
    pub fn tag(&self, text: &str) -> Vec<NameSpan> {
        self.tag_counted(text).0
    }

    /// Like [`Tagger::tag`], also returning how many tokens were read (the
    /// service reports it, and benchmarks divide by it).
    pub fn tag_counted(&self, text: &str) -> (Vec<NameSpan>, usize) {
        self.tag_counted_with(text, false)
    }

    /// [`Tagger::tag_counted`], with the sentences of long texts spread over
    /// the rayon pool when `parallel` (see [`Tagger::tag_tokens_with`]).
    pub fn tag_counted_with(&self, text: &str, parallel: bool) -> (Vec<NameSpan>, usize) {
        let tokens = tokenize(text);
        let sents = sentences(text, &tokens);
        let words: Vec<Vec<&str>> = sents
            .iter()
            .map(|r| tokens[r.clone()].iter().map(|t| t.text(text)).collect())
            .collect();
        let spans = self.tag_tokens_with(&words, parallel);
        let mut out = Vec::new();
        for ((range, ws), ss) in sents.iter().zip(&words).zip(&spans) {
            let toks: &[Token] = &tokens[range.clone()];
            for sp in ss {
                if let Some(typed) = typing::assign(&self.model.lex, ws, sp) {
                    out.push(NameSpan {
                        start: toks[typed.start].start,
                        end: toks[typed.end - 1].end,
                        entity_type: typed.entity_type,
                        confidence: sp.confidence,
                    });
                }
            }
        }
        gloss::add_glosses(text, &mut out);
        (out, tokens.len())
    }

    /// Tags a pre-tokenized document (sentences of words) with both passes;
    /// returns CoNLL-typed spans per sentence.
    pub fn tag_tokens<S: AsRef<str> + Sync>(&self, sentences: &[Vec<S>]) -> Vec<Vec<TokenSpan>> {
        self.tag_tokens_with(sentences, false)
    }

    /// [`Tagger::tag_tokens`], optionally spreading the sentences of each
    /// pass over the rayon pool (lower latency for one long text; the same
    /// result, since sentences are labelled independently within a pass).
    pub fn tag_tokens_with<S: AsRef<str> + Sync>(
        &self,
        sentences: &[Vec<S>],
        parallel: bool,
    ) -> Vec<Vec<TokenSpan>> {
        use rayon::prelude::*;
        let parallel = parallel && sentences.len() >= PARALLEL_MIN_SENTENCES;
        let mut words = Vec::new();
        let mut view = DocView::new_with_words(
            sentences,
            &self.model.lex,
            None,
            parallel,
            |distinct, hashes| self.cached_words(distinct, hashes, parallel, &mut words),
        );
        let n = view.sents.len();
        let first: Vec<(Vec<u8>, Vec<f32>)> = if parallel {
            (0..n)
                .into_par_iter()
                .map_init(Run::default, |run, s| {
                    run.first_pass(&self.model, &view, &words, s)
                })
                .collect()
        } else {
            let mut run = Run::default();
            (0..n)
                .map(|s| run.first_pass(&self.model, &view, &words, s))
                .collect()
        };
        let (labels, emits): (Vec<_>, Vec<_>) = first.into_iter().unzip();
        view.set_pass1(labels);
        let view = &view;
        if parallel {
            emits
                .into_par_iter()
                .enumerate()
                .map_init(Run::default, |run, (s, e)| {
                    run.second_pass(&self.model, view, s, e)
                })
                .collect()
        } else {
            let mut run = Run::default();
            emits
                .into_iter()
                .enumerate()
                .map(|(s, e)| run.second_pass(&self.model, view, s, e))
                .collect()
        }
    }

    /// The properties of each of `distinct` words (`hashes`: their
    /// [`hash::hash_str`] hashes) and, into `scores`, the
    /// summed weights of its [`features::word_features`] (the start of the
    /// emission scores of every token of that word): from this thread's
    /// cache of words met before, the others computed (on the rayon pool
    /// when `parallel`) and kept.
    fn cached_words(
        &self,
        distinct: &[&str],
        hashes: &[u64],
        parallel: bool,
        scores: &mut Vec<[f32; N_TAGS]>,
    ) -> Vec<word::WordInfo> {
        use rayon::prelude::*;
        let entry = |feats: &mut Vec<u64>, w: &&str| {
            let info = word::WordInfo::new(w, &self.model.lex);
            feats.clear();
            features::word_features(&info, feats);
            let mut row = [0.0; N_TAGS];
            self.model.score(feats, &mut row);
            cache::WordEntry { info, scores: row }
        };
        let mut infos = vec![word::WordInfo::default(); distinct.len()];
        scores.clear();
        scores.resize(distinct.len(), [0.0; N_TAGS]);
        // The cache is borrowed for the lookups and again for the inserts,
        // never across the parallel work between: a rayon thread waiting
        // there may run another document's tagging, which takes the same
        // thread's cache.
        let mut missing = Vec::new();
        let looked_up = cache::with(self.cache_owner, |cache| {
            for (k, (w, &h)) in distinct.iter().zip(hashes).enumerate() {
                match cache.get(w, h) {
                    Some(e) => {
                        infos[k] = e.info;
                        scores[k] = e.scores;
                    }
                    None => missing.push(k),
                }
            }
        });
        if looked_up.is_none() {
            missing = (0..distinct.len()).collect();
        }
        let fresh: Vec<cache::WordEntry> = if parallel {
            missing
                .par_iter()
                .map_init(Vec::new, |feats, &k| entry(feats, &distinct[k]))
                .collect()
        } else {
            let mut feats = Vec::new();
            missing
                .iter()
                .map(|&k| entry(&mut feats, &distinct[k]))
                .collect()
        };
        for (&k, e) in missing.iter().zip(&fresh) {
            infos[k] = e.info;
            scores[k] = e.scores;
        }
        cache::with(self.cache_owner, |cache| {
            for (&k, e) in missing.iter().zip(fresh) {
                cache.insert(distinct[k], hashes[k], e);
            }
        });
        infos
    }

    /// First-pass labels only (for diagnostics and training).
    pub fn first_pass<S: AsRef<str> + Sync>(&self, sentences: &[Vec<S>]) -> Vec<Vec<u8>> {
        let view = DocView::new(sentences, &self.model.lex, None);
        Run::default().label_all(&self.model, &view, false)
    }
}

fn squash(margin: f32) -> f32 {
    if !margin.is_finite() {
        return 1.0;
    }
    1.0 / (1.0 + (-margin / MARGIN_SCALE).exp())
}

/// Reusable buffers for labelling one document.
#[derive(Default)]
pub(crate) struct Run {
    feats: Vec<u64>,
    emit: Vec<f32>,
    decoder: Decoder,
    pub(crate) labels: Vec<u8>,
    margins: Vec<f32>,
}

impl Run {
    /// Labels every sentence of `view` (margins are not computed).
    pub(crate) fn label_all(
        &mut self,
        model: &Model,
        view: &DocView,
        _pass2: bool,
    ) -> Vec<Vec<u8>> {
        (0..view.sents.len())
            .map(|s| {
                self.emissions(model, view, s);
                let mut out = Vec::new();
                self.decoder.viterbi(&self.emit, &model.masked, &mut out);
                out
            })
            .collect()
    }

    fn emissions(&mut self, model: &Model, view: &DocView, s: usize) {
        let n = view.sents[s].info.len();
        self.emit.clear();
        self.emit.resize(n * N_TAGS, 0.0);
        for i in 0..n {
            self.feats.clear();
            view.features(s, i, &mut self.feats);
            model.score(&self.feats, &mut self.emit[i * N_TAGS..(i + 1) * N_TAGS]);
        }
    }

    /// First-pass labels of sentence `s`, and its emission scores (which the
    /// second pass extends). `words` holds each distinct word's summed word
    /// features (see [`Tagger::word_scores`]): a token's scores continue
    /// from its word's with the rest of its features, in the same order as
    /// [`Run::emissions`] adds them all, so the sums are the same.
    fn first_pass(
        &mut self,
        model: &Model,
        view: &DocView,
        words: &[[f32; N_TAGS]],
        s: usize,
    ) -> (Vec<u8>, Vec<f32>) {
        let sent = &view.sents[s];
        self.emit.clear();
        for (i, &id) in sent.ids.iter().enumerate() {
            if sent.title {
                // A Title Case line's words have word features of their own
                // (see `features::word_features_in`): rare, so not cached.
                self.feats.clear();
                features::word_features_in(&sent.info[i], true, &mut self.feats);
                let at = self.emit.len();
                self.emit.resize(at + N_TAGS, 0.0);
                model.score(&self.feats, &mut self.emit[at..]);
            } else {
                self.emit.extend_from_slice(&words[id as usize]);
            }
            self.feats.clear();
            view.context_features(s, i, &mut self.feats);
            let at = self.emit.len() - N_TAGS;
            model.add_score(&self.feats, &mut self.emit[at..]);
        }
        let mut labels = Vec::new();
        self.decoder.viterbi(&self.emit, &model.masked, &mut labels);
        (labels, std::mem::take(&mut self.emit))
    }

    /// Second-pass spans of sentence `s`. Second-pass features extend the
    /// first-pass ones, so only their weights are added to `first_emit`.
    fn second_pass(
        &mut self,
        model: &Model,
        view: &DocView,
        s: usize,
        first_emit: Vec<f32>,
    ) -> Vec<TokenSpan> {
        self.emit = first_emit;
        self.add_pass2_emissions(model, view, s);
        self.decode_sentence(model, true);
        labels::decode(&self.labels)
            .into_iter()
            .map(|(a, b, ty)| {
                let m = self.margins[a..b].iter().fold(f32::MAX, |m, &x| m.min(x));
                TokenSpan {
                    start: a,
                    end: b,
                    ty,
                    confidence: squash(m),
                }
            })
            .collect()
    }

    fn add_pass2_emissions(&mut self, model: &Model, view: &DocView, s: usize) {
        for i in 0..view.sents[s].info.len() {
            self.feats.clear();
            view.pass2_only(s, i, &mut self.feats);
            model.add_score(&self.feats, &mut self.emit[i * N_TAGS..(i + 1) * N_TAGS]);
        }
    }

    /// Decodes `self.emit` into `self.labels`, with margins if asked.
    fn decode_sentence(&mut self, model: &Model, margins: bool) {
        let mut labels = std::mem::take(&mut self.labels);
        self.decoder.viterbi(&self.emit, &model.masked, &mut labels);
        if margins {
            self.decoder
                .margins(&self.emit, &model.masked, &labels, &mut self.margins);
        }
        self.labels = labels;
    }
}

/// A deterministic random generator, for synthetic benchmark text.
pub struct Rng(hash::SplitMix);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(hash::SplitMix(seed))
    }

    /// A pseudo-random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.0.next_u64() % xs.len().max(1) as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(tagger: &Tagger, text: &str) -> Vec<(String, EntityType)> {
        tagger
            .tag(text)
            .into_iter()
            .map(|n| (text[n.start..n.end].to_string(), n.entity_type))
            .collect()
    }

    fn tagger() -> Tagger {
        Tagger::load_default().expect("the committed model loads (train it first)")
    }

    #[test]
    fn documents_tagged_in_parallel_inside_the_pool_agree() {
        use rayon::prelude::*;
        // Each document spreads its own words over the pool while other
        // documents run on it: the per-thread word cache is never lent
        // twice, and every document gets the names it gets alone.
        let t = tagger();
        let docs: Vec<String> = (0..16)
            .map(|d| {
                (0..12)
                    .map(|s| {
                        format!("Minister Ana Ruiz{d} met Wu Hao{s} in Tallinn{d} on Tuesday. ")
                    })
                    .collect()
            })
            .collect();
        let alone: Vec<_> = docs.iter().map(|d| t.tag_counted_with(d, false)).collect();
        let pooled: Vec<_> = docs
            .par_iter()
            .map(|d| t.tag_counted_with(d, true))
            .collect();
        assert_eq!(alone, pooled);
    }

    #[test]
    fn title_case_headline_of_common_words_has_no_names() {
        let t = tagger();
        for headline in [
            "Why Small States Still Matter",
            "Watching Both Shores At Once",
            "The Long Road Back From the Flood",
            "What Comes After the Ceasefire",
            "How the Harbour Vote Was Won",
        ] {
            assert_eq!(names(&t, headline), vec![], "{headline}");
            // Above an article, too.
            let article = format!(
                "{headline}\n\nSmall states have learned to watch both shores at once, \
                 officials in Tallinn said on Tuesday."
            );
            let found = names(&t, &article);
            assert!(
                found.iter().all(|(n, _)| n == "Tallinn" || n == "Tuesday"),
                "{headline}: {found:?}"
            );
        }
    }

    #[test]
    fn title_case_headline_keeps_its_names() {
        let t = tagger();
        let found = names(&t, "Poland Signs Rail Deal With Germany");
        let texts: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(texts, ["Poland", "Germany"], "{found:?}");
        for (headline, want) in [
            (
                "Estonia Opens New Ferry Route to Finland",
                &["Estonia", "Finland"][..],
            ),
            ("Ana Ruiz Wins Second Term", &["Ana Ruiz"][..]),
        ] {
            let found = names(&t, headline);
            let texts: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(texts, want, "{headline}: {found:?}");
        }
    }
}
