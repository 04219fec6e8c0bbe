//! ListQuotes and `quote:` over articles and quotes built by hand.

use dossier_proto::v1::EntityType;

use super::*;
use crate::error::Error;
use crate::index::{Checkpoint, IndexOp, SearchIndex};
use crate::model::{DocEntity, IndexDoc};
use crate::search::{PageRequest, SearchQuery, search};

const DAY: i64 = 86_400;
/// 2026-03-02T00:00:00Z.
const T0: i64 = 1_772_409_600;

fn entity(id: &str, name: &str, kind: EntityType, variants: &[&str]) -> DocEntity {
    DocEntity {
        id: id.into(),
        name: name.into(),
        entity_type: kind as i32,
        variants: variants.iter().map(|v| v.to_string()).collect(),
    }
}

fn sandu(spelling: &str) -> DocEntity {
    entity("e_san", "Maia Sandu", EntityType::Person, &[spelling])
}

fn recean() -> DocEntity {
    entity("e_rec", "Dorin Recean", EntityType::Person, &["Recean"])
}

fn chisinau(spelling: &str) -> DocEntity {
    entity("e_chi", "Chisinau", EntityType::Gpe, &[spelling])
}

/// A quote by `speaker` ("" for none) naming `entities`.
fn quote(text: &str, speaker: &str, direct: bool, entities: &[&str]) -> DocQuote {
    DocQuote {
        text: text.into(),
        start: 10,
        end: 10 + text.len() as u32,
        direct,
        cue: "said".into(),
        speaker_entity_id: speaker.into(),
        speaker_name: if speaker.is_empty() { "" } else { "she" }.into(),
        entities: entities.iter().map(|e| e.to_string()).collect(),
        ..Default::default()
    }
}

struct Article {
    seq: u64,
    source: &'static str,
    /// Days after T0; None: undated.
    day: Option<i64>,
    body: &'static str,
    entities: Vec<DocEntity>,
    quotes: Vec<DocQuote>,
}

fn article(a: Article) -> IndexDoc {
    IndexDoc {
        id: format!("doc{}", a.seq),
        sequence: a.seq,
        title: format!("Headline {}", a.seq),
        body: a.body.into(),
        source: a.source.into(),
        published_at: a.day.map(|d| T0 + d * DAY),
        language: "en".into(),
        entities: a.entities,
        quotes: a.quotes,
        ..Default::default()
    }
}

fn add(index: &SearchIndex, docs: Vec<IndexDoc>) {
    let seq = docs.iter().map(|d| d.sequence).max().unwrap_or(0);
    let ops = docs
        .into_iter()
        .map(|d| IndexOp::Upsert(Box::new(d)))
        .collect();
    index.apply(ops).unwrap();
    commit(index, seq);
}

fn commit(index: &SearchIndex, sequence: u64) {
    let checkpoint = Checkpoint {
        sequence,
        entity_sequence: 0,
    };
    index.commit(checkpoint).unwrap();
}

/// Six articles of four outlets over four days; Sandu spelled three ways.
fn corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    add(
        &index,
        vec![
            article(Article {
                seq: 1,
                source: "wire",
                day: Some(1),
                body: "Sandu visited the port.",
                entities: vec![sandu("Sandu"), recean()],
                quotes: vec![
                    quote("Our doors stay open", "e_san", true, &[]),
                    quote("the port will reopen in spring", "e_rec", false, &[]),
                ],
            }),
            article(Article {
                seq: 2,
                source: "gazette",
                day: Some(3),
                body: "Sandou spoke in Chisinau under pressure.",
                entities: vec![sandu("Sandou"), chisinau("Chisinau")],
                quotes: vec![
                    quote("We will not bow to pressure", "e_san", true, &[]),
                    quote("Talks in Chisinau go on", "", true, &["e_chi"]),
                ],
            }),
            article(Article {
                seq: 3,
                source: "courier",
                day: Some(2),
                body: "Sandu on ferries.",
                entities: vec![sandu("Sandu")],
                quotes: vec![
                    quote("Ferries run again", "e_san", true, &[]),
                    quote("harbour fees stay as they are", "e_san", false, &[]),
                ],
            }),
            article(Article {
                seq: 4,
                source: "wire",
                day: Some(3),
                body: "Sandu's second statement; pressure mounts.",
                entities: vec![sandu("Sandu's"), chisinau("Kishinev")],
                quotes: vec![quote("Kishinev is calm", "e_san", true, &["e_chi"])],
            }),
            article(Article {
                seq: 5,
                source: "ledger",
                day: None,
                body: "An undated note.",
                entities: vec![sandu("Sandu")],
                quotes: vec![quote("An undated remark", "e_san", true, &[])],
            }),
            article(Article {
                seq: 6,
                source: "ledger",
                day: Some(0),
                body: "Pressure on the government grows, Sandu admitted.",
                entities: vec![sandu("Sandu")],
                quotes: vec![quote("Nothing to add", "e_san", true, &[])],
            }),
        ],
    );
    index
}

fn listing(entity_id: &str, query: &str) -> QuoteListing {
    QuoteListing {
        entity_id: entity_id.into(),
        query: query.into(),
        ..Default::default()
    }
}

fn texts(page: &QuotePage) -> Vec<&str> {
    page.quotes.iter().map(|q| q.quote.text.as_str()).collect()
}

fn all(index: &SearchIndex, listing: &QuoteListing) -> QuotePage {
    list_quotes(index, listing, 100, "").unwrap()
}

#[test]
fn quotes_are_listed_newest_article_first_and_in_text_order() {
    let index = corpus();
    let page = all(&index, &listing("e_san", ""));
    assert_eq!(
        texts(&page),
        [
            // Day 3: doc2 (sequence 2) before doc4 (sequence 4).
            "We will not bow to pressure",
            "Kishinev is calm",
            // Day 2, in the article's order.
            "Ferries run again",
            "harbour fees stay as they are",
            "Our doors stay open",
            "Nothing to add",
            // Undated articles come last.
            "An undated remark",
        ]
    );
    assert_eq!(page.total_quotes, 7);
    assert!(page.next_page_token.is_empty());
    let first = &page.quotes[0];
    assert_eq!(first.document_id, "doc2");
    assert_eq!(first.source, "gazette");
    assert_eq!(first.title, "Headline 2");
    assert_eq!(first.published_at, Some(T0 + 3 * DAY));
    assert_eq!(first.quote.speaker_canonical_name, "Maia Sandu");
    assert!(first.story_id.starts_with("st-"), "{first:?}");
    assert_eq!(page.quotes[6].published_at, None);
}

#[test]
fn without_a_speaker_every_quote_is_listed_unattributed_ones_too() {
    let index = corpus();
    let page = all(&index, &listing("", ""));
    assert_eq!(page.total_quotes, 9);
    assert!(texts(&page).contains(&"Talks in Chisinau go on"));
    assert!(texts(&page).contains(&"the port will reopen in spring"));
    let recean = all(&index, &listing("e_rec", ""));
    assert_eq!(texts(&recean), ["the port will reopen in spring"]);
    assert_eq!(
        recean.quotes[0].quote.speaker_canonical_name,
        "Dorin Recean"
    );
    assert_eq!(all(&index, &listing("e_nobody", "")).total_quotes, 0);
}

#[test]
fn the_query_must_match_the_quote_itself_not_its_article() {
    let index = corpus();
    // doc4 and doc6 say "pressure" in the article, not in the quote.
    let page = all(&index, &listing("e_san", "pressure"));
    assert_eq!(texts(&page), ["We will not bow to pressure"]);
    assert_eq!(page.total_quotes, 1);
    // The headline is not the quote either.
    assert_eq!(all(&index, &listing("", "headline")).total_quotes, 0);
    // The language as in Search: phrases, boolean operators, repairs.
    let phrase = all(&index, &listing("", "\"stay open\""));
    assert_eq!(texts(&phrase), ["Our doors stay open"]);
    let either = all(&index, &listing("e_san", "ferries OR harbour"));
    assert_eq!(either.total_quotes, 2);
    let repaired = all(&index, &listing("e_san", "(ferries"));
    assert_eq!(texts(&repaired), ["Ferries run again"]);
    assert_eq!(
        all(&index, &listing("e_san", "ferries -run")).total_quotes,
        0
    );
}

#[test]
fn a_name_in_the_query_finds_its_other_spellings_inside_quotes() {
    let index = corpus();
    // "Kishinev" names Chisinau: the quotes naming the city either way.
    let page = all(&index, &listing("", "Kishinev"));
    assert_eq!(
        texts(&page),
        ["Talks in Chisinau go on", "Kishinev is calm"]
    );
}

#[test]
fn source_dates_and_direct_only_narrow_the_list() {
    let index = corpus();
    let by = |f: &dyn Fn(&mut QuoteListing)| {
        let mut l = listing("e_san", "");
        f(&mut l);
        texts(&all(&index, &l))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by(&|l| l.source = "wire".into()),
        ["Kishinev is calm", "Our doors stay open"]
    );
    assert_eq!(
        by(&|l| {
            l.published_after = Some(T0 + 2 * DAY);
            l.published_before = Some(T0 + 3 * DAY);
        }),
        ["Ferries run again", "harbour fees stay as they are"]
    );
    let direct = by(&|l| l.direct_only = true);
    assert_eq!(direct.len(), 6);
    assert!(!direct.contains(&"harbour fees stay as they are".to_string()));
}

#[test]
fn pages_walk_every_quote_once_while_newer_articles_arrive() {
    let index = corpus();
    let whole = texts(&all(&index, &listing("", ""))).join("|");
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = list_quotes(&index, &listing("", ""), 2, &token).unwrap();
        seen.extend(page.quotes.iter().map(|q| q.quote.text.clone()));
        pages += 1;
        if pages == 2 {
            // Newer articles between pages go before the cursor: the walk
            // neither repeats nor skips what it had not reached.
            add(
                &index,
                vec![article(Article {
                    seq: 7,
                    source: "wire",
                    day: Some(9),
                    body: "Late.",
                    entities: vec![sandu("Sandu")],
                    quotes: vec![quote("A late word", "e_san", true, &[])],
                })],
            );
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.join("|"), whole);
}

#[test]
fn page_tokens_are_checked() {
    let index = corpus();
    let first = list_quotes(&index, &listing("e_san", ""), 2, "").unwrap();
    let token = first.next_page_token;
    assert!(!token.is_empty());
    let other = list_quotes(&index, &listing("e_rec", ""), 2, &token);
    assert!(
        matches!(other, Err(Error::InvalidPageToken(_))),
        "{other:?}"
    );
    let garbage = list_quotes(&index, &listing("e_san", ""), 2, "not a token!");
    assert!(matches!(garbage, Err(Error::InvalidPageToken(_))));
    let bad_id = list_quotes(&index, &listing("e\u{0}", ""), 2, "");
    assert!(matches!(
        bad_id,
        Err(Error::InvalidArgument {
            field: "entity_id",
            ..
        })
    ));
}

#[test]
fn deleting_an_article_deletes_its_quotes_and_rewriting_replaces_them() {
    let index = corpus();
    index.apply(vec![IndexOp::Delete("doc3".into())]).unwrap();
    commit(&index, 8);
    let page = all(&index, &listing("e_san", ""));
    assert_eq!(page.total_quotes, 5);
    assert!(!texts(&page).contains(&"Ferries run again"));
    // An article written again (re-extraction) keeps only its new quotes.
    add(
        &index,
        vec![article(Article {
            seq: 1,
            source: "wire",
            day: Some(1),
            body: "Sandu visited the port.",
            entities: vec![sandu("Sandu")],
            quotes: vec![quote("Our doors stay wide open", "e_san", true, &[])],
        })],
    );
    let page = all(&index, &listing("", "doors"));
    assert_eq!(texts(&page), ["Our doors stay wide open"]);
    assert_eq!(all(&index, &listing("e_rec", "")).total_quotes, 0);
}

#[test]
fn the_quote_field_finds_articles_quoting_an_entity_by_id_or_any_spelling() {
    let index = corpus();
    let count = |text: &str| {
        let query = SearchQuery {
            text: text.into(),
            expand_entities: true,
            ..Default::default()
        };
        let page = PageRequest {
            page_size: 10,
            ..Default::default()
        };
        search(&index, &query, &page).unwrap().total_hits
    };
    assert_eq!(count("quote:e_san"), 6);
    assert_eq!(count("quote:e_rec"), 1);
    // Any spelling the index has seen of the speaker.
    assert_eq!(count("quote:Sandou"), 6);
    assert_eq!(count("quote:\"Maia Sandu\""), 6);
    assert_eq!(count("quote:Recean AND ferries"), 0);
    assert_eq!(count("quote:e_san AND pressure"), 3);
    // Chisinau is named, never quoted.
    assert_eq!(count("quote:Chisinau"), 0);
    assert_eq!(count("quote_kind:reported"), 2);
}
