//! The indexer against in-memory storage and extraction.

use std::sync::Arc;
use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_proto::v1::EntityType;

use super::status::{IndexReport, StatusCell};
use super::{Control, Indexer, IndexerSettings};
use crate::facets::FacetSpec;
use crate::index::SearchIndex;
use crate::search::{PageRequest, SearchQuery, search};
use crate::testing::{FakeExtractor, FakeStorage};

/// Quotes: speakers through merges and renames, deletes, rebuilds (#17).
mod quotes;
/// Pages, empty text and TEXT_UPDATED changes (issue 14).
mod text;

pub(super) struct Running {
    pub(super) index: Arc<SearchIndex>,
    status: Arc<StatusCell>,
    control: Arc<Control>,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<Result<(), crate::Error>>,
}

impl Running {
    pub(super) async fn stop(self) -> Arc<SearchIndex> {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
        self.index
    }

    pub(super) fn report(&self) -> IndexReport {
        self.status.report(&self.index).unwrap()
    }

    /// Waits until `done` holds for the status report (at most 10 s).
    pub(super) async fn wait_for(&self, what: &str, done: impl Fn(&IndexReport) -> bool) {
        for _ in 0..1000 {
            if done(&self.report()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("timed out waiting for {what}: {:?}", self.report());
    }

    pub(super) fn count(&self, query: &str) -> u64 {
        let q = SearchQuery {
            text: query.into(),
            expand_entities: true,
            ..Default::default()
        };
        search(
            &self.index,
            &q,
            &PageRequest {
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap()
        .total_hits
    }
}

/// Stores the `i`th harbour report as `id`; returns its sequence.
fn ferry_report(storage: &FakeStorage, id: &str, i: i64) -> u64 {
    storage.create(
        id,
        "Harbour news",
        &format!("ferry report {i}"),
        "gazette",
        1_700_000_000 + i,
    )
}

/// Small batches and short timers, so tests see every indexer path quickly.
pub(super) fn fast_settings() -> IndexerSettings {
    IndexerSettings {
        batch_docs: 4,
        commit_docs: 100,
        commit_interval: Duration::from_millis(20),
        backoff_min: Duration::from_millis(5),
        backoff_max: Duration::from_millis(40),
        head_poll: Duration::from_millis(10),
        extract_in_flight: 2,
    }
}

pub(super) fn start(
    index: Arc<SearchIndex>,
    storage: &FakeStorage,
    extractor: &FakeExtractor,
) -> Running {
    start_with(index, storage, extractor, fast_settings())
}

pub(super) fn start_with(
    index: Arc<SearchIndex>,
    storage: &FakeStorage,
    extractor: &FakeExtractor,
    settings: IndexerSettings,
) -> Running {
    let status = Arc::new(StatusCell::default());
    let control = Arc::new(Control::default());
    let shutdown = Shutdown::new();
    let indexer = Indexer {
        index: Arc::clone(&index),
        feed: storage.clone(),
        extractor: extractor.clone(),
        status: Arc::clone(&status),
        control: Arc::clone(&control),
        settings,
    };
    let task = tokio::spawn(indexer.run(shutdown.clone()));
    Running {
        index,
        status,
        control,
        shutdown,
        task,
    }
}

#[tokio::test]
async fn follows_creates_and_deletes_and_resumes_without_reindexing() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    for i in 0..10 {
        ferry_report(&storage, &format!("d{i}"), i);
    }
    let running = start(
        Arc::new(SearchIndex::open(dir.path()).unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("first ten", |r| r.indexed_sequence == 10)
        .await;
    assert_eq!(running.count("ferry"), 10);
    storage.delete("d3");
    running
        .wait_for("the delete", |r| r.indexed_sequence == 11)
        .await;
    assert_eq!(running.count("ferry"), 9);
    assert_eq!(*extractor.forgotten.lock(), vec!["d3".to_string()]);
    let report = running.report();
    assert_eq!(
        (report.document_count, report.lag, report.catching_up),
        (9, 0, false)
    );
    assert!(report.last_commit_time.is_some());
    let index = running.stop().await;
    drop(index);

    // Restart on the same directory: only new changes are extracted.
    let extracted_before = extractor.extracted.lock().len();
    storage.create("d10", "Late", "ferry late", "gazette", 1_700_000_100);
    let running = start(
        Arc::new(SearchIndex::open(dir.path()).unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("the new doc", |r| r.indexed_sequence == 12)
        .await;
    assert_eq!(
        extractor.extracted.lock()[extracted_before..],
        ["d10".to_string()]
    );
    assert_eq!(running.count("ferry"), 10);
    running.stop().await;
}

#[tokio::test]
async fn retries_with_backoff_while_storage_is_down() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    storage.create("a", "t", "lighthouse keeper", "s", 1);
    storage.log.set_down(true);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("an error", |r| r.last_error.contains("storage"))
        .await;
    assert!(running.report().last_error_time.is_some());
    assert_eq!(running.report().indexed_sequence, 0);
    storage.log.set_down(false);
    running
        .wait_for("recovery", |r| {
            r.indexed_sequence == 1 && r.last_error.is_empty()
        })
        .await;
    // Extraction down mid-stream: the change waits, nothing is skipped.
    extractor.entity_log.set_down(true);
    storage.create("b", "t", "lighthouse beam", "s", 2);
    running
        .wait_for("an extraction error", |r| {
            r.last_error.contains("extraction")
        })
        .await;
    assert_eq!(running.report().indexed_sequence, 1);
    extractor.entity_log.set_down(false);
    running
        .wait_for("catch-up", |r| r.indexed_sequence == 2)
        .await;
    assert_eq!(running.count("lighthouse"), 2);
    running.stop().await;
}

#[tokio::test]
async fn merges_in_extraction_reach_entity_queries_and_facets() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor
        .alias("Gaddafi", "e1", "Muammar Gaddafi", EntityType::Person)
        .alias("Qaddafi", "e2", "Qaddafi", EntityType::Person);
    storage.create("a", "Tripoli", "Gaddafi spoke", "wire", 1);
    storage.create("b", "Sirte", "Qaddafi spoke", "wire", 2);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    assert_eq!(running.count("entity:e1"), 1);
    extractor.merge("e1", "e2", &["b"]);
    running
        .wait_for("the merge", |r| r.entity_sequence == 1)
        .await;
    assert_eq!(running.count("entity:e1"), 2);
    assert_eq!(running.count("entity:e2"), 0);
    // Expansion now links the spellings: "Qaddafi" finds the "Gaddafi" doc.
    assert_eq!(running.count("qaddafi"), 2);
    running.stop().await;
}

#[tokio::test]
async fn renames_relabel_documents_in_place_without_re_extraction() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor
        .alias("Kolobyov", "e1", "Kolobyov", EntityType::Person)
        .alias("Ardent", "e2", "Ardent", EntityType::Person);
    storage.create("a", "Quay", "Kolobyov spoke", "wire", 1);
    storage.create("b", "Dock", "Kolobyov and Ardent", "wire", 2);
    storage.create("c", "Pier", "Ardent alone", "wire", 3);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("three", |r| r.indexed_sequence == 3).await;
    let extracted = extractor.extracted.lock().len();
    // Two renames of e1 and a retyping of e2, queued together: the last
    // state of each entity is what the documents show.
    extractor.rename("e1", "Ivan Kolobov", EntityType::Person);
    extractor.rename("e1", "Ivan Kolobyov", EntityType::Person);
    extractor.rename("e2", "Ardent", EntityType::Org);
    running
        .wait_for("the renames", |r| r.entity_sequence == 3)
        .await;
    assert_eq!(
        extractor.extracted.lock().len(),
        extracted,
        "nothing re-extracted"
    );
    let names = |title: &str| {
        let q = SearchQuery {
            text: format!("title:{title}"),
            ..Default::default()
        };
        let page = PageRequest {
            page_size: 10,
            ..Default::default()
        };
        let page = search(&running.index, &q, &page).unwrap();
        assert_eq!(page.total_hits, 1, "{title}");
        let doc = &page.hits[0].doc;
        doc.entities
            .iter()
            .map(|e| (e.name.clone(), e.kind()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("quay"),
        [("Ivan Kolobyov".to_string(), EntityType::Person)]
    );
    assert_eq!(
        names("dock"),
        [
            ("Ivan Kolobyov".to_string(), EntityType::Person),
            ("Ardent".to_string(), EntityType::Org)
        ]
    );
    assert_eq!(running.count("org:Ardent"), 2);
    assert_eq!(running.count("person:Ardent"), 0);
    assert_eq!(running.count("entity:e1"), 2);
    assert_eq!(running.report().document_count, 3);
    running.stop().await;
}

/// A new name alone rewrites nothing: every read shows it from the rename
/// table, the new name finds the entity though no article spells it, and
/// the table outlives a restart.
#[tokio::test]
async fn a_rename_rewrites_no_article_and_outlives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor.alias("Kolobyov", "e1", "Kolobyov", EntityType::Person);
    storage.create("a", "Quay", "Kolobyov spoke", "wire", 1);
    storage.create("b", "Dock", "Kolobyov again", "wire", 2);
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    let running = start(index, &storage, &extractor);
    running.wait_for("two", |r| r.indexed_sequence == 2).await;
    extractor.rename("e1", "Ivan Kolobyov", EntityType::Person);
    running
        .wait_for("the rename", |r| r.entity_sequence == 1)
        .await;
    let deleted: u32 = running
        .index
        .searcher()
        .segment_readers()
        .iter()
        .map(|s| s.num_deleted_docs())
        .sum();
    assert_eq!(deleted, 0, "no article written again");
    let shown = |index: &SearchIndex| {
        let q = SearchQuery {
            text: "\"Ivan Kolobyov\"".into(),
            expand_entities: true,
            ..Default::default()
        };
        let page = PageRequest {
            page_size: 10,
            facets: vec![FacetSpec::Entity {
                limit: 10,
                entity_type: 0,
            }],
            ..Default::default()
        };
        let page = search(index, &q, &page).unwrap();
        let mut names: Vec<String> = page
            .hits
            .iter()
            .flat_map(|h| h.doc.entities.iter().map(|e| e.name.clone()))
            .collect();
        names.extend(page.facets[0].1.iter().map(|b| b.display_name.clone()));
        names.extend(page.expansions.iter().map(|e| e.canonical_name.clone()));
        (page.total_hits, names)
    };
    let (hits, names) = shown(&running.index);
    assert_eq!(hits, 2, "the new name finds both articles");
    assert_eq!(names, ["Ivan Kolobyov"; 4]);
    let index = running.stop().await;
    Arc::into_inner(index).unwrap().close().unwrap();
    let reopened = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(shown(&reopened), (2, vec!["Ivan Kolobyov".to_string(); 4]));
}

/// A rename that arrives while a batch extracted with the old name is still
/// at extraction must not be applied (and its sequence committed) before
/// that batch is in the index: it would miss the batch's documents.
#[tokio::test]
async fn a_rename_waits_for_the_batches_extracted_before_it() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor.alias("Kolobyov", "e1", "Kolobyov", EntityType::Person);
    for i in 0..100 {
        storage.create(&format!("d{i}"), "Tide", "tide tables", "wire", i);
    }
    storage.create("b", "Quay", "Kolobyov spoke", "wire", 100);
    // The first batch (d0..d99) fills a commit; the second holds b.
    let first = extractor.hold("d0");
    let second = extractor.hold("b");
    let settings = IndexerSettings {
        batch_docs: 100,
        commit_interval: Duration::from_millis(200),
        backoff_max: Duration::from_secs(60),
        ..fast_settings()
    };
    let running = start_with(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
        settings,
    );
    // Both batches extracted (b under its old name), neither answered yet.
    for _ in 0..1000 {
        if extractor.extracted.lock().iter().any(|id| id == "b") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    extractor.rename("e1", "Ivan Kolobyov", EntityType::Person);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The first batch commits by count while b is still at extraction.
    first.notify_one();
    running
        .wait_for("the first batch", |r| r.indexed_sequence == 100)
        .await;
    second.notify_one();
    running
        .wait_for("b and the rename", |r| {
            r.indexed_sequence == 101 && r.entity_sequence == 1
        })
        .await;
    assert_eq!(running.count("person:\"Ivan Kolobyov\""), 1);
    running.stop().await;
}

#[tokio::test]
async fn rebuild_drops_and_reindexes_from_zero() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    for i in 0..5 {
        storage.create(&format!("d{i}"), "t", "tide tables", "s", i);
    }
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("five", |r| r.indexed_sequence == 5).await;
    let extracted = extractor.extracted.lock().len();
    running.control.request_rebuild();
    running
        .wait_for("rebuild", |_| {
            extractor.extracted.lock().len() >= extracted + 5
        })
        .await;
    running
        .wait_for("caught up", |r| {
            r.indexed_sequence == 5 && r.document_count == 5
        })
        .await;
    assert_eq!(running.count("tide"), 5);
    running.stop().await;
}

/// What extraction says about a text over its `--max-text-bytes`.
const TOO_LARGE: &str = "ResourceExhausted: text is 2000000 bytes, more than the limit of \
                         1048576 bytes (--max-text-bytes); split the document";

#[tokio::test]
async fn a_refused_document_is_indexed_without_entities_and_the_batch_goes_on() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor.alias(
        "Tymoshenko",
        "e_tym",
        "Yulia Tymoshenko",
        EntityType::Person,
    );
    for (id, body) in [
        ("a", "Tymoshenko at the quay"),
        ("huge", "Tymoshenko in an oversized quay dossier"),
        ("c", "Tymoshenko leaves the quay"),
        ("d", "quay closed"),
    ] {
        storage.create(id, "Port", body, "wire", 1);
    }
    extractor.refuse("huge", TOO_LARGE);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("all four", |r| r.indexed_sequence == 4)
        .await;
    // Text and metadata of the refused document are searchable...
    assert_eq!(running.count("quay"), 4);
    assert_eq!(running.count("oversized"), 1);
    // ...its entities are not; the others' are.
    assert_eq!(running.count("entity:e_tym"), 2);
    // BatchExtract stopped at "huge": it was tried once more on its own,
    // then the batch resumed after it.
    assert_eq!(
        *extractor.calls.lock(),
        vec![vec!["a", "huge", "c", "d"], vec!["huge"], vec!["c", "d"]]
    );
    let report = running.report();
    assert!(
        report.last_error.contains("\"huge\"") && report.last_error.contains("ResourceExhausted"),
        "{}",
        report.last_error
    );
    assert!(report.last_error_time.is_some());
    // Later documents flow as usual; the report of the refusal stays.
    storage.create("e", "Port", "Tymoshenko returns to the quay", "wire", 2);
    running
        .wait_for("the next", |r| r.indexed_sequence == 5)
        .await;
    assert_eq!(running.count("entity:e_tym"), 3);
    assert!(running.report().last_error.contains("\"huge\""));
    running.stop().await;
}

#[tokio::test]
async fn refusals_of_every_request_are_retried_not_blamed_on_documents() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor.alias("Navalny", "e_nav", "Alexei Navalny", EntityType::Person);
    storage.create("a", "Court", "Navalny in court", "wire", 1);
    extractor.refuse_everything(Some("FailedPrecondition: registry is read-only"));
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("the error", |r| {
            r.last_error.contains("refuses every request")
        })
        .await;
    assert_eq!(running.report().indexed_sequence, 0);
    // Repaired: the document is indexed with its entities.
    extractor.refuse_everything(None);
    running
        .wait_for("recovery", |r| {
            r.indexed_sequence == 1 && r.last_error.is_empty()
        })
        .await;
    assert_eq!(running.count("entity:e_nav"), 1);
    running.stop().await;
}

#[tokio::test]
async fn a_lone_refused_document_does_not_stall_the_feed() {
    // One new document at a time (the steady state): nothing else in its
    // batch vouches for extraction, so an empty probe does.
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor.refuse(
        "bad",
        "InvalidArgument: invalid document_id: longer than 256 bytes",
    );
    storage.create("bad", "Port", "pilot boat", "wire", 1);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("it", |r| r.indexed_sequence == 1).await;
    assert_eq!(running.count("pilot"), 1);
    assert!(running.report().last_error.contains("InvalidArgument"));
    running.stop().await;
}

#[tokio::test]
async fn one_spelling_finds_every_transliteration_through_the_indexer() {
    // Extraction links three spellings of one man; search must find them
    // all from any one, say which spelling each hit uses, and answer
    // `entity:<id>` with all of them.
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    for spelling in ["Chapovtchouk", "Shapovchuk", "Shapovchuck"] {
        extractor.alias(spelling, "e_shap", "Yuri Shapovchuk", EntityType::Person);
    }
    storage.create("fr", "Kiev", "Iouri Chapovtchouk a parlé", "le-monde", 1);
    storage.create("en", "Kyiv", "Yuri Shapovchuk spoke", "wire", 2);
    storage.create("typo", "Kyiv", "Shapovchuck spoke again", "tabloid", 3);
    storage.create("other", "Kyiv", "The mayor spoke", "wire", 4);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("all", |r| r.indexed_sequence == 4).await;
    for spelling in ["Chapovtchouk", "shapovchuk", "Shapovchuck"] {
        let page = search(
            &running.index,
            &SearchQuery {
                text: spelling.into(),
                expand_entities: true,
                ..Default::default()
            },
            &PageRequest {
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
        let mut found: Vec<(String, Vec<String>)> = page
            .hits
            .iter()
            .map(|h| {
                let variants = h.matched_variants.iter().map(|v| v.variant.clone());
                (h.doc.id.clone(), variants.collect())
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            vec![
                ("en".to_string(), vec!["Shapovchuk".to_string()]),
                ("fr".to_string(), vec!["Chapovtchouk".to_string()]),
                ("typo".to_string(), vec!["Shapovchuck".to_string()]),
            ],
            "{spelling}"
        );
        assert_eq!(page.expansions.len(), 1);
        assert_eq!(page.expansions[0].entity_id, "e_shap");
        assert!(
            page.hits
                .iter()
                .all(|h| h.matched_variants[0].query_term == spelling)
        );
        // Without expansion only the literal spelling.
        let plain = search(
            &running.index,
            &SearchQuery {
                text: spelling.into(),
                expand_entities: false,
                ..Default::default()
            },
            &PageRequest {
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(plain.total_hits, 1, "{spelling}");
    }
    assert_eq!(running.count("entity:e_shap"), 3);
    running.stop().await;
}

/// Extraction that answers its first call slowly and counts how many calls
/// overlap, logging calls and forgets in the order they happen.
#[derive(Clone)]
struct Overlapping {
    inner: FakeExtractor,
    calls: Arc<std::sync::atomic::AtomicUsize>,
    running: Arc<std::sync::atomic::AtomicUsize>,
    most: Arc<std::sync::atomic::AtomicUsize>,
    events: Arc<parking_lot::Mutex<Vec<String>>>,
}

impl super::upstream::Extractor for Overlapping {
    async fn extract(
        &self,
        docs: Vec<dossier_proto::v1::Document>,
    ) -> Result<super::upstream::BatchExtraction, super::upstream::UpstreamError> {
        use std::sync::atomic::Ordering::SeqCst;
        let call = self.calls.fetch_add(1, SeqCst);
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        if call == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let answer = self.inner.extract(docs.clone()).await;
        self.events
            .lock()
            .extend(docs.iter().map(|d| format!("extract {}", d.id)));
        self.running.fetch_sub(1, SeqCst);
        answer
    }

    async fn forget(&self, ids: Vec<String>) -> Result<(), super::upstream::UpstreamError> {
        self.events
            .lock()
            .extend(ids.iter().map(|id| format!("forget {id}")));
        self.inner.forget(ids).await
    }

    async fn watch_entities(
        &self,
        after: u64,
    ) -> Result<
        super::upstream::UpstreamStream<dossier_proto::v1::EntityChange>,
        super::upstream::UpstreamError,
    > {
        self.inner.watch_entities(after).await
    }
}

#[tokio::test]
async fn batches_overlap_at_extraction_and_apply_in_feed_order() {
    use std::sync::atomic::Ordering::SeqCst;
    let dir = tempfile::tempdir().unwrap();
    let storage = FakeStorage::new();
    for i in 0..12 {
        ferry_report(&storage, &format!("d{i:02}"), i);
    }
    storage.delete("d01");
    let extractor = Overlapping {
        inner: FakeExtractor::new(),
        calls: Default::default(),
        running: Default::default(),
        most: Default::default(),
        events: Default::default(),
    };
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    let status = Arc::new(StatusCell::default());
    let shutdown = Shutdown::new();
    let indexer = Indexer {
        index: Arc::clone(&index),
        feed: storage.clone(),
        extractor: extractor.clone(),
        status: Arc::clone(&status),
        control: Arc::new(Control::default()),
        settings: fast_settings(),
    };
    let task = tokio::spawn(indexer.run(shutdown.clone()));
    let running = Running {
        index,
        status,
        control: Arc::new(Control::default()),
        shutdown,
        task,
    };
    running
        .wait_for("every change", |r| r.indexed_sequence == 13)
        .await;
    // The second batch went out while the slow first one was still out.
    assert_eq!(extractor.most.load(SeqCst), 2);
    assert_eq!(running.count("ferry"), 11);
    // The batch deleting d01 waited for the batches before it.
    let events = extractor.events.lock().clone();
    let forget = events.iter().position(|e| e == "forget d01").unwrap();
    let extracted = events.iter().position(|e| e == "extract d01").unwrap();
    assert!(extracted < forget, "{events:?}");
    let index = running.stop().await;
    assert_eq!(index.checkpoint().unwrap().sequence, 13);
}

#[tokio::test]
async fn a_catch_up_ends_with_its_small_segments_folded_and_a_trickle_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    for i in 0..45 {
        ferry_report(&storage, &format!("c{i}"), i);
    }
    let settings = IndexerSettings {
        commit_docs: 10,
        ..fast_settings()
    };
    let running = start_with(
        Arc::new(SearchIndex::open(dir.path()).unwrap()),
        &storage,
        &extractor,
        settings,
    );
    running
        .wait_for("the catch-up", |r| r.indexed_sequence == 45)
        .await;
    let segments = |running: &Running| running.index.searcher().segment_readers().len();
    for _ in 0..1000 {
        if segments(&running) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(segments(&running), 1, "commits by count, then folded");
    assert_eq!(running.count("ferry"), 45);

    // Articles one at a time commit on the interval only: no fold.
    for i in 45..48 {
        let through = ferry_report(&storage, &format!("c{i}"), i);
        running
            .wait_for("a trickled article", |r| r.indexed_sequence == through)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(segments(&running), 4);
    assert_eq!(running.count("ferry"), 48);
    running.stop().await;
}
