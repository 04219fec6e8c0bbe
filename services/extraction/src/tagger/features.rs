//! Feature extraction: from a document's tokens to feature hashes per token.
//!
//! Three groups of features:
//! - local: the word, its lowercase form, shapes, affixes, clusters, case in
//!   context (sentence-initial, headline, Title Case line), a window of two
//!   words each side;
//! - lexicon: gazetteer and training-name matches over token spans, with their
//!   position in the match (BILU) and the capitalisation of the token;
//! - document: how the same word is written elsewhere in the document (case
//!   evidence, no predictions needed) and, in the second pass, how the first
//!   pass tagged it elsewhere (Ratinov & Roth's non-local features).

use super::hash::{hash_str, mix};
use super::labels::{self, N_TAGS, Pos};
use super::lexicon::{Lexicon, MAX_PHRASE, PREFIX_BIT, phrase_step};
use super::map::U64Map;
use super::word::{ALL_CAPS, HAS_ALPHA, HAS_DIGIT, INIT_CAP, LIST_PUNCT, LOWER, SMALL, WordInfo};

// Feature templates. Values are fixed: model files store hashes built from them.
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_LOWER: u64 = 3;
const T_SHAPE: u64 = 4;
const T_SSHAPE: u64 = 5;
const T_PRE: u64 = 6;
const T_SUF: u64 = 10;
const T_CLUSTER: u64 = 14;
const T_CAPCTX: u64 = 17;
const T_WIN_LOWER: u64 = 20;
const T_WIN_SHAPE: u64 = 25;
const T_WIN_CLUSTER: u64 = 30;
const T_WIN_WORD: u64 = 35;
const T_BIGRAM_L: u64 = 40;
const T_BIGRAM_R: u64 = 41;
const T_SHAPE3: u64 = 42;
const T_GAZ: u64 = 50;
const T_GAZ_WIN: u64 = 51;
const T_LEX: u64 = 52;
const T_LEX_MAJ: u64 = 53;
const T_DOC_CASE: u64 = 60;
const T_DOC_MAJ: u64 = 70;
const T_DOC_ANY: u64 = 71;
const T_DOC_OUT: u64 = 72;
const T_PASS1: u64 = 73;
const T_DOC_SPAN: u64 = 74;
const T_TITLE_LOWER: u64 = 80;
const T_TITLE_CLUSTER: u64 = 81;

/// Mixed into the shape and exact-word window features of a Title Case line,
/// where every neighbour looks like a name: there they are weights of their
/// own, learned from title-cased training sentences.
const TITLE_SALT: u64 = 0x7171_7e00_0000_0000;

const NONE: u64 = 0x7777;

/// A sentence prepared for feature extraction.
#[derive(Debug, Clone, Default)]
pub struct SentView {
    pub info: Vec<WordInfo>,
    /// Each token's index in [`DocView::words`].
    pub ids: Vec<u32>,
    /// Most letters are capitals: a headline or a shouted line.
    pub headline: bool,
    /// A Title Case line (see [`is_title_line`]): a headline, section head
    /// or teaser where capitals say nothing about names.
    pub title: bool,
    /// Lexicon-match features per token: `(token, feature)`, sorted by token.
    lex_feats: Vec<(u32, u64)>,
    /// Gazetteer categories of single-token matches.
    unit_gaz: Vec<u16>,
}

/// A document prepared for feature extraction.
#[derive(Debug, Clone, Default)]
pub struct DocView {
    pub sents: Vec<SentView>,
    /// Lowercase word hash -> case evidence bits (see `case_bits`).
    case: U64Map<u8>,
    /// First-pass predictions, when running the second pass.
    pass1: Option<Pass1>,
}

#[derive(Debug, Clone, Default)]
struct Pass1 {
    labels: Vec<Vec<u8>>,
    /// Lowercase word hash -> how often tagged O (when capitalised) and as each type.
    counts: U64Map<[u16; 5]>,
    /// Lowercase word hash -> type bits of multi-token names it ends elsewhere.
    span_last: U64Map<u8>,
}

const SEEN_LOWER: u8 = 1;
const SEEN_TITLE_MID: u8 = 2;
const SEEN_CAPS_MID: u8 = 4;

impl DocView {
    /// Prepares a document. `own_names` holds, for a training document, the
    /// names it contributed to the training lexicon (phrase key -> type bits),
    /// which are subtracted so that the lexicon does not leak the gold answer.
    pub fn new<S: AsRef<str> + Sync>(
        sentences: &[Vec<S>],
        lex: &Lexicon,
        own_names: Option<&U64Map<u8>>,
    ) -> DocView {
        Self::new_with(sentences, lex, own_names, false)
    }

    /// [`DocView::new`], preparing the sentences on the rayon pool when
    /// `parallel` (each sentence's word properties and lexicon matches are
    /// independent; only the document's case evidence is gathered after).
    pub fn new_with<S: AsRef<str> + Sync>(
        sentences: &[Vec<S>],
        lex: &Lexicon,
        own_names: Option<&U64Map<u8>>,
        parallel: bool,
    ) -> DocView {
        use rayon::prelude::*;
        Self::new_with_words(sentences, lex, own_names, parallel, |distinct, _| {
            if parallel {
                distinct.par_iter().map(|w| WordInfo::new(w, lex)).collect()
            } else {
                distinct.iter().map(|w| WordInfo::new(w, lex)).collect()
            }
        })
    }

    /// [`DocView::new_with`], the properties of the document's distinct
    /// words (in order of first use, with their [`hash_str`] hashes) given
    /// by `words_of` (the tagger takes them from its cache of words met in
    /// earlier documents).
    pub(crate) fn new_with_words<S: AsRef<str> + Sync>(
        sentences: &[Vec<S>],
        lex: &Lexicon,
        own_names: Option<&U64Map<u8>>,
        parallel: bool,
        words_of: impl FnOnce(&[&str], &[u64]) -> Vec<WordInfo>,
    ) -> DocView {
        use rayon::prelude::*;
        // Nearly half the tokens of a news article repeat a word used before
        // in it: each distinct word's properties are computed once.
        let vocab = Vocab::new(sentences);
        let distinct: Vec<&str> = vocab
            .first
            .iter()
            .map(|&(s, i)| sentences[s as usize][i as usize].as_ref())
            .collect();
        let words = words_of(&distinct, &vocab.hashes);
        debug_assert_eq!(words.len(), distinct.len());
        let prepare = |ids: &Vec<u32>| SentView::new(ids, &words, lex, own_names);
        let sents: Vec<SentView> = if parallel {
            vocab.ids.par_iter().map(prepare).collect()
        } else {
            vocab.ids.iter().map(prepare).collect()
        };
        let mut case: U64Map<u8> = U64Map::with_capacity(64);
        for s in &sents {
            for (i, w) in s.info.iter().enumerate() {
                let bits = if w.flags & LOWER != 0 {
                    SEEN_LOWER
                } else if i > 0 && !s.headline && !s.title && w.flags & INIT_CAP != 0 {
                    if w.flags & ALL_CAPS != 0 {
                        SEEN_CAPS_MID
                    } else {
                        SEEN_TITLE_MID
                    }
                } else {
                    0
                };
                if bits != 0 {
                    *case.entry(w.lower) |= bits;
                }
            }
        }
        DocView {
            sents,
            case,
            pass1: None,
        }
    }

    /// Installs first-pass labels, enabling the second-pass features.
    pub fn set_pass1(&mut self, labels: Vec<Vec<u8>>) {
        let mut counts: U64Map<[u16; 5]> = U64Map::with_capacity(64);
        let mut span_last: U64Map<u8> = U64Map::with_capacity(16);
        for (s, ls) in self.sents.iter().zip(&labels) {
            for (w, &l) in s.info.iter().zip(ls) {
                if !w.is_cap() {
                    continue;
                }
                let c = counts.entry(w.lower);
                let k = labels::ty(l).map_or(0, |t| t + 1);
                c[k] = c[k].saturating_add(1);
                if labels::pos(l) == Pos::Last
                    && let Some(t) = labels::ty(l)
                {
                    *span_last.entry(w.lower) |= 1 << t;
                }
            }
        }
        self.pass1 = Some(Pass1 {
            labels,
            counts,
            span_last,
        });
    }

    /// Appends the feature hashes of token `i` of sentence `s` to `out`:
    /// [`word_features`] of its word, then [`DocView::context_features`].
    pub fn features(&self, s: usize, i: usize, out: &mut Vec<u64>) {
        let sent = &self.sents[s];
        word_features_in(&sent.info[i], sent.title, out);
        self.context_features(s, i, out);
    }

    /// The features of token `i` of sentence `s` that depend on more than
    /// its word (neighbours, case in context, lexicon matches, document).
    pub fn context_features(&self, s: usize, i: usize, out: &mut Vec<u64>) {
        let sent = &self.sents[s];
        context_local_features(sent, i, out);
        let start = sent.lex_feats.partition_point(|&(t, _)| (t as usize) < i);
        for &(t, f) in &sent.lex_feats[start..] {
            if t as usize != i {
                break;
            }
            out.push(f);
        }
        let w = &sent.info[i];
        let cap = cap_state(sent, i);
        for (off, j) in [(0u64, i.wrapping_sub(1)), (1, i + 1)] {
            if let Some(&g) = sent.unit_gaz.get(j) {
                for b in 0..10 {
                    if g & (1 << b) != 0 {
                        out.push(mix(T_GAZ_WIN, off << 8 | b << 3 | cap));
                    }
                }
            }
        }
        if w.flags & HAS_ALPHA != 0 && w.is_cap() {
            let bits = self.case.get(w.lower).unwrap_or(0) as u64;
            out.push(mix(T_DOC_CASE, bits << 4 | cap));
        }
        if let Some(p) = &self.pass1 {
            pass2_features(p, sent, s, i, cap, out);
        }
    }
}

impl SentView {
    /// Word properties (from the document's distinct `words`), headline
    /// detection and lexicon matches of one sentence.
    fn new(ids: &[u32], words: &[WordInfo], lex: &Lexicon, own_names: Option<&U64Map<u8>>) -> Self {
        let info: Vec<WordInfo> = ids.iter().map(|&id| words[id as usize]).collect();
        let alpha = info.iter().filter(|w| w.flags & HAS_ALPHA != 0).count();
        let caps = info
            .iter()
            .filter(|w| w.flags & ALL_CAPS != 0 && w.flags & HAS_ALPHA != 0)
            .count();
        let headline = alpha >= 2 && caps * 10 >= alpha * 7;
        let title = !headline && is_title_line(&info);
        let mut s = SentView {
            info,
            ids: ids.to_vec(),
            headline,
            title,
            lex_feats: Vec::new(),
            unit_gaz: Vec::new(),
        };
        s.match_lexicon(lex, own_names);
        s
    }
}

impl DocView {
    /// Only the second-pass features of token `i` of sentence `s` (none
    /// before `set_pass1`): `features` = first-pass features + these, which
    /// lets the tagger reuse first-pass scores in the second pass.
    pub fn pass2_only(&self, s: usize, i: usize, out: &mut Vec<u64>) {
        if let Some(p) = &self.pass1 {
            let sent = &self.sents[s];
            pass2_features(p, sent, s, i, cap_state(sent, i), out);
        }
    }
}

/// Whether a sentence is a Title Case line: at least three words (tokens
/// starting with a letter), at least 70% of them capitalised, every
/// lowercase one a short function word ("of", "with") as headline style
/// leaves them, numbers at most a third as many as words, and at most one
/// comma or bracket.
///
/// A sentence rich in names still has lowercase content words ("Ana Ruiz met
/// Wu Hao in Paris" has "met"); the numbers and punctuation bounds keep out
/// the tables and lists of names CoNLL-2003 is full of ("North Sydney 46
/// South Sydney 4", "6. Chandra Sturrup ( Bahamas ) 22.85"), which are not
/// headlines and whose capitals are names. Measured on CoNLL-2003: 1.1% of
/// the training sentences and 1.1% of the dev sentences count, mostly
/// datelines and section heads ("Results of Major League", "Summary of
/// Consolidated Financial Data").
pub fn is_title_line(info: &[WordInfo]) -> bool {
    let (mut words, mut caps, mut numbers, mut punct) = (0usize, 0usize, 0usize, 0usize);
    for w in info {
        if w.flags & INIT_CAP != 0 {
            words += 1;
            caps += 1;
        } else if w.flags & LOWER != 0 {
            if w.flags & SMALL == 0 {
                return false;
            }
            words += 1;
        }
        numbers += usize::from(w.flags & HAS_DIGIT != 0);
        punct += usize::from(w.flags & LIST_PUNCT != 0);
    }
    words >= 3 && caps * 10 >= words * 7 && numbers * 3 <= words && punct <= 1
}

/// 0: lowercase or no letters; 1: capitalised mid-sentence; 2: capitalised at
/// sentence start; 3: in a headline (capitals); 4: in a Title Case line.
fn cap_state(sent: &SentView, i: usize) -> u64 {
    let w = &sent.info[i];
    if !w.is_cap() {
        0
    } else if sent.headline {
        3
    } else if sent.title {
        4
    } else if i == 0 || is_opening(&sent.info[i - 1]) {
        2
    } else {
        1
    }
}

fn is_opening(w: &WordInfo) -> bool {
    // A token with no letters or digits right before: quotes, dashes, brackets.
    w.flags & (HAS_ALPHA | super::word::HAS_DIGIT) == 0
}

/// The features of a word on its own, wherever it stands: the first
/// features of every token, so that their summed weights can be computed
/// once per distinct word of a document and continued from.
pub fn word_features(w: &WordInfo, out: &mut Vec<u64>) {
    word_features_in(w, false, out);
}

/// [`word_features`], for a word of a Title Case line when `title`: the
/// features that carry its case (the exact word, its shapes) are salted, so
/// that the title-cased training sentences, where capitals mark common
/// words too, do not teach ordinary text to doubt its capitals. The
/// case-free ones (lowercase word, affixes, clusters) are shared.
pub fn word_features_in(w: &WordInfo, title: bool, out: &mut Vec<u64>) {
    let salt = if title { TITLE_SALT } else { 0 };
    out.push(mix(T_BIAS, 0));
    out.push(mix(T_WORD, w.word ^ salt));
    out.push(mix(T_LOWER, w.lower));
    out.push(mix(T_SHAPE, w.shape ^ salt));
    out.push(mix(T_SSHAPE, w.short_shape ^ salt));
    for k in 0..4 {
        if w.prefix[k] != 0 {
            out.push(mix(T_PRE + k as u64, w.prefix[k]));
        }
        if w.suffix[k] != 0 {
            out.push(mix(T_SUF + k as u64, w.suffix[k]));
        }
    }
    for k in 0..3 {
        out.push(mix(T_CLUSTER + k as u64, w.clusters[k] as u64));
    }
}

/// The local features that depend on the neighbours or the position.
///
/// In a Title Case line the shape and exact-word features of the context
/// are salted (weights of their own), and the lowercased word and its
/// clusters are added in the title context: there, whether "Small" is a
/// name is a question about "small".
fn context_local_features(sent: &SentView, i: usize, out: &mut Vec<u64>) {
    let info = &sent.info;
    let w = &info[i];
    let cap = cap_state(sent, i);
    let salt = if sent.title { TITLE_SALT } else { 0 };
    out.push(mix(T_CAPCTX, mix(w.short_shape, cap)));
    if sent.title {
        out.push(mix(T_TITLE_LOWER, w.lower));
        for k in 0..3 {
            out.push(mix(T_TITLE_CLUSTER + k as u64, w.clusters[k] as u64));
        }
    }
    let at = |d: isize| -> Option<&WordInfo> {
        let j = i as isize + d;
        (j >= 0).then(|| info.get(j as usize)).flatten()
    };
    for (k, d) in [-2isize, -1, 1, 2].into_iter().enumerate() {
        let k = k as u64;
        match at(d) {
            Some(n) => {
                out.push(mix(T_WIN_LOWER + k, n.lower));
                out.push(mix(T_WIN_SHAPE + k, n.short_shape ^ salt));
                out.push(mix(T_WIN_CLUSTER + k, n.clusters[2] as u64));
                if d.abs() == 1 {
                    out.push(mix(T_WIN_WORD + k, n.word ^ salt));
                }
            }
            None => out.push(mix(T_WIN_LOWER + k, NONE)),
        }
    }
    let prev = at(-1);
    let next = at(1);
    out.push(mix(
        T_BIGRAM_L,
        mix(prev.map_or(NONE, |p| p.lower), w.lower),
    ));
    out.push(mix(
        T_BIGRAM_R,
        mix(w.lower, next.map_or(NONE, |n| n.lower)),
    ));
    out.push(mix(
        T_SHAPE3,
        mix(
            mix(prev.map_or(NONE, |p| p.short_shape), w.short_shape),
            next.map_or(NONE, |n| n.short_shape),
        ) ^ salt,
    ));
}

fn pass2_features(p: &Pass1, sent: &SentView, s: usize, i: usize, cap: u64, out: &mut Vec<u64>) {
    let w = &sent.info[i];
    let own = p.labels.get(s).and_then(|l| l.get(i)).copied().unwrap_or(0);
    for (k, d) in [-1isize, 0, 1].into_iter().enumerate() {
        let j = i as isize + d;
        let l = if j < 0 {
            N_TAGS as u64
        } else {
            p.labels
                .get(s)
                .and_then(|ls| ls.get(j as usize))
                .map_or(N_TAGS as u64, |&l| l as u64)
        };
        out.push(mix(T_PASS1, (k as u64) << 8 | l));
    }
    if !w.is_cap() {
        return;
    }
    if let Some(mut c) = p.counts.get(w.lower) {
        let k = labels::ty(own).map_or(0, |t| t + 1);
        c[k] = c[k].saturating_sub(1);
        let types = &c[1..];
        let total: u16 = types.iter().sum();
        if total > 0 {
            let (best, _) = types
                .iter()
                .enumerate()
                .max_by_key(|&(t, n)| (*n, std::cmp::Reverse(t)))
                .unwrap_or((0, &0));
            out.push(mix(T_DOC_MAJ, (best as u64) << 4 | cap));
            out.push(mix(T_DOC_MAJ, best as u64 | 0x100));
            for (t, &n) in types.iter().enumerate() {
                if n > 0 {
                    out.push(mix(T_DOC_ANY, t as u64));
                }
            }
        } else if c[0] > 0 {
            out.push(mix(T_DOC_OUT, cap));
        }
    }
    if let Some(bits) = p.span_last.get(w.lower) {
        out.push(mix(T_DOC_SPAN, bits as u64));
    }
}

/// A document's distinct words: each token's word id, and where each word
/// first occurs. Words are the same when their texts are (a hash finds the
/// candidate, the texts are compared).
struct Vocab {
    /// Per sentence, the word id of each token.
    ids: Vec<Vec<u32>>,
    /// Per word id, its first (sentence, token).
    first: Vec<(u32, u32)>,
    /// Per word id, the [`hash_str`] of its text.
    hashes: Vec<u64>,
}

impl Vocab {
    fn new<S: AsRef<str>>(sentences: &[Vec<S>]) -> Vocab {
        let tokens: usize = sentences.iter().map(Vec::len).sum();
        let mut by_hash: U64Map<u32> = U64Map::with_capacity(tokens / 2 + 16);
        let mut first: Vec<(u32, u32)> = Vec::new();
        let mut hashes: Vec<u64> = Vec::new();
        let ids = sentences
            .iter()
            .enumerate()
            .map(|(s, words)| {
                words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let w = w.as_ref();
                        let hash = hash_str(w);
                        let id = by_hash.entry(hash);
                        // Ids are stored plus one: 0 is a new entry.
                        if *id > 0 {
                            let (fs, fi) = first[*id as usize - 1];
                            if sentences[fs as usize][fi as usize].as_ref() == w {
                                return *id - 1;
                            }
                            // Two words with one hash: the later one keeps
                            // its own id, unlisted.
                            first.push((s as u32, i as u32));
                            hashes.push(hash);
                            return first.len() as u32 - 1;
                        }
                        first.push((s as u32, i as u32));
                        hashes.push(hash);
                        *id = first.len() as u32;
                        *id - 1
                    })
                    .collect()
            })
            .collect();
        Vocab { ids, first, hashes }
    }
}

impl SentView {
    /// Finds every lexicon phrase in the sentence and records its features.
    fn match_lexicon(&mut self, lex: &Lexicon, own: Option<&U64Map<u8>>) {
        let n = self.info.len();
        self.unit_gaz = vec![0; n];
        for a in 0..n {
            let mut key = None;
            for b in a..n.min(a + MAX_PHRASE) {
                let k = phrase_step(key, self.info[b].lower);
                key = Some(k);
                let Some(p) = lex.phrases.get(k) else { break };
                let len = b + 1 - a;
                let gaz = p.gaz & !PREFIX_BIT;
                if len == 1 {
                    self.unit_gaz[a] = gaz;
                }
                let own_bits = own.and_then(|o| o.get(k)).unwrap_or(0);
                let mut df = [0u16; 4];
                for (t, d) in df.iter_mut().enumerate() {
                    let mine = u16::from(own_bits & (1 << t) != 0);
                    *d = p.df[t].saturating_sub(mine);
                }
                let maj = df
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| **d > 0)
                    .max_by_key(|&(t, d)| (*d, std::cmp::Reverse(t)))
                    .map(|(t, _)| t);
                for t in a..=b {
                    let pos = match (len, t - a) {
                        (1, _) => 3,
                        (_, 0) => 0,
                        (_, x) if x == len - 1 => 2,
                        _ => 1,
                    };
                    // Bit 3: in a Title Case line, where a capital is no evidence.
                    let capb = u64::from(self.info[t].is_cap()) | u64::from(self.title) << 3;
                    for c in 0..10u64 {
                        if gaz & (1 << c) != 0 {
                            self.lex_feats
                                .push((t as u32, mix(T_GAZ, c << 4 | pos << 1 | capb)));
                        }
                    }
                    for (ty, &d) in df.iter().enumerate() {
                        if d > 0 {
                            let v = (ty as u64) << 4 | pos << 1 | capb;
                            self.lex_feats.push((t as u32, mix(T_LEX, v)));
                        }
                    }
                    if let Some(m) = maj {
                        let v = (m as u64) << 4 | pos << 1 | capb;
                        self.lex_feats.push((t as u32, mix(T_LEX_MAJ, v)));
                    }
                }
            }
        }
        self.lex_feats.sort_by_key(|&(t, _)| t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(line: &str) -> SentView {
        let words: Vec<&str> = line.split(' ').collect();
        let doc = DocView::new(&[words], &Lexicon::default(), None);
        doc.sents[0].clone()
    }

    #[test]
    fn title_case_lines_are_detected() {
        for line in [
            "Why Small States Still Matter",
            "Watching Both Shores At Once",
            "Germany Signs Rail Deal with Poland",
            "Ferry Strike Ends After Nine Days",
            "Analysis : What the Harbour Vote Means for Tallinn",
        ] {
            let s = view(line);
            assert!(s.title && !s.headline, "{line}");
        }
    }

    #[test]
    fn sentences_with_many_names_are_not_title_lines() {
        for line in [
            "Ana Ruiz met Wu Hao and Olaf Berg in Paris on Tuesday .",
            "Lithuania , Latvia and Estonia joined Poland in the talks .",
            "North Harbour 46 South Harbour 4",
            "6. Mara Lind ( Estonia ) 22.85",
            "Rail Deal",
        ] {
            assert!(!view(line).title, "{line}");
        }
        // Capitals are a headline of their own kind.
        let s = view("GERMANY SIGNS RAIL DEAL WITH POLAND");
        assert!(s.headline && !s.title);
    }

    #[test]
    fn title_lines_give_no_case_evidence() {
        // "Small" capitalised inside a title line says nothing about how the
        // document writes "small"; capitalised mid-sentence elsewhere, it does.
        let lex = Lexicon::default();
        let doc = DocView::new(
            &[
                vec!["Why", "Small", "States", "Still", "Matter"],
                vec!["They", "are", "small", "."],
            ],
            &lex,
            None,
        );
        let small = doc.sents[0].info[1].lower;
        assert_eq!(doc.case.get(small), Some(SEEN_LOWER));
        assert_eq!(cap_state(&doc.sents[0], 1), 4);
        assert_eq!(cap_state(&doc.sents[0], 0), 4);
    }
}
