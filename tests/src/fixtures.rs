//! The project's own sample articles (`fixtures/`), as proto documents.

use std::path::{Path, PathBuf};

use dossier_proto::v1::Document;
use serde::Deserialize;

/// The repository's `fixtures/` folder.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[derive(Debug, Deserialize)]
struct Article {
    title: String,
    body: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    language: String,
    #[serde(default)]
    labels: Vec<String>,
}

impl Article {
    fn into_document(self) -> Document {
        Document {
            title: self.title,
            body: self.body,
            source: self.source,
            url: self.url,
            author: self.author,
            published_at: self
                .published_at
                .map(|at| at.parse().expect("fixture published_at is RFC 3339")),
            language: self.language,
            labels: self.labels,
            ..Default::default()
        }
    }
}

/// Every article under `fixtures/articles`, sorted by file name (the JSON
/// lines of `batch.jsonl` in line order). Markdown and text files take their
/// source from the outlet their README names.
pub fn articles() -> Vec<Document> {
    let dir = fixtures_dir().join("articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let mut documents = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => documents.push(parse(&text).into_document()),
            Some("jsonl") => documents.extend(
                text.lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(|line| parse(line).into_document()),
            ),
            Some("md") => documents.push(plain_text(&text, "quayside-herald")),
            Some("txt") => documents.push(plain_text(&text, "eastern-strait-post")),
            _ => {}
        }
    }
    documents
}

fn parse(json: &str) -> Article {
    serde_json::from_str(json).expect("fixture article is valid JSON")
}

fn plain_text(text: &str, source: &str) -> Document {
    let (title, body) = text.split_once('\n').unwrap_or((text, ""));
    Document {
        title: title.trim_start_matches('#').trim().to_string(),
        body: body.trim().to_string(),
        source: source.to_string(),
        language: "en".to_string(),
        ..Default::default()
    }
}

/// Every saved page under `fixtures/pages` (`.html`, `.htm`), sorted by file
/// name, as the CLI sends them: content type "text/html", the bytes decoded
/// to UTF-8, every other field left for storage to take from the page.
pub fn pages() -> Vec<(String, Document)> {
    let dir = fixtures_dir().join("pages");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("html" | "htm")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let body = decode(&std::fs::read(&path).unwrap());
            let document = Document {
                body,
                content_type: "text/html".into(),
                ..Default::default()
            };
            (name, document)
        })
        .collect()
}

/// UTF-8, else windows-1252 (the one other charset the fixture pages use,
/// declared in the page); the CLI and storage use the article cleaner's
/// full decoder instead.
fn decode(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    /// windows-1252 0x80..=0x9F; the rest of the range is Latin-1.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// The quote set's one-event articles
/// (`services/extraction/testdata/quotes/event.jsonl`: six outlets, the
/// negotiator spelled six ways) as documents in file order, each with its
/// annotation line's `id` in the url (`https://example.invalid/<id>`).
pub fn event_documents() -> Vec<Document> {
    #[derive(Deserialize)]
    struct Article {
        id: String,
        source: String,
        published_at: String,
        /// Headline, blank line, body.
        text: String,
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../services/extraction/testdata/quotes/event.jsonl");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let a: Article = serde_json::from_str(l).expect("event.jsonl line");
            let (title, body) = a
                .text
                .split_once("\n\n")
                .expect("headline, blank line, body");
            Document {
                title: title.into(),
                body: body.into(),
                source: a.source,
                url: format!("https://example.invalid/{}", a.id),
                published_at: Some(a.published_at.parse().expect("RFC 3339 published_at")),
                language: "en".into(),
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_are_read_and_decoded() {
        let pages = super::pages();
        assert!(pages.len() >= 5, "{}", pages.len());
        let courier = pages
            .iter()
            .find(|(name, _)| name.contains("baltic-courier"))
            .unwrap();
        assert!(courier.1.body.contains("Kärdla") && courier.1.body.contains("€400,000"));
        assert!(pages.iter().all(|(_, d)| d.content_type == "text/html"));
    }
}
