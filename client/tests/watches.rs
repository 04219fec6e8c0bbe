//! `dossier watch add | ls | rm | follow` against the three services on
//! loopback, and the change feed under its new name (`changes`) and its
//! old one (`watch` without a subcommand, with a deprecation note).

use std::process::{Command, Output};
use std::time::Duration;

use dossier_tests::TestSystem;

const INDEX_TIMEOUT: Duration = Duration::from_secs(120);

async fn dossier(system: &TestSystem, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(["--storage", &system.storage.url()])
        .args(["--extraction", &system.extraction_url()])
        .args(["--search", &system.search_url()])
        .args(args);
    tokio::task::spawn_blocking(move || command.output().expect("dossier runs"))
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "dossier failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("--jsonl prints JSON lines"))
        .collect()
}

/// A uint64 in proto3 JSON (a string).
fn number(value: &serde_json::Value) -> u64 {
    value.as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_are_added_listed_followed_and_removed() {
    let system = TestSystem::start().await;
    dossier_tests::import_created(
        &mut system.documents().await,
        dossier_tests::fixtures::articles(),
        "cli-watch",
    )
    .await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    let added =
        stdout(&dossier(&system, &["watch", "add", "Chapovtchouk", "--name", "Yuri"]).await);
    let id = added.split_whitespace().next().unwrap().to_string();
    assert!(id.starts_with("wt-"), "{added}");
    // Adding the same watch again returns it.
    let again =
        stdout(&dossier(&system, &["watch", "add", "Chapovtchouk", "--name", "Yuri"]).await);
    assert_eq!(again, added);

    let listed = lines(&dossier(&system, &["watch", "ls", "--jsonl"]).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["name"], "Yuri");

    // The replay is what Search finds for the same query, in sequence order.
    let search = dossier(
        &system,
        &["search", "Chapovtchouk", "--json", "--page-size", "100"],
    )
    .await;
    let found: serde_json::Value = serde_json::from_str(&stdout(&search)).unwrap();
    let total = found["total_hits"]
        .as_u64()
        .unwrap_or_else(|| number(&found["total_hits"]));
    assert!(total >= 3, "the fixtures spell him several ways: {total}");
    let limit = total.to_string();
    let follow = ["watch", "follow", id.as_str(), "--jsonl", "--limit", &limit];
    let matches = lines(&dossier(&system, &follow).await);
    let seqs: Vec<u64> = matches.iter().map(|m| number(&m["sequence"])).collect();
    assert_eq!(seqs.len() as u64, total);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let spellings: std::collections::BTreeSet<&str> = matches
        .iter()
        .flat_map(|m| m["matched_variants"].as_array().into_iter().flatten())
        .filter_map(|v| v["variant"].as_str())
        .collect();
    assert!(
        spellings.len() >= 2,
        "other spellings matched: {spellings:?}"
    );

    // Resuming after the second match starts at the third.
    let after = seqs[1].to_string();
    let resumed = [
        "watch",
        "follow",
        id.as_str(),
        "--jsonl",
        "--limit",
        "1",
        "--after",
        &after,
    ];
    let resumed = lines(&dossier(&system, &resumed).await);
    assert_eq!(number(&resumed[0]["sequence"]), seqs[2]);

    // Text output: sequence, date, outlet, title.
    let text = stdout(&dossier(&system, &["watch", "follow", &id, "--limit", "1"]).await);
    assert!(
        text.trim_start().starts_with(&seqs[0].to_string()),
        "{text}"
    );

    assert_eq!(
        stdout(&dossier(&system, &["watch", "rm", &id]).await).trim(),
        format!("deleted {id}")
    );
    let gone = dossier(&system, &["watch", "rm", &id]).await;
    assert_eq!(gone.status.code(), Some(3), "not found");
    let gone = dossier(&system, &["watch", "follow", &id]).await;
    assert_eq!(gone.status.code(), Some(3), "not found");

    // The change feed, by its new name and its old one.
    let changes = lines(&dossier(&system, &["changes", "--limit", "2", "--jsonl"]).await);
    assert_eq!(changes.len(), 2);
    let old = dossier(
        &system,
        &["watch", "--after", "0", "--limit", "2", "--jsonl"],
    )
    .await;
    assert_eq!(lines(&old), changes);
    let note = String::from_utf8_lossy(&old.stderr);
    assert!(note.contains("dossier changes"), "{note}");
    system.stop().await;
}
