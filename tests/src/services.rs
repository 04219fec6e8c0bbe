//! Real services on loopback, started through the same `serve` functions the
//! binaries and the monolithic server call.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dossier_kit::Shutdown;
use dossier_kit::listen::client_url;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{GetIndexStatusRequest, GetStorageStatusRequest, IndexStatus};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// One running service: its address and the means to stop it.
pub struct Service {
    pub addr: SocketAddr,
    shutdown: Shutdown,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Service {
    pub fn url(&self) -> String {
        client_url(self.addr)
    }

    /// Graceful shutdown; returns the service's own result.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .map_err(|_| anyhow::anyhow!("service did not stop within 30 s"))??
    }

    async fn spawn<F, Fut>(serve: F) -> Self
    where
        F: FnOnce(TcpListener, Shutdown) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        dossier_kit::telemetry::init_tracing();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let task = tokio::spawn(serve(listener, shutdown.clone()));
        Self {
            addr,
            shutdown,
            task,
        }
    }
}

pub async fn start_storage(data_dir: &Path) -> Service {
    let config = dossier_storage::StorageConfig {
        data_dir: data_dir.to_path_buf(),
        ..Default::default()
    };
    Service::spawn(|listener, shutdown| dossier_storage::serve(config, listener, shutdown)).await
}

pub async fn start_extraction(data_dir: &Path) -> Service {
    let config = dossier_extraction::ExtractionConfig {
        data_dir: data_dir.to_path_buf(),
        ..Default::default()
    };
    Service::spawn(|listener, shutdown| dossier_extraction::serve(config, listener, shutdown)).await
}

pub async fn start_search(data_dir: &Path, storage_url: &str, extraction_url: &str) -> Service {
    let config = dossier_search::SearchConfig {
        data_dir: data_dir.to_path_buf(),
        storage_url: storage_url.to_string(),
        extraction_url: extraction_url.to_string(),
        ..Default::default()
    };
    Service::spawn(|listener, shutdown| dossier_search::serve(config, listener, shutdown)).await
}

/// Search with a configuration of the test's own (several extraction
/// URLs, small batches).
pub async fn start_search_with(config: dossier_search::SearchConfig) -> Service {
    Service::spawn(|listener, shutdown| dossier_search::serve(config, listener, shutdown)).await
}

/// All three services, each with a subdirectory of one temporary data dir.
/// Extraction and search can be stopped and started again (on the same
/// address, so the others' configuration stays valid).
pub struct TestSystem {
    pub storage: Service,
    extraction: Option<Service>,
    extraction_addr: SocketAddr,
    search: Option<Service>,
    dir: tempfile::TempDir,
}

impl TestSystem {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let storage = start_storage(&dir.path().join("storage")).await;
        let extraction = start_extraction(&dir.path().join("extraction")).await;
        let mut system = Self {
            storage,
            extraction_addr: extraction.addr,
            extraction: Some(extraction),
            search: None,
            dir,
        };
        system.start_search().await;
        system
    }

    pub fn data_dir(&self, service: &str) -> PathBuf {
        self.dir.path().join(service)
    }

    pub fn extraction_url(&self) -> String {
        client_url(self.extraction_addr)
    }

    pub fn search_url(&self) -> String {
        self.search.as_ref().expect("search is running").url()
    }

    /// (Re)starts search on its data dir.
    pub async fn start_search(&mut self) {
        assert!(self.search.is_none(), "search is already running");
        let search = start_search(
            &self.data_dir("search"),
            &self.storage.url(),
            &self.extraction_url(),
        )
        .await;
        self.search = Some(search);
    }

    pub async fn stop_search(&mut self) {
        let search = self.search.take().expect("search is not running");
        search.stop().await.expect("search stops cleanly");
    }

    pub async fn stop_extraction(&mut self) {
        let extraction = self.extraction.take().expect("extraction is not running");
        extraction.stop().await.expect("extraction stops cleanly");
    }

    /// Starts extraction again on the address it had.
    pub async fn start_extraction(&mut self) {
        assert!(self.extraction.is_none(), "extraction is already running");
        let config = dossier_extraction::ExtractionConfig {
            data_dir: self.data_dir("extraction"),
            ..Default::default()
        };
        let addr = self.extraction_addr;
        let listener = bind_retrying(addr).await;
        let shutdown = Shutdown::new();
        let task = tokio::spawn(dossier_extraction::serve(
            config,
            listener,
            shutdown.clone(),
        ));
        self.extraction = Some(Service {
            addr,
            shutdown,
            task,
        });
    }

    pub async fn documents(&self) -> DocumentServiceClient<Channel> {
        DocumentServiceClient::new(channel(&self.storage.url()).await)
    }

    pub async fn extraction_client(&self) -> ExtractionServiceClient<Channel> {
        ExtractionServiceClient::new(channel(&self.extraction_url()).await)
    }

    pub async fn search_client(&self) -> SearchServiceClient<Channel> {
        SearchServiceClient::new(channel(&self.search_url()).await)
    }

    /// Polls search until it has applied everything storage has committed.
    pub async fn wait_indexed(&self, timeout: Duration) -> IndexStatus {
        let stored = self
            .documents()
            .await
            .get_storage_status(GetStorageStatusRequest {})
            .await
            .unwrap()
            .into_inner()
            .last_sequence;
        self.wait_indexed_sequence(stored, timeout).await
    }

    pub async fn wait_indexed_sequence(&self, sequence: u64, timeout: Duration) -> IndexStatus {
        let mut search = self.search_client().await;
        let deadline = Instant::now() + timeout;
        loop {
            let status = search
                .get_index_status(GetIndexStatusRequest {})
                .await
                .unwrap()
                .into_inner();
            if status.indexed_sequence >= sequence {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "search did not reach sequence {sequence} within {timeout:?}: {status:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(self) {
        if let Some(search) = self.search {
            search.stop().await.expect("search stops cleanly");
        }
        if let Some(extraction) = self.extraction {
            extraction.stop().await.expect("extraction stops cleanly");
        }
        self.storage.stop().await.expect("storage stops cleanly");
    }
}

/// A connected channel; services are already listening, so this is quick.
pub async fn channel(url: &str) -> Channel {
    tonic::transport::Endpoint::from_shared(url.to_string())
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap_or_else(|err| panic!("cannot connect to {url}: {err}"))
}

/// The port was just released by a stopped server; the OS may need a moment.
async fn bind_retrying(addr: SocketAddr) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => panic!("cannot bind {addr} again: {err}"),
        }
    }
}
