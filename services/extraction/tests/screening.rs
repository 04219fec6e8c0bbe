//! Screening end to end: the screening set (testdata/screening) meets the
//! issue's targets through the whole pipeline, and MatchNames over gRPC
//! answers one result per name, explained, and refuses bad lists with the
//! field named.

mod support;

use dossier_extraction::Extractor;
use dossier_extraction::config::{DEFAULT_MAX_TEXT_BYTES, ExtractionConfig};
use dossier_extraction::tooling::screen_eval::{
    Article, GoldEntity, NameRow, ScreenReport, evaluate, link_corpus, read_jsonl,
};
use dossier_proto::v1 as pb;
use support::{Client, Server, extract, in_doc, require_model};
use tonic::Code;
use tonic_types::StatusExt;

fn set<T: serde::de::DeserializeOwned>(file: &str) -> Vec<T> {
    let path = format!("{}/testdata/screening/{file}", env!("CARGO_MANIFEST_DIR"));
    read_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The fresh held-out names (written after the matcher's last change) and
/// the first held-out list (seen while the scoring changed) meet the
/// issue's target (precision ≥ 0.95 at recall ≥ 0.90 at the default
/// threshold); the tuned-on names stay where the matcher left them (a
/// regression guard). One test, so the corpus is extracted once.
#[test]
fn screening_set_meets_the_targets() {
    require_model();
    let dir = tempfile::tempdir().unwrap();
    let config = ExtractionConfig {
        data_dir: dir.path().join("extraction"),
        max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        ..ExtractionConfig::default()
    };
    let extractor = Extractor::open(&config).unwrap().with_parallel(false);
    let corpus: Vec<Article> = set("corpus.jsonl");
    link_corpus(&extractor, &corpus).unwrap();
    let gold: Vec<GoldEntity> = set("entities.jsonl");
    let score = |file: &str| -> ScreenReport {
        let rows: Vec<NameRow> = set(file);
        let report = evaluate(extractor.registry(), &rows, &gold, false).unwrap();
        println!("{file}\n{report}");
        report
    };
    let fresh = score("names_fresh.jsonl").at_default;
    assert!(fresh.precision() >= 0.95, "fresh precision {fresh:?}");
    assert!(fresh.recall() >= 0.90, "fresh recall {fresh:?}");
    let held = score("names_heldout.jsonl").at_default;
    assert!(held.precision() >= 0.95, "held-out precision {held:?}");
    assert!(held.recall() >= 0.90, "held-out recall {held:?}");
    let dev = score("names.jsonl").at_default;
    assert!(dev.precision() >= 0.99, "dev precision {dev:?}");
    assert!(dev.recall() >= 0.92, "dev recall {dev:?}");
}

const ARTICLES: &[(&str, &str)] = &[
    (
        "scr-grpc-1",
        "Port inquiry widens\n\nODESA — Oleksii Hrytsenko, the head of a regional trade council, \
         said on Monday that the contracts had been signed in good faith. Shares of Northwind \
         Shipping Ltd fell 4 percent.",
    ),
    (
        "scr-grpc-2",
        "Tanker sale draws questions\n\nKYIV — Investigators are examining payments linked to \
         Aleksei Gritsenko, a businessman. Gritsenko has denied any wrongdoing.",
    ),
    (
        "scr-grpc-3",
        "Court hears ownership dispute\n\nRIGA — Ivan Petrov, a commodities trader, did not \
         respond to a request for comment.",
    ),
];

async fn seeded() -> (Server, Client) {
    require_model();
    let server = Server::start().await;
    let mut client = server.client.clone();
    for (id, text) in ARTICLES {
        extract(&mut client, in_doc(text, id)).await;
    }
    (server, client)
}

fn name(name: &str, t: pb::EntityType) -> pb::NameToMatch {
    pb::NameToMatch {
        name: name.to_string(),
        r#type: t as i32,
        aliases: Vec::new(),
    }
}

#[tokio::test]
async fn match_names_answers_each_name_in_order() {
    let (server, mut client) = seeded().await;
    let request = pb::MatchNamesRequest {
        names: vec![
            name("HRYTSENKO, Oleksii Petrovych", pb::EntityType::Person),
            name("Petro Hrytsenko", pb::EntityType::Person),
            name("Northwind Shipping", pb::EntityType::Org),
            name("Nobody Known", pb::EntityType::Unspecified),
            name("Ivana Petrova", pb::EntityType::Unspecified),
        ],
        ..Default::default()
    };
    let results = client
        .match_names(request.clone())
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(results.len(), 5, "one result per name");
    let m = &results[0].matches;
    assert_eq!(m.len(), 1, "{m:?}");
    let hit = &m[0];
    let entity = hit.entity.as_ref().unwrap();
    assert_eq!(entity.r#type(), pb::EntityType::Person);
    assert!(entity.id.starts_with("ent_"));
    assert!(
        hit.matched_spellings
            .contains(&"Oleksii Hrytsenko".to_string()),
        "{hit:?}"
    );
    assert!(hit.score >= 0.85 && hit.score < 1.0, "{hit:?}");
    assert!(hit.mention_count >= 1, "{hit:?}");
    assert!(
        hit.explanation
            .contains("surname hrytsenko = hrytsenko (exact)")
            && hit.explanation.contains("order: SURNAME, Given")
            && hit
                .explanation
                .contains("middle petrovych not in this spelling"),
        "{}",
        hit.explanation
    );
    assert!(results[1].matches.is_empty(), "a decoy: {:?}", results[1]);
    let org = &results[2].matches[0];
    assert_eq!(org.matched_spellings, vec!["Northwind Shipping Ltd"]);
    assert!(org.explanation.contains("legal form"), "{org:?}");
    assert!(results[3].matches.is_empty());
    assert!(
        results[4].matches.is_empty(),
        "the feminine form is another person"
    );

    // A lower threshold reports the bare-surname candidate with why; one
    // match per name at most when asked.
    let low = pb::MatchNamesRequest {
        names: vec![name("Hrytsenko", pb::EntityType::Person)],
        min_score: 0.7,
        max_matches_per_name: 1,
    };
    let results = client.match_names(low).await.unwrap().into_inner().results;
    assert_eq!(results[0].matches.len(), 1);
    assert!(results[0].matches[0].explanation.contains("surname only"));
    server.stop().await;
}

#[tokio::test]
async fn match_names_refuses_bad_lists_naming_the_field() {
    let (server, mut client) = seeded().await;
    let ok = || name("Oleksii Hrytsenko", pb::EntityType::Person);
    let cases: Vec<(pb::MatchNamesRequest, &str, &str)> = vec![
        (
            pb::MatchNamesRequest {
                names: vec![ok(), name(" ", pb::EntityType::Person)],
                ..Default::default()
            },
            "names[1].name",
            "is empty",
        ),
        (
            pb::MatchNamesRequest {
                names: vec![name(&"x".repeat(1025), pb::EntityType::Person)],
                ..Default::default()
            },
            "names[0].name",
            "1024",
        ),
        (
            pb::MatchNamesRequest {
                names: vec![ok(); 10_001],
                ..Default::default()
            },
            "names",
            "10000",
        ),
        (
            pb::MatchNamesRequest {
                names: vec![ok()],
                min_score: 1.5,
                ..Default::default()
            },
            "min_score",
            "outside 0..1",
        ),
        (
            pb::MatchNamesRequest {
                names: vec![pb::NameToMatch {
                    r#type: 999,
                    ..ok()
                }],
                ..Default::default()
            },
            "names[0].type",
            "not an entity type",
        ),
        (
            pb::MatchNamesRequest {
                names: vec![name("Ann Smith", pb::EntityType::Date)],
                ..Default::default()
            },
            "names[0].type",
            "value type",
        ),
    ];
    for (request, field, says) in cases {
        let status = client.match_names(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert!(status.message().contains(field), "{}", status.message());
        assert!(status.message().contains(says), "{}", status.message());
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, field);
    }
    // An empty list is a valid, empty answer.
    let empty = client
        .match_names(pb::MatchNamesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(empty.results.is_empty());
    server.stop().await;
}
