//! Lifecycle through a real client: the change feed (replay, then live),
//! restarts on the same directory, health, and graceful shutdown of watches
//! and in-flight imports.

mod support;

use std::time::Duration;

use dossier_proto::v1 as pb;
use support::{Server, TestStore, article, create, import, import_request};
use tonic::Code;

const DEADLINE: Duration = Duration::from_secs(10);

async fn next_change(stream: &mut tonic::Streaming<pb::Change>) -> pb::Change {
    tokio::time::timeout(DEADLINE, stream.message())
        .await
        .expect("a change within the deadline")
        .unwrap()
        .expect("the stream stays open")
}

async fn watch_resumes_from_the_middle_then_tails_live(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let created = import(
        &mut client,
        (0..10)
            .map(|n| import_request(article("gazette", n), ""))
            .collect(),
    )
    .await;

    let mut stream = client
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: 5,
            omit_documents: false,
        })
        .await
        .unwrap()
        .into_inner();
    for expected in 6..=10 {
        let change = next_change(&mut stream).await;
        assert_eq!(change.sequence, expected);
        assert_eq!(change.kind(), pb::ChangeKind::Created);
        assert_eq!(
            change.document_id,
            created[usize::try_from(expected - 1).unwrap()].document_id
        );
        assert_eq!(change.document.unwrap().id, change.document_id);
    }

    // Live: writes from another client while the watcher waits.
    let mut writer = server.client().await;
    let live = tokio::spawn(async move {
        for n in 10..40 {
            create(&mut writer, article("courier", n), "")
                .await
                .unwrap();
        }
        writer
            .delete_document(pb::DeleteDocumentRequest {
                id: created[0].document_id.clone(),
            })
            .await
            .unwrap();
    });
    for expected in 11..=40 {
        assert_eq!(
            next_change(&mut stream).await.sequence,
            expected,
            "no gap, no repeat"
        );
    }
    let deleted = next_change(&mut stream).await;
    assert_eq!(
        (deleted.sequence, deleted.kind()),
        (41, pb::ChangeKind::Deleted)
    );
    live.await.unwrap();

    // Reconnecting with the last sequence seen resumes exactly there, and a
    // created-then-deleted document is listed without its contents.
    let mut resumed = client
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: 0,
            omit_documents: true,
        })
        .await
        .unwrap()
        .into_inner();
    let first = next_change(&mut resumed).await;
    assert_eq!((first.sequence, first.document.is_none()), (1, true));
    server.stop().await;
}

async fn data_survives_a_restart(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let created = create(&mut client, article("gazette", 1), "keep")
        .await
        .unwrap();
    drop(client);
    server.stop().await;

    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let got = client
        .get_document(pb::GetDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, created);
    let retry = create(&mut client, article("gazette", 1), "keep")
        .await
        .unwrap();
    assert_eq!(retry.id, created.id);
    let next = create(&mut client, article("gazette", 2), "")
        .await
        .unwrap();
    assert_eq!(next.sequence, 2, "the sequence continues after a restart");
    server.stop().await;
}

async fn health_reports_serving_and_shutdown_ends_watches(store: TestStore) {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;
    let server = Server::start(&store).await;
    let channel = tonic::transport::Channel::from_shared(server.url.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    let status = health
        .check(HealthCheckRequest {
            service: "dossier.v1.DocumentService".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status();
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );

    let mut client = server.client().await;
    let mut watch = client
        .watch_changes(pb::WatchChangesRequest::default())
        .await
        .unwrap()
        .into_inner();
    server.shutdown.trigger();
    let ended = tokio::time::timeout(DEADLINE, watch.message())
        .await
        .expect("the watch ends on shutdown");
    assert_eq!(ended.unwrap_err().code(), Code::Unavailable);
    tokio::time::timeout(DEADLINE, server.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

crate::backend_tests!(
    watch_resumes_from_the_middle_then_tails_live,
    data_survives_a_restart,
    health_reports_serving_and_shutdown_ends_watches,
);
