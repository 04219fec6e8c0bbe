//! Search in front of several extraction replicas (`--extraction a,b`, the
//! PostgreSQL registry's deployment): the indexer's batches go to the
//! replicas in turn, and a replica that is down does not stop indexing.
//! The replicas here keep embedded registries of their own, so each one's
//! registry shows which documents it was sent.

use std::time::{Duration, Instant};

use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{GetIndexStatusRequest, GetStorageStatusRequest, ListEntitiesRequest};
use dossier_search::SearchConfig;
use dossier_tests::services::{
    Service, channel, start_extraction, start_search_with, start_storage,
};
use dossier_tests::{fixtures, import_created};

const INDEX_TIMEOUT: Duration = Duration::from_secs(90);

async fn wait_indexed(storage: &Service, search: &Service) {
    let stored = dossier_proto::v1::document_service_client::DocumentServiceClient::new(
        channel(&storage.url()).await,
    )
    .get_storage_status(GetStorageStatusRequest {})
    .await
    .unwrap()
    .into_inner()
    .last_sequence;
    let mut client = SearchServiceClient::new(channel(&search.url()).await);
    let deadline = Instant::now() + INDEX_TIMEOUT;
    loop {
        let status = client
            .get_index_status(GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.indexed_sequence >= stored {
            return;
        }
        assert!(Instant::now() < deadline, "not indexed in time: {status:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn entity_count(extraction: &Service) -> usize {
    ExtractionServiceClient::new(channel(&extraction.url()).await)
        .list_entities(ListEntitiesRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .entities
        .len()
}

fn config(dir: &std::path::Path, storage: &Service, extraction: String) -> SearchConfig {
    SearchConfig {
        data_dir: dir.join("search"),
        storage_url: storage.url(),
        extraction_url: extraction,
        // One document a batch and two out at once: both replicas get work.
        batch_docs: 1,
        extract_in_flight: 2,
        ..Default::default()
    }
}

#[tokio::test]
async fn batches_go_to_every_replica() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(&dir.path().join("storage")).await;
    let a = start_extraction(&dir.path().join("a")).await;
    let b = start_extraction(&dir.path().join("b")).await;
    let search = start_search_with(config(
        dir.path(),
        &storage,
        format!("{}, {}", a.url(), b.url()),
    ))
    .await;
    let mut documents = dossier_proto::v1::document_service_client::DocumentServiceClient::new(
        channel(&storage.url()).await,
    );
    let articles = fixtures::articles();
    let count = articles.len();
    assert!(count >= 10, "enough articles to spread");
    import_created(&mut documents, articles, "replicas").await;
    wait_indexed(&storage, &search).await;

    let (on_a, on_b) = (entity_count(&a).await, entity_count(&b).await);
    assert!(
        on_a > 0 && on_b > 0,
        "both replicas were sent documents: {on_a} and {on_b} entities"
    );
    let indexed = SearchServiceClient::new(channel(&search.url()).await)
        .get_index_status(GetIndexStatusRequest {})
        .await
        .unwrap()
        .into_inner()
        .document_count;
    assert_eq!(indexed as usize, count, "every article indexed once");
    search.stop().await.unwrap();
    a.stop().await.unwrap();
    b.stop().await.unwrap();
    storage.stop().await.unwrap();
}

#[tokio::test]
async fn a_replica_that_is_down_does_not_stop_indexing() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(&dir.path().join("storage")).await;
    let live = start_extraction(&dir.path().join("live")).await;
    // A port nothing listens on: bound, then released.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let search = start_search_with(config(
        dir.path(),
        &storage,
        format!("{dead},{}", live.url()),
    ))
    .await;
    let mut documents = dossier_proto::v1::document_service_client::DocumentServiceClient::new(
        channel(&storage.url()).await,
    );
    import_created(&mut documents, fixtures::articles(), "one-down").await;
    wait_indexed(&storage, &search).await;
    assert!(entity_count(&live).await > 0);
    search.stop().await.unwrap();
    live.stop().await.unwrap();
    storage.stop().await.unwrap();
}
