//! `dossier search` reads what a person types (lenient by default) and says
//! what it understood; `--strict` refuses a malformed query with its byte
//! offset, for scripts.

use std::process::{Command, Output};
use std::time::Duration;

use dossier_tests::TestSystem;

const INDEX_TIMEOUT: Duration = Duration::from_secs(120);

async fn search(system: &TestSystem, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(["--storage", &system.storage.url()])
        .args(["--extraction", &system.extraction_url()])
        .args(["--search", &system.search_url()])
        .arg("search")
        .args(args);
    tokio::task::spawn_blocking(move || command.output().expect("dossier runs"))
        .await
        .unwrap()
}

fn hit_count(output: &Output) -> u64 {
    assert!(
        output.status.success(),
        "dossier search failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let response: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("--json prints one JSON value");
    response["total_hits"]
        .as_u64()
        .or_else(|| response["total_hits"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_queries_are_read_leniently_and_strict_refuses_them() {
    let system = TestSystem::start().await;
    dossier_tests::import_created(
        &mut system.documents().await,
        dossier_tests::fixtures::articles(),
        "cli-search",
    )
    .await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    let plain = hit_count(&search(&system, &["Gdynia", "--json"]).await);
    assert!(plain > 0, "the fixtures name Gdynia");

    // A possessive and an unclosed quote: the same documents, and the
    // interpretation is shown on stderr in text mode.
    let typed = hit_count(&search(&system, &["Gdynia's", "--json"]).await);
    assert_eq!(typed, plain);
    let unclosed = hit_count(&search(&system, &["\"Gdynia", "--json"]).await);
    assert_eq!(unclosed, plain);
    let text = search(&system, &["\"Gdynia"]).await;
    assert!(text.status.success());
    assert!(
        !String::from_utf8_lossy(&text.stderr).trim().is_empty(),
        "a repaired query says how it was read"
    );

    // --strict: the same typing is a usage error from the service, with
    // where it went wrong.
    let strict = search(&system, &["\"Gdynia", "--strict"]).await;
    assert!(!strict.status.success());
    let message = String::from_utf8_lossy(&strict.stderr);
    assert!(message.contains("byte"), "{message}");
    system.stop().await;
}
