use super::*;

fn fields(body: &str, content_type: ContentType) -> DocumentFields {
    DocumentFields {
        title: String::new(),
        body: body.into(),
        source: String::new(),
        url: String::new(),
        author: String::new(),
        published_at: None,
        language: String::new(),
        labels: vec![],
        content_type,
    }
}

const PAGE: &str = r#"<!doctype html><html lang="en"><head>
<title>Harbour strike ends | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<link rel="canonical" href="https://gazette.example/2024/03/04/harbour-strike-ends">
<meta property="article:published_time" content="2024-03-04T08:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour strike ends</h1><p class="byline">By Maria Keller</p>
<p>Dock workers returned to the north pier on Monday after the union accepted a new offer from the port authority.</p>
<p>The strike lasted nine days and stopped a third of the region's freight, according to figures from the authority.</p>
</article><footer>© 2024 Harbour Gazette</footer></body></html>"#;

fn derive_new(f: &mut DocumentFields) -> ArticleText {
    derive(
        f,
        Derived::default(),
        &Limits::default(),
        Timestamp::now(),
        true,
    )
}

#[test]
fn a_page_gives_text_and_metadata_where_the_request_left_them_empty() {
    let mut f = fields(PAGE, ContentType::Html);
    f.author = "Desk".into();
    let article = derive_new(&mut f);
    assert_eq!(article.text_version, CLEANER_VERSION);
    assert!(!article.text_empty);
    assert!(
        article.text.starts_with("Dock workers returned"),
        "{}",
        article.text
    );
    assert!(!article.text.contains('<'));
    assert_eq!(f.title, "Harbour strike ends");
    assert_eq!(f.author, "Desk", "the request wins");
    assert_eq!(f.language, "en");
    assert_eq!(f.source, "Harbour Gazette");
    assert_eq!(
        f.url,
        "https://gazette.example/2024/03/04/harbour-strike-ends"
    );
    assert_eq!(f.published_at.map(Timestamp::seconds), Some(1_709_539_200));
    assert!(article.derived.has(Derived::TITLE));
    assert!(!article.derived.has(Derived::AUTHOR));
}

#[test]
fn plain_text_without_furniture_is_kept_byte_for_byte() {
    let body = "The minister resigned on Friday.  \r\n\r\n\r\nShe gave   no reason.\n";
    let mut f = fields(body, ContentType::PlainText);
    f.title = "Minister resigns".into();
    let article = derive_new(&mut f);
    assert_eq!(article.text, body);
    assert_eq!(f.title, "Minister resigns");
}

#[test]
fn plain_text_loses_only_furniture_lines_and_keeps_its_own_spacing() {
    let body = "Skip to content\nMenu\n\nDock  workers returned on Monday.\nShare\n\nA crane at the pier.\nA crane at the pier.\n\nAdvertisement\n\nThe port  reopened.\n";
    let mut f = fields(body, ContentType::PlainText);
    f.title = "Strike".into();
    let article = derive_new(&mut f);
    assert_eq!(
        article.text,
        "Dock  workers returned on Monday.\n\nA crane at the pier.\n\nThe port  reopened."
    );
}

#[test]
fn a_headline_line_is_kept_in_text_unless_it_is_the_title() {
    let body = "Harbour strike ends after nine days\n\nDock workers returned on Monday.\n";
    let mut f = fields(body, ContentType::PlainText);
    f.title = "Something else".into();
    assert_eq!(derive_new(&mut f).text, body);
    let mut f = fields(body, ContentType::PlainText);
    let article = derive_new(&mut f);
    assert_eq!(f.title, "Harbour strike ends after nine days");
    assert_eq!(article.text, "Dock workers returned on Monday.");
    let mut f = fields(body, ContentType::PlainText);
    f.title = "Harbour strike ends after nine days".into();
    assert_eq!(derive_new(&mut f).text, "Dock workers returned on Monday.");
}

#[test]
fn a_page_without_an_article_is_flagged_empty() {
    let mut f = fields(
        "<html><body><nav><a href=/a>Home</a></nav></body></html>",
        ContentType::Html,
    );
    let article = derive_new(&mut f);
    assert!(article.text_empty);
    assert_eq!(article.text, "");
}

#[test]
fn derived_values_are_cut_to_the_limits_at_a_character_boundary() {
    let title = "é".repeat(700);
    let page = format!(
        "<html><head><title>{title}</title></head><body><p>Short text here.</p></body></html>"
    );
    let mut f = fields(&page, ContentType::Html);
    derive_new(&mut f);
    assert!(f.title.len() <= 1024, "{}", f.title.len());
    assert!(f.title.len() >= 1022);
    assert_eq!(truncate("aé", 2), "a");
}

#[test]
fn a_page_longer_than_a_plain_body_gives_text_within_the_plain_limit() {
    let paragraphs: String = (0..200)
        .map(|i| format!("<p>The council met for the {i}th time and voted on the harbour budget late in the evening.</p>"))
        .collect();
    let page = format!("<html><body><article>{paragraphs}</article></body></html>");
    let mut f = fields(&page, ContentType::Html);
    let limits = Limits {
        max_body_bytes: 4000,
        ..Limits::default()
    };
    let article = derive(&mut f, Derived::default(), &limits, Timestamp::now(), true);
    assert!(article.text.len() <= 4000, "{}", article.text.len());
    assert!(article.text.len() > 2000);
    assert!(article.text.ends_with("evening."), "cut at a paragraph");
    assert_eq!(cut_text("aé", 2), "a");
}

#[test]
fn a_newer_derivation_replaces_only_what_was_derived() {
    let mut f = fields(PAGE, ContentType::Html);
    f.author = "Desk".into();
    let first = derive_new(&mut f);
    f.title = "Stale derived title".into();
    let again = derive(
        &mut f,
        first.derived,
        &Limits::default(),
        Timestamp::now(),
        false,
    );
    assert_eq!(f.title, "Harbour strike ends");
    assert_eq!(f.author, "Desk");
    assert_eq!(f.source, "Harbour Gazette", "source stays as created");
    assert!(again.derived.has(Derived::SOURCE));
}

/// Every fixture article, as the CLI sends it (JSON fields; .txt/.md with the
/// first line as title): its text is its body, or its body less lines that
/// really are furniture (a byline), never a sentence of the article.
#[test]
fn fixture_articles_keep_their_body_as_text() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/articles");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read_to_string(&path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let documents: Vec<(String, String)> = match ext {
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
                vec![(
                    v["title"].as_str().unwrap_or("").to_string(),
                    v["body"].as_str().unwrap_or("").to_string(),
                )]
            }
            "jsonl" => raw
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    (
                        v["title"].as_str().unwrap_or("").to_string(),
                        v["body"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect(),
            _ => {
                let (title, body) = raw.split_once('\n').unwrap();
                vec![(
                    title.trim_start_matches('#').trim().to_string(),
                    body.trim().to_string(),
                )]
            }
        };
        for (title, body) in documents {
            let mut f = fields(&body, ContentType::PlainText);
            f.title = title;
            let article = derive_new(&mut f);
            checked += 1;
            if article.text == body {
                continue;
            }
            let kept: Vec<&str> = article.text.lines().filter(|l| !l.is_empty()).collect();
            let dropped: Vec<&str> = body
                .lines()
                .filter(|l| !l.trim().is_empty() && !kept.contains(l))
                .collect();
            for line in &dropped {
                eprintln!("{}: dropped {line:?}", path.display());
                let lower = line.trim().to_lowercase();
                let furniture = line.starts_with("By ")
                    || lower.starts_with('©')
                    || lower.starts_with("copyright")
                    || [
                        "read more",
                        "share",
                        "advertisement",
                        "related articles",
                        "related",
                    ]
                    .contains(&lower.trim_end_matches(':'));
                assert!(
                    furniture,
                    "{}: dropped a line that is not furniture: {line:?}",
                    path.display()
                );
            }
        }
    }
    assert!(checked >= 14, "{checked}");
}

mod random_pages {
    use proptest::prelude::*;

    use super::*;

    const PIECES: &[&str] = &[
        "<html lang=\"en\">",
        "<title>",
        "</title>",
        "<meta property=\"og:site_name\" content=\"",
        "<meta property=\"article:published_time\" content=\"",
        "\">",
        "<script type=\"application/ld+json\">{\"headline\":\"",
        "\"}</script>",
        "<article>",
        "</article>",
        "<p>",
        "</p>",
        "<nav>",
        "</nav>",
        "By ",
        "Share",
        "\n",
        "\n\n",
        "é",
        "\u{0}",
        "\u{7}",
        "2024-05-06",
        "9999-01-01",
        "The harbour council voted on the budget on Monday. ",
    ];

    fn page() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(PIECES).prop_map(str::to_string),
                1 => any::<String>(),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// What fuzz/create_page checks, run on every test run: derived
        /// values obey the limits and rules, the request wins.
        #[test]
        fn derived_values_obey_the_limits(body in page(), html: bool, title: bool, small in 0usize..40) {
            let limits = Limits {
                max_title_bytes: small,
                max_source_bytes: small,
                max_url_bytes: small,
                max_author_bytes: small,
                max_language_bytes: small,
                max_body_bytes: 64 + small * 8,
                ..Limits::default()
            };
            let content_type = if html { ContentType::Html } else { ContentType::PlainText };
            let mut f = fields(&body, content_type);
            if title {
                f.title = "Sent".into();
            }
            let now = Timestamp::now();
            let article = derive(&mut f, Derived::default(), &limits, now, true);
            prop_assert!(f.title.len() <= limits.max_title_bytes || title);
            prop_assert!(f.source.len() <= limits.max_source_bytes);
            prop_assert!(f.url.len() <= limits.max_url_bytes);
            prop_assert!(f.author.len() <= limits.max_author_bytes);
            prop_assert!(f.language.len() <= limits.max_language_bytes);
            prop_assert!(!f.source.chars().any(char::is_control));
            prop_assert!(!f.title.contains('\0') && !f.author.contains('\0'));
            if title {
                prop_assert_eq!(&f.title, "Sent");
            }
            if let Some(t) = f.published_at {
                prop_assert!(t.seconds() <= now.seconds() + MAX_FUTURE_SECONDS);
            }
            if html {
                prop_assert!(article.text.len() <= limits.max_body_bytes);
            }
            prop_assert_eq!(article.text_empty, article.text.trim().is_empty());
            prop_assert_eq!(f.body, body);
        }
    }
}
