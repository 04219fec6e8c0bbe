//! What the lenient query syntax costs: a realistic mix of typed queries
//! parsed in the strict and the lenient syntax over a small in-memory
//! index (parsing includes entity-expansion lookups and conversion to a
//! tantivy query, as in a search), and the lenient repair pass alone.
//!
//! `cargo run --release -p dossier-bench --bin dossier-query-parse-bench`
//! prints, per query, the median time of each over many batches, and the
//! median over the mix of what the lenient syntax adds (issue 21 asks for
//! under 0.1 ms).

use std::hint::black_box;
use std::time::Instant;

use clap::Parser;

use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
use dossier_search::model::IndexDoc;
use dossier_search::query::{Filter, Syntax, filter_query, filtered_or_partial, lenient, parse_as};

/// Queries as analysts type them, well formed (both syntaxes take them)
/// and not (only the lenient syntax does).
const MIX: &[&str] = &[
    "harbour",
    "ferry storm",
    "Shapovchuk",
    "Yuriy Shapovchuk",
    "\"energy minister\"",
    "Riga summit cable deal",
    "(Riga OR Gdynia) AND strike",
    "title:strike -court",
    "source:northstar-wire ferry",
    "published_at:[2026-03-01T00:00:00Z TO *] strike",
    "Shapovchuk's",
    "Kolobev’s broadside",
    "U.S.-China",
    "Minsk - Beijing",
    "\"state visit",
    "Xi (China",
    "Putin: the war",
    "[Belarus]",
    "Xi^",
    "OR",
];

const WORDS: &[&str] = &[
    "harbour",
    "ferry",
    "storm",
    "strike",
    "court",
    "Riga",
    "Gdynia",
    "summit",
    "cable",
    "energy",
    "minister",
    "deal",
    "Shapovchuk",
    "Kolobev",
    "Baltic",
    "port",
    "union",
    "appeal",
];

/// Strict against lenient query parsing, per query of a typed mix.
#[derive(Debug, Parser)]
#[command(about = "What the lenient query syntax adds to parsing a query")]
struct Args {}

fn main() -> anyhow::Result<()> {
    Args::parse();
    let index = SearchIndex::in_memory()?;
    let docs = (0..500u64)
        .map(|i| {
            let words: Vec<&str> = (0..60)
                .map(|j| WORDS[((i * 7 + j * 13) % WORDS.len() as u64) as usize])
                .collect();
            IndexOp::Upsert(Box::new(IndexDoc {
                id: format!("doc{i}"),
                sequence: i + 1,
                title: words[..6].join(" "),
                body: words.join(" "),
                ..Default::default()
            }))
        })
        .collect();
    index.apply(docs)?;
    index.commit(Checkpoint {
        sequence: 500,
        entity_sequence: 0,
    })?;
    let searcher = index.searcher();
    let time = |f: &dyn Fn()| median_ns(f);
    println!(
        "{:<48} {:>10} {:>10} {:>10} {:>10}",
        "query", "strict", "lenient", "added", "repair"
    );
    let mut added = Vec::new();
    for query in MIX {
        let strict_ok = parse_as(&index, &searcher, query, true, Syntax::Strict).is_ok();
        let strict = time(&|| {
            let _ = black_box(parse_as(&index, &searcher, query, true, Syntax::Strict));
        });
        let lenient = time(&|| {
            black_box(parse_as(&index, &searcher, query, true, Syntax::Lenient).ok());
        });
        let repair = time(&|| {
            black_box(lenient::repair(query, &|name| {
                matches!(name, "title" | "source" | "published_at").then(|| name.to_string())
            }));
        });
        let delta = lenient - strict;
        if strict_ok {
            added.push(delta);
        }
        println!(
            "{:<48} {:>8.1}µs {:>8.1}µs {:>8.1}µs {:>8.1}µs{}",
            format!("{query:?}"),
            strict / 1e3,
            lenient / 1e3,
            delta / 1e3,
            repair / 1e3,
            if strict_ok { "" } else { "  (strict: refused)" }
        );
    }
    // A plain multi-word query also probes for a first match before the
    // search (partial matches stand in when there is none).
    let filter = Filter::default();
    let mut probes = Vec::new();
    for query in [
        "ferry storm",
        "Riga summit cable deal",
        "harbour court appeal union",
    ] {
        let probed = time(&|| {
            let parsed = parse_as(&index, &searcher, query, true, Syntax::Lenient).unwrap();
            let words = parsed.partial_words.as_deref();
            black_box(
                filtered_or_partial(&index, &searcher, parsed.query, words, &filter, true).unwrap(),
            );
        });
        let plain = time(&|| {
            let parsed = parse_as(&index, &searcher, query, true, Syntax::Lenient).unwrap();
            black_box(filter_query(index.fields(), parsed.query, &filter));
        });
        probes.push(probed - plain);
        println!(
            "{:<48} first-match probe {:>8.1}µs",
            format!("{query:?}"),
            (probed - plain) / 1e3
        );
    }
    added.sort_by(f64::total_cmp);
    println!(
        "\nadded by the lenient syntax, median over the {} well-formed queries: {:.1} µs \
         (max {:.1} µs)",
        added.len(),
        added[added.len() / 2] / 1e3,
        added.last().copied().unwrap_or_default() / 1e3
    );
    Ok(())
}

/// Median nanoseconds of one call of `f`, over 21 batches of 200 calls.
fn median_ns(f: &dyn Fn()) -> f64 {
    const BATCHES: usize = 21;
    const CALLS: usize = 200;
    for _ in 0..CALLS {
        f();
    }
    let mut batches: Vec<f64> = (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                f();
            }
            start.elapsed().as_nanos() as f64 / CALLS as f64
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches[BATCHES / 2]
}
