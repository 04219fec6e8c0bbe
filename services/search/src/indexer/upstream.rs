//! What the indexer needs from storage and extraction, as traits: the gRPC
//! clients implement them in production (`grpc::clients`), and tests drive
//! the indexer with in-memory fakes, with no network.

use std::future::Future;
use std::pin::Pin;

use dossier_proto::v1::{Change, Document, EntityChange, ExtractResponse};
use futures::Stream;

/// A stream of items from an upstream service; an error ends its usefulness.
pub type UpstreamStream<T> = Pin<Box<dyn Stream<Item = Result<T, UpstreamError>> + Send>>;

/// An upstream call failed; the indexer retries with backoff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service}: {message}")]
pub struct UpstreamError {
    /// "storage" or "extraction".
    pub service: &'static str,
    pub message: String,
}

impl UpstreamError {
    pub fn storage(message: impl Into<String>) -> Self {
        Self {
            service: "storage",
            message: message.into(),
        }
    }

    pub fn extraction(message: impl Into<String>) -> Self {
        Self {
            service: "extraction",
            message: message.into(),
        }
    }
}

/// Storage's change log.
pub trait ChangeFeed: Send + Sync + 'static {
    /// Changes with a sequence greater than `after`, then live ones.
    fn watch(
        &self,
        after: u64,
    ) -> impl Future<Output = Result<UpstreamStream<Change>, UpstreamError>> + Send;

    /// The newest committed sequence.
    fn head(&self) -> impl Future<Output = Result<u64, UpstreamError>> + Send;
}

/// What one BatchExtract call answered.
///
/// BatchExtract ends its stream at the first request extraction refuses,
/// after answering every earlier one (its response message has no error
/// field). So an answer is a prefix of the documents plus, when the stream
/// ended early, why the next document was refused; the caller decides what
/// to do with that document and resumes with the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchExtraction {
    /// Responses to the first `responses.len()` documents, in order.
    pub responses: Vec<ExtractResponse>,
    /// Set when extraction refused document `responses.len()` for good
    /// (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION,
    /// OUT_OF_RANGE): the status, for logs and `last_error`. Failures that
    /// may pass (UNAVAILABLE, DEADLINE_EXCEEDED, lost connections...) are an
    /// `UpstreamError` instead, and the whole call is retried later.
    pub refused: Option<String>,
}

impl BatchExtraction {
    /// Every document answered.
    pub fn complete(responses: Vec<ExtractResponse>) -> Self {
        Self {
            responses,
            refused: None,
        }
    }
}

/// Extraction: entities of documents, and the registry's curation feed.
pub trait Extractor: Send + Sync + 'static {
    /// One response per document, in order, up to the first document
    /// extraction refuses; the mentions are recorded against each document
    /// id. Sending the same document again is harmless (it replaces).
    fn extract(
        &self,
        docs: Vec<Document>,
    ) -> impl Future<Output = Result<BatchExtraction, UpstreamError>> + Send;

    /// Removes deleted documents' contributions to the registry.
    fn forget(&self, ids: Vec<String>) -> impl Future<Output = Result<(), UpstreamError>> + Send;

    /// Entity changes (merges, splits...) with a sequence greater than `after`.
    fn watch_entities(
        &self,
        after: u64,
    ) -> impl Future<Output = Result<UpstreamStream<EntityChange>, UpstreamError>> + Send;
}
