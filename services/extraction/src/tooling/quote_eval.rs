//! Scoring quote attribution on the project's annotated sets
//! (testdata/quotes/*.jsonl, rules in testdata/quotes/GUIDELINES.md):
//! direct quote span precision, recall and F1 (exact spans), reported
//! speech found (spans overlapping by half), and speaker accuracy on the
//! quotes found, each for direct and reported speech.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::offsets::OffsetUnit;
use crate::pipeline::{ExtractRequest, ExtractResponse, Extractor, Quote};

#[derive(Debug, Deserialize)]
pub struct GoldArticle {
    pub id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub published_at: Option<String>,
    pub text: String,
    pub quotes: Vec<GoldQuote>,
}

#[derive(Debug, Deserialize)]
pub struct GoldQuote {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub direct: bool,
    #[serde(default)]
    pub cue: String,
    pub speaker: Option<String>,
    #[serde(default)]
    pub speaker_phrase: Option<String>,
}

/// Counts for one kind of quote (direct or reported).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindScore {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub speaker_right: usize,
}

impl KindScore {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Speaker right among the quotes found.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.matched)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteReport {
    pub articles: usize,
    pub direct: KindScore,
    pub reported: KindScore,
    /// One line per miss, for error analysis (only with `errors`).
    pub errors: Vec<String>,
}

impl std::fmt::Display for QuoteReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "quotes: {} articles", self.articles)?;
        for (name, k) in [("direct", &self.direct), ("reported", &self.reported)] {
            writeln!(
                f,
                "{name:>9}: gold {:>4}  found {:>4}  matched {:>4}  span P {:.3} R {:.3} F1 {:.3}  speaker accuracy {:.3} ({}/{})",
                k.gold,
                k.predicted,
                k.matched,
                k.precision(),
                k.recall(),
                k.f1(),
                k.speaker_accuracy(),
                k.speaker_right,
                k.matched
            )?;
        }
        Ok(())
    }
}

/// Reads a JSON-lines set.
pub fn read_set(jsonl: &str) -> Result<Vec<GoldArticle>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Extracts every article (recorded under its id, so names link within and
/// across articles as in service) and scores the quotes.
pub fn evaluate(
    extractor: &Extractor,
    set: &[GoldArticle],
    errors: bool,
) -> Result<QuoteReport, String> {
    let mut report = QuoteReport {
        articles: set.len(),
        ..QuoteReport::default()
    };
    for article in set {
        let published_at = article
            .published_at
            .as_deref()
            .and_then(|s| crate::tooling::annotate::rfc3339_seconds(s).ok());
        let response = extractor
            .extract(ExtractRequest {
                text: article.text.clone(),
                offsets: OffsetUnit::Utf8,
                document_id: Some(article.id.clone()),
                published_at,
                source: Some(article.source.clone()).filter(|s| !s.is_empty()),
                ..ExtractRequest::default()
            })
            .map_err(|e| format!("{}: {e}", article.id))?;
        score_article(article, &response, &mut report, errors);
    }
    Ok(report)
}

fn score_article(
    article: &GoldArticle,
    response: &ExtractResponse,
    report: &mut QuoteReport,
    errors: bool,
) {
    let text = &article.text;
    for direct in [true, false] {
        let gold: Vec<&GoldQuote> = article
            .quotes
            .iter()
            .filter(|q| q.direct == direct)
            .collect();
        let found: Vec<&Quote> = response
            .quotes
            .iter()
            .filter(|q| q.direct == direct)
            .collect();
        let kind = if direct {
            &mut report.direct
        } else {
            &mut report.reported
        };
        kind.gold += gold.len();
        kind.predicted += found.len();
        let mut used = vec![false; found.len()];
        for g in &gold {
            let hit = found.iter().enumerate().find(|(i, q)| {
                !used[*i]
                    && if direct {
                        (q.start as usize, q.end as usize) == (g.start, g.end)
                    } else {
                        overlaps(q, g)
                    }
            });
            let Some((i, q)) = hit else {
                if errors {
                    report.errors.push(format!(
                        "{} MISSED {} {:?} (speaker {:?})",
                        article.id,
                        kind_name(direct),
                        g.text,
                        g.speaker
                    ));
                }
                continue;
            };
            used[i] = true;
            kind.matched += 1;
            if speaker_right(response, q, g) {
                kind.speaker_right += 1;
            } else if errors {
                report.errors.push(format!(
                    "{} SPEAKER {} {:?}: gold {:?} ({:?}), found {:?} -> {:?}",
                    article.id,
                    kind_name(direct),
                    short(&g.text),
                    g.speaker,
                    g.speaker_phrase,
                    q.speaker_name,
                    q.speaker_canonical_name
                ));
            }
        }
        if errors {
            for (i, q) in found.iter().enumerate().filter(|(i, _)| !used[*i]) {
                let _ = i;
                report.errors.push(format!(
                    "{} EXTRA {} {:?} [{}..{}] (speaker {:?})",
                    article.id,
                    kind_name(direct),
                    short(&text[q.start as usize..q.end as usize]),
                    q.start,
                    q.end,
                    q.speaker_name
                ));
            }
        }
    }
}

fn kind_name(direct: bool) -> &'static str {
    if direct { "direct" } else { "reported" }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(70).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Reported spans match when they share at least half the shorter one.
fn overlaps(q: &Quote, g: &GoldQuote) -> bool {
    let (a, b) = (q.start as usize, q.end as usize);
    let shared = b.min(g.end).saturating_sub(a.max(g.start));
    let shorter = (b - a).min(g.end - g.start).max(1);
    shared * 2 >= shorter
}

/// The found speaker is the gold one: both none, or the found entity is
/// mentioned in the article under the gold name (or a shorter form of it,
/// "Ursu" for "Corina Ursu", when the tagger did not tag the full name).
fn speaker_right(response: &ExtractResponse, q: &Quote, g: &GoldQuote) -> bool {
    let Some(gold) = g.speaker.as_deref() else {
        return q.speaker_entity_id.is_none();
    };
    let Some(id) = q.speaker_entity_id.as_deref() else {
        return false;
    };
    let gold = strip_the(gold);
    let mut forms: BTreeMap<&str, ()> = BTreeMap::new();
    for m in response
        .mentions
        .iter()
        .filter(|m| m.entity_id.as_deref() == Some(id))
    {
        forms.insert(strip_the(&m.text), ());
    }
    if forms.contains_key(gold) {
        return true;
    }
    // The gold name was not tagged as a whole: accept the entity when no
    // other entity of the article carries the gold name.
    let gold_entity = response
        .mentions
        .iter()
        .find(|m| strip_the(&m.text) == gold)
        .and_then(|m| m.entity_id.as_deref());
    gold_entity.is_none()
        && forms
            .keys()
            .any(|f| gold.ends_with(&format!(" {f}")) || gold.starts_with(&format!("{f} ")))
}

fn strip_the(s: &str) -> &str {
    s.strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(s)
}
