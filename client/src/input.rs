//! Reading articles from files, folders, globs and stdin.
//!
//! Formats: `.json` (one document or an array), `.jsonl` (one per line),
//! `.md` and `.txt` (title on the first line, body after it), and saved web
//! pages, `.html`/`.htm` (sent as they are, content type "text/html", title
//! and metadata left empty for storage to take from the page). A file named
//! on the command line with another extension is sniffed: markup is sent as
//! a page, anything else as text. Bytes are decoded from their charset (BOM,
//! `<meta charset>`, else detection) by the article cleaner's decoder, since
//! the API carries UTF-8. Everything is read lazily so a folder of a million
//! files streams in constant memory.
//!
//! Files of any unsupported format in a folder or glob are returned by name
//! so the summary can say what was left out.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use dossier_article::ContentType;
use dossier_proto::v1::Document;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A local input could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{pattern:?} matches no file")]
    NothingMatched { pattern: String },
}

/// What the command-line paths name.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The files to read, in order; `None` is stdin.
    pub files: Vec<Option<PathBuf>>,
    /// Files found in a folder or by a glob that are in no supported format:
    /// skipped, and named in the summary.
    pub unsupported: Vec<PathBuf>,
}

/// Defaults applied to documents that do not set the field themselves.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub source: Option<String>,
    pub language: Option<String>,
    pub labels: Vec<String>,
}

/// One article read from the input, with where it came from.
#[derive(Debug, Clone)]
pub struct Article {
    /// File and line, for messages ("feed.jsonl:12").
    pub origin: String,
    pub document: Document,
    /// Derived from the content, so a rerun of the same input is recognised
    /// by the server as a retry and creates nothing twice.
    pub request_id: String,
}

/// Expands command-line paths into the files to read, in a stable order:
/// folders recursively (supported extensions only, sorted), globs, plain files.
/// "-" stands for stdin and is returned as `None`. A file named on its own
/// is read whatever its extension (sniffed when unknown).
pub fn expand(paths: &[String]) -> Result<Expanded, InputError> {
    let mut expanded = Expanded::default();
    let Expanded { files, unsupported } = &mut expanded;
    for raw in paths {
        if raw == "-" {
            files.push(None);
            continue;
        }
        let path = Path::new(raw);
        if path.is_dir() {
            let mut found = Vec::new();
            let first_unsupported = unsupported.len();
            walk(path, &mut found, unsupported)?;
            found.sort();
            unsupported[first_unsupported..].sort();
            files.extend(found.into_iter().map(Some));
        } else if path.exists() {
            files.push(Some(path.to_path_buf()));
        } else {
            let matches = glob::glob(raw).map_err(|err| InputError::Unreadable {
                path: raw.clone(),
                reason: format!("neither a file nor a valid glob pattern: {err}"),
            })?;
            let (mut found, mut others): (Vec<PathBuf>, Vec<PathBuf>) = matches
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .partition(|p| is_supported(p));
            if found.is_empty() && others.is_empty() {
                return Err(InputError::NothingMatched {
                    pattern: raw.clone(),
                });
            }
            found.sort();
            others.sort();
            files.extend(found.into_iter().map(Some));
            unsupported.extend(others);
        }
    }
    Ok(expanded)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, others: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let entries = std::fs::read_dir(dir).map_err(|err| unreadable(dir, err))?;
    for entry in entries {
        let path = entry.map_err(|err| unreadable(dir, err))?.path();
        if path.is_dir() {
            walk(&path, found, others)?;
        } else if is_supported(&path) {
            found.push(path);
        } else {
            others.push(path);
        }
    }
    Ok(())
}

/// A saved web page: `.html`, `.htm` or `.xhtml`.
pub fn is_html(path: &Path) -> bool {
    matches!(extension(path).as_str(), "html" | "htm" | "xhtml")
}

fn is_supported(path: &Path) -> bool {
    is_html(path)
        || matches!(
            extension(path).as_str(),
            "json" | "jsonl" | "ndjson" | "md" | "txt"
        )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn unreadable(path: &Path, err: impl std::fmt::Display) -> InputError {
    InputError::Unreadable {
        path: path.display().to_string(),
        reason: err.to_string(),
    }
}

/// Reads every article of one input (a file, or stdin for `None`), calling
/// `emit` for each; a malformed item is passed as an error and reading goes on.
pub fn read_input(
    input: Option<&Path>,
    defaults: &Defaults,
    emit: &mut dyn FnMut(Result<Article, InputError>) -> bool,
) -> Result<(), InputError> {
    let Some(path) = input else {
        return read_json_lines("<stdin>", std::io::stdin().lock(), defaults, emit);
    };
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|err| unreadable(path, err))?;
    match extension(path).as_str() {
        "jsonl" | "ndjson" => read_json_lines(&name, BufReader::new(file), defaults, emit),
        "json" => {
            let mut text = String::new();
            BufReader::new(file)
                .read_to_string(&mut text)
                .map_err(|err| unreadable(path, err))?;
            for (index, raw) in parse_json_documents(&text)
                .map_err(|reason| InputError::Unreadable {
                    path: name.clone(),
                    reason,
                })?
                .into_iter()
                .enumerate()
            {
                let origin = if index == 0 {
                    name.clone()
                } else {
                    format!("{name}[{index}]")
                };
                if !emit(Ok(raw.into_article(origin, defaults))) {
                    break;
                }
            }
            Ok(())
        }
        ext => {
            let mut bytes = Vec::new();
            BufReader::new(file)
                .read_to_end(&mut bytes)
                .map_err(|err| unreadable(path, err))?;
            let known_text = matches!(ext, "md" | "txt");
            let html = is_html(path)
                || (!known_text && ContentType::sniff(&bytes, None) == ContentType::Html);
            let article = if html {
                page_article(&name, &bytes, defaults)
            } else {
                let (text, _) = dossier_article::charset::decode_text(&bytes);
                text_article(&name, &text, defaults)
            };
            emit(Ok(article));
            Ok(())
        }
    }
}

/// A saved page: decoded to UTF-8 and sent whole as "text/html"; title and
/// metadata stay empty so storage takes them from the page.
fn page_article(name: &str, bytes: &[u8], defaults: &Defaults) -> Article {
    let (html, _, _) = dossier_article::charset::decode_html(bytes);
    let raw = RawDocument {
        body: html.into_owned(),
        content_type: ContentType::Html.as_mime().to_string(),
        ..RawDocument::default()
    };
    raw.into_article(name.to_string(), defaults)
}

fn read_json_lines(
    name: &str,
    reader: impl BufRead,
    defaults: &Defaults,
    emit: &mut dyn FnMut(Result<Article, InputError>) -> bool,
) -> Result<(), InputError> {
    for (index, line) in reader.lines().enumerate() {
        let origin = format!("{name}:{}", index + 1);
        let line = line.map_err(|err| InputError::Unreadable {
            path: origin.clone(),
            reason: err.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str::<RawDocument>(&line)
            .map(|raw| raw.into_article(origin.clone(), defaults))
            .map_err(|err| InputError::Unreadable {
                path: origin,
                reason: err.to_string(),
            });
        if !emit(item) {
            break;
        }
    }
    Ok(())
}

fn parse_json_documents(text: &str) -> Result<Vec<RawDocument>, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<RawDocument>),
        One(Box<RawDocument>),
    }
    match serde_json::from_str::<OneOrMany>(text) {
        Ok(OneOrMany::Many(docs)) => Ok(docs),
        Ok(OneOrMany::One(doc)) => Ok(vec![*doc]),
        // Untagged enums hide the real reason; parse again as one document to report it.
        Err(_) => serde_json::from_str::<RawDocument>(text)
            .map(|doc| vec![doc])
            .map_err(|err| err.to_string()),
    }
}

/// A `.md` or `.txt` article: the first non-empty line is the title.
fn text_article(name: &str, text: &str, defaults: &Defaults) -> Article {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let title = lines.by_ref().find(|l| !l.trim().is_empty()).unwrap_or("");
    let title = title.trim().trim_start_matches('#').trim().to_string();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    let raw = RawDocument {
        title,
        body,
        ..RawDocument::default()
    };
    raw.into_article(name.to_string(), defaults)
}

/// The JSON shape of an article, in either snake_case or the proto3 JSON
/// camelCase; output-only fields (as `dossier ls --jsonl` prints them) are
/// accepted and ignored so an export can be loaded again.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: String,
    #[serde(default)]
    author: String,
    #[serde(default, alias = "publishedAt")]
    published_at: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    /// "text/plain" (default) or "text/html".
    #[serde(default, alias = "contentType")]
    content_type: String,
    #[serde(default, rename = "id")]
    _id: Option<serde_json::Value>,
    #[serde(default, rename = "sequence")]
    _sequence: Option<serde_json::Value>,
    #[serde(default, rename = "content_sha256", alias = "contentSha256")]
    _content_sha256: Option<serde_json::Value>,
    #[serde(default, rename = "create_time", alias = "createTime")]
    _create_time: Option<serde_json::Value>,
    #[serde(default, rename = "text")]
    _text: Option<serde_json::Value>,
    #[serde(default, rename = "text_version", alias = "textVersion")]
    _text_version: Option<serde_json::Value>,
    #[serde(default, rename = "text_empty", alias = "textEmpty")]
    _text_empty: Option<serde_json::Value>,
}

impl RawDocument {
    fn into_article(self, origin: String, defaults: &Defaults) -> Article {
        let mut labels = self.labels;
        for label in &defaults.labels {
            if !labels.contains(label) {
                labels.push(label.clone());
            }
        }
        // An unparsable timestamp is passed through as "missing" and reported
        // by the origin; the server validates ranges.
        let published_at = self
            .published_at
            .as_deref()
            .and_then(|t| prost_types::Timestamp::from_str(t).ok());
        let document = Document {
            title: self.title,
            body: self.body,
            source: self
                .source
                .or_else(|| defaults.source.clone())
                .unwrap_or_default(),
            url: self.url,
            author: self.author,
            published_at,
            language: self
                .language
                .or_else(|| defaults.language.clone())
                .unwrap_or_default(),
            labels,
            content_type: self.content_type,
            ..Document::default()
        };
        let request_id = content_request_id(&document);
        Article {
            origin,
            document,
            request_id,
        }
    }
}

/// `ingest-` + 32 hex digits of SHA-256 over the fields that make a document
/// what it is; identical input always gets the same request id.
pub fn content_request_id(document: &Document) -> String {
    let mut hasher = Sha256::new();
    for part in [
        &document.source,
        &document.title,
        &document.body,
        &document.url,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    // Only when set, so plain documents keep the ids earlier runs gave them.
    if !document.content_type.is_empty() {
        hasher.update(document.content_type.as_bytes());
    }
    let digest = hasher.finalize();
    format!("ingest-{}", hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(path: &Path, defaults: &Defaults) -> Vec<Result<Article, InputError>> {
        let mut out = Vec::new();
        read_input(Some(path), defaults, &mut |item| {
            out.push(item);
            true
        })
        .unwrap();
        out
    }

    #[test]
    fn reads_every_format_and_keeps_going_after_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "# Port strike ends\n\nDockers returned on Monday.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.json"),
            r#"{"title":"T","body":"B","source":"meridian-wire","publishedAt":"2026-03-03T09:15:00Z"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("c.jsonl"),
            "{\"body\":\"one\"}\nnot json\n\n{\"body\":\"two\"}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("ignored.csv"), "x").unwrap();

        let expanded = expand(&[dir.path().display().to_string()]).unwrap();
        assert_eq!(expanded.files.len(), 3, "{expanded:?}");
        assert_eq!(expanded.unsupported, [dir.path().join("ignored.csv")]);
        let defaults = Defaults {
            source: Some("desk".into()),
            ..Defaults::default()
        };

        let md = collect(&dir.path().join("a.md"), &defaults);
        let md = md[0].as_ref().unwrap();
        assert_eq!(md.document.title, "Port strike ends");
        assert_eq!(md.document.body, "Dockers returned on Monday.");
        assert_eq!(md.document.source, "desk");

        let json = collect(&dir.path().join("b.json"), &defaults);
        let json = json[0].as_ref().unwrap();
        assert_eq!(json.document.source, "meridian-wire");
        assert_eq!(json.document.published_at.unwrap().seconds, 1_772_529_300);

        let lines = collect(&dir.path().join("c.jsonl"), &defaults);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].is_ok() && lines[2].is_ok());
        let err = lines[1].as_ref().unwrap_err().to_string();
        assert!(err.contains("c.jsonl:2"), "{err}");
    }

    #[test]
    fn json_may_carry_a_page_and_its_content_type() {
        let docs = parse_json_documents(
            r#"{"body":"<p>x</p>","contentType":"text/html","text":"x","textVersion":1}"#,
        )
        .unwrap();
        let article = docs
            .into_iter()
            .next()
            .unwrap()
            .into_article("a.json".into(), &Defaults::default());
        assert_eq!(article.document.content_type, "text/html");
        let plain = content_request_id(&Document {
            body: "<p>x</p>".into(),
            ..Document::default()
        });
        assert_ne!(article.request_id, plain, "the type is part of the content");
    }

    #[test]
    fn unknown_fields_are_reported_by_name() {
        let err = parse_json_documents(r#"{"titel":"x","body":"y"}"#).unwrap_err();
        assert!(err.contains("titel"), "{err}");
    }

    #[test]
    fn request_ids_depend_on_content_only() {
        let doc = |body: &str| Document {
            body: body.into(),
            ..Document::default()
        };
        assert_eq!(content_request_id(&doc("a")), content_request_id(&doc("a")));
        assert_ne!(content_request_id(&doc("a")), content_request_id(&doc("b")));
    }

    #[test]
    fn html_pages_are_read_decoded_and_left_for_storage_to_title() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("Port.HTM");
        // windows-1252: 0xE9 is "é", declared by the page.
        let mut bytes =
            b"<html><head><meta charset=\"windows-1252\"><title>Caf\xE9 strike</title></head>"
                .to_vec();
        bytes.extend_from_slice(b"<body><p>Dockers out.</p></body></html>");
        std::fs::write(&page, &bytes).unwrap();
        std::fs::write(dir.path().join("b.html"), "<p>x</p>").unwrap();
        std::fs::write(dir.path().join("a.txt"), "Port strike\nDockers out.").unwrap();
        std::fs::write(dir.path().join("notes.csv"), "x").unwrap();
        let sniffed = dir.path().join("saved-page");
        std::fs::write(
            &sniffed,
            "<!DOCTYPE html><html><body><p>x</p></body></html>",
        )
        .unwrap();

        let expanded = expand(&[page.display().to_string()]).unwrap();
        assert_eq!(expanded.files, [Some(page.clone())]);
        let read = collect(&page, &Defaults::default());
        let doc = &read[0].as_ref().unwrap().document;
        assert_eq!(doc.content_type, "text/html");
        assert_eq!(doc.title, "", "storage derives it");
        assert!(doc.body.contains("Café strike"), "{}", doc.body);

        let expanded = expand(&[dir.path().display().to_string()]).unwrap();
        assert_eq!(
            expanded.files,
            [
                Some(page.clone()),
                Some(dir.path().join("a.txt")),
                Some(dir.path().join("b.html"))
            ]
        );
        assert_eq!(
            expanded.unsupported,
            [dir.path().join("notes.csv"), sniffed.clone()]
        );
        let text = collect(&dir.path().join("a.txt"), &Defaults::default());
        let text = &text[0].as_ref().unwrap().document;
        assert_eq!(
            (text.title.as_str(), text.content_type.as_str()),
            ("Port strike", "")
        );

        // Named on its own, a file without a known extension is sniffed.
        let read = collect(&sniffed, &Defaults::default());
        assert_eq!(read[0].as_ref().unwrap().document.content_type, "text/html");
    }

    #[test]
    fn a_glob_that_matches_nothing_is_an_error() {
        let err = expand(&["/nonexistent/dir/*.json".into()]).unwrap_err();
        assert!(matches!(err, InputError::NothingMatched { .. }));
    }
}
