//! Bad-input rows of the search service (SearchService).

use dossier_proto::v1 as pb;
use tonic::Code;

use crate::harness::{
    Call, Clients, NOT_UTF8, OVER_STORAGE_AND_SEARCH_MESSAGE, Rows, Service, TEN_K, drain, field,
    raw, streamed, unary,
};
use crate::seed::{RANDOM_BASE64, Seeded, timestamp, truncated};

const Q: Service = Service::Search;
const SEARCH: &str = "/dossier.v1.SearchService/Search";

pub fn rows(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    shared(rows, c);
    search(rows, c, seeded);
    more_like_this(rows, c, seeded);
    cooccurrences(rows, c, seeded);
    stories(rows, c);
    quotes(rows, c, seeded);
    watches(rows, c, seeded);
    screening(rows, c);
    let search = &c.search;
    #[rustfmt::skip]
    let calls = [
        ("GetIndexStatus: empty request", Code::Ok, "", unary!(search, get_index_status, pb::GetIndexStatusRequest {})),
    ];
    rows.add_calls(Q, calls);
    // RebuildIndex takes no fields; calling it would only slow the suite.
}

/// A search for "harbour" with `f` applied.
/// The query syntax that refuses malformed queries (the default repairs them).
const STRICT: i32 = pb::QuerySyntax::Strict as i32;

fn query(f: &dyn Fn(&mut pb::SearchRequest)) -> pb::SearchRequest {
    let mut request = pb::SearchRequest {
        query: "harbour".into(),
        ..Default::default()
    };
    f(&mut request);
    request
}

fn filter(f: &dyn Fn(&mut pb::SearchFilter)) -> Option<pb::SearchFilter> {
    let mut filter = pb::SearchFilter::default();
    f(&mut filter);
    Some(filter)
}

/// One facet on the source with `f` applied.
fn facet(f: &dyn Fn(&mut pb::FacetRequest)) -> Vec<pb::FacetRequest> {
    let mut facet = pb::FacetRequest {
        field: pb::FacetField::Source as i32,
        ..Default::default()
    };
    f(&mut facet);
    vec![facet]
}

fn nested(levels: usize) -> String {
    format!("{}harbour{}", "(".repeat(levels), ")".repeat(levels))
}

/// Search and ExportSearch share the query, filter and sort.
fn shared(rows: &mut Rows, c: &Clients) {
    #[rustfmt::skip]
    let cases = [
        ("10,000-character query", query(&|r| r.query = "harbour ".repeat(TEN_K / 8)), Code::ResourceExhausted, "--max-query-bytes"),
        ("1,000 nested parentheses, strict syntax", query(&|r| { r.query = nested(1000); r.syntax = STRICT; }), Code::InvalidArgument, "nest"),
        ("unbalanced parenthesis, strict syntax", query(&|r| { r.query = "title:(harbour".into(); r.syntax = STRICT; }), Code::InvalidArgument, "invalid query"),
        ("unknown field, strict syntax", query(&|r| { r.query = "nosuchfield:harbour".into(); r.syntax = STRICT; }), Code::InvalidArgument, "invalid query"),
        ("NUL and control characters in query", query(&|r| r.query = "harbour\0 pilots\u{7}\u{1b}".into()), Code::Ok, ""),
        ("10,000-character word under the limit", query(&|r| r.query = "x".repeat(4000)), Code::Ok, ""),
        ("unknown sort 999", query(&|r| r.sort = 999), Code::InvalidArgument, "sort"),
        ("filter: unknown entity type 999", query(&|r| r.filter = filter(&|f| f.entity_types = vec![999])), Code::InvalidArgument, "entity_types"),
        ("filter: published_after negative nanos", query(&|r| r.filter = filter(&|f| f.published_after = timestamp(0, -1))), Code::InvalidArgument, "nanos"),
        ("filter: published_before nanos over a second", query(&|r| r.filter = filter(&|f| f.published_before = timestamp(0, 1_000_000_000))), Code::InvalidArgument, "nanos"),
        ("filter: published_after i64::MIN seconds", query(&|r| r.filter = filter(&|f| f.published_after = timestamp(i64::MIN, 0))), Code::InvalidArgument, "out of range"),
        ("filter: published_after later than published_before", query(&|r| r.filter = filter(&|f| { f.published_after = timestamp(1_700_000_100, 0); f.published_before = timestamp(1_700_000_000, 0); })), Code::InvalidArgument, "later than filter.published_before"),
        ("filter: 10,000-character values match nothing", query(&|r| r.filter = filter(&|f| { f.sources = vec!["x".repeat(TEN_K)]; f.entity_ids = vec!["x".repeat(TEN_K)]; f.labels = vec!["x".repeat(TEN_K)]; })), Code::Ok, ""),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let export = pb::ExportSearchRequest {
            query: request.query.clone(),
            filter: request.filter.clone(),
            sort: request.sort,
            disable_entity_expansion: false,
            include_body: false,
            syntax: request.syntax,
        };
        let call = unary!(search, search, request);
        rows.add(format!("Search: {name}"), Q, code, says, call);
        let call = streamed!(search, export_search, export);
        rows.add(format!("ExportSearch: {name}"), Q, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("ExportSearch: message over the decoding limit", Code::ResourceExhausted, "the limit is", streamed!(search, export_search, pb::ExportSearchRequest { query: "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE), ..Default::default() })),
    ];
    rows.add_calls(Q, calls);
}

fn search(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let search_token = seeded.search_token.clone();
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("message over the decoding limit", query(&|r| r.query = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)), Code::ResourceExhausted, "the limit is"),
        ("negative page_size", query(&|r| r.page_size = -1), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", query(&|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("random base64 page_token", query(&|r| r.page_token = RANDOM_BASE64.into()), Code::InvalidArgument, "page_token"),
        ("truncated page_token", query(&|r| r.page_token = truncated(&search_token)), Code::InvalidArgument, "page_token"),
        ("page_token of another query", query(&|r| { r.query = "ropewalk".into(); r.page_token = search_token.clone(); }), Code::InvalidArgument, "page_token"),
        ("page_token of ListDocuments", query(&|r| r.page_token = seeded.list_token.clone()), Code::InvalidArgument, "page_token"),
        ("10,000-character page_token", query(&|r| r.page_token = long.clone()), Code::InvalidArgument, "page_token"),
        ("facet: unknown field 999", query(&|r| r.facets = facet(&|f| f.field = 999)), Code::InvalidArgument, "facets.field"),
        ("facet: UNSPECIFIED field", query(&|r| r.facets = facet(&|f| f.field = 0)), Code::InvalidArgument, "facets.field"),
        ("facet: negative limit", query(&|r| r.facets = facet(&|f| f.limit = -1)), Code::InvalidArgument, "facets.limit"),
        ("facet: limit over 1,000", query(&|r| r.facets = facet(&|f| f.limit = i32::MAX)), Code::InvalidArgument, "facets.limit"),
        ("facet: unknown entity_type 999", query(&|r| r.facets = facet(&|f| { f.field = pb::FacetField::Entity as i32; f.entity_type = 999; })), Code::InvalidArgument, "entity_type"),
        ("facet: unknown interval 999", query(&|r| r.facets = facet(&|f| { f.field = pb::FacetField::PublishedAt as i32; f.interval = 999; })), Code::InvalidArgument, "interval"),
        ("10,000 facets", query(&|r| r.facets = facet(&|_| {}).repeat(TEN_K)), Code::InvalidArgument, "facets"),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, search, request);
        rows.add(format!("Search: {name}"), Q, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("Search: invalid UTF-8 in query", Code::Internal, "UTF-8", raw(&c.search_channel, SEARCH, field(1, NOT_UTF8))),
    ];
    rows.add_calls(Q, calls);
}

fn more_like_this(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let mlt = |document_id: &str, f: &dyn Fn(&mut pb::MoreLikeThisRequest)| {
        let mut request = pb::MoreLikeThisRequest {
            document_id: document_id.to_string(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let live = seeded.live_note.as_str();
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("empty document_id", mlt("", &|_| {}), Code::InvalidArgument, "document_id"),
        ("unknown document", mlt("01ARZ3NDEKTSV4RRFFQ69G5FAV", &|_| {}), Code::NotFound, "not found"),
        ("10,000-character document_id", mlt(&long, &|_| {}), Code::InvalidArgument, "ids are at most"),
        ("negative page_size", mlt(live, &|r| r.page_size = -1), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", mlt(live, &|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("filter: unknown entity type 999", mlt(live, &|r| r.filter = filter(&|f| f.entity_types = vec![999])), Code::InvalidArgument, "entity_types"),
        ("filter: published_after negative nanos", mlt(live, &|r| r.filter = filter(&|f| f.published_after = timestamp(0, -1))), Code::InvalidArgument, "nanos"),
        ("a document whose words are mostly in deleted documents", mlt(live, &|_| {}), Code::Ok, ""),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, more_like_this, request);
        rows.add(format!("MoreLikeThis: {name}"), Q, code, says, call);
    }
}

fn cooccurrences(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let cooc = |entity_id: &str, f: &dyn Fn(&mut pb::GetCooccurrencesRequest)| {
        let mut request = pb::GetCooccurrencesRequest {
            entity_id: entity_id.to_string(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let entity = seeded.entity_a.as_str();
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("empty entity_id", cooc("", &|_| {}), Code::InvalidArgument, "entity_id"),
        ("unknown entity", cooc("ent_999999999", &|_| {}), Code::NotFound, "not found"),
        ("10,000-character entity_id", cooc(&long, &|_| {}), Code::InvalidArgument, "ids are at most"),
        ("negative limit", cooc(entity, &|r| r.limit = -1), Code::InvalidArgument, "limit"),
        ("i32::MAX limit is lowered to the maximum", cooc(entity, &|r| r.limit = i32::MAX), Code::Ok, ""),
        ("unknown entity type 999", cooc(entity, &|r| r.entity_types = vec![999]), Code::InvalidArgument, "entity_types"),
        ("published_after negative nanos", cooc(entity, &|r| r.published_after = timestamp(0, -1)), Code::InvalidArgument, "nanos"),
        ("published_after later than published_before", cooc(entity, &|r| { r.published_after = timestamp(1_700_000_100, 0); r.published_before = timestamp(1_700_000_000, 0); }), Code::InvalidArgument, "later than published_before"),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, get_cooccurrences, request);
        rows.add(format!("GetCooccurrences: {name}"), Q, code, says, call);
    }
}

fn stories(rows: &mut Rows, c: &Clients) {
    let list = |f: &dyn Fn(&mut pb::ListStoriesRequest)| {
        let mut request = pb::ListStoriesRequest {
            query: "harbour".into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("empty request", list(&|r| r.query.clear()), Code::Ok, ""),
        ("malformed query is read leniently", list(&|r| r.query = "((harbour AND".into()), Code::Ok, ""),
        ("10,000-byte query", list(&|r| r.query = long.clone()), Code::ResourceExhausted, "--max-query-bytes"),
        ("negative page_size", list(&|r| r.page_size = -1), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", list(&|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("forged page_token", list(&|r| r.page_token = "0123456789abcdef1".into()), Code::InvalidArgument, "page_token"),
        ("unknown order 999", list(&|r| r.order = 999), Code::InvalidArgument, "order"),
        ("unknown entity finds no story", list(&|r| r.entity_id = "ent_999999999".into()), Code::Ok, ""),
        ("published_after later than published_before", list(&|r| { r.published_after = timestamp(1_700_000_100, 0); r.published_before = timestamp(1_700_000_000, 0); }), Code::InvalidArgument, "later than published_before"),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, list_stories, request);
        rows.add(format!("ListStories: {name}"), Q, code, says, call);
    }
    let get = |id: &str| pb::GetStoryRequest { id: id.to_string() };
    #[rustfmt::skip]
    let cases = [
        ("empty id", get(""), Code::InvalidArgument, "story id"),
        ("unknown story", get("st-999999999"), Code::NotFound, "ListStories"),
        ("10,000-character id", get(&long), Code::InvalidArgument, "ids are at most"),
        ("control characters", get("st-1\u{0}"), Code::InvalidArgument, "control characters"),
    ];
    for (name, request, code, says) in cases {
        let call = unary!(search, get_story, request);
        rows.add(format!("GetStory: {name}"), Q, code, says, call);
    }
}

fn quotes(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let list = |f: &dyn Fn(&mut pb::ListQuotesRequest)| {
        let mut request = pb::ListQuotesRequest {
            query: "harbour".into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("empty request", list(&|r| r.query.clear()), Code::Ok, ""),
        ("malformed query is read leniently", list(&|r| r.query = "((harbour AND".into()), Code::Ok, ""),
        ("NUL and control characters in query", list(&|r| r.query = "harbour\0 pilots\u{7}\u{1b}".into()), Code::Ok, ""),
        ("10,000-byte query", list(&|r| r.query = long.clone()), Code::ResourceExhausted, "--max-query-bytes"),
        ("message over the decoding limit", list(&|r| r.query = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)), Code::ResourceExhausted, "the limit is"),
        ("negative page_size", list(&|r| r.page_size = -1), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", list(&|r| r.page_size = i32::MAX), Code::Ok, ""),
        ("random base64 page_token", list(&|r| r.page_token = RANDOM_BASE64.into()), Code::InvalidArgument, "page_token"),
        ("page_token of Search", list(&|r| r.page_token = seeded.search_token.clone()), Code::InvalidArgument, "page_token"),
        ("page_token of ListDocuments", list(&|r| r.page_token = seeded.list_token.clone()), Code::InvalidArgument, "page_token"),
        ("10,000-character page_token", list(&|r| r.page_token = long.clone()), Code::InvalidArgument, "page_token"),
        ("unknown entity lists nothing", list(&|r| r.entity_id = "ent_999999999".into()), Code::Ok, ""),
        ("10,000-character entity_id", list(&|r| r.entity_id = long.clone()), Code::InvalidArgument, "ids are at most"),
        ("control characters in entity_id", list(&|r| r.entity_id = "ent_1\u{0}".into()), Code::InvalidArgument, "control characters"),
        ("published_after negative nanos", list(&|r| r.published_after = timestamp(0, -1)), Code::InvalidArgument, "nanos"),
        ("published_before i64::MIN seconds", list(&|r| r.published_before = timestamp(i64::MIN, 0)), Code::InvalidArgument, "out of range"),
        ("published_after later than published_before", list(&|r| { r.published_after = timestamp(1_700_000_100, 0); r.published_before = timestamp(1_700_000_000, 0); }), Code::InvalidArgument, "later than published_before"),
        ("10,000-character source matches nothing", list(&|r| r.source = long.clone()), Code::Ok, ""),
        ("direct_only with no quotes", list(&|r| r.direct_only = true), Code::Ok, ""),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, list_quotes, request);
        rows.add(format!("ListQuotes: {name}"), Q, code, says, call);
    }
    #[rustfmt::skip]
    let calls = [
        ("ListQuotes: invalid UTF-8 in query", Code::Internal, "UTF-8", raw(&c.search_channel, "/dossier.v1.SearchService/ListQuotes", field(2, NOT_UTF8))),
    ];
    rows.add_calls(Q, calls);
}

/// A CreateWatch request for "harbour" with `f` applied to it.
fn watch(f: &dyn Fn(&mut pb::CreateWatchRequest)) -> pb::CreateWatchRequest {
    let mut request = pb::CreateWatchRequest {
        watch: Some(pb::Watch {
            query: "harbour".into(),
            ..Default::default()
        }),
        request_id: String::new(),
    };
    f(&mut request);
    request
}

/// The watch of a CreateWatch request.
fn w(request: &mut pb::CreateWatchRequest) -> &mut pb::Watch {
    request.watch.get_or_insert_with(Default::default)
}

/// Creates a watch on "harbour", then streams it from `after`.
fn stream_new_watch(c: &Clients, after: u64) -> Call {
    let mut client = c.search.clone();
    Box::pin(async move {
        let id = client.create_watch(watch(&|_| {})).await?.into_inner().id;
        let request = pb::StreamWatchMatchesRequest {
            watch_id: id,
            after_sequence: after,
        };
        drain(client.stream_watch_matches(request)).await
    })
}

/// Creates a watch with request id `request_id`, then another query with it.
fn reuse_request_id(c: &Clients, request_id: &'static str) -> Call {
    let mut client = c.search.clone();
    Box::pin(async move {
        client
            .create_watch(watch(&|r| r.request_id = request_id.into()))
            .await?;
        let other = watch(&|r| {
            r.request_id = request_id.into();
            w(r).query = "ferry".into();
        });
        client.create_watch(other).await.map(drop)
    })
}

/// Watches (#18): CreateWatch, GetWatch, ListWatches, DeleteWatch,
/// StreamWatchMatches.
fn watches(rows: &mut Rows, c: &Clients, seeded: &Seeded) {
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("empty request", pb::CreateWatchRequest::default(), Code::InvalidArgument, "watch"),
        ("empty query and no filter", watch(&|r| w(r).query.clear()), Code::InvalidArgument, "neither a query nor a filter"),
        ("whitespace query", watch(&|r| w(r).query = " \t\n ".into()), Code::InvalidArgument, "neither a query nor a filter"),
        ("query that reads as nothing", watch(&|r| w(r).query = "(( AND".into()), Code::InvalidArgument, "no query at all"),
        ("malformed query is read leniently", watch(&|r| w(r).query = "((harbour AND".into()), Code::Ok, ""),
        ("1,000 nested parentheses are read leniently", watch(&|r| w(r).query = nested(1000)), Code::Ok, ""),
        ("NUL and control characters in query", watch(&|r| w(r).query = "harbour\0 pilots\u{7}\u{1b}".into()), Code::Ok, ""),
        ("10,000-byte query", watch(&|r| w(r).query = "harbour ".repeat(TEN_K / 8)), Code::ResourceExhausted, "--max-query-bytes"),
        ("message over the decoding limit", watch(&|r| w(r).query = "x".repeat(OVER_STORAGE_AND_SEARCH_MESSAGE)), Code::ResourceExhausted, "the limit is"),
        ("a filter and no query", watch(&|r| { w(r).query.clear(); w(r).filter = filter(&|f| f.sources = vec!["harbour-gazette".into()]); }), Code::Ok, ""),
        ("output-only id, create_time and create_sequence are ignored", watch(&|r| { w(r).id = "wt-mine".into(); w(r).create_time = timestamp(-1, -1); w(r).create_sequence = u64::MAX; }), Code::Ok, ""),
        ("10,000-character name", watch(&|r| w(r).name = long.clone()), Code::InvalidArgument, "watch.name"),
        ("control characters in name", watch(&|r| w(r).name = "port\u{0}watch".into()), Code::InvalidArgument, "control characters"),
        ("10,000-character request_id", watch(&|r| r.request_id = long.clone()), Code::InvalidArgument, "ids are at most"),
        ("control characters in request_id", watch(&|r| r.request_id = "r\u{1b}1".into()), Code::InvalidArgument, "control characters"),
        ("filter: unknown entity type 999", watch(&|r| w(r).filter = filter(&|f| f.entity_types = vec![999])), Code::InvalidArgument, "entity_types"),
        ("filter: published_after negative nanos", watch(&|r| w(r).filter = filter(&|f| f.published_after = timestamp(0, -1))), Code::InvalidArgument, "nanos"),
        ("filter: published_after later than published_before", watch(&|r| w(r).filter = filter(&|f| { f.published_after = timestamp(1_700_000_100, 0); f.published_before = timestamp(1_700_000_000, 0); })), Code::InvalidArgument, "later than filter.published_before"),
        ("filter: 10,000-character values match nothing", watch(&|r| w(r).filter = filter(&|f| { f.sources = vec![long.clone()]; f.entity_ids = vec![long.clone()]; })), Code::Ok, ""),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let call = unary!(search, create_watch, request);
        rows.add(format!("CreateWatch: {name}"), Q, code, says, call);
    }
    let ids = |rpc: &'static str| -> Vec<(String, String, Code, &'static str)> {
        #[rustfmt::skip]
        let cases = [
            ("empty id", "", Code::InvalidArgument, "required"),
            ("unknown watch", "wt-00000000000000000000000000", Code::NotFound, "not found"),
            ("10,000-character id", long.as_str(), Code::InvalidArgument, "ids are at most"),
            ("control characters in id", "wt-1\u{0}", Code::InvalidArgument, "control characters"),
        ];
        cases
            .into_iter()
            .map(|(name, id, code, says)| (format!("{rpc}: {name}"), id.to_string(), code, says))
            .collect()
    };
    for (name, id, code, says) in ids("GetWatch") {
        rows.add(
            name,
            Q,
            code,
            says,
            unary!(search, get_watch, pb::GetWatchRequest { id }),
        );
    }
    for (name, id, code, says) in ids("DeleteWatch") {
        rows.add(
            name,
            Q,
            code,
            says,
            unary!(search, delete_watch, pb::DeleteWatchRequest { id }),
        );
    }
    for (name, watch_id, code, says) in ids("StreamWatchMatches") {
        let request = pb::StreamWatchMatchesRequest {
            watch_id,
            after_sequence: 0,
        };
        rows.add(
            name,
            Q,
            code,
            says,
            streamed!(search, stream_watch_matches, request),
        );
    }
    let list = |page_size: i32, page_token: &str| pb::ListWatchesRequest {
        page_size,
        page_token: page_token.into(),
    };
    #[rustfmt::skip]
    let cases = [
        ("empty request", list(0, ""), Code::Ok, ""),
        ("negative page_size", list(-1, ""), Code::InvalidArgument, "page_size"),
        ("i32::MAX page_size is lowered to the maximum", list(i32::MAX, ""), Code::Ok, ""),
        ("random base64 page_token", list(0, RANDOM_BASE64), Code::InvalidArgument, "page_token"),
        ("page_token of Search", list(0, &seeded.search_token), Code::InvalidArgument, "page_token"),
        ("page_token of ListDocuments", list(0, &seeded.list_token), Code::InvalidArgument, "page_token"),
        ("10,000-character page_token", list(0, &long), Code::InvalidArgument, "page_token"),
    ];
    for (name, request, code, says) in cases {
        rows.add(
            format!("ListWatches: {name}"),
            Q,
            code,
            says,
            unary!(search, list_watches, request),
        );
    }
    #[rustfmt::skip]
    let calls = [
        ("CreateWatch: invalid UTF-8 in query", Code::Internal, "UTF-8", raw(&c.search_channel, "/dossier.v1.SearchService/CreateWatch", field(1, &field(3, NOT_UTF8)))),
        ("CreateWatch: request_id reused for another query", Code::AlreadyExists, "request_id", reuse_request_id(c, "bad-input-reused")),
        ("StreamWatchMatches: replay from 0", Code::Ok, "", stream_new_watch(c, 0)),
        ("StreamWatchMatches: after_sequence u64::MAX waits quietly", Code::Ok, "", stream_new_watch(c, u64::MAX)),
    ];
    rows.add_calls(Q, calls);
}

/// ScreenNames and StreamScreenNames: the list, each name, the numbers.
fn screening(rows: &mut Rows, c: &Clients) {
    let one = |name: &str| pb::ScreenName {
        name: name.into(),
        ..Default::default()
    };
    let list = |f: &dyn Fn(&mut pb::ScreenNamesRequest)| {
        let mut request = pb::ScreenNamesRequest {
            names: vec![one("Ana Popescu")],
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let long = "x".repeat(TEN_K);
    #[rustfmt::skip]
    let cases = [
        ("one name", list(&|_| {}), Code::Ok, ""),
        ("no names", list(&|r| r.names.clear()), Code::InvalidArgument, "no names to screen"),
        ("an empty name", list(&|r| r.names.push(one(" "))), Code::InvalidArgument, "names[1].name is empty"),
        ("a 10,000-character name", list(&|r| r.names[0].name = long.clone()), Code::InvalidArgument, "over 1024 bytes"),
        ("a 10,000-character alias", list(&|r| r.names[0].aliases = vec![long.clone()]), Code::InvalidArgument, "over 1024 bytes"),
        ("100 aliases", list(&|r| r.names[0].aliases = vec!["A B".into(); 100]), Code::InvalidArgument, "aliases"),
        ("an unknown type", list(&|r| r.names[0].r#type = 99), Code::InvalidArgument, "names[0].type"),
        ("a value type", list(&|r| r.names[0].r#type = pb::EntityType::Date as i32), Code::InvalidArgument, "value type"),
        ("an empty alias", list(&|r| r.names[0].aliases = vec![String::new()]), Code::InvalidArgument, "names[0].aliases[0] is empty"),
        ("10,001 names", list(&|r| r.names = vec![one("Ana Popescu"); 10_001]), Code::ResourceExhausted, "--max-screen-names"),
        ("min_score above 1", list(&|r| r.min_score = 1.5), Code::InvalidArgument, "min_score"),
        ("min_score NaN", list(&|r| r.min_score = f32::NAN), Code::InvalidArgument, "min_score"),
        ("negative min_score", list(&|r| r.min_score = -0.1), Code::InvalidArgument, "min_score"),
        ("21 evidence documents", list(&|r| r.evidence_per_match = 21), Code::InvalidArgument, "evidence_per_match"),
        ("100 matches per name (the limit)", list(&|r| r.max_matches_per_name = 100), Code::Ok, ""),
        ("101 matches per name", list(&|r| r.max_matches_per_name = 101), Code::InvalidArgument, "limit of 100"),
        ("u32::MAX matches per name", list(&|r| r.max_matches_per_name = u32::MAX), Code::InvalidArgument, "max_matches_per_name"),
        ("control characters in a name", list(&|r| r.names[0].name = "Ana\0 Popescu\u{7}".into()), Code::Ok, ""),
    ];
    let search = &c.search;
    for (name, request, code, says) in cases {
        let unary = unary!(search, screen_names, request.clone());
        rows.add(format!("ScreenNames: {name}"), Q, code, says, unary);
        let streamed = streamed!(search, stream_screen_names, request);
        rows.add(
            format!("StreamScreenNames: {name}"),
            Q,
            code,
            says,
            streamed,
        );
    }
}
