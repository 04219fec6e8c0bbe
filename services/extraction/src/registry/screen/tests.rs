use super::*;
use crate::EntityType;
use crate::link::{DocumentMeta, NameMention};

const P: EntityType = EntityType::Person;
const O: EntityType = EntityType::Org;

/// A registry where each document names the given entities (one mention
/// each), recorded under ids doc-0, doc-1, ….
fn registry(docs: &[&[(&str, EntityType)]]) -> Registry {
    let reg = Registry::in_memory().unwrap();
    let batch: Vec<(DocumentMeta, Vec<NameMention>)> = docs
        .iter()
        .enumerate()
        .map(|(i, names)| {
            let meta = DocumentMeta {
                document_id: Some(format!("doc-{i}")),
                source: Some("Test Wire".into()),
                published_at: Some(1_700_000_000 + i as i64),
            };
            let mentions = names
                .iter()
                .map(|(text, t)| NameMention {
                    start: 0,
                    end: text.len(),
                    text: text.to_string(),
                    entity_type: *t,
                })
                .collect();
            (meta, mentions)
        })
        .collect();
    reg.link_batch(&batch).unwrap();
    reg
}

fn people() -> Registry {
    registry(&[
        &[("Oleksii Hrytsenko", P), ("Hrytsenko", P)],
        &[("Ivan Petrov", P), ("Northwind Shipping Ltd", O)],
        &[("John A. Whitfield", P), ("Gazprom", O)],
        &[("Zhao Mingde", P), ("Mohammed al-Masri", P)],
        &[("Abdel Aziz Haddad", P), ("Sovcomflot", O)],
        &[
            ("Dar Al Salaam Contracting Co.", O),
            ("Al Noor Trading Co.", O),
        ],
    ])
}

fn screen(reg: &Registry, name: &str, t: Option<EntityType>) -> Vec<NameMatch> {
    let q = [NameQuery::new(name, t)];
    reg.match_names(&q, &MatchOptions::default())
        .unwrap()
        .pop()
        .unwrap()
}

/// The canonical name of the single match, or None when nothing matched.
fn one(reg: &Registry, name: &str, t: Option<EntityType>) -> Option<String> {
    let m = screen(reg, name, t);
    assert!(m.len() <= 1, "{name}: several matches {m:?}");
    m.first().map(|m| m.entity.canonical_name.clone())
}

#[test]
fn word_orders_of_lists() {
    let reg = people();
    for name in [
        "HRYTSENKO, Oleksii",
        "HRYTSENKO Oleksii",
        "Hrytsenko Oleksii",
        "HRYTSENKO, Oleksii Petrovych",
    ] {
        assert_eq!(
            one(&reg, name, Some(P)).as_deref(),
            Some("Oleksii Hrytsenko"),
            "{name}"
        );
    }
    let m = &screen(&reg, "HRYTSENKO, Oleksii Petrovych", Some(P))[0];
    assert!(m.explanation.contains("order: SURNAME, Given"), "{m:?}");
    assert!(
        m.explanation
            .contains("middle petrovych not in this spelling"),
        "{m:?}"
    );
    let rotated = &screen(&reg, "Hrytsenko Oleksii", Some(P))[0];
    let plain = &screen(&reg, "Oleksii Hrytsenko", Some(P))[0];
    assert!(
        rotated.score < plain.score,
        "a guessed order costs a little"
    );
    assert!(rotated.explanation.contains("read surname first"));
}

#[test]
fn transliterations_and_their_explanations() {
    let reg = people();
    let m = &screen(&reg, "Aleksei Gritsenko", Some(P))[0];
    assert_eq!(m.entity.canonical_name, "Oleksii Hrytsenko");
    assert_eq!(
        m.explanation,
        "\"Oleksii Hrytsenko\": surname gritsenko = hrytsenko (variant key); \
         given aleksei ~ oleksii (Ukrainian/Russian form)"
    );
    assert!(m.score >= 0.95 && m.score < 1.0, "{}", m.score);
    let m = &screen(&reg, "Chao Ming-te", Some(P))[0];
    assert_eq!(m.entity.canonical_name, "Zhao Mingde");
    assert!(m.explanation.contains("Pinyin/Wade-Giles"), "{m:?}");
    assert_eq!(
        one(&reg, "ZHAO Mingde", None).as_deref(),
        Some("Zhao Mingde")
    );
    assert_eq!(
        one(&reg, "Mingde Zhao", None).as_deref(),
        Some("Zhao Mingde")
    );
    // Western order against Pinyin: the Chinese key decides, not spelling.
    assert_eq!(
        one(&reg, "Mingte Chao", Some(P)).as_deref(),
        Some("Zhao Mingde")
    );
    assert_eq!(one(&reg, "Minghe Zhao", Some(P)), None);
    let m = &screen(&reg, "Muhammad el-Masri", Some(P))[0];
    assert_eq!(m.entity.canonical_name, "Mohammed al-Masri");
    assert!(m.explanation.contains("Arabic romanisation"), "{m:?}");
    assert_eq!(
        one(&reg, "Abdulaziz Haddad", Some(P)).as_deref(),
        Some("Abdel Aziz Haddad")
    );
}

#[test]
fn initials_and_middle_names() {
    let reg = people();
    let m = &screen(&reg, "O. Hrytsenko", Some(P))[0];
    assert!(m.explanation.contains("(initial)"), "{m:?}");
    assert_eq!(
        one(&reg, "John Whitfield", Some(P)).as_deref(),
        Some("John A. Whitfield")
    );
    assert_eq!(
        one(&reg, "John Andrew Whitfield", Some(P)).as_deref(),
        Some("John A. Whitfield")
    );
    assert_eq!(
        one(&reg, "John B. Whitfield", Some(P)),
        None,
        "another middle name"
    );
    // Also when the entity is known without its middle name as well.
    let reg2 = registry(&[&[("John A. Whitfield", P)], &[("John Whitfield", P)]]);
    assert_eq!(one(&reg2, "John D. Whitfield", Some(P)), None);
    assert!(one(&reg2, "John Whitfield", Some(P)).is_some());
    let low = MatchOptions {
        min_score: 0.5,
        max_matches: 5,
    };
    let q = [NameQuery::new("John B. Whitfield", Some(P))];
    let m = &reg.match_names(&q, &low).unwrap()[0][0];
    assert!(m.explanation.contains("middle b ≠ a"), "{m:?}");
}

#[test]
fn decoys_do_not_match() {
    let reg = people();
    for decoy in [
        "Petro Hrytsenko",
        "Oleksii Bondarenko",
        "Ivana Petrova",
        "Pavel Petrov",
        "Mahmoud al-Masri",
        "Zhao Peiyu",
        "Northwind Logistics Ltd",
        "Hrytsenko",
    ] {
        assert_eq!(one(&reg, decoy, None), None, "{decoy}");
    }
    // A bare surname is below the default threshold, and says why.
    let low = MatchOptions {
        min_score: 0.7,
        max_matches: 5,
    };
    let q = [NameQuery::new("Hrytsenko", Some(P))];
    let m = &reg.match_names(&q, &low).unwrap()[0][0];
    assert!(m.explanation.contains("surname only"), "{m:?}");
}

#[test]
fn types_restrict() {
    let reg = people();
    assert_eq!(one(&reg, "Oleksii Hrytsenko", Some(O)), None);
    assert_eq!(one(&reg, "Northwind Shipping", Some(P)), None);
    assert_eq!(
        one(&reg, "Northwind Shipping", Some(O)).as_deref(),
        Some("Northwind Shipping Ltd")
    );
    assert_eq!(
        one(&reg, "Oleksii Hrytsenko", None).as_deref(),
        Some("Oleksii Hrytsenko")
    );
}

/// The tagger's type is a guess: a company typed PERSON, or a person typed
/// ORG, is reached when its own name says what it is, near-exactly, at a
/// lower score; a person-looking person never answers an ORG query.
#[test]
fn types_the_tagger_got_wrong() {
    let reg = registry(&[&[("Karadeniz Lojistik", P), ("Valeriya Ushakova", O)]]);
    let m = &screen(&reg, "Karadeniz Lojistik A.Ş.", Some(O))[0];
    assert_eq!(m.entity.entity_type, P);
    assert!(m.score < 0.9 && m.score >= 0.85, "{m:?}");
    assert!(m.explanation.contains("registry types it PERSON"), "{m:?}");
    let m = &screen(&reg, "USHAKOVA, Valeriya", Some(P))[0];
    assert_eq!(m.entity.canonical_name, "Valeriya Ushakova");
    // Near-exact only: another word is another company.
    assert_eq!(one(&reg, "Karadeniz Madencilik", Some(O)), None);
    assert_eq!(
        one(&reg, "Karadeniz Lojistik", Some(P)).as_deref(),
        Some("Karadeniz Lojistik")
    );
}

#[test]
fn organisations() {
    let reg = people();
    let m = &screen(&reg, "Gazprom PJSC", Some(O))[0];
    assert_eq!(m.entity.canonical_name, "Gazprom");
    assert!(m.explanation.contains("legal form"), "{m:?}");
    assert_eq!(
        one(&reg, "Sovcom Flot", Some(O)).as_deref(),
        Some("Sovcomflot")
    );
    // Arabic articles, written apart or assimilated, are not the name.
    for name in [
        "Dar Essalam Contracting",
        "Dar El-Salam Contracting Company",
    ] {
        let m = screen(&reg, name, Some(O));
        assert_eq!(m.len(), 1, "{name}: {m:?}");
        assert_eq!(m[0].entity.canonical_name, "Dar Al Salaam Contracting Co.");
    }
    assert_eq!(
        one(&reg, "al-Nur Trading Company", Some(O)).as_deref(),
        Some("Al Noor Trading Co.")
    );
    assert_eq!(one(&reg, "Dar Al Salaam Trading", Some(O)), None);
    assert_eq!(
        one(&reg, "The Northwind Shipping Company", Some(O)).as_deref(),
        Some("Northwind Shipping Ltd")
    );
}

#[test]
fn results_in_request_order_with_spellings_and_counts() {
    let reg = registry(&[
        &[("Alexei Navalny", P)],
        &[("Aleksei Navalnyi", P)],
        &[("Alexei Navalny", P)],
    ]);
    let names = [
        NameQuery::new("Nobody Known", None),
        NameQuery {
            name: "NAVALNYY, Aleksey".into(),
            entity_type: Some(P),
            aliases: vec!["Alexei Navalny".into()],
        },
    ];
    let out = reg.match_names(&names, &MatchOptions::default()).unwrap();
    assert_eq!(out.len(), 2);
    assert!(out[0].is_empty());
    let m = &out[1][0];
    assert_eq!(m.mention_count, 3);
    assert_eq!(
        m.matched_spellings,
        vec!["Alexei Navalny", "Aleksei Navalnyi"]
    );
    assert_eq!(m.score, 1.0, "the alias is the entity's own spelling");
}

#[test]
fn best_first_and_bounded() {
    let reg = registry(&[
        &[("Anna Kowalczyk", P)],
        &[("Anna Kowalczyk", P)],
        &[("Ann Kowalczyk", P)],
    ]);
    let names = [NameQuery::new("Anna Kowalczyk", Some(P))];
    let all = reg
        .match_names(
            &names,
            &MatchOptions {
                min_score: 0.5,
                max_matches: 5,
            },
        )
        .unwrap();
    let scores: Vec<f64> = all[0].iter().map(|m| m.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let one = reg
        .match_names(
            &names,
            &MatchOptions {
                min_score: 0.5,
                max_matches: 1,
            },
        )
        .unwrap();
    assert_eq!(one[0].len(), 1);
    assert_eq!(one[0][0].score, 1.0);
}

#[test]
fn merged_entities_answer_as_the_survivor() {
    let reg = registry(&[&[("Yulia Tymoshenko", P)], &[("Julija Tymoschenko", P)]]);
    let before = screen(&reg, "Yuliya Tymoshenko", Some(P));
    let ids: Vec<String> = before.iter().map(|m| m.entity.id.clone()).collect();
    if ids.len() == 2 {
        reg.merge(&ids, None, "one person").unwrap();
        let after = screen(&reg, "Yuliya Tymoshenko", Some(P));
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].matched_spellings.len(), 2, "{after:?}");
    }
}

#[test]
fn invalid_requests_are_refused() {
    let reg = people();
    let names = [NameQuery::new("", None)];
    let err = reg
        .match_names(&names, &MatchOptions::default())
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid names[0].name: is empty");
}
