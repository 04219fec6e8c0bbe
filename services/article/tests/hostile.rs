//! Hostile and broken input: never a panic, never a hang, limits enforced.
use std::time::{Duration, Instant};

use dossier_article::{CleanError, ContentType, Flag, Limits, clean};
use proptest::prelude::*;

fn clean_html(page: &[u8]) -> dossier_article::Article {
    clean(page, ContentType::Html, &Limits::default()).unwrap()
}

/// Runs `f` and fails if it takes longer than `limit` (generous: debug
/// builds on a shared two-core machine).
fn timed<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    out
}

#[test]
fn deep_nesting_is_cut_and_flagged() {
    let page = format!(
        "<html><body>{}<p>deep text</p></body></html>",
        "<div>".repeat(200_000)
    );
    let a = timed(Duration::from_secs(20), || clean_html(page.as_bytes()));
    assert!(a.flags.contains(&Flag::TooDeep));
}

#[test]
fn unclosed_formatting_tags_do_not_hang() {
    // html5ever's adoption agency work grows with open formatting elements.
    let page = format!("<p>{}text</p>", "<b><i><a href=x>".repeat(20_000));
    timed(Duration::from_secs(30), || clean_html(page.as_bytes()));
}

#[test]
fn huge_attribute_and_broken_tags() {
    let page = format!(
        "<div class=\"{}\"><p>Body text here.<<<>>></p><p <a <b\x00 c=\"",
        "x".repeat(5_000_000)
    );
    timed(Duration::from_secs(20), || clean_html(page.as_bytes()));
}

#[test]
fn endless_title_separators() {
    let page = format!("<title>{}</title><p>Body.</p>", "a | ".repeat(300_000));
    timed(Duration::from_secs(20), || clean_html(page.as_bytes()));
}

#[test]
fn node_limit_truncates() {
    let limits = Limits {
        max_nodes: 1_000,
        ..Limits::default()
    };
    let page = "<p>para</p>".repeat(5_000);
    let a = clean(page.as_bytes(), ContentType::Html, &limits).unwrap();
    assert!(a.flags.contains(&Flag::Truncated));
}

#[test]
fn oversized_input_is_refused() {
    let limits = Limits {
        max_input_bytes: 10,
        ..Limits::default()
    };
    let err = clean(b"01234567890", ContentType::PlainText, &limits).unwrap_err();
    assert_eq!(
        err,
        CleanError::TooLarge {
            size: 11,
            limit: 10
        }
    );
}

#[test]
fn nul_bytes_and_odd_encodings() {
    let a = clean_html(b"<html><body><p>Nul\x00 byte in a paragraph that is long enough to count as the article body text.</p></body></html>");
    assert!(!a.text.contains('\0'));
    let utf16 =
        "\u{feff}<p>Hello from a UTF-16 page with a paragraph long enough to be the body.</p>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>();
    assert!(clean_html(&utf16).text.contains("UTF-16 page"));
    let plain = clean(
        b"caf\xe9 cr\xe8me br\xfbl\xe9e",
        ContentType::PlainText,
        &Limits::default(),
    )
    .unwrap();
    assert!(!plain.text.contains('\u{fffd}') || plain.flags.is_empty());
}

#[test]
fn empty_input_is_flagged_not_an_error() {
    for kind in [ContentType::Html, ContentType::PlainText] {
        let a = clean(b"", kind, &Limits::default()).unwrap();
        assert!(a.flags.contains(&Flag::EmptyText));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        for kind in [ContentType::Html, ContentType::PlainText] {
            let a = clean(&bytes, kind, &Limits::default()).unwrap();
            prop_assert!(!a.text.contains('\0'));
        }
    }

    #[test]
    fn dates_never_panic(s in "\\PC{0,80}", url in "[a-z:/0-9.-]{0,60}") {
        let _ = dossier_article::date::parse(&s);
        let _ = dossier_article::date::from_url(&url);
        if let Some(t) = dossier_article::date::parse(&s) {
            prop_assert!(dossier_article::date::to_rfc3339(t).ends_with('Z'));
        }
    }

    #[test]
    fn date_fragments_never_panic(parts in proptest::collection::vec(prop_oneof![
        Just("19"), Just("November"), Just("2019"), Just(","), Just(" "), Just(":"), Just("08:00"),
        Just("pm"), Just("+0100"), Just("GMT"), Just("-"), Just("T"), Just("Z"), Just("."), Just("März"),
        Just("99"), Just("-05:"), Just("2019-11-19"), Just("at"), Just("ü"),
    ], 0..16)) {
        let s: String = parts.concat();
        let _ = dossier_article::date::parse(&s);
        let _ = dossier_article::date::from_url(&s);
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<div>"), Just("</div>"), Just("<p>"), Just("</p>"), Just("<a href='x'>"), Just("</a>"),
        Just("<ul><li>"), Just("<br>"), Just("<script>"), Just("</script>"), Just("<!--"), Just("-->"),
        Just("<article class='article-body'>"), Just("<nav>"), Just("<table><tr><td>"), Just("<b>"),
        Just("Some words, with commas, and more words. "), Just("\u{0}"), Just("&amp;"), Just("<meta charset=latin1>"),
        Just("<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":"), Just("<time datetime='2020-01-01'>"),
    ], 0..200)) {
        let page: String = parts.concat();
        let a = clean(page.as_bytes(), ContentType::Html, &Limits::default()).unwrap();
        let b = clean(page.as_bytes(), ContentType::Html, &Limits::default()).unwrap();
        prop_assert_eq!(a, b);
    }
}
