//! Registry behaviour: cross-document linking, read-only resolution,
//! idempotent re-processing, curation with exact undo, persistence.
//!
//! Every test runs on both backends (`embedded::name` and `postgres::name`):
//! the PostgreSQL ones on a database of their own on the server named by
//! `DOSSIER_TEST_DATABASE_URL`; without it they print SKIPPED and pass,
//! unless `DOSSIER_REQUIRE_TOOLS=1`, where they fail.

use super::*;
use crate::EntityType;
use crate::EntityType::{Gpe, Org, Person};
use testing::{Place, on_both_backends};

const DAY: i64 = 86_400;
const T0: i64 = 1_709_251_200; // 2024-03-01

fn mention(text: &str, t: EntityType) -> NameMention {
    NameMention {
        start: 0,
        end: text.len(),
        text: text.to_string(),
        entity_type: t,
    }
}

fn meta(id: &str, source: &str, day: i64) -> DocumentMeta {
    DocumentMeta {
        document_id: Some(id.to_string()),
        source: Some(source.to_string()),
        published_at: Some(T0 + day * DAY),
    }
}

fn ids(d: &LinkedDocument) -> Vec<String> {
    d.mention_entities
        .iter()
        .map(|e| e.clone().unwrap_or_default())
        .collect()
}

/// Every live entity, as returned by queries.
fn all(reg: &Registry) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = reg
            .list_entities(&ListQuery {
                page_size: 2,
                page_token: token,
                ..ListQuery::default()
            })
            .unwrap();
        out.extend(page.entities);
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

fn seed(reg: &Registry) -> (String, String, String) {
    let a = reg
        .link(
            &meta("d1", "Harbour Post", 0),
            &[
                mention("President Muammar Gaddafi", Person),
                mention("Tripoli", Gpe),
                mention("Gaddafi", Person),
            ],
        )
        .unwrap();
    let b = reg
        .link(
            &meta("d2", "Daily Meridian", 1),
            &[mention("Moammar Kadhafi", Person), mention("Tripoli", Gpe)],
        )
        .unwrap();
    let c = reg
        .link(
            &meta("d3", "Daily Meridian", 2),
            &[mention("Ann Smith", Person), mention("NATO", Org)],
        )
        .unwrap();
    let g = ids(&a)[0].clone();
    assert_eq!(ids(&b)[0], g, "Kadhafi links to Gaddafi");
    assert_eq!(ids(&a)[1], ids(&b)[1], "Tripoli links");
    (g, ids(&a)[1].clone(), ids(&c)[0].clone())
}

fn links_variants_across_documents(place: &Place) {
    let reg = place.open();
    let (g, _, _) = seed(&reg);
    let e = reg.get_entity(&g).unwrap();
    // Equally complete and frequent: either full form may be canonical.
    assert!(["Muammar Gaddafi", "Moammar Kadhafi"].contains(&e.canonical_name.as_str()));
    assert_eq!(e.mention_count, 3);
    assert_eq!(e.document_count, 2);
    assert_eq!(e.first_seen, Some(T0));
    assert_eq!(e.last_seen, Some(T0 + DAY));
    let names: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
    assert!(names.contains(&"Moammar Kadhafi") && names.contains(&"Gaddafi"));
}

fn readonly_resolution_changes_nothing(place: &Place) {
    let reg = place.open();
    let (g, _, _) = seed(&reg);
    let before = all(&reg);
    let n = reg.entity_count();
    let r = reg
        .link(
            &DocumentMeta::default(),
            &[
                mention("Qaddafi", Person),
                mention("Someone Unknown", Person),
            ],
        )
        .unwrap();
    assert_eq!(r.mention_entities, vec![Some(g), None]);
    assert_eq!(all(&reg), before);
    assert_eq!(reg.entity_count(), n);
}

fn reprocessing_is_idempotent_and_replaces(place: &Place) {
    let reg = place.open();
    let (g, _, _) = seed(&reg);
    let before = all(&reg);
    let again = reg
        .link(
            &meta("d2", "Daily Meridian", 1),
            &[mention("Moammar Kadhafi", Person), mention("Tripoli", Gpe)],
        )
        .unwrap();
    assert_eq!(ids(&again)[0], g);
    assert_eq!(all(&reg), before);
    // A re-extraction with fewer mentions replaces the old contribution.
    reg.link(&meta("d2", "Daily Meridian", 1), &[mention("Tripoli", Gpe)])
        .unwrap();
    let e = reg.get_entity(&g).unwrap();
    assert_eq!((e.mention_count, e.document_count), (2, 1));
    assert_eq!(e.last_seen, Some(T0));
    // Forgetting removes the rest.
    let changed = reg.forget_document("d1").unwrap();
    assert!(changed.contains(&g));
    assert_eq!(reg.get_entity(&g).unwrap().mention_count, 0);
    assert!(reg.forget_document("nope").unwrap().is_empty());
}

fn merge_then_undo_restores_exact_state(place: &Place) {
    let reg = place.open();
    let (g, tripoli, smith) = seed(&reg);
    let before = all(&reg);
    let seq0 = reg.last_sequence();
    let c = reg
        .merge(&[g.clone(), smith.clone()], Some("req-1"), "test")
        .unwrap();
    assert_eq!(c.entities[0].id, g);
    assert!(c.entities[0].merged_ids.contains(&smith));
    assert_eq!(reg.get_entity(&smith).unwrap().id, g, "merged id resolves");
    // The "same" judgement holds for later linking: either name finds the survivor.
    let r = reg
        .link(&DocumentMeta::default(), &[mention("Ann Smith", Person)])
        .unwrap();
    assert_eq!(r.mention_entities, vec![Some(g.clone())]);
    assert_eq!(c.sequence, seq0 + 1);
    // Idempotent by request id.
    let again = reg
        .merge(&[g.clone(), smith.clone()], Some("req-1"), "test")
        .unwrap();
    assert_eq!(again.curation_id, c.curation_id);
    let changes = reg.changes_after(seq0, 10).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, EntityChangeKind::Merged);
    assert_eq!(changes[0].document_ids, vec!["d3".to_string()]);
    reg.undo(&c.curation_id).unwrap();
    assert_eq!(all(&reg), before);
    assert_eq!(
        reg.changes_after(seq0, 10).unwrap()[1].kind,
        EntityChangeKind::Unmerged
    );
    assert!(matches!(
        reg.undo(&c.curation_id),
        Err(RegistryError::FailedPrecondition(_))
    ));
    let _ = tripoli;
}

fn undo_after_new_documents_recomputes(place: &Place) {
    let reg = place.open();
    let (g, _, smith) = seed(&reg);
    let c = reg.merge(&[g.clone(), smith.clone()], None, "").unwrap();
    reg.link(
        &meta("d4", "Harbour Post", 3),
        &[mention("Gaddafi", Person)],
    )
    .unwrap();
    reg.undo(&c.curation_id).unwrap();
    let e = reg.get_entity(&g).unwrap();
    assert_eq!((e.mention_count, e.document_count), (4, 3));
    let s = reg.get_entity(&smith).unwrap();
    assert_eq!((s.id.as_str(), s.mention_count), (smith.as_str(), 1));
}

fn split_then_undo_restores_exact_state(place: &Place) {
    let reg = place.open();
    let (g, _, _) = seed(&reg);
    let before = all(&reg);
    let c = reg
        .split(&g, &["Moammar Kadhafi".to_string()], None, "two people")
        .unwrap();
    let new = c.entities[1].id.clone();
    assert_eq!(reg.get_entity(&new).unwrap().mention_count, 1);
    assert_eq!(reg.get_entity(&g).unwrap().mention_count, 2);
    // The split is a judgement: the moved name no longer links back.
    let r = reg
        .link(
            &DocumentMeta::default(),
            &[mention("Moammar Kadhafi", Person)],
        )
        .unwrap();
    assert_eq!(r.mention_entities, vec![Some(new.clone())]);
    assert!(matches!(
        reg.merge(&[g.clone(), new.clone()], None, ""),
        Err(RegistryError::FailedPrecondition(_))
    ));
    reg.undo(&c.curation_id).unwrap();
    assert_eq!(all(&reg), before);
    assert_eq!(reg.get_entity(&new).unwrap().id, g);
}

fn distinct_judgement_blocks_merges_and_persists(place: &Place) {
    let (g, smith) = {
        let reg = place.open();
        let (g, _, smith) = seed(&reg);
        reg.mark_distinct(&[g.clone(), smith.clone()], None, "")
            .unwrap();
        (g, smith)
    };
    let reg = place.open();
    let e = reg.get_entity(&g).unwrap();
    assert_eq!(e.distinct_ids, vec![smith.clone()]);
    assert!(matches!(
        reg.merge(&[g, smith], None, ""),
        Err(RegistryError::FailedPrecondition(_))
    ));
}

fn persists_across_reopen(place: &Place) {
    let (before, seq) = {
        let reg = place.open();
        let (g, _, smith) = seed(&reg);
        reg.merge(&[g, smith], None, "").unwrap();
        (all(&reg), reg.last_sequence())
    };
    let reg = place.open();
    assert_eq!(all(&reg), before);
    assert_eq!(reg.last_sequence(), seq);
    // Linking after reopen uses the rebuilt index.
    let r = reg
        .link(&DocumentMeta::default(), &[mention("Kaddafi", Person)])
        .unwrap();
    assert!(r.mention_entities[0].is_some());
}

fn bare_surname_with_two_people_is_not_merged(place: &Place) {
    let reg = place.open();
    let a = reg
        .link(
            &meta("a", "X", 0),
            &[mention("Ann Smith", Person), mention("Smith", Person)],
        )
        .unwrap();
    let b = reg
        .link(
            &meta("b", "Y", 0),
            &[mention("John Smith", Person), mention("Smith", Person)],
        )
        .unwrap();
    assert_ne!(ids(&a)[0], ids(&b)[0]);
    let c = reg
        .link(&meta("c", "Z", 0), &[mention("Smith", Person)])
        .unwrap();
    assert_ne!(ids(&c)[0], ids(&a)[0]);
    assert_ne!(ids(&c)[0], ids(&b)[0]);
    assert_eq!(reg.get_entity(&ids(&a)[0]).unwrap().mention_count, 2);
    assert_eq!(reg.get_entity(&ids(&b)[0]).unwrap().mention_count, 2);
}

fn queries_filter_and_validate(place: &Place) {
    let reg = place.open();
    seed(&reg);
    let page = reg
        .list_entities(&ListQuery {
            entity_type: Some(Person),
            name_prefix: Some("mu".into()),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(page.entities.len(), 1);
    let by_name = reg
        .list_entities(&ListQuery {
            order: EntityOrder::Name,
            ..ListQuery::default()
        })
        .unwrap();
    let names: Vec<&str> = by_name
        .entities
        .iter()
        .map(|e| e.canonical_name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["Ann Smith", "Moammar Kadhafi", "NATO", "Tripoli"]
    );
    assert!(matches!(
        reg.get_entity("x"),
        Err(RegistryError::InvalidArgument { .. })
    ));
    assert!(matches!(
        reg.get_entity("ent_0000009999"),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(matches!(
        reg.list_entities(&ListQuery {
            page_token: Some("zz".into()),
            ..ListQuery::default()
        }),
        Err(RegistryError::InvalidArgument { .. })
    ));
    let c = reg.resolve_name("Qadhafi", None, 5);
    assert_eq!(c[0].entity.canonical_name, "Moammar Kadhafi");

    // Page tokens are checked: a cut one, or one from another listing, is
    // refused rather than resuming somewhere else.
    let first = reg
        .list_entities(&ListQuery {
            page_size: 1,
            ..ListQuery::default()
        })
        .unwrap();
    let token = first.next_page_token.expect("more than one entity");
    let page = |token: &str, name_prefix: Option<&str>| {
        reg.list_entities(&ListQuery {
            page_size: 1,
            page_token: Some(token.to_string()),
            name_prefix: name_prefix.map(str::to_string),
            ..ListQuery::default()
        })
    };
    assert!(page(&token, None).is_ok());
    assert!(matches!(
        page(&token[..token.len() - 2], None),
        Err(RegistryError::InvalidArgument { .. })
    ));
    assert!(matches!(
        page(&token[2..], None),
        Err(RegistryError::InvalidArgument { .. })
    ));
    assert!(matches!(
        page(&token, Some("mo")),
        Err(RegistryError::InvalidArgument { .. })
    ));
}

fn watchers_see_new_changes(place: &Place) {
    let reg = place.open();
    let (g, _, smith) = seed(&reg);
    let mut rx = reg.subscribe();
    let seq = *rx.borrow_and_update();
    reg.merge(&[g, smith], None, "").unwrap();
    assert!(rx.has_changed().unwrap());
    assert!(*rx.borrow() > seq);
}

#[test]
fn registry_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Registry>();
}

fn distinct_judgement_keeps_names_apart_in_linking(place: &Place) {
    let reg = place.open();
    let a = reg
        .link(&meta("a", "X", 0), &[mention("Pavel Orlov", Person)])
        .unwrap();
    // A bare "Orlov" first seen elsewhere links to the only Orlov known.
    let b = reg
        .link(&meta("b", "Y", 40), &[mention("Orlov", Person)])
        .unwrap();
    assert_eq!(ids(&b), ids(&a));
    // A curator says the bare mention was someone else: split it out.
    let split = reg
        .split(&ids(&a)[0], &["Orlov".to_string()], None, "other Orlov")
        .unwrap();
    let other = split.entities[1].id.clone();
    let c = reg
        .link(&meta("c", "Y", 41), &[mention("Orlov", Person)])
        .unwrap();
    assert_eq!(ids(&c), vec![other]);
    let d = reg
        .link(&meta("d", "X", 1), &[mention("Pavel Orlov", Person)])
        .unwrap();
    assert_eq!(ids(&d), ids(&a));
}

fn multi_word_names_link_across_tagger_types_single_words_do_not(place: &Place) {
    let reg = place.open();
    let a = reg
        .link(
            &meta("x1", "Harbour Post", 0),
            &[mention("Pavel Navalny", Person), mention("Ford", Org)],
        )
        .unwrap();
    // The tagger typed the variant ORG and the one-word name PERSON.
    let b = reg
        .link(
            &meta("x2", "Daily Meridian", 1),
            &[mention("Pavel Navalniy", Org), mention("Ford", Person)],
        )
        .unwrap();
    assert_eq!(ids(&a)[0], ids(&b)[0], "near-identical full names join");
    assert_ne!(ids(&a)[1], ids(&b)[1], "one-word names keep their type");
}

/// The documents of `seed`, as one batch.
fn seed_batch() -> Vec<(DocumentMeta, Vec<NameMention>)> {
    vec![
        (
            meta("d1", "Harbour Post", 0),
            vec![
                mention("President Muammar Gaddafi", Person),
                mention("Tripoli", Gpe),
                mention("Gaddafi", Person),
            ],
        ),
        (
            meta("d2", "Daily Meridian", 1),
            vec![mention("Moammar Kadhafi", Person), mention("Tripoli", Gpe)],
        ),
        (DocumentMeta::default(), vec![mention("Kaddafi", Person)]),
        (
            meta("d3", "Daily Meridian", 2),
            vec![mention("Ann Smith", Person), mention("NATO", Org)],
        ),
    ]
}

fn a_batch_links_as_documents_one_by_one_and_persists(place: &Place) {
    let (one_by_one, one_entities) = {
        let other = place.another();
        let reg = other.open();
        let linked: Vec<LinkedDocument> = seed_batch()
            .iter()
            .map(|(m, ms)| reg.link(m, ms).unwrap())
            .collect();
        (linked, all(&reg))
    };
    let (batched, entities) = {
        let reg = place.open();
        let linked = reg.link_batch(&seed_batch()).unwrap();
        (linked, all(&reg))
    };
    assert_eq!(batched, one_by_one);
    assert_eq!(entities, one_entities);
    // Later documents of the batch saw the earlier ones.
    assert_eq!(ids(&batched[1])[0], ids(&batched[0])[0]);
    assert_eq!(ids(&batched[2])[0], ids(&batched[0])[0]);
    // One commit wrote it all.
    let reg = place.open();
    assert_eq!(all(&reg), entities);
}

fn a_batch_with_a_bad_document_id_records_nothing(place: &Place) {
    let reg = place.open();
    let mut docs = seed_batch();
    docs[3].0.document_id = Some("x".repeat(MAX_DOCUMENT_ID_BYTES + 1));
    assert!(matches!(
        reg.link_batch(&docs),
        Err(RegistryError::InvalidArgument { .. })
    ));
    assert_eq!(reg.entity_count(), 0);
    assert!(all(&reg).is_empty());
}

fn a_failed_batch_leaves_memory_as_the_last_commit(place: &Place) {
    let reg = place.open();
    let (g, _, _) = seed(&reg);
    let before = all(&reg);
    {
        // Stage a document in memory as a batch does, then fail.
        let _w = reg.writer.lock();
        let _staging = Staging {
            registry: &reg,
            armed: true,
        };
        let failed: Result<()> = reg.write(|tx| {
            let docs = seed_batch();
            let dirty = {
                let state = reg.state.read();
                let mut ov = Overlay::new(&state);
                record_in(&mut ov, tx, "d9", &meta("d9", "X", 3), &docs[1].1)?;
                ov.dirty
            };
            reg.state.write().install(dirty);
            assert_ne!(all(&reg), before, "staged in memory");
            Err(RegistryError::Storage("a failure before the commit".into()))
        });
        assert!(failed.is_err());
    }
    assert_eq!(all(&reg), before, "rebuilt from the last commit");
    assert_eq!(reg.get_entity(&g).unwrap().document_count, 2);
}

on_both_backends!(
    links_variants_across_documents,
    readonly_resolution_changes_nothing,
    reprocessing_is_idempotent_and_replaces,
    merge_then_undo_restores_exact_state,
    undo_after_new_documents_recomputes,
    split_then_undo_restores_exact_state,
    distinct_judgement_blocks_merges_and_persists,
    persists_across_reopen,
    bare_surname_with_two_people_is_not_merged,
    queries_filter_and_validate,
    distinct_judgement_keeps_names_apart_in_linking,
    multi_word_names_link_across_tagger_types_single_words_do_not,
    a_batch_links_as_documents_one_by_one_and_persists,
    a_batch_with_a_bad_document_id_records_nothing,
    a_failed_batch_leaves_memory_as_the_last_commit,
    watchers_see_new_changes,
);
