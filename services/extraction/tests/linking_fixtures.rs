//! Cross-document linking on the project's fixture corpus (`fixtures/`, six
//! invented outlets that spell the same people differently), scored against
//! its answer key `fixtures/gold_entities.json`.
//!
//! The articles go through the same path the search indexer uses: each one,
//! in file order (as `dossier ingest fixtures/articles` loads them), is sent
//! as `title + "\n\n" + body` with its document id, outlet and publication
//! time to the real pipeline (tagger, typing, registry). Every occurrence of
//! a gold variant then takes the entity id of the extracted mention that
//! overlaps it most (a missed occurrence is an entity of its own), and
//! pairwise precision and recall compare those ids with the gold clusters.
//!
//! `cargo test -p dossier-extraction --test linking_fixtures -- --nocapture`
//! prints the figures the README quotes, per type, and every split cluster
//! and wrong merge.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use dossier_extraction::pipeline::{ExtractRequest, Extractor};
use dossier_extraction::registry::Registry;
use dossier_extraction::rules::CivilDate;
use dossier_extraction::tagger::Tagger;
use serde_json::Value;

/// PERSON pairwise recall reached on the fixtures (0.944, see the README), less a
/// small margin so unrelated model retraining does not fail the build; a
/// real regression of the matcher drops far more.
const MIN_PERSON_RECALL: f64 = 0.93;
/// Precision must stay near 1: a wrong merge joins two people.
const MIN_PRECISION: f64 = 0.98;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// One fixture article, keyed as the gold file names it
/// (`articles/NAME` or `articles/batch.jsonl:LINE`).
struct Article {
    key: String,
    title: String,
    body: String,
    source: String,
    published_at: Option<i64>,
}

/// "2026-03-03T09:15:00Z" → Unix seconds (UTC, seconds precision).
fn rfc3339_seconds(s: &str) -> Option<i64> {
    let date = s.get(..10)?;
    let mut it = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    let days = CivilDate::new(y as i32, m, d)?.to_days();
    let time = s.get(11..19).unwrap_or("00:00:00");
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, se) = (t.next()??, t.next()??, t.next()??);
    Some(days * 86_400 + h * 3_600 + mi * 60 + se)
}

fn from_json(key: String, v: &Value) -> Article {
    let field = |name: &str| v[name].as_str().unwrap_or_default().to_string();
    Article {
        key,
        title: field("title"),
        body: field("body"),
        source: field("source"),
        published_at: v["published_at"].as_str().and_then(rfc3339_seconds),
    }
}

/// Articles sorted by file name, `batch.jsonl` in line order; Markdown and
/// text files take their outlet from fixtures/README.md.
fn articles() -> Vec<Article> {
    let dir = fixtures_dir().join("articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let plain = |source: &str| {
            let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
            Article {
                key: format!("articles/{name}"),
                title: title.trim_start_matches('#').trim().to_string(),
                body: body.trim().to_string(),
                source: source.to_string(),
                published_at: None,
            }
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => out.push(from_json(
                format!("articles/{name}"),
                &serde_json::from_str(&text).unwrap(),
            )),
            Some("jsonl") => {
                for (i, line) in text.lines().enumerate() {
                    if !line.trim().is_empty() {
                        let v = serde_json::from_str(line).unwrap();
                        out.push(from_json(format!("articles/{name}:{}", i + 1), &v));
                    }
                }
            }
            Some("md") => out.push(plain("quayside-herald")),
            Some("txt") => out.push(plain("eastern-strait-post")),
            _ => {}
        }
    }
    out
}

/// One occurrence of a gold variant in a document's text.
#[derive(Debug, Clone)]
struct GoldOccurrence {
    start: usize,
    end: usize,
    gold: String,
    gold_type: String,
    text: String,
    /// The article's key, for error analysis.
    article: String,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Word-bounded, case-sensitive occurrences of `variant` in `text`.
fn find_word(text: &str, variant: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(variant) {
        let start = from + i;
        let end = start + variant.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !is_word_char(before) && !is_word_char(after) {
            out.push((start, end));
        }
        from = start + variant.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Every gold occurrence in one article: each variant the key lists for the
/// file, found on word boundaries; an occurrence inside a longer one is part
/// of that longer name ("Gdańsk" in "Gdańsk Regional Court").
fn gold_occurrences(gold: &[Value], key: &str, text: &str) -> Vec<GoldOccurrence> {
    let mut all = Vec::new();
    for entity in gold {
        let Some(variants) = entity["mentions"][key].as_array() else {
            continue;
        };
        for v in variants.iter().filter_map(Value::as_str) {
            for (start, end) in find_word(text, v) {
                all.push(GoldOccurrence {
                    start,
                    end,
                    gold: entity["id"].as_str().unwrap().to_string(),
                    gold_type: entity["type"].as_str().unwrap().to_string(),
                    text: v.to_string(),
                    article: key.trim_start_matches("articles/").to_string(),
                });
            }
        }
    }
    let inside_longer = |o: &GoldOccurrence| {
        all.iter()
            .any(|l| l.start <= o.start && o.end <= l.end && (l.end - l.start) > (o.end - o.start))
    };
    let mut kept: Vec<GoldOccurrence> = all.iter().filter(|o| !inside_longer(o)).cloned().collect();
    kept.sort_by_key(|o| (o.start, o.end));
    kept.dedup_by_key(|o| (o.start, o.end));
    kept
}

/// Pairs of items sharing a label.
fn pairs<'a>(labels: impl Iterator<Item = &'a String>) -> u64 {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for l in labels {
        *counts.entry(l).or_default() += 1;
    }
    counts.values().map(|n| n * (n - 1) / 2).sum()
}

/// (precision, recall, true pairs, predicted pairs, gold pairs).
fn pairwise(rows: &[(GoldOccurrence, String)]) -> (f64, f64, u64, u64, u64) {
    let joint: Vec<String> = rows
        .iter()
        .map(|(g, p)| format!("{}|{p}", g.gold))
        .collect();
    let tp = pairs(joint.iter());
    let pp = pairs(rows.iter().map(|(_, p)| p));
    let gp = pairs(rows.iter().map(|(g, _)| &g.gold));
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(tp, pp), ratio(tp, gp), tp, pp, gp)
}

#[test]
fn fixture_corpus_links_across_outlets() {
    let tagger = Tagger::load_default().expect("needs the trained model (model/ner.model)");
    let extractor = Extractor::new(tagger, Registry::in_memory().unwrap(), usize::MAX);
    let gold_json = std::fs::read_to_string(fixtures_dir().join("gold_entities.json")).unwrap();
    let gold: Vec<Value> = serde_json::from_str(&gold_json).unwrap();

    let mut rows: Vec<(GoldOccurrence, String)> = Vec::new();
    let mut found = 0;
    let articles = articles();
    assert_eq!(articles.len(), 16, "fixtures/README.md lists 16 articles");
    for article in &articles {
        let text = format!("{}\n\n{}", article.title, article.body);
        let response = extractor
            .extract(ExtractRequest {
                text: text.clone(),
                document_id: Some(article.key.clone()),
                source: Some(article.source.clone()),
                published_at: article.published_at,
                ..ExtractRequest::default()
            })
            .unwrap();
        // DOSSIER_DEBUG_ARTICLE=<key> prints everything extracted from one article.
        if std::env::var("DOSSIER_DEBUG_ARTICLE").is_ok_and(|k| k == article.key) {
            for m in &response.mentions {
                println!("  {:?} {:?} {:?}", m.text, m.entity_type, m.entity_id);
            }
        }
        for (i, occ) in gold_occurrences(&gold, &article.key, &text)
            .into_iter()
            .enumerate()
        {
            let overlap = |s: u32, e: u32| {
                (e as usize)
                    .min(occ.end)
                    .saturating_sub((s as usize).max(occ.start))
            };
            let hit = response
                .mentions
                .iter()
                .filter(|m| m.entity_id.is_some() && overlap(m.start, m.end) > 0)
                .max_by_key(|m| overlap(m.start, m.end));
            let predicted = match hit {
                Some(m) => {
                    found += 1;
                    m.entity_id.clone().unwrap()
                }
                None => {
                    // Error analysis: what the tagger made of the span.
                    let near: Vec<String> = response
                        .mentions
                        .iter()
                        .filter(|m| overlap(m.start, m.end) > 0)
                        .map(|m| format!("{:?} {:?} {:?}", m.text, m.entity_type, m.entity_id))
                        .collect();
                    println!("missed {:?} in {}: {near:?}", occ.text, article.key);
                    format!("missed:{}:{i}:{}", article.key, occ.text)
                }
            };
            rows.push((occ, predicted));
        }
    }

    // Error analysis: split gold clusters and predicted entities joining
    // several gold ones.
    let mut by_gold: BTreeMap<&str, BTreeMap<&str, BTreeSet<String>>> = BTreeMap::new();
    let mut by_pred: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (g, p) in &rows {
        by_gold
            .entry(&g.gold)
            .or_default()
            .entry(p)
            .or_default()
            .insert(format!("{} @{}", g.text, g.article));
        by_pred.entry(p).or_default().insert(&g.gold);
    }
    for (g, ps) in by_gold.iter().filter(|(_, p)| p.len() > 1) {
        println!("split {g}: {ps:?}");
    }
    for (p, gs) in by_pred.iter().filter(|(_, g)| g.len() > 1) {
        println!("MERGED {p}: {gs:?}");
    }

    let mut types: Vec<&str> = rows.iter().map(|(g, _)| g.gold_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let mut person = (0.0, 0.0);
    for t in types {
        let of_type: Vec<(GoldOccurrence, String)> = rows
            .iter()
            .filter(|(g, _)| g.gold_type == t)
            .cloned()
            .collect();
        let (p, r, tp, pp, gp) = pairwise(&of_type);
        println!(
            "{t:<7} {:>3} occurrences: precision {p:.3} ({tp}/{pp}), recall {r:.3} ({tp}/{gp})",
            of_type.len()
        );
        if t == "PERSON" {
            person = (p, r);
        }
    }
    let (precision, recall, tp, pp, gp) = pairwise(&rows);
    println!(
        "fixtures: {} articles, {found}/{} gold occurrences extracted and linked; \
         pairwise precision {precision:.3} ({tp}/{pp}), recall {recall:.3} ({tp}/{gp})",
        articles.len(),
        rows.len()
    );
    assert!(precision >= MIN_PRECISION, "precision {precision:.3}");
    assert!(
        person.0 >= MIN_PRECISION,
        "PERSON precision {:.3}",
        person.0
    );
    assert!(
        person.1 >= MIN_PERSON_RECALL,
        "PERSON recall {:.3} < {MIN_PERSON_RECALL}",
        person.1
    );
}

#[test]
fn gold_occurrences_respect_word_boundaries_and_longer_names() {
    let gold: Vec<Value> = serde_json::from_str(
        r#"[{"id":"gpe","type":"GPE","mentions":{"f":["Gdańsk"]}},
            {"id":"org","type":"ORG","mentions":{"f":["Gdańsk Regional Court"]}}]"#,
    )
    .unwrap();
    let occ = gold_occurrences(&gold, "f", "Gdańsk Regional Court, Gdańsk, Gdańsker");
    let got: Vec<(&str, &str)> = occ.iter().map(|o| (o.gold.as_str(), &o.text[..])).collect();
    assert_eq!(got, [("org", "Gdańsk Regional Court"), ("gpe", "Gdańsk")]);
}
