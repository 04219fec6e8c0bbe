//! Hostile and malformed input against every RPC of the three services
//! (issue 7, "Bad input"), on real servers on loopback.
//!
//! Each row is one request, the status code it must get and a piece of text
//! its message must contain, naming the problem. Rows cover missing and
//! empty fields, values over our own limits and over the transport's message
//! limit, huge page sizes, negative and out-of-range numbers, garbled,
//! truncated and foreign page tokens, unknown enum values, control
//! characters, NUL and invalid UTF-8, 10,000-character ids and values, long
//! and deeply nested queries, and deadlines that expire during slow work.
//! After every row the service must still answer a trivial call: a handler
//! panic has to become INTERNAL for that one request, never take the server
//! down. All mismatches are collected and reported together.
//!
//! Codes that are the transport's rather than ours: a message over the
//! storage or search server's decoding limit is refused by tonic with
//! OUT_OF_RANGE ("the limit is: N bytes") before it reaches a handler
//! (extraction rewrites it to RESOURCE_EXHAUSTED naming --max-text-bytes),
//! and a message protobuf cannot decode (invalid UTF-8 in a string field)
//! gets INTERNAL, as gRPC's status code table prescribes for "error parsing
//! request proto".
//!
//! Deadlines are measured, not guessed: each deadline row first runs its
//! work without one, then gives it a quarter of that time (at most 100 ms),
//! and clients pace their streams so the work lasts on any machine.
//! `DOSSIER_BAD_INPUT_ALL=1` also runs the rows of `AWAITING_FIX`, to see
//! which fixes have landed.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_tests::TestSystem;
use dossier_tests::services::channel;
use futures::{Stream, StreamExt};
use prost::bytes::{Buf, BufMut};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status, Streaming};

/// Rows disabled until the named fix lands: (row name, what is wrong).
/// Every name must match a row, so a stale entry fails the suite.
const AWAITING_FIX: &[(&str, &str)] = &[];

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
const INDEX_TIMEOUT: Duration = Duration::from_secs(60);

const TEN_K: usize = 10_000;
/// More than the storage server's decoding limit (body + title limits plus
/// 256 KiB) and the search server's (1 MiB).
const OVER_STORAGE_AND_SEARCH_MESSAGE: usize = 2 * 1024 * 1024;
/// More than the extraction server's decoding limit (4 MiB).
const OVER_EXTRACTION_MESSAGE: usize = 5 * 1024 * 1024;
/// Over storage's body limit (1 MiB) but under its message limit.
const OVER_ONE_MIB: usize = 1024 * 1024 + 1;
/// Over extraction's text limit (2 MiB) but under its message limit.
const OVER_TEXT_LIMIT: usize = 2 * 1024 * 1024 + 1;

type Outcome = Result<(), Status>;
type Call = Pin<Box<dyn Future<Output = Outcome> + Send>>;

#[derive(Debug, Clone, Copy)]
enum Service {
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

#[derive(Default)]
struct Rows(Vec<Row>);

impl Rows {
    /// Adds a row: `call` must end with `code` and a message containing
    /// `says` (`Code::Ok`: the request is valid and must succeed).
    fn add(
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
}

/// A unary call on a clone of `$client`, as a row's future.
macro_rules! unary {
    ($client:expr, $method:ident, $request:expr) => {{
        let mut client = $client.clone();
        let request = $request;
        async move { client.$method(request).await.map(|_| ()) }
    }};
}

/// A streaming call on a clone of `$client`, drained until it ends, fails
/// or stays quiet.
macro_rules! streamed {
    ($client:expr, $method:ident, $request:expr) => {{
        let mut client = $client.clone();
        let request = $request;
        async move { drain(client.$method(request)).await }
    }};
}

/// The first error of a response stream; `Ok` when it ends cleanly or stays
/// open without an error for [`QUIET`].
async fn drain<T>(call: impl Future<Output = Result<Response<Streaming<T>>, Status>>) -> Outcome {
    drain_paced(call, Duration::ZERO).await
}

/// As [`drain`], pausing `pace` after each message: a client that reads
/// slowly, so a stream's work lasts long enough for a deadline to pass.
async fn drain_paced<T>(
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
async fn import(
    client: DocumentServiceClient<Channel>,
    requests: Vec<pb::ImportDocumentsRequest>,
    deadline: Option<Duration>,
) -> Outcome {
    import_stream(client, tokio_stream::iter(requests), deadline).await
}

async fn import_stream(
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

/// Sends hand-encoded protobuf bytes, so a request can hold what no
/// generated client can build (invalid UTF-8 in a string field).
#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> RawCodec {
        RawCodec
    }

    fn decoder(&mut self) -> RawCodec {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let len = src.remaining();
        Ok(Some(src.copy_to_bytes(len).to_vec()))
    }
}

async fn raw_unary(channel: Channel, path: &'static str, body: Vec<u8>) -> Outcome {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(err.to_string()))?;
    grpc.unary(
        Request::new(body),
        PathAndQuery::from_static(path),
        RawCodec,
    )
    .await
    .map(|_| ())
}

/// One length-delimited protobuf field (string, bytes or message).
fn field(number: u32, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, u64::from(number << 3 | 2));
    varint(&mut out, bytes.len() as u64);
    out.extend_from_slice(bytes);
    out
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Not UTF-8: a stray 0xFF and a UTF-16 surrogate (U+D800) encoded as if it
/// were a character.
const NOT_UTF8: &[u8] = b"harbour \xff\xfe pilots \xed\xa0\x80 strike";

#[derive(Clone)]
struct Clients {
    documents: DocumentServiceClient<Channel>,
    extraction: ExtractionServiceClient<Channel>,
    search: SearchServiceClient<Channel>,
    storage_channel: Channel,
    extraction_channel: Channel,
    search_channel: Channel,
}

impl Clients {
    async fn connect(system: &TestSystem) -> Self {
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
async fn run(clients: &Clients, rows: Rows) -> Vec<String> {
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

fn assert_no_failures(failures: &[String], rows: usize) {
    assert!(
        failures.is_empty(),
        "{} of {rows} bad-input rows failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// Every name in AWAITING_FIX names a row of some test in this file.
fn check_awaiting_fix(all_names: &[String]) {
    for (name, reason) in AWAITING_FIX {
        assert!(
            all_names.iter().any(|row| row == name),
            "AWAITING_FIX names no row: {name} ({reason})"
        );
    }
}

fn article(title: &str, body: &str, source: &str) -> pb::Document {
    pb::Document {
        title: title.to_string(),
        body: body.to_string(),
        source: source.to_string(),
        language: "en".to_string(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        ..Default::default()
    }
}

fn timestamp(seconds: i64, nanos: i32) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos })
}

/// Imports `documents` and returns their ids; every one must be created.
async fn seed(clients: &Clients, documents: Vec<pb::Document>, prefix: &str) -> Vec<String> {
    let requests: Vec<pb::ImportDocumentsRequest> = documents
        .into_iter()
        .enumerate()
        .map(|(i, document)| pb::ImportDocumentsRequest {
            document: Some(document),
            request_id: format!("{prefix}-{i}"),
        })
        .collect();
    let count = requests.len();
    let mut responses = clients
        .documents
        .clone()
        .import_documents(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut ids = Vec::new();
    while let Some(response) = responses.message().await.unwrap() {
        assert_eq!(
            response.outcome(),
            pb::ImportOutcome::Created,
            "{response:?}"
        );
        ids.push(response.document_id);
    }
    assert_eq!(ids.len(), count);
    ids
}

/// Rope-walk notes sharing their words, most of them deleted again: the
/// index then holds far more deleted postings of those words than live
/// documents, which MoreLikeThis's BM25 statistics must survive.
fn rope_notes(n: usize) -> Vec<pb::Document> {
    (0..n)
        .map(|i| {
            article(
                &format!("Ropewalk ledger {i}"),
                &format!(
                    "The ropewalk twisted tarred hemp cordage for the schooner fleet. \
                     Ledger entry {i} records hawsers, lanyards and spun yarn."
                ),
                "rope-ledger",
            )
        })
        .collect()
}

/// Everything the rows refer to: stored and indexed documents, entities,
/// and page tokens of each listing.
struct Seeded {
    live_note: String,
    entity_a: String,
    entity_b: String,
    list_token: String,
    search_token: String,
    entity_name_token: String,
}

async fn seed_all(system: &TestSystem, clients: &Clients) -> Seeded {
    let notes = seed(clients, rope_notes(60), "rope").await;
    seed(clients, dossier_tests::fixtures::articles(), "fixture").await;
    for id in &notes[2..] {
        clients
            .documents
            .clone()
            .delete_document(pb::DeleteDocumentRequest { id: id.clone() })
            .await
            .unwrap();
    }
    system.wait_indexed(INDEX_TIMEOUT).await;

    let entities = clients
        .extraction
        .clone()
        .list_entities(pb::ListEntitiesRequest {
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .entities;
    assert!(entities.len() == 2, "the fixtures name entities");
    let entity_name_token = clients
        .extraction
        .clone()
        .list_entities(pb::ListEntitiesRequest {
            page_size: 1,
            order_by: pb::EntityOrder::Name as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    let list_token = clients
        .documents
        .clone()
        .list_documents(pb::ListDocumentsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    let search_token = clients
        .search
        .clone()
        .search(pb::SearchRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .next_page_token;
    for (listing, token) in [
        ("ListDocuments", &list_token),
        ("Search", &search_token),
        ("ListEntities", &entity_name_token),
    ] {
        assert!(!token.is_empty(), "{listing} of the seed has a second page");
    }
    Seeded {
        live_note: notes[0].clone(),
        entity_a: entities[0].id.clone(),
        entity_b: entities[1].id.clone(),
        list_token,
        search_token,
        entity_name_token,
    }
}

/// The first half of a token: no longer a whole token.
fn truncated(token: &str) -> String {
    token[..token.len() / 2].to_string()
}

/// Base64 of "some random bytes here": decodes, but to nothing we issued.
const RANDOM_BASE64: &str = "c29tZSByYW5kb20gYnl0ZXMgaGVyZQ";

fn storage_rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    use Service::Storage as S;
    let docs = &c.documents;
    let long = "x".repeat(TEN_K);
    let valid = |n: usize| article(&format!("Bad-input probe {n}"), "A valid body.", "probe");
    let create = |document: Option<pb::Document>, request_id: &str| pb::CreateDocumentRequest {
        document,
        request_id: request_id.to_string(),
    };
    let with = |f: &dyn Fn(&mut pb::Document)| {
        let mut document = valid(0);
        f(&mut document);
        Some(document)
    };

    // CreateDocument.
    for (name, document, request_id, code, says) in [
        (
            "missing document",
            None,
            "",
            Code::InvalidArgument,
            "document is required",
        ),
        (
            "empty body",
            with(&|d| d.body.clear()),
            "",
            Code::InvalidArgument,
            "document.body is required",
        ),
        (
            "whitespace body",
            with(&|d| d.body = " \n\t ".into()),
            "",
            Code::InvalidArgument,
            "document.body is required",
        ),
        (
            "body over --max-body-bytes",
            with(&|d| d.body = "x".repeat(OVER_ONE_MIB)),
            "",
            Code::ResourceExhausted,
            "--max-body-bytes",
        ),
        (
            "10,000-character title",
            with(&|d| d.title = "x".repeat(TEN_K)),
            "",
            Code::ResourceExhausted,
            "--max-title-bytes",
        ),
        (
            "10,000-character source",
            with(&|d| d.source = "x".repeat(TEN_K)),
            "",
            Code::ResourceExhausted,
            "--max-source-bytes",
        ),
        (
            "10,000-character url",
            with(&|d| d.url = "x".repeat(TEN_K)),
            "",
            Code::ResourceExhausted,
            "--max-url-bytes",
        ),
        (
            "10,000-character author",
            with(&|d| d.author = "x".repeat(TEN_K)),
            "",
            Code::ResourceExhausted,
            "--max-author-bytes",
        ),
        (
            "10,000-character language",
            with(&|d| d.language = "x".repeat(TEN_K)),
            "",
            Code::InvalidArgument,
            "document.language",
        ),
        (
            "language not a BCP-47 tag",
            with(&|d| d.language = "en_GB!".into()),
            "",
            Code::InvalidArgument,
            "not a BCP-47 tag",
        ),
        (
            "NUL in source",
            with(&|d| d.source = "harbour\0gazette".into()),
            "",
            Code::InvalidArgument,
            "control character",
        ),
        (
            "bell character in label",
            with(&|d| d.labels = vec!["ports\u{7}".into()]),
            "",
            Code::InvalidArgument,
            "control character",
        ),
        (
            "empty label",
            with(&|d| d.labels = vec![String::new()]),
            "",
            Code::InvalidArgument,
            "document.labels[0] is empty",
        ),
        (
            "10,000-character label",
            with(&|d| d.labels = vec!["x".repeat(TEN_K)]),
            "",
            Code::ResourceExhausted,
            "--max-label-bytes",
        ),
        (
            "10,000 labels",
            with(&|d| d.labels = (0..TEN_K).map(|i| format!("l{i}")).collect()),
            "",
            Code::ResourceExhausted,
            "--max-labels",
        ),
        (
            "published_at negative nanos",
            with(&|d| d.published_at = timestamp(1_767_225_600, -1)),
            "",
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "published_at nanos over a second",
            with(&|d| d.published_at = timestamp(1_767_225_600, 1_000_000_000)),
            "",
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "published_at before 1800",
            with(&|d| d.published_at = timestamp(-10_000_000_000, 0)),
            "",
            Code::InvalidArgument,
            "1800-01-01",
        ),
        (
            "published_at i64::MAX seconds",
            with(&|d| d.published_at = timestamp(i64::MAX, 0)),
            "",
            Code::InvalidArgument,
            "one day from now",
        ),
        (
            "published_at i64::MIN seconds",
            with(&|d| d.published_at = timestamp(i64::MIN, 0)),
            "",
            Code::InvalidArgument,
            "1800-01-01",
        ),
        (
            "10,000-character request_id",
            Some(valid(1)),
            long.as_str(),
            Code::ResourceExhausted,
            "--max-request-id-bytes",
        ),
        (
            "NUL in request_id",
            Some(valid(2)),
            "retry\0key",
            Code::InvalidArgument,
            "control character",
        ),
    ] {
        rows.add(
            format!("CreateDocument: {name}"),
            S,
            code,
            says,
            unary!(docs, create_document, create(document, request_id)),
        );
    }
    rows.add(
        "CreateDocument: message over the decoding limit",
        S,
        Code::OutOfRange,
        "the limit is",
        unary!(
            docs,
            create_document,
            create(
                with(&|d| d.body = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)),
                ""
            )
        ),
    );
    rows.add(
        "CreateDocument: control characters in title and body are stored",
        S,
        Code::Ok,
        "",
        unary!(
            docs,
            create_document,
            create(
                Some(article(
                    "Tabs\tin a headline",
                    "A body with a bell \u{7} and an escape \u{1b}[0m.",
                    "probe",
                )),
                ""
            )
        ),
    );
    // PostgreSQL cannot store NUL; both backends refuse it alike.
    rows.add(
        "CreateDocument: NUL in body",
        S,
        Code::InvalidArgument,
        "document.body contains NUL",
        unary!(
            docs,
            create_document,
            create(
                Some(article(
                    "A headline",
                    "A body with a NUL \0 in it.",
                    "probe"
                )),
                ""
            )
        ),
    );
    rows.add(
        "CreateDocument: invalid UTF-8 in body",
        S,
        Code::Internal,
        "UTF-8",
        raw_unary(
            c.storage_channel.clone(),
            "/dossier.v1.DocumentService/CreateDocument",
            field(1, &field(3, NOT_UTF8)),
        ),
    );
    rows.add(
        "CreateDocument: truncated protobuf",
        S,
        Code::Internal,
        "decode",
        raw_unary(
            c.storage_channel.clone(),
            "/dossier.v1.DocumentService/CreateDocument",
            vec![0x0a, 0xff, 0x01, 0x12],
        ),
    );

    // GetDocument and DeleteDocument take one id.
    for (name, id, code, says) in [
        (
            "empty id",
            String::new(),
            Code::InvalidArgument,
            "id is required",
        ),
        (
            "malformed id",
            "not-a-document-id".to_string(),
            Code::InvalidArgument,
            "26-character ULID",
        ),
        (
            "id that overflows a ULID",
            "ZZZZZZZZZZZZZZZZZZZZZZZZZZ".to_string(),
            Code::InvalidArgument,
            "not a document id",
        ),
        (
            "10,000-character id",
            long.clone(),
            Code::InvalidArgument,
            "26-character ULID",
        ),
        (
            "NUL in id",
            "01ARZ3NDEKTSV4RRFFQ69G5F\0V".to_string(),
            Code::InvalidArgument,
            "not a document id",
        ),
        (
            "unknown id",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV".to_string(),
            Code::NotFound,
            "not found",
        ),
    ] {
        rows.add(
            format!("GetDocument: {name}"),
            S,
            code,
            says,
            unary!(
                docs,
                get_document,
                pb::GetDocumentRequest { id: id.clone() }
            ),
        );
        rows.add(
            format!("DeleteDocument: {name}"),
            S,
            code,
            says,
            unary!(docs, delete_document, pb::DeleteDocumentRequest { id }),
        );
    }
    rows.add(
        "GetDocument: invalid UTF-8 in id",
        S,
        Code::Internal,
        "UTF-8",
        raw_unary(
            c.storage_channel.clone(),
            "/dossier.v1.DocumentService/GetDocument",
            field(1, NOT_UTF8),
        ),
    );

    // ListDocuments.
    let list = |f: &dyn Fn(&mut pb::ListDocumentsRequest)| {
        let mut request = pb::ListDocumentsRequest::default();
        f(&mut request);
        request
    };
    let list_token = seeded.list_token.clone();
    let search_token = seeded.search_token.clone();
    for (name, request, code, says) in [
        (
            "negative page_size",
            list(&|r| r.page_size = -1),
            Code::InvalidArgument,
            "page_size is -1",
        ),
        (
            "i32::MIN page_size",
            list(&|r| r.page_size = i32::MIN),
            Code::InvalidArgument,
            "page_size",
        ),
        (
            "i32::MAX page_size is lowered to the maximum",
            list(&|r| r.page_size = i32::MAX),
            Code::Ok,
            "",
        ),
        (
            "random base64 page_token",
            list(&|r| r.page_token = RANDOM_BASE64.into()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token not base64",
            list(&|r| r.page_token = "!!not a token!!".into()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "truncated page_token",
            list(&|r| r.page_token = truncated(&list_token)),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token of other filters",
            list(&|r| {
                r.page_token = list_token.clone();
                r.sources = vec!["amber-times".into()];
            }),
            Code::InvalidArgument,
            "different filters",
        ),
        (
            "page_token of Search",
            list(&|r| r.page_token = search_token.clone()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "10,000-character page_token",
            list(&|r| r.page_token = "A".repeat(TEN_K)),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "unknown view 999",
            list(&|r| r.view = 999),
            Code::InvalidArgument,
            "view 999",
        ),
        (
            "published_after negative nanos",
            list(&|r| r.published_after = timestamp(0, -1)),
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "published_before i64::MAX seconds",
            list(&|r| r.published_before = timestamp(i64::MAX, 0)),
            Code::InvalidArgument,
            "out of range",
        ),
        (
            "101 sources",
            list(&|r| r.sources = (0..101).map(|i| format!("outlet-{i}")).collect()),
            Code::ResourceExhausted,
            "the limit is 100",
        ),
        (
            "10,000-character source matches nothing",
            list(&|r| r.sources = vec!["x".repeat(TEN_K)]),
            Code::Ok,
            "",
        ),
    ] {
        rows.add(
            format!("ListDocuments: {name}"),
            S,
            code,
            says,
            unary!(docs, list_documents, request),
        );
    }

    // ImportDocuments: a rejected document names its code and reason.
    let import_one = |document: Option<pb::Document>, request_id: &str| {
        vec![pb::ImportDocumentsRequest {
            document,
            request_id: request_id.to_string(),
        }]
    };
    for (name, requests, code, says) in [
        (
            "missing document",
            import_one(None, "import-missing"),
            Code::InvalidArgument,
            "document is required",
        ),
        (
            "empty body",
            import_one(with(&|d| d.body.clear()), "import-empty"),
            Code::InvalidArgument,
            "document.body is required",
        ),
        (
            "body over --max-body-bytes",
            import_one(with(&|d| d.body = "x".repeat(OVER_ONE_MIB)), "import-large"),
            Code::ResourceExhausted,
            "--max-body-bytes",
        ),
        (
            "NUL in source",
            import_one(with(&|d| d.source = "a\0b".into()), "import-nul"),
            Code::InvalidArgument,
            "control character",
        ),
        (
            "10,000-character request_id",
            import_one(Some(valid(3)), &long),
            Code::ResourceExhausted,
            "--max-request-id-bytes",
        ),
        (
            "a bad document after a good one",
            vec![
                pb::ImportDocumentsRequest {
                    document: Some(valid(4)),
                    request_id: "import-good".into(),
                },
                pb::ImportDocumentsRequest {
                    document: with(&|d| d.published_at = timestamp(0, -5)),
                    request_id: "import-bad".into(),
                },
            ],
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "message over the decoding limit",
            import_one(
                with(&|d| d.body = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)),
                "import-huge",
            ),
            Code::OutOfRange,
            "the limit is",
        ),
        ("empty stream", Vec::new(), Code::Ok, ""),
    ] {
        rows.add(
            format!("ImportDocuments: {name}"),
            S,
            code,
            says,
            import(docs.clone(), requests, None),
        );
    }

    // WatchChanges: any sequence is valid; past the head it waits.
    rows.add(
        "WatchChanges: u64::MAX after_sequence waits for changes",
        S,
        Code::Ok,
        "",
        streamed!(
            docs,
            watch_changes,
            pb::WatchChangesRequest {
                after_sequence: u64::MAX,
                omit_documents: false,
            }
        ),
    );
    rows.add(
        "GetStorageStatus: empty request",
        S,
        Code::Ok,
        "",
        unary!(docs, get_storage_status, pb::GetStorageStatusRequest {}),
    );
}

fn extraction_rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    use Service::Extraction as E;
    let ex = &c.extraction;
    let long = "x".repeat(TEN_K);
    let text = |text: &str| pb::ExtractRequest {
        text: text.to_string(),
        ..Default::default()
    };
    let extract = |f: &dyn Fn(&mut pb::ExtractRequest)| {
        let mut request = text("Mayor Anna Kowalczyk opened the Gdynia ferry terminal.");
        f(&mut request);
        request
    };

    // Extract and BatchExtract take the same requests.
    for (name, request, code, says) in [
        (
            "unknown offset_encoding 999",
            extract(&|r| r.offset_encoding = 999),
            Code::InvalidArgument,
            "offset_encoding",
        ),
        (
            "unknown entity type 999",
            extract(&|r| r.types = vec![999]),
            Code::InvalidArgument,
            "types",
        ),
        (
            "UNSPECIFIED entity type",
            extract(&|r| r.types = vec![0]),
            Code::InvalidArgument,
            "types",
        ),
        (
            "negative entity type",
            extract(&|r| r.types = vec![-1]),
            Code::InvalidArgument,
            "types",
        ),
        (
            "text over --max-text-bytes",
            extract(&|r| r.text = "x".repeat(OVER_TEXT_LIMIT)),
            Code::ResourceExhausted,
            "--max-text-bytes",
        ),
        (
            "10,000-character source",
            extract(&|r| r.source = "x".repeat(TEN_K)),
            Code::InvalidArgument,
            "source",
        ),
        (
            "10,000-character request_id",
            extract(&|r| r.request_id = "x".repeat(TEN_K)),
            Code::InvalidArgument,
            "request_id",
        ),
        (
            "10,000-character document_id",
            extract(&|r| r.document_id = "x".repeat(TEN_K)),
            Code::InvalidArgument,
            "document_id",
        ),
        ("empty text", text(""), Code::Ok, ""),
        (
            "NUL and control characters in text",
            text("Anna\0Kowalczyk\u{7} met \u{1b}[1mPiotr Nowak\u{1b}[0m in\r\nGdańsk."),
            Code::Ok,
            "",
        ),
        (
            "10,000-character word",
            text(&"x".repeat(TEN_K)),
            Code::Ok,
            "",
        ),
        (
            "relative date against i64::MAX published_at",
            extract(&|r| {
                r.text = "The ferry sailed last Tuesday, three weeks ago.".into();
                r.published_at = timestamp(i64::MAX, 0);
            }),
            Code::InvalidArgument,
            "published_at",
        ),
        (
            "relative date against i64::MIN published_at",
            extract(&|r| {
                r.text = "The ferry sailed yesterday.".into();
                r.published_at = timestamp(i64::MIN, 0);
            }),
            Code::InvalidArgument,
            "published_at",
        ),
    ] {
        rows.add(
            format!("Extract: {name}"),
            E,
            code,
            says,
            unary!(ex, extract, request.clone()),
        );
        // In a stream, the bad request follows a good one.
        let requests = vec![text("Piotr Nowak sailed from Gdynia."), request];
        rows.add(
            format!("BatchExtract: {name}"),
            E,
            code,
            says,
            streamed!(ex, batch_extract, tokio_stream::iter(requests)),
        );
    }
    rows.add(
        "Extract: message over the decoding limit",
        E,
        Code::ResourceExhausted,
        "--max-text-bytes",
        unary!(ex, extract, text(&"x".repeat(OVER_EXTRACTION_MESSAGE))),
    );
    rows.add(
        "BatchExtract: message over the decoding limit",
        E,
        Code::ResourceExhausted,
        "--max-text-bytes",
        streamed!(
            ex,
            batch_extract,
            tokio_stream::iter(vec![text(&"x".repeat(OVER_EXTRACTION_MESSAGE))])
        ),
    );
    rows.add(
        "BatchExtract: empty stream",
        E,
        Code::Ok,
        "",
        streamed!(ex, batch_extract, tokio_stream::iter(Vec::new())),
    );
    rows.add(
        "Extract: invalid UTF-8 in text",
        E,
        Code::Internal,
        "UTF-8",
        raw_unary(
            c.extraction_channel.clone(),
            "/dossier.v1.ExtractionService/Extract",
            field(1, NOT_UTF8),
        ),
    );

    // ForgetDocument.
    for (name, id, code, says) in [
        (
            "empty document_id",
            String::new(),
            Code::InvalidArgument,
            "document_id",
        ),
        (
            "10,000-character document_id",
            long.clone(),
            Code::InvalidArgument,
            "document_id",
        ),
        (
            "a document never extracted",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV".to_string(),
            Code::Ok,
            "",
        ),
    ] {
        rows.add(
            format!("ForgetDocument: {name}"),
            E,
            code,
            says,
            unary!(
                ex,
                forget_document,
                pb::ForgetDocumentRequest { document_id: id }
            ),
        );
    }

    // GetEntity.
    for (name, id, code, says) in [
        ("empty id", String::new(), Code::InvalidArgument, "id"),
        (
            "malformed id",
            "person:anna".to_string(),
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "10,000-character id",
            long.clone(),
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "NUL in id",
            "ent_1\0".to_string(),
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "id beyond u64",
            "ent_99999999999999999999999".to_string(),
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "unknown id",
            "ent_999999999".to_string(),
            Code::NotFound,
            "not found",
        ),
    ] {
        rows.add(
            format!("GetEntity: {name}"),
            E,
            code,
            says,
            unary!(ex, get_entity, pb::GetEntityRequest { id }),
        );
    }

    // ListEntities.
    let entity_list = |f: &dyn Fn(&mut pb::ListEntitiesRequest)| {
        let mut request = pb::ListEntitiesRequest::default();
        f(&mut request);
        request
    };
    let name_token = seeded.entity_name_token.clone();
    for (name, request, code, says) in [
        (
            "negative page_size",
            entity_list(&|r| r.page_size = -1),
            Code::InvalidArgument,
            "page_size",
        ),
        (
            "i32::MAX page_size is lowered to the maximum",
            entity_list(&|r| r.page_size = i32::MAX),
            Code::Ok,
            "",
        ),
        (
            "unknown type 999",
            entity_list(&|r| r.r#type = 999),
            Code::InvalidArgument,
            "type",
        ),
        (
            "unknown order_by 999",
            entity_list(&|r| r.order_by = 999),
            Code::InvalidArgument,
            "order_by",
        ),
        (
            "random base64 page_token",
            entity_list(&|r| r.page_token = RANDOM_BASE64.into()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "truncated page_token",
            entity_list(&|r| {
                r.order_by = pb::EntityOrder::Name as i32;
                r.page_token = truncated(&name_token);
            }),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token of another order",
            entity_list(&|r| r.page_token = name_token.clone()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token of ListDocuments",
            entity_list(&|r| r.page_token = seeded.list_token.clone()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "10,000-character page_token",
            entity_list(&|r| r.page_token = "x".repeat(TEN_K)),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "NUL and control characters in name_prefix",
            entity_list(&|r| r.name_prefix = "An\0na\u{7}".into()),
            Code::Ok,
            "",
        ),
        (
            "10,000-character name_prefix",
            entity_list(&|r| r.name_prefix = "x".repeat(TEN_K)),
            Code::Ok,
            "",
        ),
    ] {
        rows.add(
            format!("ListEntities: {name}"),
            E,
            code,
            says,
            unary!(ex, list_entities, request),
        );
    }

    // MergeEntities and MarkDistinct take a list of ids.
    let (a, b) = (seeded.entity_a.clone(), seeded.entity_b.clone());
    for (name, ids, code, says) in [
        ("no ids", vec![], Code::InvalidArgument, "entity_ids"),
        (
            "one id",
            vec![a.clone()],
            Code::InvalidArgument,
            "at least two",
        ),
        (
            "the same id twice",
            vec![a.clone(), a.clone()],
            Code::InvalidArgument,
            "at least two",
        ),
        (
            "an empty id",
            vec![a.clone(), String::new()],
            Code::InvalidArgument,
            "entity_ids",
        ),
        (
            "a 10,000-character id",
            vec![a.clone(), long.clone()],
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "an unknown id",
            vec![a.clone(), "ent_999999999".into()],
            Code::NotFound,
            "not found",
        ),
        (
            "10,000 ids",
            (0..TEN_K)
                .map(|i| format!("ent_{}", 1_000_000 + i))
                .collect(),
            Code::NotFound,
            "not found",
        ),
    ] {
        rows.add(
            format!("MergeEntities: {name}"),
            E,
            code,
            says,
            unary!(
                ex,
                merge_entities,
                pb::MergeEntitiesRequest {
                    entity_ids: ids.clone(),
                    ..Default::default()
                }
            ),
        );
        rows.add(
            format!("MarkDistinct: {name}"),
            E,
            code,
            says,
            unary!(
                ex,
                mark_distinct,
                pb::MarkDistinctRequest {
                    entity_ids: ids,
                    ..Default::default()
                }
            ),
        );
    }
    rows.add(
        "MarkDistinct: 10,000-character request_id",
        E,
        Code::InvalidArgument,
        "request_id",
        unary!(
            ex,
            mark_distinct,
            pb::MarkDistinctRequest {
                entity_ids: vec![a.clone(), b.clone()],
                request_id: "x".repeat(TEN_K),
                note: "x".repeat(TEN_K),
            }
        ),
    );

    // SplitEntity.
    for (name, entity_id, aliases, code, says) in [
        (
            "empty entity_id",
            String::new(),
            vec!["Anna".to_string()],
            Code::InvalidArgument,
            "entity_id",
        ),
        (
            "10,000-character entity_id",
            long.clone(),
            vec!["Anna".into()],
            Code::InvalidArgument,
            "not an entity id",
        ),
        (
            "no aliases",
            a.clone(),
            vec![],
            Code::InvalidArgument,
            "aliases",
        ),
        (
            "an alias the entity lacks",
            a.clone(),
            vec!["Nobody Ever Named".into()],
            Code::InvalidArgument,
            "is not an alias",
        ),
        (
            "a 10,000-character alias",
            a.clone(),
            vec![long.clone()],
            Code::InvalidArgument,
            "is not an alias",
        ),
        (
            "unknown entity",
            "ent_999999999".to_string(),
            vec!["Anna".into()],
            Code::NotFound,
            "not found",
        ),
    ] {
        rows.add(
            format!("SplitEntity: {name}"),
            E,
            code,
            says,
            unary!(
                ex,
                split_entity,
                pb::SplitEntityRequest {
                    entity_id,
                    aliases,
                    ..Default::default()
                }
            ),
        );
    }

    // UndoCuration.
    for (name, id, code, says) in [
        (
            "empty curation_id",
            String::new(),
            Code::InvalidArgument,
            "curation_id",
        ),
        (
            "malformed curation_id",
            "merge-7".to_string(),
            Code::InvalidArgument,
            "curation_id",
        ),
        (
            "10,000-character curation_id",
            long.clone(),
            Code::InvalidArgument,
            "curation_id",
        ),
        (
            "curation_id beyond u64",
            "cur_99999999999999999999999".to_string(),
            Code::InvalidArgument,
            "curation_id",
        ),
        (
            "unknown curation",
            "cur_999999999".to_string(),
            Code::NotFound,
            "not found",
        ),
    ] {
        rows.add(
            format!("UndoCuration: {name}"),
            E,
            code,
            says,
            unary!(
                ex,
                undo_curation,
                pb::UndoCurationRequest { curation_id: id }
            ),
        );
    }

    rows.add(
        "WatchEntityChanges: u64::MAX after_sequence waits for changes",
        E,
        Code::Ok,
        "",
        streamed!(
            ex,
            watch_entity_changes,
            pb::WatchEntityChangesRequest {
                after_sequence: u64::MAX
            }
        ),
    );
    rows.add(
        "GetModelInfo: empty request",
        E,
        Code::Ok,
        "",
        unary!(ex, get_model_info, pb::GetModelInfoRequest {}),
    );
}

fn nested(levels: usize) -> String {
    format!("{}harbour{}", "(".repeat(levels), ")".repeat(levels))
}

fn search_rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    use Service::Search as Q;
    let search = &c.search;
    let long = "x".repeat(TEN_K);
    let query = |f: &dyn Fn(&mut pb::SearchRequest)| {
        let mut request = pb::SearchRequest {
            query: "harbour".into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let filter = |f: &dyn Fn(&mut pb::SearchFilter)| {
        let mut filter = pb::SearchFilter::default();
        f(&mut filter);
        Some(filter)
    };
    let facet = |f: &dyn Fn(&mut pb::FacetRequest)| {
        let mut facet = pb::FacetRequest {
            field: pb::FacetField::Source as i32,
            ..Default::default()
        };
        f(&mut facet);
        vec![facet]
    };

    // Search and ExportSearch share the query, filter and sort.
    let shared = [
        (
            "10,000-character query",
            query(&|r| r.query = "harbour ".repeat(TEN_K / 8)),
            Code::InvalidArgument,
            "--max-query-bytes",
        ),
        (
            "1,000 nested parentheses",
            query(&|r| r.query = nested(1000)),
            Code::InvalidArgument,
            "nest",
        ),
        (
            "unbalanced parenthesis",
            query(&|r| r.query = "title:(harbour".into()),
            Code::InvalidArgument,
            "invalid query",
        ),
        (
            "unknown field",
            query(&|r| r.query = "nosuchfield:harbour".into()),
            Code::InvalidArgument,
            "invalid query",
        ),
        (
            "NUL and control characters in query",
            query(&|r| r.query = "harbour\0 pilots\u{7}\u{1b}".into()),
            Code::Ok,
            "",
        ),
        (
            "10,000-character word under the limit",
            query(&|r| r.query = "x".repeat(4000)),
            Code::Ok,
            "",
        ),
        (
            "unknown sort 999",
            query(&|r| r.sort = 999),
            Code::InvalidArgument,
            "sort",
        ),
        (
            "filter: unknown entity type 999",
            query(&|r| r.filter = filter(&|f| f.entity_types = vec![999])),
            Code::InvalidArgument,
            "entity_types",
        ),
        (
            "filter: published_after negative nanos",
            query(&|r| r.filter = filter(&|f| f.published_after = timestamp(0, -1))),
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "filter: published_before nanos over a second",
            query(&|r| r.filter = filter(&|f| f.published_before = timestamp(0, 1_000_000_000))),
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "filter: published_after i64::MIN seconds",
            query(&|r| r.filter = filter(&|f| f.published_after = timestamp(i64::MIN, 0))),
            Code::InvalidArgument,
            "out of range",
        ),
        (
            "filter: published_after later than published_before",
            query(&|r| {
                r.filter = filter(&|f| {
                    f.published_after = timestamp(1_700_000_100, 0);
                    f.published_before = timestamp(1_700_000_000, 0);
                })
            }),
            Code::InvalidArgument,
            "later than filter.published_before",
        ),
        (
            "filter: 10,000-character values match nothing",
            query(&|r| {
                r.filter = filter(&|f| {
                    f.sources = vec!["x".repeat(TEN_K)];
                    f.entity_ids = vec!["x".repeat(TEN_K)];
                    f.labels = vec!["x".repeat(TEN_K)];
                })
            }),
            Code::Ok,
            "",
        ),
    ];
    for (name, request, code, says) in shared {
        let export = pb::ExportSearchRequest {
            query: request.query.clone(),
            filter: request.filter.clone(),
            sort: request.sort,
            disable_entity_expansion: false,
            include_body: false,
        };
        rows.add(
            format!("Search: {name}"),
            Q,
            code,
            says,
            unary!(search, search, request),
        );
        rows.add(
            format!("ExportSearch: {name}"),
            Q,
            code,
            says,
            streamed!(search, export_search, export),
        );
    }
    rows.add(
        "ExportSearch: message over the decoding limit",
        Q,
        Code::OutOfRange,
        "the limit is",
        streamed!(
            search,
            export_search,
            pb::ExportSearchRequest {
                query: "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE),
                ..Default::default()
            }
        ),
    );

    let search_token = seeded.search_token.clone();
    for (name, request, code, says) in [
        (
            "message over the decoding limit",
            query(&|r| r.query = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)),
            Code::OutOfRange,
            "the limit is",
        ),
        (
            "negative page_size",
            query(&|r| r.page_size = -1),
            Code::InvalidArgument,
            "page_size",
        ),
        (
            "i32::MAX page_size is lowered to the maximum",
            query(&|r| r.page_size = i32::MAX),
            Code::Ok,
            "",
        ),
        (
            "random base64 page_token",
            query(&|r| r.page_token = RANDOM_BASE64.into()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "truncated page_token",
            query(&|r| r.page_token = truncated(&search_token)),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token of another query",
            query(&|r| {
                r.query = "ropewalk".into();
                r.page_token = search_token.clone();
            }),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "page_token of ListDocuments",
            query(&|r| r.page_token = seeded.list_token.clone()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "10,000-character page_token",
            query(&|r| r.page_token = long.clone()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "facet: unknown field 999",
            query(&|r| r.facets = facet(&|f| f.field = 999)),
            Code::InvalidArgument,
            "facets.field",
        ),
        (
            "facet: UNSPECIFIED field",
            query(&|r| r.facets = facet(&|f| f.field = 0)),
            Code::InvalidArgument,
            "facets.field",
        ),
        (
            "facet: negative limit",
            query(&|r| r.facets = facet(&|f| f.limit = -1)),
            Code::InvalidArgument,
            "facets.limit",
        ),
        (
            "facet: limit over 1,000",
            query(&|r| r.facets = facet(&|f| f.limit = i32::MAX)),
            Code::InvalidArgument,
            "facets.limit",
        ),
        (
            "facet: unknown entity_type 999",
            query(&|r| {
                r.facets = facet(&|f| {
                    f.field = pb::FacetField::Entity as i32;
                    f.entity_type = 999;
                })
            }),
            Code::InvalidArgument,
            "entity_type",
        ),
        (
            "facet: unknown interval 999",
            query(&|r| {
                r.facets = facet(&|f| {
                    f.field = pb::FacetField::PublishedAt as i32;
                    f.interval = 999;
                })
            }),
            Code::InvalidArgument,
            "interval",
        ),
        (
            "10,000 facets",
            query(&|r| r.facets = facet(&|_| {}).repeat(TEN_K)),
            Code::InvalidArgument,
            "facets",
        ),
    ] {
        rows.add(
            format!("Search: {name}"),
            Q,
            code,
            says,
            unary!(search, search, request),
        );
    }
    rows.add(
        "Search: invalid UTF-8 in query",
        Q,
        Code::Internal,
        "UTF-8",
        raw_unary(
            c.search_channel.clone(),
            "/dossier.v1.SearchService/Search",
            field(1, NOT_UTF8),
        ),
    );

    // MoreLikeThis.
    let mlt = |document_id: &str, f: &dyn Fn(&mut pb::MoreLikeThisRequest)| {
        let mut request = pb::MoreLikeThisRequest {
            document_id: document_id.to_string(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let live = seeded.live_note.as_str();
    for (name, request, code, says) in [
        (
            "empty document_id",
            mlt("", &|_| {}),
            Code::InvalidArgument,
            "document_id",
        ),
        (
            "unknown document",
            mlt("01ARZ3NDEKTSV4RRFFQ69G5FAV", &|_| {}),
            Code::NotFound,
            "not found",
        ),
        (
            "10,000-character document_id",
            mlt(&long, &|_| {}),
            Code::InvalidArgument,
            "ids are at most",
        ),
        (
            "negative page_size",
            mlt(live, &|r| r.page_size = -1),
            Code::InvalidArgument,
            "page_size",
        ),
        (
            "i32::MAX page_size is lowered to the maximum",
            mlt(live, &|r| r.page_size = i32::MAX),
            Code::Ok,
            "",
        ),
        (
            "filter: unknown entity type 999",
            mlt(live, &|r| {
                r.filter = filter(&|f| f.entity_types = vec![999])
            }),
            Code::InvalidArgument,
            "entity_types",
        ),
        (
            "filter: published_after negative nanos",
            mlt(live, &|r| {
                r.filter = filter(&|f| f.published_after = timestamp(0, -1))
            }),
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "a document whose words are mostly in deleted documents",
            mlt(live, &|_| {}),
            Code::Ok,
            "",
        ),
    ] {
        rows.add(
            format!("MoreLikeThis: {name}"),
            Q,
            code,
            says,
            unary!(search, more_like_this, request),
        );
    }

    // GetCooccurrences.
    let cooc = |entity_id: &str, f: &dyn Fn(&mut pb::GetCooccurrencesRequest)| {
        let mut request = pb::GetCooccurrencesRequest {
            entity_id: entity_id.to_string(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let entity = seeded.entity_a.as_str();
    for (name, request, code, says) in [
        (
            "empty entity_id",
            cooc("", &|_| {}),
            Code::InvalidArgument,
            "entity_id",
        ),
        (
            "unknown entity",
            cooc("ent_999999999", &|_| {}),
            Code::NotFound,
            "not found",
        ),
        (
            "10,000-character entity_id",
            cooc(&long, &|_| {}),
            Code::InvalidArgument,
            "ids are at most",
        ),
        (
            "negative limit",
            cooc(entity, &|r| r.limit = -1),
            Code::InvalidArgument,
            "limit",
        ),
        (
            "i32::MAX limit is lowered to the maximum",
            cooc(entity, &|r| r.limit = i32::MAX),
            Code::Ok,
            "",
        ),
        (
            "unknown entity type 999",
            cooc(entity, &|r| r.entity_types = vec![999]),
            Code::InvalidArgument,
            "entity_types",
        ),
        (
            "published_after negative nanos",
            cooc(entity, &|r| r.published_after = timestamp(0, -1)),
            Code::InvalidArgument,
            "nanos",
        ),
        (
            "published_after later than published_before",
            cooc(entity, &|r| {
                r.published_after = timestamp(1_700_000_100, 0);
                r.published_before = timestamp(1_700_000_000, 0);
            }),
            Code::InvalidArgument,
            "later than published_before",
        ),
    ] {
        rows.add(
            format!("GetCooccurrences: {name}"),
            Q,
            code,
            says,
            unary!(search, get_cooccurrences, request),
        );
    }
    rows.add(
        "GetIndexStatus: empty request",
        Q,
        Code::Ok,
        "",
        unary!(search, get_index_status, pb::GetIndexStatusRequest {}),
    );
    // RebuildIndex takes no fields; calling it would only slow the suite.
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_rpc_answers_bad_input_with_the_documented_status() {
    let system = TestSystem::start().await;
    let clients = Clients::connect(&system).await;
    let seeded = seed_all(&system, &clients).await;

    let mut rows = Rows::default();
    storage_rows(&mut rows, &clients, &seeded);
    extraction_rows(&mut rows, &clients, &seeded);
    search_rows(&mut rows, &clients, &seeded);
    let mut names: Vec<String> = rows.0.iter().map(|row| row.name.clone()).collect();
    names.extend(DEADLINE_ROWS.iter().map(|name| name.to_string()));
    check_awaiting_fix(&names);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "row names are unique");

    let count = rows.0.len();
    let failures = run(&clients, rows).await;
    assert_no_failures(&failures, count);
    system.stop().await;
}

const DEADLINE_ROWS: [&str; 4] = [
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
    add_deadline_row(&mut rows, DEADLINE_ROWS[0], Service::Search, |deadline| {
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
    add_deadline_row(
        &mut rows,
        DEADLINE_ROWS[1],
        Service::Extraction,
        |deadline| {
            let texts = paced(texts.clone());
            Box::pin(streamed!(
                extraction,
                batch_extract,
                maybe_deadline(texts, deadline)
            ))
        },
    )
    .await;

    let long_text: String = filler(1_500, "pilotage")
        .into_iter()
        .map(|doc| doc.body)
        .collect::<Vec<_>>()
        .join(" ");
    add_deadline_row(
        &mut rows,
        DEADLINE_ROWS[2],
        Service::Extraction,
        |deadline| {
            let request = pb::ExtractRequest {
                text: long_text.clone(),
                ..Default::default()
            };
            Box::pin(unary!(
                extraction,
                extract,
                maybe_deadline(request, deadline)
            ))
        },
    )
    .await;

    // Each run imports new documents, so both do the same work.
    let runs = std::sync::atomic::AtomicUsize::new(0);
    add_deadline_row(&mut rows, DEADLINE_ROWS[3], Service::Storage, |deadline| {
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

    let count = rows.0.len();
    let failures = run(&clients, rows).await;
    assert_no_failures(&failures, count);
    system.stop().await;
}
