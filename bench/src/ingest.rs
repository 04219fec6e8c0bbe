//! Bulk import through `ImportDocuments`, the way an ingest pipeline feeds
//! storage: a few concurrent streams, each keeping the server's flow-control
//! window full, every acknowledgement checked.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use futures::StreamExt;
use tonic::transport::Channel;

use crate::corpus::Corpus;
use crate::stats::Latency;

/// What an import run measured.
pub struct ImportResult {
    /// Ids of the created documents, in no particular order.
    pub ids: Vec<String>,
    /// Bytes of title and body sent.
    pub bytes: usize,
    pub elapsed: Duration,
    /// Send → durable acknowledgement, per document.
    pub acks: Latency,
    /// When the first request went out (the start of end-to-end indexing).
    pub started: Instant,
}

/// Generates articles `0..docs` up front (so generation is not timed), then
/// imports them over `streams` concurrent streams. Request ids are derived
/// from the article number, so a rerun against the same store is a no-op.
pub async fn import(
    channel: &Channel,
    corpus: &Arc<Corpus>,
    docs: u64,
    streams: usize,
) -> anyhow::Result<ImportResult> {
    let streams = streams.max(1);
    let shards = generate(corpus, docs, streams).await?;
    let bytes = shards
        .iter()
        .flatten()
        .filter_map(|r| r.document.as_ref())
        .map(|d| d.title.len() + d.body.len())
        .sum();

    let started = Instant::now();
    let (acks, ids) = import_shards(channel, shards).await?;
    Ok(ImportResult {
        ids,
        bytes,
        elapsed: started.elapsed(),
        acks,
        started,
    })
}

/// Imports each shard over its own ImportDocuments stream, all at once.
/// Returns the acknowledgement latencies and the stored ids.
pub async fn import_shards(
    channel: &Channel,
    shards: Vec<Vec<pb::ImportDocumentsRequest>>,
) -> anyhow::Result<(Latency, Vec<String>)> {
    let tasks: Vec<_> = shards
        .into_iter()
        .map(|shard| tokio::spawn(import_stream(channel.clone(), shard)))
        .collect();
    let mut acks = Latency::new();
    let mut ids = Vec::new();
    for task in tasks {
        let (latency, shard_ids) = task.await??;
        acks.merge(&latency);
        ids.extend(shard_ids);
    }
    Ok((acks, ids))
}

/// The import requests for articles `0..docs`, dealt round-robin into
/// `streams` shards, generated on the blocking pool.
async fn generate(
    corpus: &Arc<Corpus>,
    docs: u64,
    streams: usize,
) -> anyhow::Result<Vec<Vec<pb::ImportDocumentsRequest>>> {
    let tasks: Vec<_> = (0..streams)
        .map(|shard| {
            let corpus = corpus.clone();
            tokio::task::spawn_blocking(move || {
                (shard as u64..docs)
                    .step_by(streams)
                    .map(|n| import_request(&corpus, n))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut shards = Vec::with_capacity(streams);
    for task in tasks {
        shards.push(task.await?);
    }
    Ok(shards)
}

/// The import request of article `n`, with a request id derived from it.
pub fn import_request(corpus: &Corpus, n: u64) -> pb::ImportDocumentsRequest {
    pb::ImportDocumentsRequest {
        document: Some(corpus.article(n)),
        request_id: format!("bench-{n}"),
    }
}

/// One stream: returns the acknowledgement latencies and the created ids.
async fn import_stream(
    channel: Channel,
    requests: Vec<pb::ImportDocumentsRequest>,
) -> anyhow::Result<(Latency, Vec<String>)> {
    let sent_at = Arc::new(Mutex::new(Vec::with_capacity(requests.len())));
    let recorder = sent_at.clone();
    let outgoing = futures::stream::iter(requests).map(move |request| {
        if let Ok(mut times) = recorder.lock() {
            times.push(Instant::now());
        }
        request
    });
    let mut client = DocumentServiceClient::new(channel);
    let mut responses = client
        .import_documents(outgoing)
        .await
        .context("ImportDocuments")?
        .into_inner();
    let mut latency = Latency::new();
    let mut ids = Vec::new();
    while let Some(response) = responses.message().await? {
        if let Some(sent) = sent_at.lock().ok().and_then(|t| t.get(ids.len()).copied()) {
            latency.record(sent.elapsed());
        }
        ensure!(
            matches!(
                response.outcome(),
                pb::ImportOutcome::Created | pb::ImportOutcome::Duplicate
            ),
            "import of {} was {:?}: {}",
            response.request_id,
            response.outcome(),
            response.reason
        );
        ids.push(response.document_id);
    }
    Ok((latency, ids))
}
