//! Bad-input rows of the extraction service (ExtractionService).

use dossier_proto::v1 as pb;
use tonic::Code;

use crate::harness::{
    Clients, NOT_UTF8, OVER_EXTRACTION_MESSAGE, OVER_TEXT_LIMIT, Rows, Service, TEN_K, field, raw,
    streamed, unary,
};
use crate::seed::{RANDOM_BASE64, Seeded, timestamp, truncated};

const E: Service = Service::Extraction;
const EXTRACT: &str = "/dossier.v1.ExtractionService/Extract";

pub fn rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    extract(rows, c);
    ids(rows, c);
    list_entities(rows, c, seeded);
    curation(rows, c, seeded);
    match_names(rows, c);
    let ex = &c.extraction;
    #[rustfmt::skip]
    let calls = [
        ("WatchEntityChanges: u64::MAX after_sequence waits for changes", Code::Ok, "", streamed!(ex, watch_entity_changes, pb::WatchEntityChangesRequest { after_sequence: u64::MAX })),
        ("GetModelInfo: empty request", Code::Ok, "", unary!(ex, get_model_info, pb::GetModelInfoRequest {})),
    ];
    rows.add_calls(E, calls);
}

fn text(text: &str) -> pb::ExtractRequest {
    pb::ExtractRequest {
        text: text.to_string(),
        ..Default::default()
    }
}

/// A valid request with `f` applied.
fn with(f: &dyn Fn(&mut pb::ExtractRequest)) -> pb::ExtractRequest {
    let mut request = text("Mayor Anna Kowalczyk opened the Gdynia ferry terminal.");
    f(&mut request);
    request
}

/// Extract and BatchExtract take the same requests.
fn extract(rows: &mut Rows, c: &Clients) {
    #[rustfmt::skip]
    let cases = [
        ("unknown offset_encoding 999", with(&|r| r.offset_encoding = 999), Code::InvalidArgument, "offset_encoding"),
        ("unknown entity type 999", with(&|r| r.types = vec![999]), Code::InvalidArgument, "types"),
        ("UNSPECIFIED entity type", with(&|r| r.types = vec![0]), Code::InvalidArgument, "types"),
        ("negative entity type", with(&|r| r.types = vec![-1]), Code::InvalidArgument, "types"),
        ("text over --max-text-bytes", with(&|r| r.text = "x".repeat(OVER_TEXT_LIMIT)), Code::ResourceExhausted, "--max-text-bytes"),
        ("10,000-character source", with(&|r| r.source = "x".repeat(TEN_K)), Code::InvalidArgument, "source"),
        ("10,000-character request_id", with(&|r| r.request_id = "x".repeat(TEN_K)), Code::InvalidArgument, "request_id"),
        ("10,000-character document_id", with(&|r| r.document_id = "x".repeat(TEN_K)), Code::InvalidArgument, "document_id"),
        ("empty text", text(""), Code::Ok, ""),
        ("NUL and control characters in text", text("Anna\0Kowalczyk\u{7} met \u{1b}[1mPiotr Nowak\u{1b}[0m in\r\nGdańsk."), Code::Ok, ""),
        ("10,000-character word", text(&"x".repeat(TEN_K)), Code::Ok, ""),
        ("relative date against i64::MAX published_at", with(&|r| { r.text = "The ferry sailed last Tuesday, three weeks ago.".into(); r.published_at = timestamp(i64::MAX, 0); }), Code::InvalidArgument, "published_at"),
        ("relative date against i64::MIN published_at", with(&|r| { r.text = "The ferry sailed yesterday.".into(); r.published_at = timestamp(i64::MIN, 0); }), Code::InvalidArgument, "published_at"),
    ];
    let ex = &c.extraction;
    for (name, request, code, says) in cases {
        let call = unary!(ex, extract, request.clone());
        rows.add(format!("Extract: {name}"), E, code, says, call);
        // In a stream, the bad request follows a good one.
        let requests = tokio_stream::iter(vec![text("Piotr Nowak sailed from Gdynia."), request]);
        let call = streamed!(ex, batch_extract, requests);
        rows.add(format!("BatchExtract: {name}"), E, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("Extract: message over the decoding limit", Code::ResourceExhausted, "--max-text-bytes", unary!(ex, extract, text(&"x".repeat(OVER_EXTRACTION_MESSAGE)))),
        ("BatchExtract: message over the decoding limit", Code::ResourceExhausted, "--max-text-bytes", streamed!(ex, batch_extract, tokio_stream::iter(vec![text(&"x".repeat(OVER_EXTRACTION_MESSAGE))]))),
        ("BatchExtract: empty stream", Code::Ok, "", streamed!(ex, batch_extract, tokio_stream::iter(Vec::new()))),
        ("Extract: invalid UTF-8 in text", Code::Internal, "UTF-8", raw(&c.extraction_channel, EXTRACT, field(1, NOT_UTF8))),
    ];
    rows.add_calls(E, calls);
}

/// ForgetDocument and GetEntity take one id.
fn ids(rows: &mut Rows, c: &Clients) {
    let ex = &c.extraction;
    #[rustfmt::skip]
    let cases = [
        ("empty document_id", String::new(), Code::InvalidArgument, "document_id"),
        ("10,000-character document_id", "x".repeat(TEN_K), Code::InvalidArgument, "document_id"),
        ("a document never extracted", "01ARZ3NDEKTSV4RRFFQ69G5FAV".to_string(), Code::Ok, ""),
    ];
    for (name, document_id, code, says) in cases {
        let call = unary!(
            ex,
            forget_document,
            pb::ForgetDocumentRequest { document_id }
        );
        rows.add(format!("ForgetDocument: {name}"), E, code, says, call);
    }

    #[rustfmt::skip]
    let cases = [
        ("empty id", String::new(), Code::InvalidArgument, "id"),
        ("malformed id", "person:anna".to_string(), Code::InvalidArgument, "not an entity id"),
        ("10,000-character id", "x".repeat(TEN_K), Code::InvalidArgument, "not an entity id"),
        ("NUL in id", "ent_1\0".to_string(), Code::InvalidArgument, "not an entity id"),
        ("id beyond u64", "ent_99999999999999999999999".to_string(), Code::InvalidArgument, "not an entity id"),
        ("unknown id", "ent_999999999".to_string(), Code::NotFound, "not found"),
    ];
    for (name, id, code, says) in cases {
        let call = unary!(ex, get_entity, pb::GetEntityRequest { id });
        rows.add(format!("GetEntity: {name}"), E, code, says, call);
    }
}

fn list_entities(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let list = |f: &dyn Fn(&mut pb::ListEntitiesRequest)| {
        let mut request = pb::ListEntitiesRequest::default();
        f(&mut request);
        request
    };
    let name_token = seeded.entity_name_token.clone();
    #[rustfmt::skip]
    let cases = [
        ("negative page_size", list(&|r| r.page_size = -1), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", list(&|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("unknown type 999", list(&|r| r.r#type = 999), Code::InvalidArgument, "type"),
        ("unknown order_by 999", list(&|r| r.order_by = 999), Code::InvalidArgument, "order_by"),
        ("random base64 page_token", list(&|r| r.page_token = RANDOM_BASE64.into()), Code::InvalidArgument, "page_token"),
        ("truncated page_token", list(&|r| { r.order_by = pb::EntityOrder::Name as i32; r.page_token = truncated(&name_token); }), Code::InvalidArgument, "page_token"),
        ("page_token of another order", list(&|r| r.page_token = name_token.clone()), Code::InvalidArgument, "page_token"),
        ("page_token of ListDocuments", list(&|r| r.page_token = seeded.list_token.clone()), Code::InvalidArgument, "page_token"),
        ("10,000-character page_token", list(&|r| r.page_token = "x".repeat(TEN_K)), Code::InvalidArgument, "page_token"),
        ("NUL and control characters in name_prefix", list(&|r| r.name_prefix = "An\0na\u{7}".into()), Code::Ok, ""),
        ("10,000-character name_prefix", list(&|r| r.name_prefix = "x".repeat(TEN_K)), Code::Ok, ""),
    ];
    let ex = &c.extraction;
    for (name, request, code, says) in cases {
        let call = unary!(ex, list_entities, request);
        rows.add(format!("ListEntities: {name}"), E, code, says, call);
    }
}

/// MergeEntities, MarkDistinct, SplitEntity and UndoCuration.
fn curation(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let ex = &c.extraction;
    let (a, b) = (seeded.entity_a.clone(), seeded.entity_b.clone());
    let long = "x".repeat(TEN_K);
    // MergeEntities and MarkDistinct take a list of ids.
    #[rustfmt::skip]
    let cases = [
        ("no ids", vec![], Code::InvalidArgument, "entity_ids"),
        ("one id", vec![a.clone()], Code::InvalidArgument, "at least two"),
        ("the same id twice", vec![a.clone(), a.clone()], Code::InvalidArgument, "at least two"),
        ("an empty id", vec![a.clone(), String::new()], Code::InvalidArgument, "entity_ids"),
        ("a 10,000-character id", vec![a.clone(), long.clone()], Code::InvalidArgument, "not an entity id"),
        ("an unknown id", vec![a.clone(), "ent_999999999".into()], Code::NotFound, "not found"),
        ("10,000 ids", (0..TEN_K).map(|i| format!("ent_{}", 1_000_000 + i)).collect(), Code::NotFound, "not found"),
    ];
    for (name, entity_ids, code, says) in cases {
        let merge = pb::MergeEntitiesRequest {
            entity_ids: entity_ids.clone(),
            ..Default::default()
        };
        let call = unary!(ex, merge_entities, merge);
        rows.add(format!("MergeEntities: {name}"), E, code, says, call);
        let distinct = pb::MarkDistinctRequest {
            entity_ids,
            ..Default::default()
        };
        let call = unary!(ex, mark_distinct, distinct);
        rows.add(format!("MarkDistinct: {name}"), E, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("MarkDistinct: 10,000-character request_id", Code::InvalidArgument, "request_id", unary!(ex, mark_distinct, pb::MarkDistinctRequest { entity_ids: vec![a.clone(), b.clone()], request_id: long.clone(), note: long.clone() })),
    ];
    rows.add_calls(E, calls);

    #[rustfmt::skip]
    let cases = [
        ("empty entity_id", String::new(), vec!["Anna".to_string()], Code::InvalidArgument, "entity_id"),
        ("10,000-character entity_id", long.clone(), vec!["Anna".into()], Code::InvalidArgument, "not an entity id"),
        ("no aliases", a.clone(), vec![], Code::InvalidArgument, "aliases"),
        ("an alias the entity lacks", a.clone(), vec!["Nobody Ever Named".into()], Code::InvalidArgument, "is not an alias"),
        ("a 10,000-character alias", a.clone(), vec![long.clone()], Code::InvalidArgument, "is not an alias"),
        ("unknown entity", "ent_999999999".to_string(), vec!["Anna".into()], Code::NotFound, "not found"),
    ];
    for (name, entity_id, aliases, code, says) in cases {
        let request = pb::SplitEntityRequest {
            entity_id,
            aliases,
            ..Default::default()
        };
        let call = unary!(ex, split_entity, request);
        rows.add(format!("SplitEntity: {name}"), E, code, says, call);
    }

    #[rustfmt::skip]
    let cases = [
        ("empty curation_id", String::new(), Code::InvalidArgument, "curation_id"),
        ("malformed curation_id", "merge-7".to_string(), Code::InvalidArgument, "curation_id"),
        ("10,000-character curation_id", long.clone(), Code::InvalidArgument, "curation_id"),
        ("curation_id beyond u64", "cur_99999999999999999999999".to_string(), Code::InvalidArgument, "curation_id"),
        ("unknown curation", "cur_999999999".to_string(), Code::NotFound, "not found"),
    ];
    for (name, curation_id, code, says) in cases {
        let call = unary!(ex, undo_curation, pb::UndoCurationRequest { curation_id });
        rows.add(format!("UndoCuration: {name}"), E, code, says, call);
    }
}

/// MatchNames: the list, each name and alias, the score and the count.
fn match_names(rows: &mut Rows, c: &Clients) {
    let one = |name: &str| pb::NameToMatch {
        name: name.to_string(),
        r#type: pb::EntityType::Person as i32,
        aliases: Vec::new(),
    };
    let list = |names: Vec<pb::NameToMatch>| pb::MatchNamesRequest {
        names,
        ..Default::default()
    };
    let with = |f: &dyn Fn(&mut pb::MatchNamesRequest)| {
        let mut request = list(vec![one("Anna Kowalczyk")]);
        f(&mut request);
        request
    };
    #[rustfmt::skip]
    let cases = [
        ("empty request", pb::MatchNamesRequest::default(), Code::Ok, ""),
        ("empty name", list(vec![one("")]), Code::InvalidArgument, "names[0].name"),
        ("whitespace-only name after a good one", list(vec![one("Anna Kowalczyk"), one(" \t ")]), Code::InvalidArgument, "names[1].name"),
        ("10,000-character name", list(vec![one(&"x".repeat(TEN_K))]), Code::InvalidArgument, "names[0].name"),
        ("NUL and control characters in a name", list(vec![one("Anna\0Kowal\u{7}czyk\u{1b}[1m")]), Code::Ok, ""),
        ("punctuation-only name", list(vec![one("«»—!?")]), Code::Ok, ""),
        ("10,000 names", list(vec![one("Anna Kowalczyk"); TEN_K]), Code::Ok, ""),
        ("10,001 names", list(vec![one("Anna Kowalczyk"); TEN_K + 1]), Code::InvalidArgument, "10000"),
        ("empty alias", with(&|r| r.names[0].aliases = vec![String::new()]), Code::InvalidArgument, "names[0].aliases[0]"),
        ("101 aliases", with(&|r| r.names[0].aliases = vec!["A. Kowalczyk".into(); 101]), Code::InvalidArgument, "names[0].aliases"),
        ("10,000-character alias", with(&|r| r.names[0].aliases = vec!["x".repeat(TEN_K)]), Code::InvalidArgument, "names[0].aliases[0]"),
        ("unknown type 999", with(&|r| r.names[0].r#type = 999), Code::InvalidArgument, "names[0].type"),
        ("negative type", with(&|r| r.names[0].r#type = -1), Code::InvalidArgument, "names[0].type"),
        ("value type DATE", with(&|r| r.names[0].r#type = pb::EntityType::Date as i32), Code::InvalidArgument, "value type"),
        ("min_score 1.5", with(&|r| r.min_score = 1.5), Code::InvalidArgument, "min_score"),
        ("negative min_score", with(&|r| r.min_score = -0.1), Code::InvalidArgument, "min_score"),
        ("NaN min_score", with(&|r| r.min_score = f32::NAN), Code::InvalidArgument, "min_score"),
        ("min_score 1 (only the same spelling)", with(&|r| r.min_score = 1.0), Code::Ok, ""),
        ("100 max_matches_per_name (the limit)", with(&|r| r.max_matches_per_name = 100), Code::Ok, ""),
        ("101 max_matches_per_name", with(&|r| r.max_matches_per_name = 101), Code::InvalidArgument, "limit of 100"),
        ("u32::MAX max_matches_per_name", with(&|r| r.max_matches_per_name = u32::MAX), Code::InvalidArgument, "max_matches_per_name"),
    ];
    let ex = &c.extraction;
    for (name, request, code, says) in cases {
        let call = unary!(ex, match_names, request);
        rows.add(format!("MatchNames: {name}"), E, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("MatchNames: invalid UTF-8 in a name", Code::Internal, "UTF-8", raw(&c.extraction_channel, "/dossier.v1.ExtractionService/MatchNames", field(1, &field(1, NOT_UTF8)))),
    ];
    rows.add_calls(E, calls);
}
