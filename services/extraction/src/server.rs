//! Wiring: open the registry and the model, serve ExtractionService (plus
//! health and reflection through `ServerHost`) until shutdown, then drain.

use std::sync::Arc;

use anyhow::Context;
use dossier_kit::{ServerHost, Shutdown, run_blocking};
use dossier_proto::service_names;
use dossier_proto::v1::extraction_service_server::ExtractionServiceServer;
use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::service::Routes;

use crate::config::ExtractionConfig;
use crate::grpc::{ExtractionGrpc, message_limit};
use crate::pipeline::Extractor;
use crate::registry::Registry;
use crate::tagger::Tagger;

/// Room for the other fields of an ExtractRequest beside a maximal text, so
/// a text somewhat over the limit reaches validation and gets our
/// RESOURCE_EXHAUSTED naming the flag (`dossier_kit::edge` says the same of
/// a message over the transport's limit).
const MESSAGE_OVERHEAD: usize = 64 * 1024;

/// Opens the registry and the model, serves `dossier.v1.ExtractionService`
/// plus health and reflection on `listener` until `shutdown` triggers, then
/// drains in-flight RPCs and returns (the registry commits every write, so
/// there is nothing left to flush).
pub async fn serve(
    config: ExtractionConfig,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    tracing::debug!(?config, "extraction config");
    let limit = message_limit(config.max_text_bytes);
    let max_message = config.max_text_bytes.saturating_add(MESSAGE_OVERHEAD);
    let read_ahead = config.batch_read_ahead;
    let core = run_blocking(move || open_core(&config))
        .await
        .context("opening the extraction core")??;
    let service = ExtractionGrpc::new(Arc::new(core), read_ahead, shutdown.clone(), limit);
    let server = ExtractionServiceServer::new(service)
        .max_decoding_message_size(max_message.max(4 * 1024 * 1024))
        .max_encoding_message_size(usize::MAX)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    ServerHost::new(&[service_names::EXTRACTION])
        .serve(
            listener,
            Routes::new(dossier_kit::edge(server, limit)),
            shutdown,
        )
        .await?;
    Ok(())
}

/// The core with the registry the config names: redb in the data dir (as
/// `Extractor::open`), or the shared PostgreSQL registry.
fn open_core(config: &ExtractionConfig) -> anyhow::Result<Extractor> {
    let Some(url) = &config.registry_url else {
        return Extractor::open(config);
    };
    let registry = Registry::connect(url.expose())
        .with_context(|| format!("opening the entity registry at {url}"))?;
    let tagger = match &config.model {
        Some(path) => {
            Tagger::load(path).with_context(|| format!("loading the model {}", path.display()))?
        }
        None => Tagger::load_default().context("loading the embedded model")?,
    };
    tracing::info!(
        registry = %registry.backend_name(),
        entities = registry.entity_count(),
        "model and registry loaded"
    );
    Ok(Extractor::new(tagger, registry, config.max_text_bytes))
}
