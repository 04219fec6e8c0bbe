//! The query core over documents and entities built by hand.

use std::collections::HashSet;

use dossier_proto::v1::EntityType;

use super::*;
use crate::dates::Interval;
use crate::facets::FacetSpec;
use crate::index::{Checkpoint, IndexOp};
use crate::model::DocEntity;
use crate::related::{cooccurrences, more_like_this};

const DAY: i64 = 86_400;
/// 2024-03-01T00:00:00Z.
const T0: i64 = 1_709_251_200;

fn entity(id: &str, name: &str, kind: EntityType, variants: &[&str]) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: name.into(),
        entity_type: kind as i32,
        variants: variants.iter().map(|v| v.to_string()).collect(),
    }
}

fn doc(
    seq: u64,
    source: &str,
    day: i64,
    title: &str,
    body: &str,
    entities: Vec<DocEntity>,
) -> IndexDoc {
    IndexDoc {
        id: format!("doc{seq:04}"),
        sequence: seq,
        title: title.into(),
        body: body.into(),
        source: source.into(),
        published_at: Some(T0 + day * DAY + 3600),
        language: if seq.is_multiple_of(2) {
            "en".into()
        } else {
            "fr".into()
        },
        labels: vec![format!("l{}", seq % 3)],
        entities,
        ..Default::default()
    }
}

fn add(index: &SearchIndex, docs: Vec<IndexDoc>) {
    let seq = docs.iter().map(|d| d.sequence).max().unwrap_or(0);
    index
        .apply(
            docs.into_iter()
                .map(|d| IndexOp::Upsert(Box::new(d)))
                .collect(),
        )
        .unwrap();
    index
        .commit(Checkpoint {
            sequence: seq,
            entity_sequence: 0,
        })
        .unwrap();
}

/// Four articles about one man spelled three ways, plus neighbours.
fn corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let gaddafi = |v: &[&str]| entity("e_gad", "Muammar Gaddafi", EntityType::Person, v);
    let libya = || entity("e_lby", "Libya", EntityType::Gpe, &["Libya"]);
    let nato = || entity("e_nato", "NATO", EntityType::Org, &["NATO"]);
    add(
        &index,
        vec![
            doc(
                1,
                "wire",
                0,
                "Gaddafi speaks in Tripoli",
                "Colonel Gaddafi addressed the crowd in Libya.",
                vec![gaddafi(&["Gaddafi"]), libya()],
            ),
            doc(
                2,
                "gazette",
                1,
                "Qaddafi warns NATO",
                "Qaddafi said NATO strikes must end. The minister agreed.",
                vec![gaddafi(&["Qaddafi"]), nato()],
            ),
            doc(
                3,
                "herald",
                40,
                "Kadhafi au pouvoir",
                "Le colonel Kadhafi et la Libye.",
                vec![gaddafi(&["Kadhafi"]), libya()],
            ),
            doc(
                4,
                "wire",
                41,
                "Harbour ferry delayed",
                "The ferry to the harbour was delayed by a storm, the minister said.",
                vec![],
            ),
            doc(
                5,
                "gazette",
                70,
                "Storm over the harbour",
                "A storm closed the harbour; ferry traffic stopped.",
                vec![nato()],
            ),
        ],
    );
    index
}

fn run(index: &SearchIndex, text: &str) -> Result<SearchPage> {
    let q = SearchQuery {
        text: text.into(),
        expand_entities: true,
        syntax: crate::query::Syntax::Strict,
        ..Default::default()
    };
    search(
        index,
        &q,
        &PageRequest {
            page_size: 50,
            ..Default::default()
        },
    )
}

fn ids(page: &SearchPage) -> Vec<String> {
    let mut ids: Vec<String> = page.hits.iter().map(|h| h.doc.id.clone()).collect();
    ids.sort();
    ids
}

fn seqs(index: &SearchIndex, text: &str) -> Vec<u64> {
    let page = run(index, text).unwrap();
    let mut s: Vec<u64> = page.hits.iter().map(|h| h.doc.sequence).collect();
    s.sort();
    s
}

#[test]
fn query_syntax_covers_tantivys_language() {
    let index = corpus();
    assert_eq!(seqs(&index, "ferry"), vec![4, 5]);
    assert_eq!(seqs(&index, "ferry storm"), vec![4, 5]);
    assert_eq!(seqs(&index, "ferry AND delayed"), vec![4]);
    assert_eq!(seqs(&index, "delayed OR closed"), vec![4, 5]);
    assert_eq!(seqs(&index, "harbour -delayed"), vec![5]);
    assert_eq!(seqs(&index, "harbour NOT delayed"), vec![5]);
    assert_eq!(seqs(&index, "\"ferry traffic\""), vec![5]);
    assert_eq!(seqs(&index, "\"storm harbour\"~2"), vec![5]);
    assert!(seqs(&index, "\"storm harbour\"").is_empty());
    assert_eq!(seqs(&index, "title:fery~1"), vec![4]);
    assert_eq!(seqs(&index, "title:storm"), vec![5]);
    assert_eq!(seqs(&index, "source:wire"), vec![1, 4]);
    assert_eq!(seqs(&index, "fery~1"), vec![4, 5]);
    assert_eq!(
        seqs(&index, "published_at:[2024-04-01T00:00:00Z TO *]"),
        vec![3, 4, 5]
    );
    assert_eq!(seqs(&index, "person:kadhafi"), vec![3]);
    assert_eq!(seqs(&index, ""), vec![1, 2, 3, 4, 5]);
    assert_eq!(seqs(&index, "-ferry"), vec![1, 2, 3]);
}

#[test]
fn bad_queries_say_what_and_where() {
    let index = corpus();
    let err = |q: &str| match run(&index, q) {
        Err(Error::InvalidQuery(m)) => m,
        other => panic!("{q:?} gave {:?}", other.map(|p| p.total_hits)),
    };
    assert!(
        err("nosuch:field").contains("unknown field \"nosuch\" at byte 0"),
        "{}",
        err("nosuch:field")
    );
    assert!(
        err("ferry AND (storm").contains("at byte"),
        "{}",
        err("ferry AND (storm")
    );
    assert!(err("\"unclosed phrase").contains("at byte"));
    assert!(err("published_at:[yesterday TO *]").contains("RFC 3339"));
    assert!(err("ferry~5").contains("at most 2"));
}

#[test]
fn entity_expansion_finds_other_spellings_and_says_which() {
    let index = corpus();
    let page = run(&index, "qaddafi").unwrap();
    assert_eq!(ids(&page), vec!["doc0001", "doc0002", "doc0003"]);
    let kadhafi = page.hits.iter().find(|h| h.doc.sequence == 3).unwrap();
    assert_eq!(kadhafi.matched_variants[0].variant, "Kadhafi");
    assert_eq!(kadhafi.matched_variants[0].query_term, "qaddafi");
    assert_eq!(
        kadhafi.matched_variants[0].canonical_name,
        "Muammar Gaddafi"
    );
    let exp = &page.expansions[0];
    assert_eq!(exp.entity_id, "e_gad");
    for v in ["Gaddafi", "Qaddafi", "Kadhafi", "Muammar Gaddafi"] {
        assert!(
            exp.variants.iter().any(|x| x == v),
            "{v} missing from {:?}",
            exp.variants
        );
    }
    // A multi-word alias as a phrase expands too.
    assert_eq!(seqs(&index, "\"Muammar Gaddafi\""), vec![1, 2, 3]);
    // Off: only the literal spelling.
    let q = SearchQuery {
        text: "qaddafi".into(),
        expand_entities: false,
        ..Default::default()
    };
    let plain = search(
        &index,
        &q,
        &PageRequest {
            page_size: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ids(&plain), vec!["doc0002"]);
    assert!(plain.expansions.is_empty());
    // entity:<id> whatever the spelling.
    assert_eq!(seqs(&index, "entity:e_gad"), vec![1, 2, 3]);
    assert_eq!(seqs(&index, "entity:e_gad AND entity:e_nato"), vec![2]);
}

#[test]
fn structured_filters_and_each_other() {
    let index = corpus();
    let count = |filter: Filter| {
        let q = SearchQuery {
            filter,
            ..Default::default()
        };
        search(
            &index,
            &q,
            &PageRequest {
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap()
        .total_hits
    };
    assert_eq!(
        count(Filter {
            sources: vec!["wire".into(), "herald".into()],
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        count(Filter {
            published_after: Some(T0 + DAY),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        count(Filter {
            published_before: Some(T0 + DAY + 3600),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(Filter {
            entity_ids: vec!["e_gad".into(), "e_lby".into()],
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(Filter {
            entity_types: vec![EntityType::Org as i32],
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(Filter {
            labels: vec!["l1".into()],
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(Filter {
            languages: vec!["en".into()],
            sources: vec!["gazette".into()],
            ..Default::default()
        }),
        1
    );
}

#[test]
fn facets_count_sources_labels_entities_and_dates() {
    let index = corpus();
    let page = PageRequest {
        page_size: 1,
        facets: vec![
            FacetSpec::Source { limit: 2 },
            FacetSpec::Entity {
                limit: 10,
                entity_type: EntityType::Person as i32,
            },
            FacetSpec::Entity {
                limit: 10,
                entity_type: 0,
            },
            FacetSpec::PublishedAt {
                interval: Interval::Month,
            },
            FacetSpec::Language { limit: 10 },
        ],
        ..Default::default()
    };
    let result = search(&index, &SearchQuery::default(), &page).unwrap();
    let f = &result.facets;
    let pairs = |i: usize| -> Vec<(String, u64)> {
        f[i].1.iter().map(|b| (b.value.clone(), b.count)).collect()
    };
    assert_eq!(pairs(0), vec![("gazette".into(), 2), ("wire".into(), 2)]);
    assert_eq!(pairs(1), vec![("e_gad".into(), 3)]);
    assert_eq!(f[1].1[0].display_name, "Muammar Gaddafi");
    assert_eq!(f[1].1[0].entity_type, EntityType::Person as i32);
    assert_eq!(pairs(2).len(), 3);
    assert_eq!(
        pairs(3),
        vec![
            ("2024-03-01T00:00:00Z".into(), 2),
            ("2024-04-01T00:00:00Z".into(), 2),
            ("2024-05-01T00:00:00Z".into(), 1)
        ]
    );
    assert_eq!(pairs(4), vec![("fr".into(), 3), ("en".into(), 2)]);
}

#[test]
fn highlights_mark_matched_bytes() {
    let index = corpus();
    let q = SearchQuery {
        text: "storm".into(),
        ..Default::default()
    };
    let page = PageRequest {
        page_size: 10,
        highlight: true,
        ..Default::default()
    };
    let result = search(&index, &q, &page).unwrap();
    let hit = result.hits.iter().find(|h| h.doc.sequence == 5).unwrap();
    assert!(hit.doc.body.is_empty(), "body only on request");
    for snippet in &hit.snippets {
        assert!(!snippet.highlights.is_empty());
        for (start, end) in &snippet.highlights {
            assert_eq!(
                snippet.fragment[*start as usize..*end as usize].to_lowercase(),
                "storm"
            );
        }
    }
    assert_eq!(
        hit.snippets.iter().map(|s| s.field).collect::<Vec<_>>(),
        vec!["title", "body"]
    );
}

/// Pages of 7 through 120 matches, adding (and deleting) documents between
/// pages: every original document comes exactly once.
#[test]
fn paging_returns_every_hit_once_while_indexing_continues() {
    let sorts = [Sort::Relevance, Sort::PublishedDesc, Sort::PublishedAsc];
    for (sort, count_up_to) in sorts.into_iter().flat_map(|s| [(s, None), (s, Some(5))]) {
        let index = SearchIndex::in_memory().unwrap();
        let body = |i: u64| "minister ".repeat(1 + (i % 5) as usize) + "report";
        add(
            &index,
            (1..=120)
                .map(|i| doc(i, "wire", (i % 9) as i64, "t", &body(i), vec![]))
                .collect(),
        );
        let q = SearchQuery {
            text: "minister".into(),
            sort,
            ..Default::default()
        };
        let mut token = String::new();
        let mut seen = HashSet::new();
        let mut next_seq = 1000;
        for _ in 0..100 {
            let page = search(
                &index,
                &q,
                &PageRequest {
                    page_size: 7,
                    page_token: token,
                    count_up_to,
                    ..Default::default()
                },
            )
            .unwrap();
            for hit in &page.hits {
                assert!(
                    seen.insert(hit.doc.sequence),
                    "{sort:?} {count_up_to:?}: {} twice",
                    hit.doc.sequence
                );
            }
            // Newer documents that match, and that would sort anywhere.
            add(
                &index,
                (0..3)
                    .map(|k| {
                        next_seq += 1;
                        doc(next_seq, "wire", k, "t", &body(next_seq), vec![])
                    })
                    .collect(),
            );
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let originals: HashSet<u64> = (1..=120).collect();
        assert!(
            originals.is_subset(&seen),
            "{sort:?} {count_up_to:?}: missing {:?}",
            originals.difference(&seen).collect::<Vec<_>>()
        );
    }
}

/// Every page of a query, `page_size` hits a page, in order: (id, score)
/// per hit, and the first page's count and whether it is a lower bound.
fn all_pages(
    index: &SearchIndex,
    text: &str,
    count_up_to: Option<u64>,
    page_size: usize,
) -> (Vec<(String, f32)>, u64, bool) {
    let q = SearchQuery {
        text: text.into(),
        syntax: crate::query::Syntax::Strict,
        ..Default::default()
    };
    let mut token = String::new();
    let mut hits = Vec::new();
    let mut first = None;
    loop {
        let page = search(
            index,
            &q,
            &PageRequest {
                page_size,
                page_token: token,
                count_up_to,
                ..Default::default()
            },
        )
        .unwrap();
        // Later pages report the first page's count.
        let counted = (page.total_hits, page.total_is_lower_bound);
        assert_eq!(*first.get_or_insert(counted), counted, "{text}");
        hits.extend(page.hits.iter().map(|h| (h.doc.id.clone(), h.score)));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let (total, lower_bound) = first.unwrap_or_default();
    (hits, total, lower_bound)
}

/// A page skips what cannot enter it, yet pages through the same hits with
/// the same scores as one page holding every match (which can prune
/// nothing), and counts exactly up to its bound, over several segments
/// with deleted documents, for single words, unions, intersections and
/// mixed queries.
#[test]
fn a_bounded_count_pages_the_same_hits_as_an_exact_one() {
    let index = SearchIndex::in_memory().unwrap();
    let words = ["minister", "harbour", "ferry", "strike"];
    // Documents with each word 0-4 times and bodies of varied length, so
    // scores differ and blocks have different maxima.
    let body = |i: u64| {
        let mut text = String::new();
        for (w, word) in words.iter().enumerate() {
            let times = (i / (w as u64 + 1) + w as u64) % 5;
            for _ in 0..times {
                text.push_str(word);
                text.push(' ');
            }
        }
        text + &"filler ".repeat((i % 13) as usize)
    };
    // Half the documents name one person, a quarter of them spelling the
    // name otherwise, and a quarter of the others use the word for
    // someone unlinked: a word expanded to the person is a union of a body
    // term and an entity term indexed without frequencies, both with full
    // posting blocks, and some matches have the entity term alone.
    let person = |i: u64| -> (&str, Vec<DocEntity>) {
        let linked = |spelling: &str| {
            vec![entity(
                "e_sha",
                "Yuri Shapovchuk",
                EntityType::Person,
                &[spelling],
            )]
        };
        match i % 8 {
            1 | 3 | 5 => ("Shapovchuk", linked("Shapovchuk")),
            7 => ("Chapovtchouk", linked("Chapovtchouk")),
            2 => ("Shapovchuk", vec![]),
            _ => ("", vec![]),
        }
    };
    for part in 0..4u64 {
        add(
            &index,
            (1..=300)
                .map(|i| part * 1000 + i)
                .map(|i| {
                    let (mention, entities) = person(i);
                    let text = format!("{} {mention}", body(i));
                    doc(i, "wire", (i % 9) as i64, "t", &text, entities)
                })
                .collect(),
        );
    }
    // Deleted documents in every segment.
    index
        .apply(
            (0..4u64)
                .flat_map(|part| (1..=300).step_by(7).map(move |i| part * 1000 + i))
                .map(|i| IndexOp::Delete(format!("doc{i:04}")))
                .collect(),
        )
        .unwrap();
    index
        .commit(Checkpoint {
            sequence: 5000,
            entity_sequence: 0,
        })
        .unwrap();
    for text in [
        "minister",
        "minister OR harbour OR ferry",
        "minister AND harbour AND ferry",
        "(minister OR harbour) AND ferry AND NOT strike",
        "shapovchuk",
        "(shapovchuk OR harbour) AND ferry",
        "shapovchuk AND minister",
    ] {
        let (unpruned, total, lower_bound) = all_pages(&index, text, None, 10_000);
        assert!(!lower_bound, "{text}");
        assert_eq!(total as usize, unpruned.len(), "{text}");
        assert!(unpruned.len() > 100, "{text}: {} hits", unpruned.len());
        let (exact, total, _) = all_pages(&index, text, None, 7);
        assert_eq!(total as usize, unpruned.len(), "{text}");
        assert_eq!(exact, unpruned, "{text}");
        let (bounded, bounded_total, bounded_lower) = all_pages(&index, text, Some(40), 7);
        assert_eq!(
            (bounded_total, bounded_lower),
            (40, true),
            "{text}: {} hits",
            exact.len()
        );
        assert_eq!(bounded, exact, "{text}");
        // Under the bound the count is exact.
        let (_, total, lower_bound) = all_pages(&index, text, Some(10_000), 7);
        assert_eq!(
            (total as usize, lower_bound),
            (exact.len(), false),
            "{text}"
        );
    }
}

/// Facets and date order need every match: their counts stay exact.
#[test]
fn facets_and_date_order_count_every_match_whatever_the_bound() {
    let index = SearchIndex::in_memory().unwrap();
    add(
        &index,
        (1..=200)
            .map(|i| doc(i, "wire", (i % 9) as i64, "t", "minister report", vec![]))
            .collect(),
    );
    let q = |sort| SearchQuery {
        text: "minister".into(),
        sort,
        ..Default::default()
    };
    let page = |facets: Vec<FacetSpec>| PageRequest {
        page_size: 5,
        facets,
        count_up_to: Some(10),
        ..Default::default()
    };
    let faceted = search(
        &index,
        &q(Sort::Relevance),
        &page(vec![FacetSpec::Source { limit: 5 }]),
    )
    .unwrap();
    assert_eq!(
        (faceted.total_hits, faceted.total_is_lower_bound),
        (200, false)
    );
    assert_eq!(faceted.facets[0].1[0].count, 200);
    let newest = search(&index, &q(Sort::PublishedDesc), &page(vec![])).unwrap();
    assert_eq!(
        (newest.total_hits, newest.total_is_lower_bound),
        (200, false)
    );
    let ranked = search(&index, &q(Sort::Relevance), &page(vec![])).unwrap();
    assert_eq!((ranked.total_hits, ranked.total_is_lower_bound), (10, true));
    assert_eq!(ranked.hits.len(), 5);
    // Counting facets apart from the ranking leaves the page as it is.
    let hits = |page: &SearchPage| -> Vec<(String, f32)> {
        page.hits
            .iter()
            .map(|h| (h.doc.id.clone(), h.score))
            .collect()
    };
    assert_eq!(hits(&faceted), hits(&ranked));
}

#[test]
fn page_tokens_from_elsewhere_are_rejected() {
    let index = corpus();
    let q = SearchQuery {
        text: "harbour".into(),
        ..Default::default()
    };
    let first = search(
        &index,
        &q,
        &PageRequest {
            page_size: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!first.next_page_token.is_empty());
    let other = SearchQuery {
        text: "ferry".into(),
        ..Default::default()
    };
    for (query, token) in [
        (&other, first.next_page_token.as_str()),
        (&q, "bm90LWEtdG9rZW4"),
        (&q, "%%%"),
    ] {
        let page = PageRequest {
            page_size: 1,
            page_token: token.into(),
            ..Default::default()
        };
        assert!(matches!(
            search(&index, query, &page),
            Err(Error::InvalidPageToken(_))
        ));
    }
}

#[test]
fn more_like_this_and_cooccurrences() {
    let index = corpus();
    let (hits, _) = more_like_this(&index, "doc0004", 5, &Filter::default()).unwrap();
    assert_eq!(hits[0].doc.id, "doc0005");
    assert!(hits.iter().all(|h| h.doc.id != "doc0004"));
    assert!(matches!(
        more_like_this(&index, "nope", 5, &Filter::default()),
        Err(Error::NotFound(_))
    ));

    let co = cooccurrences(&index, "e_gad", &[], 10, (None, None)).unwrap();
    assert_eq!(co.document_count, 3);
    assert_eq!(co.entity.display_name, "Muammar Gaddafi");
    let pairs: Vec<(&str, u64)> = co
        .others
        .iter()
        .map(|b| (b.value.as_str(), b.count))
        .collect();
    assert_eq!(pairs, vec![("e_lby", 2), ("e_nato", 1)]);
    let orgs = cooccurrences(&index, "e_gad", &[EntityType::Org as i32], 10, (None, None)).unwrap();
    assert_eq!(orgs.others.len(), 1);
    let march = cooccurrences(&index, "e_gad", &[], 10, (None, Some(T0 + 10 * DAY))).unwrap();
    assert_eq!(march.document_count, 2);
}

/// Names of several words, one of whose words is itself a known alias.
fn names_corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let shap = |v: &[&str]| entity("e_shap", "Yuri Shapovchuk", EntityType::Person, v);
    let junior = |v: &[&str]| entity("e_jr", "Yuri Shapovchuk Jr", EntityType::Person, v);
    let other = entity("e_ivanov", "Iouri Ivanov", EntityType::Person, &["Iouri"]);
    add(
        &index,
        vec![
            doc(
                10,
                "le-monde",
                0,
                "Kiev",
                "Iouri Chapovtchouk a parlé.",
                vec![shap(&["Iouri Chapovtchouk"])],
            ),
            doc(
                11,
                "wire",
                0,
                "Kyiv",
                "Yuri Shapovchuk spoke.",
                vec![shap(&["Yuri Shapovchuk"])],
            ),
            doc(
                12,
                "gazette",
                0,
                "Port",
                "Iouri met Chapovtchouk's cousin.",
                vec![other],
            ),
            doc(
                13,
                "le-monde",
                0,
                "Voile",
                "Iouri Chapovtchouk Junior navigue.",
                vec![junior(&["Iouri Chapovtchouk Junior"])],
            ),
            doc(
                14,
                "wire",
                0,
                "Sailing",
                "Young Shapovchuk Jr sails.",
                vec![junior(&["Shapovchuk Jr"])],
            ),
        ],
    );
    index
}

/// Expansions are remembered per searcher generation: a new spelling
/// indexed, or an entity renamed, shows in the next query, and a term first
/// looked up with no entity is looked up again once one is spelled so.
#[test]
fn remembered_expansions_follow_new_spellings_and_renames() {
    let index = corpus();
    let before = run(&index, "gadafy").unwrap();
    assert!(before.expansions.is_empty());
    assert!(before.hits.is_empty());
    let qaddafi = run(&index, "qaddafi").unwrap();
    assert!(!qaddafi.expansions[0].variants.iter().any(|v| v == "Gadafy"));
    add(
        &index,
        vec![doc(
            6,
            "courier",
            80,
            "Gadafy in the desert",
            "Gadafy spoke at a tent.",
            vec![entity(
                "e_gad",
                "Muammar Gaddafi",
                EntityType::Person,
                &["Gadafy"],
            )],
        )],
    );
    let after = run(&index, "gadafy").unwrap();
    assert_eq!(expanded_ids(&after), vec!["e_gad"]);
    assert_eq!(after.hits.len(), 4);
    let qaddafi = run(&index, "qaddafi").unwrap();
    assert!(qaddafi.expansions[0].variants.iter().any(|v| v == "Gadafy"));
    index
        .renames()
        .record([("e_gad", "Muammar al-Qaddafi", EntityType::Person as i32)])
        .unwrap();
    let renamed = run(&index, "qaddafi").unwrap();
    assert_eq!(renamed.expansions[0].canonical_name, "Muammar al-Qaddafi");
}

/// Document frequencies are remembered per searcher generation: a new
/// document counts in the next searcher, and an older searcher (one taken
/// before the reload) keeps its own count.
#[test]
fn remembered_document_frequencies_follow_the_searcher() {
    let index = corpus();
    let ferry = tantivy::Term::from_field_text(index.fields().body, "ferry");
    let older = index.searcher();
    assert_eq!(index.doc_freq(&older, &ferry).unwrap(), 2);
    add(
        &index,
        vec![doc(
            6,
            "courier",
            80,
            "Ferry back",
            "The ferry sailed.",
            vec![],
        )],
    );
    let newer = index.searcher();
    assert_eq!(index.doc_freq(&newer, &ferry).unwrap(), 3);
    assert_eq!(index.doc_freq(&older, &ferry).unwrap(), 2);
    assert_eq!(index.doc_freq(&newer, &ferry).unwrap(), 3);
}

fn expanded_ids(page: &SearchPage) -> Vec<&str> {
    page.expansions
        .iter()
        .map(|e| e.entity_id.as_str())
        .collect()
}

#[test]
fn unquoted_multi_word_names_expand_as_a_unit() {
    let index = names_corpus();
    let page = run(&index, "Iouri Chapovtchouk").unwrap();
    // The name's other spelling (11) is found; documents with both words
    // anywhere (12, 13) still match, as they did word by word.
    assert_eq!(ids(&page), vec!["doc0010", "doc0011", "doc0012", "doc0013"]);
    // Expanded as one name, not "Iouri" on its own (another man).
    assert_eq!(expanded_ids(&page), vec!["e_shap"]);
    assert_eq!(page.expansions[0].query_term, "Iouri Chapovtchouk");
    let yuri = page.hits.iter().find(|h| h.doc.sequence == 11).unwrap();
    assert_eq!(yuri.matched_variants[0].variant, "Yuri Shapovchuk");
    assert_eq!(yuri.matched_variants[0].query_term, "Iouri Chapovtchouk");

    // Longest known name first.
    let page = run(&index, "Iouri Chapovtchouk Junior").unwrap();
    assert_eq!(expanded_ids(&page), vec!["e_jr"]);
    assert_eq!(ids(&page), vec!["doc0013", "doc0014"]);

    // Around the name the query means what it meant: other words are
    // still required, and a name found later in the query counts too.
    assert_eq!(seqs(&index, "Iouri Chapovtchouk spoke"), vec![11]);
    assert_eq!(seqs(&index, "young Shapovchuk Jr"), vec![14]);
    assert_eq!(seqs(&index, "navigue Shapovchuk Jr"), vec![13]);
    let index = corpus();
    assert_eq!(seqs(&index, "Colonel Muammar Gaddafi"), vec![1, 3]);
    assert_eq!(seqs(&index, "muammar gaddafi"), vec![1, 2, 3]);
}

#[test]
fn only_bare_adjacent_words_make_a_name() {
    let index = names_corpus();
    // Marked words keep their own meaning, word by word.
    for query in [
        "Iouri +Chapovtchouk",
        "Iouri AND Chapovtchouk",
        "body:Iouri Chapovtchouk",
        "Iouri Chapovtchouk~1",
        "Iouri^2 Chapovtchouk",
    ] {
        let page = run(&index, query).unwrap();
        assert!(
            !expanded_ids(&page).contains(&"e_shap"),
            "{query}: {:?}",
            page.expansions
        );
    }
    assert_eq!(
        expanded_ids(&run(&index, "Iouri +Chapovtchouk").unwrap()),
        vec!["e_ivanov"]
    );
    // Not adjacent, or in the other order: no name.
    assert!(expanded_ids(&run(&index, "Chapovtchouk Iouri").unwrap()).contains(&"e_ivanov"));
    assert_eq!(seqs(&index, "Iouri cousin Chapovtchouk"), vec![12]);
    // Expansion off: the plain conjunction.
    let q = SearchQuery {
        text: "Iouri Chapovtchouk".into(),
        expand_entities: false,
        ..Default::default()
    };
    let page = search(
        &index,
        &q,
        &PageRequest {
            page_size: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ids(&page), vec!["doc0010", "doc0012", "doc0013"]);
}

/// Deleted and replaced versions stay in the term statistics until segments
/// merge, so a word can be in more documents than the index has. tantivy's
/// MoreLikeThis asserted that never happens and panicked.
#[test]
fn more_like_this_survives_deleted_and_reindexed_documents() {
    let index = SearchIndex::in_memory().unwrap();
    let note = |seq: u64, id: &str, body: &str| IndexDoc {
        id: id.into(),
        sequence: seq,
        title: "Ropewalk ledger".into(),
        body: body.into(),
        ..Default::default()
    };
    let mut seq = 0;
    let mut next = || {
        seq += 1;
        seq
    };
    add(
        &index,
        vec![
            note(next(), "filler1", "The harbour ferry waited out the storm."),
            note(next(), "filler2", "A storm closed the harbour."),
            note(next(), "gone", "Ropewalk hemp, ropewalk tar."),
        ],
    );
    // An edited note, re-indexed in ten commits: every old version is a
    // deleted document still counted by the words it shares with the rest.
    for version in 0..10 {
        add(
            &index,
            vec![note(
                next(),
                "note0",
                &format!("Ropewalk hemp ledger, entry {version}."),
            )],
        );
    }
    add(
        &index,
        vec![
            note(next(), "note0", "Ropewalk hemp ledger: schooner cordage."),
            note(
                next(),
                "note1",
                "Tarred schooner cordage from the ropewalk.",
            ),
        ],
    );
    index.apply(vec![IndexOp::Delete("gone".into())]).unwrap();
    index
        .commit(Checkpoint {
            sequence: next(),
            entity_sequence: 0,
        })
        .unwrap();
    assert!(index.searcher().num_docs() < 10);

    let (hits, total) = more_like_this(&index, "note0", 5, &Filter::default()).unwrap();
    // How many notes share a word with note0 depends on whether background
    // merges have dropped the old versions yet (their words count against
    // `max_doc_frequency` until then): only the best match is certain.
    assert!(total >= 1);
    assert_eq!(hits[0].doc.id, "note1");
    let (hits, _) = more_like_this(&index, "note1", 5, &Filter::default()).unwrap();
    assert_eq!(hits[0].doc.id, "note0");
}

#[test]
fn ids_that_cannot_exist_are_invalid_not_missing() {
    let index = corpus();
    let long = "x".repeat(10_000);
    for (id, says) in [
        ("", "required"),
        (long.as_str(), "at most 128 bytes"),
        ("doc\n1", "control"),
    ] {
        for result in [
            more_like_this(&index, id, 5, &Filter::default()).map(|_| ()),
            cooccurrences(&index, id, &[], 5, (None, None)).map(|_| ()),
        ] {
            match result {
                Err(Error::InvalidArgument { message, .. }) => {
                    assert!(message.contains(says), "{message}");
                    assert!(message.len() < 400, "{} bytes", message.len());
                }
                other => panic!("{id:.20}: {:?}", other.err()),
            }
        }
    }
}

#[test]
fn frozen_statistics_never_count_more_documents_with_a_term_than_documents() {
    use tantivy::query::Bm25StatisticsProvider;

    use crate::stats::{FreezingStats, FrozenStats};

    let index = SearchIndex::in_memory().unwrap();
    add(
        &index,
        (1..=3)
            .map(|seq| doc(seq, "wire", 0, "Harbour", "tariffs again", vec![]))
            .collect(),
    );
    let searcher = index.searcher();
    // A token frozen when the index held one document, as a first page's
    // token does before the index grows (or as a forged one claims).
    let frozen: FrozenStats = serde_json::from_str(r#"{"n":1}"#).unwrap();
    let stats = FreezingStats::new(&index, &searcher, frozen);
    let term = tantivy::Term::from_field_text(index.fields().body, "tariffs");
    assert_eq!(searcher.doc_freq(&term).unwrap(), 3);
    assert_eq!(stats.doc_freq(&term).unwrap(), 1);
}

/// Phrases answered from common grams match exactly the documents where the
/// words follow each other, as a phrase must, whichever plan answers them.
mod gram_phrases {
    use proptest::prelude::*;

    use super::*;
    use crate::grams::words;

    /// Common words ("the", "of", "a", "said") among rarer ones, so random
    /// texts hold every kind of pair.
    const WORDS: [&str; 8] = [
        "the", "of", "minister", "harbour", "a", "said", "ferry", "strike",
    ];

    fn text(picks: &[usize]) -> String {
        picks
            .iter()
            .map(|&i| WORDS[i])
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn contains_phrase(text: &str, phrase: &str) -> bool {
        let text: Vec<String> = words(text).into_iter().map(|t| t.text).collect();
        let phrase: Vec<String> = words(phrase).into_iter().map(|t| t.text).collect();
        text.windows(phrase.len()).any(|w| w == phrase.as_slice())
    }

    /// Up to 100 hits of `query`, highlighted, without entity expansion.
    fn highlighted(index: &SearchIndex, query: &str) -> SearchPage {
        search(
            index,
            &SearchQuery {
                text: query.into(),
                ..Default::default()
            },
            &PageRequest {
                page_size: 100,
                highlight: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    fn matching(index: &SearchIndex, query: &str) -> HashSet<String> {
        let page = highlighted(index, query);
        assert_eq!(page.total_hits as usize, page.hits.len(), "{query}");
        page.hits.into_iter().map(|h| h.doc.id).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn phrases_match_where_the_words_follow_each_other(
            texts in proptest::collection::vec(
                (proptest::collection::vec(0..WORDS.len(), 0..5),
                 proptest::collection::vec(0..WORDS.len(), 0..25)),
                1..15,
            ),
            phrases in proptest::collection::vec(
                proptest::collection::vec(0..WORDS.len(), 2..5),
                1..6,
            ),
        ) {
            let index = SearchIndex::in_memory().unwrap();
            let docs: Vec<IndexDoc> = texts
                .iter()
                .enumerate()
                .map(|(i, (title, body))| {
                    doc(i as u64 + 1, "wire", 0, &text(title), &text(body), vec![])
                })
                .collect();
            add(&index, docs.clone());
            for phrase in &phrases {
                let phrase = text(phrase);
                let in_title_or_body: HashSet<String> = docs
                    .iter()
                    .filter(|d| contains_phrase(&d.title, &phrase) || contains_phrase(&d.body, &phrase))
                    .map(|d| d.id.clone())
                    .collect();
                prop_assert_eq!(matching(&index, &format!("\"{phrase}\"")), in_title_or_body.clone());
                // `body:` reads the headline too (indexed as the body's
                // second value); `title:` the headline alone. A phrase never
                // runs from one into the other.
                prop_assert_eq!(
                    matching(&index, &format!("body:\"{phrase}\"")),
                    in_title_or_body
                );
                let in_title: HashSet<String> = docs
                    .iter()
                    .filter(|d| contains_phrase(&d.title, &phrase))
                    .map(|d| d.id.clone())
                    .collect();
                prop_assert_eq!(matching(&index, &format!("title:\"{phrase}\"")), in_title);
            }
        }
    }

    #[test]
    fn a_gram_phrase_highlights_its_words() {
        let index = SearchIndex::in_memory().unwrap();
        add(
            &index,
            vec![doc(
                1,
                "wire",
                0,
                "Ferry news",
                "A strike of the ferry crews, the minister said.",
                vec![],
            )],
        );
        for query in [
            "\"of the\"",
            "\"strike of the ferry\"",
            "\"the minister said\"",
        ] {
            let page = highlighted(&index, query);
            assert_eq!(page.total_hits, 1, "{query}");
            let body = page.hits[0]
                .snippets
                .iter()
                .find(|s| s.field == "body")
                .unwrap_or_else(|| panic!("{query}: no body snippet"));
            let marked: Vec<&str> = body
                .highlights
                .iter()
                .map(|&(s, e)| &body.fragment[s as usize..e as usize])
                .collect();
            let wanted = query.trim_matches('"');
            for word in wanted.split(' ') {
                assert!(
                    marked.iter().any(|m| m.eq_ignore_ascii_case(word)),
                    "{query}: {word} not marked in {marked:?}"
                );
            }
        }
    }
}

/// The block-max conjunction keeps the page tantivy's own unpruned scoring
/// finds: same documents and scores, for conjunctions of unions with
/// exclusions, entity terms and filters, over segments of thousands of
/// documents (many posting blocks) with deleted documents and average
/// lengths of their own.
/// Three segments of words of known shares (and deletions) for the
/// conjunction tests.
fn conjunction_corpus() -> SearchIndex {
    use rand::{Rng, SeedableRng};

    let index = SearchIndex::in_memory().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // Word i appears in a share of documents from 3% to 60%, 1-4 times,
    // in bodies of varied length. The segments' average lengths differ
    // (their skip data's block maxima assume their own).
    let shares = [0.6, 0.35, 0.2, 0.1, 0.05, 0.03, 0.003];
    let fillers = [0..12, 0..40, 10..90];
    let person = || entity("e_vos", "Anna Vos", EntityType::Person, &["Vos"]);
    for part in 0..3u64 {
        let filler = fillers[part as usize].clone();
        let docs = (1..=4_000u64)
            .map(|i| {
                let seq = part * 10_000 + i;
                let mut body = String::new();
                for (w, share) in shares.iter().enumerate() {
                    if rng.random_bool(*share) {
                        for _ in 0..rng.random_range(1..=4) {
                            body.push_str(&format!("w{w} "));
                        }
                    }
                }
                body.push_str(&"filler ".repeat(rng.random_range(filler.clone())));
                let entities = if rng.random_bool(0.05) {
                    vec![person()]
                } else {
                    vec![]
                };
                let source = if seq % 3 == 0 { "wire" } else { "daily" };
                let title = match seq % 7 {
                    0 => "w1 report",
                    1 => "w1",
                    _ => "t",
                };
                doc(seq, source, (seq % 9) as i64, title, &body, entities)
            })
            .collect();
        add(&index, docs);
    }
    index
        .apply(
            (0..3u64)
                .flat_map(|part| (1..=4_000).step_by(11).map(move |i| part * 10_000 + i))
                .map(|i| IndexOp::Delete(format!("doc{i:04}")))
                .collect(),
        )
        .unwrap();
    index
        .commit(Checkpoint {
            sequence: 50_000,
            entity_sequence: 0,
        })
        .unwrap();
    index
}

/// Word `w{n}` of the conjunction corpus' bodies.
fn corpus_word(fields: &crate::schema::Fields, n: usize) -> Box<dyn tantivy::query::Query> {
    Box::new(tantivy::query::TermQuery::new(
        Term::from_field_text(fields.body, &format!("w{n}")),
        tantivy::schema::IndexRecordOption::WithFreqsAndPositions,
    ))
}

/// A union of `queries`.
fn any_of(queries: Vec<Box<dyn tantivy::query::Query>>) -> Box<dyn tantivy::query::Query> {
    use tantivy::query::{BooleanQuery, Occur};
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// A boolean query of `clauses`.
fn all_of(
    clauses: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)>,
) -> Box<dyn tantivy::query::Query> {
    Box::new(tantivy::query::BooleanQuery::new(clauses))
}

/// Queries the conjunction runs (unions, phrases, filters, exclusions).
fn conjunction_queries(
    fields: &crate::schema::Fields,
) -> Vec<(&'static str, Box<dyn tantivy::query::Query>)> {
    use tantivy::query::{Occur, Query, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption};

    use crate::query::{ExactPhrase, FilterClause};

    let word = |w: usize| corpus_word(fields, w);
    let (any, all) = (any_of, all_of);
    let vos: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(fields.entity, "e_vos"),
        IndexRecordOption::WithFreqs,
    ));
    let wire: Box<dyn Query> = Box::new(FilterClause(Box::new(TermQuery::new(
        Term::from_field_text(fields.source, "wire"),
        IndexRecordOption::Basic,
    ))));
    // Words follow each other in a body ("w0 w0 w1 w3 ..."): "w0 w1" is in
    // it once when both are, "w0 w0" once less than w0 is.
    let phrase = |field: Field, words: &[&str]| -> Box<dyn Query> {
        Box::new(ExactPhrase::new(
            words
                .iter()
                .enumerate()
                .map(|(at, w)| (at, Term::from_field_text(field, w)))
                .collect(),
        ))
    };
    vec![
        (
            "\"w0 w1\", a lone phrase",
            phrase(fields.body, &["w0", "w1"]),
        ),
        (
            "\"w0 w0\", a word twice",
            phrase(fields.body, &["w0", "w0"]),
        ),
        (
            "\"w0 w1 w2\", three words",
            phrase(fields.body, &["w0", "w1", "w2"]),
        ),
        (
            "title:\"w1 report\" AND w0, a phrase of another field",
            all(vec![
                (Occur::Must, phrase(fields.title, &["w1", "report"])),
                (Occur::Must, word(0)),
            ]),
        ),
        (
            "(w3 OR w4) AND \"w0 w1\" AND NOT w5",
            all(vec![
                (Occur::Must, any(vec![word(3), word(4)])),
                (Occur::Must, phrase(fields.body, &["w0", "w1"])),
                (Occur::MustNot, word(5)),
            ]),
        ),
        (
            "\"w1 w2\" AND \"w0 w0\" filtered to wire",
            all(vec![
                (Occur::Must, phrase(fields.body, &["w1", "w2"])),
                (Occur::Must, phrase(fields.body, &["w0", "w0"])),
                (Occur::Must, wire.box_clone()),
            ]),
        ),
        (
            "(w3 OR w4) AND w0 AND NOT w2",
            all(vec![
                (Occur::Must, any(vec![word(3), word(4)])),
                (Occur::Must, word(0)),
                (Occur::MustNot, word(2)),
            ]),
        ),
        (
            "(w1 OR w5) AND (w0 OR w2)",
            all(vec![
                (Occur::Must, any(vec![word(1), word(5)])),
                (Occur::Must, any(vec![word(0), word(2)])),
            ]),
        ),
        (
            "(w4 OR entity e_vos) AND w1",
            all(vec![
                (Occur::Must, any(vec![word(4), vos.box_clone()])),
                (Occur::Must, word(1)),
            ]),
        ),
        (
            "w0 AND NOT w1",
            all(vec![(Occur::Must, word(0)), (Occur::MustNot, word(1))]),
        ),
        (
            "(w3 OR w4) AND w0 AND NOT w2, as the parser reads it",
            all(vec![
                (Occur::Must, any(vec![word(3), word(4)])),
                (Occur::Must, word(0)),
                (
                    Occur::Must,
                    all(vec![
                        (Occur::MustNot, word(2)),
                        (Occur::Must, Box::new(tantivy::query::AllQuery)),
                    ]),
                ),
            ]),
        ),
        (
            "(w0 OR w3) filtered to wire",
            all(vec![
                (Occur::Must, any(vec![word(0), word(3)])),
                (Occur::Must, wire.box_clone()),
            ]),
        ),
        ("w1, a lone term", word(1)),
        (
            "title:w1 OR w3, a field's term",
            any(vec![
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.title, "w1"),
                    IndexRecordOption::WithFreqsAndPositions,
                )),
                word(3),
            ]),
        ),
        ("w1 OR w4, a flat union", any(vec![word(1), word(4)])),
        (
            // A word expanded to an entity: tantivy cannot block-WAND a
            // union with a term without frequencies.
            "w2 OR entity e_vos",
            any(vec![word(2), vos.box_clone()]),
        ),
        (
            "(w2 OR entity e_vos) AND (w0 AND wire)",
            all(vec![
                (Occur::Must, any(vec![word(2), vos])),
                (
                    Occur::Must,
                    all(vec![(Occur::Must, word(0)), (Occur::Must, wire)]),
                ),
            ]),
        ),
    ]
}

#[test]
fn block_max_conjunctions_find_the_top_hits_unpruned_scoring_finds() {
    use tantivy::DocAddress;
    use tantivy::collector::TopDocs;
    use tantivy::query::{EnableScoring, Query};

    use crate::search::conjunction::{Ranking, prune_conjunctions};

    let index = conjunction_corpus();
    let fields = index.fields();
    let queries = conjunction_queries(fields);
    let searcher = index.searcher();
    for (name, query) in queries {
        let pruned = prune_conjunctions(fields, query.box_clone());
        assert!(
            pruned
                .downcast_ref::<super::conjunction::BlockMaxConjunction>()
                .is_some(),
            "{name}: not run as a block-max conjunction"
        );
        // Every live match scored, without pruning (tantivy's own pruning
        // of a lone term or a flat union can lose hits).
        let mut scored = Vec::new();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            weight
                .for_each(reader, &mut |doc, score| {
                    if reader
                        .alive_bitset()
                        .is_none_or(|alive| alive.is_alive(doc))
                    {
                        scored.push((score, DocAddress::new(ord as u32, doc)));
                    }
                })
                .unwrap();
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let unscored = query
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap();
        let ranking = Ranking::of(&*pruned, &searcher, &searcher)
            .unwrap()
            .expect("a conjunction's ranking");
        for limit in [1, 10, 50] {
            let top = TopDocs::with_limit(limit).order_by_score();
            // TopDocs runs `for_each_pruning`: the conjunction.
            let expected = &scored[..limit.min(scored.len())];
            assert_eq!(expected.len(), limit, "{name}");
            let found = searcher.search(&*pruned, &top).unwrap();
            assert_same_top(expected, &found, &format!("{name} top {limit}"));
            // Ranked from the matches a count found: all of them, or the
            // first half and a search past them.
            for (kept_share, complete) in [(1, true), (2, false), (0, false)] {
                let mut found: Vec<(Score, DocAddress)> = Vec::new();
                for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                    let alive = |doc: tantivy::DocId| {
                        reader
                            .alive_bitset()
                            .is_none_or(|alive| alive.is_alive(doc))
                    };
                    let mut counted = Vec::new();
                    unscored
                        .for_each_no_score(reader, &mut |docs| {
                            counted.extend(docs.iter().filter(|&&doc| alive(doc)))
                        })
                        .unwrap();
                    let kept = match kept_share {
                        0 => 0,
                        share => counted.len() / share,
                    };
                    let threshold = |found: &[(Score, DocAddress)]| match found.get(limit - 1) {
                        Some((score, _)) => *score,
                        None => Score::MIN,
                    };
                    ranking
                        .rank(
                            reader,
                            &counted[..kept],
                            complete,
                            threshold(&found),
                            &mut |doc, score| {
                                if alive(doc) {
                                    found.push((score, DocAddress::new(ord as u32, doc)));
                                    found.sort_by(|a, b| b.0.total_cmp(&a.0));
                                    found.truncate(limit);
                                }
                                threshold(&found)
                            },
                        )
                        .unwrap();
                }
                let kept = ["none", "all", "half"][kept_share];
                let label = format!("{name} top {limit}, {kept} of the count kept");
                assert_same_top(expected, &found, &label);
            }
        }
    }
}

#[test]
fn a_count_by_bits_finds_the_matches_tantivy_finds() {
    use tantivy::query::{EnableScoring, Occur, Query, Weight};
    use tantivy::{DocSet, TERMINATED};

    use crate::query::{ExactPhrase, Excluded};
    use crate::search::conjunction::prune_conjunctions;

    let index = conjunction_corpus();
    let fields = index.fields();
    let word = |w: usize| corpus_word(fields, w);
    let (any, all) = (any_of, all_of);
    let mut queries = conjunction_queries(fields);
    // w6 is in a dozen documents a segment, w0 OR w1 in most: that union
    // is asked about w6's documents instead of being read whole.
    queries.extend([
        (
            "w6 AND (w0 OR w1), a common union probed",
            all(vec![
                (Occur::Must, word(6)),
                (Occur::Must, any(vec![word(0), word(1)])),
            ]),
        ),
        (
            "(w5 OR w6) AND NOT (w0 OR w1), an excluded union probed",
            all(vec![
                (Occur::Must, any(vec![word(5), word(6)])),
                (Occur::MustNot, any(vec![word(0), word(1)])),
            ]),
        ),
        (
            "(w3 OR w4) AND NOT w2, excluded as the parser guards it",
            all(vec![
                (Occur::Must, any(vec![word(3), word(4)])),
                (Occur::MustNot, Box::new(Excluded(word(2)))),
            ]),
        ),
        (
            "(w4 OR w5) AND NOT \"w0 w1\", an excluded phrase (guarded)",
            all(vec![
                (Occur::Must, any(vec![word(4), word(5)])),
                (
                    Occur::MustNot,
                    Box::new(Excluded(Box::new(ExactPhrase::new(vec![
                        (0, Term::from_field_text(fields.body, "w0")),
                        (1, Term::from_field_text(fields.body, "w1")),
                    ])))),
                ),
            ]),
        ),
        (
            "w6 AND w5, two rare words",
            all(vec![(Occur::Must, word(6)), (Occur::Must, word(5))]),
        ),
    ]);
    let searcher = index.searcher();
    let unscored = EnableScoring::disabled_from_searcher(&searcher);
    for (name, query) in queries {
        let pruned = prune_conjunctions(fields, query.box_clone());
        let counter = pruned.weight(unscored).unwrap();
        let tantivy = query.weight(unscored).unwrap();
        for reader in searcher.segment_readers() {
            let matches = |weight: &dyn Weight| {
                let mut docs = Vec::new();
                weight
                    .for_each_no_score(reader, &mut |block| docs.extend_from_slice(block))
                    .unwrap();
                docs
            };
            let expected = matches(&*tantivy);
            assert_eq!(matches(&*counter), expected, "{name}");
            assert_eq!(
                counter.count(reader).unwrap(),
                tantivy.count(reader).unwrap(),
                "{name}: live matches"
            );
            // Seeks land where tantivy's do, from every kind of start.
            let mut ours = counter.scorer(reader, 1.0).unwrap();
            let mut theirs = tantivy.scorer(reader, 1.0).unwrap();
            for target in (0..reader.max_doc() + 70).step_by(37) {
                if ours.doc() >= target && theirs.doc() >= target {
                    continue;
                }
                assert_eq!(
                    ours.seek(target),
                    theirs.seek(target),
                    "{name}: seek {target}"
                );
            }
            assert_eq!(ours.seek(TERMINATED), TERMINATED);
        }
    }
}

/// `found` holds the hits of `expected` (scores within rounding; ties at
/// the page's edge may keep either document).
fn assert_same_top(
    expected: &[(Score, tantivy::DocAddress)],
    found: &[(Score, tantivy::DocAddress)],
    label: &str,
) {
    assert_eq!(found.len(), expected.len(), "{label}");
    let last = expected[expected.len() - 1].0;
    for (i, ((want, _), (got, _))) in expected.iter().zip(found).enumerate() {
        assert!(
            (want - got).abs() <= 1e-4 * want.abs().max(1.0),
            "{label}, hit {i}: score {got} for {want}"
        );
    }
    let found_docs: HashSet<_> = found.iter().map(|(_, doc)| *doc).collect();
    for (want, doc) in expected {
        if *want > last + 1e-4 {
            assert!(found_docs.contains(doc), "{label}: {doc:?} lost");
        }
    }
}

/// A union's term that a window requires (no match without it could beat
/// the page there) is not required past the window. Here "Anna Vos" (an
/// entity term of `ferry OR entity`) fills the page, then is required in
/// the window of her article 3000, whose "ferry" articles all score low;
/// her next article is 8000. The article at 7000, in a later block of
/// "ferry" that says it ten times in a short body, tops the page and must
/// not be passed over on the way to 8000.
#[test]
fn a_term_required_in_one_window_is_not_required_past_it() {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use crate::search::conjunction::prune_conjunctions;

    let index = SearchIndex::in_memory().unwrap();
    let vos = || entity("e_vos", "Anna Vos", EntityType::Person, &["Vos"]);
    let other = || entity("e_other", "Other One", EntityType::Person, &["One"]);
    let sand = |words: usize| "sand ".repeat(words);
    let docs = (0..10_000u64)
        .map(|n| {
            let body = match n {
                7000 => format!("{}tide", "ferry ".repeat(10)),
                n if n % 50 == 0 => format!("ferry tide {}", sand(200)),
                _ => format!("tide {}", sand(20)),
            };
            let named = n < 10 || n == 3000 || n == 8000;
            let entities = vec![if named { vos() } else { other() }];
            doc(n, "daily", 0, "t", &body, entities)
        })
        .collect();
    add(&index, docs);
    let searcher = index.searcher();
    assert_eq!(searcher.segment_readers().len(), 1);
    let fields = index.fields();
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    let query: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, term(fields.body, "ferry")),
                (Occur::Should, term(fields.entity, "e_vos")),
            ])),
        ),
        (Occur::Must, term(fields.body, "tide")),
    ]));
    let pruned = prune_conjunctions(fields, query.box_clone());
    assert!(
        pruned
            .downcast_ref::<super::conjunction::BlockMaxConjunction>()
            .is_some()
    );
    let top = TopDocs::with_limit(3).order_by_score();
    let expected = searcher.search(&*query, &top).unwrap();
    let found = searcher.search(&*pruned, &top).unwrap();
    assert_eq!(
        expected[0].1.doc_id, 7000,
        "the ferry article tops the page"
    );
    assert_eq!(found[0], expected[0], "found {found:?}");
}
