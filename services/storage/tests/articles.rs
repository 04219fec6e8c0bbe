//! Articles as users have them: content_type, the clean text and the page's
//! metadata derived at write time, and the upgrade of documents stored
//! before storage derived text (TEXT_UPDATED through WatchChanges).

mod support;

use dossier_proto::v1 as pb;
use support::{Server, TestStore, create, import, import_request};
use tonic::Code;
use tonic_types::StatusExt;

const PAGE: &str = r#"<!doctype html><html lang="en"><head>
<title>Harbour strike ends after nine days | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<link rel="canonical" href="https://gazette.example/2026/03/04/harbour-strike-ends">
<meta property="article:published_time" content="2026-03-04T08:00:00Z">
<meta name="author" content="Maria Keller">
</head><body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour strike ends after nine days</h1>
<p>Dock workers returned to the north pier on Monday after the union accepted a new offer from the port authority.</p>
<figure><img src="crane.jpg"><figcaption>A crane at the north pier.</figcaption></figure>
<p>The strike lasted nine days and stopped a third of the region's freight, according to figures from the authority.</p>
</article><aside><h2>Most read</h2><ul><li><a href="/a">Ferry line opens</a></li></ul></aside>
<footer>© 2026 Harbour Gazette</footer></body></html>"#;

fn page(body: &str) -> pb::Document {
    pb::Document {
        body: body.into(),
        content_type: "text/html; charset=utf-8".into(),
        ..Default::default()
    }
}

async fn content_type_is_checked_by_name(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    for bad in ["application/pdf", "html", "text/markdown"] {
        let mut doc = page("<p>x</p>");
        doc.content_type = bad.into();
        let status = create(&mut client, doc, "").await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{bad}");
        assert!(
            status.message().contains("document.content_type"),
            "{status:?}"
        );
        assert!(status.message().contains("\"text/html\""), "{status:?}");
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, "document.content_type");
    }
    let mut plain = page("Just text.");
    plain.content_type = String::new();
    let stored = create(&mut client, plain, "").await.unwrap();
    assert_eq!(stored.content_type, "text/plain");
    assert_eq!(stored.text, "Just text.");
    server.stop().await;
}

async fn a_page_gets_clean_text_and_metadata_where_the_request_left_it_empty(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let mut doc = page(PAGE);
    doc.author = "Desk".into();
    doc.labels = vec!["ports".into()];
    let stored = create(&mut client, doc, "").await.unwrap();
    assert_eq!(stored.body, PAGE, "the body is kept exactly as sent");
    assert_eq!(stored.content_type, "text/html");
    assert_eq!(stored.text_version, dossier_article::CLEANER_VERSION);
    assert!(!stored.text_empty);
    assert!(
        stored.text.starts_with("Dock workers returned"),
        "{}",
        stored.text
    );
    for debris in ["<", "Home", "Most read", "Ferry line", "©"] {
        assert!(!stored.text.contains(debris), "{debris}: {}", stored.text);
    }
    assert_eq!(stored.title, "Harbour strike ends after nine days");
    assert_eq!(stored.author, "Desk", "what the request sets wins");
    assert_eq!(stored.source, "Harbour Gazette");
    assert_eq!(
        stored.url,
        "https://gazette.example/2026/03/04/harbour-strike-ends"
    );
    assert_eq!(stored.language, "en");
    assert_eq!(stored.published_at.unwrap().seconds, 1_772_611_200);

    // GetDocument and the feed carry the same; the same page again is a
    // duplicate whatever was derived.
    let got = client
        .get_document(pb::GetDocumentRequest {
            id: stored.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, stored);
    let mut doc = page(PAGE);
    doc.author = "Desk".into();
    let again = create(&mut client, doc, "").await.unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);
    server.stop().await;
}

async fn a_page_without_an_article_is_stored_and_flagged(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let empty =
        "<html><body><nav><a href=\"/\">Home</a></nav><script>var x = 1;</script></body></html>";
    let stored = create(&mut client, page(empty), "").await.unwrap();
    assert!(stored.text_empty);
    assert_eq!(stored.text, "");
    let responses = import(
        &mut client,
        vec![
            import_request(page("<html><body><nav>Menu</nav></body></html>"), "a"),
            import_request(page(PAGE), "b"),
        ],
    )
    .await;
    assert!(responses[0].text_empty, "{responses:?}");
    assert!(!responses[1].text_empty, "{responses:?}");
    server.stop().await;
}

async fn plain_text_keeps_its_body_as_text(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let body = "The council met on Tuesday.\n\nIt approved   the budget.\n";
    let stored = create(
        &mut client,
        pb::Document {
            title: "Council".into(),
            body: body.into(),
            ..Default::default()
        },
        "",
    )
    .await
    .unwrap();
    assert_eq!(stored.text, body, "byte for byte");
    assert_eq!(stored.title, "Council");
    assert_eq!(stored.content_type, "text/plain");
    server.stop().await;
}

crate::backend_tests!(
    content_type_is_checked_by_name,
    a_page_gets_clean_text_and_metadata_where_the_request_left_it_empty,
    a_page_without_an_article_is_stored_and_flagged,
    plain_text_keeps_its_body_as_text,
);

/// The PostgreSQL schema of the previous version (migration 1 only), kept
/// here as it shipped.
const SCHEMA_V1: &str = r"
CREATE TABLE dossier_schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO dossier_schema_migrations (version, name) VALUES (1, 'documents, change log, request ids');
CREATE TABLE dossier_head (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_sequence  bigint  NOT NULL,
    last_id        bytea   NOT NULL,
    document_count bigint  NOT NULL
);
CREATE TABLE documents (
    id              bytea   PRIMARY KEY,
    sequence        bigint  NOT NULL,
    create_time_ns  bigint  NOT NULL,
    content_sha256  bytea   NOT NULL,
    source          text    NOT NULL,
    title           bytea   NOT NULL,
    body            bytea   NOT NULL,
    url             bytea   NOT NULL,
    author          bytea   NOT NULL,
    published_at_ns bigint,
    language        text    NOT NULL,
    labels          text[]  NOT NULL,
    UNIQUE (source, content_sha256)
);
CREATE INDEX documents_source_id ON documents (source, id);
CREATE TABLE changes (
    sequence       bigint   PRIMARY KEY,
    kind           smallint NOT NULL,
    document_id    bytea    NOT NULL,
    commit_time_ns bigint   NOT NULL
);
CREATE TABLE requests (
    request_id  text     PRIMARY KEY,
    outcome     smallint NOT NULL,
    document_id bytea    NOT NULL,
    sequence    bigint   NOT NULL,
    recorded_ms bigint   NOT NULL
);
CREATE INDEX requests_recorded ON requests (recorded_ms);
";

/// A database written by the previous version (schema 1, one document) is
/// migrated at start, and its document's text derived again and published
/// as TEXT_UPDATED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_schema_1_is_migrated_and_its_documents_derived_again() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    let url = store.database.as_ref().unwrap().url.clone();
    let (db, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    db.batch_execute(SCHEMA_V1).await.unwrap();
    let body = "Dock workers returned on Monday.\n\nShare\n\nThe port reopened after nine days.";
    let id = ulid::Ulid::from_parts(1_700_000_000_000, 9);
    let id_bytes = id.0.to_be_bytes().to_vec();
    let hash = vec![7u8; 32];
    db.execute(
        "INSERT INTO documents VALUES ($1, 1, 1, $2, 'old-wire', $3, $4, ''::bytea, ''::bytea, NULL, '', '{}')",
        &[&id_bytes, &hash, &b"Old".as_slice(), &body.as_bytes()],
    )
    .await
    .unwrap();
    db.execute("INSERT INTO changes VALUES (1, 0, $1, 1)", &[&id_bytes])
        .await
        .unwrap();
    db.execute(
        "INSERT INTO dossier_head VALUES (true, 1, $1, 1)",
        &[&id_bytes],
    )
    .await
    .unwrap();
    drop(db);

    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let mut changes = client
        .watch_changes(pb::WatchChangesRequest {
            after_sequence: 0,
            omit_documents: false,
        })
        .await
        .unwrap()
        .into_inner();
    let first = changes.message().await.unwrap().unwrap();
    assert_eq!(first.kind(), pb::ChangeKind::Created);
    let second = tokio::time::timeout(std::time::Duration::from_secs(20), changes.message())
        .await
        .expect("a TEXT_UPDATED change")
        .unwrap()
        .unwrap();
    assert_eq!(second.sequence, 2);
    assert_eq!(second.kind(), pb::ChangeKind::TextUpdated);
    assert_eq!(second.document_id, id.to_string());
    let doc = second.document.unwrap();
    assert_eq!(doc.text_version, dossier_article::CLEANER_VERSION);
    assert_eq!(
        doc.text,
        "Dock workers returned on Monday.\n\nThe port reopened after nine days."
    );
    assert_eq!(doc.body, body);
    assert_eq!(doc.title, "Old");
    assert_eq!(doc.language, "en");
    // The counter drops once the batch's commit is answered.
    let mut status = pb::StorageStatus::default();
    for _ in 0..100 {
        status = client
            .get_storage_status(pb::GetStorageStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.documents_awaiting_text == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status.documents_awaiting_text, 0);
    assert_eq!(status.last_sequence, 2);
    server.stop().await;
}
