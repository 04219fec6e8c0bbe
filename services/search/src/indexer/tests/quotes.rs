//! Quotes through the indexer: speakers follow curated merges and
//! renames, deleted documents take their quotes, a rebuild restores them.

use std::sync::Arc;

use dossier_proto::v1::EntityType;

use super::{Running, start};
use crate::index::SearchIndex;
use crate::quotes::{ListedQuote, QuoteListing, list_quotes};
use crate::testing::{FakeExtractor, FakeStorage};

/// 2026-03-02T00:00:00Z.
const T0: i64 = 1_772_409_600;

fn quotes_of(running: &Running, entity_id: &str) -> Vec<ListedQuote> {
    let listing = QuoteListing {
        entity_id: entity_id.into(),
        ..Default::default()
    };
    list_quotes(&running.index, &listing, 100, "")
        .unwrap()
        .quotes
}

fn texts(quotes: &[ListedQuote]) -> Vec<&str> {
    quotes.iter().map(|q| q.quote.text.as_str()).collect()
}

/// Two outlets quote one woman, spelled two ways the registry first takes
/// for two people.
fn two_spellings() -> (FakeStorage, FakeExtractor) {
    let storage = FakeStorage::new();
    let extractor = FakeExtractor::new();
    extractor
        .alias("Sandu", "e1", "Maia Sandu", EntityType::Person)
        .alias("Sandou", "e2", "Sandou", EntityType::Person);
    storage.create(
        "a",
        "Port talks",
        "\"Our doors stay open,\" Sandu said. Sandu said that talks would go on.",
        "wire",
        T0,
    );
    storage.create(
        "b",
        "Pressure",
        "“We will not bow to pressure,” said Sandou on Tuesday.",
        "gazette",
        T0 + 86_400,
    );
    (storage, extractor)
}

#[tokio::test]
async fn merges_in_extraction_reach_quote_speakers() {
    let (storage, extractor) = two_spellings();
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    assert_eq!(
        texts(&quotes_of(&running, "e1")),
        ["Our doors stay open", "talks would go on"]
    );
    assert_eq!(
        texts(&quotes_of(&running, "e2")),
        ["We will not bow to pressure"]
    );
    extractor.merge("e1", "e2", &[]);
    running
        .wait_for("the merge", |r| r.entity_sequence == 1)
        .await;
    let merged = quotes_of(&running, "e1");
    assert_eq!(
        texts(&merged),
        [
            "We will not bow to pressure",
            "Our doors stay open",
            "talks would go on"
        ]
    );
    assert!(merged.iter().all(|q| q.quote.speaker_entity_id == "e1"));
    assert_eq!(merged[0].quote.speaker_canonical_name, "Maia Sandu");
    assert_eq!(merged[0].quote.speaker_name, "Sandou", "as written");
    assert!(quotes_of(&running, "e2").is_empty());
    assert_eq!(running.count("quote:e1"), 2);
    assert_eq!(running.count("quote:Sandou"), 2);
    running.stop().await;
}

#[tokio::test]
async fn renames_reach_quote_speakers_without_re_extraction() {
    let (storage, extractor) = two_spellings();
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    let extracted = extractor.extracted.lock().len();
    extractor.rename("e2", "Sandou (misspelt)", EntityType::Person);
    running
        .wait_for("the rename", |r| r.entity_sequence == 1)
        .await;
    let renamed = quotes_of(&running, "e2");
    assert_eq!(renamed[0].quote.speaker_canonical_name, "Sandou (misspelt)");
    assert_eq!(extractor.extracted.lock().len(), extracted);
    running.stop().await;
}

#[tokio::test]
async fn deleted_documents_take_their_quotes_and_a_rebuild_restores_the_rest() {
    let (storage, extractor) = two_spellings();
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("both", |r| r.indexed_sequence == 2).await;
    storage.delete("a");
    running
        .wait_for("the delete", |r| r.indexed_sequence == 3)
        .await;
    assert!(quotes_of(&running, "e1").is_empty());
    assert_eq!(quotes_of(&running, "e2").len(), 1);
    let extracted = extractor.extracted.lock().len();
    running.control.request_rebuild();
    running
        .wait_for("the rebuild", |r| {
            extractor.extracted.lock().len() >= extracted + 2
                && r.indexed_sequence == 3
                && r.document_count == 1
        })
        .await;
    let listed = quotes_of(&running, "e2");
    assert_eq!(listed[0].document_id, "b");
    assert_eq!(listed[0].source, "gazette");
    assert_eq!(listed[0].published_at, Some(T0 + 86_400));
    assert_eq!(listed[0].title, "Pressure");
    assert_eq!(listed[0].quote.cue, "said");
    assert!(listed[0].quote.direct);
    running.stop().await;
}

/// A rename writes no quote record again, the speaker's neither: listings
/// show the name now from the rename table.
#[tokio::test]
async fn a_rename_leaves_the_quote_records_alone() {
    let (storage, extractor) = two_spellings();
    extractor.alias("Chisinau", "g1", "Chisinau", EntityType::Gpe);
    storage.create(
        "c",
        "Harbour",
        "\"Ferries run again,\" Sandu said in Chisinau.",
        "wire",
        T0 + 2 * 86_400,
    );
    let running = start(
        Arc::new(SearchIndex::in_memory().unwrap()),
        &storage,
        &extractor,
    );
    running.wait_for("all", |r| r.indexed_sequence == 3).await;
    let deleted_records = || -> u32 {
        let quotes = running.index.quote_index().unwrap();
        let searcher = quotes.searcher();
        searcher
            .segment_readers()
            .iter()
            .map(|s| s.num_deleted_docs())
            .sum()
    };
    extractor.rename("g1", "Kishinev", EntityType::Gpe);
    running
        .wait_for("the rename", |r| r.entity_sequence == 1)
        .await;
    assert_eq!(running.count("gpe:Kishinev"), 1);
    assert_eq!(deleted_records(), 0, "no quote record was written again");
    assert_eq!(
        texts(&quotes_of(&running, "e1")),
        [
            "Ferries run again",
            "Our doors stay open",
            "talks would go on"
        ]
    );
    extractor.rename("e1", "Maia Sandu (PAS)", EntityType::Person);
    running
        .wait_for("the speaker's rename", |r| r.entity_sequence == 2)
        .await;
    let renamed = quotes_of(&running, "e1");
    assert!(
        renamed
            .iter()
            .all(|q| q.quote.speaker_canonical_name == "Maia Sandu (PAS)")
    );
    assert_eq!(deleted_records(), 0);
    running.stop().await;
}
