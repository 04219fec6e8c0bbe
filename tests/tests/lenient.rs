//! The queries as people type them, end to end: the fixture
//! articles through storage, the real extraction linker and search. The
//! lenient default answers each, possessives and other romanisations reach
//! the same entity as the plain name, and the strict syntax still refuses
//! the malformed ones.

use std::collections::BTreeSet;
use std::time::Duration;

use dossier_proto::v1::{QuerySyntax, SearchRequest, SearchResponse};
use dossier_tests::{TestSystem, fixtures, import_created};
use tonic::Code;

const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

async fn search(
    system: &TestSystem,
    query: &str,
    syntax: QuerySyntax,
) -> Result<SearchResponse, tonic::Status> {
    system
        .search_client()
        .await
        .search(SearchRequest {
            query: query.into(),
            page_size: 100,
            syntax: syntax as i32,
            ..Default::default()
        })
        .await
        .map(|r| r.into_inner())
}

fn ids(response: &SearchResponse) -> BTreeSet<String> {
    response
        .hits
        .iter()
        .map(|h| h.document_id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn typed_queries_find_what_their_plain_forms_find() {
    let system = TestSystem::start().await;
    let mut documents = system.documents().await;
    import_created(&mut documents, fixtures::articles(), "lenient").await;
    system.wait_indexed(INDEX_TIMEOUT).await;

    for (typed, plain) in [
        ("Shapovchuk's", "Shapovchuk"),
        ("Shapovchuk’s", "Shapovchuk"),
        ("Chapovtchouk's", "Chapovtchouk"),
        ("Kolobev’s broadside", "Kolobev broadside"),
        ("Kyiv's", "Kyiv"),
        ("\"Amber Link", "\"Amber Link\""),
        ("Riga - Gdynia", "Riga Gdynia"),
        ("Gdynia (strike", "Gdynia strike"),
        ("[Gdynia]", "Gdynia"),
        ("Riga: the summit", "Riga the summit"),
        ("Gdynia^", "Gdynia"),
        ("Gdynia AND", "Gdynia"),
    ] {
        let lenient = search(&system, typed, QuerySyntax::Unspecified)
            .await
            .unwrap_or_else(|e| panic!("{typed:?} refused: {e}"));
        let strict = search(&system, plain, QuerySyntax::Strict).await.unwrap();
        assert!(strict.total_hits > 0, "{plain:?} finds something");
        assert_eq!(ids(&lenient), ids(&strict), "{typed:?} like {plain:?}");
    }
    // The possessive expands to the entity like the name does.
    let possessive = search(&system, "Shapovchuk's", QuerySyntax::Unspecified)
        .await
        .unwrap();
    let name = search(&system, "Shapovchuk", QuerySyntax::Strict)
        .await
        .unwrap();
    assert!(!name.expansions.is_empty());
    let entities = |r: &SearchResponse| -> BTreeSet<String> {
        r.expansions.iter().map(|e| e.entity_id.clone()).collect()
    };
    assert_eq!(entities(&possessive), entities(&name));

    for typed in ["Shapovchuk's", "\"Amber Link", "[Gdynia]", "Gdynia^", "OR"] {
        let status = search(&system, typed, QuerySyntax::Strict)
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{typed}");
    }
    system.stop().await;
}
