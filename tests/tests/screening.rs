//! Screening end to end (#18): the three real services on the project's
//! one-event articles (services/extraction/testdata/quotes/event.jsonl: six
//! outlets, the Ukrainian negotiator spelled six ways). A listed name in a
//! spelling no article uses finds him, with the spellings that matched and
//! the articles as evidence; a namesake with another first name and an
//! absent name find nothing; the stream answers the same, name by name.

use std::time::Duration;

use dossier_proto::v1::{EntityType, ScreenName, ScreenNamesRequest, ScreenResult};
use dossier_tests::TestSystem;
use futures::StreamExt;

const INDEX_TIMEOUT: Duration = Duration::from_secs(90);

fn person(name: &str, country: &str) -> ScreenName {
    ScreenName {
        name: name.into(),
        r#type: EntityType::Person as i32,
        country: country.into(),
        aliases: vec![],
    }
}

fn list() -> ScreenNamesRequest {
    ScreenNamesRequest {
        names: vec![
            // No article writes him so.
            person("GRITSENKO, Alexei", ""),
            // Another Hrytsenko.
            person("Andrii Hrytsenko", ""),
            // Nobody in the articles.
            person("Marta Oliveira Santos", ""),
            // The Turkish host, spelled without the Turkish letters; the
            // list gives her country as its ISO code, the articles say Turkey.
            person("Selin Karaagac", "TR"),
        ],
        evidence_per_match: 4,
        ..Default::default()
    }
}

fn check(results: &[ScreenResult]) {
    assert_eq!(results.len(), 4);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.index as usize, i);
    }
    let negotiator = &results[0];
    assert_eq!(negotiator.matches.len(), 1, "{negotiator:?}");
    let m = &negotiator.matches[0];
    assert!(
        m.canonical_name.contains("Hr") || m.canonical_name.contains("Gr"),
        "{m:?}"
    );
    assert!(m.score >= 0.85 && !m.explanation.is_empty(), "{m:?}");
    assert!(!m.matched_spellings.is_empty(), "{m:?}");
    assert_eq!(m.document_count, 6, "every outlet named him: {m:?}");
    assert_eq!(m.evidence.len(), 4);
    let mut sources: Vec<&str> = m.evidence.iter().map(|e| e.source.as_str()).collect();
    sources.dedup();
    assert_eq!(sources.len(), 4, "four outlets' articles: {sources:?}");
    for e in &m.evidence {
        let snippet = e.snippet.as_ref().expect("evidence shows the spelling");
        let h = &snippet.highlights[0];
        let spelled = &snippet.fragment[h.start as usize..h.end as usize];
        assert!(
            spelled.contains("ts")
                || spelled.contains("z")
                || spelled.contains("ć")
                || spelled.contains("Hr"),
            "{spelled}"
        );
    }
    assert!(
        results[1].matches.is_empty(),
        "a namesake is not him: {:?}",
        results[1]
    );
    assert!(results[2].matches.is_empty(), "{:?}", results[2]);
    let host = &results[3];
    assert_eq!(host.matches.len(), 1, "{host:?}");
    assert!(
        host.matches[0].explanation.contains("named with Turkey"),
        "{host:?}"
    );
}

#[tokio::test]
async fn a_spelling_no_article_uses_finds_the_entity_with_evidence() {
    let system = TestSystem::start().await;
    dossier_tests::import_created(
        &mut system.documents().await,
        dossier_tests::fixtures::event_documents(),
        "screen",
    )
    .await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    let mut search = system.search_client().await;

    let answer = search.screen_names(list()).await.unwrap().into_inner();
    check(&answer.results);

    let streamed: Vec<ScreenResult> = search
        .stream_screen_names(list())
        .await
        .unwrap()
        .into_inner()
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(
        streamed, answer.results,
        "the stream answers the same, in order"
    );

    let empty = search
        .screen_names(ScreenNamesRequest {
            names: vec![person("", "")],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(empty.code(), tonic::Code::InvalidArgument);
    assert!(
        empty.message().contains("names[0].name is empty"),
        "{}",
        empty.message()
    );
}
