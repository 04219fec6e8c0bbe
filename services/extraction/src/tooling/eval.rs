//! Evaluation with conlleval semantics: a name counts as correct only if its
//! span and type both match exactly; precision, recall and F1 per type and
//! overall, from IOB1 (or IOB2) gold tags.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use super::conll::{self, Document, Sentence, Span, TitleStyle};
use crate::tagger::Tagger;
use crate::tagger::labels::{self, TYPES};

/// True positives, false positives, false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub correct: usize,
    pub found: usize,
    pub gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        pct(self.correct, self.found)
    }

    pub fn recall(&self) -> f64 {
        pct(self.correct, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, o: Counts) {
        self.correct += o.correct;
        self.found += o.found;
        self.gold += o.gold;
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// Span-level scores by type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub by_type: BTreeMap<String, Counts>,
}

impl Scores {
    /// Adds one sentence's gold and predicted spans.
    pub fn add(&mut self, gold: &[Span], pred: &[Span]) {
        for g in gold {
            self.by_type.entry(g.label.clone()).or_default().gold += 1;
        }
        for p in pred {
            let c = self.by_type.entry(p.label.clone()).or_default();
            c.found += 1;
            if gold.contains(p) {
                c.correct += 1;
            }
        }
    }

    pub fn overall(&self) -> Counts {
        let mut all = Counts::default();
        for c in self.by_type.values() {
            all.add(*c);
        }
        all
    }

    /// Per-type rows then `overall`.
    pub fn rows(&self) -> Vec<(String, Counts)> {
        let mut v: Vec<(String, Counts)> =
            self.by_type.iter().map(|(k, c)| (k.clone(), *c)).collect();
        v.push(("overall".into(), self.overall()));
        v
    }
}

/// The result of an evaluation run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub scores: Scores,
    /// Overall F1 of the first pass alone.
    pub pass1_f1: f64,
    /// Scores on a Title Case copy of the documents (see [`title_cased`]):
    /// how much the tagger leans on capitalisation in headline-style lines.
    pub title_case: Scores,
    pub tokens: usize,
    /// Seconds spent tagging the pre-tokenized documents (both passes).
    pub tag_secs: f64,
    /// Seconds for the whole pipeline on the documents as plain text
    /// (tokenize, split sentences, tag, type).
    pub text_secs: f64,
}

impl Report {
    /// A conlleval-style table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "type", "precision", "recall", "F1", "gold", "found", "correct"
        );
        for (name, c) in self.scores.rows() {
            let _ = writeln!(
                s,
                "{:<8} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {:>7}",
                name,
                c.precision(),
                c.recall(),
                c.f1(),
                c.gold,
                c.found,
                c.correct
            );
        }
        let _ = writeln!(s, "first pass only: F1 {:.2}", self.pass1_f1);
        let t = self.title_case.overall();
        let _ = writeln!(
            s,
            "title-cased copy: precision {:.2}, recall {:.2}, F1 {:.2}",
            t.precision(),
            t.recall(),
            t.f1()
        );
        let rate = |secs: f64| {
            if secs > 0.0 {
                self.tokens as f64 / secs
            } else {
                0.0
            }
        };
        let _ = writeln!(
            s,
            "{} tokens; tagging pre-tokenized: {:.0} tokens/s; tokenize+tag+type from text: {:.0} tokens/s (single thread)",
            self.tokens,
            rate(self.tag_secs),
            rate(self.text_secs)
        );
        s
    }
}

fn to_spans(spans: impl IntoIterator<Item = (usize, usize, usize)>) -> Vec<Span> {
    spans
        .into_iter()
        .map(|(start, end, t)| Span {
            start,
            end,
            label: TYPES[t].to_string(),
        })
        .collect()
}

/// Tags `docs` and scores the result against their gold tags.
pub fn evaluate(tagger: &Tagger, docs: &[Document]) -> Report {
    let mut report = Report::default();
    let mut pass1 = Scores::default();
    let words: Vec<Vec<Vec<&str>>> = docs
        .iter()
        .map(|d| {
            d.sentences
                .iter()
                .map(|s| s.words.iter().map(String::as_str).collect())
                .collect()
        })
        .collect();
    let t0 = Instant::now();
    let tagged: Vec<_> = words.iter().map(|w| tagger.tag_tokens(w)).collect();
    report.tag_secs = t0.elapsed().as_secs_f64();
    for ((doc, w), spans) in docs.iter().zip(&words).zip(&tagged) {
        let first = tagger.first_pass(w);
        for ((s, sp), f) in doc.sentences.iter().zip(spans).zip(&first) {
            let gold = conll::spans(&s.tags);
            let pred = to_spans(sp.iter().map(|x| (x.start, x.end, x.ty)));
            report.scores.add(&gold, &pred);
            pass1.add(&gold, &to_spans(labels::decode(f)));
            report.tokens += s.words.len();
        }
    }
    report.pass1_f1 = pass1.overall().f1();
    report.title_case = score(tagger, &title_cased(docs));
    let texts: Vec<String> = docs.iter().map(plain_text).collect();
    let t0 = Instant::now();
    let mut n = 0;
    for t in &texts {
        n += tagger.tag(t).len();
    }
    report.text_secs = t0.elapsed().as_secs_f64();
    std::hint::black_box(n);
    report
}

/// Span scores of both passes on `docs`.
fn score(tagger: &Tagger, docs: &[Document]) -> Scores {
    let mut scores = Scores::default();
    for doc in docs {
        let words: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        for (s, sp) in doc.sentences.iter().zip(tagger.tag_tokens(&words)) {
            let pred = to_spans(sp.iter().map(|x| (x.start, x.end, x.ty)));
            scores.add(&conll::spans(&s.tags), &pred);
        }
    }
    scores
}

/// A Title Case copy of `docs`, gold tags unchanged: every sentence
/// title-cased, alternately in [`TitleStyle::Every`] and
/// [`TitleStyle::Headline`] style (capital headlines true-cased first).
pub fn title_cased(docs: &[Document]) -> Vec<Document> {
    let mut k = 0usize;
    docs.iter()
        .map(|d| Document {
            sentences: d
                .sentences
                .iter()
                .map(|s| {
                    k += 1;
                    let style = if k.is_multiple_of(2) {
                        TitleStyle::Every
                    } else {
                        TitleStyle::Headline
                    };
                    Sentence {
                        words: conll::title_case(&s.words, style, &d.sentences),
                        tags: s.tags.clone(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A document as plain text: tokens joined by spaces, one sentence a line.
pub fn plain_text(doc: &Document) -> String {
    let mut s = String::new();
    for sent in &doc.sentences {
        s.push_str(&sent.words.join(" "));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(s: usize, e: usize, l: &str) -> Span {
        Span {
            start: s,
            end: e,
            label: l.into(),
        }
    }

    #[test]
    fn conlleval_exact_match() {
        let mut sc = Scores::default();
        // Gold: PER 0..2, LOC 3..4. Predicted: PER 0..1 (wrong span), LOC 3..4 (right), ORG 5..6 (spurious).
        sc.add(
            &[sp(0, 2, "PER"), sp(3, 4, "LOC")],
            &[sp(0, 1, "PER"), sp(3, 4, "LOC"), sp(5, 6, "ORG")],
        );
        let all = sc.overall();
        assert_eq!(
            all,
            Counts {
                correct: 1,
                found: 3,
                gold: 2
            }
        );
        assert!((all.precision() - 33.333).abs() < 0.01);
        assert!((all.recall() - 50.0).abs() < 1e-9);
        assert!((all.f1() - 40.0).abs() < 1e-9);
        assert_eq!(sc.by_type["LOC"].f1(), 100.0);
        assert_eq!(sc.by_type["PER"].f1(), 0.0);
        let iob1 = conll::spans(&["I-PER", "I-PER", "O", "I-LOC"]);
        assert_eq!(iob1, vec![sp(0, 2, "PER"), sp(3, 4, "LOC")]);
    }
}
