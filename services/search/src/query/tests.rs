use proptest::prelude::*;

use super::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever a user types, the answer is a query or INVALID_ARGUMENT,
    /// never a panic or another error.
    #[test]
    fn any_input_parses_or_is_an_invalid_query(
        text in prop_oneof![
            r#"[a-z0-9 :"()\[\]{}~*^+\-!.,'\\/&|]{0,40}"#,
            proptest::collection::vec(
                prop_oneof![
                    Just("title:"), Just("published_at:"), Just("entity:"), Just("seq:"),
                    Just("person:"), Just("["), Just(" TO "), Just("]"), Just("*"),
                    Just("2024-01-01T00:00:00Z"), Just("\""), Just("~9"), Just("~1"),
                    Just("AND "), Just("OR "), Just("NOT "), Just("-"), Just("+"),
                    Just("("), Just(")"), Just("^2"), Just("word"), Just("Ünïcødé"),
                    Just(" "),
                ],
                0..12,
            ).prop_map(|parts| parts.concat()),
            // Long runs of one construct: nesting, operator and quote
            // chains, boosts (the grammar recurses on `(` and `NOT`).
            (
                prop_oneof![
                    Just("("), Just("NOT "), Just("-"), Just("+"), Just("^2"),
                    Just("\""), Just("'"), Just("title:("), Just("( \")\" "),
                    Just("a "), Just(")"), Just("~1"), Just("*"), Just("\\"),
                ],
                1usize..2_000,
                r#"[a-z()"]{0,3}"#,
            ).prop_map(|(unit, n, tail)| format!("{}{tail}", unit.repeat(n))),
        ]
    ) {
        let index = SearchIndex::in_memory().unwrap();
        let searcher = index.searcher();
        match parse(&index, &searcher, &text, true) {
            Ok(parsed) => { searcher.search(&*parsed.query, &tantivy::collector::Count).unwrap(); }
            Err(Error::InvalidQuery(message)) => prop_assert!(!message.is_empty()),
            Err(other) => prop_assert!(false, "{text:?} gave {other}"),
        }
    }
}

/// Every query the grammar could not hold on a 2 MB stack, through the
/// whole of `parse`: a clear INVALID_ARGUMENT, no stack overflow.
#[test]
fn deeply_nested_queries_are_invalid_not_a_crash() {
    let index = SearchIndex::in_memory().unwrap();
    let searcher = index.searcher();
    let deep = [
        format!("{}a{}", "(".repeat(1000), ")".repeat(1000)),
        format!("{}a", "(".repeat(4096)),
        format!("{}a", "NOT ".repeat(1000)),
        format!("{}a", "+(-(".repeat(500)),
        format!("{}a{}", "title:(".repeat(600), ")".repeat(600)),
        format!("{}a", "( \")\" ".repeat(800)),
    ];
    for text in deep {
        match parse(&index, &searcher, &text, true) {
            Err(Error::InvalidQuery(m)) => {
                assert!(m.contains("at most 32 levels"), "{m}");
                assert!(m.len() < 300, "{m}");
            }
            Err(other) => panic!("{} gave {other}", &text[..40]),
            Ok(_) => panic!("{} was accepted", &text[..40]),
        }
    }
    let ok = format!(
        "{}a b{}",
        "(".repeat(depth::MAX_NESTING - 1),
        ")".repeat(31)
    );
    let parsed = parse(&index, &searcher, &ok, true).unwrap();
    searcher
        .search(&*parsed.query, &tantivy::collector::Count)
        .unwrap();
}

#[test]
fn long_flat_queries_parse_or_are_invalid() {
    let index = SearchIndex::in_memory().unwrap();
    let searcher = index.searcher();
    for unit in [
        "-", "+", "\"", "'", "^2", "~2", "a ", "a OR ", "NOT a ", "(a) ", "é",
    ] {
        for text in [unit.repeat(10_000), format!("a{}", unit.repeat(5_000))] {
            match parse(&index, &searcher, &text, true) {
                Ok(parsed) => {
                    searcher
                        .search(&*parsed.query, &tantivy::collector::Count)
                        .unwrap();
                }
                Err(Error::InvalidQuery(m)) => assert!(m.len() < 300, "{m}"),
                Err(other) => panic!("{unit:?}: {other}"),
            }
        }
    }
}

/// Found by the `query` fuzz target (`-S\0S` and a date filter): an
/// excluded phrase with no match in a segment tripped an assertion in
/// tantivy's phrase scorer.
#[test]
fn excluded_phrases_without_a_match_run() {
    use crate::index::{Checkpoint, IndexOp};
    use crate::model::IndexDoc;

    let index = SearchIndex::in_memory().unwrap();
    let docs = ["Gaddafi's son agreed", "The ferry's crew", "A storm"]
        .iter()
        .enumerate()
        .map(|(i, body)| {
            IndexOp::Upsert(Box::new(IndexDoc {
                id: format!("doc{i}"),
                sequence: i as u64 + 1,
                body: body.to_string(),
                published_at: Some(1_709_251_200),
                ..Default::default()
            }))
        })
        .collect();
    index.apply(docs).unwrap();
    index
        .commit(Checkpoint {
            sequence: 3,
            entity_sequence: 0,
        })
        .unwrap();
    let searcher = index.searcher();
    let filter = Filter {
        published_after: Some(236),
        ..Filter::default()
    };
    for (text, expected) in [
        ("-S\0S", 3),
        ("-\"s s\"", 3),
        ("storm -\"s s\"", 1),
        ("NOT \"ferry s crew\"", 2),
        ("-\"ferry s crew\"", 2),
    ] {
        let parsed = parse(&index, &searcher, text, true).unwrap();
        let full = filter_query(index.fields(), parsed.query, &filter);
        let count = searcher.search(&*full, &tantivy::collector::Count).unwrap();
        assert_eq!(count, expected, "{text}");
    }
}

#[test]
fn exists_on_a_field_without_a_column_is_an_invalid_query() {
    let index = SearchIndex::in_memory().unwrap();
    let searcher = index.searcher();
    match parse(&index, &searcher, "person:*", true) {
        Err(Error::InvalidQuery(message)) => assert!(message.contains("person"), "{message}"),
        Err(other) => panic!("person:* gave {other}"),
        Ok(_) => panic!("person:* was accepted but cannot run"),
    }
    let parsed = parse(&index, &searcher, "entity:*", true).unwrap();
    searcher
        .search(&*parsed.query, &tantivy::collector::Count)
        .unwrap();
}

#[test]
fn fuzzy_suffixes_split_only_on_digits() {
    assert_eq!(split_fuzzy("word~2"), Some(("word", 2)));
    assert_eq!(split_fuzzy("word~"), None);
    assert_eq!(split_fuzzy("~2"), None);
    assert_eq!(split_fuzzy("a~b"), None);
}
