//! `dossier screen` on the project's one-event set
//! (services/extraction/testdata/quotes/event.jsonl) through the real
//! services: a CSV list with a spelling no article uses, a namesake and an
//! absent name; the same list as JSON lines with --jsonl output.

use std::process::{Command, Output};
use std::time::Duration;

use dossier_tests::TestSystem;

const INDEX_TIMEOUT: Duration = Duration::from_secs(120);

async fn ingest() -> TestSystem {
    let documents = dossier_tests::fixtures::event_documents();
    let system = TestSystem::start().await;
    dossier_tests::import_created(&mut system.documents().await, documents, "cli-screen").await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    system
}

async fn screen(system: &TestSystem, args: Vec<String>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(["--search", &system.search_url()])
        .arg("screen")
        .args(args);
    tokio::task::spawn_blocking(move || command.output().expect("dossier runs"))
        .await
        .unwrap()
}

#[tokio::test]
async fn screen_prints_what_a_list_matched_with_evidence() {
    let system = ingest().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("list.csv");
    std::fs::write(
        &csv,
        "name,type,country,aliases\n\"GRITSENKO, Alexei\",individual,,\nAndrii Hrytsenko,PERSON,,\nMarta Oliveira Santos,PERSON,,\n",
    )
    .unwrap();
    let out = screen(&system, vec![csv.display().to_string(), "--all".into()]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("GRITSENKO, Alexei\n"), "{stdout}");
    assert!(stdout.contains("6 articles"), "{stdout}");
    assert!(stdout.contains("why: "), "{stdout}");
    assert!(stdout.contains("Andrii Hrytsenko  (no match)"), "{stdout}");
    assert!(
        stdout.contains("1 of 3 names found in the articles"),
        "{stdout}"
    );

    let jsonl = dir.path().join("list.jsonl");
    std::fs::write(
        &jsonl,
        "{\"name\": \"Aleksei Gritsenko\", \"type\": \"PERSON\"}\n",
    )
    .unwrap();
    let out = screen(&system, vec![jsonl.display().to_string(), "--jsonl".into()]).await;
    assert!(out.status.success());
    let line: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii()).unwrap();
    assert_eq!(line["name"], "Aleksei Gritsenko");
    assert_eq!(line["matches"][0]["document_count"], "6", "{line}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "who\nx\n").unwrap();
    let out = screen(&system, vec![bad.display().to_string()]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`name` column"));
}
