//! End to end over gRPC with the three real services on loopback: what is
//! stored becomes searchable, deletes disappear, a restarted indexer resumes
//! without double-indexing, paging is exact, entity-aware search crosses
//! transliterations, and bad requests get INVALID_ARGUMENT.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dossier_proto::v1::{
    DeleteDocumentRequest, Document, GetStorageStatusRequest, SearchFilter, SearchRequest,
    SearchResponse, SortOrder,
};
use dossier_tests::{TestSystem, fixtures};
use tonic::Code;

const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

/// Request ids unique across every import of a test.
static NEXT_REQUEST: AtomicU64 = AtomicU64::new(0);

/// Imports `documents` through one ImportDocuments stream; returns their ids.
async fn import(system: &TestSystem, documents: Vec<Document>) -> Vec<String> {
    let prefix = format!("e2e-{}", NEXT_REQUEST.fetch_add(1, Ordering::Relaxed));
    dossier_tests::import_created(&mut system.documents().await, documents, &prefix).await
}

fn query(text: &str) -> SearchRequest {
    SearchRequest {
        query: text.to_string(),
        page_size: 100,
        ..Default::default()
    }
}

/// A query in the strict syntax, which refuses malformed queries.
fn strict(text: &str) -> SearchRequest {
    SearchRequest {
        syntax: dossier_proto::v1::QuerySyntax::Strict as i32,
        ..query(text)
    }
}

async fn search(system: &TestSystem, request: SearchRequest) -> SearchResponse {
    system
        .search_client()
        .await
        .search(request)
        .await
        .unwrap()
        .into_inner()
}

fn hit_ids(response: &SearchResponse) -> HashSet<String> {
    response
        .hits
        .iter()
        .map(|hit| hit.document_id.clone())
        .collect()
}

/// News-like filler with one marker word, so each test controls its hits.
fn synthetic(n: usize, marker: &str, source: &str) -> Vec<Document> {
    (0..n)
        .map(|i| Document {
            title: format!("Port authority report {i} on {marker}"),
            body: format!(
                "The harbour council met on Tuesday to discuss {marker} and freight volumes. \
                 Item {i} of the agenda concerned dredging, tariffs and the night shift."
            ),
            source: source.to_string(),
            language: "en".to_string(),
            published_at: Some(prost_types::Timestamp {
                seconds: 1_767_225_600 + i as i64 * 3_600,
                nanos: 0,
            }),
            ..Default::default()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stored_documents_become_searchable_and_deleted_ones_disappear() {
    let system = TestSystem::start().await;
    let articles = fixtures::articles();
    let ids = import(&system, articles.clone()).await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    let gdynia = search(&system, query("Gdynia")).await;
    let expected: HashSet<String> = articles
        .iter()
        .zip(&ids)
        .filter(|(doc, _)| doc.title.contains("Gdynia") || doc.body.contains("Gdynia"))
        .map(|(_, id)| id.clone())
        .collect();
    assert!(!expected.is_empty());
    assert!(
        expected.is_subset(&hit_ids(&gdynia)),
        "every article naming Gdynia is found: {gdynia:?}"
    );

    // Filter by source: only that outlet's documents come back.
    let mut filtered = query("");
    filtered.filter = Some(SearchFilter {
        sources: vec!["amber-times".into()],
        ..Default::default()
    });
    let amber = search(&system, filtered).await;
    assert!(amber.total_hits > 0);
    assert!(amber.hits.iter().all(|hit| hit.source == "amber-times"));

    // Delete one: it disappears from search.
    let victim = gdynia.hits[0].document_id.clone();
    system
        .documents()
        .await
        .delete_document(DeleteDocumentRequest { id: victim.clone() })
        .await
        .unwrap();
    system.wait_indexed(INDEX_TIMEOUT).await;
    let after = search(&system, query("Gdynia")).await;
    assert!(
        !hit_ids(&after).contains(&victim),
        "deleted document is gone"
    );
    assert_eq!(after.total_hits + 1, gdynia.total_hits);
    system.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restarted_search_resumes_without_double_indexing() {
    let mut system = TestSystem::start().await;
    import(&system, synthetic(120, "lighterage", "harbour-bulletin")).await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    system.stop_search().await;
    import(&system, synthetic(80, "demurrage", "harbour-bulletin")).await;
    system.start_search().await;
    let status = system.wait_indexed(INDEX_TIMEOUT).await;

    let stored = system
        .documents()
        .await
        .get_storage_status(GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, stored.document_count, "{status:?}");
    assert_eq!(stored.document_count, 200);
    assert_eq!(search(&system, query("lighterage")).await.total_hits, 120);
    assert_eq!(search(&system, query("demurrage")).await.total_hits, 80);
    system.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paging_returns_every_hit_exactly_once_while_indexing_goes_on() {
    let system = TestSystem::start().await;
    let ids: HashSet<String> = import(&system, synthetic(450, "bunkering", "port-ledger"))
        .await
        .into_iter()
        .collect();
    system.wait_indexed(INDEX_TIMEOUT).await;

    for sort in [SortOrder::Relevance, SortOrder::PublishedAsc] {
        let mut seen = Vec::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let response = search(
                &system,
                SearchRequest {
                    query: "bunkering".into(),
                    page_size: 37,
                    page_token: token.clone(),
                    sort: sort as i32,
                    ..Default::default()
                },
            )
            .await;
            seen.extend(response.hits.iter().map(|hit| hit.document_id.clone()));
            pages += 1;
            if pages == 3 {
                // New matching documents arrive mid-way through the paging.
                let outlet = format!("late-wire-{}", sort as i32);
                import(&system, synthetic(25, "bunkering", &outlet)).await;
                system.wait_indexed(INDEX_TIMEOUT).await;
            }
            if response.next_page_token.is_empty() {
                break;
            }
            token = response.next_page_token;
            assert!(pages < 100, "paging does not end");
        }
        let unique: HashSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "no hit twice ({sort:?})");
        assert!(ids.is_subset(&unique), "no hit skipped ({sort:?})");
    }
    system.stop().await;
}

/// Searching one spelling of a person's name finds the articles that write
/// it `other`-wise, says which variant matched, and `entity:<id>` finds every
/// article naming that person.
async fn assert_search_crosses_spellings(
    system: &TestSystem,
    articles: &[Document],
    ids: &[String],
    spelling: &str,
    other: &str,
) {
    let exact = search(
        system,
        SearchRequest {
            disable_entity_expansion: true,
            ..query(spelling)
        },
    )
    .await;
    let expanded = search(system, query(spelling)).await;
    // A quoted spelling is searched as a phrase.
    let plain = spelling.trim_matches('"');
    let other_spellings: HashSet<String> = articles
        .iter()
        .zip(ids)
        .filter(|(doc, _)| {
            let text = format!("{} {}", doc.title, doc.body);
            text.contains(other) && !text.contains(plain)
        })
        .map(|(_, id)| id.clone())
        .collect();
    assert!(!other_spellings.is_empty());
    assert!(!exact.hits.is_empty(), "{spelling} is in the corpus");
    assert!(hit_ids(&exact).is_disjoint(&other_spellings));
    let found = hit_ids(&expanded);
    assert!(
        other_spellings.iter().any(|id| found.contains(id)),
        "a search for {spelling} finds articles spelling it {other}: {:?}",
        expanded.expansions
    );
    assert!(
        expanded.hits.iter().any(|hit| hit
            .matched_variants
            .iter()
            .any(|v| v.variant.contains(other))),
        "hits say which variant matched"
    );

    // entity:<id> finds the same person however spelled.
    let entity_id = expanded
        .expansions
        .first()
        .map(|variant| variant.entity_id.clone())
        .expect("the query was expanded with an entity");
    let by_entity = search(system, query(&format!("entity:{entity_id}"))).await;
    assert!(hit_ids(&by_entity).is_superset(&hit_ids(&exact)));
    assert!(hit_ids(&by_entity).is_superset(&other_spellings));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn entity_search_finds_other_spellings_of_a_name() {
    let system = TestSystem::start().await;
    let articles = fixtures::articles();
    let ids = import(&system, articles.clone()).await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    // A misspelling in one outlet's copy of a wire story.
    assert_search_crosses_spellings(&system, &articles, &ids, "Shapovchuck", "Shapovchuk").await;
    // French romanisation of the same man, in another outlet.
    assert_search_crosses_spellings(&system, &articles, &ids, "Chapovtchouk", "Shapovchuk").await;
    // The Cyrillic original, given once in parentheses after the French form.
    assert_search_crosses_spellings(&system, &articles, &ids, "\"Юрій Шаповчук\"", "Shapovchuk")
        .await;
    system.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_queries_and_page_tokens_are_refused_with_their_code() {
    let system = TestSystem::start().await;
    let mut client = system.search_client().await;
    for (request, what, code) in [
        (
            strict("title:(unclosed"),
            "unbalanced parenthesis",
            Code::InvalidArgument,
        ),
        (
            strict("nosuchfield:value"),
            "unknown field",
            Code::InvalidArgument,
        ),
        (
            SearchRequest {
                page_token: "not-a-token".into(),
                ..query("port")
            },
            "garbled page token",
            Code::InvalidArgument,
        ),
        (
            SearchRequest {
                page_size: -1,
                ..query("port")
            },
            "negative page size",
            Code::InvalidArgument,
        ),
        // Over --max-query-bytes: a limit, as in the other services.
        (
            query(&"a".repeat(10_000)),
            "oversized query",
            Code::ResourceExhausted,
        ),
    ] {
        let status = client.search(request).await.unwrap_err();
        assert_eq!(status.code(), code, "{what}: {}", status.message());
        assert!(!status.message().is_empty(), "{what} has a message");
    }
    system.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn search_serves_and_reports_lag_while_extraction_is_down() {
    let mut system = TestSystem::start().await;
    import(&system, synthetic(20, "pilotage", "harbour-bulletin")).await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    system.stop_extraction().await;
    import(&system, synthetic(30, "towage", "harbour-bulletin")).await;
    // Queries keep working on what is indexed; the status names the problem.
    let deadline = std::time::Instant::now() + INDEX_TIMEOUT;
    loop {
        let status = system
            .search_client()
            .await
            .get_index_status(dossier_proto::v1::GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if !status.last_error.is_empty() && status.lag > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "status never reported the outage: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(search(&system, query("pilotage")).await.total_hits, 20);

    system.start_extraction().await;
    let status = system.wait_indexed(INDEX_TIMEOUT).await;
    assert_eq!(status.lag, 0);
    assert_eq!(search(&system, query("towage")).await.total_hits, 30);
    system.stop().await;
}
