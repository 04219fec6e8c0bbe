//! The process-wide setting that binaries install before serving. Its own
//! test binary, because the setting is global to the process.

mod support;

use dossier_kit::security::{self, AuthToken, ClientSecurity, ClientTls};
use dossier_kit::{Security, ServerHost, Shutdown};
use support::{OK, call, connect};
use tonic::Code;

#[tokio::test]
async fn servers_use_the_installed_security() {
    assert!(
        security::installed().auth_token.is_none(),
        "open by default"
    );
    let token = AuthToken::parse("installed-token-0123456789").unwrap();
    let tls = support::self_signed();
    let ca = ClientTls::from_ca_pem(tls.cert_pem());
    // What dossier-server installs: one certificate, one token, and search's
    // upstream half trusting that certificate and sending that token.
    security::install(Security {
        tls: Some(tls),
        auth_token: Some(token.clone()),
        upstream: ClientSecurity {
            tls: ca.clone(),
            auth_token: Some(token),
        },
    })
    .unwrap();
    assert!(security::install(Security::default()).is_err(), "set once");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = Shutdown::new();
    let routes = support::routes();
    let server = tokio::spawn(ServerHost::new(&[support::SERVICE]).serve(
        listener,
        routes,
        shutdown.clone(),
    ));

    let anonymous = ClientSecurity {
        tls: ca,
        auth_token: None,
    };
    let anonymous = connect(&url, &anonymous).await.unwrap();
    let status = call(anonymous, OK).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    // What search's upstream clients use: the installed CA (which upgrades
    // the http:// URL to https) and token.
    let upstream = dossier_kit::client::lazy_channel(&url).unwrap();
    call(upstream, OK).await.unwrap();

    shutdown.trigger();
    server.await.unwrap().unwrap();
}
