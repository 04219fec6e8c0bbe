//! Watches in `dossier-bench` (#18): many saved searches present while the
//! index catches up (what percolation costs indexing), and how soon a
//! match reaches a connected stream.
//!
//! The watches look like an analyst's: a word of the corpus's Zipf
//! vocabulary (ranks 200..20,000, so each is in roughly 0.2%..15% of the
//! articles), a person's surname in one outlet's spelling (the others match
//! through entity expansion), a person AND a word, or two words.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

use crate::corpus::{Corpus, OUTLETS};
use crate::stats::Latency;

/// Word ranks watches draw from (log-uniformly).
const WORD_RANKS: (f64, f64) = (200.0, 20_000.0);
/// People watches name: the most prominent ones, as analysts watch them.
const WATCHED_PEOPLE: usize = 200;
/// Concurrent CreateWatch calls while setting watches up.
const CREATE_CONCURRENCY: usize = 8;
/// How often GetIndexStatus is polled to see when a document became
/// searchable (the error of the "indexed → stream" figure).
const INDEX_POLL: Duration = Duration::from_millis(10);

/// `n` watch queries, deterministic for `seed`.
pub fn queries(corpus: &Corpus, n: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3a7c_4e5d);
    let people = corpus.prominent_people(WATCHED_PEOPLE);
    let (low, high) = (WORD_RANKS.0.ln(), WORD_RANKS.1.ln());
    let word = |rng: &mut ChaCha8Rng| {
        let rank = rng.random_range(low..high).exp() as usize;
        corpus.word(rank).to_string()
    };
    let name = |rng: &mut ChaCha8Rng| {
        // Prominence falls with rank, as in the news.
        let rank = (rng.random::<f64>().powi(2) * people.len() as f64) as usize;
        let spellings = people[rank.min(people.len() - 1)].surname_variants();
        spellings[rng.random_range(0..spellings.len())].to_string()
    };
    (0..n)
        .map(|_| match rng.random_range(0..20) {
            0..8 => word(&mut rng),
            8..13 => name(&mut rng),
            13..18 => format!("{} AND {}", name(&mut rng), word(&mut rng)),
            _ => format!("{} AND {}", word(&mut rng), word(&mut rng)),
        })
        .collect()
}

/// Creates a watch per query (request ids derived from the position, so a
/// rerun against kept data creates nothing twice); returns their ids and
/// how long it took.
pub async fn create(
    search: &Channel,
    queries: &[String],
) -> anyhow::Result<(Vec<String>, Duration)> {
    let started = Instant::now();
    let next = Arc::new(Mutex::new(0usize));
    let queries = Arc::new(queries.to_vec());
    let ids = Arc::new(Mutex::new(vec![String::new(); queries.len()]));
    let workers: Vec<_> = (0..CREATE_CONCURRENCY)
        .map(|_| {
            let (next, queries, ids) = (next.clone(), queries.clone(), ids.clone());
            let mut client = SearchServiceClient::new(search.clone());
            tokio::spawn(async move {
                loop {
                    let n = {
                        let mut next = next.lock();
                        *next += 1;
                        *next - 1
                    };
                    let Some(query) = queries.get(n) else {
                        return Ok::<_, anyhow::Error>(());
                    };
                    let request = pb::CreateWatchRequest {
                        watch: Some(pb::Watch {
                            query: query.clone(),
                            ..Default::default()
                        }),
                        request_id: format!("bench-watch-{n}"),
                    };
                    let watch = client
                        .create_watch(request)
                        .await
                        .with_context(|| format!("CreateWatch {query:?}"))?;
                    ids.lock()[n] = watch.into_inner().id;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    let ids = ids.lock().clone();
    Ok((ids, started.elapsed()))
}

/// How soon matches reached the streams.
pub struct Delivery {
    /// Searchable (GetIndexStatus shows the sequence) → received.
    pub from_indexed: Latency,
    /// Stored (CreateDocument answered) → received.
    pub from_stored: Latency,
    /// Matches received, over all streams.
    pub matches: u64,
    pub streams: usize,
}

/// Streams `watch_ids` plus a probe watch that matches every article, then
/// stores articles `first..first + count` one by one at `rate` per second
/// and times each match's arrival.
pub async fn delivery(
    storage: &Channel,
    search: &Channel,
    corpus: &Corpus,
    first: u64,
    count: u64,
    rate: f64,
    watch_ids: &[String],
) -> anyhow::Result<Delivery> {
    let mut client = SearchServiceClient::new(search.clone());
    let probe = client
        .create_watch(pb::CreateWatchRequest {
            watch: Some(pb::Watch {
                name: "every outlet".into(),
                filter: Some(pb::SearchFilter {
                    sources: OUTLETS.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            request_id: format!("bench-probe-{first}"),
        })
        .await?
        .into_inner()
        .id;
    let after = client
        .get_index_status(pb::GetIndexStatusRequest {})
        .await?
        .into_inner()
        .indexed_sequence;
    let received: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let mut streams = Vec::new();
    for id in std::iter::once(&probe).chain(watch_ids) {
        streams.push(tokio::spawn(receive(
            client.clone(),
            id.clone(),
            after,
            received.clone(),
        )));
    }
    let indexed: Arc<Mutex<Vec<(Instant, u64)>>> = Arc::default();
    let poller = tokio::spawn(poll_indexed(client.clone(), indexed.clone()));

    let mut documents = DocumentServiceClient::new(storage.clone());
    let mut stored: HashMap<u64, Instant> = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.1));
    let mut last = 0;
    for n in first..first + count {
        let due = Instant::now() + gap;
        let doc = documents
            .create_document(pb::CreateDocumentRequest {
                document: Some(corpus.article(n)),
                request_id: format!("bench-live-{n}"),
            })
            .await?
            .into_inner();
        stored.insert(doc.sequence, Instant::now());
        last = last.max(doc.sequence);
        tokio::time::sleep_until(due.into()).await;
    }
    // The probe matches every article: wait for the last one.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !received.lock().iter().any(|(seq, _)| *seq == last) {
        if Instant::now() > deadline {
            bail!("the probe watch did not receive sequence {last} within 120 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Other watches' matches of the same commit arrive within moments.
    tokio::time::sleep(Duration::from_millis(500)).await;
    poller.abort();
    for stream in &streams {
        stream.abort();
    }
    let indexed = indexed.lock().clone();
    let mut result = Delivery {
        from_indexed: Latency::new(),
        from_stored: Latency::new(),
        matches: 0,
        streams: streams.len(),
    };
    for &(seq, at) in received.lock().iter() {
        let Some(stored_at) = stored.get(&seq) else {
            continue;
        };
        result.matches += 1;
        result
            .from_stored
            .record(at.saturating_duration_since(*stored_at));
        if let Some((searchable, _)) = indexed.iter().find(|(_, s)| *s >= seq) {
            result
                .from_indexed
                .record(at.saturating_duration_since(*searchable));
        }
    }
    Ok(result)
}

/// Records (sequence, arrival) of each match of watch `id` after `after`.
async fn receive(
    mut client: SearchServiceClient<Channel>,
    id: String,
    after: u64,
    into: Arc<Mutex<Vec<(u64, Instant)>>>,
) -> anyhow::Result<()> {
    let mut stream = client
        .stream_watch_matches(pb::StreamWatchMatchesRequest {
            watch_id: id,
            after_sequence: after,
        })
        .await?
        .into_inner();
    while let Some(found) = stream.message().await? {
        into.lock().push((found.sequence, Instant::now()));
    }
    Ok(())
}

/// Records when the indexed sequence moves.
async fn poll_indexed(
    mut client: SearchServiceClient<Channel>,
    into: Arc<Mutex<Vec<(Instant, u64)>>>,
) {
    let mut seen = 0;
    loop {
        if let Ok(status) = client.get_index_status(pb::GetIndexStatusRequest {}).await {
            let sequence = status.into_inner().indexed_sequence;
            if sequence > seen {
                seen = sequence;
                into.lock().push((Instant::now(), sequence));
            }
        }
        tokio::time::sleep(INDEX_POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_queries_are_varied_and_deterministic() {
        let corpus = Corpus::new(42);
        let a = queries(&corpus, 1_000, 7);
        assert_eq!(a, queries(&corpus, 1_000, 7));
        let pairs = a.iter().filter(|q| q.contains(" AND ")).count();
        assert!((200..600).contains(&pairs), "{pairs}");
        let distinct: std::collections::HashSet<&String> = a.iter().collect();
        assert!(distinct.len() > 800, "{}", distinct.len());
    }
}
