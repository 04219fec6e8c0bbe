//! Wiring: open the store, serve DocumentService (plus health and reflection
//! through `ServerHost`) until shutdown, then drain and stop the writer.

use dossier_kit::{ServerHost, Shutdown};
use dossier_proto::service_names;
use dossier_proto::v1::document_service_server::DocumentServiceServer;
use tokio::net::TcpListener;
use tonic::service::Routes;

use crate::config::StorageConfig;
use crate::grpc::DocumentApi;
use crate::service::Documents;
use crate::store::{Store, StoreOptions};

/// Headroom above the body limit for the other fields of a message, so a
/// body somewhat over the limit reaches validation and gets our
/// RESOURCE_EXHAUSTED naming --max-body-bytes, while a message far beyond any
/// limit is refused by the transport before it is buffered (tonic 0.14
/// reports that one as OUT_OF_RANGE, naming the size and the limit).
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
    disable_nagle(&listener);
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
    let local = Shutdown::new();
    let forward = {
        let (outer, local) = (shutdown.clone(), local.clone());
        tokio::spawn(async move {
            outer.triggered().await;
            local.trigger();
        })
    };

    let documents = Documents::new(store.clone(), config.limits.clone(), config.max_page_size);
    let max_message =
        config.limits.max_body_bytes + config.limits.max_title_bytes + MESSAGE_OVERHEAD_BYTES;
    let api = DocumentServiceServer::new(DocumentApi::new(
        documents,
        config.import_window,
        local.clone(),
    ))
    .max_decoding_message_size(max_message);
    let host = ServerHost::new(&[service_names::DOCUMENT]);
    let served = host.serve(listener, Routes::new(api), local.clone()).await;

    local.trigger();
    forward.abort();
    store.close().await;
    tracing::info!("storage stopped");
    served.map_err(Into::into)
}

/// Sets TCP_NODELAY on the listener, which Linux passes on to every accepted
/// connection. Without it a server on a custom listener (as `ServerHost`
/// uses) lets Nagle's algorithm hold back the small trailing frames of a
/// response until the client's delayed ACK, adding ~40 ms to every unary call.
fn disable_nagle(listener: &TcpListener) {
    if let Err(err) = socket2::SockRef::from(listener).set_tcp_nodelay(true) {
        tracing::warn!(error = %err, "cannot set TCP_NODELAY on the listener; small responses may be delayed");
    }
}
