//! Store-level tests: group commit results, dedup, replays, deletes, the log
//! and request_id expiry.

use std::time::Duration;

use super::*;
use crate::model::NewDocument;
use crate::model::{DocumentFields, WriteOutcome};
use crate::store::Store;

fn options(dir: &Path) -> StoreOptions {
    StoreOptions {
        data_dir: dir.to_path_buf(),
        database_url: None,
        max_batch: 64,
        request_id_retention: Duration::from_secs(3600),
    }
}

fn open(options: &StoreOptions) -> Store {
    Store::Embedded(EmbeddedStore::open(options).unwrap())
}

fn doc(source: &str, body: &str) -> NewDocument {
    NewDocument::new(
        DocumentFields {
            title: "Title".into(),
            body: body.into(),
            source: source.into(),
            url: String::new(),
            author: String::new(),
            published_at: None,
            language: "en".into(),
            labels: vec![],
            content_type: crate::model::ContentType::PlainText,
        },
        &crate::config::Limits::default(),
        crate::model::Timestamp::now(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_get_distinct_growing_ids_and_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.create(doc("s", &format!("body {i}")), None).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap().unwrap());
    }
    results.sort_by_key(|r| r.sequence);
    let sequences: Vec<u64> = results.iter().map(|r| r.sequence).collect();
    assert_eq!(sequences, (1..=200).collect::<Vec<_>>());
    assert!(
        results.windows(2).all(|w| w[0].id < w[1].id),
        "ids grow with sequence"
    );
    assert_eq!(store.status().await.unwrap().document_count, 200);
    store.close().await;
}

#[tokio::test]
async fn duplicates_and_replays_within_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    // Queued back to back, these land in one transaction.
    let a = store
        .enqueue_create(doc("s", "same"), Some("r1".into()))
        .await
        .unwrap();
    let b = store.enqueue_create(doc("s", "same"), None).await.unwrap();
    let c = store
        .enqueue_create(doc("other", "same"), None)
        .await
        .unwrap();
    let d = store
        .enqueue_create(doc("s", "changed"), Some("r1".into()))
        .await
        .unwrap();
    let (a, b, c, d) = (
        a.await.unwrap().unwrap(),
        b.await.unwrap().unwrap(),
        c.await.unwrap().unwrap(),
        d.await.unwrap().unwrap(),
    );
    assert_eq!((a.outcome, a.replayed), (WriteOutcome::Created, false));
    assert_eq!(
        (b.outcome, b.id, b.sequence),
        (WriteOutcome::Duplicate, a.id, a.sequence)
    );
    assert_eq!(
        c.outcome,
        WriteOutcome::Created,
        "another source may carry the same text"
    );
    assert_eq!(
        (d.id, d.replayed, d.outcome),
        (a.id, true, WriteOutcome::Created)
    );
    store.close().await;
}

#[tokio::test]
async fn delete_logs_a_change_and_frees_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    let first = store.create(doc("s", "text"), None).await.unwrap();
    let deleted_at = store.delete(first.id).await.unwrap();
    assert_eq!(deleted_at, first.sequence + 1);
    assert!(matches!(
        store.delete(first.id).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.get(first.id).await,
        Err(Error::NotFound { .. })
    ));
    let again = store.create(doc("s", "text"), None).await.unwrap();
    assert_eq!(again.outcome, WriteOutcome::Created);

    let changes = store.changes_after(0, 10, true).await.unwrap();
    let kinds: Vec<_> = changes
        .iter()
        .map(|c| (c.sequence, c.kind, c.document.is_some()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, ChangeKind::Created, false),
            (2, ChangeKind::Deleted, false),
            (3, ChangeKind::Created, true)
        ]
    );
    assert_eq!(store.changes_after(2, 10, false).await.unwrap().len(), 1);
    store.close().await;
}

#[tokio::test]
async fn state_survives_reopening_and_ids_keep_growing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    let first = store
        .create(doc("s", "one"), Some("k".into()))
        .await
        .unwrap();
    store.close().await;
    assert!(matches!(
        store.create(doc("s", "x"), None).await,
        Err(Error::ShuttingDown)
    ));
    drop(store);

    let store = open(&options(dir.path()));
    assert_eq!(*store.subscribe().borrow(), 1);
    let replay = store
        .create(doc("s", "other"), Some("k".into()))
        .await
        .unwrap();
    assert_eq!((replay.id, replay.replayed), (first.id, true));
    let second = store.create(doc("s", "two"), None).await.unwrap();
    assert_eq!(second.sequence, 2);
    assert!(second.id > first.id);
    store.close().await;
}

#[tokio::test]
async fn expired_request_ids_are_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path());
    opts.request_id_retention = Duration::ZERO;
    let store = open(&opts);
    let first = store
        .create(doc("s", "one"), Some("k".into()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    // This commit prunes "k"; the next use of "k" is then a fresh request.
    store.create(doc("s", "two"), None).await.unwrap();
    let reused = store
        .create(doc("s", "three"), Some("k".into()))
        .await
        .unwrap();
    assert!(!reused.replayed);
    assert_ne!(reused.id, first.id);
    store.close().await;
}

#[tokio::test]
async fn list_pages_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    for i in 0..10 {
        let source = if i % 2 == 0 { "even" } else { "odd" };
        store
            .create(doc(source, &format!("b{i}")), None)
            .await
            .unwrap();
    }
    let filter = ListFilter {
        sources: vec!["even".into()],
        ..Default::default()
    };
    let first = store.list(filter.clone(), None, 3).await.unwrap();
    assert_eq!(first.documents.len(), 3);
    let rest = store
        .list(filter.clone(), first.next_after, 3)
        .await
        .unwrap();
    assert_eq!(rest.documents.len(), 2);
    assert!(rest.documents.iter().all(|d| d.fields.source == "even"));
    assert!(rest.documents[0].id > first.documents[2].id);
    store.close().await;
}
