//! `dossier quotes` on the project's one-event set
//! (services/extraction/testdata/quotes/event.jsonl), through the real
//! services: a name typed in one outlet's spelling is looked up in the
//! registry, and its quotes are printed newest first, page after page.

use std::process::{Command, Output};
use std::time::Duration;

use dossier_proto::v1::ListQuotesRequest;
use dossier_tests::TestSystem;

const INDEX_TIMEOUT: Duration = Duration::from_secs(120);

async fn ingest() -> TestSystem {
    let documents = dossier_tests::fixtures::event_documents();
    let system = TestSystem::start().await;
    dossier_tests::import_created(&mut system.documents().await, documents, "cli-quotes").await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    system
}

async fn quotes(system: &TestSystem, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(["--extraction", &system.extraction_url()])
        .args(["--search", &system.search_url()])
        .arg("quotes")
        .args(args);
    tokio::task::spawn_blocking(move || command.output().expect("dossier runs"))
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "dossier quotes failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("--jsonl prints one JSON object a line"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_of_a_name_are_printed_newest_first_with_speaker_outlet_and_date() {
    let system = ingest().await;

    // Every quote of the entity the spelling names, as ListQuotes has them,
    // fetched over several pages (100 a page; --limit 0 is all).
    let records = lines(&quotes(&system, &["Hrytsenko", "--jsonl", "--limit", "0"]).await);
    assert!(records.len() >= 5, "{records:?}");
    let speaker = records[0]["quote"]["speaker_entity_id"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = system
        .search_client()
        .await
        .list_quotes(ListQuotesRequest {
            entity_id: speaker.clone(),
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids = |r: &serde_json::Value| {
        (
            r["document_id"].as_str().unwrap().to_string(),
            r["quote"]["start"].as_u64().unwrap_or(0),
        )
    };
    let expected: Vec<(String, u64)> = listed
        .quotes
        .iter()
        .map(|q| {
            (
                q.document_id.clone(),
                u64::from(q.quote.as_ref().unwrap().start),
            )
        })
        .collect();
    assert_eq!(records.iter().map(ids).collect::<Vec<_>>(), expected);
    let dates: Vec<&str> = records
        .iter()
        .map(|r| r["published_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // The id works as the name does; --limit stops early.
    let by_id = lines(&quotes(&system, &[&speaker, "--jsonl", "--limit", "2"]).await);
    assert_eq!(by_id.iter().map(ids).collect::<Vec<_>>(), expected[..2]);

    // Text: whose quotes, then each with its date, outlet and headline,
    // the words, and the speaker as written and as known.
    let text = stdout(&quotes(&system, &["hrytsenko", "--limit", "3"]).await);
    let mut out = text.lines();
    let heading = out.next().unwrap();
    assert!(
        heading.starts_with(&format!("{} quotes by ", listed.total_quotes))
            && heading.contains(&speaker),
        "{heading}"
    );
    assert_eq!(text.matches(" — ").count(), 3, "{text}");
    assert!(text.contains("2026-11-1"), "{text}");
    assert!(text.contains(".example"), "{text}");

    // Filters: the quote's own words, direct quotes, an outlet, a day.
    let ships = lines(&quotes(&system, &["Hrytsenko", "ships", "--jsonl"]).await);
    assert!(!ships.is_empty());
    assert!(ships.iter().all(|r| {
        r["quote"]["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("ship")
    }));
    let direct = lines(
        &quotes(
            &system,
            &["Hrytsenko", "--direct", "--jsonl", "--limit", "0"],
        )
        .await,
    );
    assert!(direct.len() < records.len());
    assert!(direct.iter().all(|r| r["quote"]["direct"] == true));
    let one = lines(
        &quotes(
            &system,
            &["Hrytsenko", "--source", "kyiv-ledger.example", "--jsonl"],
        )
        .await,
    );
    assert!(!one.is_empty() && one.iter().all(|r| r["source"] == "kyiv-ledger.example"));
    let day = lines(
        &quotes(
            &system,
            &[
                "Hrytsenko",
                "--since",
                "2026-11-17",
                "--until",
                "2026-11-17",
                "--jsonl",
            ],
        )
        .await,
    );
    assert!(!day.is_empty());
    assert!(day.iter().all(|r| {
        r["published_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-17")
    }));

    // --json: one object with the total.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&quotes(&system, &["Hrytsenko", "--json"]).await)).unwrap();
    assert_eq!(
        json["total_quotes"].as_str().map(str::to_owned),
        Some(listed.total_quotes.to_string()),
        "uint64 is a string in proto3 JSON"
    );

    // A name nobody has, and a date nobody writes.
    let nobody = quotes(&system, &["Zzyzx Quortlebury"]).await;
    assert_eq!(nobody.status.code(), Some(3), "NOT_FOUND exits 3");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no entity is named"));
    let bad_date = quotes(&system, &["Hrytsenko", "--since", "last tuesday"]).await;
    assert!(!bad_date.status.success());
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("--since"));
    system.stop().await;
}
