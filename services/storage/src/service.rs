//! The document operations behind the RPCs, free of transport concerns: the
//! gRPC layer unwraps requests, calls these, and converts the results.

use dossier_proto::v1 as pb;
use ulid::Ulid;

use crate::config::Limits;
use crate::error::{Error, Result, Violation};
use crate::model::{CreateResult, NewDocument, StoredDocument, Timestamp, WriteOutcome};
use crate::paging::{self, ListFilter};
use crate::store::Store;
use crate::validation;

/// Bodies larger than this are hashed on the blocking pool: hashing a 1 MiB
/// body takes milliseconds, too long for a runtime thread.
const HASH_INLINE_MAX_BYTES: usize = 64 * 1024;

/// Most sources one List may filter by.
pub const MAX_LIST_SOURCES: usize = 100;

/// A listed page and the token of the next one (empty at the end).
#[derive(Debug, Clone)]
pub struct ListedPage {
    pub documents: Vec<StoredDocument>,
    pub next_page_token: String,
    /// Whether the caller asked for bodies (FULL view).
    pub with_body: bool,
}

/// The storage service's operations over one store.
#[derive(Clone)]
pub struct Documents {
    store: Store,
    limits: Limits,
    max_page_size: usize,
}

impl Documents {
    pub fn new(store: Store, limits: Limits, max_page_size: usize) -> Self {
        Self {
            store,
            limits,
            max_page_size,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Validates a client document and idempotency key and computes the
    /// content hash, ready for the writer.
    pub async fn prepare(
        &self,
        document: Option<&pb::Document>,
        request_id: &str,
    ) -> Result<(NewDocument, Option<String>)> {
        validation::validate_request_id(request_id, &self.limits)?;
        let fields = validation::validate_document(document, &self.limits, Timestamp::now())?;
        let new = if fields.body.len() <= HASH_INLINE_MAX_BYTES {
            NewDocument::new(fields)
        } else {
            dossier_kit::run_blocking(move || NewDocument::new(fields)).await?
        };
        let request_id = (!request_id.is_empty()).then(|| request_id.to_string());
        Ok((new, request_id))
    }

    /// CreateDocument: the stored document, the original one for a retried
    /// request_id, or `Duplicate` naming the document that has this content.
    pub async fn create(
        &self,
        document: Option<&pb::Document>,
        request_id: &str,
    ) -> Result<StoredDocument> {
        let (new, request_id) = self.prepare(document, request_id).await?;
        let source_name = new.fields.source.clone();
        let content_sha256 = hex::encode(new.content_sha256);
        let replay_key = request_id.clone();
        let CreateResult {
            id,
            outcome,
            replayed,
            ..
        } = self.store.create(new, request_id).await?;
        match outcome {
            WriteOutcome::Duplicate => Err(Error::Duplicate {
                existing_id: id.to_string(),
                source_name,
                content_sha256,
            }),
            WriteOutcome::Created => match self.store.get(id).await {
                Err(Error::NotFound { id }) if replayed => Err(Error::ReplayOfDeleted {
                    request_id: replay_key.unwrap_or_default(),
                    id,
                }),
                other => other,
            },
        }
    }

    pub async fn get(&self, id: &str) -> Result<StoredDocument> {
        let id = validation::parse_document_id("id", id)?;
        self.store.get(id).await
    }

    pub async fn delete(&self, id: &str) -> Result<u64> {
        let id = validation::parse_document_id("id", id)?;
        self.store.delete(id).await
    }

    pub async fn list(&self, request: pb::ListDocumentsRequest) -> Result<ListedPage> {
        let pb::ListDocumentsRequest {
            page_size,
            page_token,
            sources,
            published_after,
            published_before,
            view,
        } = request;
        let limit = paging::page_size(page_size, self.max_page_size)?;
        if sources.len() > MAX_LIST_SOURCES {
            return Err(Violation::too_large(
                "sources",
                format!(
                    "sources has {} entries; the limit is {MAX_LIST_SOURCES}",
                    sources.len()
                ),
            )
            .into());
        }
        validation::check_list_sources(&sources)?;
        let filter = ListFilter {
            sources,
            published_after: list_bound("published_after", published_after)?,
            published_before: list_bound("published_before", published_before)?,
        };
        let with_body = match pb::DocumentView::try_from(view) {
            Ok(pb::DocumentView::Basic) => false,
            Ok(pb::DocumentView::Full | pb::DocumentView::Unspecified) => true,
            Err(_) => {
                return Err(Violation::invalid(
                    "view",
                    format!("view {view} is not a DocumentView"),
                )
                .into());
            }
        };
        let after = paging::decode_token(&page_token, &filter)?;
        let page = self.store.list(filter.clone(), after, limit).await?;
        let next_page_token = page
            .next_after
            .map(|last: Ulid| paging::encode_token(last, &filter))
            .unwrap_or_default();
        Ok(ListedPage {
            documents: page.documents,
            next_page_token,
            with_body,
        })
    }
}

fn list_bound(field: &str, t: Option<prost_types::Timestamp>) -> Result<Option<Timestamp>> {
    let Some(t) = t else { return Ok(None) };
    let out_of_range =
        || Violation::invalid(field, format!("{field} is out of range (years 1678..2262)"));
    if !(0..1_000_000_000).contains(&t.nanos) {
        return Err(
            Violation::invalid(field, format!("{field}.nanos must be in 0..999999999")).into(),
        );
    }
    Timestamp::from_parts(t.seconds, t.nanos)
        .map(Some)
        .ok_or_else(|| out_of_range().into())
}
