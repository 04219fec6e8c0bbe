//! ExtractionService's registry over gRPC: linking across documents,
//! idempotent re-extraction, ForgetDocument, ListEntities paging, curation
//! with undo, the WatchEntityChanges feed, and shutdown with open streams.
//!
//! Each test runs on both registry backends: `embedded::name` (redb in the
//! data dir) and `postgres::name` (`--registry-url`, a database of its own;
//! SKIPPED without `DOSSIER_TEST_DATABASE_URL`, see `dossier_tests::postgres`).

mod support;

use dossier_tests::postgres::TestDatabase;

use std::time::Duration;

use dossier_proto::v1 as pb;
use support::*;
use tonic::Code;

async fn transliteration_variants_link_across_documents(backend: Backend) {
    require_model();
    let Some((mut s, _db)) = backend.start().await else {
        return;
    };
    let a = extract(
        &mut s.client,
        in_doc(
            "Energy Minister Mikhail Kolobev said on Monday that gas exports to China would rise.",
            "a",
        ),
    )
    .await;
    let b = extract(
        &mut s.client,
        in_doc("Russia's energy minister, Mikhail Kolobyev, told reporters in Moscow that exports would grow.", "b"),
    )
    .await;
    let id_a = &mention_of(&a, "Mikhail Kolobev").entity_id;
    let id_b = &mention_of(&b, "Mikhail Kolobyev").entity_id;
    assert!(!id_a.is_empty());
    assert_eq!(id_a, id_b, "variants got different entities");
    let e = s
        .client
        .get_entity(pb::GetEntityRequest { id: id_a.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(e.r#type(), pb::EntityType::Person);
    assert_eq!(e.document_count, 2);
    let names: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
    assert!(
        names.contains(&"Mikhail Kolobev") && names.contains(&"Mikhail Kolobyev"),
        "{names:?}"
    );

    // Re-extracting a document replaces its contribution instead of adding to it.
    extract(
        &mut s.client,
        in_doc(
            "Energy Minister Mikhail Kolobev said on Monday that gas exports to China would rise.",
            "a",
        ),
    )
    .await;
    let again = s
        .client
        .get_entity(pb::GetEntityRequest { id: id_a.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.mention_count, e.mention_count);

    // Read-only Extract resolves against the registry.
    let c = extract(&mut s.client, request("Mikhail Kolobyev visited Beijing.")).await;
    assert_eq!(&mention_of(&c, "Mikhail Kolobyev").entity_id, id_a);

    // Paging, filters and order.
    let people = s
        .client
        .list_entities(pb::ListEntitiesRequest {
            r#type: pb::EntityType::Person as i32,
            name_prefix: "MIKH".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(people.entities.len(), 1);
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = s
            .client
            .list_entities(pb::ListEntitiesRequest {
                page_size: 1,
                page_token: token.clone(),
                order_by: pb::EntityOrder::Name as i32,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        seen.extend(
            page.entities
                .into_iter()
                .map(|e| e.canonical_name.to_lowercase()),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "not sorted by name: {seen:?}"
    );

    // Forgetting both documents leaves the person with no mentions.
    for id in ["a", "b"] {
        let r = s
            .client
            .forget_document(pb::ForgetDocumentRequest {
                document_id: id.into(),
            })
            .await
            .unwrap();
        assert!(r.into_inner().entity_ids.contains(id_a));
    }
    let gone = s
        .client
        .get_entity(pb::GetEntityRequest { id: id_a.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(gone.mention_count, 0);
    s.stop().await;
}

async fn merge_and_undo_restore_state_and_feed_replays(backend: Backend) {
    require_model();
    let Some((mut s, _db)) = backend.start().await else {
        return;
    };
    let r = extract(
        &mut s.client,
        in_doc(
            "Anna Petrova met David Okafor in Lagos on Friday to discuss the merger.",
            "m1",
        ),
    )
    .await;
    let anna = mention_of(&r, "Anna Petrova").entity_id.clone();
    let david = mention_of(&r, "David Okafor").entity_id.clone();
    let get = |c: &mut Client, id: String| {
        let mut c = c.clone();
        async move {
            c.get_entity(pb::GetEntityRequest { id })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let before = (
        get(&mut s.client, anna.clone()).await,
        get(&mut s.client, david.clone()).await,
    );

    let merged = s
        .client
        .merge_entities(pb::MergeEntitiesRequest {
            entity_ids: vec![anna.clone(), david.clone()],
            note: "test".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(merged.sequence > 0);
    let survivor = get(&mut s.client, david.clone()).await;
    assert_eq!(survivor.id, anna, "merged-away id resolves to the survivor");
    assert!(survivor.merged_ids.contains(&david));

    let undone = s
        .client
        .undo_curation(pb::UndoCurationRequest {
            curation_id: merged.curation_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(undone.sequence > merged.sequence);
    let after = (
        get(&mut s.client, anna.clone()).await,
        get(&mut s.client, david.clone()).await,
    );
    assert_eq!(before, after, "undo restores the exact previous state");
    let twice = s
        .client
        .undo_curation(pb::UndoCurationRequest {
            curation_id: merged.curation_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::FailedPrecondition);

    // Replay from the start, then a live change.
    let mut feed = s
        .client
        .watch_entity_changes(pb::WatchEntityChangesRequest { after_sequence: 0 })
        .await
        .unwrap()
        .into_inner();
    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        let c = next(&mut feed).await;
        if c.kind() != pb::EntityChangeKind::Updated {
            kinds.push((c.kind(), c.curation_id.clone()));
        }
    }
    assert_eq!(
        kinds[0],
        (pb::EntityChangeKind::Merged, merged.curation_id.clone())
    );
    assert_eq!(kinds[1].0, pb::EntityChangeKind::Unmerged);
    let distinct = s
        .client
        .mark_distinct(pb::MarkDistinctRequest {
            entity_ids: vec![anna.clone(), david.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let refused = s
        .client
        .merge_entities(pb::MergeEntitiesRequest {
            entity_ids: vec![anna.clone(), david.clone()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    s.client
        .undo_curation(pb::UndoCurationRequest {
            curation_id: distinct.curation_id,
        })
        .await
        .unwrap();
    let split = s
        .client
        .merge_entities(pb::MergeEntitiesRequest {
            entity_ids: vec![anna.clone(), david.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    loop {
        let c = next(&mut feed).await;
        if c.curation_id == split.curation_id {
            assert_eq!(c.kind(), pb::EntityChangeKind::Merged);
            assert_eq!(c.sequence, split.sequence);
            break;
        }
    }
    s.stop().await;
}

async fn shutdown_ends_open_streams_and_drains(backend: Backend) {
    require_model();
    let Some((mut s, _db)) = backend.start().await else {
        return;
    };
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let requests = tokio_stream::wrappers::ReceiverStream::new(rx);
    let mut batch = s.client.batch_extract(requests).await.unwrap().into_inner();
    tx.send(request("Officials met in Oslo.")).await.unwrap();
    assert!(batch.message().await.unwrap().is_some());
    let mut feed = s
        .client
        .watch_entity_changes(pb::WatchEntityChangesRequest { after_sequence: 0 })
        .await
        .unwrap()
        .into_inner();

    // The client keeps both streams open; shutdown must still finish promptly.
    s.shutdown.trigger();
    let end = tokio::time::timeout(Duration::from_secs(5), batch.message()).await;
    assert_eq!(
        end.expect("batch stream ends").unwrap_err().code(),
        Code::Unavailable
    );
    let end = tokio::time::timeout(Duration::from_secs(5), feed.message()).await;
    assert_eq!(
        end.expect("feed ends").unwrap_err().code(),
        Code::Unavailable
    );
    drop(tx);
    let result = tokio::time::timeout(Duration::from_secs(10), s.task).await;
    result
        .expect("serve returns after draining")
        .unwrap()
        .expect("serve returns Ok");
}

/// Which registry a test's server keeps.
#[derive(Clone, Copy)]
enum Backend {
    Embedded,
    Postgres,
}

impl Backend {
    /// The server, and the database it uses (dropped after the server);
    /// `None` when PostgreSQL is not configured (the test is skipped).
    async fn start(self) -> Option<(Server, Option<TestDatabase>)> {
        match self {
            Backend::Embedded => Some((Server::start().await, None)),
            Backend::Postgres => {
                let db = TestDatabase::create_async("PostgreSQL registry over gRPC").await?;
                let url = dossier_extraction::RegistryUrl::new(db.url.clone());
                let server = Server::start_with(|c| c.registry_url = Some(url)).await;
                Some((server, Some(db)))
            }
        }
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Backend::Embedded).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_backends!(
    transliteration_variants_link_across_documents,
    merge_and_undo_restore_state_and_feed_replays,
    shutdown_ends_open_streams_and_drains,
);
