//! Quotes end to end (#17), on the project's one-event set
//! (services/extraction/testdata/quotes/event.jsonl): six outlets report the
//! same talks, each spelling the Ukrainian negotiator its own way. The
//! articles go through storage, extraction (real quote attribution and
//! entity linking) and search, as in production.
//!
//! - Search's part, whatever extraction finds: ListQuotes by one spelling
//!   lists exactly the quotes extraction attributed to that entity, with
//!   the articles' words, offsets and dates, newest first, page by page;
//!   if linking left the spellings apart, after a curator merges them,
//!   those of all of them; and a split of one outlet's spelling, and its
//!   undo, move that outlet's quotes away and back.
//! - The bar (#17, "done when"): one spelling, looked up as
//!   `dossier quotes` looks it up, lists what he said in every outlet with
//!   the right words and dates, with no curation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use dossier_proto::v1::{
    Document, EntityOrder, GetEntityRequest, GetIndexStatusRequest, ListEntitiesRequest,
    ListQuotesRequest, MergeEntitiesRequest, QuoteRecord, SearchRequest, SplitEntityRequest,
    UndoCurationRequest,
};
use dossier_tests::TestSystem;

const INDEX_TIMEOUT: Duration = Duration::from_secs(90);

/// One article of the set, with its annotated quotes.
#[derive(Debug, serde::Deserialize)]
struct Article {
    id: String,
    source: String,
    published_at: String,
    /// Headline, blank line, body: what search gives extraction.
    text: String,
    quotes: Vec<Annotated>,
}

#[derive(Debug, serde::Deserialize)]
struct Annotated {
    text: String,
    /// The speaker's full name as the outlet writes it; None: unattributed.
    speaker: Option<String>,
}

/// The negotiator's full name in each outlet.
const NEGOTIATOR: [&str; 6] = [
    "Oleksii Hrytsenko",
    "Oleksiy Hrytsenko",
    "Olexij Hryzenko",
    "Ołeksij Hryćenko",
    "Aleksei Gritsenko",
    "Oleksiï Hrytsenko",
];

fn load() -> Vec<Article> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../services/extraction/testdata/quotes/event.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The article as an outlet sends it: headline as title, the rest as body,
/// so the text search gives extraction is the annotated text again.
fn document(article: &Article) -> Document {
    let (title, body) = article.text.split_once("\n\n").unwrap();
    Document {
        title: title.into(),
        body: body.into(),
        source: article.source.clone(),
        url: format!("https://{}/{}", article.source, article.id),
        published_at: Some(article.published_at.parse().unwrap()),
        language: "en".into(),
        ..Default::default()
    }
}

/// Quote text as compared: without the punctuation that ends a quote
/// inside its marks, and with spaces collapsed.
fn words(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([',', '.', ';', ':'])
        .to_string()
}

/// The entity `dossier quotes NAME` resolves NAME to: the most mentioned
/// entity with a spelling exactly NAME (see client/src/commands/resolve.rs).
async fn resolve(system: &TestSystem, name: &str) -> String {
    let entities = system
        .extraction_client()
        .await
        .list_entities(ListEntitiesRequest {
            page_size: 100,
            name_prefix: name.into(),
            order_by: EntityOrder::MentionCount as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .entities;
    let exact = entities.iter().find(|e| {
        std::iter::once(&e.canonical_name)
            .chain(e.aliases.iter().map(|a| &a.name))
            .any(|n| n.eq_ignore_ascii_case(name))
    });
    exact
        .or(entities.first())
        .unwrap_or_else(|| panic!("no entity answers to {name}: {entities:?}"))
        .id
        .clone()
}

/// Every quote ListQuotes lists for `request`, page by page.
async fn list_all(system: &TestSystem, mut request: ListQuotesRequest) -> (Vec<QuoteRecord>, u64) {
    let mut client = system.search_client().await;
    let mut out = Vec::new();
    loop {
        let page = client
            .list_quotes(request.clone())
            .await
            .unwrap()
            .into_inner();
        out.extend(page.quotes);
        if page.next_page_token.is_empty() {
            return (out, page.total_quotes);
        }
        request.page_token = page.next_page_token;
    }
}

async fn ingest() -> (TestSystem, Vec<Article>) {
    let system = TestSystem::start().await;
    let articles = load();
    let documents: Vec<Document> = articles.iter().map(document).collect();
    dossier_tests::import_created(&mut system.documents().await, documents, "quotes").await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    (system, articles)
}

/// Where a quote is: its article and its first byte.
fn place(q: &QuoteRecord) -> (String, u32) {
    (q.document_id.clone(), q.quote.as_ref().unwrap().start)
}

/// The quotes of the full listing whose speaker is one of `ids`, in order.
fn spoken_by(all: &[QuoteRecord], ids: &BTreeSet<String>) -> Vec<(String, u32)> {
    all.iter()
        .filter(|q| ids.contains(&q.quote.as_ref().unwrap().speaker_entity_id))
        .map(place)
        .collect()
}

/// Checks what search holds of each listed quote against its article:
/// outlet, date, and words at their offsets in the text extraction read.
fn check_against_articles(listed: &[QuoteRecord], articles: &[Article]) {
    let by_source: BTreeMap<&str, &Article> =
        articles.iter().map(|a| (a.source.as_str(), a)).collect();
    let dates: Vec<i64> = listed
        .iter()
        .map(|q| q.published_at.as_ref().unwrap().seconds)
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    for q in listed {
        let quote = q.quote.as_ref().unwrap();
        let article = by_source[q.source.as_str()];
        let date: prost_types::Timestamp = article.published_at.parse().unwrap();
        assert_eq!(q.published_at.as_ref(), Some(&date), "{}", q.source);
        assert_eq!(q.title, article.text.split_once("\n\n").unwrap().0);
        let span = &article.text.as_bytes()[quote.start as usize..quote.end as usize];
        assert_eq!(std::str::from_utf8(span).unwrap(), quote.text);
    }
}

/// Waits until the curation that merged `ids` into `survivor` has reached
/// the index (through extraction's entity feed and a re-extraction): no
/// quote left under a merged id, and every quote of `expected` listed.
async fn wait_for_merge(
    system: &TestSystem,
    survivor: &str,
    ids: &BTreeSet<String>,
    expected: &[(String, u32)],
) -> Vec<QuoteRecord> {
    let gone: BTreeSet<String> = ids.iter().filter(|id| *id != survivor).cloned().collect();
    let deadline = std::time::Instant::now() + INDEX_TIMEOUT;
    loop {
        let (all, _) = list_all(system, ListQuotesRequest::default()).await;
        let survivors: BTreeSet<(String, u32)> = spoken_by(&all, &[survivor.to_string()].into())
            .into_iter()
            .collect();
        if spoken_by(&all, &gone).is_empty() && expected.iter().all(|q| survivors.contains(q)) {
            return all;
        }
        let status = system
            .search_client()
            .await
            .get_index_status(GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        assert!(
            std::time::Instant::now() < deadline,
            "the merge did not reach the quotes: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The entity's canonical name in the registry.
async fn registry_name(system: &TestSystem, id: &str) -> String {
    system
        .extraction_client()
        .await
        .get_entity(GetEntityRequest { id: id.into() })
        .await
        .unwrap()
        .into_inner()
        .canonical_name
}

/// Waits until every quote of `entity_id` carries the registry's `name`:
/// the registry renames an entity as new spellings shift which is the most
/// complete and frequent, and search relabels through the entity feed.
async fn wait_for_name(system: &TestSystem, entity_id: &str, name: &str) {
    let deadline = std::time::Instant::now() + INDEX_TIMEOUT;
    loop {
        let request = ListQuotesRequest {
            entity_id: entity_id.into(),
            ..Default::default()
        };
        let (listed, _) = list_all(system, request).await;
        let names: BTreeSet<&str> = listed
            .iter()
            .map(|q| q.quote.as_ref().unwrap().speaker_canonical_name.as_str())
            .collect();
        if names.len() == 1 && names.contains(name) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "quotes of {entity_id} go by {names:?}, not {name:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn quotes_by_one_spelling_are_what_extraction_attributed_and_follow_curation() {
    let (system, articles) = ingest().await;
    let (all, total) = list_all(&system, ListQuotesRequest::default()).await;
    assert_eq!(all.len() as u64, total);
    assert!(all.len() > 40, "{} quotes", all.len());
    check_against_articles(&all, &articles);

    // Before curation: exactly the quotes extraction gave the entity the
    // spelling names, in the full listing's order.
    let gritsenko = resolve(&system, "Gritsenko").await;
    let request = |entity_id: &str| ListQuotesRequest {
        entity_id: entity_id.into(),
        page_size: 3,
        ..Default::default()
    };
    let (listed, _) = list_all(&system, request(&gritsenko)).await;
    let one: BTreeSet<String> = [gritsenko.clone()].into();
    assert_eq!(
        listed.iter().map(place).collect::<Vec<_>>(),
        spoken_by(&all, &one)
    );
    assert!(!listed.is_empty());

    // The entities of every outlet's spelling; a curator merges them.
    let mut ids = BTreeSet::new();
    for name in NEGOTIATOR {
        ids.insert(resolve(&system, name).await);
    }
    let expected = spoken_by(&all, &ids);
    println!(
        "linking gave the negotiator's six spellings {} entities; {} quotes attributed to them",
        ids.len(),
        expected.len()
    );
    let survivor = resolve(&system, "Oleksii Hrytsenko").await;
    if ids.len() > 1 {
        let mut entity_ids = vec![survivor.clone()];
        entity_ids.extend(ids.iter().filter(|id| **id != survivor).cloned());
        system
            .extraction_client()
            .await
            .merge_entities(MergeEntitiesRequest {
                entity_ids,
                note: "one negotiator, six spellings".into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let all = wait_for_merge(&system, &survivor, &ids, &expected).await;

    // Any spelling now means the survivor: every quote of every spelling
    // (re-extraction may attribute a pronoun or two anew), each under the
    // survivor's id and name, and as the outlet wrote it.
    let merged = resolve(&system, "Gritsenko").await;
    assert_eq!(merged, survivor);
    let name = registry_name(&system, &survivor).await;
    wait_for_name(&system, &survivor, &name).await;
    let (listed, total) = list_all(&system, request(&merged)).await;
    assert_eq!(total as usize, listed.len());
    assert_eq!(
        listed.iter().map(place).collect::<Vec<_>>(),
        spoken_by(&all, &[survivor.clone()].into())
    );
    check_against_articles(&listed, &articles);
    for q in &listed {
        let quote = q.quote.as_ref().unwrap();
        assert_eq!(quote.speaker_entity_id, survivor);
        assert_eq!(quote.speaker_canonical_name, name);
    }
    assert!(
        listed
            .iter()
            .any(|q| q.quote.as_ref().unwrap().speaker_name.contains("Gritsenko"))
    );
    let outlets: BTreeSet<&str> = listed.iter().map(|q| q.source.as_str()).collect();
    println!(
        "after the merge: {} quotes from {} outlets",
        listed.len(),
        outlets.len()
    );

    // Narrowed by the quote's own words, by kind and by outlet.
    let narrowed = |f: &dyn Fn(&mut ListQuotesRequest)| {
        let mut r = request(&merged);
        f(&mut r);
        r
    };
    let (ships, _) = list_all(&system, narrowed(&|r| r.query = "ships".into())).await;
    assert!(!ships.is_empty());
    assert!(ships.iter().all(|q| {
        q.quote
            .as_ref()
            .unwrap()
            .text
            .to_lowercase()
            .contains("ship")
    }));
    let (direct, _) = list_all(&system, narrowed(&|r| r.direct_only = true)).await;
    assert!(!direct.is_empty() && direct.len() < listed.len());
    assert!(direct.iter().all(|q| q.quote.as_ref().unwrap().direct));
    let (wire, _) = list_all(
        &system,
        narrowed(&|r| r.source = "eurasia-wire.example".into()),
    )
    .await;
    assert!(!wire.is_empty() && wire.iter().all(|q| q.source == "eurasia-wire.example"));

    // `quote:` in Search: the articles quoting him, by any spelling.
    let quoting: BTreeSet<&str> = listed.iter().map(|q| q.document_id.as_str()).collect();
    let found = system
        .search_client()
        .await
        .search(SearchRequest {
            query: "quote:Hryćenko".into(),
            page_size: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.total_hits as usize, quoting.len());

    // A curator splits one outlet's spelling off, then undoes it: the
    // quotes follow each step.
    let spellings: Vec<String> = system
        .extraction_client()
        .await
        .get_entity(GetEntityRequest {
            id: survivor.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .aliases
        .into_iter()
        .map(|a| a.name)
        .filter(|a| a.contains("Gritsenko"))
        .collect();
    assert!(
        !spellings.is_empty(),
        "the survivor has the Gritsenko spellings"
    );
    let split = system
        .extraction_client()
        .await
        .split_entity(SplitEntityRequest {
            entity_id: survivor.clone(),
            aliases: spellings,
            note: "one outlet's spelling apart".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    wait_entity_sequence(&system, split.sequence).await;
    let apart = split
        .entities
        .iter()
        .find(|e| e.id != survivor)
        .expect("the split made an entity")
        .id
        .clone();
    let (moved, _) = list_all(&system, request(&apart)).await;
    assert!(!moved.is_empty());
    assert!(moved.iter().all(|q| q.source == "eurasia-wire.example"));
    let (kept, _) = list_all(&system, request(&survivor)).await;
    assert!(kept.iter().all(|q| q.source != "eurasia-wire.example"));
    let undo = system
        .extraction_client()
        .await
        .undo_curation(UndoCurationRequest {
            curation_id: split.curation_id,
        })
        .await
        .unwrap()
        .into_inner();
    wait_entity_sequence(&system, undo.sequence).await;
    assert!(list_all(&system, request(&apart)).await.0.is_empty());
    let (back, _) = list_all(&system, request(&survivor)).await;
    let mut back: Vec<(String, u32)> = back.iter().map(place).collect();
    let mut before: Vec<(String, u32)> = listed.iter().map(place).collect();
    back.sort();
    before.sort();
    assert_eq!(back, before);
    system.stop().await;
}

/// Waits until search has applied extraction's entity change `sequence`
/// (and committed the documents it re-extracted for it).
async fn wait_entity_sequence(system: &TestSystem, sequence: u64) {
    let deadline = std::time::Instant::now() + INDEX_TIMEOUT;
    loop {
        let status = system
            .search_client()
            .await
            .get_index_status(GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.entity_sequence >= sequence {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "search did not apply entity change {sequence}: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The bar, with no curation: extraction links the six spellings
/// to one entity, and that entity's quotes come from every outlet with the
/// articles' words and dates; at least nine in ten listed are his as
/// annotated, and four in five of his annotated quotes are listed (0.93
/// and 0.88 when written).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_spelling_lists_what_the_negotiator_said_in_every_outlet() {
    let (system, articles) = ingest().await;

    // His annotated quotes, by outlet.
    let mut said: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for a in &articles {
        let his = a.quotes.iter().filter(|q| {
            q.speaker
                .as_deref()
                .is_some_and(|s| NEGOTIATOR.contains(&s))
        });
        said.entry(a.source.as_str())
            .or_default()
            .extend(his.map(|q| words(&q.text)));
    }
    assert_eq!(said.len(), 6);

    // One outlet's spelling, typed as a reader would.
    let speaker = resolve(&system, "Gritsenko").await;
    let (listed, total) = list_all(
        &system,
        ListQuotesRequest {
            entity_id: speaker.clone(),
            page_size: 4,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(total as usize, listed.len());
    for q in &listed {
        let quote = q.quote.as_ref().unwrap();
        println!(
            "{} {:<28} {:<22} {}",
            q.published_at.as_ref().unwrap(),
            q.source,
            quote.speaker_name,
            quote.text
        );
    }

    // Newest article first.
    let dates: Vec<i64> = listed
        .iter()
        .map(|q| q.published_at.as_ref().unwrap().seconds)
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // Every outlet, each with the words that outlet printed and its date.
    let by_source: BTreeMap<&str, &Article> =
        articles.iter().map(|a| (a.source.as_str(), a)).collect();
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    let mut right = 0;
    for q in &listed {
        let quote = q.quote.as_ref().unwrap();
        let article = by_source[q.source.as_str()];
        let date: prost_types::Timestamp = article.published_at.parse().unwrap();
        assert_eq!(q.published_at.as_ref(), Some(&date), "{}", q.source);
        assert_eq!(quote.speaker_entity_id, speaker);
        assert!(!quote.speaker_canonical_name.is_empty());
        // The offsets point at the words in the text extraction read.
        let span = &article.text.as_bytes()[quote.start as usize..quote.end as usize];
        assert_eq!(std::str::from_utf8(span).unwrap(), quote.text);
        if said[q.source.as_str()].contains(&words(&quote.text)) {
            right += 1;
            *found.entry(q.source.as_str()).or_default() += 1;
        }
    }
    let annotated: usize = said.values().map(BTreeSet::len).sum();
    let precision = right as f64 / listed.len().max(1) as f64;
    let recall = found.values().sum::<usize>() as f64 / annotated as f64;
    println!(
        "negotiator's quotes: {} listed, {right} his as annotated (precision {precision:.2}), \
         recall {recall:.2} of {annotated}; per outlet {found:?}",
        listed.len()
    );
    assert_eq!(
        found.keys().copied().collect::<Vec<_>>(),
        said.keys().copied().collect::<Vec<_>>(),
        "an outlet is missing"
    );
    assert!(precision >= 0.9, "precision {precision:.2}");
    assert!(recall >= 0.8, "recall {recall:.2}");

    // The quote's own words: a query narrows his quotes to those saying it.
    let (ships, _) = list_all(
        &system,
        ListQuotesRequest {
            entity_id: speaker.clone(),
            query: "ships".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(!ships.is_empty());
    assert!(ships.iter().all(|q| {
        q.quote
            .as_ref()
            .unwrap()
            .text
            .to_lowercase()
            .contains("ship")
    }));
    // Direct quotes only.
    let (direct, _) = list_all(
        &system,
        ListQuotesRequest {
            entity_id: speaker.clone(),
            direct_only: true,
            ..Default::default()
        },
    )
    .await;
    assert!(!direct.is_empty() && direct.len() < listed.len());
    assert!(direct.iter().all(|q| q.quote.as_ref().unwrap().direct));
    // One outlet.
    let (one, _) = list_all(
        &system,
        ListQuotesRequest {
            entity_id: speaker.clone(),
            source: "eurasia-wire.example".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(!one.is_empty() && one.iter().all(|q| q.source == "eurasia-wire.example"));

    // `quote:` in Search finds the articles quoting him, by any spelling.
    let quoting = system
        .search_client()
        .await
        .search(SearchRequest {
            query: "quote:Hryćenko".into(),
            page_size: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(quoting.total_hits, 6, "{quoting:?}");
    system.stop().await;
}
