//! Between PostgreSQL rows and the core's types: ids as 16 big-endian bytes
//! (so `ORDER BY id` is id order), sequences and times as `bigint`.

use tokio_postgres::Row;
use ulid::Ulid;

use crate::error::{Error, Result};
use crate::model::{
    ArticleText, ChangeKind, ContentType, Derived, DocumentFields, StoredDocument, Timestamp,
    WriteOutcome,
};

/// The columns `document` reads, in order, for `SELECT {DOCUMENT_COLUMNS}`.
pub(super) const DOCUMENT_COLUMNS: &str = "d.id, d.sequence, d.create_time_ns, d.content_sha256, \
     d.source, d.title, d.body, d.url, d.author, d.published_at_ns, d.language, d.labels, \
     d.content_type, d.text, d.text_version, d.text_empty, d.derived";

/// How many columns `DOCUMENT_COLUMNS` names.
pub(super) const DOCUMENT_COLUMN_COUNT: usize = 17;

pub(super) fn id_bytes(id: Ulid) -> Vec<u8> {
    id.0.to_be_bytes().to_vec()
}

pub(super) fn id_from(bytes: &[u8]) -> Result<Ulid> {
    let array: [u8; 16] = bytes
        .try_into()
        .map_err(|_| Error::Storage(format!("a stored id has {} bytes, not 16", bytes.len())))?;
    Ok(Ulid(u128::from_be_bytes(array)))
}

/// A sequence as PostgreSQL stores it; sequences never reach 2^63.
pub(super) fn seq(sequence: u64) -> i64 {
    i64::try_from(sequence).unwrap_or(i64::MAX)
}

pub(super) fn seq_from(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(super) fn kind_code(kind: ChangeKind) -> i16 {
    match kind {
        ChangeKind::Created => 0,
        ChangeKind::Deleted => 1,
        ChangeKind::TextUpdated => 2,
    }
}

pub(super) fn kind_from(code: i16) -> Result<ChangeKind> {
    match code {
        0 => Ok(ChangeKind::Created),
        1 => Ok(ChangeKind::Deleted),
        2 => Ok(ChangeKind::TextUpdated),
        other => Err(Error::Storage(format!(
            "unknown change kind {other} in the log"
        ))),
    }
}

pub(super) fn content_type_code(content_type: ContentType) -> i16 {
    match content_type {
        ContentType::PlainText => 0,
        ContentType::Html => 1,
    }
}

pub(super) fn outcome_code(outcome: WriteOutcome) -> i16 {
    match outcome {
        WriteOutcome::Created => 0,
        WriteOutcome::Duplicate => 1,
    }
}

pub(super) fn outcome_from(code: i16) -> Result<WriteOutcome> {
    match code {
        0 => Ok(WriteOutcome::Created),
        1 => Ok(WriteOutcome::Duplicate),
        other => Err(Error::Storage(format!("unknown request outcome {other}"))),
    }
}

fn text(bytes: Vec<u8>, column: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::Storage(format!("stored {column} is not UTF-8")))
}

/// Reads a document from the columns of `DOCUMENT_COLUMNS` starting at
/// `first`.
pub(super) fn document(row: &Row, first: usize) -> Result<StoredDocument> {
    let c = |i: usize| first + i;
    let hash: Vec<u8> = row.try_get(c(3)).map_err(Error::storage)?;
    let content_sha256: [u8; 32] = hash
        .as_slice()
        .try_into()
        .map_err(|_| Error::Storage("a stored content_sha256 is not 32 bytes".into()))?;
    let get_bytes = |i: usize| -> Result<Vec<u8>> { row.try_get(c(i)).map_err(Error::storage) };
    let id: Vec<u8> = row.try_get(c(0)).map_err(Error::storage)?;
    let body = text(get_bytes(6)?, "body")?;
    let content_type = match row.try_get::<_, i16>(c(12)).map_err(Error::storage)? {
        1 => ContentType::Html,
        _ => ContentType::PlainText,
    };
    let stored_text: Option<Vec<u8>> = row.try_get(c(13)).map_err(Error::storage)?;
    let article = match stored_text {
        Some(bytes) => ArticleText {
            text: text(bytes, "text")?,
            text_version: u32::try_from(row.try_get::<_, i32>(c(14)).map_err(Error::storage)?)
                .unwrap_or(0),
            text_empty: row.try_get(c(15)).map_err(Error::storage)?,
            derived: Derived(
                u8::try_from(row.try_get::<_, i16>(c(16)).map_err(Error::storage)?).unwrap_or(0),
            ),
        },
        None => ArticleText::legacy(&body),
    };
    Ok(StoredDocument {
        id: id_from(&id)?,
        sequence: seq_from(row.try_get(c(1)).map_err(Error::storage)?),
        create_time: Timestamp(row.try_get(c(2)).map_err(Error::storage)?),
        content_sha256,
        fields: DocumentFields {
            source: row.try_get(c(4)).map_err(Error::storage)?,
            title: text(get_bytes(5)?, "title")?,
            body,
            url: text(get_bytes(7)?, "url")?,
            author: text(get_bytes(8)?, "author")?,
            published_at: row
                .try_get::<_, Option<i64>>(c(9))
                .map_err(Error::storage)?
                .map(Timestamp),
            language: row.try_get(c(10)).map_err(Error::storage)?,
            labels: row.try_get(c(11)).map_err(Error::storage)?,
            content_type,
        },
        article,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_sort_as_bytes() {
        let a = Ulid::from_parts(1, 2);
        let b = Ulid::from_parts(1, 3);
        assert_eq!(id_from(&id_bytes(a)).unwrap(), a);
        assert!(id_bytes(a) < id_bytes(b));
        assert!(id_from(b"short").is_err());
    }

    #[test]
    fn codes_round_trip() {
        for kind in [
            ChangeKind::Created,
            ChangeKind::Deleted,
            ChangeKind::TextUpdated,
        ] {
            assert_eq!(kind_from(kind_code(kind)).unwrap(), kind);
        }
        for outcome in [WriteOutcome::Created, WriteOutcome::Duplicate] {
            assert_eq!(outcome_from(outcome_code(outcome)).unwrap(), outcome);
        }
        assert!(kind_from(7).is_err());
    }
}
