//! Watches against an index written by hand: percolation candidates and
//! matches, entity expansion that follows new spellings, idempotent
//! creates, the exactly-once hand-over from replay to live, deletes during
//! a stream, and durability across a reopen.

use std::collections::BTreeSet;
use std::time::Duration;

use dossier_proto::v1::EntityType;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::compile::compile;
use super::keys::Key;
use super::*;
use crate::index::{Checkpoint, CommitView, IndexOp};
use crate::model::{DocEntity, IndexDoc};
use crate::query::Filter;

fn doc(seq: u64, body: &str, entities: Vec<DocEntity>) -> IndexOp {
    IndexOp::Upsert(Box::new(IndexDoc {
        id: format!("doc{seq}"),
        sequence: seq,
        title: format!("Report {seq}"),
        body: body.into(),
        source: "harbour-gazette".into(),
        published_at: Some(1_772_409_600 + seq as i64),
        language: "en".into(),
        entities,
        ..Default::default()
    }))
}

fn person(id: &str, variants: &[&str]) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: "Muammar Gaddafi".into(),
        entity_type: EntityType::Person as i32,
        variants: variants.iter().map(|v| v.to_string()).collect(),
    }
}

/// Applies `ops` and commits through the last sequence among them.
fn commit(index: &SearchIndex, ops: Vec<IndexOp>) -> CommitView {
    let through = ops
        .iter()
        .filter_map(|op| match op {
            IndexOp::Upsert(d) => Some(d.sequence),
            IndexOp::Delete(_) => None,
        })
        .max()
        .unwrap_or(0)
        .max(index.checkpoint().unwrap().sequence);
    index.apply(ops).unwrap();
    index
        .commit(Checkpoint {
            sequence: through,
            entity_sequence: 0,
        })
        .unwrap();
    index.subscribe_commits().borrow().clone().unwrap()
}

fn registry_of(index: &SearchIndex, queries: &[&str]) -> RwLock<Registry> {
    let searcher = index.searcher();
    let mut registry = Registry::default();
    for query in queries {
        let compiled = compile(index, &searcher, query, &Filter::default()).unwrap();
        registry.insert(watch(query), compiled);
    }
    RwLock::new(registry)
}

/// A stored watch whose id is its query.
fn watch(query: &str) -> Watch {
    Watch {
        id: query.into(),
        name: query.into(),
        query: query.into(),
        filter: Filter::default(),
        create_time: (0, 0),
        create_sequence: 0,
        request_id: String::new(),
    }
}

fn ids(outcome: &percolate::Outcome) -> BTreeSet<&str> {
    outcome.matched.iter().map(|(id, _)| &**id).collect()
}

#[test]
fn a_batch_runs_only_the_watches_whose_terms_it_holds() {
    let index = SearchIndex::in_memory().unwrap();
    commit(
        &index,
        vec![
            doc(1, "harbour ferry storm", vec![]),
            doc(2, "harbour pilots", vec![]),
        ],
    );
    let registry = registry_of(&index, &["harbour", "ferry pilots", "-storm", "dredging"]);
    let mut percolator = Percolator::new(&index.searcher(), 2);
    let view = commit(&index, vec![doc(3, "the ferry pilots met", vec![])]);
    // Watches with streams are run (and woken) first.
    let mut woken = Vec::new();
    let outcome = percolator
        .percolate(
            &index,
            &registry,
            &view,
            &|id| id == "ferry pilots",
            &mut |id, _| woken.push(id.to_string()),
        )
        .unwrap();
    assert_eq!(woken, ["ferry pilots", "-storm"]);
    // "ferry pilots" (filed under its rarer word) and "-storm" (no required
    // term) run; "harbour" and "dredging" are not in the batch.
    assert_eq!(outcome.candidates, 2);
    assert_eq!(ids(&outcome), BTreeSet::from(["ferry pilots", "-storm"]));
    assert_eq!(outcome.matched[0].1, 3);
    // Nothing new: nothing runs.
    let again = percolator
        .percolate(&index, &registry, &view, &|_| false, &mut |_, _| {})
        .unwrap();
    assert_eq!((again.candidates, again.matched.len()), (0, 0));
}

#[test]
fn keys_are_the_rarest_required_terms() {
    let index = SearchIndex::in_memory().unwrap();
    commit(
        &index,
        vec![
            doc(1, "minister harbour", vec![]),
            doc(2, "minister ferry", vec![]),
            doc(3, "minister", vec![]),
        ],
    );
    let searcher = index.searcher();
    let key = |query: &str, filter: Filter| compile(&index, &searcher, query, &filter).unwrap().key;
    let words = |key: Key| match key {
        Key::Always => vec!["*".to_string()],
        Key::Any(terms) => {
            let mut words: Vec<String> = terms
                .iter()
                .map(|t| t.value().as_str().unwrap_or_default().to_string())
                .collect();
            words.sort();
            words.dedup();
            words
        }
    };
    assert_eq!(
        words(key("minister AND ferry", Filter::default())),
        ["ferry"]
    );
    assert_eq!(
        words(key("harbour OR ferry", Filter::default())),
        ["ferry", "harbour"]
    );
    assert_eq!(
        words(key("minister -ferry", Filter::default())),
        ["minister"]
    );
    assert_eq!(words(key("ferry~1", Filter::default())), ["*"]);
    let outlet = Filter {
        sources: vec!["rare-outlet".into()],
        ..Filter::default()
    };
    assert_eq!(words(key("minister", outlet.clone())), ["rare-outlet"]);
    assert_eq!(words(key("", outlet)), ["rare-outlet"]);
}

#[test]
fn a_watch_on_one_spelling_matches_the_others_and_follows_new_ones() {
    let index = SearchIndex::in_memory().unwrap();
    commit(
        &index,
        vec![doc(
            1,
            "Gaddafi spoke in Tripoli",
            vec![person("e1", &["Gaddafi"])],
        )],
    );
    let registry = registry_of(&index, &["Gaddafi", "Kadhafi"]);
    let mut percolator = Percolator::new(&index.searcher(), 1);

    // "Gaddafi" knows e1; "Kadhafi" is no known spelling yet.
    let view = commit(
        &index,
        vec![doc(2, "Qaddafi left", vec![person("e1", &["Qaddafi"])])],
    );
    let outcome = percolator
        .percolate(&index, &registry, &view, &|_| false, &mut |_, _| {})
        .unwrap();
    assert_eq!(ids(&outcome), BTreeSet::from(["Gaddafi"]));

    // A batch that spells him "Kadhafi" teaches the index that spelling:
    // the "Kadhafi" watch is read again and finds his other spellings.
    let view = commit(
        &index,
        vec![doc(3, "Kadhafi returned", vec![person("e1", &["Kadhafi"])])],
    );
    let outcome = percolator
        .percolate(&index, &registry, &view, &|_| false, &mut |_, _| {})
        .unwrap();
    assert!(outcome.recompiled >= 1, "{outcome:?}");
    let view = commit(
        &index,
        vec![doc(4, "Qaddafi again", vec![person("e1", &["Qaddafi"])])],
    );
    let outcome = percolator
        .percolate(&index, &registry, &view, &|_| false, &mut |_, _| {})
        .unwrap();
    assert_eq!(ids(&outcome), BTreeSet::from(["Gaddafi", "Kadhafi"]));

    let compiled = Arc::clone(&registry.read().get("Kadhafi").unwrap().compiled);
    let page = read::read_page(&index, "Kadhafi", &compiled, 0, 10).unwrap();
    let seqs: Vec<u64> = page.matches.iter().map(|m| m.sequence).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    let variants: Vec<&str> = page.matches[1]
        .matched_variants
        .iter()
        .map(|v| v.variant.as_str())
        .collect();
    assert_eq!(variants, ["Qaddafi"]);
    assert!(!page.full);
    assert_eq!(page.position, 4);
}

/// Every document a watch's query matches holds one of its key's terms:
/// the percolator may skip a batch without them.
#[test]
fn keys_never_miss_a_match() {
    use rand::{Rng, SeedableRng};
    let words = ["harbour", "ferry", "storm", "pilots", "minister", "gdynia"];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let index = SearchIndex::in_memory().unwrap();
    let docs = (1..=60)
        .map(|seq| {
            let n = rng.random_range(1..4);
            let body: Vec<&str> = (0..n).map(|_| words[rng.random_range(0..6)]).collect();
            doc(seq, &body.join(" "), vec![])
        })
        .collect();
    commit(&index, docs);
    let searcher = index.searcher();
    for _ in 0..300 {
        let mut query = String::new();
        for i in 0..rng.random_range(1..5) {
            if i > 0 {
                query.push_str([" ", " AND ", " OR ", " -"][rng.random_range(0..4)]);
            }
            let word = words[rng.random_range(0..6)];
            match rng.random_range(0..5) {
                0 => query.push_str(&format!("\"{word} {}\"", words[rng.random_range(0..6)])),
                1 => query.push_str(&format!("({word} OR {})", words[rng.random_range(0..6)])),
                _ => query.push_str(word),
            }
        }
        let compiled = compile(&index, &searcher, &query, &Filter::default()).unwrap();
        let Key::Any(terms) = compiled.key else {
            continue;
        };
        let any_key: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        let missed = BooleanQuery::new(vec![
            (Occur::Must, compiled.query.box_clone()),
            (Occur::MustNot, Box::new(BooleanQuery::new(any_key))),
        ]);
        assert_eq!(searcher.search(&missed, &Count).unwrap(), 0, "{query}");
    }
}

const LIMITS: WatchLimits = WatchLimits {
    max_watches: 3,
    max_streams: 2,
    max_page_size: 100,
};

fn open(dir: &std::path::Path, index: &Arc<SearchIndex>) -> Arc<Watches> {
    Watches::open(dir, Arc::clone(index), LIMITS, Shutdown::new()).unwrap()
}

fn spec(query: &str, request_id: &str) -> WatchSpec {
    WatchSpec {
        query: query.into(),
        request_id: request_id.into(),
        ..WatchSpec::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_are_idempotent_limited_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let watches = open(dir.path(), &index);
    let first = watches.create(spec("harbour", "r1")).await.unwrap();
    assert!(first.id.starts_with("wt-"), "{}", first.id);
    assert_eq!(first.name, "harbour");
    let again = watches.create(spec("harbour", "r1")).await.unwrap();
    assert_eq!(again, first, "a retry returns the watch it created");
    let other = watches.create(spec("ferry", "r1")).await.unwrap_err();
    assert!(matches!(other, Error::AlreadyExists(_)), "{other}");
    let unread = watches.create(spec("((", "")).await.unwrap_err();
    assert!(matches!(unread, Error::InvalidQuery(_)), "{unread}");
    watches.create(spec("ferry", "")).await.unwrap();
    watches.create(spec("storm", "")).await.unwrap();
    let full = watches.create(spec("pilots", "")).await.unwrap_err();
    assert!(full.to_string().contains("--max-watches"), "{full}");

    let page = watches.list(2, "").unwrap();
    assert_eq!(page.watches.len(), 2);
    let rest = watches.list(2, &page.next_page_token).unwrap();
    assert_eq!((rest.watches.len(), rest.next_page_token.as_str()), (1, ""));
    assert_eq!(page.watches[0], first, "oldest first");

    watches.delete(first.id.clone()).await.unwrap();
    let gone = watches.delete(first.id.clone()).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound(_)), "{gone}");
    drop(watches);

    let reopened = open(dir.path(), &index);
    let listed = reopened.list(0, "").unwrap().watches;
    let queries: Vec<&str> = listed.iter().map(|w| w.query.as_str()).collect();
    assert_eq!(queries, ["ferry", "storm"]);
    assert!(matches!(reopened.get(&first.id), Err(Error::NotFound(_))));
    // The request id of a deleted watch is free again.
    let new = reopened.create(spec("harbour", "r1")).await.unwrap();
    assert_ne!(new.id, first.id);
}

/// Collects `n` matches of a stream (at most 20 s).
async fn take(rx: &mut mpsc::Receiver<Result<Match>>, n: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    while seqs.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("a match within 20 s")
            .expect("the stream is open");
        seqs.push(next.unwrap().sequence);
    }
    seqs
}

use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_hands_over_to_live_with_no_gap_and_no_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    // Matches already in the index: every third document says "harbour".
    let body = |seq: u64| {
        if seq.is_multiple_of(3) {
            "harbour report"
        } else {
            "ferry report"
        }
    };
    let old: Vec<IndexOp> = (1..=600).map(|s| doc(s, body(s), vec![])).collect();
    commit(&index, old);
    let watches = open(dir.path(), &index);
    tokio::spawn(Arc::clone(&watches).percolate());
    let id = watches.create(spec("harbour", "")).await.unwrap().id;
    let mut rx = watches.stream(id.clone(), 30, None).unwrap();

    // New documents arrive while the replay is still being read.
    let writer = {
        let index = Arc::clone(&index);
        tokio::task::spawn_blocking(move || {
            for batch in 0..20u64 {
                let ops = (1..=30)
                    .map(|i| 600 + batch * 30 + i)
                    .map(|s| doc(s, body(s), vec![]))
                    .collect();
                commit(&index, ops);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let want: Vec<u64> = (31..=1200u64).filter(|s| s.is_multiple_of(3)).collect();
    let got = take(&mut rx, want.len()).await;
    writer.await.unwrap();
    assert_eq!(got, want, "every match once, in sequence order");
    // Nothing more: the next match is the next document's.
    commit(&index, vec![doc(1203, "harbour", vec![])]);
    assert_eq!(take(&mut rx, 1).await, [1203]);

    // A second client resumes after what it saw, against a new server
    // (reopened watches over the same index): nothing lost or repeated.
    let restarted = open(dir.path(), &index);
    let mut resumed = restarted.stream(id, 1197, None).unwrap();
    assert_eq!(take(&mut resumed, 2).await, [1200, 1203]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_watch_ends_its_streams_and_streams_are_limited() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    commit(&index, vec![doc(1, "harbour", vec![])]);
    let watches = open(dir.path(), &index);
    let id = watches.create(spec("harbour", "")).await.unwrap().id;
    let mut first = watches.stream(id.clone(), 0, None).unwrap();
    let _second = watches.stream(id.clone(), 0, None).unwrap();
    let third = watches.stream(id.clone(), 0, None).unwrap_err();
    assert!(third.to_string().contains("--max-watch-streams"), "{third}");
    assert_eq!(take(&mut first, 1).await, [1]);

    watches.delete(id.clone()).await.unwrap();
    let end = tokio::time::timeout(Duration::from_secs(10), first.recv())
        .await
        .expect("the stream ends promptly")
        .expect("with a status");
    assert!(matches!(end, Err(Error::NotFound(_))), "{end:?}");
    assert!(first.recv().await.is_none());
    let unknown = watches.stream(id, 0, None).unwrap_err();
    assert!(matches!(unknown, Error::NotFound(_)), "{unknown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_end_on_shutdown_with_a_resumable_status() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let shutdown = Shutdown::new();
    let watches = Watches::open(dir.path(), Arc::clone(&index), LIMITS, shutdown.clone()).unwrap();
    let id = watches.create(spec("harbour", "")).await.unwrap().id;
    let mut rx = watches.stream(id, 0, None).unwrap();
    shutdown.trigger();
    let end = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(end, Err(Error::ShuttingDown)), "{end:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_repeats_nothing_and_then_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let docs = |range: std::ops::RangeInclusive<u64>| -> Vec<IndexOp> {
        range.map(|s| doc(s, "harbour report", vec![])).collect()
    };
    commit(&index, docs(1..=10));
    let watches = open(dir.path(), &index);
    tokio::spawn(Arc::clone(&watches).percolate());
    let id = watches.create(spec("harbour", "")).await.unwrap().id;
    let mut rx = watches.stream(id, 0, None).unwrap();
    assert_eq!(take(&mut rx, 10).await, (1..=10).collect::<Vec<u64>>());

    // RebuildIndex: the index is cleared and filled again from the feed,
    // with the same sequences; the stream sends none of them again.
    let cleared = Checkpoint {
        sequence: 0,
        entity_sequence: 0,
    };
    index.clear(cleared).unwrap();
    for batch in [1..=4, 5..=10] {
        commit(&index, docs(batch));
    }
    commit(&index, docs(11..=12));
    assert_eq!(take(&mut rx, 2).await, [11, 12]);
}
