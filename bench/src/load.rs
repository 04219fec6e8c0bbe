//! Mixed load: many concurrent clients each looping over a weighted mix of
//! imports, Extract calls, searches and document reads, for a bounded time
//! and a bounded number of calls. Every call carries a deadline, so a stalled
//! server shows up as DEADLINE_EXCEEDED rather than a hung load generator.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

use crate::corpus::Corpus;
use crate::ingest::import_request;
use crate::queries::{QueryContext, QueryKind};
use crate::stats::Latency;

/// The calls a load client makes, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rpc {
    Search,
    Extract,
    Import,
    GetDocument,
}

impl Rpc {
    pub fn name(self) -> &'static str {
        match self {
            Rpc::Search => "Search",
            Rpc::Extract => "Extract",
            Rpc::Import => "ImportDocuments",
            Rpc::GetDocument => "GetDocument",
        }
    }
}

/// How hard and how long to push.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    pub clients: usize,
    pub duration: Duration,
    /// Calls in total across clients: the second bound besides time.
    pub max_calls: u64,
    /// Deadline of each call (sent as grpc-timeout and enforced locally).
    pub deadline: Duration,
    /// Documents per ImportDocuments call.
    pub import_batch: usize,
    /// Relative weights of Search, Extract, Import, GetDocument.
    pub mix: [u32; 4],
    pub seed: u64,
    /// First corpus article number the load's imports use (after the ones
    /// already stored), so every import creates new documents.
    pub first_new_article: u64,
}

/// The three services' channels.
#[derive(Clone)]
pub struct Targets {
    pub storage: Channel,
    pub extraction: Channel,
    pub search: Channel,
}

/// Outcomes of one RPC kind.
#[derive(Default)]
pub struct RpcStats {
    /// Latency of successful calls.
    pub latency: Latency,
    /// Failed calls by gRPC code name.
    pub errors: BTreeMap<String, u64>,
}

impl RpcStats {
    pub fn ok(&self) -> u64 {
        self.latency.count()
    }

    pub fn failed(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// What a load run saw.
pub struct LoadResult {
    pub by_rpc: BTreeMap<Rpc, RpcStats>,
    pub elapsed: Duration,
    /// Documents the load's imports created.
    pub imported: u64,
}

/// State the clients share.
struct Shared {
    config: LoadConfig,
    targets: Targets,
    corpus: Arc<Corpus>,
    /// Ids the reads pick from (those stored before the run).
    ids: Arc<Vec<String>>,
    person_ids: Vec<String>,
    stored_docs: u64,
    calls: AtomicU64,
    next_article: AtomicU64,
    imported: AtomicU64,
    results: Mutex<BTreeMap<Rpc, RpcStats>>,
}

/// Runs `config.clients` clients until the time or the call budget is spent.
pub async fn run(
    config: LoadConfig,
    targets: Targets,
    corpus: Arc<Corpus>,
    ids: Arc<Vec<String>>,
    person_ids: Vec<String>,
) -> anyhow::Result<LoadResult> {
    let shared = Arc::new(Shared {
        next_article: AtomicU64::new(config.first_new_article),
        stored_docs: config.first_new_article,
        config,
        targets,
        corpus,
        ids,
        person_ids,
        calls: AtomicU64::new(0),
        imported: AtomicU64::new(0),
        results: Mutex::new(BTreeMap::new()),
    });
    let started = Instant::now();
    let until = started + shared.config.duration;
    let clients: Vec<_> = (0..shared.config.clients.max(1))
        .map(|c| tokio::spawn(client(shared.clone(), c as u64, until)))
        .collect();
    for c in clients {
        c.await?;
    }
    let elapsed = started.elapsed();
    let by_rpc = std::mem::take(&mut *shared.results.lock());
    Ok(LoadResult {
        by_rpc,
        elapsed,
        imported: shared.imported.load(Ordering::Relaxed),
    })
}

/// One client: draws a call from the mix, makes it, records the outcome.
async fn client(shared: Arc<Shared>, number: u64, until: Instant) {
    let mut rng = ChaCha8Rng::seed_from_u64(shared.config.seed.wrapping_add(number * 7919));
    let mut local: BTreeMap<Rpc, RpcStats> = BTreeMap::new();
    let total: u32 = shared.config.mix.iter().sum::<u32>().max(1);
    while Instant::now() < until
        && shared.calls.fetch_add(1, Ordering::Relaxed) < shared.config.max_calls
    {
        let mut pick = rng.random_range(0..total);
        let mut rpc = Rpc::GetDocument;
        for (candidate, weight) in [Rpc::Search, Rpc::Extract, Rpc::Import, Rpc::GetDocument]
            .into_iter()
            .zip(shared.config.mix)
        {
            if pick < weight {
                rpc = candidate;
                break;
            }
            pick -= weight;
        }
        let started = Instant::now();
        let call = one_call(&shared, rpc, &mut rng);
        let outcome = match tokio::time::timeout(shared.config.deadline, call).await {
            Ok(result) => result,
            Err(_) => Err(tonic::Status::deadline_exceeded("client-side deadline")),
        };
        let stats = local.entry(rpc).or_default();
        match outcome {
            Ok(()) => stats.latency.record(started.elapsed()),
            Err(status) => {
                *stats
                    .errors
                    .entry(format!("{:?}", status.code()))
                    .or_default() += 1
            }
        }
    }
    let mut results = shared.results.lock();
    for (rpc, stats) in local {
        let total = results.entry(rpc).or_default();
        total.latency.merge(&stats.latency);
        for (code, n) in stats.errors {
            *total.errors.entry(code).or_default() += n;
        }
    }
}

/// `message` as a request carrying `timeout` as its gRPC deadline, so the
/// server can stop work the client has given up on.
fn deadline<T>(message: T, timeout: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(timeout);
    request
}

/// Makes one call of `rpc` with the configured deadline.
async fn one_call(shared: &Shared, rpc: Rpc, rng: &mut ChaCha8Rng) -> Result<(), tonic::Status> {
    match rpc {
        Rpc::Search => {
            let context = QueryContext {
                corpus: &shared.corpus,
                docs: shared.stored_docs,
                person_ids: &shared.person_ids,
            };
            // The kinds that are one Search call.
            let kinds: Vec<QueryKind> = QueryKind::ALL
                .into_iter()
                .filter(|k| k.is_one_search())
                .collect();
            let request = context.request(kinds[rng.random_range(0..kinds.len())], rng);
            SearchServiceClient::new(shared.targets.search.clone())
                .search(deadline(request, shared.config.deadline))
                .await?;
        }
        Rpc::Extract => {
            let n = rng.random_range(0..shared.stored_docs.max(1));
            let request = pb::ExtractRequest {
                text: shared.corpus.article(n).body,
                ..Default::default()
            };
            ExtractionServiceClient::new(shared.targets.extraction.clone())
                .extract(deadline(request, shared.config.deadline))
                .await?;
        }
        Rpc::Import => {
            let batch = shared.config.import_batch.max(1) as u64;
            let first = shared.next_article.fetch_add(batch, Ordering::Relaxed);
            let requests: Vec<_> = (first..first + batch)
                .map(|n| import_request(&shared.corpus, n))
                .collect();
            let mut responses = DocumentServiceClient::new(shared.targets.storage.clone())
                .import_documents(deadline(
                    futures::stream::iter(requests),
                    shared.config.deadline,
                ))
                .await?
                .into_inner();
            while let Some(response) = responses.message().await? {
                if response.outcome() == pb::ImportOutcome::Rejected {
                    return Err(tonic::Status::new(
                        tonic::Code::from_i32(response.code),
                        response.reason,
                    ));
                }
                shared.imported.fetch_add(1, Ordering::Relaxed);
            }
        }
        Rpc::GetDocument => {
            if shared.ids.is_empty() {
                return Err(tonic::Status::failed_precondition("no stored ids to read"));
            }
            let id = shared.ids[rng.random_range(0..shared.ids.len())].clone();
            DocumentServiceClient::new(shared.targets.storage.clone())
                .get_document(deadline(
                    pb::GetDocumentRequest { id },
                    shared.config.deadline,
                ))
                .await?;
        }
    }
    Ok(())
}
