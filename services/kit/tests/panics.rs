//! A panicking handler answers INTERNAL, and the server (and the client's
//! connection) keeps serving.

mod support;

use dossier_kit::Security;
use dossier_kit::security::ClientSecurity;
use support::{
    OK, PANIC_IN_CALL, PANIC_IN_FUTURE, PANIC_MID_STREAM, TestServer, call, call_stream, connect,
};
use tonic::Code;

#[tokio::test]
async fn panics_become_internal_and_the_server_keeps_serving() {
    let server = TestServer::start(Security::default()).await;
    let channel = connect(&server.url("http"), &ClientSecurity::default())
        .await
        .unwrap();

    for path in [PANIC_IN_CALL, PANIC_IN_FUTURE] {
        let status = call(channel.clone(), path).await.unwrap_err();
        assert_eq!(status.code(), Code::Internal, "{path}: {status:?}");
        assert!(
            status.message().contains(path) && status.message().contains("internal error"),
            "{status:?}"
        );
        // Same connection, next request: still served.
        call(channel.clone(), OK).await.unwrap();
    }
    server.stop().await;
}

#[tokio::test]
async fn a_panic_mid_stream_ends_the_stream_with_internal() {
    let server = TestServer::start(Security::default()).await;
    let channel = connect(&server.url("http"), &ClientSecurity::default())
        .await
        .unwrap();

    let (received, end) = call_stream(channel.clone(), PANIC_MID_STREAM).await;
    assert_eq!(received, 2, "the messages before the panic arrive");
    let status = end.unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    call(channel, OK).await.unwrap();
    server.stop().await;
}
