//! Monolithic mode: storage, extraction and search in one process, each on
//! its own listener, sharing one shutdown signal — the laptop deployment, and
//! what the end-to-end tests start on port 0. The web console (`dossier-web`)
//! runs beside them on its own listener unless turned off.
//!
//! Security (TLS, bearer token) is the process-wide setting of
//! [`dossier_kit::security`], installed by `main` before [`start`]: every
//! service serves with it, and search reaches storage and extraction with
//! its `upstream` half.

pub mod security;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dossier_kit::Shutdown;
use dossier_kit::listen::{bind, client_url};
use tokio::task::JoinSet;

/// Where each service listens.
#[derive(Debug, Clone)]
pub struct ListenAddrs {
    pub storage: String,
    pub extraction: String,
    pub search: String,
    /// The web console's address; `None` runs no console.
    pub web: Option<String>,
}

impl ListenAddrs {
    /// The standard ports on loopback.
    pub fn standard() -> Self {
        Self {
            storage: "127.0.0.1:50051".into(),
            extraction: "127.0.0.1:50052".into(),
            search: "127.0.0.1:50053".into(),
            web: Some(dossier_web::DEFAULT_LISTEN.into()),
        }
    }

    /// Free ports chosen by the OS, for tests.
    pub fn ephemeral() -> Self {
        Self {
            storage: "127.0.0.1:0".into(),
            extraction: "127.0.0.1:0".into(),
            search: "127.0.0.1:0".into(),
            web: Some("127.0.0.1:0".into()),
        }
    }
}

/// The three services, started and serving.
pub struct System {
    pub storage: SocketAddr,
    pub extraction: SocketAddr,
    pub search: SocketAddr,
    /// The web console, when it runs.
    pub web: Option<SocketAddr>,
    shutdown: Shutdown,
    tls: bool,
    tasks: JoinSet<(&'static str, anyhow::Result<()>)>,
}

impl System {
    /// URLs a client on this machine uses: `https://` when the services
    /// serve TLS, `http://` otherwise.
    pub fn storage_url(&self) -> String {
        url(self.storage, self.tls)
    }
    pub fn extraction_url(&self) -> String {
        url(self.extraction, self.tls)
    }
    pub fn search_url(&self) -> String {
        url(self.search, self.tls)
    }

    /// The console's URL (`http://`: the console itself serves plain HTTP).
    pub fn web_url(&self) -> Option<String> {
        self.web.map(|addr| format!("http://{addr}"))
    }

    /// The shutdown signal the services watch.
    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    /// Waits until every service has stopped. When one fails, the others are
    /// shut down too and the first error is returned.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(joined) = self.tasks.join_next().await {
            let (service, result) = joined.context("a service task panicked")?;
            if let Err(err) = result {
                tracing::error!(service, error = %err, "service failed, shutting down the others");
                self.shutdown.trigger();
                first_error.get_or_insert(err.context(format!("the {service} service failed")));
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Binds all three listeners, then starts the services with their data in
/// `data_dir/storage`, `data_dir/extraction` and `data_dir/search`. Binding
/// first means search is pointed at the real addresses even on port 0.
pub async fn start(
    data_dir: &Path,
    addrs: &ListenAddrs,
    shutdown: Shutdown,
) -> anyhow::Result<System> {
    start_with_databases(data_dir, Databases::default(), addrs, shutdown).await
}

/// What may live in PostgreSQL instead of under the data directory (search
/// keeps its index there either way).
#[derive(Default)]
pub struct Databases {
    /// Storage's documents and change feed.
    pub documents: Option<dossier_storage::DatabaseUrl>,
    /// Extraction's entity registry (the database of the documents or
    /// another; extraction replicas started elsewhere can share it).
    pub registry: Option<dossier_extraction::RegistryUrl>,
}

/// As [`start`], with documents or the entity registry in PostgreSQL where
/// `databases` names a database.
pub async fn start_with_databases(
    data_dir: &Path,
    databases: Databases,
    addrs: &ListenAddrs,
    shutdown: Shutdown,
) -> anyhow::Result<System> {
    let storage_listener = bind(&addrs.storage).await?;
    let extraction_listener = bind(&addrs.extraction).await?;
    let search_listener = bind(&addrs.search).await?;
    let storage = storage_listener.local_addr()?;
    let extraction = extraction_listener.local_addr()?;
    let search = search_listener.local_addr()?;
    let web_listener = match &addrs.web {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let web = match &web_listener {
        Some(listener) => Some(listener.local_addr()?),
        None => None,
    };
    let tls = dossier_kit::security::installed().tls.is_some();

    let storage_config = dossier_storage::StorageConfig {
        data_dir: subdir(data_dir, "storage"),
        database_url: databases.documents,
        ..Default::default()
    };
    let extraction_config = dossier_extraction::ExtractionConfig {
        data_dir: subdir(data_dir, "extraction"),
        registry_url: databases.registry,
        ..Default::default()
    };
    let search_config = dossier_search::SearchConfig {
        data_dir: subdir(data_dir, "search"),
        storage_url: url(storage, tls),
        extraction_url: url(extraction, tls),
        ..Default::default()
    };

    let web_config = dossier_web::WebConfig {
        upstreams: dossier_web::Upstreams {
            storage_url: url(storage, tls),
            extraction_url: url(extraction, tls),
            search_url: url(search, tls),
            security: web_security(),
        },
        secure_cookies: false,
    };

    let mut tasks = JoinSet::new();
    if let Some(listener) = web_listener {
        let stop = shutdown.clone();
        tasks.spawn(async move {
            let result = dossier_web::serve(web_config, listener, stop).await;
            ("web", result)
        });
    }
    let stop = shutdown.clone();
    tasks.spawn(async move {
        let result = dossier_storage::serve(storage_config, storage_listener, stop).await;
        ("storage", result)
    });
    let stop = shutdown.clone();
    tasks.spawn(async move {
        let result = dossier_extraction::serve(extraction_config, extraction_listener, stop).await;
        ("extraction", result)
    });
    let stop = shutdown.clone();
    tasks.spawn(async move {
        let result = dossier_search::serve(search_config, search_listener, stop).await;
        ("search", result)
    });

    Ok(System {
        storage,
        extraction,
        search,
        web,
        shutdown,
        tls,
        tasks,
    })
}

/// The console trusts what search trusts, but does not send the servers'
/// token: whoever reaches the console's port would otherwise use the
/// services without one. With a token set, each analyst enters it on the
/// console's token page.
fn web_security() -> dossier_kit::security::ClientSecurity {
    dossier_kit::security::ClientSecurity {
        tls: dossier_kit::security::installed().upstream.tls,
        auth_token: None,
    }
}

fn url(addr: SocketAddr, tls: bool) -> String {
    let url = client_url(addr);
    match url.strip_prefix("http://") {
        Some(rest) if tls => format!("https://{rest}"),
        _ => url,
    }
}

fn subdir(data_dir: &Path, service: &str) -> PathBuf {
    data_dir.join(service)
}
