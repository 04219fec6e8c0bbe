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
