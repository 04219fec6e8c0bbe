//! The gRPC adapter: thin handlers that unwrap and validate requests,
//! call the core (`service::Documents`), and convert results. Errors become
//! statuses in one place (`status`).

mod convert;
mod import;
mod status;

use std::pin::Pin;

use dossier_kit::{MessageLimit, Shutdown};
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_server::DocumentService;
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::config::Limits;
use crate::error::Error;
use crate::model::{DocumentFields, Timestamp};
use crate::service::Documents;
use crate::validation;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// What a request over the transport's decoding limit is told: the body
/// makes a document large, and the larger of the two body limits (plain
/// text, HTML) sets the transport's.
pub fn message_limit(limits: &Limits) -> MessageLimit {
    let (max_bytes, flag) = if limits.max_html_bytes > limits.max_body_bytes {
        (limits.max_html_bytes, "--max-html-bytes")
    } else {
        (limits.max_body_bytes, "--max-body-bytes")
    };
    MessageLimit {
        rpcs: &["CreateDocument", "ImportDocuments"],
        field: "document.body",
        max_bytes,
        flag,
        advice: "",
    }
}

/// The DocumentService implementation.
pub struct StorageGrpc {
    documents: Documents,
    import_window: usize,
    shutdown: Shutdown,
}

impl StorageGrpc {
    pub fn new(documents: Documents, import_window: usize, shutdown: Shutdown) -> Self {
        Self {
            documents,
            import_window,
            shutdown,
        }
    }
}

/// A client's document as stored fields, or the violation naming the field.
fn document_fields(
    document: Option<&pb::Document>,
    limits: &Limits,
) -> Result<DocumentFields, Error> {
    Ok(validation::validate_document(
        document,
        limits,
        Timestamp::now(),
    )?)
}

#[tonic::async_trait]
impl DocumentService for StorageGrpc {
    async fn create_document(
        &self,
        request: Request<pb::CreateDocumentRequest>,
    ) -> Result<Response<pb::Document>, Status> {
        let pb::CreateDocumentRequest {
            document,
            request_id,
        } = request.into_inner();
        let fields = document_fields(document.as_ref(), self.documents.limits())?;
        let doc = self.documents.create(fields, &request_id).await?;
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
        let request = convert::list_request(request.into_inner())?;
        let page = self.documents.list(request).await?;
        Ok(Response::new(convert::listed_page(page)))
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
        let deadline = dossier_kit::deadline::stream_deadline(&request);
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
        let changes = self
            .documents
            .watch(after_sequence, !omit_documents, self.shutdown.clone());
        let stream = ReceiverStream::new(changes)
            .map(|item| item.map(convert::change).map_err(Status::from));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_storage_status(
        &self,
        _request: Request<pb::GetStorageStatusRequest>,
    ) -> Result<Response<pb::StorageStatus>, Status> {
        let status = self.documents.status().await?;
        Ok(Response::new(convert::status(status)))
    }
}
