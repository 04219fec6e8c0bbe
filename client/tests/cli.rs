//! The `dossier` binary against a real storage service on loopback: ingest is
//! resumable (a rerun creates nothing twice), ls/get/rm work, failures map
//! to the documented exit codes with the server's message, and HTML files
//! and folders of them are ingested as pages while other files are named.

use std::path::Path;
use std::process::{Command, Output};

use dossier_tests::services::start_storage;

fn dossier(storage_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["--storage", storage_url])
        .args(args)
        .output()
        .expect("dossier runs")
}

async fn run(storage_url: &str, args: &[&str]) -> Output {
    let url = storage_url.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dossier(&url, &args)
    })
    .await
    .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "dossier failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("--json prints one JSON value")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_is_resumable_and_documents_can_be_listed_read_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(dir.path()).await;
    let url = storage.url();
    let articles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/articles");
    let articles = articles.to_str().unwrap();

    let first = json(&run(&url, &["ingest", articles, "--source", "desk", "--json"]).await);
    let created = first["created"].as_u64().unwrap();
    assert!(created >= 15, "{first}");
    assert_eq!(first["rejected"], 0);

    // A rerun of the same folder creates nothing.
    let second = json(&run(&url, &["ingest", articles, "--source", "desk", "--json"]).await);
    assert_eq!(second["created"], 0, "{second}");
    assert_eq!(
        second["already_imported"].as_u64().unwrap() + second["duplicate"].as_u64().unwrap(),
        created
    );

    let listed = run(&url, &["ls", "--all", "--jsonl"]).await;
    assert!(listed.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, created);
    let id = lines[0]["id"].as_str().unwrap().to_string();

    let got = json(&run(&url, &["get", &id, "--json"]).await);
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["content_sha256"].as_str().unwrap().len(), 64);

    assert!(run(&url, &["rm", &id]).await.status.success());
    let gone = run(&url, &["get", &id]).await;
    assert_eq!(gone.status.code(), Some(3), "NOT_FOUND exits 3");
    let message = String::from_utf8_lossy(&gone.stderr);
    assert!(
        message.contains(&id) && !message.contains("panicked"),
        "{message}"
    );

    storage.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_have_documented_exit_codes_and_plain_messages() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(dir.path()).await;
    let url = storage.url();

    let bad_file = dir.path().join("broken.json");
    std::fs::write(&bad_file, "{ not json").unwrap();
    let unreadable = run(&url, &["ingest", bad_file.to_str().unwrap()]).await;
    assert_ne!(unreadable.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&unreadable.stderr).contains("broken.json"));

    let empty_body = dir.path().join("empty.jsonl");
    std::fs::write(
        &empty_body,
        "{\"title\":\"t\",\"body\":\"\",\"source\":\"s\"}\n",
    )
    .unwrap();
    let rejected = run(&url, &["ingest", empty_body.to_str().unwrap()]).await;
    assert_eq!(
        rejected.status.code(),
        Some(5),
        "some items rejected exits 5"
    );
    assert!(String::from_utf8_lossy(&rejected.stderr).contains("body"));

    storage.stop().await.unwrap();
    let down = run(&url, &["ls"]).await;
    assert_eq!(down.status.code(), Some(4), "unreachable service exits 4");
    let message = String::from_utf8_lossy(&down.stderr);
    assert!(message.contains("storage"), "{message}");
    assert!(!message.contains("panicked") && !message.contains("RUST_BACKTRACE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_files_and_folders_are_ingested_and_other_files_named() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(&dir.path().join("storage")).await;
    let url = storage.url();
    let page = "<!doctype html>\n<html><head><title>Port strike | Quayside Herald</title></head>\n<body><article><h1>Port strike</h1><p>Dockers walked out in Gdynia on Monday over the new safety rules.</p></article></body></html>\n";

    // One HTML file named on its own: stored as a page, its title taken
    // from the page by storage.
    let file = dir.path().join("strike.HTM");
    std::fs::write(&file, page).unwrap();
    let summary = json(&run(&url, &["ingest", file.to_str().unwrap(), "--json"]).await);
    assert_eq!(summary["created"], 1, "{summary}");
    let listed = run(&url, &["ls", "--jsonl"]).await;
    let line: serde_json::Value =
        serde_json::from_slice(listed.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["title"], "Port strike", "{line}");
    let id = line["id"].as_str().unwrap().to_string();
    let shown = run(&url, &["get", &id]).await;
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("content type: text/html"), "{shown}");
    assert!(shown.contains("Dockers walked out in Gdynia"), "{shown}");
    assert!(!shown.contains("<p>"), "{shown}");
    let raw = run(&url, &["get", "--raw", &id]).await;
    assert_eq!(String::from_utf8_lossy(&raw.stdout), format!("{page}\n"));

    // A folder: articles and pages are loaded, the rest counted and named.
    let folder = dir.path().join("desk");
    std::fs::create_dir_all(folder.join("web")).unwrap();
    std::fs::write(
        folder.join("strike.md"),
        "# Port strike ends\n\nDockers returned on Monday.\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("web/strike.html"),
        page.replace("Monday", "Tuesday"),
    )
    .unwrap();
    std::fs::write(
        folder.join("web/empty.htm"),
        "<html><body><nav><a href=\"/\">Home</a></nav></body></html>",
    )
    .unwrap();
    std::fs::write(folder.join("tariffs.csv"), "port,tariff\n").unwrap();
    let folder = folder.to_str().unwrap();

    let summary = json(&run(&url, &["ingest", folder, "--json"]).await);
    assert_eq!(summary["created"], 3, "{summary}");
    assert_eq!(summary["unsupported"], 1, "{summary}");
    assert_eq!(summary["empty_text"], 1, "{summary}");
    assert!(
        summary["empty_text_origins"][0]
            .as_str()
            .unwrap()
            .ends_with("web/empty.htm"),
        "{summary}"
    );
    let problems = summary["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| {
            p["origin"].as_str().unwrap().ends_with("tariffs.csv")
                && p["reason"].as_str().unwrap().contains(".html or .htm")
        }),
        "tariffs.csv is named: {summary}"
    );

    // The text summary says the same.
    let text = run(&url, &["ingest", folder, "--no-progress"]).await;
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("1 unsupported"), "{stdout}");
    assert!(stdout.contains("tariffs.csv"), "{stdout}");

    storage.stop().await.unwrap();
}
