//! Search service: a tantivy index that follows storage's change feed, knows
//! the entities extraction finds, and answers full-text and entity queries.
//!
//! Core modules (`schema`, `index`, `query`, `search`, `indexer`...) know
//! nothing of gRPC; `grpc` maps requests to them and `Error` to statuses.

pub mod collect;
pub mod config;
pub mod dates;
pub mod error;
pub mod facets;
pub mod grams;
pub mod grpc;
pub mod index;
pub mod indexer;
pub mod model;
pub mod query;
pub mod related;
pub mod schema;
pub mod search;
pub mod stats;
pub mod token;

#[cfg(test)]
pub(crate) mod testing;

use std::sync::Arc;

use anyhow::Context;
use dossier_kit::{ServerHost, Shutdown, run_blocking};
use dossier_proto::v1::search_service_server::SearchServiceServer;
use tokio::net::TcpListener;

pub use config::{SearchArgs, SearchConfig};
pub use error::{Error, Result};

use grpc::clients::{GrpcExtractor, GrpcFeed, lazy_channel};
use grpc::{Limits, SearchGrpc};
use index::SearchIndex;
use indexer::status::StatusCell;
use indexer::{Control, Indexer};

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
    let index = run_blocking(move || {
        let mut index = SearchIndex::open(&dir)?;
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

    let indexer = Indexer {
        index: Arc::clone(&index),
        feed: GrpcFeed::new(lazy_channel(&config.storage_url).context("bad --storage url")?),
        extractor: GrpcExtractor::new(
            lazy_channel(&config.extraction_url).context("bad --extraction url")?,
        ),
        status: Arc::clone(&status),
        control: Arc::clone(&control),
        settings: config.indexer_settings(),
    };
    // The indexer has its own signal, tied to ours, so a server failure stops
    // this service's indexer without shutting down a whole monolithic process.
    let stop_indexer = Shutdown::new();
    let linked = (shutdown.clone(), stop_indexer.clone());
    tokio::spawn(async move {
        linked.0.triggered().await;
        linked.1.trigger();
    });
    let indexer_task = tokio::spawn(indexer.run(stop_indexer.clone()));

    let service = SearchGrpc {
        index: Arc::clone(&index),
        status,
        control,
        limits: Limits {
            max_query_bytes: config.max_query_bytes,
            max_page_size: config.max_page_size,
        },
        shutdown: shutdown.clone(),
    };
    let server = SearchServiceServer::new(service)
        .max_decoding_message_size(MAX_REQUEST_BYTES)
        .max_encoding_message_size(MAX_RESPONSE_BYTES);
    let routes = tonic::service::Routes::new(server);
    let served = ServerHost::new(&[dossier_proto::service_names::SEARCH])
        .serve(listener, routes, shutdown.clone())
        .await;

    // Whatever ended the server, stop the indexer and commit its work.
    stop_indexer.trigger();
    let indexed = indexer_task.await.context("indexer task failed")?;
    served?;
    indexed?;
    if let Ok(index) = Arc::try_unwrap(index) {
        run_blocking(move || index.close()).await??;
    }
    Ok(())
}
