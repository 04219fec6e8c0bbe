//! Kill -9 the real `dossier-storage` binary five times at random points of a
//! 10,000-document import, starting it again on the same data directory each
//! time. After every restart each acknowledged document is there intact; the
//! client re-sends only the unacknowledged ones, with their original
//! request_ids, and the import ends with exactly 10,000 documents.
//!
//! The kill points come from a seed printed at the start; set
//! `DOSSIER_CRASH_SEED` to replay a failing run.

mod support;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use rand::SeedableRng;
use sha2::Digest;
use support::{Client, import_request};
use tokio_stream::wrappers::ReceiverStream;

const DOCS: usize = 10_000;
const KILLS: usize = 5;
/// Generous: start-up and acknowledgements on a loaded 2-core machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// A running server process and the URL it reported; killed on drop, so a
/// failing test leaves no server behind.
struct Process {
    child: Child,
    url: String,
}

impl Process {
    fn start(data_dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier-storage"))
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dossier-storage");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std_mpsc::channel();
        // Keeps draining stderr so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                match line.strip_prefix("storage listening on ") {
                    Some(addr) => {
                        let _ = tx.send(addr.trim().to_string());
                    }
                    None => eprintln!("[dossier-storage] {line}"),
                }
            }
        });
        let mut process = Self {
            child,
            url: String::new(),
        };
        let addr = rx
            .recv_timeout(DEADLINE)
            .expect("the server reports its address");
        process.url = format!("http://{addr}");
        process
    }

    async fn client(&self) -> Client {
        DocumentServiceClient::connect(self.url.clone())
            .await
            .unwrap()
    }

    /// SIGKILL: no shutdown, no flush.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A distinct article per index, every field set, so a restart that loses or
/// mixes up any field shows.
fn document(n: usize) -> pb::Document {
    pb::Document {
        title: format!("Dispatch {n}"),
        body: format!(
            "Port authorities reported {n} arrivals. {}",
            "Cargo volumes rose. ".repeat(20)
        ),
        source: format!("outlet-{}", n % 5),
        url: format!("https://outlet-{}.example/dispatch/{n}", n % 5),
        author: format!("Desk {}", n % 7),
        language: "en".into(),
        labels: vec!["shipping".into(), format!("batch-{}", n % 10)],
        published_at: Some(prost_types::Timestamp {
            seconds: 1_700_000_000 + i64::try_from(n).unwrap() * 60,
            nanos: 0,
        }),
        ..Default::default()
    }
}

fn request_id(n: usize) -> String {
    format!("crash-{n}")
}

/// The index of a request or document, read back from its request_id or title.
fn index_of(text: &str, prefix: &str) -> usize {
    text.strip_prefix(prefix)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text:?} is not one of ours"))
}

fn sha256_hex(doc: &pb::Document) -> String {
    hex::encode(sha2::Sha256::digest(format!("{}\n{}", doc.title, doc.body)))
}

/// The seed of this run: `DOSSIER_CRASH_SEED`, or the clock.
fn seed() -> u64 {
    let seed = std::env::var("DOSSIER_CRASH_SEED")
        .ok()
        .map(|s| s.parse().expect("DOSSIER_CRASH_SEED is a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("crash seed {seed} (replay with DOSSIER_CRASH_SEED={seed})");
    seed
}

/// Documents at the end of the import where no kill is placed: by the time
/// the kill lands, the server may have made durable and answered up to its
/// import window (512) plus its response buffer (256) beyond what the
/// client had read, so a kill placed in the last few hundred could find the
/// import already finished.
const NO_KILL_TAIL: usize = 2_000;

/// `KILLS` distinct acknowledgement counts in 1..DOCS - NO_KILL_TAIL,
/// ascending: the kill lands once that many documents have been
/// acknowledged in total.
fn kill_points(seed: u64) -> Vec<usize> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut points: Vec<usize> = rand::seq::index::sample(&mut rng, DOCS - NO_KILL_TAIL, KILLS)
        .into_iter()
        .map(|i| i + 1)
        .collect();
    points.sort_unstable();
    println!("kill -9 after {points:?} acknowledged documents");
    points
}

/// Every document in the store, by id, read through ListDocuments.
async fn stored(client: &mut Client) -> HashMap<String, pb::Document> {
    let mut all = HashMap::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_documents(pb::ListDocumentsRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        for doc in page.documents {
            assert!(all.insert(doc.id.clone(), doc).is_none(), "listed twice");
        }
        if page.next_page_token.is_empty() {
            return all;
        }
        page_token = page.next_page_token;
    }
}

/// Every acknowledged document is present with every field as sent, and no
/// article is stored twice (a durable but unacknowledged one may be there).
async fn check_store(client: &mut Client, acked: &HashMap<usize, String>) {
    let all = stored(client).await;
    let mut articles = HashSet::new();
    for doc in all.values() {
        let n = index_of(&doc.title, "Dispatch ");
        assert!(articles.insert(n), "article {n} stored twice");
    }
    for (&n, id) in acked {
        let stored = all
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged document {n} ({id}) lost"));
        let sent = document(n);
        let pb::Document {
            title,
            body,
            source,
            url,
            author,
            published_at,
            language,
            labels,
            content_sha256,
            ..
        } = stored;
        assert_eq!(
            (title, body, source, url, author),
            (
                &sent.title,
                &sent.body,
                &sent.source,
                &sent.url,
                &sent.author
            ),
            "document {n}"
        );
        assert_eq!(
            (published_at, language, labels),
            (&sent.published_at, &sent.language, &sent.labels),
            "document {n}"
        );
        assert_eq!(content_sha256, &sha256_hex(&sent), "document {n}");
    }
}

/// Records one acknowledgement; a replayed one (durable before a kill, not
/// acknowledged then) is the same document, so ids never repeat.
fn record(
    acked: &mut HashMap<usize, String>,
    ids: &mut HashSet<String>,
    response: pb::ImportDocumentsResponse,
) {
    assert_eq!(
        response.outcome(),
        pb::ImportOutcome::Created,
        "{response:?}"
    );
    let n = index_of(&response.request_id, "crash-");
    assert!(
        ids.insert(response.document_id.clone()),
        "document id {} acknowledged twice",
        response.document_id
    );
    assert!(acked.insert(n, response.document_id).is_none(), "{n} twice");
}

/// Opens an import of every unacknowledged document, fed through a channel
/// so the stream is mid-flight when the process dies.
async fn import_unacked(
    client: &mut Client,
    acked: &HashMap<usize, String>,
) -> tonic::Streaming<pb::ImportDocumentsResponse> {
    let pending: Vec<usize> = (0..DOCS).filter(|n| !acked.contains_key(n)).collect();
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        for n in pending {
            if tx
                .send(import_request(document(n), &request_id(n)))
                .await
                .is_err()
            {
                return;
            }
        }
    });
    client
        .import_documents(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner()
}

async fn next_ack(
    responses: &mut tonic::Streaming<pb::ImportDocumentsResponse>,
) -> Option<pb::ImportDocumentsResponse> {
    tokio::time::timeout(DEADLINE, responses.message())
        .await
        .expect("acks keep coming")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_imports_survive_five_kill_9s_and_retries_do_not_duplicate() {
    let started = Instant::now();
    let points = kill_points(seed());
    let dir = tempfile::tempdir().unwrap();
    let mut acked: HashMap<usize, String> = HashMap::new();
    let mut ids = HashSet::new();

    for (round, &point) in points.iter().enumerate() {
        let server = Process::start(dir.path());
        let mut client = server.client().await;
        check_store(&mut client, &acked).await;
        // At least one new acknowledgement, so every kill lands mid-import.
        let kill_at = point.max(acked.len() + 1);
        let mut responses = import_unacked(&mut client, &acked).await;
        while acked.len() < kill_at {
            let response = next_ack(&mut responses)
                .await
                .expect("the stream is still open");
            record(&mut acked, &mut ids, response);
        }
        server.kill();
        // Acks already on the wire when the process died count too: each
        // was sent only once its document was durable.
        while let Ok(Ok(Some(response))) =
            tokio::time::timeout(Duration::from_secs(2), responses.message()).await
        {
            record(&mut acked, &mut ids, response);
        }
        println!(
            "kill {}: {} acknowledged at {:.1?}",
            round + 1,
            acked.len(),
            started.elapsed()
        );
        assert!(acked.len() < DOCS, "kill {} landed mid-import", round + 1);
    }

    let server = Process::start(dir.path());
    let mut client = server.client().await;
    check_store(&mut client, &acked).await;
    let mut responses = import_unacked(&mut client, &acked).await;
    while let Some(response) = next_ack(&mut responses).await {
        record(&mut acked, &mut ids, response);
    }
    assert_eq!(acked.len(), DOCS, "every document acknowledged once");
    check_store(&mut client, &acked).await;
    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, u64::try_from(DOCS).unwrap());

    // A client that lost every ack re-sends everything: all replays, no
    // new document.
    let requests: Vec<_> = (0..DOCS)
        .map(|n| import_request(document(n), &request_id(n)))
        .collect();
    let resent = support::import(&mut client, requests).await;
    assert_eq!(resent.len(), DOCS);
    for (n, response) in resent.iter().enumerate() {
        assert_eq!(response.request_id, request_id(n));
        assert!(response.replayed, "{n} must be replayed: {response:?}");
        assert_eq!(Some(&response.document_id), acked.get(&n));
    }
    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, u64::try_from(DOCS).unwrap());
    println!("done in {:.1?}", started.elapsed());
}
