//! The linking gold set run through the whole pipeline: the tagger finds the
//! mentions (instead of being handed the gold spans, as in `linking_eval`),
//! the registry links them. Reports how many gold mentions the tagger found
//! and the pairwise precision/recall of the resulting entity ids over the
//! gold mentions (a missed mention counts as an entity of its own).
//! `cargo test -p dossier-extraction --test linking_e2e -- --nocapture`
//! prints the figures the README quotes.

use std::collections::HashMap;

use dossier_extraction::pipeline::{ExtractRequest, Extractor};
use dossier_extraction::registry::Registry;
use dossier_extraction::rules::CivilDate;
use dossier_extraction::tagger::Tagger;
use serde_json::Value;

fn day_seconds(date: &str) -> Option<i64> {
    let mut it = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    Some(CivilDate::new(y as i32, m, d)?.to_days() * 86_400)
}

/// Pairs of items sharing a label.
fn pairs<'a>(labels: impl Iterator<Item = &'a String>) -> u64 {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for l in labels {
        *counts.entry(l).or_default() += 1;
    }
    counts.values().map(|n| n * (n - 1) / 2).sum()
}

#[test]
fn tagger_and_linker_together_on_the_gold_set() {
    let tagger = Tagger::load_default().expect("needs the trained model (model/ner.model)");
    let extractor = Extractor::new(tagger, Registry::in_memory().unwrap(), usize::MAX);
    let set: Value =
        serde_json::from_str(include_str!("../testdata/linking/articles.json")).unwrap();
    let mut gold = Vec::new();
    let mut predicted = Vec::new();
    let mut found = 0;
    for doc in set["documents"].as_array().unwrap() {
        let text = doc["text"].as_str().unwrap();
        let id = doc["id"].as_str().unwrap();
        let response = extractor
            .extract(ExtractRequest {
                text: text.to_string(),
                document_id: Some(id.to_string()),
                source: doc["source"].as_str().map(str::to_string),
                published_at: doc["published"].as_str().and_then(day_seconds),
                ..ExtractRequest::default()
            })
            .unwrap();
        let mut from = 0;
        for (i, m) in doc["mentions"].as_array().unwrap().iter().enumerate() {
            let mention = m["text"].as_str().unwrap();
            let start = text[from..].find(mention).unwrap() + from;
            let end = start + mention.len();
            from = end;
            // The tagger's span may drop a title the gold span keeps
            // ("Colonel Salem Gaddafi"), so any overlapping name counts.
            let hit = response.mentions.iter().find(|p| {
                (p.start as usize) < end && start < p.end as usize && p.entity_id.is_some()
            });
            gold.push(m["gold"].as_str().unwrap().to_string());
            predicted.push(match hit {
                Some(p) => {
                    found += 1;
                    p.entity_id.clone().unwrap()
                }
                None => format!("missed:{id}:{i}"),
            });
        }
    }
    let mut by_gold: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for (g, p) in gold.iter().zip(&predicted) {
        by_gold.entry(g).or_default().insert(p);
    }
    for (g, ps) in by_gold.iter().filter(|(_, p)| p.len() > 1) {
        println!("split {g}: {ps:?}");
    }
    let joint: Vec<String> = gold
        .iter()
        .zip(&predicted)
        .map(|(g, p)| format!("{g}|{p}"))
        .collect();
    let (tp, pp, gp) = (
        pairs(joint.iter()),
        pairs(predicted.iter()),
        pairs(gold.iter()),
    );
    let precision = tp as f64 / pp.max(1) as f64;
    let recall = tp as f64 / gp.max(1) as f64;
    println!(
        "end to end: tagger found {found}/{} gold mentions; pairwise precision {precision:.3} ({tp}/{pp}), recall {recall:.3} ({tp}/{gp})",
        gold.len()
    );
    assert!(
        found * 10 >= gold.len() * 8,
        "the tagger found only {found}/{}",
        gold.len()
    );
    assert!(precision >= 0.97, "precision {precision:.3}");
    assert!(recall >= 0.88, "recall {recall:.3}");
}
