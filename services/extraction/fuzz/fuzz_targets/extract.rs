//! Any text through the whole analysis pipeline with the embedded model
//! (tokenize, tag both passes, type, DATE/MONEY/PERCENT/QUANTITY rules) and
//! the registry (the text is recorded as one document, then resolved
//! read-only): no panic, no error, and in each offset encoding (UTF-8,
//! UTF-16, UTF-32) every mention is non-empty, in order, within the text, and
//! its offsets slice exactly its text. The three encodings return the same
//! mentions.

#![no_main]

use std::sync::LazyLock;

use dossier_extraction::Tagger;
use dossier_extraction::offsets::OffsetUnit;
use dossier_extraction::pipeline::{ExtractRequest, Extractor, Mention};
use dossier_extraction::registry::Registry;
use libfuzzer_sys::fuzz_target;

/// The service's default limit, so inputs behave as over gRPC.
const MAX_TEXT_BYTES: usize = dossier_extraction::config::DEFAULT_MAX_TEXT_BYTES;

static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(|| {
    let tagger = Tagger::load_default().expect("the embedded model loads");
    let registry = Registry::in_memory().expect("an in-memory registry opens");
    Extractor::new(tagger, registry, MAX_TEXT_BYTES)
});

/// The mention's text as a client in that encoding would slice it.
fn slice(text: &str, m: &Mention, unit: OffsetUnit) -> Option<String> {
    let (a, b) = (m.start as usize, m.end as usize);
    match unit {
        OffsetUnit::Utf8 => text.get(a..b).map(str::to_string),
        OffsetUnit::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16(units.get(a..b)?).ok()
        }
        OffsetUnit::Utf32 => {
            let chars: Vec<char> = text.chars().collect();
            Some(chars.get(a..b)?.iter().collect())
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ex = &*EXTRACTOR;
    // One fixed document id: each input replaces the previous one's
    // contribution, so the registry stays small over a long run while the
    // recording path (clustering, linking, writing) is exercised.
    let mut runs: Vec<Vec<(String, String, Option<String>)>> = Vec::new();
    for (unit, document_id) in [
        (OffsetUnit::Utf8, Some("fuzz-doc".to_string())),
        (OffsetUnit::Utf16, None),
        (OffsetUnit::Utf32, None),
    ] {
        let response = ex
            .extract(ExtractRequest {
                text: text.to_string(),
                offsets: unit,
                document_id,
                source: Some("fuzz".into()),
                published_at: Some(1_772_000_000),
                ..Default::default()
            })
            .expect("a text within the limit is always extracted");
        let mut last = 0;
        for m in &response.mentions {
            assert!(m.start < m.end, "empty mention {m:?}");
            assert!(m.start >= last, "mentions out of order or overlapping: {m:?}");
            last = m.end;
            let sliced = slice(text, m, unit);
            assert_eq!(
                sliced.as_deref(),
                Some(m.text.as_str()),
                "{unit:?} offsets of {m:?} do not slice its text"
            );
        }
        runs.push(
            response
                .mentions
                .iter()
                .map(|m| (m.text.clone(), format!("{:?}", m.entity_type), m.normalized_value.clone()))
                .collect(),
        );
    }
    assert_eq!(runs[0], runs[1], "UTF-8 and UTF-16 runs found different mentions");
    assert_eq!(runs[0], runs[2], "UTF-8 and UTF-32 runs found different mentions");
});
