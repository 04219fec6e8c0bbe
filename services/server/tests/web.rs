//! The monolith serves the web console beside the three gRPC services, and
//! `web: None` (`--no-web`) runs none.

use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_server::{ListenAddrs, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monolith_serves_the_console_on_its_own_port() {
    let dir = tempfile::tempdir().unwrap();
    let shutdown = Shutdown::new();
    let system = start(dir.path(), &ListenAddrs::ephemeral(), shutdown.clone())
        .await
        .unwrap();
    let web = system.web.expect("the console runs by default");
    assert_ne!(web.port(), 0);
    let status = get(web, "/status").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(
        status.contains("All three services are serving."),
        "{status}"
    );
    let search = get(web, "/search?q=anything").await;
    assert!(search.starts_with("HTTP/1.1 200"), "{search}");
    assert!(
        search
            .to_ascii_lowercase()
            .contains("content-security-policy")
    );
    shutdown.trigger();
    system.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_web_address_no_console_runs() {
    let dir = tempfile::tempdir().unwrap();
    let shutdown = Shutdown::new();
    let addrs = ListenAddrs {
        web: None,
        ..ListenAddrs::ephemeral()
    };
    let system = start(dir.path(), &addrs, shutdown.clone()).await.unwrap();
    assert!(system.web.is_none());
    assert!(system.web_url().is_none());
    shutdown.trigger();
    system.wait().await.unwrap();
}
