//! The lenient reading, text to text.

use proptest::prelude::*;

use super::*;
use crate::query::depth::parse_bounded;

const FIELDS: [&str; 8] = [
    "title",
    "body",
    "source",
    "person",
    "entity",
    "published_at",
    "seq",
    "labels",
];

fn is_field(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    FIELDS.contains(&lower.as_str()).then_some(lower)
}

fn read(typed: &str) -> String {
    repair(typed, &is_field).text
}

fn kinds(typed: &str) -> Vec<NoteKind> {
    repair(typed, &is_field)
        .notes
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

#[test]
fn well_formed_queries_keep_their_meaning() {
    for q in [
        "ferry",
        "ferry AND storm",
        "ferry OR storm",
        "ferry NOT storm",
        "-ferry storm",
        "+ferry storm",
        "(ferry OR storm) AND harbour",
        "title:ferry",
        "title:\"ferry storm\"",
        "\"ferry storm\"~2",
        "ferry^2",
        "ferry~1",
        "harb*",
        "published_at:[2024-01-01T00:00:00Z TO *]",
        "entity:ent_01",
        "-title:(ferry OR storm)",
        "source:northstar-wire",
        "person:*",
    ] {
        assert_eq!(read(q), q, "{q}");
        assert!(kinds(q).is_empty(), "{q}: {:?}", kinds(q));
    }
}

#[test]
fn what_people_type_is_repaired() {
    for (typed, expected) in [
        ("Putin's", "Putin"),
        ("Putin’s visit", "Putin visit"),
        ("don't", "\"don't\""),
        ("U.S.-China", "\"U.S\" China"),
        ("Minsk - Beijing", "Minsk Beijing"),
        ("OR", "or"),
        ("NOT", "not"),
        ("Xi^", "Xi"),
        ("title:", ""),
        ("title: ferry", "title:ferry"),
        ("Title:ferry", "title:ferry"),
        ("Putin: the war", "Putin the war"),
        ("\"state visit", "\"state visit\""),
        ("Xi (China", "Xi (China)"),
        ("Xi China)", "Xi China"),
        ("[Belarus]", "Belarus"),
        ("ferry AND", "ferry"),
        ("AND ferry", "ferry"),
        ("ferry AND OR storm", "ferry OR storm"),
        ("ferry NOT NOT storm", "ferry NOT storm"),
        ("()", ""),
        ("(ferry) ()", "(ferry)"),
        ("🙂", ""),
        ("ferry 🙂", "ferry"),
        ("“state visit”", "\"state visit\""),
        ("-U.S.-China", "-(\"U.S\" China)"),
        ("ferry~9", "ferry~2"),
        (
            "published_at:[2024-01-01T00:00:00Z TO *",
            "published_at:[2024-01-01T00:00:00Z TO *]",
        ),
        ("published_at:[yesterday", "yesterday"),
        ("a ]", "a"),
        ("NOT -ferry", "NOT ferry"),
    ] {
        assert_eq!(read(typed), expected, "{typed}");
    }
    assert_eq!(kinds("Putin's"), vec![NoteKind::Possessive]);
    assert_eq!(kinds("\"open"), vec![NoteKind::Closed]);
    assert_eq!(kinds("Putin: war"), vec![NoteKind::NotAField]);
}

#[test]
fn deep_nesting_is_flattened() {
    let deep = format!("{}a{}", "(".repeat(1000), ")".repeat(1000));
    let r = repair(&deep, &is_field);
    assert!(parse_bounded(&r.text).is_ok(), "{}", &r.text[..40]);
    assert!(r.notes.iter().any(|n| n.kind == NoteKind::Flattened));
    let nots = format!("{}a", "NOT (".repeat(500));
    assert!(parse_bounded(&read(&nots)).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever is typed, the reading (or its last resort) parses.
    #[test]
    fn every_reading_parses(text in prop_oneof![
        ".{0,60}",
        r#"[a-zA-Z0-9 :"“”'’()\[\]{}~*^+\-!.,\\/&|]{0,80}"#,
        proptest::collection::vec(
            prop_oneof![
                Just("title:"), Just("published_at:"), Just("AND "), Just("OR "),
                Just("NOT "), Just("("), Just(")"), Just("\""), Just("'s"), Just("-"),
                Just("^"), Just("~"), Just("*"), Just("["), Just("]"), Just(" TO "),
                Just("Putin"), Just(" "), Just("🙂"), Just("Юрій"), Just(":"),
            ],
            0..40,
        ).prop_map(|parts| parts.concat()),
    ]) {
        let r = repair(&text, &is_field);
        let ok = r.text.is_empty() || matches!(
            parse_bounded(&r.text),
            Ok(p) if p.errors.is_empty() && p.strict_ok
        );
        if !ok {
            let plain = plain_words(&text);
            prop_assert!(
                plain.is_empty() || parse_bounded(&plain).is_ok_and(|p| p.strict_ok),
                "{text:?} → {:?}", r.text
            );
        }
    }
}

/// Pieces people type, and pieces that stress the parser, for long inputs.
fn typed_pieces() -> impl Strategy<Value = String> {
    let piece = concat!(
        r#"(title:|published_at:\[| TO |\]|AND |OR |NOT |\(|\)|"|“|'s |’|-|\^|~9|\*|\[|\{|"#,
        r#"Putin | |🙂|Юрій |:|\\|entity:|person:\*|seq:|2024-01-01T00:00:00Z|.{1,8})"#,
    );
    let pattern = format!("{piece}{{0,3000}}");
    let pieces = proptest::string::string_regex(&pattern).expect("a valid pattern");
    pieces.prop_map(|mut text| {
        let mut end = text.len().min(10_000);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any string up to 10,000 bytes is a query in the lenient syntax that
    /// runs: never an error, never a panic.
    #[test]
    fn any_text_up_to_10k_is_a_query(text in prop_oneof![".{0,2500}", typed_pieces()]) {
        use crate::index::SearchIndex;
        use crate::query::{Syntax, parse_as};

        prop_assume!(text.len() <= 10_000);
        let index = SearchIndex::in_memory().unwrap();
        let searcher = index.searcher();
        let parsed = parse_as(&index, &searcher, &text, true, Syntax::Lenient);
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        searcher.search(&*parsed.query, &tantivy::collector::Count).unwrap();
    }
}
