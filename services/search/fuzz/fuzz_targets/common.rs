//! A small in-memory index shared by the targets: a handful of articles
//! with entities spelled several ways, one- and multi-word names, so the
//! parser, expansion, filters, facets and paging all have something to bite.

use std::sync::OnceLock;

use dossier_proto::v1::EntityType;
use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
use dossier_search::model::{DocEntity, IndexDoc};

fn entity(id: &str, name: &str, kind: EntityType, variants: &[&str]) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: name.into(),
        entity_type: kind as i32,
        variants: variants.iter().map(|v| v.to_string()).collect(),
    }
}

/// The index, built on first use and shared by every run.
pub fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().expect("in-memory index");
        let shap = |v: &[&str]| entity("e_shap", "Yuri Shapovchuk", EntityType::Person, v);
        let gad = |v: &[&str]| entity("e_gad", "Muammar Gaddafi", EntityType::Person, v);
        let nato = || entity("e_nato", "NATO", EntityType::Org, &["NATO", "North Atlantic Treaty Organization"]);
        let articles = [
            ("Iouri Chapovtchouk à Kiev", "Iouri Chapovtchouk a parlé du port.", "le-monde", vec![shap(&["Iouri Chapovtchouk", "Chapovtchouk"])]),
            ("Shapovchuk in Kyiv", "Yuri Shapovchuk spoke about the harbour; NATO agreed.", "wire", vec![shap(&["Yuri Shapovchuk"]), nato()]),
            ("Qaddafi warns", "Qaddafi said the ferry must stop. Gaddafi's son agreed.", "gazette", vec![gad(&["Qaddafi", "Gaddafi"])]),
            ("Harbour ferry delayed", "The ferry to the harbour was delayed by a storm.", "wire", vec![]),
            ("Kadhafi au pouvoir", "Le colonel Kadhafi et l'OTAN.", "herald", vec![gad(&["Kadhafi"]), nato()]),
        ];
        let ops = articles
            .into_iter()
            .enumerate()
            .map(|(i, (title, body, source, entities))| {
                let seq = i as u64 + 1;
                IndexOp::Upsert(Box::new(IndexDoc {
                    id: format!("doc{seq}"),
                    sequence: seq,
                    title: title.into(),
                    body: body.into(),
                    source: source.into(),
                    published_at: Some(1_709_251_200 + seq as i64 * 86_400 * 20),
                    language: if seq % 2 == 0 { "en".into() } else { "fr".into() },
                    labels: vec![format!("l{}", seq % 3)],
                    entities,
                    ..Default::default()
                }))
            })
            .collect();
        index.apply(ops).expect("apply");
        index
            .commit(Checkpoint {
                sequence: 5,
                entity_sequence: 0,
            })
            .expect("commit");
        index
    })
}
