//! TLS and bearer-token authentication of `ServerHost`, through the kit's
//! own client code.

mod support;

use dossier_kit::Security;
use dossier_kit::client::ClientChannel;
use dossier_kit::security::{AuthToken, ClientSecurity, ClientTls};
use support::{OK, TestServer, call, connect, self_signed};
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const TOKEN: &str = "correct-horse-battery-staple-42";

fn token(text: &str) -> Option<AuthToken> {
    Some(AuthToken::parse(text).unwrap())
}

async fn health(channel: ClientChannel) -> Result<i32, tonic::Status> {
    let request = HealthCheckRequest {
        service: String::new(),
    };
    let response = HealthClient::new(channel).check(request).await?;
    Ok(response.into_inner().status)
}

#[tokio::test]
async fn a_tls_client_trusting_the_ca_succeeds_and_others_fail() {
    let tls = self_signed();
    let ca = ClientTls::from_ca_pem(tls.cert_pem());
    let server = TestServer::start(Security {
        tls: Some(tls),
        ..Default::default()
    })
    .await;

    let trusting = ClientSecurity {
        tls: ca.clone(),
        auth_token: None,
    };
    for url in [
        server.url("https"),
        format!("localhost:{}", server.addr.port()),
    ] {
        let channel = connect(&url, &trusting).await.unwrap();
        call(channel, OK).await.unwrap();
    }

    // Plaintext against a TLS listener: the HTTP/2 preface is not a TLS
    // ClientHello, so nothing gets through.
    let plaintext = ClientSecurity::default();
    let outcome = match connect(&server.url("http"), &plaintext).await {
        Ok(channel) => call(channel, OK).await.map_err(|status| status.to_string()),
        Err(err) => Err(err),
    };
    assert!(outcome.is_err(), "a plaintext client got through");

    // TLS, but trusting another CA: the certificate is refused.
    let stranger = ClientSecurity {
        tls: ClientTls::from_ca_pem(self_signed().cert_pem()),
        auth_token: None,
    };
    let outcome = match connect(&server.url("https"), &stranger).await {
        Ok(channel) => call(channel, OK).await.map_err(|status| status.to_string()),
        Err(err) => Err(err),
    };
    let err = outcome.unwrap_err();
    assert!(
        err.contains("certificate") || err.contains("Certificate"),
        "{err}"
    );
    server.stop().await;
}

#[tokio::test]
async fn rpcs_need_the_token_but_health_does_not() {
    let server = TestServer::start(Security {
        auth_token: token(TOKEN),
        ..Default::default()
    })
    .await;
    let url = server.url("http");
    let client = |auth_token| ClientSecurity {
        tls: ClientTls::default(),
        auth_token,
    };

    let anonymous = connect(&url, &client(None)).await.unwrap();
    let status = call(anonymous.clone(), OK).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(status.message().contains("Bearer"), "{status:?}");
    assert_eq!(health(anonymous).await.unwrap(), 1, "health is open");

    let wrong = connect(&url, &client(token("correct-horse-battery-staple-43")))
        .await
        .unwrap();
    let status = call(wrong, OK).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(!status.message().contains(TOKEN), "{status:?}");

    let right = connect(&url, &client(token(TOKEN))).await.unwrap();
    call(right.clone(), OK).await.unwrap();
    assert_eq!(health(right).await.unwrap(), 1);
    server.stop().await;
}

#[tokio::test]
async fn reflection_needs_the_token() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;

    let server = TestServer::start(Security {
        auth_token: token(TOKEN),
        ..Default::default()
    })
    .await;
    let list = || {
        tokio_stream::iter([ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        }])
    };
    let anonymous = connect(&server.url("http"), &ClientSecurity::default())
        .await
        .unwrap();
    let status = ServerReflectionClient::new(anonymous)
        .server_reflection_info(list())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    let authed = ClientSecurity {
        auth_token: token(TOKEN),
        ..Default::default()
    };
    let channel = connect(&server.url("http"), &authed).await.unwrap();
    let mut replies = ServerReflectionClient::new(channel)
        .server_reflection_info(list())
        .await
        .unwrap()
        .into_inner();
    assert!(replies.message().await.unwrap().is_some());
    server.stop().await;
}

#[tokio::test]
async fn tls_and_auth_together() {
    let tls = self_signed();
    let client = ClientSecurity {
        tls: ClientTls::from_ca_pem(tls.cert_pem()),
        auth_token: token(TOKEN),
    };
    let server = TestServer::start(Security {
        tls: Some(tls),
        auth_token: token(TOKEN),
        ..Default::default()
    })
    .await;
    // No scheme: a configured CA means https.
    let channel = connect(&server.addr.to_string(), &client).await.unwrap();
    call(channel, OK).await.unwrap();
    server.stop().await;
}
