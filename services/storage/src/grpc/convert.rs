//! Conversions from the core's types to `dossier.v1` messages. Structs are
//! destructured, so a new field breaks the build instead of being dropped.

use dossier_proto::v1 as pb;

use crate::model::{
    Change, ChangeKind, CreateResult, StorageStatus, StoredDocument, Timestamp, WriteOutcome,
};

pub fn timestamp(t: Timestamp) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.seconds(),
        nanos: t.subsec_nanos(),
    }
}

/// The wire document; `with_body` false gives the BASIC view.
pub fn document(doc: StoredDocument, with_body: bool) -> pb::Document {
    let content_sha256 = doc.content_sha256_hex();
    let StoredDocument {
        id,
        sequence,
        create_time,
        content_sha256: _,
        fields,
    } = doc;
    let crate::model::DocumentFields {
        title,
        body,
        source,
        url,
        author,
        published_at,
        language,
        labels,
    } = fields;
    pb::Document {
        id: id.to_string(),
        title,
        body: if with_body { body } else { String::new() },
        source,
        url,
        author,
        published_at: published_at.map(timestamp),
        language,
        labels,
        content_sha256,
        create_time: Some(timestamp(create_time)),
        sequence,
    }
}

pub fn change(change: Change) -> pb::Change {
    let Change {
        sequence,
        document_id,
        kind,
        commit_time,
        document: doc,
    } = change;
    let kind = match kind {
        ChangeKind::Created => pb::ChangeKind::Created,
        ChangeKind::Deleted => pb::ChangeKind::Deleted,
    };
    pb::Change {
        sequence,
        document_id: document_id.to_string(),
        kind: kind.into(),
        document: doc.map(|d| document(d, true)),
        commit_time: Some(timestamp(commit_time)),
    }
}

/// The import response for a stored or duplicate document.
pub fn import_result(request_id: String, result: CreateResult) -> pb::ImportDocumentsResponse {
    let CreateResult {
        id,
        sequence,
        outcome,
        replayed,
    } = result;
    let outcome = match outcome {
        WriteOutcome::Created => pb::ImportOutcome::Created,
        WriteOutcome::Duplicate => pb::ImportOutcome::Duplicate,
    };
    pb::ImportDocumentsResponse {
        request_id,
        document_id: id.to_string(),
        sequence,
        outcome: outcome.into(),
        reason: String::new(),
        code: 0,
        replayed,
    }
}

pub fn status(status: StorageStatus) -> pb::StorageStatus {
    let StorageStatus {
        last_sequence,
        document_count,
    } = status;
    pb::StorageStatus {
        last_sequence,
        document_count,
    }
}
