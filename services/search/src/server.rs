//! Wiring: open the index, start the indexer, serve SearchService (plus
//! health and reflection through `ServerHost`) until shutdown, then drain,
//! stop the indexer and commit.

use std::sync::Arc;

use anyhow::Context;
use dossier_kit::{ServerHost, Shutdown, run_blocking};
use dossier_proto::service_names;
use dossier_proto::v1::search_service_server::SearchServiceServer;
use tokio::net::TcpListener;
use tonic::service::Routes;

use crate::config::SearchConfig;
use crate::error::Error;
use crate::grpc::clients::{GrpcExtractor, GrpcFeed, lazy_channel};
use crate::grpc::{SearchGrpc, message_limit};
use crate::index::SearchIndex;
use crate::indexer::status::StatusCell;
use crate::indexer::{Control, Indexer};
use crate::service::{Limits, SearchCore};
use crate::watches::{WATCHES_DIR, WatchLimits, Watches};

/// Largest request accepted (queries are small; this bounds abuse).
const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// Largest response (a page of 1,000 hits with bodies can be large).
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Opens the index, starts the indexer, and serves SearchService plus health
/// and reflection on `listener` until `shutdown`; then drains RPCs, commits
/// what has been indexed and returns. Queries are served even while storage
/// or extraction are down (the indexer retries in the background).
pub async fn serve(
    config: SearchConfig,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    tracing::debug!(?config, "search config");
    let dir = config.data_dir.clone();
    let threads = config.query_threads;
    let stories = config.story_settings();
    let index = run_blocking(move || {
        let mut index = SearchIndex::open_with(&dir, stories)?;
        index.set_query_threads(threads)?;
        Ok::<_, Error>(index)
    })
    .await?
    .with_context(|| {
        format!(
            "cannot open the search index in {}",
            config.data_dir.display()
        )
    })?;
    let index = Arc::new(index);
    let status = Arc::new(StatusCell::default());
    let control = Arc::new(Control::default());

    let watch_limits = WatchLimits {
        max_watches: config.max_watches,
        max_streams: config.max_watch_streams,
        max_page_size: config.max_page_size,
    };
    let (watch_dir, watch_index, stop_watches) = (
        config.data_dir.join(WATCHES_DIR),
        Arc::clone(&index),
        shutdown.child(),
    );
    let watches =
        run_blocking(move || Watches::open(&watch_dir, watch_index, watch_limits, stop_watches))
            .await?
            .context("cannot open the watches")?;
    let percolator = tokio::spawn(Arc::clone(&watches).percolate());

    // Several extraction replicas (one PostgreSQL registry) take the
    // batches in turn: the indexer keeps `extract_in_flight` out at once.
    let extraction = dossier_kit::client::lazy_balanced_channel(&dossier_kit::client::url_list(
        &config.extraction_url,
    ))
    .context("bad --extraction url")?;
    let matcher = Arc::new(GrpcExtractor::new(extraction.clone()));
    let indexer = Indexer {
        index: Arc::clone(&index),
        feed: GrpcFeed::new(lazy_channel(&config.storage_url).context("bad --storage url")?),
        extractor: GrpcExtractor::new(extraction),
        status: Arc::clone(&status),
        control: Arc::clone(&control),
        settings: config.indexer_settings(),
    };
    // The indexer has its own signal, tied to ours, so a server failure stops
    // this service's indexer without shutting down a whole monolithic process.
    let stop_indexer = shutdown.child();
    let indexer_task = tokio::spawn(indexer.run(stop_indexer.clone()));

    let limits = Limits {
        max_query_bytes: config.max_query_bytes,
        max_page_size: config.max_page_size,
        max_screen_names: config.max_screen_names,
    };
    let core = SearchCore::new(
        Arc::clone(&index),
        status,
        control,
        limits,
        shutdown.clone(),
        watches,
        matcher,
    );
    let server = SearchServiceServer::new(SearchGrpc::new(core))
        .max_decoding_message_size(MAX_REQUEST_BYTES)
        .max_encoding_message_size(MAX_RESPONSE_BYTES);
    let routes = Routes::new(dossier_kit::edge(
        server,
        message_limit(config.max_query_bytes),
    ));
    let served = ServerHost::new(&[service_names::SEARCH])
        .serve(listener, routes, shutdown.clone())
        .await;

    // Whatever ended the server, stop the indexer and commit its work.
    stop_indexer.trigger();
    let indexed = indexer_task.await.context("indexer task failed")?;
    percolator.abort();
    let _ = percolator.await;
    served?;
    indexed?;
    if let Ok(index) = Arc::try_unwrap(index) {
        run_blocking(move || index.close()).await??;
    }
    Ok(())
}
