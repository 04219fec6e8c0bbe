//! Conversions between `dossier.v1` messages and the core's types. Structs
//! are destructured, so a new field breaks the build instead of being
//! dropped.

use dossier_proto::v1 as pb;

use crate::error::{Error, Violation};
use crate::model::{
    ArticleText, Change, ChangeKind, CreateResult, StorageStatus, StoredDocument, Timestamp,
    WriteOutcome,
};
use crate::service::{ListRequest, ListedPage};

/// A ListDocuments request in the core's terms; limits are checked by the
/// core (`Documents::list`).
pub fn list_request(request: pb::ListDocumentsRequest) -> Result<ListRequest, Error> {
    let pb::ListDocumentsRequest {
        page_size,
        page_token,
        sources,
        published_after,
        published_before,
        view,
    } = request;
    let with_body = match pb::DocumentView::try_from(view) {
        Ok(pb::DocumentView::Basic) => false,
        Ok(pb::DocumentView::Full | pb::DocumentView::Unspecified) => true,
        Err(_) => {
            return Err(
                Violation::invalid("view", format!("view {view} is not a DocumentView")).into(),
            );
        }
    };
    Ok(ListRequest {
        page_size,
        page_token,
        sources,
        published_after: list_bound("published_after", published_after)?,
        published_before: list_bound("published_before", published_before)?,
        with_body,
    })
}

fn list_bound(
    field: &str,
    t: Option<prost_types::Timestamp>,
) -> Result<Option<Timestamp>, Violation> {
    let Some(t) = t else { return Ok(None) };
    if !(0..1_000_000_000).contains(&t.nanos) {
        return Err(Violation::invalid(
            field,
            format!("{field}.nanos must be in 0..999999999"),
        ));
    }
    Timestamp::from_parts(t.seconds, t.nanos)
        .map(Some)
        .ok_or_else(|| {
            Violation::invalid(field, format!("{field} is out of range (years 1678..2262)"))
        })
}

pub fn listed_page(page: ListedPage) -> pb::ListDocumentsResponse {
    let ListedPage {
        documents,
        next_page_token,
        with_body,
    } = page;
    pb::ListDocumentsResponse {
        documents: documents
            .into_iter()
            .map(|d| document(d, with_body))
            .collect(),
        next_page_token,
    }
}

pub fn timestamp(t: Timestamp) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.seconds(),
        nanos: t.subsec_nanos(),
    }
}

/// The wire document; `with_body` false gives the BASIC view (no body, no
/// text).
pub fn document(doc: StoredDocument, with_body: bool) -> pb::Document {
    let content_sha256 = doc.content_sha256_hex();
    let StoredDocument {
        id,
        sequence,
        create_time,
        content_sha256: _,
        fields,
        article,
    } = doc;
    let ArticleText {
        text,
        text_version,
        text_empty,
        derived: _,
    } = article;
    let crate::model::DocumentFields {
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
        content_type: content_type.as_mime().to_string(),
        text: if with_body { text } else { String::new() },
        text_version,
        text_empty,
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
        ChangeKind::TextUpdated => pb::ChangeKind::TextUpdated,
    };
    pb::Change {
        sequence,
        document_id: document_id.to_string(),
        kind: kind.into(),
        document: doc.map(|d| document(d, true)),
        commit_time: Some(timestamp(commit_time)),
    }
}

/// The import response for a stored or duplicate document; `text_empty` is
/// the cleaner's verdict on this request's body, reported for a creation.
pub fn import_result(
    request_id: String,
    result: CreateResult,
    text_empty: bool,
) -> pb::ImportDocumentsResponse {
    let CreateResult {
        id,
        sequence,
        outcome,
        replayed,
    } = result;
    let (outcome, text_empty) = match outcome {
        WriteOutcome::Created => (pb::ImportOutcome::Created, text_empty),
        WriteOutcome::Duplicate => (pb::ImportOutcome::Duplicate, false),
    };
    pb::ImportDocumentsResponse {
        request_id,
        document_id: id.to_string(),
        sequence,
        outcome: outcome.into(),
        reason: String::new(),
        code: 0,
        replayed,
        text_empty,
    }
}

pub fn status(status: StorageStatus) -> pb::StorageStatus {
    let StorageStatus {
        last_sequence,
        document_count,
        documents_awaiting_text,
    } = status;
    pb::StorageStatus {
        last_sequence,
        document_count,
        documents_awaiting_text,
    }
}
