//! End to end: saved web pages go in through storage, and nothing
//! downstream sees their markup. Storage derives each document's clean
//! article text; extraction reads only that text (the registry gets no CSS
//! class, URL or base64 string as a "name"), search indexes it (snippets
//! carry no tags), a page without article text is still found and counted,
//! and German text never reaches the English tagger.
//!
//! The pages in `clean_text/` are the project's own writing, in the shapes
//! real CMSs give (navigation, cookie notice, inline CSS and scripts,
//! JSON-LD, data URIs, newsletter box, share bar, related list, comments);
//! the saved pages of `fixtures/pages/` are ingested beside them.

use std::collections::HashSet;
use std::time::Duration;

use dossier_proto::v1::{
    CreateDocumentRequest, Document, Entity, EntityType, GetIndexStatusRequest,
    ListEntitiesRequest, SearchRequest, SearchResponse,
};
use dossier_tests::{TestSystem, fixtures};

const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

/// The project's own fixture pages: (file name, contents).
const PAGES: &[(&str, &str)] = &[
    (
        "harbour_cms.html",
        include_str!("clean_text/harbour_cms.html"),
    ),
    ("wire_blog.html", include_str!("clean_text/wire_blog.html")),
    ("nav_only.html", include_str!("clean_text/nav_only.html")),
];

const GERMAN_PAGE: &str = include_str!("clean_text/german_news.html");

/// German with the capitalised nouns an English tagger reads as names.
const GERMAN_TEXT: &str = "Am Dienstag beginnt der Staatsbesuch des Präsidenten. \
    Die Delegation trifft am Mittwoch Vertreter der Landesregierung und besichtigt \
    am Donnerstag den Hafen. Die Opposition kritisiert, dass Menschenrechte und \
    Pressefreiheit bei den Gesprächen kaum eine Rolle spielen werden. \
    Nach Angaben der Staatskanzlei sind auch Begegnungen mit Studierenden geplant.";

const ENGLISH_TEXT: &str = "Prime Minister Ann Kowalski arrived in Port Alden on Tuesday \
    for talks with the harbour council about the ferry strike.";

/// Where our own pages say they come from (shared ones say otherwise).
const OWN_URL: &str = "https://fixtures.example/own/";

fn page(name: &str, html: &str) -> Document {
    Document {
        body: html.to_string(),
        content_type: "text/html".into(),
        url: format!("{OWN_URL}{name}"),
        ..Default::default()
    }
}

fn plain(title: &str, body: &str, language: &str) -> Document {
    Document {
        title: title.into(),
        body: body.into(),
        language: language.into(),
        source: "test-wire".into(),
        ..Default::default()
    }
}

/// The saved pages of `fixtures/pages/` (the testkit decodes their
/// charsets), marked as not ours by their URL.
fn shared_pages() -> Vec<Document> {
    fixtures::pages()
        .into_iter()
        .map(|(name, doc)| Document {
            url: format!("https://fixtures.example/shared/{name}"),
            ..doc
        })
        .collect()
}

/// Stores `doc`; returns the stored document (with its derived text).
async fn create(system: &TestSystem, doc: Document) -> Document {
    system
        .documents()
        .await
        .create_document(CreateDocumentRequest {
            document: Some(doc),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
}

async fn all_entities(system: &TestSystem) -> Vec<Entity> {
    let mut client = system.extraction_client().await;
    let mut out = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_entities(ListEntitiesRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        out.extend(page.entities);
        if page.next_page_token.is_empty() {
            return out;
        }
        page_token = page.next_page_token;
    }
}

async fn search(system: &TestSystem, query: &str) -> SearchResponse {
    system
        .search_client()
        .await
        .search(SearchRequest {
            query: query.into(),
            page_size: 100,
            highlight: true,
            include_body: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

/// Why `name` looks like page debris rather than a name, if it does:
/// markup, CSS, URLs, or encoded data (long runs without vowels, or
/// letters and digits mixed as base64 and hashes mix them).
fn debris(name: &str) -> Option<&'static str> {
    if name.contains(['<', '>', '{', '}', ';', '=', '|', '\\']) {
        return Some("markup or CSS");
    }
    let lower = name.to_lowercase();
    if [
        "http", "www.", "://", ".css", ".js", ".png", ".jpg", "base64",
    ]
    .iter()
    .any(|u| lower.contains(u))
    {
        return Some("a URL or file name");
    }
    for word in name.split(|c: char| c.is_whitespace()) {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
        let vowels = word
            .chars()
            .filter(|c| "aeiouyAEIOUYäöüéèáíóúÄÖÜ".contains(*c))
            .count();
        if word.chars().count() >= 25 {
            return Some("a run too long for a word");
        }
        if letters >= 8 && vowels == 0 {
            return Some("a long run without vowels");
        }
        let upper = word.chars().any(char::is_uppercase);
        let lower = word.chars().any(char::is_lowercase);
        if word.len() >= 10 && digits >= 2 && upper && lower {
            return Some("cases and digits mixed as in encoded data");
        }
    }
    None
}

/// A tag, comment or doctype: `<` before a letter, `/` or `!`.
fn has_tag(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
}

#[test]
fn the_debris_check_knows_debris_from_names() {
    for name in [
        "Tomas Brevik",
        "Port Alden",
        "Mu'ammar al-Qaddafi",
        "Alden Sound Ferries",
        "G7",
        "NATO",
        "Skarv Island",
        "COVID-19",
        "Airbus A320neo",
        "Szczecin",
    ] {
        assert_eq!(debris(name), None, "{name}");
    }
    for name in [
        "theme-harbourlight no-js\">",
        ".promo-banner{background",
        "https://harbour-gazette.example",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ",
        "gtag('config','UA-000000-1');",
        "Xkcdvbnmqw",
        "R0lGODlhAQABAIAAAAAAAPyH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
    ] {
        assert!(debris(name).is_some(), "{name}");
    }
    assert!(has_tag("a <p>b") && has_tag("</div>") && has_tag("<!-- x"));
    assert!(!has_tag("a < b, 3<4"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saved_pages_leave_no_markup_in_entities_or_snippets() {
    let system = TestSystem::start().await;
    let mut stored = Vec::new();
    for (name, html) in PAGES {
        stored.push((name.to_string(), create(&system, page(name, html)).await));
    }
    for doc in shared_pages() {
        let name = doc.url.clone();
        stored.push((name, create(&system, doc).await));
    }
    for (name, doc) in &stored {
        assert!(
            !has_tag(&doc.text),
            "{name}: tags in the text: {:?}",
            doc.text
        );
        assert!(doc.text_version > 0, "{name}: no text derived");
    }
    let status = system.wait_indexed(INDEX_TIMEOUT).await;
    assert_eq!(status.document_count, stored.len() as u64);

    // The registry holds names, never page debris.
    let entities = all_entities(&system).await;
    assert!(!entities.is_empty(), "the articles name people and places");
    let mut bad = Vec::new();
    for entity in &entities {
        let names =
            std::iter::once(&entity.canonical_name).chain(entity.aliases.iter().map(|a| &a.name));
        for name in names {
            if let Some(why) = debris(name) {
                bad.push(format!("{name:?} ({why}, {:?})", entity.r#type()));
            }
        }
    }
    assert!(bad.is_empty(), "debris in the entity registry: {bad:#?}");
    let people: HashSet<&str> = entities
        .iter()
        .filter(|e| e.r#type() == EntityType::Person)
        .map(|e| e.canonical_name.as_str())
        .collect();
    assert!(
        people.contains("Tomas Brevik") || people.contains("Ingrid Solheim"),
        "the article's people are found: {people:?}"
    );

    // Snippets and returned text come from the clean text.
    for query in ["ferry", "council", "railway", "landslide", "strike"] {
        let response = search(&system, query).await;
        assert!(response.total_hits > 0, "{query} finds its article");
        for hit in &response.hits {
            for snippet in &hit.snippets {
                assert!(!has_tag(&snippet.fragment), "{query}: {snippet:?}");
            }
            assert!(!has_tag(&hit.body), "{query}: tags in {}", hit.document_id);
        }
    }
    // Markup, scripts and boilerplate of the raw pages are not searchable
    // in our own pages (only theirs are checked: fixtures/pages may differ).
    for debris_word in [
        "googletag",
        "datalayer",
        "harbourlight",
        "cookies",
        "seagull77",
    ] {
        let response = search(&system, debris_word).await;
        let own: Vec<_> = response
            .hits
            .iter()
            .filter(|h| h.url.starts_with(OWN_URL))
            .map(|h| h.document_id.clone())
            .collect();
        assert!(own.is_empty(), "{debris_word} is searchable in {own:?}");
    }

    // A page without article text is stored, indexed, found and counted.
    let (_, gallery) = stored
        .iter()
        .find(|(name, _)| name == "nav_only.html")
        .unwrap();
    assert!(gallery.text_empty, "all navigation: {:?}", gallery.text);
    let empty = search(&system, "text_empty:true").await;
    let ids: HashSet<&str> = empty.hits.iter().map(|h| h.document_id.as_str()).collect();
    assert!(ids.contains(gallery.id.as_str()), "{empty:?}");
    let status = system
        .search_client()
        .await
        .get_index_status(GetIndexStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.text_empty_count, ids.len() as u64);
    assert!(status.text_empty_count >= 1);
    let by_title = search(&system, "gallery").await;
    assert!(
        by_title.hits.iter().any(|h| h.document_id == gallery.id),
        "found by its title: {by_title:?}"
    );
    system.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn german_text_gives_no_entities_but_is_searchable() {
    let system = TestSystem::start().await;
    let german = [
        create(&system, page("german_news.html", GERMAN_PAGE)).await,
        create(
            &system,
            plain("Staatsbesuch angekündigt", GERMAN_TEXT, "de"),
        )
        .await,
        // No language given: storage detects it from the text.
        create(&system, plain("Besuch aus dem Ausland", GERMAN_TEXT, "")).await,
    ];
    for doc in &german {
        assert!(
            doc.language.starts_with("de"),
            "{:?} is German: {:?}",
            doc.title,
            doc.language
        );
    }
    let english = create(&system, plain("Talks in Port Alden", ENGLISH_TEXT, "en")).await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    // Every entity comes from the English document alone.
    let entities = all_entities(&system).await;
    for entity in &entities {
        for alias in &entity.aliases {
            assert!(
                alias.document_ids.iter().all(|id| *id == english.id),
                "{:?} ({:?}) comes from a German document: {alias:?}",
                entity.canonical_name,
                entity.r#type()
            );
        }
    }
    let people: Vec<&str> = entities
        .iter()
        .filter(|e| e.r#type() == EntityType::Person)
        .map(|e| e.canonical_name.as_str())
        .collect();
    for noun in [
        "Dienstag",
        "Staatsbesuch",
        "Mittwoch",
        "Donnerstag",
        "Delegation",
    ] {
        assert!(
            !people.iter().any(|p| p.contains(noun)),
            "{noun} became a person: {people:?}"
        );
    }
    assert!(
        people.iter().any(|p| p.contains("Kowalski")),
        "English is still tagged: {people:?}"
    );

    // German documents are stored, cleaned and searchable all the same.
    let found = search(&system, "Staatsbesuch").await;
    let ids: HashSet<&str> = found.hits.iter().map(|h| h.document_id.as_str()).collect();
    for doc in &german {
        assert!(
            ids.contains(doc.id.as_str()),
            "{:?} not found: {found:?}",
            doc.title
        );
    }
    system.stop().await;
}
