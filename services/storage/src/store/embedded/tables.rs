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

use redb::TableDefinition;
use serde::{Deserialize, Serialize};
use ulid::Ulid;

use crate::error::Result;
use crate::model::{ChangeKind, DocumentFields, StoredDocument, Timestamp, WriteOutcome};

pub const DOCUMENTS: TableDefinition<u128, &[u8]> = TableDefinition::new("documents");
pub const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
pub const DEDUP: TableDefinition<&[u8], (u128, u64)> = TableDefinition::new("dedup");
pub const REQUESTS: TableDefinition<&str, &[u8]> = TableDefinition::new("requests");
pub const REQUEST_EXPIRY: TableDefinition<&[u8], ()> = TableDefinition::new("request_expiry");

/// A document as stored; its id is the key.
#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentRow {
    pub sequence: u64,
    pub create_time: Timestamp,
    pub content_sha256: [u8; 32],
    pub fields: DocumentFields,
}

impl DocumentRow {
    pub fn into_document(self, id: Ulid) -> StoredDocument {
        let Self {
            sequence,
            create_time,
            content_sha256,
            fields,
        } = self;
        StoredDocument {
            id,
            sequence,
            create_time,
            content_sha256,
            fields,
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
