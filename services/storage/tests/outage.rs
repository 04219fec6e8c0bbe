//! PostgreSQL going away and coming back: calls answer UNAVAILABLE naming
//! the database while it is unreachable, and the service recovers by itself
//! (no restart) once it returns. The outage is a TCP proxy in front of the
//! test database that the test cuts and restores.

mod support;

use dossier_proto::v1 as pb;
use dossier_storage::DatabaseUrl;
use support::proxy::{Proxy, host_port, via};
use support::{Server, TestStore, article, create};
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_gives_unavailable_then_recovers() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    let url = store.database.as_ref().unwrap().url.clone();
    let proxy = Proxy::start(host_port(&url)).await;
    let mut config = store.config();
    config.database_url = Some(DatabaseUrl::new(via(&url, proxy.addr)));
    let server = Server::start_with(config).await;
    let mut client = server.client().await;
    let first = create(&mut client, article("gazette", 1), "one")
        .await
        .unwrap();

    proxy.cut();
    let write = create(&mut client, article("gazette", 2), "two")
        .await
        .unwrap_err();
    assert_eq!(write.code(), Code::Unavailable, "{write:?}");
    assert!(
        write
            .message()
            .contains("PostgreSQL database dossier_test_"),
        "names the database: {write:?}"
    );
    let read = client
        .get_document(pb::GetDocumentRequest {
            id: first.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(read.code(), Code::Unavailable, "{read:?}");

    proxy.restore();
    let second = create(&mut client, article("gazette", 2), "two")
        .await
        .expect("writes succeed once the database is back");
    assert_eq!(second.sequence, 2, "the failed attempt left no trace");
    let got = client
        .get_document(pb::GetDocumentRequest {
            id: first.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, first);
    server.stop().await;
}
