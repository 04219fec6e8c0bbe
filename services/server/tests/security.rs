//! The real `dossier-server` binary with TLS and a bearer token: every
//! service answers a TLS client with the token, refuses one without it
//! (health excepted), refuses plaintext, never writes the token to its log,
//! and still stops with exit 0 on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dossier_kit::client::{self, ClientChannel};
use dossier_kit::security::{AuthToken, ClientSecurity, ClientTls};
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    CreateDocumentRequest, Document, ExtractRequest, GetDocumentRequest, SearchRequest,
};
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

const TOKEN: &str = "monolith-token-0123456789abcdef";

struct Server {
    child: Child,
    /// (service, port) as printed by the binary.
    ports: Vec<(String, u16)>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn port(&self, service: &str) -> u16 {
        self.ports.iter().find(|(s, _)| s == service).unwrap().1
    }
}

/// Writes a self-signed certificate and the token, starts the binary with
/// the security flags (debug logs on, to check they hold no secret).
fn start(dir: &Path) -> (Server, Vec<u8>) {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    let cert_pem = certified.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), certified.signing_key.serialize_pem()).unwrap();
    std::fs::write(dir.join("token"), format!("{TOKEN}\n")).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier-server"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--storage-listen", "127.0.0.1:0"])
        .args(["--extraction-listen", "127.0.0.1:0"])
        .args(["--search-listen", "127.0.0.1:0"])
        .args(["--web-listen", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .arg("--auth-token-file")
        .arg(dir.join("token"))
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier-server starts");
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line.clone());
            let _ = lines_tx.send(line);
        }
    });
    let mut ports = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while ports.len() < 3 {
        let wait = deadline.saturating_duration_since(Instant::now());
        let line = lines_rx.recv_timeout(wait).expect("listening lines");
        if let Some((service, addr)) = line.split_once(" listening on ") {
            let port = addr.trim().rsplit(':').next().unwrap().parse().unwrap();
            ports.push((service.to_string(), port));
        }
    }
    let server = Server { child, ports, log };
    (server, cert_pem.into_bytes())
}

async fn channel(port: u16, security: &ClientSecurity) -> ClientChannel {
    let url = format!("https://localhost:{port}");
    let channel = client::endpoint(&url, security)
        .unwrap()
        .connect()
        .await
        .unwrap();
    client::with_auth(channel, security)
}

async fn serving(channel: ClientChannel) -> bool {
    let request = HealthCheckRequest {
        service: String::new(),
    };
    let response = HealthClient::new(channel).check(request).await.unwrap();
    response.into_inner().status == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_needs_tls_and_the_token_except_health() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ca) = start(dir.path());
    let authed = ClientSecurity {
        tls: ClientTls::from_ca_pem(ca.clone()),
        auth_token: Some(AuthToken::parse(TOKEN).unwrap()),
    };
    let anonymous = ClientSecurity {
        tls: ClientTls::from_ca_pem(ca),
        auth_token: None,
    };

    // Storage: write and read back with the token; nothing without it.
    let mut documents = DocumentServiceClient::new(channel(server.port("storage"), &authed).await);
    let created = documents
        .create_document(CreateDocumentRequest {
            document: Some(Document {
                title: "Harbour reopens".into(),
                body: "The harbour in Portmere reopened on Monday.".into(),
                source: "desk".into(),
                ..Default::default()
            }),
            request_id: "security-test-1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let read = documents
        .get_document(GetDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.title, "Harbour reopens");
    let status = DocumentServiceClient::new(channel(server.port("storage"), &anonymous).await)
        .get_document(GetDocumentRequest { id: created.id })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");

    // Extraction and search answer with the token, refuse without it.
    let extract = || ExtractRequest {
        text: "Mayor Ana Lind visited Portmere.".into(),
        ..Default::default()
    };
    let mut extraction =
        ExtractionServiceClient::new(channel(server.port("extraction"), &authed).await);
    assert!(
        !extraction
            .extract(extract())
            .await
            .unwrap()
            .into_inner()
            .mentions
            .is_empty()
    );
    let status = ExtractionServiceClient::new(channel(server.port("extraction"), &anonymous).await)
        .extract(extract())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    let search = || SearchRequest {
        query: "harbour".into(),
        page_size: 5,
        ..Default::default()
    };
    SearchServiceClient::new(channel(server.port("search"), &authed).await)
        .search(search())
        .await
        .unwrap();
    let status = SearchServiceClient::new(channel(server.port("search"), &anonymous).await)
        .search(search())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    // Health is open to a client without a token, on every service.
    for service in ["storage", "extraction", "search"] {
        assert!(serving(channel(server.port(service), &anonymous).await).await);
    }

    // Plaintext gets nowhere.
    let plain = format!("http://127.0.0.1:{}", server.port("storage"));
    let outcome = match client::endpoint(&plain, &ClientSecurity::default())
        .unwrap()
        .connect()
        .await
    {
        Ok(channel) => HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .map(drop)
            .map_err(drop),
        Err(_) => Err(()),
    };
    assert!(outcome.is_err(), "plaintext reached a TLS listener");

    stop_with_sigterm(server);
}

/// SIGTERM still drains and exits 0 with TLS on; the log never held the token.
fn stop_with_sigterm(mut server: Server) {
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still running 30 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let log = server.log.lock().unwrap();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|line| !line.contains(TOKEN)),
        "the token appeared in the server's log"
    );
}
