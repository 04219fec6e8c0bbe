//! Queries as people type them, over gRPC, against the fixture articles
//! (`fixtures/articles`): none is refused in the default (lenient) syntax,
//! each finds what a person would expect, and the strict syntax still
//! refuses the malformed ones.
//!
//! The index is built from the fixtures directly (storage and extraction
//! are absent); a small table of the fixtures' people and places stands in
//! for extraction's linker, so entity expansion works as in production.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dossier_kit::Shutdown;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    EntityType, ExportSearchRequest, QueryNoteKind, QuerySyntax, SearchRequest, SearchResponse,
};
use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
use dossier_search::model::{DocEntity, IndexDoc};
use dossier_search::{SearchConfig, serve};
use futures::StreamExt;
use tonic::Code;
use tonic::transport::Channel;

/// Entities of the fixtures: id, canonical name, type, spellings.
const ENTITIES: &[(&str, &str, EntityType, &[&str])] = &[
    (
        "ent_shapovchuk",
        "Yuriy Shapovchuk",
        EntityType::Person,
        &[
            "Yuriy Shapovchuk",
            "Yurii Shapovchuk",
            "Yuri Shapovchuk",
            "Yury Shapovchuk",
            "Iouri Chapovtchouk",
            "Юрій Шаповчук",
            "Shapovchuk",
            "Shapovchuck",
            "Chapovtchouk",
        ],
    ),
    (
        "ent_kolobyov",
        "Aleksei Kolobyov",
        EntityType::Person,
        &[
            "Aleksei Kolobyov",
            "Alexey Kolobev",
            "Alexei Kolobyov",
            "Alexeï Kolobiov",
            "Kolobyov",
            "Kolobev",
            "Kolobiov",
        ],
    ),
    (
        "ent_qudaimi",
        "Tariq al-Qudaimi",
        EntityType::Person,
        &[
            "Tariq al-Qudaimi",
            "Tarik al-Kudaimi",
            "Tarek el-Koudaimi",
            "Tareq Al-Gudaimi",
            "Qudaimi",
            "Koudaimi",
            "Kudaimi",
            "Gudaimi",
        ],
    ),
    (
        "ent_chao",
        "Chao Ming-te",
        EntityType::Person,
        &["Chao Ming-te"],
    ),
    ("ent_riga", "Riga", EntityType::Gpe, &["Riga"]),
    ("ent_gdynia", "Gdynia", EntityType::Gpe, &["Gdynia"]),
    ("ent_kyiv", "Kyiv", EntityType::Gpe, &["Kyiv", "Kiev"]),
];

/// One fixture article: title, body, source, published_at.
struct Article {
    title: String,
    body: String,
    source: String,
    published_at: Option<i64>,
}

fn fixtures() -> Vec<Article> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => out.push(json_article(&text)),
            Some("jsonl") => out.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(json_article),
            ),
            Some(kind @ ("md" | "txt")) => {
                let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
                out.push(Article {
                    title: title.trim_start_matches('#').trim().into(),
                    body: body.trim().into(),
                    source: if kind == "md" {
                        "quayside-herald"
                    } else {
                        "eastern-strait-post"
                    }
                    .into(),
                    published_at: None,
                });
            }
            _ => {}
        }
    }
    out
}

fn json_article(text: &str) -> Article {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Article {
        title: s("title"),
        body: s("body"),
        source: s("source"),
        published_at: v["published_at"]
            .as_str()
            .map(|t| t.parse::<prost_types::Timestamp>().unwrap().seconds),
    }
}

/// The fixtures' entities an article names, with the spellings it uses.
fn link(text: &str) -> Vec<DocEntity> {
    ENTITIES
        .iter()
        .filter_map(|(id, name, kind, spellings)| {
            let variants: Vec<String> = spellings
                .iter()
                .filter(|s| text.contains(**s))
                .map(|s| s.to_string())
                .collect();
            (!variants.is_empty()).then(|| DocEntity {
                id: id.to_string(),
                name: name.to_string(),
                entity_type: *kind as i32,
                variants,
            })
        })
        .collect()
}

struct Server {
    _dir: tempfile::TempDir,
    client: SearchServiceClient<Channel>,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Server {
    /// The search service over the fixture articles.
    async fn start(max_query_bytes: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("search");
        let index = SearchIndex::open(&data_dir).unwrap();
        let articles = fixtures();
        let count = articles.len() as u64;
        let ops = articles
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let entities = link(&format!("{}\n{}", a.title, a.body));
                IndexOp::Upsert(Box::new(IndexDoc {
                    id: format!("doc{:02}", i + 1),
                    sequence: i as u64 + 1,
                    title: a.title,
                    body: a.body,
                    source: a.source,
                    published_at: a.published_at,
                    language: "en".into(),
                    entities,
                    ..Default::default()
                }))
            })
            .collect();
        index.apply(ops).unwrap();
        index
            .commit(Checkpoint {
                sequence: count,
                entity_sequence: 0,
            })
            .unwrap();
        index.close().unwrap();
        let config = SearchConfig {
            data_dir,
            storage_url: dead_url().await,
            extraction_url: dead_url().await,
            max_query_bytes,
            ..SearchConfig::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
        let shutdown = Shutdown::new();
        let task = tokio::spawn(serve(config, listener, shutdown.clone()));
        let client = SearchServiceClient::connect(url)
            .await
            .unwrap()
            .max_decoding_message_size(64 << 20);
        Self {
            _dir: dir,
            client,
            shutdown,
            task,
        }
    }

    async fn search(
        &self,
        query: &str,
        syntax: QuerySyntax,
    ) -> Result<SearchResponse, tonic::Status> {
        self.client
            .clone()
            .search(SearchRequest {
                query: query.into(),
                page_size: 100,
                syntax: syntax as i32,
                ..Default::default()
            })
            .await
            .map(|r| r.into_inner())
    }

    async fn stop(self) {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
    }
}

async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

fn ids(response: &SearchResponse) -> BTreeSet<String> {
    response
        .hits
        .iter()
        .map(|h| h.document_id.clone())
        .collect()
}

/// What a typed query should find.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The same documents as this query in the strict syntax.
    Like(&'static str),
    /// Exactly this many documents.
    Hits(u64),
    /// At least this many documents.
    AtLeast(u64),
    /// The top hit's title contains this.
    Top(&'static str),
    /// Anything, as long as it is answered.
    Answered,
}

use Expect::*;

/// Queries as people type them, and what each should find.
fn table() -> Vec<(String, Expect)> {
    let rows: Vec<(&str, Expect)> = vec![
        // Names and possessives, ASCII and typographic.
        ("Shapovchuk", AtLeast(5)),
        ("Shapovchuk's", Like("Shapovchuk")),
        ("Shapovchuk’s", Like("Shapovchuk")),
        ("Shapovchuk`s", Like("Shapovchuk")),
        ("SHAPOVCHUK'S", Like("Shapovchuk")),
        ("shapovchuk's", Like("Shapovchuk")),
        ("Shapovchuk's appeal", Like("Shapovchuk appeal")),
        ("Chapovtchouk's", Like("Shapovchuk")),
        ("Kolobyov's", Like("Kolobyov")),
        ("Kolobev’s", Like("Kolobyov")),
        ("Kolobiov's", Like("Kolobyov")),
        ("Kolobev’s broadside", Like("Kolobev broadside")),
        ("Qudaimi's", Like("Qudaimi")),
        ("Koudaimi’s", Like("Qudaimi")),
        ("Ukraine's", Like("Ukraine")),
        ("Ukraine’s minister", Like("Ukraine minister")),
        ("China's envoy", Like("China envoy")),
        ("Beijing's", Like("Beijing")),
        ("Poland's", Like("Poland")),
        ("Lithuania’s", Like("Lithuania")),
        ("Kyiv's", Like("Kyiv")),
        ("Kyiv’s energy minister", Like("Kyiv energy minister")),
        ("Riga's", Like("Riga")),
        ("Dockworkers'", Like("Dockworkers")),
        ("Dockworkers’ Federation", Like("Dockworkers Federation")),
        ("Baltic’s busy week", Like("Baltic busy week")),
        ("Council's", Like("Council")),
        ("don't", Answered),
        ("won’t", Answered),
        ("O'Brien", Answered),
        ("it's", Answered),
        // Phrases: closed and unclosed, every kind of quote.
        ("\"Amber Link\"", AtLeast(1)),
        ("\"Amber Link", Like("\"Amber Link\"")),
        ("Amber Link\"", Like("Amber Link")),
        ("“Amber Link”", Like("\"Amber Link\"")),
        ("„Amber Link“", Like("\"Amber Link\"")),
        ("«Amber Link»", Like("\"Amber Link\"")),
        ("“Amber Link", Like("\"Amber Link\"")),
        ("'Amber Link'", Like("Amber Link")),
        ("‘Amber Link’", Like("Amber Link")),
        ("\"Riga Declaration", Like("\"Riga Declaration\"")),
        (
            "\"Oksywie Bridge\" \"Gdynia",
            Like("\"Oksywie Bridge\" Gdynia"),
        ),
        ("\"Kolobev’s broadside\"", Like("\"Kolobev’s broadside\"")),
        ("\"Kolobev's broadside", Like("\"Kolobev’s broadside\"")),
        ("\"Amber Link\"~2", Like("\"Amber Link\"~2")),
        ("\"Amber Link\"~", Like("\"Amber Link\"")),
        ("\"Amber Link\"^", Like("\"Amber Link\"")),
        ("\"\"", Answered),
        ("\" \"", Answered),
        ("\"", Answered),
        ("\"\"\"", Answered),
        ("Riga \"", Like("Riga")),
        ("\"Юрій Шаповчук", Like("\"Юрій Шаповчук\"")),
        // Parentheses and brackets.
        ("(Riga", Like("Riga")),
        ("Riga)", Like("Riga")),
        ("((Riga)", Like("Riga")),
        ("(Riga))", Like("Riga")),
        ("(Riga OR Gdynia", Like("Riga OR Gdynia")),
        ("Kyiv (Riga OR Gdynia", Like("Kyiv (Riga OR Gdynia)")),
        ("title:(Riga", Like("title:Riga")),
        ("title:(Riga OR Gdynia", Like("title:(Riga OR Gdynia)")),
        ("[Riga]", Like("Riga")),
        ("[Riga", Like("Riga")),
        ("Riga]", Like("Riga")),
        ("{Riga}", Like("Riga")),
        ("[Riga TO Gdynia]", Like("Riga Gdynia")),
        ("(", Answered),
        (")", Answered),
        ("()", Answered),
        ("(((", Answered),
        ("Riga ()", Like("Riga")),
        (")Riga(", Like("Riga")),
        // Operators where they join nothing.
        ("OR", Answered),
        ("AND", Answered),
        ("NOT", Answered),
        ("Riga AND", Like("Riga")),
        ("AND Riga", Like("Riga")),
        ("Riga OR", Like("Riga")),
        ("OR Riga", Like("Riga")),
        ("Riga NOT", Like("Riga")),
        ("NOT Riga", Like("-Riga")),
        ("Riga AND AND Gdynia", Like("Riga AND Gdynia")),
        ("Riga OR OR Gdynia", Like("Riga OR Gdynia")),
        ("Riga AND OR Gdynia", Like("Riga OR Gdynia")),
        ("Riga NOT NOT Gdynia", Like("Riga NOT Gdynia")),
        ("Riga AND NOT", Like("Riga")),
        ("Riga && Gdynia", Like("Riga AND Gdynia")),
        ("Riga || Gdynia", Like("Riga OR Gdynia")),
        ("Riga & Gdynia", Like("Riga Gdynia")),
        ("Riga | Gdynia", Like("Riga Gdynia")),
        ("Riga -", Like("Riga")),
        ("- Riga", Like("Riga")),
        ("Riga +", Like("Riga")),
        ("+", Answered),
        ("-", Answered),
        ("--Riga", Like("-Riga")),
        ("+-Riga", Like("-Riga")),
        ("-(Riga OR Gdynia)", Like("-(Riga OR Gdynia)")),
        ("Riga^", Like("Riga")),
        ("Riga^2", Like("Riga")),
        ("Riga^x", Like("Riga")),
        ("Riga^-1", Like("Riga")),
        ("^2", Answered),
        ("^", Answered),
        ("Riga~", Like("Riga")),
        ("Riga~1", Like("Riga~1")),
        ("Rigga~9", Like("Rigga~2")),
        ("Rig*", Like("Rig*")),
        ("*", Answered),
        ("!Riga", Like("Riga")),
        ("~", Answered),
        // Colons and fields.
        ("title:", Answered),
        ("title: Riga", Like("title:Riga")),
        ("Title:Riga", Like("title:Riga")),
        ("TITLE:Riga", Like("title:Riga")),
        ("Riga: the summit", Like("Riga the summit")),
        ("Kolobev: broadside", Like("Kolobev broadside")),
        ("Analysis: a cable", Like("Analysis a cable")),
        ("summit:Riga", Like("summit Riga")),
        ("Riga:", Like("Riga")),
        (":Riga", Like("Riga")),
        ("title::Riga", Answered),
        ("source:northstar-wire", Like("source:northstar-wire")),
        ("source: northstar-wire", Like("source:northstar-wire")),
        ("source:", Answered),
        (
            "published_at:[2026-03-04T00:00:00Z TO *]",
            Like("published_at:[2026-03-04T00:00:00Z TO *]"),
        ),
        (
            "published_at:[2026-03-04T00:00:00Z TO *",
            Like("published_at:[2026-03-04T00:00:00Z TO *]"),
        ),
        ("published_at:yesterday", Answered),
        ("published_at:[yesterday TO *]", Answered),
        ("seq:abc", Answered),
        ("person:*", Answered),
        ("entity:ent_shapovchuk", Like("entity:ent_shapovchuk")),
        (
            "entity:ent_shapovchuk Riga",
            Like("entity:ent_shapovchuk Riga"),
        ),
        ("https://www.northstar-wire.example/riga", Answered),
        ("10:30 Riga", Answered),
        // Dashes between words and inside compounds.
        ("Riga - Gdynia", Like("Riga Gdynia")),
        ("Riga – Gdynia", Like("Riga Gdynia")),
        ("Riga — Gdynia", Like("Riga Gdynia")),
        ("Riga—Gdynia", Like("Riga Gdynia")),
        ("Riga-Gdynia", Like("Riga Gdynia")),
        ("Ventspils–Gotland", Like("Ventspils Gotland")),
        ("ten-year", Like("ten year")),
        ("high-voltage", Like("high voltage")),
        ("al-Qudaimi", Like("al Qudaimi")),
        ("el-Koudaimi", Like("el Koudaimi")),
        ("Doha-based", Like("Doha based")),
        ("Secretary-General", Like("Secretary General")),
        ("Chao Ming-te", Like("Chao Ming te")),
        ("Ming-te", Like("Ming te")),
        ("U.S.-China", Answered),
        ("Riga/Gdynia", Like("Riga Gdynia")),
        ("Riga, Gdynia", Like("Riga Gdynia")),
        ("Riga,Gdynia", Like("Riga Gdynia")),
        ("Riga; Gdynia", Like("Riga Gdynia")),
        ("-Riga Gdynia", Like("-Riga Gdynia")),
        ("Gdynia -Riga", Like("Gdynia -Riga")),
        // Emoji, symbols and other scripts.
        ("🙂", Hits(0)),
        ("Riga 🙂", Like("Riga")),
        ("🇱🇻 Riga", Like("Riga")),
        ("Riga🙂", Like("Riga")),
        ("👍👍👍", Hits(0)),
        ("Юрій Шаповчук", Like("Shapovchuk")),
        ("Шаповчук", AtLeast(1)),
        ("Klaipėda", Like("Klaipeda")),
        ("Kalniņš", Like("Kalnins")),
        ("Alexeï Kolobiov", Like("Kolobyov")),
        ("北京", Answered),
        ("مرحبا", Answered),
        ("Riga™", Like("Riga")),
        ("Riga…", Like("Riga")),
        ("¿Riga?", Like("Riga")),
        ("Riga!!!", Like("Riga")),
        ("Riga.", Like("Riga")),
        ("#Riga", Like("Riga")),
        ("@Riga", Like("Riga")),
        ("€2.3bn", Answered),
        ("100%", Answered),
        ("\\", Answered),
        ("Riga\\", Like("Riga")),
        ("`Riga`", Like("Riga")),
        // Case and spacing.
        ("riga", Like("Riga")),
        ("RIGA", Like("Riga")),
        ("  Riga  ", Like("Riga")),
        ("Riga\tGdynia", Like("Riga Gdynia")),
        ("Riga\nGdynia", Like("Riga Gdynia")),
        ("Riga  AND  Gdynia", Like("Riga AND Gdynia")),
        ("Riga and Gdynia", Like("Riga and Gdynia")),
        ("Riga's summit's", Like("Riga summit")),
        ("Riga summit", Top("Riga")),
        ("Gdynia strike", Top("Gdynia")),
    ];
    let mut out: Vec<(String, Expect)> =
        rows.into_iter().map(|(q, e)| (q.to_string(), e)).collect();
    // Long pastes: a paragraph of an article finds it.
    let articles = fixtures();
    let body = &articles[0].body;
    let cut = |n: usize| {
        let mut end = n.min(body.len());
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body[..end].to_string()
    };
    let title = articles[0].title.split(' ').next().unwrap_or_default();
    let first_words: &'static str = Box::leak(title.to_string().into_boxed_str());
    out.push((cut(300), Top(first_words)));
    out.push((cut(1500), Top(first_words)));
    // An unclosed quote around whole words of the article: the phrase.
    let words = cut(200);
    let whole = words.rsplit_once(' ').map_or(words.as_str(), |(w, _)| w);
    out.push((format!("\"{whole}"), AtLeast(1)));
    out.push((format!("({}", cut(400)), AtLeast(1)));
    out.push(("Riga ".repeat(800), Like("Riga")));
    out.push(("(".repeat(500) + "Riga", Like("Riga")));
    out.push(("NOT ".repeat(500) + "Riga", Answered));
    out.push(("Riga's ".repeat(300), Like("Riga")));
    out.push(("🙂".repeat(1000), Hits(0)));
    out.push(("\"".repeat(2000), Answered));
    out
}

/// Queries the strict syntax refuses, each with a part of its message.
const STRICT_REFUSES: &[&str] = &[
    "Shapovchuk's",
    "\"Amber Link",
    "(Riga",
    "Riga)",
    "[Riga]",
    "OR",
    "Riga^",
    "title:",
    "Riga: the summit",
    "summit:Riga",
    "title:(Riga",
    "published_at:[yesterday TO *]",
    "Rigga~9",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_as_people_type_them() {
    let server = Server::start(16_384).await;
    let table = table();
    assert!(table.len() >= 150, "{} queries", table.len());
    let mut failures = Vec::new();
    for (typed, expect) in &table {
        let response = match server.search(typed, QuerySyntax::Unspecified).await {
            Ok(r) => r,
            Err(status) => {
                failures.push(format!("{typed:?} refused: {status}"));
                continue;
            }
        };
        let interpreted = response.interpreted_query.clone().unwrap_or_default();
        let found = ids(&response);
        let ok = match *expect {
            Like(strict) => {
                let want = server
                    .search(strict, QuerySyntax::Strict)
                    .await
                    .unwrap_or_else(|e| panic!("{strict:?} in strict: {e}"));
                found == ids(&want)
            }
            Hits(n) => response.total_hits == n,
            AtLeast(n) => response.total_hits >= n,
            Top(word) => response
                .hits
                .first()
                .is_some_and(|h| h.title.contains(word)),
            Answered => true,
        };
        if !ok {
            failures.push(format!(
                "{:?} ({expect:?}) found {} as {:?}",
                cut(typed),
                response.total_hits,
                cut(&interpreted.query)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
    for typed in STRICT_REFUSES {
        let status = server.search(typed, QuerySyntax::Strict).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{typed}");
        assert!(
            status.message().contains("invalid query"),
            "{typed}: {}",
            status.message()
        );
    }
    server.stop().await;
}

fn cut(text: &str) -> String {
    text.chars().take(60).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_response_says_what_was_understood() {
    let server = Server::start(4096).await;
    let response = server
        .search("Shapovchuk's", QuerySyntax::Unspecified)
        .await
        .unwrap();
    let i = response.interpreted_query.unwrap();
    assert_eq!(i.query, "Shapovchuk");
    assert!(i.changed);
    assert_eq!(i.notes[0].kind, QueryNoteKind::Possessive as i32);
    assert_eq!((i.notes[0].start, i.notes[0].end), (0, 12));
    assert!(
        response
            .expansions
            .iter()
            .any(|e| e.entity_id == "ent_shapovchuk"),
        "a possessive expands like the name"
    );

    let i = server
        .search("\"Amber Link", QuerySyntax::Lenient)
        .await
        .unwrap()
        .interpreted_query
        .unwrap();
    assert_eq!(i.query, "\"Amber Link\"");
    assert_eq!(i.notes[0].kind, QueryNoteKind::Closed as i32);

    let i = server
        .search("  Riga  ", QuerySyntax::Unspecified)
        .await
        .unwrap()
        .interpreted_query
        .unwrap();
    assert_eq!(
        (i.query.as_str(), i.changed, i.notes.len()),
        ("Riga", false, 0)
    );

    let i = server
        .search("Riga AND", QuerySyntax::Strict)
        .await
        .unwrap_err();
    assert!(i.message().contains("byte"), "{}", i.message());

    // Every word together finds nothing: the best partial matches, said so.
    let response = server
        .search("Gdynia strike dockworkers zzyzx", QuerySyntax::Unspecified)
        .await
        .unwrap();
    let i = response.interpreted_query.clone().unwrap();
    assert!(i.partial_match);
    assert!(response.total_hits > 0);
    let top = &response.hits[0];
    let all_three = server
        .search("Gdynia strike dockworkers", QuerySyntax::Strict)
        .await
        .unwrap();
    assert!(ids(&all_three).contains(&top.document_id), "{}", top.title);
    let both = server
        .search("Gdynia strike", QuerySyntax::Unspecified)
        .await
        .unwrap();
    assert!(!both.interpreted_query.unwrap().partial_match);
    // Not for the strict syntax, nor for queries with operators.
    for (q, syntax) in [
        ("Gdynia zzyzx", QuerySyntax::Strict),
        ("Gdynia AND zzyzx", QuerySyntax::Unspecified),
        ("title:Gdynia zzyzx", QuerySyntax::Unspecified),
    ] {
        let r = server.search(q, syntax).await.unwrap();
        assert_eq!(r.total_hits, 0, "{q}");
        assert!(!r.interpreted_query.unwrap().partial_match, "{q}");
    }

    // Did you mean: romanisations and misspellings, with their hits.
    let response = server
        .search("Chapovtchuk", QuerySyntax::Unspecified)
        .await
        .unwrap();
    assert_eq!(response.total_hits, 0);
    let suggestions = response.interpreted_query.unwrap().suggestions;
    let best = suggestions.first().expect("a suggestion");
    let name = server
        .search("Shapovchuk", QuerySyntax::Strict)
        .await
        .unwrap();
    assert_eq!(
        (best.term.as_str(), best.hits),
        ("Chapovtchuk", name.total_hits),
        "{suggestions:?}"
    );
    assert_eq!(best.entity_id, "ent_shapovchuk");
    let response = server
        .search("Gdinya strike", QuerySyntax::Unspecified)
        .await
        .unwrap();
    let i = response.interpreted_query.unwrap();
    assert!(
        i.suggestions
            .iter()
            .any(|s| s.query == "gdynia strike" && s.hits > 0),
        "{:?}",
        i.suggestions
    );
    let plenty = server
        .search("Riga", QuerySyntax::Unspecified)
        .await
        .unwrap();
    assert!(plenty.interpreted_query.unwrap().suggestions.is_empty());

    // ExportSearch reads queries the same way.
    let mut stream = server
        .client
        .clone()
        .export_search(ExportSearchRequest {
            query: "Shapovchuk's".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut exported = 0;
    while let Some(hit) = stream.next().await {
        hit.unwrap();
        exported += 1;
    }
    let plain = server
        .search("Shapovchuk", QuerySyntax::Strict)
        .await
        .unwrap();
    assert_eq!(exported, plain.total_hits);
    let refused = server
        .client
        .clone()
        .export_search(ExportSearchRequest {
            query: "Shapovchuk's".into(),
            syntax: QuerySyntax::Strict as i32,
            ..Default::default()
        })
        .await;
    let refused = match refused {
        Err(status) => status,
        Ok(response) => response.into_inner().next().await.unwrap().unwrap_err(),
    };
    assert_eq!(refused.code(), Code::InvalidArgument);
    server.stop().await;
}

/// Any string up to 10,000 bytes through the service: answered, in the
/// lenient syntax (the server's --max-query-bytes is above 10,000 here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_text_is_answered_through_the_service() {
    use proptest::strategy::{Strategy, ValueTree};

    use proptest::test_runner::TestRunner;

    let server = Server::start(10_240).await;
    let strategy = proptest::prop_oneof![
        ".{0,2500}",
        r#"(title:|\(|\)|"|“|NOT |OR |Riga's |-|\^|\[|🙂|published_at:\[|[a-zé ]{1,6}){0,2500}"#,
    ];
    let mut runner = TestRunner::deterministic();
    for _ in 0..48 {
        let mut text = strategy.new_tree(&mut runner).unwrap().current();
        let mut end = text.len().min(10_000);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        if let Err(status) = server.search(&text, QuerySyntax::Unspecified).await {
            panic!("{:?} refused: {status}", cut(&text));
        }
    }
    // Past the limit: the length, not the syntax, is what is refused.
    let status = server
        .search(&"Riga ".repeat(2100), QuerySyntax::Unspecified)
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status}");
    assert!(status.message().contains("max-query-bytes"), "{status}");
    server.stop().await;
}
