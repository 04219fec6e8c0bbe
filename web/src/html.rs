//! The page frame and the small pieces every page shares: dates, entity
//! type labels, URL building. maud escapes every `(expression)` it renders,
//! so article text (untrusted) only ever becomes text; the one thing left to
//! guard is what goes *into* an attribute as a URL, which [`query_url`] and
//! [`path_segment`] percent-encode.

use dossier_kit::civil::civil_from_days;
use dossier_proto::v1::EntityType;
use maud::{DOCTYPE, Markup, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use prost_types::Timestamp;

/// Characters left as they are in a query value or a path segment.
const URL_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The navigation entries, by the URL path they lead to.
const NAV: [(&str, &str); 6] = [
    ("/search", "Search"),
    ("/stories", "Stories"),
    ("/quotes", "Quotes"),
    ("/entities", "Entities"),
    ("/status", "Status"),
    ("/login", "Token"),
];

/// What a page puts into the shared frame.
pub struct Frame<'a> {
    pub title: &'a str,
    /// The navigation entry to mark as current ("/search" ...).
    pub section: &'a str,
    /// The query the header's search box shows.
    pub query: &'a str,
}

/// The whole document: header with navigation and search box, the page's
/// main content, a footer. The stylesheet and script come from /static/ (the
/// Content-Security-Policy forbids inline script and style).
pub fn page(frame: &Frame<'_>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " · Dossier" }
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/static/console.css";
                script src="/static/console.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/search" { "Dossier" }
                    nav aria-label="Sections" {
                        ul {
                            @for (path, label) in NAV {
                                li {
                                    @if path == frame.section {
                                        a href=(path) aria-current="page" { (label) }
                                    } @else {
                                        a href=(path) { (label) }
                                    }
                                }
                            }
                        }
                    }
                    form.quick role="search" action="/search" method="get" {
                        label.visually-hidden for="quick-q" { "Search articles" }
                        input #quick-q type="search" name="q" value=(frame.query)
                            placeholder="Search (press / to focus)";
                        button type="submit" { "Search" }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer { "Dossier web console · pages render on the server and work without JavaScript" }
            }
        }
    }
}

/// `2026-03-04` (UTC), or an empty string for an unset time.
pub fn date(at: Option<&Timestamp>) -> String {
    at.map(|t| {
        let (y, m, d) = civil_from_days(t.seconds.div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    })
    .unwrap_or_default()
}

/// `2026-03-04 09:30 UTC`, or an empty string.
pub fn date_time(at: Option<&Timestamp>) -> String {
    at.map(|t| {
        let secs = t.seconds.rem_euclid(86_400);
        format!(
            "{} {:02}:{:02} UTC",
            date(Some(t)),
            secs / 3600,
            (secs % 3600) / 60
        )
    })
    .unwrap_or_default()
}

/// A `<time>` element with the machine-readable date.
pub fn time(at: Option<&Timestamp>) -> Markup {
    let day = date(at);
    html! {
        @if !day.is_empty() { time datetime=(day) { (day) } }
    }
}

/// The entity type's name as people read it ("PERSON"), for labels that
/// carry the type in text, not only in colour.
pub fn type_name(value: i32) -> &'static str {
    match EntityType::try_from(value) {
        Ok(EntityType::Unspecified) | Err(_) => "ENTITY",
        Ok(kind) => kind.as_str_name(),
    }
}

/// The CSS class of a type (`t-person`), for the colour that doubles the label.
pub fn type_class(value: i32) -> String {
    format!("t-{}", type_name(value).to_ascii_lowercase())
}

/// A type label: the type in text, coloured as a second cue.
pub fn type_badge(value: i32) -> Markup {
    html! { span class={ "type " (type_class(value)) } { (type_name(value)) } }
}

/// A percent-encoded path segment (`/entities/{this}`).
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, URL_SAFE).to_string()
}

/// `path?k=v&...`, with empty values left out and every value encoded.
pub fn query_url(path: &str, params: &[(&str, &str)]) -> String {
    let mut url = path.to_string();
    let mut sep = '?';
    for (key, value) in params {
        if value.is_empty() {
            continue;
        }
        url.push(sep);
        url.push_str(key);
        url.push('=');
        url.push_str(&utf8_percent_encode(value, URL_SAFE).to_string());
        sep = '&';
    }
    url
}

/// The link to an entity's page.
pub fn entity_href(id: &str) -> String {
    format!("/entities/{}", path_segment(id))
}

/// The link to a document's page.
pub fn document_href(id: &str) -> String {
    format!("/documents/{}", path_segment(id))
}

/// The link to a story's page.
pub fn story_href(id: &str) -> String {
    format!("/stories/{}", path_segment(id))
}

/// A fragment with its highlighted byte ranges wrapped in `<mark>`. Ranges
/// that are out of order, overlapping or not on character boundaries are
/// skipped rather than trusted.
pub fn highlighted(fragment: &str, spans: &[(usize, usize)]) -> Markup {
    let mut parts: Vec<Markup> = Vec::new();
    let mut at = 0;
    for &(start, end) in spans {
        if start < at || end <= start {
            continue;
        }
        let (Some(before), Some(hit)) = (fragment.get(at..start), fragment.get(start..end)) else {
            continue;
        };
        parts.push(html! { (before) });
        parts.push(html! { mark { (hit) } });
        at = end;
    }
    parts.push(html! { (fragment.get(at..).unwrap_or_default()) });
    html! { @for part in parts { (part) } }
}

/// A count with thousands separators (12,345).
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_every_value() {
        assert_eq!(
            query_url("/search", &[("q", "a&b c\"<"), ("page_token", "")]),
            "/search?q=a%26b%20c%22%3C"
        );
        assert_eq!(path_segment("../x?y"), "..%2Fx%3Fy");
    }

    #[test]
    fn highlights_skip_bad_spans() {
        let text = "Zoë <b>";
        let out = highlighted(text, &[(0, 2), (2, 3), (5, 8)]).into_string();
        assert_eq!(out, "<mark>Zo</mark>ë <mark>&lt;b&gt;</mark>");
    }

    #[test]
    fn dates_and_counts() {
        let t = Timestamp {
            seconds: 1_772_614_800,
            nanos: 0,
        };
        assert_eq!(date(Some(&t)), "2026-03-04");
        assert_eq!(date_time(Some(&t)), "2026-03-04 09:00 UTC");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
