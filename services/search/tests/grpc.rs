//! The search service in-process on port 0, driven by the generated client.
//! Storage and extraction are absent on purpose: search must still serve
//! queries, report the outage, and shut down cleanly.

use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{ExportSearchRequest, GetIndexStatusRequest, QuerySyntax, SearchRequest};
use dossier_search::{SearchConfig, serve};
use tonic::Code;

/// A loopback port with nothing listening on it.
async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_queries_and_reports_upstream_outage() {
    let dir = tempfile::tempdir().unwrap();
    let config = SearchConfig {
        data_dir: dir.path().join("search"),
        storage_url: dead_url().await,
        extraction_url: dead_url().await,
        max_query_bytes: 64,
        ..SearchConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
    let shutdown = Shutdown::new();
    let server = tokio::spawn(serve(config, listener, shutdown.clone()));
    let mut client = SearchServiceClient::connect(url).await.unwrap();

    let empty = client
        .search(SearchRequest {
            query: "minister".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((empty.total_hits, empty.next_page_token.as_str()), (0, ""));

    for (query, token) in [
        ("title:(unclosed", ""),
        ("nosuch:x", ""),
        ("ok", "not-a-token"),
    ] {
        let err = client
            .search(SearchRequest {
                query: query.into(),
                page_token: token.into(),
                syntax: QuerySyntax::Strict as i32,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::InvalidArgument,
            "{query}: {}",
            err.message()
        );
    }
    let long = client
        .search(SearchRequest {
            query: "x".repeat(65),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(long.code(), Code::ResourceExhausted);
    assert!(long.message().contains("max-query-bytes"));

    let mut status = None;
    for _ in 0..100 {
        let s = client
            .get_index_status(GetIndexStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if s.last_error.contains("storage") {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = status.expect("the outage is reported");
    assert!(status.last_error_time.is_some());
    assert_eq!(status.indexed_sequence, 0);

    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shuts down promptly")
        .unwrap()
        .unwrap();
}

/// A server over an index of `docs` "harbour" reports, built before it
/// starts (storage is absent, so nothing changes it).
async fn server_with_docs(
    docs: u64,
) -> (
    tempfile::TempDir,
    SearchServiceClient<tonic::transport::Channel>,
    Shutdown,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    use dossier_search::index::{Checkpoint, IndexOp, SearchIndex};
    use dossier_search::model::IndexDoc;
    use dossier_search::quotes::DocQuote;

    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("search");
    let index = SearchIndex::open(&data_dir).unwrap();
    let ops = (1..=docs)
        .map(|seq| {
            IndexOp::Upsert(Box::new(IndexDoc {
                id: format!("doc{seq:05}"),
                sequence: seq,
                title: format!("Harbour report {seq}"),
                // 4 KB, so a whole export (with bodies) is far more than
                // HTTP/2 flow control lets the server send ahead.
                body: "The ferry left the harbour before the storm. ".repeat(90),
                published_at: Some(1_772_409_600 + seq as i64),
                // One quote each, direct in even reports (ListQuotes).
                quotes: vec![DocQuote {
                    text: format!("Pilots wait for report {seq}"),
                    speaker_entity_id: "e1".into(),
                    direct: seq % 2 == 0,
                    ..Default::default()
                }],
                ..Default::default()
            }))
        })
        .collect();
    index.apply(ops).unwrap();
    index
        .commit(Checkpoint {
            sequence: docs,
            entity_sequence: 0,
        })
        .unwrap();
    index.close().unwrap();

    let config = SearchConfig {
        data_dir,
        storage_url: dead_url().await,
        extraction_url: dead_url().await,
        ..SearchConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
    let shutdown = Shutdown::new();
    let server = tokio::spawn(serve(config, listener, shutdown.clone()));
    let client = SearchServiceClient::connect(url).await.unwrap();
    (dir, client, shutdown, server)
}

async fn stop(shutdown: Shutdown, server: tokio::task::JoinHandle<anyhow::Result<()>>) {
    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shuts down promptly")
        .unwrap()
        .unwrap();
}

/// tonic enforces `grpc-timeout` on the response head only; the export
/// stream must end with DEADLINE_EXCEEDED itself, never look complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_search_ends_at_the_clients_deadline() {
    const DOCS: u64 = 3_000;
    let (_dir, mut client, shutdown, server) = server_with_docs(DOCS).await;
    let export = |timeout: Duration| {
        let mut request = tonic::Request::new(ExportSearchRequest {
            query: "harbour".into(),
            include_body: true,
            ..Default::default()
        });
        request.set_timeout(timeout);
        request
    };

    // In time: every hit, then a clean end.
    let mut stream = client
        .export_search(export(Duration::from_secs(60)))
        .await
        .unwrap()
        .into_inner();
    let mut n = 0;
    while let Some(hit) = stream.message().await.unwrap() {
        assert!(hit.document_id.starts_with("doc"));
        n += 1;
    }
    assert_eq!(n, DOCS);

    // A client that reads slower than its deadline allows.
    let mut stream = client
        .export_search(export(Duration::from_millis(300)))
        .await
        .unwrap()
        .into_inner();
    stream.message().await.unwrap().expect("a first hit");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut got = 1;
    let end = loop {
        match stream.message().await {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("the export ended OK after its deadline, {got} of {DOCS} hits"),
            Err(status) => break status,
        }
    };
    assert_eq!(end.code(), Code::DeadlineExceeded, "{}", end.message());
    assert!(got < DOCS, "{got}");

    // A 1 ms deadline: no hits, or a few, then DEADLINE_EXCEEDED.
    match client.export_search(export(Duration::from_millis(1))).await {
        Err(status) => assert!(
            matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
            "{status:?}"
        ),
        Ok(response) => {
            let mut stream = response.into_inner();
            let end = loop {
                match stream.message().await {
                    Ok(Some(_)) => {}
                    Ok(None) => panic!("a 1 ms export ended OK"),
                    Err(status) => break status,
                }
            };
            assert_eq!(end.code(), Code::DeadlineExceeded, "{}", end.message());
        }
    }

    // The server still answers.
    client
        .search(SearchRequest {
            query: "harbour".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    stop(shutdown, server).await;
}

/// Hostile values in every field that has a domain: unknown enum numbers,
/// impossible timestamps, ids no index could hold. Each is INVALID_ARGUMENT
/// naming the field, with the value cut short.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_values_name_their_field() {
    use dossier_proto::v1 as pb;
    use prost_types::Timestamp;

    let (_dir, mut client, shutdown, server) = server_with_docs(20).await;
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
    let ts = |seconds: i64, nanos: i32| Some(Timestamp { seconds, nanos });
    let searches: Vec<(&str, SearchRequest)> = vec![
        (
            "sort",
            SearchRequest {
                sort: 999,
                ..Default::default()
            },
        ),
        (
            "filter.entity_types",
            SearchRequest {
                filter: filter(&|f| f.entity_types = vec![999]),
                ..Default::default()
            },
        ),
        (
            "filter.entity_types",
            SearchRequest {
                filter: filter(&|f| f.entity_types = vec![0]),
                ..Default::default()
            },
        ),
        (
            "filter.published_after",
            SearchRequest {
                filter: filter(&|f| f.published_after = ts(0, -1)),
                ..Default::default()
            },
        ),
        (
            "filter.published_before",
            SearchRequest {
                filter: filter(&|f| f.published_before = ts(0, 1_000_000_000)),
                ..Default::default()
            },
        ),
        (
            "filter.published_after",
            SearchRequest {
                filter: filter(&|f| f.published_after = ts(i64::MAX, 0)),
                ..Default::default()
            },
        ),
        (
            "filter.published_before",
            SearchRequest {
                filter: filter(&|f| f.published_before = ts(i64::MIN, 0)),
                ..Default::default()
            },
        ),
        (
            "facets.field",
            SearchRequest {
                facets: facet(&|f| f.field = 999),
                ..Default::default()
            },
        ),
        (
            "facets.entity_type",
            SearchRequest {
                facets: facet(&|f| {
                    f.field = pb::FacetField::Entity as i32;
                    f.entity_type = 999
                }),
                ..Default::default()
            },
        ),
        (
            "facets.entity_type",
            SearchRequest {
                facets: facet(&|f| f.entity_type = -5),
                ..Default::default()
            },
        ),
        (
            "facets.interval",
            SearchRequest {
                facets: facet(&|f| {
                    f.field = pb::FacetField::PublishedAt as i32;
                    f.interval = 999
                }),
                ..Default::default()
            },
        ),
        (
            "query",
            SearchRequest {
                query: format!("{}a", "(".repeat(1000)),
                syntax: QuerySyntax::Strict as i32,
                ..Default::default()
            },
        ),
        (
            "query",
            SearchRequest {
                query: format!("{}:x", "f".repeat(4000)),
                syntax: QuerySyntax::Strict as i32,
                ..Default::default()
            },
        ),
    ];
    for (field, request) in searches {
        let err = client.search(request).await.unwrap_err();
        assert_eq!(
            err.code(),
            Code::InvalidArgument,
            "{field}: {}",
            err.message()
        );
        assert!(err.message().contains(field), "{field}: {}", err.message());
        assert!(
            err.message().len() < 1100,
            "{field}: {} bytes",
            err.message().len()
        );
    }

    let long = "x".repeat(10_000);
    let mlt = |id: &str, f: &dyn Fn(&mut pb::MoreLikeThisRequest)| {
        let mut request = pb::MoreLikeThisRequest {
            document_id: id.into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    for (field, request) in [
        ("document_id", mlt("", &|_| {})),
        ("document_id", mlt(&long, &|_| {})),
        (
            "filter.entity_types",
            mlt("doc00001", &|r| {
                r.filter = filter(&|f| f.entity_types = vec![999])
            }),
        ),
        (
            "filter.published_after",
            mlt("doc00001", &|r| {
                r.filter = filter(&|f| f.published_after = ts(0, -1))
            }),
        ),
    ] {
        let err = client.more_like_this(request).await.unwrap_err();
        assert_eq!(
            err.code(),
            Code::InvalidArgument,
            "{field}: {}",
            err.message()
        );
        assert!(err.message().contains(field), "{field}: {}", err.message());
        assert!(
            err.message().len() < 400,
            "{field}: {} bytes",
            err.message().len()
        );
    }
    let similar = client
        .more_like_this(mlt("doc00001", &|r| r.page_size = i32::MAX))
        .await
        .unwrap();
    assert!(!similar.into_inner().hits.is_empty());

    let cooc = |id: &str, f: &dyn Fn(&mut pb::GetCooccurrencesRequest)| {
        let mut request = pb::GetCooccurrencesRequest {
            entity_id: id.into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    for (field, request) in [
        ("entity_id", cooc(&long, &|_| {})),
        ("entity_types", cooc("e1", &|r| r.entity_types = vec![999])),
        (
            "published_before",
            cooc("e1", &|r| r.published_before = ts(0, -1)),
        ),
    ] {
        let err = client.get_cooccurrences(request).await.unwrap_err();
        assert_eq!(
            err.code(),
            Code::InvalidArgument,
            "{field}: {}",
            err.message()
        );
        assert!(err.message().contains(field), "{field}: {}", err.message());
        assert!(
            err.message().len() < 400,
            "{field}: {} bytes",
            err.message().len()
        );
    }
    let missing = client
        .get_cooccurrences(cooc(&"é".repeat(60), &|_| {}))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound, "{}", missing.message());
    stop(shutdown, server).await;
}

/// ListQuotes over gRPC: pages of quotes newest first, and each mistake
/// refused with the field it is about.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_quotes_pages_and_names_the_field_of_each_mistake() {
    use dossier_proto::v1::ListQuotesRequest;
    use prost_types::Timestamp;

    let (_dir, mut client, shutdown, server) = server_with_docs(30).await;
    let request = |f: &dyn Fn(&mut ListQuotesRequest)| {
        let mut request = ListQuotesRequest {
            entity_id: "e1".into(),
            ..Default::default()
        };
        f(&mut request);
        request
    };
    let first = client
        .list_quotes(request(&|r| r.page_size = 0))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.total_quotes, 30);
    assert_eq!(first.quotes.len(), 20, "0 means 20");
    let newest = &first.quotes[0];
    assert_eq!(newest.document_id, "doc00030");
    assert_eq!(newest.title, "Harbour report 30");
    let quote = newest.quote.as_ref().unwrap();
    assert_eq!(quote.text, "Pilots wait for report 30");
    assert_eq!(quote.speaker_entity_id, "e1");
    let rest = client
        .list_quotes(request(&|r| r.page_token = first.next_page_token.clone()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.quotes.len(), 10);
    assert!(rest.next_page_token.is_empty());
    assert_eq!(rest.quotes[9].document_id, "doc00001");
    let direct = client
        .list_quotes(request(&|r| {
            r.direct_only = true;
            r.query = "report".into();
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(direct.total_quotes, 15);
    // The quote's words, not the article's.
    let article_words = client
        .list_quotes(request(&|r| r.query = "ferry".into()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(article_words.total_quotes, 0);

    let at = |seconds| Some(Timestamp { seconds, nanos: 0 });
    for (name, bad, code, field) in [
        (
            "negative page_size",
            request(&|r| r.page_size = -1),
            Code::InvalidArgument,
            "page_size",
        ),
        (
            "forged token",
            request(&|r| r.page_token = "abc".into()),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "another listing's token",
            request(&|r| {
                r.entity_id = "e2".into();
                r.page_token = first.next_page_token.clone();
            }),
            Code::InvalidArgument,
            "page_token",
        ),
        (
            "bounds the wrong way",
            request(&|r| {
                r.published_after = at(20);
                r.published_before = at(10);
            }),
            Code::InvalidArgument,
            "published_after",
        ),
        (
            "nanos out of range",
            request(&|r| {
                r.published_before = Some(Timestamp {
                    seconds: 0,
                    nanos: -1,
                })
            }),
            Code::InvalidArgument,
            "published_before",
        ),
        (
            "control characters in entity_id",
            request(&|r| r.entity_id = "e\u{1}".into()),
            Code::InvalidArgument,
            "entity_id",
        ),
        (
            "query over --max-query-bytes",
            request(&|r| r.query = "x ".repeat(5_000)),
            Code::ResourceExhausted,
            "query",
        ),
    ] {
        let status = client.list_quotes(bad).await.unwrap_err();
        assert_eq!(status.code(), code, "{name}: {}", status.message());
        assert!(
            status.message().contains(field),
            "{name}: {}",
            status.message()
        );
    }
    let huge = client
        .list_quotes(request(&|r| r.page_size = i32::MAX))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(huge.quotes.len(), 30, "lowered to the maximum");
    stop(shutdown, server).await;
}
