//! Watches end to end (#18), with the three services: a watch created on
//! one spelling of a name streams the new articles that use another
//! (extraction links them to one entity; search expands the watch's name
//! as it expands a query), and a restart of search between two batches
//! loses and repeats nothing when the client resumes after the last
//! sequence it received.
//!
//! The seed is the project's fixture articles, which spell the Ukrainian
//! energy minister five ways; the new articles are written here.

use std::collections::BTreeSet;
use std::time::Duration;

use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_tests::TestSystem;
use tonic::transport::Channel;
use tonic::{Code, Streaming};

const INDEX_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a match may take to arrive (extraction and a commit first).
const MATCH_TIMEOUT: Duration = Duration::from_secs(90);

/// The watch's spelling (the French press's).
const WATCHED: &str = "Chapovtchouk";

/// A new article; `minister` names him, spelled `spelling`.
fn article(n: usize, spelling: Option<&str>) -> pb::Document {
    let (title, body) = match spelling {
        Some(name) => (
            format!("Energy minister {name} asks for cable, report {n}"),
            format!(
                "KYIV — Ukraine's Energy Minister {name} said on Thursday that repairs to \
                 substation {n} would take until the autumn. {} told reporters the grid \
                 needed transformers and cable more than promises.",
                name.split(' ').next_back().unwrap_or(name)
            ),
        ),
        None => (
            format!("Ferry timetable changes at the harbour, notice {n}"),
            format!(
                "GDYNIA — The harbour authority said the evening ferry would leave at nine \
                 from Monday. Notice {n} lists the new departures and the quays they use."
            ),
        ),
    };
    pb::Document {
        title,
        body,
        source: "northstar-wire".into(),
        language: "en".into(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_772_755_200 + n as i64 * 3_600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

/// Imports `articles`; returns the ids of those that name him.
async fn import(
    system: &TestSystem,
    prefix: &str,
    articles: Vec<(usize, Option<&str>)>,
) -> Vec<String> {
    let docs = articles.iter().map(|&(n, spelling)| article(n, spelling));
    let ids = dossier_tests::import_created(&mut system.documents().await, docs, prefix).await;
    ids.into_iter()
        .zip(&articles)
        .filter(|(_, (_, spelling))| spelling.is_some())
        .map(|(id, _)| id)
        .collect()
}

async fn open(
    search: &mut SearchServiceClient<Channel>,
    watch_id: &str,
    after: u64,
) -> Streaming<pb::WatchMatch> {
    search
        .stream_watch_matches(pb::StreamWatchMatchesRequest {
            watch_id: watch_id.into(),
            after_sequence: after,
        })
        .await
        .unwrap()
        .into_inner()
}

/// The next `n` matches.
async fn take(stream: &mut Streaming<pb::WatchMatch>, n: usize) -> Vec<pb::WatchMatch> {
    let mut out = Vec::new();
    while out.len() < n {
        let next = tokio::time::timeout(MATCH_TIMEOUT, stream.message())
            .await
            .unwrap_or_else(|_| panic!("match {} of {n} within {MATCH_TIMEOUT:?}", out.len() + 1))
            .expect("no error")
            .expect("the stream is open");
        out.push(next);
    }
    out
}

/// Nothing more arrives for a while (everything sent was expected).
async fn quiet(stream: &mut Streaming<pb::WatchMatch>) {
    if let Ok(next) = tokio::time::timeout(Duration::from_secs(3), stream.message()).await {
        panic!("nothing more was expected, got {next:?}");
    }
}

fn ids(matches: &[pb::WatchMatch]) -> Vec<String> {
    matches.iter().map(|m| m.document_id.clone()).collect()
}

/// Every match was found through another spelling than the watch's.
fn spelled_otherwise(matches: &[pb::WatchMatch]) {
    for m in matches {
        let variants: Vec<&str> = m
            .matched_variants
            .iter()
            .map(|v| v.variant.as_str())
            .collect();
        assert!(
            variants.iter().any(|v| v.contains("Shapovchu")),
            "{} matched through {variants:?}",
            m.title
        );
        assert!(!m.title.contains(WATCHED), "{}", m.title);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_on_one_spelling_streams_the_others_across_a_restart() {
    let mut system = TestSystem::start().await;
    dossier_tests::import_created(
        &mut system.documents().await,
        dossier_tests::fixtures::articles(),
        "watch-seed",
    )
    .await;
    let seeded = system.wait_indexed(INDEX_TIMEOUT).await.indexed_sequence;

    let mut search = system.search_client().await;
    let create = pb::CreateWatchRequest {
        watch: Some(pb::Watch {
            name: "The energy minister".into(),
            query: WATCHED.into(),
            ..Default::default()
        }),
        request_id: "e2e-minister".into(),
    };
    let watch = search
        .create_watch(create.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(watch.create_sequence, seeded);
    let mut stream = open(&mut search, &watch.id, seeded).await;

    // Live: two articles spell him another way; a third is about ferries.
    let first = import(
        &system,
        "watch-a",
        vec![
            (1, Some("Yuriy Shapovchuk")),
            (2, None),
            (3, Some("Yuri Shapovchuck")),
        ],
    )
    .await;
    let got = take(&mut stream, 2).await;
    assert_eq!(ids(&got), first, "the new articles, in order");
    spelled_otherwise(&got);
    assert!(got[0].sequence > seeded && got[0].sequence < got[1].sequence);
    let last = got[1].sequence;

    // Search restarts; articles arrive while it is down.
    system.stop_search().await;
    let end = tokio::time::timeout(Duration::from_secs(10), stream.message())
        .await
        .expect("the stream ends with search");
    assert!(
        matches!(end, Err(ref s) if s.code() == Code::Unavailable),
        "{end:?}"
    );
    let while_down = import(
        &system,
        "watch-b",
        vec![
            (4, None),
            (5, Some("Yurii Shapovchuk")),
            (6, Some("Yury Shapovchuk")),
        ],
    )
    .await;
    system.start_search().await;
    let mut search = system.search_client().await;
    let kept = search
        .create_watch(create)
        .await
        .expect("the watch outlived the restart")
        .into_inner();
    assert_eq!(kept, watch, "a retried create returns the same watch");

    // The client resumes after the last sequence it received.
    let mut resumed = open(&mut search, &watch.id, last).await;
    let got = take(&mut resumed, 2).await;
    assert_eq!(ids(&got), while_down, "nothing lost, nothing repeated");
    spelled_otherwise(&got);
    let after_restart = import(&system, "watch-c", vec![(7, Some("Yuriy Shapovchuk"))]).await;
    let got = take(&mut resumed, 1).await;
    assert_eq!(ids(&got), after_restart);
    quiet(&mut resumed).await;

    // What the stream sent is what Search finds among the new articles.
    system.wait_indexed(INDEX_TIMEOUT).await;
    let hits = search
        .search(pb::SearchRequest {
            query: WATCHED.into(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .hits;
    let found: BTreeSet<String> = hits.into_iter().map(|h| h.document_id).collect();
    let new: BTreeSet<String> = [first, while_down, after_restart]
        .concat()
        .into_iter()
        .collect();
    assert!(new.is_subset(&found), "Search agrees: {new:?} in {found:?}");
    system.stop().await;
}

#[path = "faults/procs.rs"]
mod procs;

/// The real binaries, and search killed with SIGKILL while a stream is
/// receiving a backlog: the client resumes after the last sequence it got
/// and ends with every matching article exactly once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_after_search_is_killed_mid_stream() {
    use dossier_proto::v1::document_service_client::DocumentServiceClient;
    use procs::Proc;

    const ARTICLES: usize = 240;
    const SPELLINGS: [&str; 4] = [
        "Yuriy Shapovchuk",
        "Yuri Shapovchuck",
        "Yurii Shapovchuk",
        "Iouri Chapovtchouk",
    ];
    let dir = tempfile::tempdir().unwrap();
    let storage = Proc::start("storage", &dir.path().join("storage"), &[]).await;
    let extraction = Proc::start("extraction", &dir.path().join("extraction"), &[]).await;
    let search_args = [
        "--storage",
        storage.url.as_str(),
        "--extraction",
        extraction.url.as_str(),
        // Small commits, so the kill lands between two of them.
        "--commit-docs",
        "20",
    ];
    let search_dir = dir.path().join("search");
    let search = Proc::start("search", &search_dir, &search_args).await;
    let mut documents = DocumentServiceClient::connect(storage.url.clone())
        .await
        .unwrap();
    // The seed teaches the index the watched spelling.
    dossier_tests::import_created(
        &mut documents,
        dossier_tests::fixtures::articles(),
        "kill-seed",
    )
    .await;
    let mut client = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    let seeded = wait_indexed(&mut client, &mut documents).await;
    let watch = client
        .create_watch(pb::CreateWatchRequest {
            watch: Some(pb::Watch {
                query: WATCHED.into(),
                ..Default::default()
            }),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut stream = open(&mut client, &watch.id, seeded).await;

    let backlog: Vec<(usize, Option<&str>)> = (0..ARTICLES)
        .map(|n| {
            (
                100 + n,
                (n % 3 == 0).then(|| SPELLINGS[n / 3 % SPELLINGS.len()]),
            )
        })
        .collect();
    let docs = backlog.iter().map(|&(n, spelling)| article(n, spelling));
    let all = dossier_tests::import_created(&mut documents, docs, "kill-backlog").await;
    let expected: Vec<String> = all
        .into_iter()
        .zip(&backlog)
        .filter(|(_, (_, s))| s.is_some())
        .map(|(id, _)| id)
        .collect();

    // Kill search once a third of the matches have arrived.
    let mut got = take(&mut stream, expected.len() / 3).await;
    search.kill9();
    // What was already on the wire still arrives; then the stream fails.
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.message()).await {
            Ok(Ok(Some(found))) => got.push(found),
            Ok(Ok(None) | Err(_)) => break,
            Err(_) => panic!("the stream did not end with the process"),
        }
    }
    let search = Proc::start("search", &search_dir, &search_args).await;
    let mut client = SearchServiceClient::connect(search.url.clone())
        .await
        .unwrap();
    let last = got.last().map_or(seeded, |m| m.sequence);
    let mut resumed = open(&mut client, &watch.id, last).await;
    got.extend(take(&mut resumed, expected.len() - got.len()).await);
    quiet(&mut resumed).await;
    assert_eq!(ids(&got), expected, "every match once, in order");
    assert!(got.windows(2).all(|w| w[0].sequence < w[1].sequence));
    for proc in [search, extraction, storage] {
        stop_cleanly(proc).await;
    }
}

async fn stop_cleanly(mut proc: procs::Proc) {
    proc.sigterm();
    let status = proc.wait_exit(Duration::from_secs(20)).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "{} after SIGTERM: {status:?}\n{}",
        proc.name,
        proc.log()
    );
}

/// Polls until search has indexed all storage holds; returns the sequence.
async fn wait_indexed(
    search: &mut SearchServiceClient<Channel>,
    documents: &mut dossier_proto::v1::document_service_client::DocumentServiceClient<Channel>,
) -> u64 {
    let stored = documents
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner()
        .last_sequence;
    let deadline = std::time::Instant::now() + INDEX_TIMEOUT;
    loop {
        let status = search
            .get_index_status(pb::GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.indexed_sequence >= stored {
            return status.indexed_sequence;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "indexing stalled: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
