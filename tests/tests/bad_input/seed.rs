//! What the rows refer to: documents stored and indexed before the rows
//! run, the entities extracted from them, and a page token of each listing.

use dossier_proto::v1 as pb;
use dossier_tests::TestSystem;

use crate::harness::{Clients, INDEX_TIMEOUT};

pub fn article(title: &str, body: &str, source: &str) -> pb::Document {
    pb::Document {
        title: title.to_string(),
        body: body.to_string(),
        source: source.to_string(),
        language: "en".to_string(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

pub fn timestamp(seconds: i64, nanos: i32) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos })
}

/// Imports `documents` and returns their ids; every one must be created.
pub async fn seed(clients: &Clients, documents: Vec<pb::Document>, prefix: &str) -> Vec<String> {
    dossier_tests::import_created(&mut clients.documents.clone(), documents, prefix).await
}

/// Rope-walk notes sharing their words, most of them deleted again: the
/// index then holds far more deleted postings of those words than live
/// documents, which MoreLikeThis's BM25 statistics must survive.
fn rope_notes(n: usize) -> Vec<pb::Document> {
    (0..n)
        .map(|i| {
            article(
                &format!("Ropewalk ledger {i}"),
                &format!(
                    "The ropewalk twisted tarred hemp cordage for the schooner fleet. \
                     Ledger entry {i} records hawsers, lanyards and spun yarn."
                ),
                "rope-ledger",
            )
        })
        .collect()
}

/// Everything the rows refer to: stored and indexed documents, entities,
/// and page tokens of each listing.
pub struct Seeded {
    pub live_note: String,
    pub entity_a: String,
    pub entity_b: String,
    pub list_token: String,
    pub search_token: String,
    pub entity_name_token: String,
}

pub async fn seed_all(system: &TestSystem, clients: &Clients) -> Seeded {
    let notes = seed(clients, rope_notes(60), "rope").await;
    seed(clients, dossier_tests::fixtures::articles(), "fixture").await;
    for id in &notes[2..] {
        clients
            .documents
            .clone()
            .delete_document(pb::DeleteDocumentRequest { id: id.clone() })
            .await
            .unwrap();
    }
    system.wait_indexed(INDEX_TIMEOUT).await;

    let entities = clients
        .extraction
        .clone()
        .list_entities(pb::ListEntitiesRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .entities;
    assert!(entities.len() == 2, "the fixtures name entities");
    let entity_name_token = clients
        .extraction
        .clone()
        .list_entities(pb::ListEntitiesRequest {
            page_size: 1,
            order_by: pb::EntityOrder::Name as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    let list_token = clients
        .documents
        .clone()
        .list_documents(pb::ListDocumentsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    let search_token = clients
        .search
        .clone()
        .search(pb::SearchRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    for (listing, token) in [
        ("ListDocuments", &list_token),
        ("Search", &search_token),
        ("ListEntities", &entity_name_token),
    ] {
        assert!(!token.is_empty(), "{listing} of the seed has a second page");
    }
    Seeded {
        live_note: notes[0].clone(),
        entity_a: entities[0].id.clone(),
        entity_b: entities[1].id.clone(),
        list_token,
        search_token,
        entity_name_token,
    }
}

/// The first half of a token: no longer a whole token.
pub fn truncated(token: &str) -> String {
    token[..token.len() / 2].to_string()
}

/// Base64 of "some random bytes here": decodes, but to nothing we issued.
pub const RANDOM_BASE64: &str = "c29tZSByYW5kb20gYnl0ZXMgaGVyZQ";
