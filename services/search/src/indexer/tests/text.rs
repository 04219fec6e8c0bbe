//! The indexer reads the clean article text storage derives, never the raw
//! body; flags documents without text; and re-indexes a document whose text
//! a newer cleaner derived again (TEXT_UPDATED).

use std::sync::Arc;

use dossier_proto::v1::EntityType;

use super::{start, start_with};
use crate::index::SearchIndex;
use crate::indexer::IndexerSettings;
use crate::testing::{FakeExtractor, FakeStorage};

/// A saved page as a CMS writes it: the article is one paragraph among
/// navigation, a promotion box with a CSS class and an inline style.
const PAGE: &str = "<html><head><style>.promo-banner{color:red}</style></head>\
    <body><nav>Menu Subscribe</nav><div class=\"promo-banner\">Subscribe today</div>\
    <p>The ferry strike ended on Tuesday.</p></body></html>";

#[tokio::test]
async fn pages_are_indexed_from_their_text_and_empty_ones_are_flagged() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor
        .alias("ferry", "e_ferry", "Ferry", EntityType::Org)
        .alias("subscribe", "e_sub", "Subscribe", EntityType::Person);
    storage.create_page(
        "page",
        "Strike over",
        PAGE,
        "The ferry strike ended on Tuesday.",
        "en",
    );
    storage.create_page(
        "gallery",
        "Harbour gallery",
        "<html><nav>Menu</nav></html>",
        "",
        "en",
    );
    // From a storage that predates article text: its body is read, as before.
    storage.create("old", "Old news", "The ferry was late.", "gazette", 1);
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("all three", |r| r.indexed_sequence == 3)
        .await;
    assert_eq!(running.count("ferry"), 2);
    // Neither markup nor boilerplate of the raw body is searchable, and
    // extraction never saw it.
    for debris in [
        "promo",
        "banner",
        "subscribe",
        "menu",
        "color",
        "entity:e_sub",
    ] {
        assert_eq!(running.count(debris), 0, "{debris}");
    }
    assert_eq!(running.count("entity:e_ferry"), 2);
    // A page without article text is indexed by title and metadata, and
    // can be found and counted.
    assert_eq!(running.count("gallery"), 1);
    assert_eq!(running.count("text_empty:true"), 1);
    assert_eq!(running.count("text_empty:false"), 2);
    let report = running.report();
    assert_eq!((report.document_count, report.text_empty_count), (3, 1));
    running.stop().await;
}

#[tokio::test]
async fn text_updated_reindexes_with_fresh_extraction_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor
        .alias("ferry", "e_ferry", "Ferry", EntityType::Org)
        .alias("lighthouse", "e_light", "Lighthouse", EntityType::Fac);
    storage.create_page(
        "p",
        "Harbour",
        PAGE,
        "Menu Subscribe. The ferry sailed.",
        "en",
    );
    storage.create_page("q", "Quay", "<p>", "", "en");
    let running = start(
        Arc::new(SearchIndex::open(dir.path()).unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    assert_eq!(running.count("subscribe"), 1);
    assert_eq!(running.report().text_empty_count, 1);
    // A newer cleaner drops the navigation line of p and finds q's text.
    storage.update_text("p", "The ferry sailed.");
    storage.update_text("q", "The lighthouse keeper retired.");
    running
        .wait_for("the updates", |r| r.indexed_sequence == 4)
        .await;
    assert_eq!(running.count("subscribe"), 0);
    assert_eq!(running.count("ferry"), 1);
    assert_eq!(running.count("entity:e_light"), 1);
    let report = running.report();
    assert_eq!((report.document_count, report.text_empty_count), (2, 0));
    assert_eq!(
        *extractor.extracted.lock(),
        ["p", "q", "p", "q"].map(String::from)
    );
    // Sort and paging keys stay those of the creation.
    assert_eq!(running.index.get("p").unwrap().unwrap().sequence, 1);
    running.stop().await;

    // The update's sequence was committed with it: a restart re-extracts
    // nothing, and a later update still applies.
    storage.update_text("p", "");
    let running = start(
        Arc::new(SearchIndex::open(dir.path()).unwrap()),
        &storage,
        &extractor,
    );
    running
        .wait_for("the last update", |r| r.indexed_sequence == 5)
        .await;
    assert_eq!(
        *extractor.extracted.lock(),
        ["p", "q", "p", "q", "p"].map(String::from)
    );
    assert_eq!(running.count("ferry"), 0);
    assert_eq!(running.count("harbour"), 1);
    assert_eq!(running.report().text_empty_count, 1);
    running.stop().await;
}

/// A TEXT_UPDATED of a document still at extraction waits for that batch:
/// two BatchExtract calls may be recorded in either order, and the registry
/// must end with the newer text's mentions.
#[tokio::test]
async fn a_text_update_waits_for_the_batch_extracting_its_document() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    let gate = extractor.hold("p");
    storage.create_page("p", "Harbour", PAGE, "The ferry sailed.", "en");
    let running = start_with(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
        IndexerSettings {
            batch_docs: 1,
            extract_in_flight: 3,
            ..super::fast_settings()
        },
    );
    while extractor.calls.lock().is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    storage.create_page("other", "Quay", "<p>", "A new quay opened.", "en");
    storage.update_text("p", "The ferry sailed at dawn.");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // "other" went out beside the held batch; the update of p did not.
    let calls = extractor.calls.lock().clone();
    assert_eq!(calls, [vec!["p".to_string()], vec!["other".to_string()]]);
    gate.notify_one();
    while extractor.calls.lock().len() < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(extractor.calls.lock()[2], ["p".to_string()]);
    // The gate holds every batch with p: let the update's through too.
    gate.notify_one();
    running
        .wait_for("all three", |r| r.indexed_sequence == 3)
        .await;
    assert_eq!(running.count("dawn"), 1);
    running.stop().await;
}

/// A document in a language with a stemmer also fills that language's
/// stemmed field, so an inflected form finds it there; the default fields
/// (and so every query without a field) are those of before.
#[tokio::test]
async fn documents_with_a_stemmer_fill_their_language_field() {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    storage.create_page(
        "de",
        "Staatsbesuch beginnt",
        "<p>",
        "Die Staatsbesuche der Präsidentin dauern drei Tage.",
        "de-DE",
    );
    storage.create_page(
        "en",
        "State visit",
        "<p>",
        "The state visits last three days.",
        "en",
    );
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    // Title "Staatsbesuch" and text "Staatsbesuche" share a stem.
    assert_eq!(running.count("text_de:staatsbesuch"), 1);
    assert_eq!(running.count("text_de:staatsbesuchen"), 1);
    assert_eq!(running.count("text_de:tagen"), 1);
    // Word for word, as before, in the default fields.
    assert_eq!(running.count("staatsbesuche"), 1);
    assert_eq!(running.count("staatsbesuchen"), 0);
    // English documents fill no stemmed field.
    assert_eq!(running.count("text_de:visits"), 0);
    assert_eq!(running.count("visits"), 1);
    running.stop().await;
}
