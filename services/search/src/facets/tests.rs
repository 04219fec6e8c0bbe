//! `FacetCounter` against the string-merging oracle, over several segments
//! with deletions.

use dossier_proto::v1::EntityType;
use tantivy::query::{AllQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::oracle::{FacetCollector, buckets};
use super::{Bucket, FacetCounter, FacetSpec};
use crate::dates::Interval;
use crate::index::{Checkpoint, IndexOp, SearchIndex};
use crate::model::{DocEntity, IndexDoc};

const DAY: i64 = 86_400;
/// 2024-03-01T00:00:00Z.
const T0: i64 = 1_709_251_200;

fn entity(id: &str, name: &str, kind: EntityType) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: name.into(),
        entity_type: kind as i32,
        variants: vec![name.into()],
    }
}

/// Document `n`: values cycle with different periods, so counts differ
/// and several segments share values.
fn doc(n: u64) -> IndexDoc {
    let mut entities = vec![entity(
        &format!("p{}", n % 7),
        &format!("Person {}", n % 7),
        EntityType::Person,
    )];
    if n.is_multiple_of(3) {
        // One organisation, mostly under one name, sometimes another.
        let name = if n.is_multiple_of(9) {
            "Acme Corp"
        } else {
            "Acme"
        };
        entities.push(entity("o1", name, EntityType::Org));
    }
    if n.is_multiple_of(4) {
        entities.push(entity(&format!("g{}", n % 5), "Place", EntityType::Gpe));
    }
    IndexDoc {
        id: format!("d{n}"),
        sequence: n,
        body: if n.is_multiple_of(2) { "even" } else { "odd" }.into(),
        source: format!("s{}", n % 5),
        language: ["en", "fr", ""][n as usize % 3].into(),
        labels: vec![format!("l{}", n % 4), format!("m{}", n % 6)],
        published_at: match n {
            // Far apart dates: the histogram's sparse path.
            13 => Some(-2_000_000_000),
            14 => Some(5_000_000_000),
            15 => None,
            _ => Some(T0 + (n as i64 * 37 % 90) * DAY + 3_600),
        },
        entities,
        ..IndexDoc::default()
    }
}

/// Documents per segment: more than two counting batches, and not a whole
/// number of them.
const PER_SEGMENT: u64 = 2 * super::counter::BATCH as u64 + 22;
/// Documents indexed (two are then deleted).
const DOCS: u64 = 3 * PER_SEGMENT;

/// Three segments, some deletions.
fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    for part in 0..3u64 {
        let ops = (part * PER_SEGMENT..(part + 1) * PER_SEGMENT)
            .map(|n| IndexOp::Upsert(Box::new(doc(n))))
            .collect();
        index.apply(ops).unwrap();
        index.commit(Checkpoint::default()).unwrap();
    }
    index
        .apply(vec![
            IndexOp::Delete("d4".into()),
            IndexOp::Delete("d55".into()),
        ])
        .unwrap();
    index.commit(Checkpoint::default()).unwrap();
    index
}

fn specs() -> Vec<FacetSpec> {
    let mut specs = vec![
        FacetSpec::PublishedAt {
            interval: Interval::Day,
        },
        FacetSpec::PublishedAt {
            interval: Interval::Week,
        },
        FacetSpec::PublishedAt {
            interval: Interval::Month,
        },
    ];
    for limit in [0, 1, 3, 1_000] {
        specs.extend([
            FacetSpec::Source { limit },
            FacetSpec::Label { limit },
            FacetSpec::Language { limit },
        ]);
        for t in [EntityType::Unspecified, EntityType::Person, EntityType::Org] {
            specs.push(FacetSpec::Entity {
                limit,
                entity_type: t as i32,
            });
        }
    }
    specs
}

/// The counts per value, as the string-merging collector computes them.
fn by_strings(index: &SearchIndex, query: &dyn Query) -> Vec<Vec<Bucket>> {
    let specs = specs();
    let counts = index
        .searcher()
        .search(
            query,
            &FacetCollector {
                specs: specs.clone(),
            },
        )
        .unwrap();
    specs
        .iter()
        .zip(counts)
        .map(|(spec, c)| buckets(spec, c))
        .collect()
}

fn by_slots(index: &SearchIndex, query: &dyn Query) -> Vec<Vec<Bucket>> {
    let counter = FacetCounter::new(specs(), index.facet_dicts());
    let tallies = index.searcher().search(query, &counter).unwrap();
    counter
        .buckets(tallies, index.renames())
        .into_iter()
        .map(|(_, b)| b)
        .collect()
}

#[test]
fn slot_counts_equal_string_counts_across_segments() {
    let index = index();
    assert!(index.counts().1 >= 2, "the test needs several segments");
    let even = TermQuery::new(
        tantivy::Term::from_field_text(index.fields().body, "even"),
        IndexRecordOption::Basic,
    );
    for query in [&AllQuery as &dyn Query, &even] {
        let expected = by_strings(&index, query);
        let got = by_slots(&index, query);
        assert!(expected.iter().any(|b| b.len() > 3));
        for (spec, (e, g)) in specs().iter().zip(expected.iter().zip(&got)) {
            assert_eq!(e, g, "{spec:?}");
        }
    }
}

#[test]
fn entities_are_named_by_their_most_counted_name() {
    let index = index();
    let got = by_slots(&index, &AllQuery);
    let org = specs()
        .iter()
        .position(|s| {
            *s == FacetSpec::Entity {
                limit: 1_000,
                entity_type: EntityType::Org as i32,
            }
        })
        .unwrap();
    // o1 is in every third document, "Acme Corp" only in every ninth.
    assert_eq!(got[org].len(), 1);
    assert_eq!(got[org][0].value, "o1");
    assert_eq!(got[org][0].display_name, "Acme");
    // Neither deleted document (d4, d55) names it.
    assert_eq!(got[org][0].count, DOCS.div_ceil(3));
    assert_eq!(got[org][0].entity_type, EntityType::Org as i32);
}

#[test]
fn far_apart_dates_and_empty_segments_still_count() {
    let index = SearchIndex::in_memory().unwrap();
    let counter = FacetCounter::new(specs(), index.facet_dicts());
    let tallies = index.searcher().search(&AllQuery, &counter).unwrap();
    assert!(
        counter
            .buckets(tallies, index.renames())
            .iter()
            .all(|(_, b)| b.is_empty())
    );
    let index = self::index();
    let days = by_slots(&index, &AllQuery).remove(0);
    assert_eq!(
        days.first().map(|b| b.value.as_str()),
        Some("1906-08-16T00:00:00Z")
    );
    assert_eq!(
        days.last().map(|b| b.value.as_str()),
        Some("2128-06-11T00:00:00Z")
    );
    // Every dated, live document is in exactly one day.
    assert_eq!(days.iter().map(|b| b.count).sum::<u64>(), DOCS - 2 - 1);
}

#[test]
fn a_type_column_counts_as_the_all_types_column_filtered_by_type() {
    let index = index();
    let facet = |entity_type: EntityType, limit: usize| {
        let counter = FacetCounter::new(
            vec![FacetSpec::Entity {
                limit,
                entity_type: entity_type as i32,
            }],
            index.facet_dicts(),
        );
        let tallies = index.searcher().search(&AllQuery, &counter).unwrap();
        counter.buckets(tallies, index.renames()).remove(0).1
    };
    let all = facet(EntityType::Unspecified, 1_000);
    for t in [EntityType::Person, EntityType::Org] {
        for limit in [1, 3, 1_000] {
            let expected: Vec<Bucket> = all
                .iter()
                .filter(|b| b.entity_type == t as i32)
                .take(limit)
                .cloned()
                .collect();
            assert!(!expected.is_empty(), "the test needs {t:?} entities");
            assert_eq!(facet(t, limit), expected, "{t:?} top {limit}");
        }
    }
}
