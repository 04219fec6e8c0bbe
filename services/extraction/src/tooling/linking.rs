//! Measuring the linker: pairwise precision and recall on a gold linking set
//! (testdata/linking/articles.json), and a timing bench against a large
//! synthetic registry. Both are plain functions so a CLI command, a test
//! and the README quote the same numbers.

use std::collections::HashMap;
use std::time::Instant;

use serde::Deserialize;

use crate::EntityType;
use crate::link::{DocumentMeta, NameMention};
use crate::registry::Registry;
use crate::rules::CivilDate;

#[derive(Deserialize)]
struct GoldSet {
    documents: Vec<GoldDoc>,
}

#[derive(Deserialize)]
struct GoldDoc {
    id: String,
    source: String,
    /// YYYY-MM-DD.
    published: String,
    text: String,
    mentions: Vec<GoldMention>,
}

#[derive(Deserialize)]
struct GoldMention {
    text: String,
    #[serde(rename = "type")]
    entity_type: String,
    gold: String,
}

/// Pairwise scores: a pair of mentions (anywhere in the set) is predicted
/// same when linked to one entity, and gold same when the gold ids agree.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkingReport {
    pub documents: usize,
    pub mentions: usize,
    pub gold_entities: usize,
    pub predicted_entities: usize,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub gold_pairs: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl std::fmt::Display for LinkingReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "linking: {} documents, {} mentions, {} gold entities, {} predicted\n\
             pairwise precision {:.3} ({}/{}), recall {:.3} ({}/{}), F1 {:.3}",
            self.documents,
            self.mentions,
            self.gold_entities,
            self.predicted_entities,
            self.precision,
            self.true_pairs,
            self.predicted_pairs,
            self.recall,
            self.true_pairs,
            self.gold_pairs,
            self.f1
        )
    }
}

/// Links every document of a gold set (JSON text) into a fresh in-memory
/// registry, in order, and scores the result.
pub fn measure_linking(json: &str) -> Result<LinkingReport, String> {
    let rows = link_gold_set(json)?;
    let docs = rows
        .iter()
        .map(|r| r.document.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    let gold: Vec<String> = rows.iter().map(|r| r.gold.clone()).collect();
    let predicted: Vec<String> = rows.iter().map(|r| r.predicted.clone()).collect();
    Ok(score(docs, &gold, &predicted))
}

/// One linked mention of the gold set, for error analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedRow {
    pub document: String,
    pub text: String,
    pub gold: String,
    /// The entity id, or `unlinked:…` when the mention got none.
    pub predicted: String,
}

/// Links the gold set and returns every mention with gold and predicted ids.
pub fn link_gold_set(json: &str) -> Result<Vec<LinkedRow>, String> {
    let set: GoldSet = serde_json::from_str(json).map_err(|e| format!("gold set: {e}"))?;
    let reg = Registry::in_memory().map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for doc in &set.documents {
        let (meta, mentions, golds) = gold_doc(doc)?;
        let linked = reg.link(&meta, &mentions).map_err(|e| e.to_string())?;
        for (i, g) in golds.into_iter().enumerate() {
            let predicted = linked.mention_entities[i]
                .clone()
                .unwrap_or_else(|| format!("unlinked:{}:{i}", doc.id));
            rows.push(LinkedRow {
                document: doc.id.clone(),
                text: mentions[i].text.clone(),
                gold: g,
                predicted,
            });
        }
    }
    Ok(rows)
}

fn gold_doc(doc: &GoldDoc) -> Result<(DocumentMeta, Vec<NameMention>, Vec<String>), String> {
    let published = parse_day(&doc.published)
        .ok_or_else(|| format!("{}: bad published date {:?}", doc.id, doc.published))?;
    let mut pos = 0;
    let mut mentions = Vec::new();
    let mut golds = Vec::new();
    for m in &doc.mentions {
        let start = doc.text[pos..]
            .find(&m.text)
            .map(|i| i + pos)
            .ok_or_else(|| format!("{}: mention {:?} not found in order", doc.id, m.text))?;
        let end = start + m.text.len();
        pos = end;
        let entity_type: EntityType = m.entity_type.parse().map_err(|e| format!("{e}"))?;
        mentions.push(NameMention {
            start,
            end,
            text: m.text.clone(),
            entity_type,
        });
        golds.push(m.gold.clone());
    }
    let meta = DocumentMeta {
        document_id: Some(doc.id.clone()),
        source: Some(doc.source.clone()),
        published_at: Some(published),
    };
    Ok((meta, mentions, golds))
}

fn parse_day(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    Some(CivilDate::new(y, m, d)?.to_days() * 86_400)
}

fn score(documents: usize, gold: &[String], predicted: &[String]) -> LinkingReport {
    let pairs = |labels: &[String]| -> u64 {
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for l in labels {
            *counts.entry(l.as_str()).or_default() += 1;
        }
        counts.values().map(|n| n * (n - 1) / 2).sum()
    };
    let joint: Vec<String> = gold
        .iter()
        .zip(predicted)
        .map(|(g, p)| format!("{g}\u{1}{p}"))
        .collect();
    let true_pairs = pairs(&joint);
    let predicted_pairs = pairs(predicted);
    let gold_pairs = pairs(gold);
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(true_pairs, predicted_pairs);
    let recall = ratio(true_pairs, gold_pairs);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let distinct = |v: &[String]| v.iter().collect::<std::collections::HashSet<_>>().len();
    LinkingReport {
        documents,
        mentions: gold.len(),
        gold_entities: distinct(gold),
        predicted_entities: distinct(predicted),
        true_pairs,
        predicted_pairs,
        gold_pairs,
        precision,
        recall,
        f1,
    }
}

/// Timing of linking one article against a large registry.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkBench {
    pub entities: usize,
    pub mentions_per_article: usize,
    pub build_seconds: f64,
    /// Median and 99th percentile of read-only linking, microseconds.
    pub p50_micros: f64,
    pub p99_micros: f64,
}

impl std::fmt::Display for LinkBench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "link bench: {} entities (built in {:.1}s), {} mentions per article: p50 {:.0} µs, p99 {:.0} µs",
            self.entities,
            self.build_seconds,
            self.mentions_per_article,
            self.p50_micros,
            self.p99_micros
        )
    }
}

/// Builds an in-memory registry of about `entities` synthetic entities
/// (people with shared surnames, organisations, places), then times
/// read-only linking of articles with 30 mentions, some known, some variants,
/// some new. Run it in release mode.
pub fn bench_linking(entities: usize, rounds: usize) -> Result<LinkBench, String> {
    let reg = Registry::in_memory().map_err(|e| e.to_string())?;
    let mut rng = Lcg(0x5eed);
    let started = Instant::now();
    let per_doc = 30;
    let mut batch = Vec::new();
    let mut doc = 0usize;
    while reg.entity_count() < entities {
        let mentions: Vec<NameMention> = (0..per_doc).map(|_| synthetic(&mut rng)).collect();
        doc += 1;
        let meta = DocumentMeta {
            document_id: Some(format!("bench-{doc:07}")),
            source: Some(format!("outlet-{}", doc % 7)),
            published_at: Some(1_700_000_000 + doc as i64 * 600),
        };
        batch.push((meta, mentions));
        if batch.len() == 64 {
            reg.link_batch(&batch).map_err(|e| e.to_string())?;
            batch.clear();
        }
    }
    reg.link_batch(&batch).map_err(|e| e.to_string())?;
    let build_seconds = started.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let mentions: Vec<NameMention> = (0..per_doc).map(|_| synthetic(&mut rng)).collect();
        let meta = DocumentMeta {
            document_id: None,
            source: Some("outlet-1".into()),
            published_at: Some(1_700_000_000),
        };
        let t = Instant::now();
        let linked = reg.link(&meta, &mentions).map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(linked);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    Ok(LinkBench {
        entities: reg.entity_count(),
        mentions_per_article: per_doc,
        build_seconds,
        p50_micros: pct(0.5),
        p99_micros: pct(0.99),
    })
}

/// A tiny deterministic generator, so the bench needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ten", "vo", "sha", "el", "dor", "ni", "ber", "gu", "fa", "zel", "tor",
    "an", "ri", "mo", "ste", "vin", "ko", "la", "ha", "sem", "yu", "ol", "pa", "dre", "ki", "no",
];

fn word(rng: &mut Lcg, syllables: u64) -> String {
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize]);
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => w,
    }
}

/// A name mention: 70% people (given name from a small pool, surname from a
/// large one, so surnames are shared), 20% organisations, 10% places.
fn synthetic(rng: &mut Lcg) -> NameMention {
    let roll = rng.below(10);
    let (text, entity_type) = if roll < 7 {
        let given = word(&mut Lcg(rng.below(300) + 1), 2);
        let surname = word(&mut Lcg(rng.below(60_000) + 7), 3);
        (format!("{given} {surname}"), EntityType::Person)
    } else if roll < 9 {
        let a = word(&mut Lcg(rng.below(20_000) + 11), 3);
        (format!("{a} Holdings"), EntityType::Org)
    } else {
        (word(&mut Lcg(rng.below(10_000) + 13), 3), EntityType::Gpe)
    };
    NameMention {
        start: 0,
        end: text.len(),
        text,
        entity_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_scores() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let r = score(1, &s(&["a", "a", "b", "b"]), &s(&["x", "x", "x", "y"]));
        assert_eq!((r.true_pairs, r.predicted_pairs, r.gold_pairs), (1, 3, 2));
        assert!((r.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.recall - 0.5).abs() < 1e-9);
    }

    #[test]
    fn tiny_bench_runs() {
        let b = bench_linking(300, 5).unwrap();
        assert!(b.entities > 0 && b.p50_micros > 0.0);
    }
}
