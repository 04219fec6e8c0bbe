//! Two extraction replicas on one PostgreSQL registry (`--registry-url`):
//! linking the same documents at the same time never gives one entity two
//! ids, they end with the registry one process would have built, and a
//! curation made through one reaches the other's WatchEntityChanges.
//!
//! Each test makes a database of its own on the server named by
//! `DOSSIER_TEST_DATABASE_URL`; without it the tests print SKIPPED and
//! pass, unless `DOSSIER_REQUIRE_TOOLS=1`, where they fail.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use dossier_extraction::EntityType;
use dossier_extraction::link::{DocumentMeta, NameMention};
use dossier_extraction::registry::{Entity, ListQuery, Registry};
use dossier_extraction::{ExtractionConfig, RegistryUrl};
use dossier_proto::v1 as pb;
use dossier_tests::postgres::TestDatabase;
use postgres::{Client, NoTls};
use support::{Server, extract, in_doc, mention_of, next, require_model};

const WAIT: Duration = Duration::from_secs(20);

/// What a skipped test says it skipped.
const WHAT: &str = "PostgreSQL registry replicas";

const PEOPLE: [&str; 12] = [
    "Anna Kowalczyk",
    "Dmitri Volkonsky",
    "Laila Haddad",
    "Tomasz Wierzbicki",
    "Ingrid Solberg",
    "Kwame Mensah",
    "Yusuf Demirci",
    "Elena Marchetti",
    "Oksana Hrytsenko",
    "Rafael Quintero",
    "Mei-ling Zhou",
    "Pieter van Aalst",
];
const PLACES: [&str; 4] = ["Gdansk", "Tromso", "Valletta", "Kaunas"];
const ORGS: [&str; 3] = [
    "Baltic Grain Board",
    "Harbour Credit Union",
    "Nordvik Shipping",
];

type Doc = (DocumentMeta, Vec<NameMention>);

fn mention(text: &str, entity_type: EntityType) -> NameMention {
    NameMention {
        start: 0,
        end: text.len(),
        text: text.to_string(),
        entity_type,
    }
}

/// Documents naming three people, a place and an organisation each, always
/// with full names, so every order of linking builds the same entities.
fn documents(n: usize) -> Vec<Doc> {
    (0..n)
        .map(|i| {
            let meta = DocumentMeta {
                document_id: Some(format!("doc-{i:04}")),
                source: Some(["Harbour Post", "Daily Meridian", "Nord Wire"][i % 3].to_string()),
                published_at: Some(1_709_251_200 + (i as i64) * 3_600),
            };
            let mentions = vec![
                mention(PEOPLE[i % PEOPLE.len()], EntityType::Person),
                mention(PEOPLE[(i * 5 + 3) % PEOPLE.len()], EntityType::Person),
                mention(PEOPLE[(i * 7 + 1) % PEOPLE.len()], EntityType::Person),
                mention(PLACES[i % PLACES.len()], EntityType::Gpe),
                mention(ORGS[i % ORGS.len()], EntityType::Org),
            ];
            (meta, mentions)
        })
        .collect()
}

/// Every live entity, by id.
fn entities(reg: &Registry) -> BTreeMap<String, Entity> {
    let mut out = BTreeMap::new();
    let mut page_token = None;
    loop {
        let page = reg
            .list_entities(&ListQuery {
                page_size: 1000,
                page_token,
                ..ListQuery::default()
            })
            .unwrap();
        out.extend(page.entities.into_iter().map(|e| (e.id.clone(), e)));
        match page.next_page_token {
            Some(t) => page_token = Some(t),
            None => return out,
        }
    }
}

/// What must not depend on ids or on which replica did what.
fn shape(entities: &BTreeMap<String, Entity>) -> BTreeSet<(String, u64, u64)> {
    entities
        .values()
        .map(|e| (e.canonical_name.clone(), e.mention_count, e.document_count))
        .collect()
}

#[test]
fn two_replicas_linking_the_same_documents_assign_one_id_per_entity() {
    let Some(db) = TestDatabase::create(WHAT) else {
        return;
    };
    let docs = documents(120);
    let a = Registry::connect(&db.url).unwrap();
    let b = Registry::connect(&db.url).unwrap();
    // Both replicas record every document, in opposite orders, in small
    // batches, at the same time (a retried or re-delivered document).
    std::thread::scope(|s| {
        let forward: Vec<Doc> = docs.clone();
        let backward: Vec<Doc> = docs.iter().rev().cloned().collect();
        let (a, b) = (&a, &b);
        s.spawn(move || {
            for batch in forward.chunks(6) {
                a.link_batch(batch).unwrap();
            }
        });
        s.spawn(move || {
            for batch in backward.chunks(5) {
                b.link_batch(batch).unwrap();
            }
        });
    });

    // One process linking the documents once, for reference.
    let one = Registry::in_memory().unwrap();
    for batch in docs.chunks(6) {
        one.link_batch(batch).unwrap();
    }
    let expected = shape(&entities(&one));
    assert_eq!(expected.len(), PEOPLE.len() + PLACES.len() + ORGS.len());

    // The replica that wrote first sees the other's last commit once its
    // follower has caught up.
    let started = Instant::now();
    let (on_a, on_b) = loop {
        let (on_a, on_b) = (entities(&a), entities(&b));
        if on_a == on_b || started.elapsed() > WAIT {
            break (on_a, on_b);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(on_a, on_b, "both replicas serve the same registry");
    assert_eq!(shape(&on_a), expected, "the registry one process builds");
    // Never two ids for one name.
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    for e in on_a.values() {
        for alias in &e.aliases {
            if let Some(other) = owners.insert(&alias.name, &e.id) {
                panic!("{:?} is an alias of {other} and {}", alias.name, e.id);
            }
        }
    }
    // Both replicas now link any of the names to the one entity.
    for (meta, mentions) in docs.iter().take(12) {
        let readonly = DocumentMeta {
            document_id: None,
            ..meta.clone()
        };
        let from_a = a.link(&readonly, mentions).unwrap();
        let from_b = b.link(&readonly, mentions).unwrap();
        assert_eq!(from_a.mention_entities, from_b.mention_entities);
        assert!(from_a.mention_entities.iter().all(Option::is_some));
    }
}

#[test]
fn a_curation_on_one_replica_is_seen_by_the_other() {
    let Some(db) = TestDatabase::create(WHAT) else {
        return;
    };
    let a = Registry::connect(&db.url).unwrap();
    let b = Registry::connect(&db.url).unwrap();
    let docs = documents(12);
    a.link_batch(&docs[..6]).unwrap();
    b.link_batch(&docs[6..]).unwrap();
    let ids: Vec<String> = entities(&b).into_keys().collect();
    let mut rx = b.subscribe();
    let seen = *rx.borrow_and_update();
    let merged = a
        .merge(&[ids[0].clone(), ids[1].clone()], Some("merge-1"), "same")
        .unwrap();
    // B's follower loads the curation and wakes B's watchers.
    let started = Instant::now();
    while *rx.borrow() < merged.sequence {
        assert!(started.elapsed() < WAIT, "replica B never saw the merge");
        std::thread::sleep(Duration::from_millis(10));
    }
    let changes = b.changes_after(seen, 10).unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.curation_id.as_deref() == Some(merged.curation_id.as_str())),
        "{changes:?}"
    );
    assert_eq!(
        b.get_entity(&ids[1]).unwrap().id,
        ids[0],
        "B resolves the merged id"
    );
    // The same request id retried on B answers with A's curation.
    let again = b
        .merge(&[ids[0].clone(), ids[1].clone()], Some("merge-1"), "same")
        .unwrap();
    assert_eq!(again.curation_id, merged.curation_id);
    // Undone on B, seen on A.
    let undone = b.undo(&merged.curation_id).unwrap();
    let started = Instant::now();
    while a.get_entity(&ids[1]).unwrap().id != ids[1] {
        assert!(started.elapsed() < WAIT, "replica A never saw the undo");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(undone.sequence > merged.sequence);
}

#[test]
fn a_dropped_database_connection_costs_one_unavailable_write_at_most() {
    let Some(db) = TestDatabase::create(WHAT) else {
        return;
    };
    let reg = Registry::connect(&db.url).unwrap();
    let docs = documents(24);
    reg.link_batch(&docs[..12]).unwrap();
    let before = entities(&reg);
    // The database drops every connection of the registry (a restart, a
    // failover, an administrator).
    let mut admin = Client::connect(&db.url, NoTls).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    let first = reg.link_batch(&docs[12..]);
    eprintln!(
        "first write after the drop: {:?}",
        first.as_ref().map(|_| ())
    );
    match first {
        Ok(_) => {}
        Err(e) => assert!(
            matches!(
                e,
                dossier_extraction::registry::RegistryError::Unavailable(_)
            ),
            "{e:?}"
        ),
    }
    // The next write reconnects; memory holds only what was committed.
    reg.link_batch(&docs[12..]).unwrap();
    let after = entities(&reg);
    assert!(
        after.values().map(|e| e.mention_count).sum::<u64>()
            > before.values().map(|e| e.mention_count).sum::<u64>()
    );
    let fresh = Registry::connect(&db.url).unwrap();
    assert_eq!(entities(&fresh), after, "memory matches the database");
}

/// Two gRPC servers on one registry: documents extracted through both,
/// MergeEntities on one, the other's WatchEntityChanges reports it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_entity_changes_on_one_replica_reports_a_merge_made_on_the_other() {
    require_model();
    let Some(db) = TestDatabase::create_async(WHAT).await else {
        return;
    };
    let start = |url: String| {
        Server::start_with(move |c: &mut ExtractionConfig| {
            c.registry_url = Some(RegistryUrl::new(url));
        })
    };
    let mut a = start(db.url.clone()).await;
    let mut b = start(db.url.clone()).await;
    let first = extract(
        &mut a.client,
        in_doc(
            "Finance Minister Anna Kowalczyk met Laila Haddad in Gdansk on Monday.",
            "x1",
        ),
    )
    .await;
    let second = extract(
        &mut b.client,
        in_doc(
            "Laila Haddad said in Valletta that Anna Kowalczyk would visit.",
            "x2",
        ),
    )
    .await;
    let anna = mention_of(&first, "Anna Kowalczyk").entity_id.clone();
    let laila = mention_of(&first, "Laila Haddad").entity_id.clone();
    assert_eq!(
        mention_of(&second, "Anna Kowalczyk").entity_id,
        anna,
        "one id across replicas"
    );
    assert_eq!(mention_of(&second, "Laila Haddad").entity_id, laila);

    let mut feed = b
        .client
        .watch_entity_changes(pb::WatchEntityChangesRequest { after_sequence: 0 })
        .await
        .unwrap()
        .into_inner();
    let merged = a
        .client
        .merge_entities(pb::MergeEntitiesRequest {
            entity_ids: vec![anna.clone(), laila.clone()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let change = loop {
        let c = next(&mut feed).await;
        if c.kind() == pb::EntityChangeKind::Merged {
            break c;
        }
    };
    assert_eq!(change.curation_id, merged.curation_id);
    assert_eq!(change.entity_id, anna);
    assert_eq!(change.source_ids, vec![laila.clone()]);
    let mut docs = change.document_ids.clone();
    docs.sort();
    assert_eq!(docs, vec!["x1".to_string(), "x2".to_string()]);
    a.stop().await;
    b.stop().await;
}

/// Recording throughput of the registry alone (no tagging): embedded redb,
/// one PostgreSQL replica, and two PostgreSQL replicas recording disjoint
/// halves at once. Ignored by default; on a quiet machine:
/// `cargo test --release -p dossier-extraction --test registry_replicas -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark: run in release with --ignored"]
fn recording_throughput_one_and_two_replicas() {
    const DOCS: usize = 4_000;
    const BATCH: usize = 64; // BatchExtract's largest link batch
    let docs = documents(DOCS);
    let rate = |secs: f64| DOCS as f64 / secs;

    let dir = tempfile::tempdir().unwrap();
    let embedded = Registry::open(dir.path()).unwrap();
    let started = Instant::now();
    for batch in docs.chunks(BATCH) {
        embedded.link_batch(batch).unwrap();
    }
    println!(
        "embedded redb: {:.0} docs/s",
        rate(started.elapsed().as_secs_f64())
    );

    let Some(db) = TestDatabase::create(WHAT) else {
        return;
    };
    let one = Registry::connect(&db.url).unwrap();
    let started = Instant::now();
    for batch in docs.chunks(BATCH) {
        one.link_batch(batch).unwrap();
    }
    println!(
        "postgres, 1 replica: {:.0} docs/s",
        rate(started.elapsed().as_secs_f64())
    );
    drop(one);

    let Some(db) = TestDatabase::create(WHAT) else {
        return;
    };
    let (a, b) = (
        Registry::connect(&db.url).unwrap(),
        Registry::connect(&db.url).unwrap(),
    );
    let (first, second) = docs.split_at(DOCS / 2);
    let started = Instant::now();
    std::thread::scope(|s| {
        for (reg, half) in [(&a, first), (&b, second)] {
            s.spawn(move || {
                for batch in half.chunks(BATCH) {
                    reg.link_batch(batch).unwrap();
                }
            });
        }
    });
    println!(
        "postgres, 2 replicas: {:.0} docs/s",
        rate(started.elapsed().as_secs_f64())
    );
}
