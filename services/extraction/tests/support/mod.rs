//! Shared by the gRPC integration tests: the service in-process on
//! 127.0.0.1:0 (real TCP, real HTTP/2) with a tempdir, a tonic client, and
//! small request helpers.
//!
//! Tests that depend on the trained model call `require_model()` first, so
//! an empty or missing model fails them with an explanation instead of
//! letting them pass vacuously.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use dossier_extraction::{ExtractionConfig, Tagger};
use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub type Client = ExtractionServiceClient<Channel>;

pub const NEWS: &str = "President Ann Kowalski of Poland met executives of Siemens in Berlin on March 3, 2024. \
The company said it would invest $2.3 billion in a new factory near Warsaw, and its shares rose 4 percent.";

pub struct Server {
    pub client: Client,
    pub shutdown: Shutdown,
    pub task: JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut ExtractionConfig)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ExtractionConfig {
            data_dir: dir.path().join("extraction"),
            ..ExtractionConfig::default()
        };
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
        let shutdown = Shutdown::new();
        let task = tokio::spawn(dossier_extraction::serve(
            config,
            listener,
            shutdown.clone(),
        ));
        let client = ExtractionServiceClient::connect(url).await.unwrap();
        Server {
            client,
            shutdown,
            task,
            _dir: dir,
        }
    }

    pub async fn stop(self) {
        self.shutdown.trigger();
        let result = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        result
            .expect("server drains in time")
            .unwrap()
            .expect("serve returns Ok");
    }
}

/// Fails with a clear message when the committed model is empty or invalid.
pub fn require_model() {
    if let Err(e) = Tagger::load_default() {
        panic!(
            "this test needs the trained model in services/extraction/model/ner.model ({e}); \
             train it with the command in services/extraction/README.md"
        );
    }
}

pub fn request(text: &str) -> pb::ExtractRequest {
    pb::ExtractRequest {
        text: text.to_string(),
        ..Default::default()
    }
}

pub fn in_doc(text: &str, id: &str) -> pb::ExtractRequest {
    pb::ExtractRequest {
        document_id: id.to_string(),
        source: "Test Wire".to_string(),
        ..request(text)
    }
}

pub async fn extract(client: &mut Client, req: pb::ExtractRequest) -> pb::ExtractResponse {
    client.extract(req).await.unwrap().into_inner()
}

pub fn found(resp: &pb::ExtractResponse) -> Vec<(String, pb::EntityType)> {
    resp.mentions
        .iter()
        .map(|m| (m.text.clone(), m.r#type()))
        .collect()
}

pub fn mention_of<'a>(resp: &'a pb::ExtractResponse, text: &str) -> &'a pb::Mention {
    resp.mentions
        .iter()
        .find(|m| m.text == text)
        .unwrap_or_else(|| panic!("no mention {text:?} in {:?}", found(resp)))
}

pub async fn next(feed: &mut tonic::Streaming<pb::EntityChange>) -> pb::EntityChange {
    tokio::time::timeout(Duration::from_secs(10), feed.message())
        .await
        .expect("a change arrives")
        .unwrap()
        .expect("the feed stays open")
}
