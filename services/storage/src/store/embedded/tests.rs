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

/// A server's clones of its store (request handlers, watch streams, the
/// rederive task) may outlive its `close`; the file must be free for the
/// next server on the same directory all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_frees_the_file_while_clones_of_the_store_live_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&options(dir.path()));
    let first = store.create(doc("s", "one"), None).await.unwrap();
    let straggler = store.clone();
    // A read that holds the database across the close.
    let Store::Embedded(embedded) = &store else {
        unreachable!()
    };
    let held = embedded.slot.get().unwrap();
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        drop(held);
    });
    store.close().await;
    // Right away: `close` returned only once the reader let go.
    let reopened =
        EmbeddedStore::open(&options(dir.path())).expect("the closed store still holds its file");
    reader.join().unwrap();
    assert!(matches!(
        straggler.get(first.id).await,
        Err(Error::ShuttingDown)
    ));
    assert_eq!(reopened.get(first.id).await.unwrap().unwrap().id, first.id);
    reopened.close().await;
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

/// The embedded store as the previous version wrote it (format 1): the same
/// tables without `articles` and `meta`, rows in the layout of that time.
/// Kept here as a copy, so a later change of the live rows cannot change
/// what this test writes.
mod format1 {
    use serde::Serialize;

    use crate::model::Timestamp;

    #[derive(Serialize)]
    pub struct DocumentRow {
        pub sequence: u64,
        pub create_time: Timestamp,
        pub content_sha256: [u8; 32],
        pub fields: Fields,
    }

    #[derive(Serialize)]
    pub struct Fields {
        pub title: String,
        pub body: String,
        pub source: String,
        pub url: String,
        pub author: String,
        pub published_at: Option<Timestamp>,
        pub language: String,
        pub labels: Vec<String>,
    }

    #[derive(Serialize)]
    pub enum ChangeKind {
        Created,
        #[allow(dead_code)]
        Deleted,
    }

    #[derive(Serialize)]
    pub struct ChangeRow {
        pub kind: ChangeKind,
        pub document_id: u128,
        pub commit_time: Timestamp,
    }
}

/// Writes a format-1 data directory holding `bodies` (title "Old n").
fn write_format1(dir: &Path, bodies: &[&str]) -> Vec<Ulid> {
    use redb::TableDefinition;
    let db = Database::create(dir.join(DATABASE_FILE)).unwrap();
    let txn = db.begin_write().unwrap();
    let mut ids = Vec::new();
    {
        let mut documents = txn
            .open_table(TableDefinition::<u128, &[u8]>::new("documents"))
            .unwrap();
        let mut changes = txn
            .open_table(TableDefinition::<u64, &[u8]>::new("changes"))
            .unwrap();
        let mut dedup = txn
            .open_table(TableDefinition::<&[u8], (u128, u64)>::new("dedup"))
            .unwrap();
        txn.open_table(TableDefinition::<&str, &[u8]>::new("requests"))
            .unwrap();
        txn.open_table(TableDefinition::<&[u8], ()>::new("request_expiry"))
            .unwrap();
        for (i, body) in bodies.iter().enumerate() {
            let sequence = i as u64 + 1;
            let id = Ulid::from_parts(1_700_000_000_000 + sequence, 7);
            let title = format!("Old {sequence}");
            let fields = DocumentFields {
                title: title.clone(),
                body: (*body).to_string(),
                source: "old-wire".into(),
                url: String::new(),
                author: String::new(),
                published_at: None,
                language: String::new(),
                labels: vec![],
                content_type: crate::model::ContentType::PlainText,
            };
            let hash = fields.content_sha256();
            let row = format1::DocumentRow {
                sequence,
                create_time: crate::model::Timestamp(1),
                content_sha256: hash,
                fields: format1::Fields {
                    title,
                    body: (*body).to_string(),
                    source: "old-wire".into(),
                    url: String::new(),
                    author: String::new(),
                    published_at: None,
                    language: String::new(),
                    labels: vec![],
                },
            };
            documents
                .insert(id.0, postcard::to_allocvec(&row).unwrap().as_slice())
                .unwrap();
            let change = format1::ChangeRow {
                kind: format1::ChangeKind::Created,
                document_id: id.0,
                commit_time: crate::model::Timestamp(1),
            };
            changes
                .insert(sequence, postcard::to_allocvec(&change).unwrap().as_slice())
                .unwrap();
            let mut key = hash.to_vec();
            key.extend_from_slice(b"old-wire");
            dedup.insert(key.as_slice(), (id.0, sequence)).unwrap();
            ids.push(id);
        }
    }
    txn.commit().unwrap();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_format1_directory_is_read_then_its_text_derived_again() {
    use crate::model::ChangeKind;
    let dir = tempfile::tempdir().unwrap();
    let furnished =
        "Dock workers returned on Monday.\n\nShare\n\nThe port reopened after nine days.";
    let clean = "The council met on Tuesday.\n\nIt approved the harbour budget.";
    let ids = write_format1(dir.path(), &[furnished, clean]);

    let store = open(&options(dir.path()));
    // Before re-derivation: the old document reads as it always did.
    let old = store.get(ids[0]).await.unwrap();
    assert_eq!(old.article.text_version, 0);
    assert_eq!(old.article.text, furnished);
    assert_eq!(
        store
            .count_stale(dossier_article::CLEANER_VERSION)
            .await
            .unwrap(),
        2
    );

    let documents =
        crate::service::Documents::new(store.clone(), crate::config::Limits::default(), 100);
    let shutdown = dossier_kit::Shutdown::new();
    documents.start_rederive(shutdown.clone());
    let mut updates = Vec::new();
    for _ in 0..200 {
        updates = store.changes_after(2, 10, true).await.unwrap();
        if updates.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(updates.len(), 2, "{updates:?}");
    for (change, id) in updates.iter().zip(&ids) {
        assert_eq!(change.kind, ChangeKind::TextUpdated);
        assert_eq!(change.document_id, *id);
        let doc = change.document.as_ref().unwrap();
        assert_eq!(doc.article.text_version, dossier_article::CLEANER_VERSION);
    }
    let first = store.get(ids[0]).await.unwrap();
    assert_eq!(
        first.article.text,
        "Dock workers returned on Monday.\n\nThe port reopened after nine days."
    );
    assert_eq!(first.fields.body, furnished, "the body is kept as sent");
    assert_eq!(first.fields.title, "Old 1", "what the request set is kept");
    assert_eq!(first.fields.language, "en", "an empty field is filled");
    let second = store.get(ids[1]).await.unwrap();
    assert_eq!(second.article.text, clean);
    assert_eq!(documents.status().await.unwrap().documents_awaiting_text, 0);
    assert_eq!(
        store
            .count_stale(dossier_article::CLEANER_VERSION)
            .await
            .unwrap(),
        0
    );

    // Dedup still finds the old content; a new write follows the updates.
    let again = NewDocument::new(
        DocumentFields {
            title: "Old 2".into(),
            body: clean.into(),
            source: "old-wire".into(),
            url: String::new(),
            author: String::new(),
            published_at: None,
            language: String::new(),
            labels: vec![],
            content_type: crate::model::ContentType::PlainText,
        },
        &crate::config::Limits::default(),
        crate::model::Timestamp::now(),
    );
    let result = store.create(again, None).await.unwrap();
    assert_eq!(result.outcome, WriteOutcome::Duplicate);
    assert_eq!(result.id, ids[1]);
    shutdown.trigger();
    store.close().await;
    drop((documents, store));
    tokio::time::sleep(Duration::from_millis(50)).await;

    // Reopened: format 2 is recorded and nothing is derived twice.
    let store = open(&options(dir.path()));
    assert_eq!(store.status().await.unwrap().last_sequence, 4);
    store.close().await;
    drop(store);
    let db = Database::open(dir.path().join(DATABASE_FILE)).unwrap();
    let txn = db.begin_read().unwrap();
    let meta = txn.open_table(tables::META).unwrap();
    assert_eq!(
        meta.get(tables::FORMAT_KEY).unwrap().unwrap().value(),
        tables::FORMAT
    );
}
