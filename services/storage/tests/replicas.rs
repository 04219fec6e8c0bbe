//! Two storage replicas on one PostgreSQL database, written to at the same
//! time: both serve the same gap-free change feed in commit order, a
//! request_id retried on the other replica is still answered once, and a
//! delete made through one replica reaches watchers of the other.
//!
//! Without `DOSSIER_TEST_DATABASE_URL` these print `SKIPPED` and pass, unless
//! `DOSSIER_REQUIRE_TOOLS=1` (CI), where they fail.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use dossier_proto::v1 as pb;
use support::{Client, Server, TestStore, article, create, import, import_request};

/// Documents each replica imports, on several concurrent streams.
const PER_REPLICA: usize = 300;
const STREAMS: usize = 3;
const WAIT: Duration = Duration::from_secs(60);

/// Reads `replica`'s change feed from the start until it holds `count`
/// changes, or fails after `WAIT`.
async fn feed(client: &mut Client, count: usize) -> Vec<pb::Change> {
    let mut stream = client
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: 0,
            omit_documents: true,
        })
        .await
        .unwrap()
        .into_inner();
    let mut changes = Vec::with_capacity(count);
    while changes.len() < count {
        let next = tokio::time::timeout(WAIT, stream.message())
            .await
            .unwrap_or_else(|_| panic!("the feed stalled after {} changes", changes.len()))
            .unwrap()
            .expect("the feed stays open");
        changes.push(next);
    }
    changes
}

/// Imports this replica's share on `STREAMS` streams at once; returns the ids.
async fn import_share(server: &Server, replica: &str) -> Vec<String> {
    let mut tasks = Vec::new();
    for stream in 0..STREAMS {
        let mut client = server.client().await;
        let source = format!("{replica}-desk-{stream}");
        tasks.push(tokio::spawn(async move {
            let requests = (0..PER_REPLICA / STREAMS)
                .map(|n| import_request(article(&source, n), &format!("{source}-{n}")))
                .collect();
            import(&mut client, requests).await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        for response in task.await.unwrap() {
            assert_eq!(
                response.outcome(),
                pb::ImportOutcome::Created,
                "{response:?}"
            );
            ids.push(response.document_id);
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_on_one_database_share_one_gap_free_feed() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    let a = Server::start(&store).await;
    let b = Server::start_with(store.config()).await;

    // Watchers on both replicas, started before the writes.
    let total = 2 * PER_REPLICA;
    let mut watch_a = a.client().await;
    let mut watch_b = b.client().await;
    let feed_a = tokio::spawn(async move { feed(&mut watch_a, total).await });
    let feed_b = tokio::spawn(async move { feed(&mut watch_b, total).await });

    let (ids_a, ids_b) = tokio::join!(import_share(&a, "a"), import_share(&b, "b"));
    let written: HashSet<String> = ids_a.into_iter().chain(ids_b).collect();
    assert_eq!(
        written.len(),
        total,
        "every import created its own document"
    );

    let feed_a = feed_a.await.unwrap();
    let feed_b = feed_b.await.unwrap();
    let sequences: Vec<u64> = feed_a.iter().map(|c| c.sequence).collect();
    assert_eq!(
        sequences,
        (1..=total as u64).collect::<Vec<_>>(),
        "sequences are gap-free and in order"
    );
    let seen: HashSet<String> = feed_a.iter().map(|c| c.document_id.clone()).collect();
    assert_eq!(
        seen, written,
        "the feed holds every document written on either replica"
    );
    let order_a: Vec<(u64, &str)> = feed_a
        .iter()
        .map(|c| (c.sequence, c.document_id.as_str()))
        .collect();
    let order_b: Vec<(u64, &str)> = feed_b
        .iter()
        .map(|c| (c.sequence, c.document_id.as_str()))
        .collect();
    assert_eq!(order_a, order_b, "both replicas serve the same feed");

    // Both replicas count the same documents.
    for server in [&a, &b] {
        let status = server
            .client()
            .await
            .get_storage_status(pb::GetStorageStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_eq!(status.last_sequence, total as u64);
        assert_eq!(status.document_count, total as u64);
    }

    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_and_deletes_cross_replicas() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    let a = Server::start(&store).await;
    let b = Server::start_with(store.config()).await;
    let mut client_a = a.client().await;
    let mut client_b = b.client().await;

    // A client whose first replica vanished after the write retries the same
    // request on the other one and gets the same document back.
    let first = create(&mut client_a, article("wire", 1), "retry-1")
        .await
        .unwrap();
    let again = create(&mut client_b, article("wire", 1), "retry-1")
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(first.sequence, again.sequence);

    // Content written through A is readable through B at once.
    let read = client_b
        .get_document(pb::GetDocumentRequest {
            id: first.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.content_sha256, first.content_sha256);

    // A watcher on A sees a delete made through B.
    let mut stream = client_a
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: first.sequence,
            omit_documents: true,
        })
        .await
        .unwrap()
        .into_inner();
    client_b
        .delete_document(pb::DeleteDocumentRequest {
            id: first.id.clone(),
        })
        .await
        .unwrap();
    let change = tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("the delete reaches the other replica's watchers")
        .unwrap()
        .unwrap();
    assert_eq!(change.document_id, first.id);
    assert_eq!(change.kind(), pb::ChangeKind::Deleted);
    assert_eq!(change.sequence, first.sequence + 1);

    let gone = client_a
        .get_document(pb::GetDocumentRequest { id: first.id })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound);

    a.stop().await;
    b.stop().await;
}
