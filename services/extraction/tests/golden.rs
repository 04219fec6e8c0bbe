//! Golden files: the extraction output for the project's own fixture
//! articles (`testdata/golden/*.txt`), one line per mention, checked into
//! `*.golden`. A change in tagging, typing or rules shows up as a diff in
//! review. Regenerate after an intended change with
//! `DOSSIER_UPDATE_GOLDEN=1 cargo nextest run -p dossier-extraction --test golden`.

use std::path::Path;

use dossier_extraction::pipeline::{ExtractRequest, Extractor};
use dossier_extraction::registry::Registry;
use dossier_extraction::tagger::Tagger;

/// 2024-03-06T00:00:00Z, the fixtures' publication date (relative dates
/// resolve against it).
const PUBLISHED: i64 = 1_709_683_200;

fn render(extractor: &Extractor, text: &str) -> String {
    let request = ExtractRequest {
        text: text.to_string(),
        published_at: Some(PUBLISHED),
        ..ExtractRequest::default()
    };
    let response = extractor.extract(request).expect("extraction succeeds");
    let mut out = String::new();
    for m in response.mentions {
        out.push_str(&format!(
            "{}..{}\t{}\t{}\t{}\n",
            m.start,
            m.end,
            m.entity_type,
            m.text,
            m.normalized_value.unwrap_or_default()
        ));
    }
    out
}

#[test]
fn fixture_articles_match_their_golden_files() {
    let tagger = Tagger::load_default().unwrap_or_else(|e| {
        panic!(
            "the golden files need the trained model in services/extraction/model/ner.model: {e}"
        )
    });
    let extractor = Extractor::new(tagger, Registry::in_memory().unwrap(), usize::MAX);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/golden");
    let update = std::env::var_os("DOSSIER_UPDATE_GOLDEN").is_some();
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in fixtures {
        let text = std::fs::read_to_string(&path).unwrap();
        let got = render(&extractor, &text);
        let golden = path.with_extension("golden");
        if update {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{}:\n--- want\n{want}--- got\n{got}",
                golden.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "output differs (DOSSIER_UPDATE_GOLDEN=1 regenerates):\n{}",
        failures.join("\n")
    );
}
