//! Quotes end to end: the annotated sets meet their targets through the
//! whole pipeline, and Extract over gRPC returns quotes with speakers
//! linked to entities and offsets in every encoding.

mod support;

use dossier_extraction::Extractor;
use dossier_extraction::config::{DEFAULT_MAX_TEXT_BYTES, ExtractionConfig};
use dossier_extraction::tooling::quote_eval::{QuoteReport, evaluate, read_set};
use dossier_proto::v1 as pb;
use support::{Server, extract, in_doc, require_model};

fn score(set: &str) -> QuoteReport {
    require_model();
    let dir = tempfile::tempdir().unwrap();
    let config = ExtractionConfig {
        data_dir: dir.path().join("extraction"),
        max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        ..ExtractionConfig::default()
    };
    let extractor = Extractor::open(&config).unwrap().with_parallel(false);
    let path = format!("{}/testdata/quotes/{set}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let articles = read_set(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let report = evaluate(&extractor, &articles, false).unwrap();
    println!("{set}\n{report}");
    report
}

/// The targets on the held-out quarter (which nobody tunes on).
#[test]
fn held_out_quarter_meets_the_targets() {
    let r = score("heldout");
    assert!(r.direct.f1() >= 0.95, "direct span F1 {:.3}", r.direct.f1());
    assert!(
        r.direct.speaker_accuracy() >= 0.90,
        "direct speaker {:.3}",
        r.direct.speaker_accuracy()
    );
    assert!(
        r.reported.speaker_accuracy() >= 0.80,
        "reported speaker {:.3}",
        r.reported.speaker_accuracy()
    );
    assert!(
        r.reported.recall() >= 0.6,
        "reported recall {:.3}",
        r.reported.recall()
    );
}

/// The tuned-on set stays where the rules left it (a regression guard).
#[test]
fn dev_set_stays_where_it_was() {
    let r = score("dev");
    assert!(r.direct.f1() >= 0.98, "direct span F1 {:.3}", r.direct.f1());
    assert!(
        r.direct.speaker_accuracy() >= 0.91,
        "direct speaker {:.3}",
        r.direct.speaker_accuracy()
    );
    assert!(
        r.reported.speaker_accuracy() >= 0.90,
        "reported speaker {:.3}",
        r.reported.speaker_accuracy()
    );
    assert!(
        r.reported.recall() >= 0.75,
        "reported recall {:.3}",
        r.reported.recall()
    );
}

const ARTICLE: &str = "Ünal and Popescu meet in İzmir\n\n\
İZMIR — Foreign Minister Ana Popescu met her Turkish counterpart, Mehmet Ünal, on Monday.\n\n\
“Our doors stay open,” the minister told her counterpart. “They always will.”\n\n\
Ünal said that the talks had been useful and would resume in March.\n\n\
The so-called “shadow fleet” was not discussed, according to a readout.";

#[tokio::test]
async fn extract_returns_quotes_with_speakers_and_offsets_in_every_encoding() {
    require_model();
    let server = Server::start().await;
    let mut client = server.client.clone();
    for encoding in [
        pb::OffsetEncoding::Utf8,
        pb::OffsetEncoding::Utf16,
        pb::OffsetEncoding::Utf32,
    ] {
        let mut req = in_doc(ARTICLE, "quotes-1");
        req.offset_encoding = encoding as i32;
        let resp = extract(&mut client, req).await;
        let slice = |a: u32, b: u32| -> String {
            let (a, b) = (a as usize, b as usize);
            match encoding {
                pb::OffsetEncoding::Utf16 => {
                    let units: Vec<u16> = ARTICLE.encode_utf16().collect();
                    String::from_utf16(&units[a..b]).unwrap()
                }
                pb::OffsetEncoding::Utf32 => ARTICLE.chars().skip(a).take(b - a).collect(),
                _ => ARTICLE[a..b].to_string(),
            }
        };
        let texts: Vec<&str> = resp.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Our doors stay open,",
                "They always will.",
                "the talks had been useful and would resume in March",
                "The so-called “shadow fleet” was not discussed",
            ],
            "{encoding:?}"
        );
        for q in &resp.quotes {
            assert_eq!(slice(q.start, q.end), q.text, "{encoding:?}");
            if !q.speaker_name.is_empty() {
                assert_eq!(
                    slice(q.speaker_start, q.speaker_end),
                    q.speaker_name,
                    "{encoding:?}"
                );
            }
        }
        let popescu = resp
            .mentions
            .iter()
            .find(|m| m.text == "Ana Popescu")
            .and_then(|m| (!m.entity_id.is_empty()).then_some(m.entity_id.clone()))
            .expect("Ana Popescu is linked");
        let first = &resp.quotes[0];
        assert!(first.direct);
        assert_eq!(first.cue, "told");
        assert_eq!(first.speaker_name, "the minister");
        assert_eq!(
            first.speaker_entity_id, popescu,
            "the minister is Ana Popescu"
        );
        assert_eq!(first.speaker_canonical_name, "Ana Popescu");
        assert_eq!(first.addressee, "her counterpart");
        assert_eq!(
            resp.quotes[1].speaker_entity_id, popescu,
            "an interrupted quote keeps its speaker"
        );
        let reported = &resp.quotes[2];
        assert!(!reported.direct);
        assert_eq!(reported.cue, "said");
        assert!(
            reported.speaker_canonical_name.contains("Ünal"),
            "{reported:?}"
        );
        let readout = &resp.quotes[3];
        assert_eq!(readout.cue, "according to");
        assert!(
            readout.speaker_entity_id.is_empty(),
            "a readout of no named issuer is no one"
        );
    }
    server.stop().await;
}

/// Quotes are not filtered by the request's types, and a language without
/// a model gets none.
#[tokio::test]
async fn quotes_ignore_type_filters_and_skip_untagged_languages() {
    require_model();
    let server = Server::start().await;
    let mut client = server.client.clone();
    let mut req = in_doc(ARTICLE, "quotes-2");
    req.types = vec![pb::EntityType::Date as i32];
    let resp = extract(&mut client, req).await;
    assert_eq!(resp.quotes.len(), 4);
    assert!(
        !resp.quotes[0].speaker_canonical_name.is_empty(),
        "speakers still named"
    );
    let mut req = in_doc(ARTICLE, "quotes-3");
    req.language = "de".into();
    assert!(extract(&mut client, req).await.quotes.is_empty());
    server.stop().await;
}
