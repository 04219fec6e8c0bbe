//! Loading documents the way every end-to-end test needs them: one
//! ImportDocuments stream, each document required to be created.

use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::{Document, ImportDocumentsRequest, ImportOutcome};
use tonic::transport::Channel;

/// Imports `documents` over one stream with request ids `{prefix}-0`,
/// `{prefix}-1`, …; panics unless each is CREATED and every request is
/// answered. Returns the new ids in request order.
pub async fn import_created(
    client: &mut DocumentServiceClient<Channel>,
    documents: impl IntoIterator<Item = Document>,
    prefix: &str,
) -> Vec<String> {
    let requests: Vec<ImportDocumentsRequest> = documents
        .into_iter()
        .enumerate()
        .map(|(n, document)| ImportDocumentsRequest {
            document: Some(document),
            request_id: format!("{prefix}-{n}"),
        })
        .collect();
    let count = requests.len();
    let mut responses = client
        .import_documents(tokio_stream::iter(requests))
        .await
        .expect("ImportDocuments starts")
        .into_inner();
    let mut ids = Vec::with_capacity(count);
    while let Some(response) = responses.message().await.expect("ImportDocuments answers") {
        assert_eq!(
            response.outcome(),
            ImportOutcome::Created,
            "unexpected outcome: {response:?}"
        );
        ids.push(response.document_id);
    }
    assert_eq!(ids.len(), count, "one response per request");
    ids
}
