//! Faults with the real service binaries as processes on loopback (issue 7):
//! kill -9 of search in the middle of catching up, and SIGTERM of each
//! service while clients have unary calls and streams in flight.
//!
//! A unary call counts as in flight once the server has accepted it: each
//! load client opens its slow call, then a quick probe on the same HTTP/2
//! connection. Streams are opened in order, so a probe answered before the
//! SIGTERM proves the slow call was already accepted — and it must then
//! succeed. Calls that cannot be proven so may instead be refused with
//! UNAVAILABLE or never sent at all (the client's transport cancels a call
//! still queued on a connection the server closed); they are only reported.

#[path = "faults/procs.rs"]
mod procs;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use procs::Proc;
use rand::{Rng, SeedableRng};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Code, Status};

/// The bound on a graceful shutdown under load.
const EXIT_BOUND: Duration = Duration::from_secs(15);
/// Generous waits for conditions on a loaded 2-core machine.
const PATIENCE: Duration = Duration::from_secs(180);

type Documents = DocumentServiceClient<Channel>;
type Extraction = ExtractionServiceClient<Channel>;
type Search = SearchServiceClient<Channel>;

/// A news-like article with a marker word found in no other document.
fn article(n: usize) -> pb::Document {
    const PLACES: [&str; 5] = ["Gdansk", "Rotterdam", "Valletta", "Tallinn", "Porto"];
    const TOPICS: [&str; 4] = ["dredging", "tariffs", "the night shift", "ferry fares"];
    let place = PLACES[n % PLACES.len()];
    pb::Document {
        title: format!(
            "Harbour board in {place} reviews item {n} (ref {})",
            marker(n)
        ),
        body: format!(
            "The harbour board of {place} met on Tuesday to discuss {} and freight volumes. \
             Minister Anna Novak said agenda item {n} would be settled before the summer, \
             and the port authority promised a report on {}.",
            TOPICS[n % TOPICS.len()],
            TOPICS[(n / 4) % TOPICS.len()],
        ),
        source: format!("gazette-{}", n % 3),
        language: "en".into(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_767_225_600 + i64::try_from(n).unwrap() * 600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

fn marker(n: usize) -> String {
    format!("qmark{n}x")
}

/// Imports articles `range` on one stream; returns their ids in order.
async fn import(client: &mut Documents, range: std::ops::Range<usize>) -> Vec<String> {
    let prefix = format!("faults-{}", range.start);
    dossier_tests::import_created(client, range.map(article), &prefix).await
}

async fn storage_status(client: &mut Documents) -> pb::StorageStatus {
    client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner()
}

async fn index_status(client: &mut Search) -> pb::IndexStatus {
    client
        .get_index_status(pb::GetIndexStatusRequest {})
        .await
        .unwrap()
        .into_inner()
}

/// Polls search until its committed index reaches `sequence`.
async fn wait_indexed(client: &mut Search, sequence: u64) -> pb::IndexStatus {
    let started = Instant::now();
    loop {
        let status = index_status(client).await;
        if status.indexed_sequence >= sequence {
            return status;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "search did not reach sequence {sequence} within {PATIENCE:?}: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn total_hits(client: &mut Search, query: &str) -> (u64, Vec<String>) {
    let response = client
        .search(pb::SearchRequest {
            query: query.into(),
            page_size: 10,
            disable_entity_expansion: true,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|status| panic!("search {query:?}: {status}"))
        .into_inner();
    let ids = response.hits.into_iter().map(|h| h.document_id).collect();
    (response.total_hits, ids)
}

fn search_args<'a>(storage: &'a Proc, extraction: &'a Proc) -> [&'a str; 6] {
    [
        "--storage",
        &storage.url,
        "--extraction",
        &extraction.url,
        // Frequent commits, so the kill lands between two of them.
        "--commit-docs",
        "200",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_killed_mid_catch_up_resumes_and_indexes_nothing_twice() {
    const FIRST: usize = 3000;
    const WHILE_DOWN: usize = 500;
    let seed: u64 = rand::rng().random();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // Kill once the committed index holds this share of the backlog.
    let kill_share: f64 = rng.random_range(0.15..0.6);
    println!(
        "seed {seed}: kill -9 at {:.0}% of the backlog",
        kill_share * 100.0
    );

    let dir = tempfile::tempdir().unwrap();
    let storage = Proc::start("storage", &dir.path().join("storage"), &[]).await;
    let extraction = Proc::start("extraction", &dir.path().join("extraction"), &[]).await;
    let mut documents = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    let mut ids = import(&mut documents, 0..FIRST).await;
    let stored = storage_status(&mut documents).await.last_sequence;

    let search_dir = dir.path().join("search");
    let search = Proc::start("search", &search_dir, &search_args(&storage, &extraction)).await;
    let mut client = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    let kill_at = (stored as f64 * kill_share) as u64;
    let before_kill = wait_indexed(&mut client, kill_at.max(1)).await;
    search.kill9();
    println!("killed at {before_kill:?}");
    assert!(
        before_kill.indexed_sequence < stored,
        "the kill landed mid-catch-up: {before_kill:?}"
    );

    // Documents keep arriving while search is down.
    ids.extend(import(&mut documents, FIRST..FIRST + WHILE_DOWN).await);
    let storage_now = storage_status(&mut documents).await;

    let search = Proc::start("search", &search_dir, &search_args(&storage, &extraction)).await;
    let mut client = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    let status = wait_indexed(&mut client, storage_now.last_sequence).await;
    assert_eq!(
        status.document_count, storage_now.document_count,
        "search's count equals storage's: {status:?}"
    );
    assert_eq!(storage_now.document_count, (FIRST + WHILE_DOWN) as u64);
    assert_eq!(
        total_hits(&mut client, "").await.0,
        storage_now.document_count
    );

    // Around the kill point and elsewhere: each document is there once.
    let killed_near = usize::try_from(before_kill.indexed_sequence).unwrap();
    let mut sample: Vec<usize> = (0..40).map(|_| rng.random_range(0..ids.len())).collect();
    sample.extend(killed_near.saturating_sub(10)..(killed_near + 10).min(ids.len()));
    for n in sample {
        let id = &ids[n];
        let by_id = total_hits(&mut client, &format!("id:{id}")).await;
        assert_eq!(by_id, (1, vec![id.clone()]), "id:{id}");
        let by_marker = total_hits(&mut client, &marker(n)).await;
        assert_eq!(by_marker, (1, vec![id.clone()]), "{}", marker(n));
    }
    stop_cleanly(search).await;
    stop_cleanly(extraction).await;
    stop_cleanly(storage).await;
}

async fn stop_cleanly(mut proc: Proc) {
    proc.sigterm();
    let status = proc.wait_exit(EXIT_BOUND).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "{} after SIGTERM: {status:?}\n{}",
        proc.name,
        proc.log()
    );
}

/// When the test sent SIGTERM.
#[derive(Default)]
struct TermClock(OnceLock<Instant>);

impl TermClock {
    fn sent(&self) -> bool {
        self.0.get().is_some()
    }
}

type Call = Pin<Box<dyn Future<Output = Result<(), Status>> + Send>>;

/// One round of a unary load client.
#[derive(Debug)]
struct Round {
    /// The probe answered before the SIGTERM: the slow call was in flight.
    in_flight: bool,
    finished_after_term: bool,
    result: Result<(), Status>,
}

/// Rounds of `slow` then `probe` on one connection until `stop` is set or a
/// call fails.
fn unary_load(
    slow: impl Fn() -> Call + Send + 'static,
    probe: impl Fn() -> Call + Send + 'static,
    term: Arc<TermClock>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<Vec<Round>> {
    tokio::spawn(async move {
        let mut rounds = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            let mut call = slow();
            // One poll queues the call on the connection before the probe.
            let early = futures::poll!(call.as_mut());
            let probed = probe().await;
            let in_flight = probed.is_ok() && !term.sent();
            let result = match early {
                std::task::Poll::Ready(result) => result,
                std::task::Poll::Pending => call.await,
            };
            let failed = result.is_err() || probed.is_err();
            rounds.push(Round {
                in_flight,
                finished_after_term: term.sent(),
                result,
            });
            if failed {
                break;
            }
        }
        rounds
    })
}

/// Sends SIGTERM while the load runs, and checks the process exits 0
/// within the bound.
async fn terminate_under_load(proc: &mut Proc, term: &TermClock) -> Duration {
    term.0.set(Instant::now()).unwrap();
    proc.sigterm();
    let status = proc.wait_exit(Duration::from_secs(60)).await;
    let took = term.0.get().unwrap().elapsed();
    println!(
        "{} exited with {status:?} {took:.2?} after SIGTERM",
        proc.name
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "{} exits 0 after SIGTERM: {status:?}\n{}",
        proc.name,
        proc.log()
    );
    assert!(
        took < EXIT_BOUND,
        "{} took {took:?} to exit after SIGTERM (bound {EXIT_BOUND:?})\n{}",
        proc.name,
        proc.log()
    );
    took
}

/// Every in-flight unary call succeeded (the rest may have been refused or
/// never sent, and are only reported). Returns how many in-flight calls were still
/// running when the SIGTERM came.
async fn check_rounds(service: &str, clients: Vec<JoinHandle<Vec<Round>>>) -> usize {
    let mut straddled = 0;
    let mut total = 0;
    for client in clients {
        let rounds = client.await.unwrap();
        assert!(!rounds.is_empty(), "{service}: a client ran no round");
        for round in rounds {
            total += 1;
            match (&round.result, round.in_flight) {
                (Ok(()), true) if round.finished_after_term => straddled += 1,
                (Ok(()), _) => {}
                (Err(status), true) => {
                    panic!("{service}: an in-flight call failed on SIGTERM: {status:?}")
                }
                // Not proven to have reached the server before the SIGTERM:
                // refused (UNAVAILABLE), or cut by the client's own transport
                // as the connection closed; not a server guarantee.
                (Err(status), false) => {
                    println!("{service}: a call not yet in flight ended with {status:?}")
                }
            }
        }
    }
    println!("{service}: {total} unary rounds, {straddled} in flight across the SIGTERM");
    straddled
}

/// The end of a stream the server closed on shutdown: UNAVAILABLE saying
/// why. When the client is still sending as the server's process exits, its
/// kernel may reset the connection before the client has read that status
/// (unread request bytes on a closed socket make TCP send RST), and the
/// client sees a broken pipe instead: seen under full-suite load, noted in
/// notes/NOTES.md. Either way the stream must not end as if complete.
/// Checks how a stream ended at shutdown; returns whether its final status
/// was read (false: the connection was cut first, and answers the server
/// sent just before may have been lost with it).
fn assert_shutdown_status(what: &str, end: &Result<Option<()>, Status>) -> bool {
    match end {
        Err(status) if status.code() == Code::Unknown => {
            let cut = format!("{status:?}");
            assert!(
                cut.contains("broken pipe") || cut.contains("connection reset"),
                "{what}: {status:?}"
            );
            println!("{what}: connection cut before the status was read: {status:?}");
            false
        }
        Err(status) => {
            assert_eq!(status.code(), Code::Unavailable, "{what}: {status:?}");
            assert!(
                status.message().contains("shutting down"),
                "{what} names the reason: {status:?}"
            );
            true
        }
        Ok(end) => panic!("{what} ended with {end:?} while the client was still sending"),
    }
}

/// A client stream that stays open: `make(i)` for i = 0, 1, ... as fast as
/// the server takes them (or one per `pace`), until the receiver is dropped
/// or the returned flag is set (which ends the client's side).
fn open_feed<T: Send + 'static>(
    make: impl Fn(usize) -> T + Send + 'static,
    pace: Option<Duration>,
) -> (ReceiverStream<T>, Arc<AtomicBool>) {
    let (tx, rx) = mpsc::channel(16);
    let end = Arc::new(AtomicBool::new(false));
    let ending = end.clone();
    tokio::spawn(async move {
        for i in 0.. {
            if ending.load(Ordering::SeqCst) || tx.send(make(i)).await.is_err() {
                return;
            }
            if let Some(pace) = pace {
                tokio::time::sleep(pace).await;
            }
        }
    });
    (ReceiverStream::new(rx), end)
}

/// Reads `stream` until it ends, passing each message to `check`; `first`
/// fires after `ready_after` messages.
fn drain<T: Send + 'static>(
    mut stream: tonic::Streaming<T>,
    check: impl Fn(T) + Send + 'static,
    ready_after: usize,
    first: tokio::sync::oneshot::Sender<()>,
) -> JoinHandle<(usize, Result<Option<()>, Status>)> {
    tokio::spawn(async move {
        let mut first = Some(first);
        let mut count = 0;
        loop {
            match stream.message().await {
                Ok(Some(message)) => {
                    check(message);
                    count += 1;
                    if count >= ready_after
                        && let Some(first) = first.take()
                    {
                        let _ = first.send(());
                    }
                }
                Ok(None) => return (count, Ok(None)),
                Err(status) => return (count, Err(status)),
            }
        }
    })
}

fn created(response: pb::ImportDocumentsResponse) {
    assert_eq!(
        response.outcome(),
        pb::ImportOutcome::Created,
        "{response:?}"
    );
}

async fn ready(signal: tokio::sync::oneshot::Receiver<()>, what: &str) {
    tokio::time::timeout(PATIENCE, signal)
        .await
        .unwrap_or_else(|_| panic!("{what} did not start"))
        .unwrap_or_else(|_| panic!("{what} ended before it started"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_sigterm_under_load_finishes_in_flight_calls_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("storage");
    let mut storage = Proc::start("storage", &data, &[]).await;
    let mut documents = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    import(&mut documents, 0..500).await;

    // An import whose client never stops sending, and a change-feed watch.
    let mut importer = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    let (feed, _) = open_feed(
        |i| pb::ImportDocumentsRequest {
            document: Some(article(500 + i)),
            request_id: format!("open-{i}"),
        },
        None,
    );
    let acks = importer.import_documents(feed).await.unwrap().into_inner();
    let (import_ready, import_started) = tokio::sync::oneshot::channel();
    let import = drain(acks, created, 50, import_ready);
    // And one whose client sent a document and then went quiet, its side
    // still open.
    let (idle_tx, idle_rx) = mpsc::channel(1);
    idle_tx
        .send(pb::ImportDocumentsRequest {
            document: Some(pb::Document {
                title: "A quiet client's only article".into(),
                ..article(0)
            }),
            request_id: "idle-0".into(),
        })
        .await
        .unwrap();
    let idle_acks = importer
        .import_documents(ReceiverStream::new(idle_rx))
        .await
        .unwrap()
        .into_inner();
    let (idle_ready, idle_started) = tokio::sync::oneshot::channel();
    let idle = drain(idle_acks, created, 1, idle_ready);
    let changes = documents
        .watch_changes(pb::WatchChangesRequest::default())
        .await
        .unwrap()
        .into_inner();
    let (watch_ready, watch_started) = tokio::sync::oneshot::channel();
    let watch = drain(changes, drop, 1, watch_ready);

    let term = Arc::new(TermClock::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..3 {
        let client = DocumentServiceClient::connect(storage.url.clone())
            .await
            .unwrap();
        let (slow, probe) = (client.clone(), client);
        clients.push(unary_load(
            move || {
                let mut client = slow.clone();
                Box::pin(async move {
                    let request = pb::ListDocumentsRequest {
                        page_size: 500,
                        ..Default::default()
                    };
                    client.list_documents(request).await.map(drop)
                })
            },
            move || {
                let mut client = probe.clone();
                Box::pin(async move {
                    client
                        .get_storage_status(pb::GetStorageStatusRequest {})
                        .await
                        .map(drop)
                })
            },
            term.clone(),
            stop.clone(),
        ));
    }
    ready(import_started, "the import").await;
    ready(watch_started, "the watch").await;
    ready(idle_started, "the idle import").await;

    terminate_under_load(&mut storage, &term).await;
    stop.store(true, Ordering::SeqCst);
    check_rounds("storage", clients).await;
    let (acked, end) = import.await.unwrap();
    let import_read = assert_shutdown_status("the open import", &end);
    let (idle_acked, idle_end) = idle.await.unwrap();
    let idle_read = assert_shutdown_status("the idle import", &idle_end);
    drop(idle_tx);
    assert_shutdown_status("the change feed watch", &watch.await.unwrap().1);

    // What was acknowledged before the shutdown is durable.
    let storage = Proc::start("storage", &data, &[]).await;
    let mut documents = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    let count = storage_status(&mut documents).await.document_count;
    let acknowledged = (500 + acked + idle_acked) as u64;
    if import_read && idle_read {
        // Every document the import took was answered before its stream ended.
        assert_eq!(
            count, acknowledged,
            "documents after restart; {acked} acknowledged by the open import"
        );
    } else {
        // The connection was cut with answers on their way: documents the
        // server took are stored, unanswered (their request ids make a
        // resend safe). Nothing answered is lost.
        assert!(
            count >= acknowledged,
            "documents after restart: {count}, fewer than the {acknowledged} acknowledged"
        );
    }
    stop_cleanly(storage).await;
}

/// A text of about `bytes` bytes with names for the tagger to find.
fn long_text(bytes: usize) -> String {
    let sentence = "Minister Anna Novak met the harbour board in Gdansk on Tuesday. ";
    sentence.repeat(bytes / sentence.len() + 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extraction_sigterm_under_load_finishes_in_flight_calls_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut extraction = Proc::start("extraction", &dir.path().join("extraction"), &[]).await;

    let mut batch_client = ExtractionServiceClient::connect(extraction.url.clone())
        .await
        .unwrap();
    let (feed, _) = open_feed(
        |i| pb::ExtractRequest {
            text: format!("Anna Novak visited Gdansk {i} times this year."),
            request_id: format!("batch-{i}"),
            ..Default::default()
        },
        None,
    );
    let responses = batch_client.batch_extract(feed).await.unwrap().into_inner();
    let (batch_ready, batch_started) = tokio::sync::oneshot::channel();
    let batch = drain(responses, drop, 20, batch_ready);

    let term = Arc::new(TermClock::default());
    let stop = Arc::new(AtomicBool::new(false));
    let text = Arc::new(long_text(64 * 1024));
    let mut clients = Vec::new();
    for _ in 0..3 {
        let client: Extraction = ExtractionServiceClient::connect(extraction.url.clone())
            .await
            .unwrap();
        let (slow, probe, text) = (client.clone(), client, text.clone());
        clients.push(unary_load(
            move || {
                let mut client = slow.clone();
                let text = text.as_str().to_owned();
                Box::pin(async move {
                    let request = pb::ExtractRequest {
                        text,
                        ..Default::default()
                    };
                    client.extract(request).await.map(drop)
                })
            },
            move || {
                let mut client = probe.clone();
                Box::pin(async move {
                    client
                        .get_model_info(pb::GetModelInfoRequest {})
                        .await
                        .map(drop)
                })
            },
            term.clone(),
            stop.clone(),
        ));
    }
    ready(batch_started, "BatchExtract").await;

    terminate_under_load(&mut extraction, &term).await;
    stop.store(true, Ordering::SeqCst);
    check_rounds("extraction", clients).await;
    assert_shutdown_status("the open BatchExtract", &batch.await.unwrap().1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sigterm_under_load_finishes_in_flight_calls_and_exits_0() {
    const DOCS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let storage = Proc::start("storage", &dir.path().join("storage"), &[]).await;
    let extraction = Proc::start("extraction", &dir.path().join("extraction"), &[]).await;
    let mut documents = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    import(&mut documents, 0..DOCS).await;
    let search_dir = dir.path().join("search");
    let args = search_args(&storage, &extraction);
    let mut search = Proc::start("search", &search_dir, &args).await;
    let mut client: Search = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    wait_indexed(
        &mut client,
        storage_status(&mut documents).await.last_sequence,
    )
    .await;

    // The indexer is busy too: documents keep arriving during the shutdown.
    let mut importer = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    let (feed, end_feed) = open_feed(
        |i| pb::ImportDocumentsRequest {
            document: Some(article(DOCS + i)),
            request_id: format!("more-{i}"),
        },
        Some(Duration::from_millis(2)),
    );
    let acks = importer.import_documents(feed).await.unwrap().into_inner();
    let (import_ready, import_started) = tokio::sync::oneshot::channel();
    let import = drain(acks, created, 1, import_ready);

    let term = Arc::new(TermClock::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..3 {
        let client: Search = SearchServiceClient::connect(search.url.clone())
            .await
            .unwrap();
        let (slow, probe) = (client.clone(), client);
        clients.push(unary_load(
            move || {
                let mut client = slow.clone();
                Box::pin(async move {
                    let request = pb::SearchRequest {
                        query: "harbour OR minister OR freight".into(),
                        page_size: 100,
                        highlight: true,
                        facets: vec![pb::FacetRequest {
                            field: pb::FacetField::Entity.into(),
                            limit: 100,
                            ..Default::default()
                        }],
                        ..Default::default()
                    };
                    client.search(request).await.map(drop)
                })
            },
            move || {
                let mut client = probe.clone();
                Box::pin(async move {
                    client
                        .get_index_status(pb::GetIndexStatusRequest {})
                        .await
                        .map(drop)
                })
            },
            term.clone(),
            stop.clone(),
        ));
    }
    ready(import_started, "the import").await;

    terminate_under_load(&mut search, &term).await;
    stop.store(true, Ordering::SeqCst);
    check_rounds("search", clients).await;
    end_feed.store(true, Ordering::SeqCst);
    let (imported, end) = import.await.unwrap();
    assert!(end.is_ok(), "the import ends cleanly: {end:?}");
    println!("{imported} documents imported during the search shutdown");

    // The index it committed on the way out is consistent: a restart
    // catches up to storage with each document once.
    let search = Proc::start("search", &search_dir, &args).await;
    let mut client = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    let stored = storage_status(&mut documents).await;
    let status = wait_indexed(&mut client, stored.last_sequence).await;
    assert_eq!(status.document_count, stored.document_count, "{status:?}");
    stop_cleanly(search).await;
}
