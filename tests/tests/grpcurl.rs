//! The README's grpcurl walkthrough as a test: against all three services
//! (monolithic mode, in-process on port 0), reflection lists each service with
//! health and reflection, `describe` shows messages, and a JSON call through
//! grpcurl works for every RPC of the dossier.v1 API.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use dossier_kit::Shutdown;
use dossier_server::{ListenAddrs, System, start};
use dossier_tests::tools;
use serde_json::Value;

struct Grpcurl {
    bin: PathBuf,
}

impl Grpcurl {
    /// Calls `method` on `addr` with `data` (one or more JSON messages) and
    /// returns every JSON message printed.
    fn call(&self, addr: &str, method: &str, data: &str) -> Vec<Value> {
        self.call_with(addr, method, data, &[])
    }

    fn call_with(&self, addr: &str, method: &str, data: &str, extra: &[&str]) -> Vec<Value> {
        let output = Command::new(&self.bin)
            .args(["-plaintext", "-d", data])
            .args(extra)
            .args([addr, method])
            .output()
            .expect("grpcurl runs");
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        // A streaming call cut by -max-time ends with DeadlineExceeded after
        // printing what it received; anything else must succeed.
        let cut_by_max_time = extra.contains(&"-max-time") && stderr.contains("DeadlineExceeded");
        assert!(
            output.status.success() || cut_by_max_time,
            "grpcurl {method} {data} failed: {stderr}"
        );
        parse_messages(&stdout)
    }

    fn text(&self, args: &[&str]) -> String {
        let output = Command::new(&self.bin)
            .arg("-plaintext")
            .args(args)
            .output()
            .expect("grpcurl runs");
        assert!(
            output.status.success(),
            "grpcurl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

/// grpcurl prints one pretty JSON object per message, back to back.
fn parse_messages(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map(|value| value.expect("grpcurl prints JSON"))
        .collect()
}

fn one(mut messages: Vec<Value>) -> Value {
    assert_eq!(messages.len(), 1, "{messages:?}");
    messages.remove(0)
}

async fn start_system(dir: &Path) -> System {
    start(dir, &ListenAddrs::ephemeral(), Shutdown::new())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn grpcurl_lists_describes_and_calls_every_rpc() {
    let Some(bin) = tools::require("grpcurl", "pip install -r tests/requirements.txt") else {
        return;
    };
    let grpcurl = Grpcurl { bin };
    let dir = tempfile::tempdir().unwrap();
    let system = start_system(dir.path()).await;
    let storage = system.storage.to_string();
    let extraction = system.extraction.to_string();
    let search = system.search.to_string();
    let (storage, extraction, search) = (storage.as_str(), extraction.as_str(), search.as_str());

    tokio::task::spawn_blocking({
        let (storage, extraction, search) = (
            storage.to_string(),
            extraction.to_string(),
            search.to_string(),
        );
        move || walkthrough(&grpcurl, &storage, &extraction, &search)
    })
    .await
    .unwrap();

    system.shutdown().trigger();
    system.wait().await.unwrap();
}

fn walkthrough(grpcurl: &Grpcurl, storage: &str, extraction: &str, search: &str) {
    // list and describe
    for (addr, service) in [
        (storage, "dossier.v1.DocumentService"),
        (extraction, "dossier.v1.ExtractionService"),
        (search, "dossier.v1.SearchService"),
    ] {
        let listed = grpcurl.text(&[addr, "list"]);
        for name in [
            service,
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ] {
            assert!(
                listed.contains(name),
                "{name} not listed by {addr}: {listed}"
            );
        }
        let described = grpcurl.text(&[addr, "describe", service]);
        assert!(described.contains("rpc "), "{described}");
    }
    let message = grpcurl.text(&[storage, "describe", "dossier.v1.ImportDocumentsResponse"]);
    assert!(message.contains("replayed"), "{message}");

    // DocumentService
    let ds = "dossier.v1.DocumentService";
    let created = one(grpcurl.call(
        storage,
        &format!("{ds}/CreateDocument"),
        r#"{"document": {"title": "Ferry timetable", "body": "Ann Kowalska of the Baltic Ferry Company said the island ferry adds a night crossing to Riga on Monday. Kowalska expects full boats.", "source": "harbour-bulletin", "publishedAt": "2026-03-02T08:00:00Z"}, "requestId": "walk-1"}"#,
    ));
    let id = created["id"].as_str().unwrap().to_string();
    let got = one(grpcurl.call(
        storage,
        &format!("{ds}/GetDocument"),
        &format!(r#"{{"id": "{id}"}}"#),
    ));
    assert_eq!(got["title"], "Ferry timetable");
    let imported = grpcurl.call(
        storage,
        &format!("{ds}/ImportDocuments"),
        r#"{"document": {"title": "Pilot boats", "body": "Two pilot boats joined the Riga fleet; Ann Kowalska welcomed them.", "source": "harbour-bulletin"}, "requestId": "walk-2"}
           {"document": {"title": "", "body": "", "source": "harbour-bulletin"}, "requestId": "walk-3"}"#,
    );
    assert_eq!(imported.len(), 2, "{imported:?}");
    assert_eq!(imported[0]["outcome"], "IMPORT_OUTCOME_CREATED");
    assert_eq!(imported[1]["outcome"], "IMPORT_OUTCOME_REJECTED");
    let second = imported[0]["documentId"].as_str().unwrap().to_string();
    let listed = one(grpcurl.call(
        storage,
        &format!("{ds}/ListDocuments"),
        r#"{"pageSize": 10}"#,
    ));
    assert_eq!(listed["documents"].as_array().unwrap().len(), 2);
    let status = one(grpcurl.call(storage, &format!("{ds}/GetStorageStatus"), "{}"));
    assert_eq!(status["lastSequence"], "2");
    let changes = grpcurl.call_with(
        storage,
        &format!("{ds}/WatchChanges"),
        r#"{"afterSequence": 0, "omitDocuments": true}"#,
        &["-max-time", "2"],
    );
    assert_eq!(changes.len(), 2, "{changes:?}");

    // SearchService (after the indexer has caught up)
    let ss = "dossier.v1.SearchService";
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let index = one(grpcurl.call(search, &format!("{ss}/GetIndexStatus"), "{}"));
        if index["indexedSequence"] == "2" {
            break;
        }
        assert!(Instant::now() < deadline, "not indexed: {index}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let found = one(grpcurl.call(
        search,
        &format!("{ss}/Search"),
        r#"{"query": "ferry", "facets": [{"field": "FACET_FIELD_SOURCE"}], "highlight": true}"#,
    ));
    assert_eq!(found["totalHits"], "1", "{found}");
    let exported = grpcurl.call(
        search,
        &format!("{ss}/ExportSearch"),
        r#"{"query": "Riga"}"#,
    );
    assert_eq!(exported.len(), 2, "{exported:?}");
    grpcurl.call(
        search,
        &format!("{ss}/MoreLikeThis"),
        &format!(r#"{{"documentId": "{id}"}}"#),
    );

    // ExtractionService
    let es = "dossier.v1.ExtractionService";
    let extracted = one(grpcurl.call(
        extraction,
        &format!("{es}/Extract"),
        r#"{"text": "Ann Kowalska flew to Riga on Monday.", "offsetEncoding": "UTF16"}"#,
    ));
    assert!(
        !extracted["mentions"].as_array().unwrap().is_empty(),
        "{extracted}"
    );
    let batch = grpcurl.call(
        extraction,
        &format!("{es}/BatchExtract"),
        r#"{"text": "Riga", "requestId": "a"} {"text": "Gdynia and Tallinn", "requestId": "b"}"#,
    );
    assert_eq!(batch.len(), 2);
    let info = one(grpcurl.call(extraction, &format!("{es}/GetModelInfo"), "{}"));
    assert!(info["devF1"].as_f64().unwrap() > 88.0, "{info}");
    let entities = one(grpcurl.call(
        extraction,
        &format!("{es}/ListEntities"),
        r#"{"type": "GPE", "pageSize": 50}"#,
    ));
    let gpes: Vec<String> = entities["entities"]
        .as_array()
        .expect("the indexer recorded places")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!gpes.is_empty());
    let entity = one(grpcurl.call(
        extraction,
        &format!("{es}/GetEntity"),
        &format!(r#"{{"id": "{}"}}"#, gpes[0]),
    ));
    assert_eq!(entity["id"], gpes[0].as_str());
    grpcurl.call(
        search,
        &format!("{ss}/GetCooccurrences"),
        &format!(r#"{{"entityId": "{}"}}"#, gpes[0]),
    );
    let persons = one(grpcurl.call(
        extraction,
        &format!("{es}/ListEntities"),
        r#"{"type": "PERSON"}"#,
    ));
    let person = persons["entities"][0]["id"].as_str().unwrap().to_string();
    let distinct = one(grpcurl.call(
        extraction,
        &format!("{es}/MarkDistinct"),
        &format!(r#"{{"entityIds": ["{person}", "{}"]}}"#, gpes[0]),
    ));
    grpcurl.call(
        extraction,
        &format!("{es}/UndoCuration"),
        &format!(
            r#"{{"curationId": "{}"}}"#,
            distinct["curationId"].as_str().unwrap()
        ),
    );
    let merged = one(grpcurl.call(
        extraction,
        &format!("{es}/MergeEntities"),
        &format!(
            r#"{{"entityIds": ["{person}", "{}"], "note": "walkthrough"}}"#,
            gpes[0]
        ),
    ));
    grpcurl.call(
        extraction,
        &format!("{es}/UndoCuration"),
        &format!(
            r#"{{"curationId": "{}"}}"#,
            merged["curationId"].as_str().unwrap()
        ),
    );
    // Split a spelling off an entity that has more than one.
    let all = one(grpcurl.call(
        extraction,
        &format!("{es}/ListEntities"),
        r#"{"pageSize": 200}"#,
    ));
    let (several, alias) = all["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| {
            let aliases = e["aliases"].as_array()?;
            (aliases.len() >= 2).then(|| {
                let last = aliases.last().unwrap()["name"]
                    .as_str()
                    .unwrap()
                    .to_string();
                (e["id"].as_str().unwrap().to_string(), last)
            })
        })
        .expect("an entity written two ways (Ann Kowalska / Kowalska)");
    let split = grpcurl.call(
        extraction,
        &format!("{es}/SplitEntity"),
        &format!(r#"{{"entityId": "{several}", "aliases": ["{alias}"]}}"#),
    );
    assert_eq!(split.len(), 1);
    let entity_changes = grpcurl.call_with(
        extraction,
        &format!("{es}/WatchEntityChanges"),
        r#"{"afterSequence": 0}"#,
        &["-max-time", "2"],
    );
    assert!(!entity_changes.is_empty());
    grpcurl.call(
        extraction,
        &format!("{es}/ForgetDocument"),
        &format!(r#"{{"documentId": "{second}"}}"#),
    );

    // The rest of DocumentService, and a rebuild.
    grpcurl.call(
        storage,
        &format!("{ds}/DeleteDocument"),
        &format!(r#"{{"id": "{second}"}}"#),
    );
    let rebuilt = one(grpcurl.call(search, &format!("{ss}/RebuildIndex"), "{}"));
    assert!(rebuilt.is_object());
}
