//! The gRPC adapter: thin handlers that unwrap requests, call the core
//! (`service`, `feed`), and convert results; and the one mapping of the
//! core's `Error` to `tonic::Status`.

mod convert;
mod import;

use std::pin::Pin;

use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_server::DocumentService;
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Code, Request, Response, Status, Streaming};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::{Error, ViolationKind};
use crate::service::Documents;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The DocumentService implementation.
pub struct DocumentApi {
    documents: Documents,
    import_window: usize,
    shutdown: Shutdown,
}

impl DocumentApi {
    pub fn new(documents: Documents, import_window: usize, shutdown: Shutdown) -> Self {
        Self {
            documents,
            import_window,
            shutdown,
        }
    }
}

#[tonic::async_trait]
impl DocumentService for DocumentApi {
    async fn create_document(
        &self,
        request: Request<pb::CreateDocumentRequest>,
    ) -> Result<Response<pb::Document>, Status> {
        let pb::CreateDocumentRequest {
            document,
            request_id,
        } = request.into_inner();
        let doc = self
            .documents
            .create(document.as_ref(), &request_id)
            .await?;
        Ok(Response::new(convert::document(doc, true)))
    }

    async fn get_document(
        &self,
        request: Request<pb::GetDocumentRequest>,
    ) -> Result<Response<pb::Document>, Status> {
        let doc = self.documents.get(&request.into_inner().id).await?;
        Ok(Response::new(convert::document(doc, true)))
    }

    async fn list_documents(
        &self,
        request: Request<pb::ListDocumentsRequest>,
    ) -> Result<Response<pb::ListDocumentsResponse>, Status> {
        let page = self.documents.list(request.into_inner()).await?;
        let with_body = page.with_body;
        Ok(Response::new(pb::ListDocumentsResponse {
            documents: page
                .documents
                .into_iter()
                .map(|d| convert::document(d, with_body))
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn delete_document(
        &self,
        request: Request<pb::DeleteDocumentRequest>,
    ) -> Result<Response<()>, Status> {
        self.documents.delete(&request.into_inner().id).await?;
        Ok(Response::new(()))
    }

    type ImportDocumentsStream = BoxStream<pb::ImportDocumentsResponse>;

    async fn import_documents(
        &self,
        request: Request<Streaming<pb::ImportDocumentsRequest>>,
    ) -> Result<Response<Self::ImportDocumentsStream>, Status> {
        // The handler runs once the request head has arrived: the client's
        // deadline counts from here.
        let deadline = dossier_kit::deadline::timeout(request.metadata())
            .map(|t| tokio::time::Instant::now() + t);
        let responses = import::start(
            self.documents.clone(),
            request.into_inner(),
            self.import_window,
            self.shutdown.clone(),
            deadline,
        );
        Ok(Response::new(Box::pin(responses)))
    }

    type WatchChangesStream = BoxStream<pb::Change>;

    async fn watch_changes(
        &self,
        request: Request<pb::WatchChangesRequest>,
    ) -> Result<Response<Self::WatchChangesStream>, Status> {
        let pb::WatchChangesRequest {
            after_sequence,
            omit_documents,
        } = request.into_inner();
        let store = self.documents.store().clone();
        let changes = crate::feed::watch(
            store,
            after_sequence,
            !omit_documents,
            self.shutdown.clone(),
        );
        let stream = ReceiverStream::new(changes)
            .map(|item| item.map(convert::change).map_err(Status::from));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_storage_status(
        &self,
        _request: Request<pb::GetStorageStatusRequest>,
    ) -> Result<Response<pb::StorageStatus>, Status> {
        let status = self.documents.store().status().await?;
        Ok(Response::new(convert::status(status)))
    }
}

/// The status code a violation gets: sizes over a limit are
/// RESOURCE_EXHAUSTED, everything else INVALID_ARGUMENT.
fn violation_code(kind: ViolationKind) -> Code {
    match kind {
        ViolationKind::Invalid => Code::InvalidArgument,
        ViolationKind::TooLarge => Code::ResourceExhausted,
    }
}

/// Longest status message sent, in bytes. Client values inside messages are
/// already cut (`validation::echo`); this bounds the rest (a database's error
/// text, a field name built from an index), because the message travels in
/// an HTTP/2 header, twice with its details, and a header over the peer's
/// limit turns the answer into a bare INTERNAL.
const MAX_STATUS_MESSAGE_BYTES: usize = 1024;

/// `message` cut to [`MAX_STATUS_MESSAGE_BYTES`] at a char boundary, with "…"
/// and the full length when cut.
fn bounded(mut message: String) -> String {
    if message.len() <= MAX_STATUS_MESSAGE_BYTES {
        return message;
    }
    let full = message.len();
    let mut cut = MAX_STATUS_MESSAGE_BYTES;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    message.truncate(cut);
    message.push_str(&format!("… ({full} bytes in all)"));
    message
}

/// The one place core errors become statuses.
impl From<Error> for Status {
    fn from(err: Error) -> Self {
        let message = bounded(err.to_string());
        match err {
            Error::Invalid(violation) => Status::with_error_details(
                violation_code(violation.kind),
                message,
                ErrorDetails::with_bad_request_violation(
                    bounded(violation.field),
                    bounded(violation.message),
                ),
            ),
            Error::NotFound { .. } => Status::not_found(message),
            Error::Duplicate { .. } => Status::already_exists(message),
            Error::ReplayOfDeleted { .. } => Status::failed_precondition(message),
            Error::InvalidPageToken(_) => Status::with_error_details(
                Code::InvalidArgument,
                message.clone(),
                ErrorDetails::with_bad_request_violation("page_token", message),
            ),
            Error::ShuttingDown => Status::unavailable(message),
            Error::Unavailable(_) => {
                tracing::warn!(error = %message, "storage unavailable");
                Status::unavailable(message)
            }
            Error::NotWritable(_) => {
                tracing::warn!(error = %message, "storage not writable");
                Status::failed_precondition(message)
            }
            Error::Storage(_) => {
                tracing::error!(error = %message, "storage failure");
                Status::internal(message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Violation;

    #[test]
    fn long_messages_are_cut_at_a_char_boundary() {
        assert_eq!(bounded("short".into()), "short");
        let long = "é".repeat(1000);
        let cut = bounded(long);
        assert!(cut.len() < MAX_STATUS_MESSAGE_BYTES + 40, "{}", cut.len());
        assert!(cut.ends_with("… (2000 bytes in all)"), "{cut}");
    }

    #[test]
    fn statuses_stay_small_whatever_the_error_holds() {
        let huge = "x".repeat(100_000);
        for err in [
            Error::Storage(huge.clone()),
            Error::Unavailable(huge.clone()),
            Error::Invalid(Violation::invalid(huge.clone(), huge.clone())),
        ] {
            let status = Status::from(err);
            assert!(status.message().len() < 1100, "{}", status.message().len());
            // The details repeat the message inside a google.rpc.Status, with the
            // field violation beside it.
            assert!(status.details().len() < 3400, "{}", status.details().len());
        }
    }
}
