//! Helpers shared by the storage integration tests: an in-process server on
//! port 0, the backend each test runs against, and small document builders.
#![allow(dead_code)]

pub mod backend;
pub mod proxy;

pub use backend::TestStore;

use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_storage::StorageConfig;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub type Client = DocumentServiceClient<Channel>;

/// A storage server running in this process.
pub struct Server {
    pub url: String,
    pub shutdown: Shutdown,
    pub task: JoinHandle<anyhow::Result<()>>,
}

impl Server {
    pub async fn start(store: &TestStore) -> Self {
        Self::start_with(store.config()).await
    }

    pub async fn start_with(config: StorageConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
        let shutdown = Shutdown::new();
        let task = tokio::spawn(dossier_storage::serve(config, listener, shutdown.clone()));
        Self {
            url,
            shutdown,
            task,
        }
    }

    pub async fn client(&self) -> Client {
        DocumentServiceClient::connect(self.url.clone())
            .await
            .unwrap()
    }

    /// Triggers a graceful shutdown and waits for `serve` to return.
    pub async fn stop(self) {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
    }
}

pub fn article(source: &str, n: usize) -> pb::Document {
    pb::Document {
        title: format!("Council vote {n}"),
        body: format!("The harbour council voted {n} times on the budget, said the minister."),
        source: source.to_string(),
        url: format!("https://{source}.example/{n}"),
        author: "Staff".into(),
        language: "en".into(),
        labels: vec!["politics".into()],
        published_at: Some(prost_types::Timestamp {
            seconds: 1_700_000_000 + i64::try_from(n).unwrap() * 3600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

pub fn import_request(document: pb::Document, request_id: &str) -> pb::ImportDocumentsRequest {
    pb::ImportDocumentsRequest {
        document: Some(document),
        request_id: request_id.to_string(),
    }
}

/// Imports `requests` on one stream and returns every response.
pub async fn import(
    client: &mut Client,
    requests: Vec<pb::ImportDocumentsRequest>,
) -> Vec<pb::ImportDocumentsResponse> {
    let mut responses = client
        .import_documents(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut out = Vec::new();
    while let Some(response) = responses.message().await.unwrap() {
        out.push(response);
    }
    out
}

/// CreateDocument with an optional request_id.
pub async fn create(
    client: &mut Client,
    document: pb::Document,
    request_id: &str,
) -> Result<pb::Document, tonic::Status> {
    let request = pb::CreateDocumentRequest {
        document: Some(document),
        request_id: request_id.into(),
    };
    client
        .create_document(request)
        .await
        .map(|r| r.into_inner())
}
