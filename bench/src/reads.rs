//! GetDocument under concurrent load: what an analyst's UI opening articles
//! from a result list costs while other users do the same.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

use crate::stats::Latency;

/// `calls` GetDocument calls of random stored ids, spread over `clients`
/// concurrent clients. Returns the latencies and the wall time.
pub async fn get_documents(
    channel: &Channel,
    ids: Arc<Vec<String>>,
    clients: usize,
    calls: usize,
    seed: u64,
) -> anyhow::Result<(Latency, Duration)> {
    anyhow::ensure!(!ids.is_empty(), "no documents to read");
    let clients = clients.max(1);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let channel = channel.clone();
            let ids = ids.clone();
            let count = calls / clients;
            tokio::spawn(async move {
                let mut client = DocumentServiceClient::new(channel);
                let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(c as u64));
                let mut latency = Latency::new();
                for _ in 0..count {
                    let id = ids[rng.random_range(0..ids.len())].clone();
                    let t = Instant::now();
                    client.get_document(pb::GetDocumentRequest { id }).await?;
                    latency.record(t.elapsed());
                }
                anyhow::Ok(latency)
            })
        })
        .collect();
    let mut latency = Latency::new();
    for task in tasks {
        latency.merge(&task.await??);
    }
    Ok((latency, started.elapsed()))
}
