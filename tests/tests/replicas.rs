//! Two search replicas following one storage and recording into one
//! extraction registry, as a load-balanced deployment runs them (README,
//! "Scaling out"): each indexes every document once, they answer the same
//! query the same way, a page token from one replica pages on the other, and
//! the shared registry counts each document once although both replicas
//! recorded it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    Document, GetEntityRequest, GetIndexStatusRequest, GetStorageStatusRequest, SearchRequest,
    SearchResponse,
};
use dossier_tests::services::{channel, start_search};
use dossier_tests::{TestSystem, fixtures};
use tonic::transport::Channel;

const INDEX_TIMEOUT: Duration = Duration::from_secs(90);
const FILLER: usize = 240;

type Search = SearchServiceClient<Channel>;

fn filler(i: usize) -> Document {
    Document {
        title: format!("Harbour tariffs, item {i}"),
        body: format!(
            "The harbour council met on Tuesday to discuss tariffs and freight volumes. \
             Item {i} of the agenda concerned dredging and the night shift."
        ),
        source: format!("desk-{}", i % 4),
        language: "en".into(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_767_225_600 + i as i64 * 3_600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

async fn import(system: &TestSystem, documents: Vec<Document>) {
    dossier_tests::import_created(&mut system.documents().await, documents, "replicas").await;
}

async fn wait_indexed(client: &mut Search, sequence: u64) -> u64 {
    let deadline = Instant::now() + INDEX_TIMEOUT;
    loop {
        let status = client
            .get_index_status(GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.indexed_sequence >= sequence {
            return status.document_count;
        }
        assert!(
            Instant::now() < deadline,
            "replica did not reach sequence {sequence}: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn search(client: &mut Search, request: SearchRequest) -> SearchResponse {
    client.search(request).await.unwrap().into_inner()
}

fn ids(response: &SearchResponse) -> Vec<String> {
    response
        .hits
        .iter()
        .map(|h| h.document_id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn search_replicas_agree_and_share_page_tokens_and_the_registry() {
    let system = TestSystem::start().await;
    let second_dir = tempfile::tempdir().unwrap();
    let second = start_search(
        second_dir.path(),
        &system.storage.url(),
        &system.extraction_url(),
    )
    .await;
    let mut a = system.search_client().await;
    let mut b = SearchServiceClient::new(channel(&second.url()).await);

    let mut documents = fixtures::articles();
    documents.extend((0..FILLER).map(filler));
    import(&system, documents).await;
    let stored = system
        .documents()
        .await
        .get_storage_status(GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    let count_a = wait_indexed(&mut a, stored.last_sequence).await;
    let count_b = wait_indexed(&mut b, stored.last_sequence).await;
    assert_eq!(
        count_a, stored.document_count,
        "replica A indexed each once"
    );
    assert_eq!(
        count_b, stored.document_count,
        "replica B indexed each once"
    );

    // The same question gets the same answer from either replica.
    let request = |token: String| SearchRequest {
        query: "tariffs".into(),
        page_size: 7,
        page_token: token,
        ..Default::default()
    };
    let first_a = search(&mut a, request(String::new())).await;
    let first_b = search(&mut b, request(String::new())).await;
    assert_eq!(first_a.total_hits, first_b.total_hits);
    assert_eq!(ids(&first_a), ids(&first_b));
    assert!(first_a.total_hits >= FILLER as u64);

    // Paging alternately on A and B (a load balancer spreading calls)
    // visits every hit exactly once.
    let mut seen = Vec::new();
    let mut token = String::new();
    for page in 0.. {
        let client = if page % 2 == 0 { &mut a } else { &mut b };
        let response = search(client, request(token)).await;
        seen.extend(ids(&response));
        token = response.next_page_token;
        if token.is_empty() {
            break;
        }
        assert!(page < 1_000, "paging does not end");
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no hit twice across replicas");
    assert_eq!(seen.len() as u64, first_a.total_hits, "every hit once");

    // Both replicas recorded every document into the one registry, which
    // counts each document once and gives both the same entity.
    let spelling = || SearchRequest {
        query: "Shapovchuck".into(),
        page_size: 100,
        ..Default::default()
    };
    let expanded_a = search(&mut a, spelling()).await;
    let expanded_b = search(&mut b, spelling()).await;
    let entity_id = expanded_a
        .expansions
        .first()
        .expect("the name is expanded to its entity")
        .entity_id
        .clone();
    assert_eq!(
        expanded_b.expansions.first().map(|e| e.entity_id.as_str()),
        Some(entity_id.as_str())
    );
    let by_entity = search(
        &mut a,
        SearchRequest {
            query: format!("entity:{entity_id}"),
            page_size: 1,
            ..Default::default()
        },
    )
    .await;
    let entity = system
        .extraction_client()
        .await
        .get_entity(GetEntityRequest {
            id: entity_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        entity.document_count, by_entity.total_hits,
        "the registry counts each of {entity_id}'s documents once"
    );

    second.stop().await.unwrap();
    system.stop().await;
}
