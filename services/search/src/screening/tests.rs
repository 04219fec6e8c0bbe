//! Search's half of screening over articles built by hand.

use dossier_proto::v1::EntityType;

use super::*;
use crate::index::{Checkpoint, IndexOp, SearchIndex};
use crate::model::{DocEntity, IndexDoc};

const DAY: i64 = 86_400;
const T0: i64 = 1_772_409_600;

fn person(id: &str, name: &str, spelling: &str) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: name.into(),
        entity_type: EntityType::Person as i32,
        variants: vec![spelling.into()],
    }
}

fn article(seq: u64, body: &str, entities: Vec<DocEntity>) -> IndexDoc {
    IndexDoc {
        id: format!("doc{seq}"),
        sequence: seq,
        title: format!("Headline {seq}"),
        body: body.into(),
        source: if seq.is_multiple_of(2) {
            "wire"
        } else {
            "gazette"
        }
        .into(),
        published_at: Some(T0 + seq as i64 * DAY),
        language: "en".into(),
        entities,
        ..Default::default()
    }
}

/// Hrytsenko in three articles (one naming Ukraine), Hrytsenko's namesake
/// in one, an entity the registry knows with no article left.
fn corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let ops = vec![
        article(
            1,
            "Oleksii Hrytsenko arrived in Istanbul for the talks.",
            vec![person("e_h", "Oleksii Hrytsenko", "Oleksii Hrytsenko")],
        ),
        article(
            2,
            "Gritsenko said the mines were cleared off Ukraine.",
            vec![person("e_h", "Oleksii Hrytsenko", "Gritsenko")],
        ),
        article(
            3,
            "Hryzenko left on Friday.",
            vec![person("e_h", "Oleksii Hrytsenko", "Hryzenko")],
        ),
        article(
            4,
            "Andrii Hrytsenko, a footballer, scored twice.",
            vec![person("e_a", "Andrii Hrytsenko", "Andrii Hrytsenko")],
        ),
    ]
    .into_iter()
    .map(|d| IndexOp::Upsert(Box::new(d)))
    .collect();
    index.apply(ops).unwrap();
    index
        .commit(Checkpoint {
            sequence: 4,
            entity_sequence: 0,
        })
        .unwrap();
    index
}

fn candidate(id: &str, score: f32) -> Candidate {
    Candidate {
        entity_id: id.into(),
        canonical_name: id.into(),
        entity_type: EntityType::Person as i32,
        score,
        matched_spellings: vec![],
        explanation: "surname = surname".into(),
    }
}

fn name(country: &str) -> ScreenName {
    ScreenName {
        name: "Aleksei Gritsenko".into(),
        entity_type: EntityType::Person as i32,
        country: country.into(),
        aliases: vec![],
    }
}

#[test]
fn matches_carry_their_articles_newest_first() {
    let index = corpus();
    let options = ScreenOptions::from_request(0.0, 0, 2).unwrap();
    let got = gather(
        &index,
        &name(""),
        vec![candidate("e_h", 0.95), candidate("e_gone", 0.99)],
        &options,
    )
    .unwrap();
    assert_eq!(got.len(), 1, "an entity no article names is left out");
    assert_eq!(got[0].document_count, 3);
    let ids: Vec<&str> = got[0]
        .evidence
        .iter()
        .map(|e| e.document_id.as_str())
        .collect();
    assert_eq!(ids, vec!["doc3", "doc2"]);
    let snippet = got[0].evidence[0].snippet.as_ref().unwrap();
    let (a, b) = snippet.highlights[0];
    assert_eq!(
        &snippet.fragment[a as usize..b as usize],
        "Hryzenko",
        "the spelling this article used"
    );
}

#[test]
fn threshold_type_and_count_limits() {
    let index = corpus();
    let options = ScreenOptions::from_request(0.9, 1, 1).unwrap();
    let got = gather(
        &index,
        &name(""),
        vec![candidate("e_a", 0.86), candidate("e_h", 0.95)],
        &options,
    )
    .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].candidate.entity_id, "e_h");
    // Extraction judged the type (a cross-type match comes explained):
    // search keeps what it sent.
    let mut org = name("");
    org.entity_type = EntityType::Org as i32;
    assert_eq!(
        gather(&index, &org, vec![candidate("e_h", 0.95)], &options)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_country_keeps_the_entities_named_with_it() {
    let index = corpus();
    let options = ScreenOptions::from_request(0.0, 0, 0).unwrap();
    let both = vec![candidate("e_h", 0.9), candidate("e_a", 0.9)];
    let got = gather(&index, &name("Ukraine"), both.clone(), &options).unwrap();
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .candidate
            .explanation
            .contains("named with Ukraine in 1 articles"),
        "{:?}",
        got[0].candidate.explanation
    );
    for code in ["UA", "UKR", "ukraine"] {
        let got = gather(&index, &name(code), both.clone(), &options).unwrap();
        assert_eq!(got.len(), 1, "{code}");
        assert!(
            got[0]
                .candidate
                .explanation
                .contains("named with Ukraine in 1 articles"),
            "{code}: {:?}",
            got[0].candidate.explanation
        );
    }
    let got = gather(&index, &name("Peru"), both, &options).unwrap();
    assert_eq!(
        got.len(),
        2,
        "no candidate named with the country: all kept, and said so"
    );
    assert!(
        got[0]
            .candidate
            .explanation
            .contains("no article names it with Peru")
    );
}

#[test]
fn bad_requests_say_what_to_fix() {
    assert!(ScreenOptions::from_request(1.5, 0, 0).is_err());
    assert!(ScreenOptions::from_request(f32::NAN, 0, 0).is_err());
    assert!(ScreenOptions::from_request(0.5, 0, 21).is_err());
    let options = ScreenOptions::from_request(0.0, 0, 0).unwrap();
    assert_eq!(
        (options.min_score, options.max_matches, options.evidence),
        (DEFAULT_MIN_SCORE, 5, 3)
    );
    assert!(validate(&[], 10).is_err());
    let err = validate(&[name(""), ScreenName::default()], 10)
        .unwrap_err()
        .to_string();
    assert!(err.contains("names[1].name is empty"), "{err}");
    assert!(
        validate(&vec![name(""); 11], 10)
            .unwrap_err()
            .to_string()
            .contains("--max-screen-names")
    );
    let mut empty_alias = name("");
    empty_alias.aliases = vec!["Gritsenko".into(), " ".into()];
    assert!(
        validate(&[empty_alias], 10)
            .unwrap_err()
            .to_string()
            .contains("names[0].aliases[1] is empty")
    );
    let mut date = name("");
    date.entity_type = EntityType::Date as i32;
    assert!(
        validate(&[date], 10)
            .unwrap_err()
            .to_string()
            .contains("value type")
    );
    let mut long = name("");
    long.aliases = vec!["x".repeat(MAX_NAME_BYTES + 1)];
    assert!(validate(&[long], 10).is_err());
}

#[test]
fn snippets_cut_on_char_boundaries() {
    let text = format!("{}Hryćenko{}", "ż".repeat(150), "ł".repeat(150));
    let s = snippet_around(&text, &["Hryćenko"]).unwrap();
    let (a, b) = s.highlights[0];
    assert_eq!(&s.fragment[a as usize..b as usize], "Hryćenko");
    assert_eq!(
        s.fragment.chars().count(),
        2 * CONTEXT_CHARS + "Hryćenko".chars().count()
    );
    assert!(snippet_around("nothing here", &["Hryćenko"]).is_none());
}
