//! The create path on arbitrary pages and text: validation, then the
//! content hash and the article derived from the body (what CreateDocument
//! and ImportDocuments do before the writer), under arbitrary limits. No
//! panic, no hang, and
//! - what the request set is kept as sent; the hash covers the title as
//!   sent, so dedup never depends on the cleaner;
//! - every derived value obeys the field's limit (cut, never refused) and
//!   the rules sent values obey (no control characters in source, a
//!   language of letters, digits and '-', published_at in range);
//! - text is set and flagged empty consistently, with the cleaner's version;
//! - plain text whose lines the cleaner all keeps is its own text.

#![no_main]

use dossier_proto::v1 as pb;
use dossier_storage::Limits;
use dossier_storage::model::{ContentType, Derived, NewDocument, Timestamp};
use dossier_storage::validation::{MAX_FUTURE_SECONDS, MIN_PUBLISHED_SECONDS, validate_document};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn limits(u: &mut Unstructured<'_>) -> Result<Limits> {
    let small = |u: &mut Unstructured<'_>| -> Result<usize> { u.int_in_range(0..=80) };
    Ok(Limits {
        max_title_bytes: small(u)?,
        max_source_bytes: small(u)?,
        max_url_bytes: small(u)?,
        max_author_bytes: small(u)?,
        max_language_bytes: small(u)?,
        ..Limits::default()
    })
}

/// Mostly markup-like input, so the parser and the rules are reached.
fn body(u: &mut Unstructured<'_>) -> Result<String> {
    const PIECES: &[&str] = &[
        "<html lang=\"en\">",
        "<head>",
        "<title>",
        "</title>",
        "<meta property=\"og:site_name\" content=\"",
        "<meta property=\"article:published_time\" content=\"",
        "\">",
        "<link rel=\"canonical\" href=\"https://a.example/2024/05/06/x\">",
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"",
        "\"}</script>",
        "<body>",
        "<nav>",
        "</nav>",
        "<article>",
        "</article>",
        "<h1>",
        "</h1>",
        "<p>",
        "</p>",
        "<p class=\"byline\">By ",
        "<figure><figcaption>",
        "</figcaption></figure>",
        "<div class=\"related\">",
        "</div>",
        "<time datetime=\"",
        "Share",
        "Read more",
        "Advertisement",
        "\n",
        "\n\n",
        "é",
        "\u{0}",
        "\u{7}",
        "\r\n",
        "The harbour council voted on the budget on Monday, the minister said. ",
    ];
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=60)? {
        if u.ratio(1, 4)? {
            out.push_str(&u.arbitrary::<String>()?);
        } else {
            out.push_str(PIECES[u.choose_index(PIECES.len())?]);
        }
    }
    Ok(out)
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let limits = limits(u)?;
    let now = Timestamp::now();
    let html: bool = u.arbitrary()?;
    let doc = pb::Document {
        title: if u.ratio(1, 3)? {
            u.arbitrary()?
        } else {
            String::new()
        },
        author: if u.ratio(1, 4)? {
            u.arbitrary()?
        } else {
            String::new()
        },
        source: if u.ratio(1, 4)? {
            "wire".into()
        } else {
            String::new()
        },
        body: body(u)?,
        content_type: if html {
            "text/html".into()
        } else {
            String::new()
        },
        ..Default::default()
    };
    let Ok(fields) = validate_document(Some(&doc), &limits, now) else {
        return Ok(());
    };
    let sent = fields.clone();
    let new = NewDocument::new(fields, &limits, now);
    let f = &new.fields;
    let a = &new.article;
    assert_eq!(new.content_sha256, sent.content_sha256());
    assert_eq!(f.body, sent.body);
    assert_eq!(f.labels, sent.labels);
    assert_eq!(
        f.content_type,
        if html {
            ContentType::Html
        } else {
            ContentType::PlainText
        }
    );
    for (set, now_value, bit) in [
        (&sent.title, &f.title, Derived::TITLE),
        (&sent.author, &f.author, Derived::AUTHOR),
        (&sent.source, &f.source, Derived::SOURCE),
    ] {
        if !set.is_empty() {
            assert_eq!(set, now_value, "the request wins");
            assert!(!a.derived.has(bit));
        }
    }
    assert!(f.title.len() <= limits.max_title_bytes);
    assert!(f.author.len() <= limits.max_author_bytes);
    assert!(f.source.len() <= limits.max_source_bytes);
    assert!(f.url.len() <= limits.max_url_bytes);
    assert!(f.language.len() <= limits.max_language_bytes);
    assert!(!f.source.chars().any(char::is_control));
    assert!(
        f.language
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    );
    for value in [&f.title, &f.author, &f.url] {
        assert!(!value.contains('\0') || sent.title.contains('\0'));
    }
    if let Some(t) = f.published_at {
        assert!(t.seconds() >= MIN_PUBLISHED_SECONDS);
        assert!(t.seconds() <= now.seconds() + MAX_FUTURE_SECONDS);
    }
    assert_eq!(a.text_version, dossier_article::CLEANER_VERSION);
    assert_eq!(a.text_empty, a.text.trim().is_empty());
    if !html && sent.title.is_empty() && a.text.len() == sent.body.len() {
        assert_eq!(a.text, sent.body);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
