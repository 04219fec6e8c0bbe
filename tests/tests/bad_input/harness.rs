//! The machinery of the bad-input tables: a row (one request, the code and
//! message text it must get), the clients that send them, and the runner that
//! checks every row and that the service still answers after it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_tests::TestSystem;
use dossier_tests::services::channel;
use futures::Stream;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status, Streaming};

use crate::AWAITING_FIX;

/// Set to run the rows of [`AWAITING_FIX`] too (to see which fixes landed).
const RUN_ALL: &str = "DOSSIER_BAD_INPUT_ALL";

/// A row that gets no answer in this time is a hang.
const ROW_TIMEOUT: Duration = Duration::from_secs(15);
/// A stream that stays open without an error this long has accepted the
/// request (WatchChanges and WatchEntityChanges never end on their own).
const QUIET: Duration = Duration::from_millis(300);
/// Longest status message accepted: a server must not echo a 10,000-character
/// value whole (the message travels in an HTTP/2 header, twice with details).
const MAX_MESSAGE_BYTES: usize = 2048;
/// How long indexing the seed documents may take.
pub const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

/// Length of the long ids and values.
pub const TEN_K: usize = 10_000;
/// More than the storage server's decoding limit (body + title limits plus
/// 256 KiB) and the search server's (1 MiB).
pub const OVER_STORAGE_AND_SEARCH_MESSAGE: usize = 2 * 1024 * 1024;
/// More than the extraction server's decoding limit (4 MiB).
pub const OVER_EXTRACTION_MESSAGE: usize = 5 * 1024 * 1024;
/// Over storage's body limit (1 MiB) but under its message limit.
pub const OVER_ONE_MIB: usize = 1024 * 1024 + 1;
/// Over extraction's text limit (2 MiB) but under its message limit.
pub const OVER_TEXT_LIMIT: usize = 2 * 1024 * 1024 + 1;

pub type Outcome = Result<(), Status>;
/// A row's request, sent when the row runs.
pub type Call = Pin<Box<dyn Future<Output = Outcome> + Send>>;

#[derive(Debug, Clone, Copy)]
pub enum Service {
    Storage,
    Extraction,
    Search,
}

struct Row {
    name: String,
    service: Service,
    code: Code,
    says: &'static str,
    call: Call,
}

/// The rows of one test, run in the order they were added.
#[derive(Default)]
pub struct Rows(Vec<Row>);

impl Rows {
    /// Adds a row: `call` must end with `code` and a message containing
    /// `says` (`Code::Ok`: the request is valid and must succeed).
    pub fn add(
        &mut self,
        name: impl Into<String>,
        service: Service,
        code: Code,
        says: &'static str,
        call: impl Future<Output = Outcome> + Send + 'static,
    ) {
        self.0.push(Row {
            name: name.into(),
            service,
            code,
            says,
            call: Box::pin(call),
        });
    }

    /// Adds a table of rows that each make their own call: (name, code,
    /// message text, call).
    pub fn add_calls<const N: usize>(
        &mut self,
        service: Service,
        calls: [(&str, Code, &'static str, Call); N],
    ) {
        for (name, code, says, call) in calls {
            self.add(name, service, code, says, call);
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|row| row.name.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// A unary call on a clone of `$client`, as a row's [`Call`].
macro_rules! unary {
    ($client:expr, $method:ident, $request:expr) => {{
        let mut client = $client.clone();
        let request = $request;
        let call: $crate::harness::Call =
            Box::pin(async move { client.$method(request).await.map(|_| ()) });
        call
    }};
}

/// A streaming call on a clone of `$client`, drained until it ends, fails
/// or stays quiet, as a row's [`Call`].
macro_rules! streamed {
    ($client:expr, $method:ident, $request:expr) => {{
        let mut client = $client.clone();
        let request = $request;
        let call: $crate::harness::Call =
            Box::pin(async move { $crate::harness::drain(client.$method(request)).await });
        call
    }};
}

pub(crate) use {streamed, unary};

/// The first error of a response stream; `Ok` when it ends cleanly or stays
/// open without an error for [`QUIET`].
pub async fn drain<T>(
    call: impl Future<Output = Result<Response<Streaming<T>>, Status>>,
) -> Outcome {
    drain_paced(call, Duration::ZERO).await
}

/// As [`drain`], pausing `pace` after each message: a client that reads
/// slowly, so a stream's work lasts long enough for a deadline to pass.
pub async fn drain_paced<T>(
    call: impl Future<Output = Result<Response<Streaming<T>>, Status>>,
    pace: Duration,
) -> Outcome {
    let mut stream = call.await?.into_inner();
    loop {
        match tokio::time::timeout(QUIET, stream.message()).await {
            Err(_) | Ok(Ok(None)) => return Ok(()),
            Ok(Ok(Some(_))) if !pace.is_zero() => tokio::time::sleep(pace).await,
            Ok(Ok(Some(_))) => {}
            Ok(Err(status)) => return Err(status),
        }
    }
}

/// Runs one import; the first REJECTED response counts as the status it
/// names (`code` and `reason`), as the same document would get from
/// CreateDocument.
pub async fn import(
    client: DocumentServiceClient<Channel>,
    requests: Vec<pb::ImportDocumentsRequest>,
    deadline: Option<Duration>,
) -> Outcome {
    import_stream(client, tokio_stream::iter(requests), deadline).await
}

pub async fn import_stream(
    mut client: DocumentServiceClient<Channel>,
    requests: impl Stream<Item = pb::ImportDocumentsRequest> + Send + 'static,
    deadline: Option<Duration>,
) -> Outcome {
    let mut request = Request::new(requests);
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    let mut responses = client.import_documents(request).await?.into_inner();
    while let Some(response) = responses.message().await? {
        if response.outcome() == pb::ImportOutcome::Rejected {
            return Err(Status::new(Code::from(response.code), response.reason));
        }
    }
    Ok(())
}

/// Hand-encoded protobuf bytes sent to the method at `path`, so a request
/// can hold what no generated client can build (invalid UTF-8 in a string
/// field).
pub fn raw(channel: &Channel, path: &'static str, body: Vec<u8>) -> Call {
    let channel = channel.clone();
    Box::pin(async move {
        dossier_kit::testing::unary(channel, path, body)
            .await
            .map(drop)
    })
}

pub use dossier_kit::testing::field;

/// Not UTF-8: a stray 0xFF and a UTF-16 surrogate (U+D800) encoded as if it
/// were a character.
pub const NOT_UTF8: &[u8] = b"harbour \xff\xfe pilots \xed\xa0\x80 strike";

#[derive(Clone)]
pub struct Clients {
    pub documents: DocumentServiceClient<Channel>,
    pub extraction: ExtractionServiceClient<Channel>,
    pub search: SearchServiceClient<Channel>,
    pub storage_channel: Channel,
    pub extraction_channel: Channel,
    pub search_channel: Channel,
}

impl Clients {
    pub async fn connect(system: &TestSystem) -> Self {
        let storage_channel = channel(&system.storage.url()).await;
        let extraction_channel = channel(&system.extraction_url()).await;
        let search_channel = channel(&system.search_url()).await;
        Self {
            documents: DocumentServiceClient::new(storage_channel.clone()),
            extraction: ExtractionServiceClient::new(extraction_channel.clone()),
            search: SearchServiceClient::new(search_channel.clone()),
            storage_channel,
            extraction_channel,
            search_channel,
        }
    }

    /// A trivial valid call: the service still answers.
    async fn alive(&self, service: Service) -> Result<(), String> {
        let call = async {
            match service {
                Service::Storage => self
                    .documents
                    .clone()
                    .get_storage_status(pb::GetStorageStatusRequest {})
                    .await
                    .map(drop),
                Service::Extraction => self
                    .extraction
                    .clone()
                    .extract(pb::ExtractRequest {
                        text: "The mayor of Gdynia spoke on Monday.".into(),
                        ..Default::default()
                    })
                    .await
                    .map(drop),
                Service::Search => self
                    .search
                    .clone()
                    .search(pb::SearchRequest {
                        query: "harbour".into(),
                        ..Default::default()
                    })
                    .await
                    .map(drop),
            }
        };
        match tokio::time::timeout(Duration::from_secs(10), call).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(status)) => Err(format!(
                "{service:?} no longer answers: {:?} {}",
                status.code(),
                cut(status.message())
            )),
            Err(_) => Err(format!("{service:?} no longer answers within 10 s")),
        }
    }
}

fn cut(message: &str) -> String {
    match message.char_indices().nth(200) {
        None => message.to_string(),
        Some((end, _)) => format!("{}… ({} bytes)", &message[..end], message.len()),
    }
}

/// Runs every row not awaiting a fix; returns one line per mismatch.
pub async fn run(clients: &Clients, rows: Rows) -> Vec<String> {
    let mut failures = Vec::new();
    let run_all = std::env::var_os(RUN_ALL).is_some();
    for row in rows.0 {
        if !run_all && AWAITING_FIX.iter().any(|(name, _)| *name == row.name) {
            continue;
        }
        let want = format!("{:?} containing {:?}", row.code, row.says);
        match tokio::time::timeout(ROW_TIMEOUT, row.call).await {
            Err(_) => failures.push(format!(
                "{}: want {want}, got no answer within {ROW_TIMEOUT:?}",
                row.name
            )),
            Ok(Ok(())) if row.code != Code::Ok => {
                failures.push(format!("{}: want {want}, got OK", row.name));
            }
            Ok(Ok(())) => {}
            Ok(Err(status)) => {
                let message = status.message();
                if status.code() != row.code || !message.contains(row.says) {
                    failures.push(format!(
                        "{}: want {want}, got {:?}: {}",
                        row.name,
                        status.code(),
                        cut(message)
                    ));
                } else if message.len() > MAX_MESSAGE_BYTES {
                    failures.push(format!(
                        "{}: message is {} bytes (at most {MAX_MESSAGE_BYTES}): {}",
                        row.name,
                        message.len(),
                        cut(message)
                    ));
                }
            }
        }
        if let Err(dead) = clients.alive(row.service).await {
            failures.push(format!("after {}: {dead}", row.name));
        }
    }
    failures
}

pub fn assert_no_failures(failures: &[String], rows: usize) {
    assert!(
        failures.is_empty(),
        "{} of {rows} bad-input rows failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Every name in AWAITING_FIX names a row of some test in this binary.
pub fn check_awaiting_fix(all_names: &[String]) {
    for (name, reason) in AWAITING_FIX {
        assert!(
            all_names.iter().any(|row| row == name),
            "AWAITING_FIX names no row: {name} ({reason})"
        );
    }
}
