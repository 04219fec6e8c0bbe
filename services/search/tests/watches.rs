//! Watches over gRPC, with the service in-process on port 0 over an index
//! written beforehand (storage and extraction are absent, so nothing else
//! changes it): statuses of bad requests, idempotent creates, paging, the
//! replay of a stream, a restart of the service in the middle (the watches
//! and the client's resume point survive; nothing is lost or repeated),
//! deletion during a stream, and the client's deadline.

use std::path::Path;
use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
use dossier_search::model::IndexDoc;
use dossier_search::{SearchConfig, serve};
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic::{Code, Streaming};

type Client = SearchServiceClient<Channel>;

/// A loopback port with nothing listening on it.
async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Adds documents `range` to the (stopped) service's index: every fourth
/// is about the harbour strike.
fn write_docs(data_dir: &Path, range: std::ops::RangeInclusive<u64>) {
    let index = SearchIndex::open(data_dir).unwrap();
    let last = *range.end();
    let ops = range
        .map(|seq| {
            let topic = if seq % 4 == 0 {
                "The harbour strike closed the quays."
            } else {
                "The ferry timetable changed."
            };
            IndexOp::Upsert(Box::new(IndexDoc {
                id: format!("doc{seq:05}"),
                sequence: seq,
                title: format!("Report {seq}"),
                body: topic.into(),
                source: "harbour-gazette".into(),
                published_at: Some(1_772_409_600 + seq as i64),
                ..Default::default()
            }))
        })
        .collect();
    index.apply(ops).unwrap();
    index
        .commit(Checkpoint {
            sequence: last,
            entity_sequence: 0,
        })
        .unwrap();
    index.close().unwrap();
}

struct Server {
    client: Client,
    shutdown: Shutdown,
    task: JoinHandle<anyhow::Result<()>>,
}

async fn start(data_dir: &Path) -> Server {
    let config = SearchConfig {
        data_dir: data_dir.to_path_buf(),
        storage_url: dead_url().await,
        extraction_url: dead_url().await,
        max_query_bytes: 256,
        max_page_size: 3,
        ..SearchConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
    let shutdown = Shutdown::new();
    let task = tokio::spawn(serve(config, listener, shutdown.clone()));
    let client = SearchServiceClient::connect(url).await.unwrap();
    Server {
        client,
        shutdown,
        task,
    }
}

impl Server {
    async fn stop(self) {
        self.shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("shuts down promptly")
            .unwrap()
            .unwrap();
    }
}

fn create(query: &str, request_id: &str) -> pb::CreateWatchRequest {
    pb::CreateWatchRequest {
        watch: Some(pb::Watch {
            query: query.into(),
            ..Default::default()
        }),
        request_id: request_id.into(),
    }
}

async fn stream(client: &mut Client, watch_id: &str, after: u64) -> Streaming<pb::WatchMatch> {
    client
        .stream_watch_matches(pb::StreamWatchMatchesRequest {
            watch_id: watch_id.into(),
            after_sequence: after,
        })
        .await
        .unwrap()
        .into_inner()
}

/// The next `n` sequences of a stream (at most 20 s).
async fn take(stream: &mut Streaming<pb::WatchMatch>, n: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    while seqs.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(20), stream.message())
            .await
            .expect("a match within 20 s")
            .expect("no error")
            .expect("the stream is open");
        seqs.push(next.sequence);
    }
    seqs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("search");
    write_docs(&data, 1..=8);
    let mut server = start(&data).await;
    let client = &mut server.client;
    let cases: Vec<(pb::CreateWatchRequest, Code, &str)> = vec![
        (
            pb::CreateWatchRequest::default(),
            Code::InvalidArgument,
            "watch",
        ),
        (create("  ", ""), Code::InvalidArgument, "neither a query"),
        (create("((", ""), Code::InvalidArgument, "no query at all"),
        (
            create(&"x".repeat(300), ""),
            Code::ResourceExhausted,
            "--max-query-bytes",
        ),
        (
            create("harbour", &"r".repeat(300)),
            Code::InvalidArgument,
            "request_id",
        ),
    ];
    for (request, code, says) in cases {
        let status = client.create_watch(request).await.unwrap_err();
        assert_eq!(status.code(), code, "{}", status.message());
        assert!(status.message().contains(says), "{}", status.message());
    }
    for id in ["", "wt-none"] {
        let status = client
            .get_watch(pb::GetWatchRequest { id: id.into() })
            .await
            .unwrap_err();
        let want = if id.is_empty() {
            Code::InvalidArgument
        } else {
            Code::NotFound
        };
        assert_eq!(status.code(), want, "{}", status.message());
        let status = client
            .delete_watch(pb::DeleteWatchRequest { id: id.into() })
            .await
            .unwrap_err();
        assert_eq!(status.code(), want);
        let status = client
            .stream_watch_matches(pb::StreamWatchMatchesRequest {
                watch_id: id.into(),
                after_sequence: 0,
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), want);
    }
    for (size, token, code) in [
        (-1, "", Code::InvalidArgument),
        (0, "garbled", Code::InvalidArgument),
        (i32::MAX, "", Code::Ok),
    ] {
        let listed = client
            .list_watches(pb::ListWatchesRequest {
                page_size: size,
                page_token: token.into(),
            })
            .await;
        assert_eq!(listed.err().map_or(Code::Ok, |s| s.code()), code);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_and_their_streams_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("search");
    write_docs(&data, 1..=40);
    let mut server = start(&data).await;

    // Idempotent on request_id; the filter comes back as sent.
    let mut request = create("harbour strike", "r-1");
    if let Some(watch) = request.watch.as_mut() {
        watch.name = "Strike".into();
        watch.filter = Some(pb::SearchFilter {
            sources: vec!["harbour-gazette".into()],
            ..Default::default()
        });
    }
    let watch = server
        .client
        .create_watch(request.clone())
        .await
        .unwrap()
        .into_inner();
    let again = server
        .client
        .create_watch(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again, watch);
    assert!(watch.id.starts_with("wt-"));
    assert_eq!(watch.create_sequence, 40);
    assert_eq!(watch.filter.as_ref().unwrap().sources, ["harbour-gazette"]);
    let conflict = server
        .client
        .create_watch(create("ferry", "r-1"))
        .await
        .unwrap_err();
    assert_eq!(conflict.code(), Code::AlreadyExists);
    for query in ["ferry", "quays", "timetable"] {
        server.client.create_watch(create(query, "")).await.unwrap();
    }
    // Pages of at most --max-page-size (3), oldest first.
    let first = server
        .client
        .list_watches(pb::ListWatchesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.watches.len(), 3);
    assert_eq!(first.watches[0].id, watch.id);
    let rest = server
        .client
        .list_watches(pb::ListWatchesRequest {
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((rest.watches.len(), rest.next_page_token.as_str()), (1, ""));

    // Replay from 10: the strike reports after it, with snippets.
    let mut matches = stream(&mut server.client, &watch.id, 10).await;
    let first_match = tokio::time::timeout(Duration::from_secs(20), matches.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        (first_match.sequence, first_match.document_id.as_str()),
        (12, "doc00012")
    );
    assert_eq!(first_match.source, "harbour-gazette");
    assert!(
        first_match
            .snippets
            .iter()
            .any(|s| s.fragment.contains("strike"))
    );
    assert_eq!(take(&mut matches, 7).await, [16, 20, 24, 28, 32, 36, 40]);

    // A restart: the open stream ends with a status to resume on.
    server.stop().await;
    let end = tokio::time::timeout(Duration::from_secs(10), matches.message())
        .await
        .expect("the stream ends with the server");
    assert!(
        matches!(end, Err(ref s) if s.code() == Code::Unavailable),
        "{end:?}"
    );
    write_docs(&data, 41..=60);
    let mut server = start(&data).await;
    let kept = server
        .client
        .get_watch(pb::GetWatchRequest {
            id: watch.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(kept, watch);
    let mut resumed = stream(&mut server.client, &watch.id, 40).await;
    assert_eq!(take(&mut resumed, 5).await, [44, 48, 52, 56, 60]);

    // Deleted while streaming: the stream ends with NOT_FOUND.
    server
        .client
        .delete_watch(pb::DeleteWatchRequest {
            id: watch.id.clone(),
        })
        .await
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(10), resumed.message())
        .await
        .expect("the stream ends promptly");
    assert!(
        matches!(end, Err(ref s) if s.code() == Code::NotFound),
        "{end:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_ends_at_the_clients_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("search");
    write_docs(&data, 1..=4);
    let mut server = start(&data).await;
    let watch = server
        .client
        .create_watch(create("harbour", ""))
        .await
        .unwrap()
        .into_inner();
    let mut request = tonic::Request::new(pb::StreamWatchMatchesRequest {
        watch_id: watch.id,
        after_sequence: 0,
    });
    request.set_timeout(Duration::from_millis(500));
    let mut matches = server
        .client
        .stream_watch_matches(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(take(&mut matches, 1).await, [4]);
    let end = tokio::time::timeout(Duration::from_secs(10), matches.message())
        .await
        .expect("the stream ends at the deadline");
    assert!(
        matches!(end, Err(ref s) if s.code() == Code::DeadlineExceeded),
        "{end:?}"
    );
    server.stop().await;
}
