//! Deadlines that expire during slow work, on each service that does some.
//!
//! Deadlines are measured, not guessed: each row first runs its work without
//! one, then gives it a quarter of that time (at most 100 ms), and clients
//! pace their streams so the work lasts on any machine.

use std::time::Duration;

use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_tests::TestSystem;
use futures::{Stream, StreamExt};
use tonic::{Code, Request};

use crate::harness::{
    self, Call, Clients, INDEX_TIMEOUT, Rows, Service, drain_paced, import_stream, streamed, unary,
};
use crate::seed::{article, seed};

/// The names of the deadline rows, so the main test can check them too.
pub const ROWS: [&str; 4] = [
    "ExportSearch: deadline passes while a slow client reads",
    "BatchExtract: deadline passes during many texts",
    "Extract: deadline passes during a long text",
    "ImportDocuments: deadline passes during many documents",
];

/// News-like filler, one marker word per corpus.
fn filler(n: usize, marker: &str) -> Vec<pb::Document> {
    (0..n)
        .map(|i| {
            article(
                &format!("Port authority report {i} on {marker}"),
                &format!(
                    "The harbour council met on Tuesday to discuss {marker} and freight \
                     volumes. Item {i} of the agenda concerned dredging, tariffs and the \
                     night shift at the container quay."
                ),
                "port-ledger",
            )
        })
        .collect()
}

/// Shortest deadline a row may use. Far above the time a handler takes to
/// answer with its response head, so tonic's own timer (which only covers
/// that head, and answers CANCELLED "Timeout expired") never fires first:
/// what is tested is the service's own enforcement of the deadline.
const MIN_DEADLINE: Duration = Duration::from_millis(25);

/// Longest deadline a row uses: the measuring run may have been slowed by
/// other tests sharing the machine, and the timed run must not finish in
/// time just because it was not.
const MAX_DEADLINE: Duration = Duration::from_millis(100);

/// Adds a deadline row for slow work: runs `call(None)` once to completion
/// to learn how long the work takes on this machine, then adds a row that
/// gives `call` a quarter of that time (at most [`MAX_DEADLINE`]), so the
/// deadline is neither a race with a fast machine nor with a loaded one.
async fn add_deadline_row(
    rows: &mut Rows,
    name: &str,
    service: Service,
    call: impl Fn(Option<Duration>) -> Call,
) {
    let start = std::time::Instant::now();
    call(None)
        .await
        .unwrap_or_else(|status| panic!("{name} without a deadline: {status:?}"));
    let full = start.elapsed();
    let deadline = (full / 4).min(MAX_DEADLINE);
    eprintln!("{name}: {full:?} without a deadline");
    assert!(
        deadline >= MIN_DEADLINE,
        "{name}: the work takes only {full:?} without a deadline; give it more to do"
    );
    rows.add(
        name,
        service,
        Code::DeadlineExceeded,
        "deadline",
        call(Some(deadline)),
    );
}

/// Pause between the requests of a client stream, so the work of a
/// streaming call lasts at least this long per request on any machine.
const PACE: Duration = Duration::from_millis(2);

/// HTTP/2 flow-control window of the slow export client, in bytes: a
/// handful of hits.
const NARROW_WINDOW: u32 = 4096;

/// `items` as a client stream that sends one every [`PACE`].
fn paced<T: Send + 'static>(items: Vec<T>) -> impl Stream<Item = T> + Send + 'static {
    futures::stream::iter(items).then(|item| async move {
        tokio::time::sleep(PACE).await;
        item
    })
}

fn maybe_deadline<T>(message: T, deadline: Option<Duration>) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expired_deadlines_stop_slow_work() {
    let system = TestSystem::start().await;
    let clients = Clients::connect(&system).await;
    seed(&clients, filler(300, "lighterage"), "filler").await;
    system.wait_indexed(INDEX_TIMEOUT).await;
    let mut rows = Rows::default();

    // A small HTTP/2 window, so the server can only send a few hits ahead of
    // what the paced client has read: the export lasts as long as the
    // client reads, as it would over a slow network.
    let narrow = tonic::transport::Endpoint::from_shared(system.search_url())
        .unwrap()
        .initial_stream_window_size(NARROW_WINDOW)
        .initial_connection_window_size(NARROW_WINDOW)
        .connect()
        .await
        .unwrap();
    let search = SearchServiceClient::new(narrow);
    add_deadline_row(&mut rows, ROWS[0], Service::Search, |deadline| {
        let request = pb::ExportSearchRequest {
            query: "lighterage OR harbour".into(),
            include_body: true,
            ..Default::default()
        };
        let mut search = search.clone();
        Box::pin(async move {
            let call = search.export_search(maybe_deadline(request, deadline));
            drain_paced(call, PACE).await
        })
    })
    .await;

    let texts: Vec<pb::ExtractRequest> = filler(150, "demurrage")
        .into_iter()
        .map(|doc| pb::ExtractRequest {
            text: doc.body,
            ..Default::default()
        })
        .collect();
    let extraction = clients.extraction.clone();
    add_deadline_row(&mut rows, ROWS[1], Service::Extraction, |deadline| {
        let texts = paced(texts.clone());
        streamed!(extraction, batch_extract, maybe_deadline(texts, deadline))
    })
    .await;

    let long_text: String = filler(1_500, "pilotage")
        .into_iter()
        .map(|doc| doc.body)
        .collect::<Vec<_>>()
        .join(" ");
    add_deadline_row(&mut rows, ROWS[2], Service::Extraction, |deadline| {
        let request = pb::ExtractRequest {
            text: long_text.clone(),
            ..Default::default()
        };
        unary!(extraction, extract, maybe_deadline(request, deadline))
    })
    .await;

    // Each run imports new documents, so both do the same work.
    let runs = std::sync::atomic::AtomicUsize::new(0);
    add_deadline_row(&mut rows, ROWS[3], Service::Storage, |deadline| {
        let run = runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let documents = filler(150, &format!("wharfage{run}"))
            .into_iter()
            .enumerate()
            .map(|(i, document)| pb::ImportDocumentsRequest {
                document: Some(document),
                request_id: format!("deadline-{run}-{i}"),
            })
            .collect::<Vec<_>>();
        Box::pin(import_stream(
            clients.documents.clone(),
            paced(documents),
            deadline,
        ))
    })
    .await;

    let count = rows.len();
    let failures = harness::run(&clients, rows).await;
    harness::assert_no_failures(&failures, count);
    system.stop().await;
}
