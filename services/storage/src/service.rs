//! The document operations behind the RPCs, free of transport concerns: the
//! gRPC layer validates and converts requests into the domain types taken
//! here, calls these, and converts the results.

use std::future::Future;

use dossier_kit::Shutdown;
use tokio::sync::mpsc;
use ulid::Ulid;

use crate::config::Limits;
use crate::error::{Error, Result, Violation};
use crate::model::{
    Change, CreateResult, DocumentFields, NewDocument, StorageStatus, StoredDocument, Timestamp,
    WriteOutcome,
};
use crate::paging::{self, ListFilter};
use crate::store::Store;
use crate::validation;

/// Plain bodies larger than this are hashed and cleaned on the blocking
/// pool: hashing a 1 MiB body takes milliseconds and cleaning (language
/// detection included) costs more per byte, too long for a runtime thread.
/// Pages are always cleaned there (parsing HTML is the costly part).
const INLINE_MAX_BYTES: usize = 4 * 1024;

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

/// One ListDocuments, its values converted but not yet checked against
/// the limits.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// As the client sent it: 0 is the default, over the maximum is lowered.
    pub page_size: i32,
    pub page_token: String,
    pub sources: Vec<String>,
    pub published_after: Option<Timestamp>,
    pub published_before: Option<Timestamp>,
    /// FULL view (bodies) rather than BASIC.
    pub with_body: bool,
}

/// The storage service's operations over one store.
#[derive(Clone)]
pub struct Documents {
    store: Store,
    limits: Limits,
    max_page_size: usize,
    rederive: crate::rederive::Progress,
}

impl Documents {
    pub fn new(store: Store, limits: Limits, max_page_size: usize) -> Self {
        Self {
            store,
            limits,
            max_page_size,
            rederive: crate::rederive::Progress::default(),
        }
    }

    /// Starts re-deriving the text of documents cleaned by an older cleaner
    /// (see `rederive`); GetStorageStatus reports how many are left.
    pub fn start_rederive(&self, shutdown: Shutdown) {
        crate::rederive::spawn(
            self.store.clone(),
            self.limits.clone(),
            self.rederive.clone(),
            shutdown,
        );
    }

    /// The limits a client's document is validated against.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Validates the idempotency key of a validated document, computes the
    /// content hash and derives the article text, ready for the writer.
    pub async fn prepare(
        &self,
        fields: DocumentFields,
        request_id: &str,
    ) -> Result<(NewDocument, Option<String>)> {
        validation::validate_request_id(request_id, &self.limits)?;
        let now = Timestamp::now();
        let new = if fields.body.len() <= INLINE_MAX_BYTES
            && fields.content_type == crate::model::ContentType::PlainText
        {
            NewDocument::new(fields, &self.limits, now)
        } else {
            let limits = self.limits.clone();
            dossier_kit::run_blocking(move || NewDocument::new(fields, &limits, now)).await?
        };
        let request_id = (!request_id.is_empty()).then(|| request_id.to_string());
        Ok((new, request_id))
    }

    /// CreateDocument: the stored document, the original one for a retried
    /// request_id, or `Duplicate` naming the document that has this content.
    pub async fn create(&self, fields: DocumentFields, request_id: &str) -> Result<StoredDocument> {
        let (new, request_id) = self.prepare(fields, request_id).await?;
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

    /// Queues a prepared document for the writer (ImportDocuments keeps many
    /// in flight); the returned future resolves once it is durable.
    pub async fn enqueue(
        &self,
        new: NewDocument,
        request_id: Option<String>,
    ) -> Result<impl Future<Output = Result<CreateResult>> + Send + 'static> {
        let receiver = self.store.enqueue_create(new, request_id).await?;
        Ok(async move { receiver.await.map_err(|_| Error::ShuttingDown)? })
    }

    /// WatchChanges: every change after `after_sequence`, then new ones as
    /// they commit (see `feed::watch`).
    pub fn watch(
        &self,
        after_sequence: u64,
        with_documents: bool,
        shutdown: Shutdown,
    ) -> mpsc::Receiver<Result<Change>> {
        crate::feed::watch(self.store.clone(), after_sequence, with_documents, shutdown)
    }

    pub async fn status(&self) -> Result<StorageStatus> {
        let mut status = self.store.status().await?;
        status.documents_awaiting_text = self.rederive.pending();
        Ok(status)
    }

    pub async fn get(&self, id: &str) -> Result<StoredDocument> {
        let id = validation::parse_document_id("id", id)?;
        self.store.get(id).await
    }

    pub async fn delete(&self, id: &str) -> Result<u64> {
        let id = validation::parse_document_id("id", id)?;
        self.store.delete(id).await
    }

    pub async fn list(&self, request: ListRequest) -> Result<ListedPage> {
        let ListRequest {
            page_size,
            page_token,
            sources,
            published_after,
            published_before,
            with_body,
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
            published_after,
            published_before,
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
