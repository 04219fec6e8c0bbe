//! A ServerHost on port 0 answers health and reflection, and reports
//! NOT_SERVING and stops once shutdown triggers.

use dossier_kit::{ServerHost, Shutdown};
use tonic::service::Routes;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

const NAME: &str = "dossier.v1.DocumentService";

#[tokio::test]
async fn health_and_reflection_then_graceful_stop() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
    let shutdown = Shutdown::new();
    let host = ServerHost::new(&[NAME]);
    let health = host.health();
    let server = tokio::spawn(host.serve(listener, Routes::default(), shutdown.clone()));

    let channel = tonic::transport::Endpoint::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health_client = HealthClient::new(channel.clone());
    let status = health_client
        .check(HealthCheckRequest {
            service: NAME.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    let mut reflection = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected reflection answer {response:?}");
    };
    let names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "dossier.v1.DocumentService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    // Services of other Dossier servers share the descriptor set but are
    // not served here, so they are not listed.
    assert!(
        !names.iter().any(|n| n == "dossier.v1.SearchService"),
        "{names:?}"
    );
    drop(responses);

    // Watch health, trigger shutdown, and see NOT_SERVING before the stop.
    let mut watch = health_client
        .watch(HealthCheckRequest {
            service: NAME.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(watch.message().await.unwrap().unwrap().status, 1);
    shutdown.trigger();
    let next = watch.message().await.unwrap().unwrap();
    assert_eq!(
        next.status,
        tonic_health::pb::health_check_response::ServingStatus::NotServing as i32
    );
    drop(watch);
    drop(health_client);
    drop(reflection);
    drop(channel);
    drop(health);
    tokio::time::timeout(std::time::Duration::from_secs(30), server)
        .await
        .expect("server stops after shutdown")
        .unwrap()
        .unwrap();
}
