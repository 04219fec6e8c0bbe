//! The on-disk layout: redb table definitions and the postcard rows stored in
//! them. Everything that knows how bytes are laid out lives here.
//!
//! | table            | key                              | value                      |
//! |------------------|----------------------------------|----------------------------|
//! | documents        | id (ULID as u128, time-ordered)  | `DocumentRow`              |
//! | changes          | sequence                         | `ChangeRow`                |
//! | dedup            | content sha256 ++ source         | (id, sequence)             |
//! | requests         | request_id                       | `RequestRow`               |
//! | request_expiry   | recorded-at ms (BE) ++ request_id| ()                         |
//! | articles         | id                               | `ArticleRow`               |
//! | meta             | name                             | u64 (`format`)             |
//!
//! Format history (`meta["format"]`):
//! - 1 (no `meta` table): documents, changes, dedup, requests. Rows of this
//!   format are still read as they are: `DocumentRow` keeps its layout.
//! - 2: adds `articles`, the derived text of each document, its cleaner
//!   version and which metadata fields were derived, and the change kind
//!   `TextUpdated`. A document without an `articles` row was stored by
//!   format 1 and reads as text = body, text_version 0, until the
//!   background re-derivation (`crate::rederive`) writes its row. Opening
//!   a format-1 directory only creates the new tables and records format 2:
//!   nothing is rewritten at start.

use redb::TableDefinition;
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::error::Result;
use crate::model::{
    ArticleText, ChangeKind, ContentType, Derived, DocumentFields, StoredDocument, Timestamp,
    WriteOutcome,
};

pub const DOCUMENTS: TableDefinition<u128, &[u8]> = TableDefinition::new("documents");
pub const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
pub const DEDUP: TableDefinition<&[u8], (u128, u64)> = TableDefinition::new("dedup");
pub const REQUESTS: TableDefinition<&str, &[u8]> = TableDefinition::new("requests");
pub const REQUEST_EXPIRY: TableDefinition<&[u8], ()> = TableDefinition::new("request_expiry");
pub const ARTICLES: TableDefinition<u128, &[u8]> = TableDefinition::new("articles");
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// The on-disk format this build writes (see the module docs).
pub const FORMAT: u64 = 2;
pub const FORMAT_KEY: &str = "format";

/// A document as stored; its id is the key. The layout of format 1,
/// unchanged (postcard is not self-describing: a field added here would
/// make every older row unreadable); what format 2 adds is in `ArticleRow`.
#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentRow {
    pub sequence: u64,
    pub create_time: Timestamp,
    pub content_sha256: [u8; 32],
    pub fields: FieldsRow,
}

/// The caller's fields as format 1 stored them (content type excepted).
#[derive(Debug, Serialize, Deserialize)]
pub struct FieldsRow {
    pub title: String,
    pub body: String,
    pub source: String,
    pub url: String,
    pub author: String,
    pub published_at: Option<Timestamp>,
    pub language: String,
    pub labels: Vec<String>,
}

/// The derived article of one document (format 2).
#[derive(Debug, Serialize, Deserialize)]
pub struct ArticleRow {
    /// First, so `version_of` can read it alone.
    pub text_version: u32,
    /// 0 plain text, 1 HTML.
    pub content_type: u8,
    pub text: String,
    pub text_empty: bool,
    pub derived: Derived,
}

impl ArticleRow {
    /// The text_version alone, without reading the text: it is the row's
    /// first field, so the re-derivation's scans skip the rest.
    pub fn version_of(bytes: &[u8]) -> Result<u32> {
        Ok(postcard::take_from_bytes::<u32>(bytes)?.0)
    }

    pub fn new(content_type: ContentType, article: &ArticleText) -> Self {
        Self {
            text_version: article.text_version,
            content_type: match content_type {
                ContentType::PlainText => 0,
                ContentType::Html => 1,
            },
            text: article.text.clone(),
            text_empty: article.text_empty,
            derived: article.derived,
        }
    }
}

impl DocumentRow {
    pub fn new(
        sequence: u64,
        create_time: Timestamp,
        content_sha256: [u8; 32],
        fields: DocumentFields,
    ) -> (Self, ContentType) {
        let DocumentFields {
            title,
            body,
            source,
            url,
            author,
            published_at,
            language,
            labels,
            content_type,
        } = fields;
        let row = Self {
            sequence,
            create_time,
            content_sha256,
            fields: FieldsRow {
                title,
                body,
                source,
                url,
                author,
                published_at,
                language,
                labels,
            },
        };
        (row, content_type)
    }

    /// The stored document; `article` is `None` for a format-1 document not
    /// yet re-derived.
    pub fn into_document(self, id: Ulid, article: Option<ArticleRow>) -> StoredDocument {
        let Self {
            sequence,
            create_time,
            content_sha256,
            fields:
                FieldsRow {
                    title,
                    body,
                    source,
                    url,
                    author,
                    published_at,
                    language,
                    labels,
                },
        } = self;
        let (content_type, article) = match article {
            Some(row) => (
                if row.content_type == 1 {
                    ContentType::Html
                } else {
                    ContentType::PlainText
                },
                ArticleText {
                    text: row.text,
                    text_version: row.text_version,
                    text_empty: row.text_empty,
                    derived: row.derived,
                },
            ),
            None => (ContentType::PlainText, ArticleText::legacy(&body)),
        };
        StoredDocument {
            id,
            sequence,
            create_time,
            content_sha256,
            fields: DocumentFields {
                title,
                body,
                source,
                url,
                author,
                published_at,
                language,
                labels,
                content_type,
            },
            article,
        }
    }
}

/// One change-log entry; the sequence is the key. Documents are not copied
/// into the log: a watcher reads the document row, which also tells it when a
/// created document has since been deleted.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChangeRow {
    pub kind: ChangeKind,
    pub document_id: u128,
    pub commit_time: Timestamp,
}

/// The remembered result of a request_id.
#[derive(Debug, Serialize, Deserialize)]
pub struct RequestRow {
    pub outcome: WriteOutcome,
    pub document_id: u128,
    pub sequence: u64,
    pub recorded_ms: u64,
}

pub fn encode<T: Serialize>(row: &T) -> Result<Vec<u8>> {
    Ok(postcard::to_allocvec(row)?)
}

pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T> {
    Ok(postcard::from_bytes(bytes)?)
}

/// The dedup key: identical content from one source maps to one document.
pub fn dedup_key(content_sha256: &[u8; 32], source: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + source.len());
    key.extend_from_slice(content_sha256);
    key.extend_from_slice(source.as_bytes());
    key
}

/// The expiry index key; big-endian time first so a range scan from the
/// start finds the oldest entries.
pub fn expiry_key(recorded_ms: u64, request_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(8 + request_id.len());
    key.extend_from_slice(&recorded_ms.to_be_bytes());
    key.extend_from_slice(request_id.as_bytes());
    key
}

/// Splits an expiry key back into its time and request_id.
pub fn split_expiry_key(key: &[u8]) -> Option<(u64, &str)> {
    let (time, id) = key.split_at_checked(8)?;
    Some((
        u64::from_be_bytes(time.try_into().ok()?),
        std::str::from_utf8(id).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_keys_sort_by_time_and_split_back() {
        let a = expiry_key(5, "zzz");
        let b = expiry_key(6, "aaa");
        assert!(a < b);
        assert!(a.as_slice() < 6u64.to_be_bytes().as_slice());
        assert_eq!(split_expiry_key(&b), Some((6, "aaa")));
        assert_eq!(split_expiry_key(b"short"), None);
    }
}
