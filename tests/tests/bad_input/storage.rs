//! Bad-input rows of the storage service (DocumentService).

use dossier_proto::v1 as pb;
use tonic::Code;

use crate::harness::{
    Clients, NOT_UTF8, OVER_ONE_MIB, OVER_STORAGE_AND_SEARCH_MESSAGE, Rows, Service, TEN_K, field,
    import, raw, streamed, unary,
};
use crate::seed::{RANDOM_BASE64, Seeded, article, timestamp, truncated};

const S: Service = Service::Storage;
const CREATE: &str = "/dossier.v1.DocumentService/CreateDocument";
const GET: &str = "/dossier.v1.DocumentService/GetDocument";

/// Over storage's decoding limit: --max-html-bytes (2 MiB) plus the title
/// and the message overhead.
const OVER_HTML_LIMIT: usize = 3 * 1024 * 1024;

pub fn rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    create_document(rows, c);
    one_id(rows, c);
    list_documents(rows, c, seeded);
    import_documents(rows, c);
    let docs = &c.documents;
    #[rustfmt::skip]
    let calls = [
        ("WatchChanges: u64::MAX after_sequence waits for changes", Code::Ok, "", streamed!(docs, watch_changes, pb::WatchChangesRequest { after_sequence: u64::MAX, omit_documents: false })),
        ("GetStorageStatus: empty request", Code::Ok, "", unary!(docs, get_storage_status, pb::GetStorageStatusRequest {})),
    ];
    rows.add_calls(S, calls);
}

/// A valid article to spoil in one field.
fn valid(n: usize) -> pb::Document {
    article(&format!("Bad-input probe {n}"), "A valid body.", "probe")
}

/// [`valid`] with `f` applied.
fn with(f: &dyn Fn(&mut pb::Document)) -> Option<pb::Document> {
    let mut document = valid(0);
    f(&mut document);
    Some(document)
}

fn create_document(rows: &mut Rows, c: &Clients) {
    let long = "x".repeat(TEN_K);
    // PostgreSQL cannot store NUL in a body; both backends refuse it alike.
    #[rustfmt::skip]
    let cases = [
        ("missing document", None, "", Code::InvalidArgument, "document is required"),
        ("empty body", with(&|d| d.body.clear()), "", Code::InvalidArgument, "document.body is required"),
        ("whitespace body", with(&|d| d.body = " \n\t ".into()), "", Code::InvalidArgument, "document.body is required"),
        ("body over --max-body-bytes", with(&|d| d.body = "x".repeat(OVER_ONE_MIB)), "", Code::ResourceExhausted, "--max-body-bytes"),
        ("10,000-character title", with(&|d| d.title = "x".repeat(TEN_K)), "", Code::ResourceExhausted, "--max-title-bytes"),
        ("10,000-character source", with(&|d| d.source = "x".repeat(TEN_K)), "", Code::ResourceExhausted, "--max-source-bytes"),
        ("10,000-character url", with(&|d| d.url = "x".repeat(TEN_K)), "", Code::ResourceExhausted, "--max-url-bytes"),
        ("10,000-character author", with(&|d| d.author = "x".repeat(TEN_K)), "", Code::ResourceExhausted, "--max-author-bytes"),
        ("10,000-character language", with(&|d| d.language = "x".repeat(TEN_K)), "", Code::InvalidArgument, "document.language"),
        ("language not a BCP-47 tag", with(&|d| d.language = "en_GB!".into()), "", Code::InvalidArgument, "not a BCP-47 tag"),
        ("NUL in source", with(&|d| d.source = "harbour\0gazette".into()), "", Code::InvalidArgument, "control character"),
        ("bell character in label", with(&|d| d.labels = vec!["ports\u{7}".into()]), "", Code::InvalidArgument, "control character"),
        ("empty label", with(&|d| d.labels = vec![String::new()]), "", Code::InvalidArgument, "document.labels[0] is empty"),
        ("10,000-character label", with(&|d| d.labels = vec!["x".repeat(TEN_K)]), "", Code::ResourceExhausted, "--max-label-bytes"),
        ("10,000 labels", with(&|d| d.labels = (0..TEN_K).map(|i| format!("l{i}")).collect()), "", Code::ResourceExhausted, "--max-labels"),
        ("published_at negative nanos", with(&|d| d.published_at = timestamp(1_767_225_600, -1)), "", Code::InvalidArgument, "nanos"),
        ("published_at nanos over a second", with(&|d| d.published_at = timestamp(1_767_225_600, 1_000_000_000)), "", Code::InvalidArgument, "nanos"),
        ("published_at before 1800", with(&|d| d.published_at = timestamp(-10_000_000_000, 0)), "", Code::InvalidArgument, "1800-01-01"),
        ("published_at i64::MAX seconds", with(&|d| d.published_at = timestamp(i64::MAX, 0)), "", Code::InvalidArgument, "one day from now"),
        ("published_at i64::MIN seconds", with(&|d| d.published_at = timestamp(i64::MIN, 0)), "", Code::InvalidArgument, "1800-01-01"),
        ("10,000-character request_id", Some(valid(1)), long.as_str(), Code::ResourceExhausted, "--max-request-id-bytes"),
        ("NUL in request_id", Some(valid(2)), "retry\0key", Code::InvalidArgument, "control character"),
        ("2 MiB plain body: decoded (pages may be larger), over --max-body-bytes", with(&|d| d.body = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)), "", Code::ResourceExhausted, "--max-body-bytes"),
        ("message over the decoding limit (an HTML body over --max-html-bytes)", with(&|d| { d.content_type = "text/html".into(); d.body = "x".repeat(OVER_HTML_LIMIT); }), "", Code::ResourceExhausted, "--max-html-bytes"),
        ("content_type not text/plain or text/html", with(&|d| d.content_type = "application/pdf".into()), "", Code::InvalidArgument, "document.content_type"),
        ("content_type of parameters only", with(&|d| d.content_type = "; charset=utf-8".into()), "", Code::InvalidArgument, "\"text/html\""),
        ("10,000-character content_type", with(&|d| d.content_type = "x".repeat(TEN_K)), "", Code::InvalidArgument, "document.content_type"),
        ("content_type with a NUL", with(&|d| d.content_type = "text/html\0".into()), "", Code::InvalidArgument, "document.content_type"),
        ("control characters in title and body are stored", Some(article("Tabs\tin a headline", "A body with a bell \u{7} and an escape \u{1b}[0m.", "probe")), "", Code::Ok, ""),
        ("NUL in body", Some(article("A headline", "A body with a NUL \0 in it.", "probe")), "", Code::InvalidArgument, "document.body contains NUL"),
    ];
    let docs = &c.documents;
    for (name, document, request_id, code, says) in cases {
        let request = pb::CreateDocumentRequest {
            document,
            request_id: request_id.to_string(),
        };
        let call = unary!(docs, create_document, request);
        rows.add(format!("CreateDocument: {name}"), S, code, says, call);
    }
    let channel = &c.storage_channel;
    #[rustfmt::skip]
    let calls = [
        ("CreateDocument: invalid UTF-8 in body", Code::Internal, "UTF-8", raw(channel, CREATE, field(1, &field(3, NOT_UTF8)))),
        ("CreateDocument: truncated protobuf", Code::Internal, "decode", raw(channel, CREATE, vec![0x0a, 0xff, 0x01, 0x12])),
    ];
    rows.add_calls(S, calls);
}

/// GetDocument and DeleteDocument take one id.
fn one_id(rows: &mut Rows, c: &Clients) {
    #[rustfmt::skip]
    let cases = [
        ("empty id", String::new(), Code::InvalidArgument, "id is required"),
        ("malformed id", "not-a-document-id".to_string(), Code::InvalidArgument, "26-character ULID"),
        ("id that overflows a ULID", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ".to_string(), Code::InvalidArgument, "not a document id"),
        ("10,000-character id", "x".repeat(TEN_K), Code::InvalidArgument, "26-character ULID"),
        ("NUL in id", "01ARZ3NDEKTSV4RRFFQ69G5F\0V".to_string(), Code::InvalidArgument, "not a document id"),
        ("unknown id", "01ARZ3NDEKTSV4RRFFQ69G5FAV".to_string(), Code::NotFound, "not found"),
    ];
    let docs = &c.documents;
    for (name, id, code, says) in cases {
        let get = unary!(
            docs,
            get_document,
            pb::GetDocumentRequest { id: id.clone() }
        );
        rows.add(format!("GetDocument: {name}"), S, code, says, get);
        let delete = unary!(docs, delete_document, pb::DeleteDocumentRequest { id });
        rows.add(format!("DeleteDocument: {name}"), S, code, says, delete);
    }
    #[rustfmt::skip]
    let calls = [
        ("GetDocument: invalid UTF-8 in id", Code::Internal, "UTF-8", raw(&c.storage_channel, GET, field(1, NOT_UTF8))),
    ];
    rows.add_calls(S, calls);
}

fn list_documents(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let list = |f: &dyn Fn(&mut pb::ListDocumentsRequest)| {
        let mut request = pb::ListDocumentsRequest::default();
        f(&mut request);
        request
    };
    let list_token = seeded.list_token.clone();
    let search_token = seeded.search_token.clone();
    #[rustfmt::skip]
    let cases = [
        ("negative page_size", list(&|r| r.page_size = -1), Code::InvalidArgument, "page_size is -1"),
        ("i32::MIN page_size", list(&|r| r.page_size = i32::MIN), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", list(&|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("random base64 page_token", list(&|r| r.page_token = RANDOM_BASE64.into()), Code::InvalidArgument, "page_token"),
        ("page_token not base64", list(&|r| r.page_token = "!!not a token!!".into()), Code::InvalidArgument, "page_token"),
        ("truncated page_token", list(&|r| r.page_token = truncated(&list_token)), Code::InvalidArgument, "page_token"),
        ("page_token of other filters", list(&|r| { r.page_token = list_token.clone(); r.sources = vec!["amber-times".into()]; }), Code::InvalidArgument, "different filters"),
        ("page_token of Search", list(&|r| r.page_token = search_token.clone()), Code::InvalidArgument, "page_token"),
        ("10,000-character page_token", list(&|r| r.page_token = "A".repeat(TEN_K)), Code::InvalidArgument, "page_token"),
        ("unknown view 999", list(&|r| r.view = 999), Code::InvalidArgument, "view 999"),
        ("published_after negative nanos", list(&|r| r.published_after = timestamp(0, -1)), Code::InvalidArgument, "nanos"),
        ("published_before i64::MAX seconds", list(&|r| r.published_before = timestamp(i64::MAX, 0)), Code::InvalidArgument, "out of range"),
        ("101 sources", list(&|r| r.sources = (0..101).map(|i| format!("outlet-{i}")).collect()), Code::ResourceExhausted, "the limit is 100"),
        ("10,000-character source matches nothing", list(&|r| r.sources = vec!["x".repeat(TEN_K)]), Code::Ok, ""),
    ];
    let docs = &c.documents;
    for (name, request, code, says) in cases {
        let call = unary!(docs, list_documents, request);
        rows.add(format!("ListDocuments: {name}"), S, code, says, call);
    }
}

/// A rejected document names its code and reason.
fn import_documents(rows: &mut Rows, c: &Clients) {
    let one = |document: Option<pb::Document>, request_id: &str| {
        vec![pb::ImportDocumentsRequest {
            document,
            request_id: request_id.to_string(),
        }]
    };
    let good_then_bad = vec![
        pb::ImportDocumentsRequest {
            document: Some(valid(4)),
            request_id: "import-good".into(),
        },
        pb::ImportDocumentsRequest {
            document: with(&|d| d.published_at = timestamp(0, -5)),
            request_id: "import-bad".into(),
        },
    ];
    #[rustfmt::skip]
    let cases = [
        ("missing document", one(None, "import-missing"), Code::InvalidArgument, "document is required"),
        ("empty body", one(with(&|d| d.body.clear()), "import-empty"), Code::InvalidArgument, "document.body is required"),
        ("body over --max-body-bytes", one(with(&|d| d.body = "x".repeat(OVER_ONE_MIB)), "import-large"), Code::ResourceExhausted, "--max-body-bytes"),
        ("NUL in source", one(with(&|d| d.source = "a\0b".into()), "import-nul"), Code::InvalidArgument, "control character"),
        ("10,000-character request_id", one(Some(valid(3)), &"x".repeat(TEN_K)), Code::ResourceExhausted, "--max-request-id-bytes"),
        ("a bad document after a good one", good_then_bad, Code::InvalidArgument, "nanos"),
        ("message over the decoding limit", one(with(&|d| d.body = "x".repeat(OVER_HTML_LIMIT)), "import-huge"), Code::ResourceExhausted, "the limit is"),
        ("content_type not text/plain or text/html", one(with(&|d| d.content_type = "image/png".into()), "import-png"), Code::InvalidArgument, "document.content_type"),
        ("empty stream", Vec::new(), Code::Ok, ""),
    ];
    for (name, requests, code, says) in cases {
        let call = import(c.documents.clone(), requests, None);
        rows.add(format!("ImportDocuments: {name}"), S, code, says, call);
    }
}
