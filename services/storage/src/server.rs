//! Wiring: open the store, serve DocumentService (plus health and reflection
//! through `ServerHost`) until shutdown, then drain and stop the writer.

use dossier_kit::{ServerHost, Shutdown};
use dossier_proto::service_names;
use dossier_proto::v1::document_service_server::DocumentServiceServer;
use tokio::net::TcpListener;
use tonic::service::Routes;

use crate::config::StorageConfig;
use crate::grpc::{StorageGrpc, message_limit};
use crate::service::Documents;
use crate::store::{Store, StoreOptions};

/// Headroom above the body limit for the other fields of a message, so a
/// body somewhat over the limit reaches validation and gets our
/// RESOURCE_EXHAUSTED naming --max-body-bytes, while a message far beyond any
/// limit is refused by the transport before it is buffered (and answered
/// RESOURCE_EXHAUSTED naming the flag too, by `dossier_kit::edge`).
const MESSAGE_OVERHEAD_BYTES: usize = 256 * 1024;

/// Opens the store (the embedded one in `config.data_dir`, or PostgreSQL at
/// `config.database_url`), serves on `listener` until
/// `shutdown` triggers, lets in-flight RPCs finish, commits what is queued and
/// stops the writer.
pub async fn serve(
    config: StorageConfig,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    tracing::debug!(?config, "starting storage");
    let options = StoreOptions {
        data_dir: config.data_dir.clone(),
        database_url: config.database_url.clone(),
        max_batch: config.max_batch,
        request_id_retention: config.request_id_retention,
    };
    let store = Store::open(options).await?;
    tracing::info!(backend = store.backend_name(), "storage backend ready");

    // Streams watch their own token, so they also stop if the server fails
    // without the caller's shutdown (shared with other services) triggering.
    let local = shutdown.child();

    let documents = Documents::new(store.clone(), config.limits.clone(), config.max_page_size);
    documents.start_rederive(local.clone());
    let max_message = config
        .limits
        .max_body_bytes
        .max(config.limits.max_html_bytes)
        + config.limits.max_title_bytes
        + MESSAGE_OVERHEAD_BYTES;
    let limit = message_limit(&config.limits);
    let api = DocumentServiceServer::new(StorageGrpc::new(
        documents,
        config.import_window,
        local.clone(),
    ))
    .max_decoding_message_size(max_message);
    let api = dossier_kit::edge(api, limit);
    let host = ServerHost::new(&[service_names::DOCUMENT]);
    let served = host.serve(listener, Routes::new(api), local.clone()).await;

    local.trigger();
    store.close().await;
    tracing::info!("storage stopped");
    served.map_err(Into::into)
}
