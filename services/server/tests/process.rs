//! The README's first command, as a user runs it: the real `dossier-server`
//! binary starts every service, grpcurl sees each of them through reflection
//! and can call them with JSON, and SIGTERM stops it cleanly with exit 0.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_tests::postgres::TestDatabase;
use dossier_tests::tools;

struct Server {
    child: Child,
    addrs: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on port 0 and reads `<service> listening on <addr>`.
fn start(data_dir: &std::path::Path) -> Server {
    start_with(data_dir, &[])
}

/// As [`start`], with more flags.
fn start_with(data_dir: &std::path::Path, flags: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(flags)
        .args(["--storage-listen", "127.0.0.1:0"])
        .args(["--extraction-listen", "127.0.0.1:0"])
        .args(["--search-listen", "127.0.0.1:0"])
        .args(["--web-listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier-server starts");
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[dossier-server] {line}");
            let _ = lines_tx.send(line);
        }
    });
    let mut addrs = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while addrs.len() < 3 {
        let wait = deadline.saturating_duration_since(Instant::now());
        let line = lines_rx
            .recv_timeout(wait)
            .expect("dossier-server prints where each service listens");
        if let Some((service, addr)) = line.split_once(" listening on ") {
            addrs.push((service.to_string(), addr.trim().to_string()));
        }
    }
    Server { child, addrs }
}

fn grpcurl(grpcurl: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new(grpcurl)
        .arg("-plaintext")
        .args(args)
        .output()
        .expect("grpcurl runs");
    assert!(
        output.status.success(),
        "grpcurl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn addr_of<'a>(server: &'a Server, service: &str) -> &'a str {
    &server
        .addrs
        .iter()
        .find(|(name, _)| name == service)
        .unwrap_or_else(|| panic!("no {service} address in {:?}", server.addrs))
        .1
}

#[test]
fn grpcurl_lists_describes_and_calls_every_service() {
    let Some(grpcurl_bin) = tools::require("grpcurl", "pip install -r tests/requirements.txt")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());

    for (service, expected) in [
        ("storage", "dossier.v1.DocumentService"),
        ("extraction", "dossier.v1.ExtractionService"),
        ("search", "dossier.v1.SearchService"),
    ] {
        let listed = grpcurl(&grpcurl_bin, &[addr_of(&server, service), "list"]);
        for name in [
            expected,
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
        ] {
            assert!(listed.contains(name), "{service}: {name} not in {listed}");
        }
        assert_eq!(
            listed.matches("dossier.v1.").count(),
            1,
            "{service} lists only its own service: {listed}"
        );
    }

    let storage = addr_of(&server, "storage");
    let described = grpcurl(&grpcurl_bin, &[storage, "describe", "dossier.v1.Document"]);
    assert!(described.contains("content_sha256"), "{described}");

    let created = grpcurl(
        &grpcurl_bin,
        &[
            "-d",
            r#"{"document": {"title": "Ferry timetable", "body": "The island ferry adds a night crossing.", "source": "harbour-bulletin"}, "request_id": "grpcurl-1"}"#,
            storage,
            "dossier.v1.DocumentService/CreateDocument",
        ],
    );
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let id = created["id"].as_str().expect("the reply has an id");
    let fetched = grpcurl(
        &grpcurl_bin,
        &[
            "-d",
            &format!(r#"{{"id": "{id}"}}"#),
            storage,
            "dossier.v1.DocumentService/GetDocument",
        ],
    );
    assert!(fetched.contains("night crossing"), "{fetched}");

    let extracted = grpcurl(
        &grpcurl_bin,
        &[
            "-d",
            r#"{"text": "Ann Kowalska flew to Riga on Monday."}"#,
            addr_of(&server, "extraction"),
            "dossier.v1.ExtractionService/Extract",
        ],
    );
    assert!(extracted.contains("mentions"), "{extracted}");

    let status = grpcurl(
        &grpcurl_bin,
        &[
            addr_of(&server, "search"),
            "dossier.v1.SearchService/GetIndexStatus",
        ],
    );
    let _: serde_json::Value = serde_json::from_str(&status).unwrap();
}

/// `--database-url` and `--registry-url` naming one PostgreSQL database: the
/// document goes to storage's tables and the entities linked while search
/// indexes it to the registry's, nothing of either under the data directory.
#[test]
fn documents_and_the_entity_registry_can_both_live_in_postgresql() {
    let Some(db) = TestDatabase::create("dossier-server on PostgreSQL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(
        dir.path(),
        &["--database-url", &db.url, "--registry-url", &db.url],
    );
    let storage = format!("http://{}", addr_of(&server, "storage"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut client = pb::document_service_client::DocumentServiceClient::connect(storage)
            .await
            .unwrap();
        client
            .create_document(pb::CreateDocumentRequest {
                document: Some(pb::Document {
                    title: "Harbour board names a new chair".into(),
                    body: "Marta Lindqvist will chair the Tallinn harbour board, the city \
                           council said on Tuesday."
                        .into(),
                    source: "harbour-bulletin".into(),
                    ..Default::default()
                }),
                request_id: "pg-server-1".into(),
            })
            .await
            .unwrap();
    });

    let mut sql = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let count = |sql: &mut postgres::Client, table: &str| -> i64 {
        sql.query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(count(&mut sql, "documents"), 1);
    // The registry's tables exist once extraction has opened it, which may
    // come after the server says it listens: no table yet is no entity yet.
    let entities = |sql: &mut postgres::Client| -> i64 {
        match sql.query_one("SELECT count(*) FROM registry_entities", &[]) {
            Ok(row) => row.get(0),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => 0,
            Err(e) => panic!("counting the registry's entities: {e}"),
        }
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while entities(&mut sql) == 0 {
        assert!(
            Instant::now() < deadline,
            "no entity reached the PostgreSQL registry in 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    for embedded in ["storage/documents.redb", "extraction/registry.redb"] {
        let path = dir.path().join(embedded);
        assert!(
            !path.exists(),
            "{} exists beside the database",
            path.display()
        );
    }
}

#[test]
fn sigterm_stops_every_service_with_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path());
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still running 30 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn python_grpc_client_ingests_extracts_searches_and_pages() {
    let Some(python) = tools::require("python3", "install Python 3") else {
        return;
    };
    let has_grpc = Command::new(&python)
        .args(["-c", "import grpc, grpc_tools"])
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    if !has_grpc {
        let message = "python grpcio/grpcio-tools missing (pip install -r tests/requirements.txt)";
        assert!(
            std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{message}; DOSSIER_REQUIRE_TOOLS=1 forbids skipping"
        );
        eprintln!("SKIPPED: {message}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/client_test.py");
    let output = Command::new(&python)
        .arg(script)
        .args(["storage", "extraction", "search"].map(|s| addr_of(&server, s)))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "python client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("passed, 0 failed"), "{stdout}");
}
