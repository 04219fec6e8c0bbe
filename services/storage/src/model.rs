//! The storage core's own document and change types, independent of the wire
//! format: the gRPC layer converts them to and from `dossier.v1` messages.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;

/// A point in time as nanoseconds since the Unix epoch. An `i64` covers the
/// years 1678..2262, which includes every accepted `published_at` (1800 up to
/// now + 1 day), and is cheaper to store and compare than a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

const NANOS_PER_SECOND: i64 = 1_000_000_000;

impl Timestamp {
    pub fn now() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self(nanos)
    }

    /// Seconds and nanos as a protobuf Timestamp holds them, or `None` when
    /// the value does not fit in an `i64` of nanoseconds.
    pub fn from_parts(seconds: i64, nanos: i32) -> Option<Self> {
        seconds
            .checked_mul(NANOS_PER_SECOND)?
            .checked_add(i64::from(nanos))
            .map(Self)
    }

    pub fn seconds(self) -> i64 {
        self.0.div_euclid(NANOS_PER_SECOND)
    }

    pub fn subsec_nanos(self) -> i32 {
        // rem_euclid of 1e9 is always in 0..1e9, which fits in an i32.
        i32::try_from(self.0.rem_euclid(NANOS_PER_SECOND)).unwrap_or(0)
    }

    pub fn millis(self) -> u64 {
        u64::try_from(self.0 / 1_000_000).unwrap_or(0)
    }
}

/// What a document's body is: plain text or a web page.
pub use dossier_article::ContentType;

/// The caller-supplied fields of a document, already validated. Once stored,
/// the metadata fields also hold what was derived from the page where the
/// request left them empty (see [`ArticleText::derived`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFields {
    pub title: String,
    pub body: String,
    pub source: String,
    pub url: String,
    pub author: String,
    pub published_at: Option<Timestamp>,
    pub language: String,
    pub labels: Vec<String>,
    pub content_type: ContentType,
}

/// Which metadata fields were taken from the page rather than the request,
/// as a bit set: a newer cleaner may replace these, never the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Derived(pub u8);

impl Derived {
    pub const TITLE: u8 = 1;
    pub const AUTHOR: u8 = 2;
    pub const PUBLISHED_AT: u8 = 4;
    pub const URL: u8 = 8;
    pub const LANGUAGE: u8 = 16;
    pub const SOURCE: u8 = 32;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// The clean article text derived from a body, and how it was derived.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleText {
    /// What extraction and search read; empty when no article was found.
    pub text: String,
    /// The cleaner's version; 0 for a document stored before text was
    /// derived (its `text` is then the body, as it was read before).
    pub text_version: u32,
    pub text_empty: bool,
    pub derived: Derived,
}

impl ArticleText {
    /// What a document stored before text was derived reads as, until it is
    /// derived again: its body, as every reader took it then.
    pub fn legacy(body: &str) -> Self {
        Self {
            text: body.to_string(),
            text_version: 0,
            text_empty: false,
            derived: Derived::default(),
        }
    }
}

impl DocumentFields {
    /// SHA-256 of title + "\n" + body: the identity of the content, used with
    /// the source to detect duplicates.
    pub fn content_sha256(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.title.as_bytes());
        hasher.update(b"\n");
        hasher.update(self.body.as_bytes());
        hasher.finalize().into()
    }
}

/// A validated document on its way to the writer, with its content hash and
/// article text computed off the writer thread so the single writer only
/// does store work.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub fields: DocumentFields,
    pub content_sha256: [u8; 32],
    pub article: ArticleText,
}

impl NewDocument {
    /// Hashes the fields as the client sent them (so dedup does not depend
    /// on the cleaner), then derives the article text and fills the
    /// metadata the request left empty. CPU work: callers run it off the
    /// async runtime for anything but small plain text.
    pub fn new(mut fields: DocumentFields, limits: &crate::config::Limits, now: Timestamp) -> Self {
        let content_sha256 = fields.content_sha256();
        let article = crate::derive::derive(&mut fields, Derived::default(), limits, now, true);
        Self {
            fields,
            content_sha256,
            article,
        }
    }
}

/// A stored document: the fields plus what the server assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: Ulid,
    pub sequence: u64,
    pub create_time: Timestamp,
    pub content_sha256: [u8; 32],
    pub fields: DocumentFields,
    pub article: ArticleText,
}

impl StoredDocument {
    pub fn content_sha256_hex(&self) -> String {
        hex::encode(self.content_sha256)
    }
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteOutcome {
    /// A new document was stored.
    Created,
    /// The source already had this content; nothing was stored.
    Duplicate,
}

/// The answer to one create: which document it refers to, and how it came to
/// be. `replayed` is set when the request_id had been seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateResult {
    pub id: Ulid,
    pub sequence: u64,
    pub outcome: WriteOutcome,
    pub replayed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    Created,
    Deleted,
    /// The text (and derived metadata) was derived again by a newer
    /// cleaner. Appended last: the embedded log stores the variant index.
    TextUpdated,
}

/// One entry of the change log, with the document for a creation that has
/// not been deleted since (and that the watcher asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub sequence: u64,
    pub document_id: Ulid,
    pub kind: ChangeKind,
    pub commit_time: Timestamp,
    pub document: Option<StoredDocument>,
}

/// The head of the log and the size of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StorageStatus {
    pub last_sequence: u64,
    pub document_count: u64,
    /// Documents whose text a newer cleaner has yet to derive again.
    pub documents_awaiting_text: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_split_into_proto_parts() {
        let t = Timestamp::from_parts(-1, 500).unwrap();
        assert_eq!((t.seconds(), t.subsec_nanos()), (-1, 500));
        let t = Timestamp::from_parts(1_700_000_000, 999_999_999).unwrap();
        assert_eq!(
            (t.seconds(), t.subsec_nanos()),
            (1_700_000_000, 999_999_999)
        );
        assert_eq!(Timestamp::from_parts(i64::MAX / 10, 0), None);
    }

    #[test]
    fn content_hash_covers_title_newline_body() {
        let fields = DocumentFields {
            title: "a".into(),
            body: "b".into(),
            source: String::new(),
            url: String::new(),
            author: String::new(),
            published_at: None,
            language: String::new(),
            labels: vec![],
            content_type: ContentType::PlainText,
        };
        let expected: [u8; 32] = Sha256::digest(b"a\nb").into();
        assert_eq!(fields.content_sha256(), expected);
    }
}
