//! `dossier ingest fixtures/pages/` and `dossier get`: saved web pages of
//! several CMS styles (and charsets) become documents with the right
//! titles, dates, metadata and clean text, and a page with no article is
//! stored, flagged and reported.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use dossier_tests::services::start_storage;

async fn run(storage_url: &str, args: &[&str]) -> Output {
    let url = storage_url.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["--storage", &url])
            .args(&args)
            .output()
            .expect("dossier runs")
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

/// What each fixture page must give: title, publication time, source, and
/// words the text must hold and must not.
struct Expected {
    title: &'static str,
    published: &'static str,
    source: &'static str,
    language: &'static str,
    has: &'static [&'static str],
    lacks: &'static [&'static str],
}

const PAGES: &[Expected] = &[
    Expected {
        title: "Gdynia cranes restart as dockworkers end strike",
        published: "2026-03-04T05:45:00Z",
        source: "Harbour Gazette",
        language: "en",
        has: &[
            "Container cranes at the Polish port of Gdynia",
            "forty vessels waiting in the roadstead",
        ],
        lacks: &[
            "Skip to content",
            "Share this",
            "Baltic freight rates",
            "thoughts on",
            "Krzysztof",
            "Most read",
            "All rights reserved",
            "wpemoji",
        ],
    },
    Expected {
        title: "Riga summit seals Baltic grid link",
        published: "2026-03-05T14:20:00Z",
        source: "Amber Times",
        language: "en",
        has: &[
            "Energy ministers from the three Baltic states",
            "delays on earlier projects",
        ],
        lacks: &[
            "cookies",
            "Sign up",
            "morning briefing",
            "Most popular",
            "Tallinn tram",
            "Advertisement",
            "analytics",
        ],
    },
    Expected {
        title: "Café owners in Kärdla fear ferry cuts",
        published: "2026-03-06T00:00:00Z",
        source: "",
        language: "en",
        has: &["Owners of cafés and guesthouses in Kärdla", "€400,000"],
        lacks: &["Front page", "Copyright", "Ice halts"],
    },
    Expected {
        title: "Neue Fährverbindung zwischen Kiel und Klaipėda startet im April",
        published: "2026-03-07T08:00:00Z",
        source: "Nordlicht Rundschau",
        language: "de",
        has: &["Eine litauische Reederei", "während der Pandemie"],
        lacks: &["Zum Inhalt springen", "Mehr zum Thema", "Rekordjahr"],
    },
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_pages_become_clean_documents() {
    let dir = tempfile::tempdir().unwrap();
    let storage = start_storage(dir.path()).await;
    let url = storage.url();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pages");
    let pages = pages.to_str().unwrap();

    let summary = json(&run(&url, &["ingest", pages, "--json"]).await);
    assert_eq!(summary["created"], 5, "{summary}");
    assert_eq!(summary["rejected"], 0, "{summary}");
    assert_eq!(summary["empty_text"], 1, "{summary}");
    assert!(
        summary["empty_text_origins"][0]
            .as_str()
            .unwrap()
            .ends_with("navigation-only.html"),
        "{summary}"
    );

    let listed = run(&url, &["ls", "--all", "--jsonl"]).await;
    let mut by_title: HashMap<String, serde_json::Value> = HashMap::new();
    for line in String::from_utf8_lossy(&listed.stdout).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = row["id"].as_str().unwrap().to_string();
        let doc = json(&run(&url, &["get", &id, "--json"]).await);
        by_title.insert(doc["title"].as_str().unwrap_or("").to_string(), doc);
    }
    for expected in PAGES {
        let doc = by_title.get(expected.title).unwrap_or_else(|| {
            panic!(
                "no document titled {:?}: {:?}",
                expected.title,
                by_title.keys()
            )
        });
        assert_eq!(doc["published_at"], expected.published, "{doc}");
        assert_eq!(doc["content_type"], "text/html");
        assert_eq!(doc["language"], expected.language, "{doc}");
        if !expected.source.is_empty() {
            assert_eq!(doc["source"], expected.source, "{doc}");
        }
        let text = doc["text"].as_str().unwrap();
        for word in expected.has {
            assert!(
                text.contains(word),
                "{:?} lacks {word:?}:\n{text}",
                expected.title
            );
        }
        for word in expected.lacks {
            assert!(
                !text.contains(word),
                "{:?} holds {word:?}:\n{text}",
                expected.title
            );
        }
        assert!(!text.contains('<') && !text.contains("{\""), "{text}");
        assert!(doc["text_version"].as_u64().unwrap() >= 1);
    }

    // `get` in text shows the metadata and the clean text; --raw the page.
    let id = by_title["Riga summit seals Baltic grid link"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = run(&url, &["get", &id]).await;
    let shown = String::from_utf8_lossy(&shown.stdout);
    for line in [
        "title:        Riga summit seals Baltic grid link",
        "author:       Daina Ozola",
        "source:       Amber Times",
        "content type: text/html",
        "Energy ministers from the three Baltic states",
    ] {
        assert!(shown.contains(line), "{line:?} in:\n{shown}");
    }
    assert!(!shown.contains("cookie"), "{shown}");
    let raw = run(&url, &["get", "--raw", &id]).await;
    assert!(String::from_utf8_lossy(&raw.stdout).contains("<div class=\"cookie-banner\""));

    // The page without an article: stored, flagged, said so.
    let empty = by_title
        .values()
        .find(|d| d["text_empty"] == true)
        .expect("the navigation-only page is stored");
    let shown = run(&url, &["get", empty["id"].as_str().unwrap()]).await;
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("no article text found"),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
    storage.stop().await.unwrap();
}
