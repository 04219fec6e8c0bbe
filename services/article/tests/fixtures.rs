//! Golden tests on the project's own fixture pages (testdata/): the text,
//! title, author, date, language, source and URL of each page are compared
//! with `<page>.expected.json`. After a deliberate change, review the diff
//! and rewrite the expectations with `DOSSIER_BLESS=1 cargo nextest run -p
//! dossier-article --test fixtures`.
use std::path::{Path, PathBuf};

use dossier_article::{Article, ContentType, Limits, clean};
use serde_json::{Value, json};

const PAGES: &[&str] = &[
    "wordpress.html",
    "newscms.html",
    "amp.html",
    "comments.html",
    "latin1.html",
    "german.html",
    "paywall.html",
    "scraped.txt",
];

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn clean_fixture(name: &str) -> Article {
    let bytes = std::fs::read(testdata().join(name)).unwrap();
    let kind = ContentType::sniff(&bytes, Some(name));
    clean(&bytes, kind, &Limits::default()).unwrap()
}

fn as_json(a: &Article) -> Value {
    json!({
        "title": a.title, "author": a.author, "published_at": a.published_at_rfc3339(),
        "url": a.url, "language": a.language, "source": a.source, "text": a.text,
    })
}

#[test]
fn fixtures_match_expectations() {
    let bless = std::env::var_os("DOSSIER_BLESS").is_some();
    let mut failures = Vec::new();
    for name in PAGES {
        let got = as_json(&clean_fixture(name));
        let path = testdata().join(format!("{name}.expected.json"));
        if bless {
            std::fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if got != want {
            failures.push(format!(
                "{name}:\n got {}\nwant {}",
                serde_json::to_string_pretty(&got).unwrap(),
                serde_json::to_string_pretty(&want).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Title and published_at accuracy over the fixtures, printed for the
/// README and required to be perfect on our own pages.
#[test]
fn title_and_date_accuracy() {
    let (mut titles, mut dates, mut total) = (0, 0, 0);
    for name in PAGES {
        let want: Value = serde_json::from_slice(
            &std::fs::read(testdata().join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let got = clean_fixture(name);
        total += 1;
        titles += usize::from(got.title.as_deref() == want["title"].as_str());
        dates +=
            usize::from(got.published_at_rfc3339().as_deref() == want["published_at"].as_str());
    }
    println!("title {titles}/{total}, published_at {dates}/{total}");
    assert_eq!((titles, dates), (total, total));
}

/// No output text carries markup, CSS, script or base64 debris: the
/// failure the issue reports (a stylesheet theme became a PERSON).
#[test]
fn no_markup_debris_in_text() {
    for name in PAGES {
        let a = clean_fixture(name);
        for field in [Some(&a.text), a.title.as_ref(), a.author.as_ref()]
            .into_iter()
            .flatten()
        {
            assert_no_debris(name, field);
        }
    }
}

pub fn assert_no_debris(name: &str, text: &str) {
    for needle in [
        "<",
        "/>",
        "{",
        "}",
        "&lt;",
        "&amp;",
        "&nbsp;",
        "function(",
        "px;",
        "base64",
        "=\"",
        "window.",
    ] {
        assert!(!text.contains(needle), "{name}: {needle:?} in {text:?}");
    }
    // A long run without spaces is base64 or a minified blob.
    let longest = text
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    assert!(longest < 60, "{name}: a {longest}-character token");
}

#[test]
fn cleaning_is_deterministic() {
    for name in PAGES {
        let bytes = std::fs::read(testdata().join(name)).unwrap();
        let kind = ContentType::sniff(&bytes, Some(name));
        let a = clean(&bytes, kind, &Limits::default()).unwrap();
        let b = clean(&bytes, kind, &Limits::default()).unwrap();
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn a_declared_language_spares_detection_and_changes_nothing_else() {
    for name in PAGES {
        let bytes = std::fs::read(testdata().join(name)).unwrap();
        let kind = ContentType::sniff(&bytes, Some(name));
        let found = clean(&bytes, kind, &Limits::default()).unwrap();
        let declared =
            dossier_article::clean_declared(&bytes, kind, &Limits::default(), Some("en-GB"))
                .unwrap();
        assert!(
            !declared
                .flags
                .contains(&dossier_article::Flag::LanguageDetected),
            "{name}"
        );
        if !found
            .flags
            .contains(&dossier_article::Flag::LanguageDetected)
        {
            // The page declared its own language: that one still wins.
            assert_eq!(declared.language, found.language, "{name}");
        } else {
            assert_eq!(declared.language.as_deref(), Some("en"), "{name}");
        }
        assert_eq!(
            (&declared.text, &declared.title, declared.published_at),
            (&found.text, &found.title, found.published_at),
            "{name}"
        );
    }
}
