//! The storage service through a real tonic client, served in-process on
//! port 0 with a temporary data directory.

mod support;

use std::collections::HashSet;

use dossier_proto::v1 as pb;
use support::{Client, Server, TestStore, article, create, import, import_request};
use tonic::Code;

async fn list(
    client: &mut Client,
    request: pb::ListDocumentsRequest,
) -> Result<pb::ListDocumentsResponse, tonic::Status> {
    client.list_documents(request).await.map(|r| r.into_inner())
}

async fn create_get_list_delete(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;

    let created = create(&mut client, article("gazette", 1), "")
        .await
        .unwrap();
    assert_eq!(created.id.len(), 26);
    assert_eq!(created.sequence, 1);
    assert!(created.create_time.is_some());
    let expected_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!(
            "{}\n{}",
            created.title, created.body
        )))
    };
    assert_eq!(created.content_sha256, expected_hash);

    let got = client
        .get_document(pb::GetDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, created);

    let listed = list(&mut client, Default::default()).await.unwrap();
    assert_eq!(listed.documents, vec![created.clone()]);
    assert!(listed.next_page_token.is_empty());

    client
        .delete_document(pb::DeleteDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap();
    let gone = client
        .get_document(pb::GetDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    assert!(gone.message().contains(&created.id));
    let again = client
        .delete_document(pb::DeleteDocumentRequest {
            id: created.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::NotFound);

    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!((status.last_sequence, status.document_count), (2, 0));
    server.stop().await;
}

async fn list_filters_and_views(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let requests = (0..20)
        .map(|n| {
            import_request(
                article(if n % 2 == 0 { "gazette" } else { "courier" }, n),
                "",
            )
        })
        .collect();
    import(&mut client, requests).await;

    let from_courier = list(
        &mut client,
        pb::ListDocumentsRequest {
            sources: vec!["courier".into()],
            view: pb::DocumentView::Basic.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(from_courier.documents.len(), 10);
    assert!(
        from_courier
            .documents
            .iter()
            .all(|d| d.source == "courier" && d.body.is_empty())
    );

    // Articles n = 4..8 are published at 1_700_000_000 + n hours.
    let window = list(
        &mut client,
        pb::ListDocumentsRequest {
            published_after: Some(prost_types::Timestamp {
                seconds: 1_700_000_000 + 4 * 3600,
                nanos: 0,
            }),
            published_before: Some(prost_types::Timestamp {
                seconds: 1_700_000_000 + 8 * 3600,
                nanos: 0,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let titles: Vec<_> = window.documents.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Council vote 4",
            "Council vote 5",
            "Council vote 6",
            "Council vote 7"
        ]
    );
    assert!(window.documents.iter().all(|d| !d.body.is_empty()));
    server.stop().await;
}

/// Pages through every document and returns the ids in the order seen.
async fn page_through(client: &mut Client, page_size: i32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(
            client,
            pb::ListDocumentsRequest {
                page_size,
                page_token: token.clone(),
                view: pb::DocumentView::Basic.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let expected_max = if page_size == 0 {
            50
        } else {
            usize::try_from(page_size).unwrap()
        };
        assert!(page.documents.len() <= expected_max);
        ids.extend(page.documents.into_iter().map(|d| d.id));
        if page.next_page_token.is_empty() {
            return ids;
        }
        token = page.next_page_token;
    }
}

async fn paging_through_1000_documents_while_writes_go_on(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let requests = (0..1000)
        .map(|n| import_request(article("gazette", n), ""))
        .collect();
    let original: Vec<String> = import(&mut client, requests)
        .await
        .into_iter()
        .map(|r| r.document_id)
        .collect();
    assert_eq!(original.len(), 1000);

    let quiet = page_through(&mut client, 37).await;
    assert_eq!(quiet, original, "every document once, in id order");

    let mut writer = server.client().await;
    let writes = tokio::spawn(async move {
        for n in 1000..1300 {
            create(&mut writer, article("courier", n), "")
                .await
                .unwrap();
        }
    });
    let busy = page_through(&mut client, 50).await;
    writes.await.unwrap();
    let unique: HashSet<&String> = busy.iter().collect();
    assert_eq!(unique.len(), busy.len(), "no document twice");
    assert!(busy.windows(2).all(|w| w[0] < w[1]), "strictly in id order");
    assert_eq!(
        &busy[..1000],
        original.as_slice(),
        "no existing document skipped"
    );
    assert_eq!(page_through(&mut client, 0).await.len(), 1300);
    server.stop().await;
}

async fn paging_limits_and_tokens(store: TestStore) {
    let mut config = store.config();
    config.max_page_size = 5;
    let server = Server::start_with(config).await;
    let mut client = server.client().await;
    import(
        &mut client,
        (0..12)
            .map(|n| import_request(article("gazette", n), ""))
            .collect(),
    )
    .await;

    let big = list(
        &mut client,
        pb::ListDocumentsRequest {
            page_size: 500,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(big.documents.len(), 5, "lowered to --max-page-size");

    let negative = list(
        &mut client,
        pb::ListDocumentsRequest {
            page_size: -1,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(negative.code(), Code::InvalidArgument);
    assert!(negative.message().contains("page_size"));

    let garbled = list(
        &mut client,
        pb::ListDocumentsRequest {
            page_token: "garbage!".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(garbled.code(), Code::InvalidArgument);
    assert!(
        garbled.message().contains("page_token"),
        "{}",
        garbled.message()
    );

    let other_filters = list(
        &mut client,
        pb::ListDocumentsRequest {
            page_token: big.next_page_token.clone(),
            sources: vec!["courier".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(other_filters.code(), Code::InvalidArgument);
    assert!(
        other_filters.message().contains("different filters"),
        "{}",
        other_filters.message()
    );
    server.stop().await;
}

async fn retries_and_duplicates_never_make_a_second_document(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;

    let first = create(&mut client, article("gazette", 1), "req-1")
        .await
        .unwrap();
    let retry = create(&mut client, article("gazette", 1), "req-1")
        .await
        .unwrap();
    assert_eq!(retry, first, "a retry returns the original document");

    let duplicate = create(&mut client, article("gazette", 1), "req-2")
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), Code::AlreadyExists);
    assert!(
        duplicate.message().contains(&first.id),
        "{}",
        duplicate.message()
    );
    let duplicate_retry = create(&mut client, article("gazette", 1), "req-2")
        .await
        .unwrap_err();
    assert_eq!(duplicate_retry.code(), Code::AlreadyExists);

    // The same text from another outlet is its own document.
    let other = create(&mut client, article("courier", 1), "")
        .await
        .unwrap();
    assert_ne!(other.id, first.id);

    client
        .delete_document(pb::DeleteDocumentRequest {
            id: first.id.clone(),
        })
        .await
        .unwrap();
    let replay_of_deleted = create(&mut client, article("gazette", 1), "req-1")
        .await
        .unwrap_err();
    assert_eq!(replay_of_deleted.code(), Code::FailedPrecondition);

    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, 1);
    server.stop().await;
}

async fn every_validation_error_names_its_field(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    type Mutate = fn(&mut pb::Document);
    let cases: &[(Mutate, Code, &str)] = &[
        (
            |d| d.body = "   ".into(),
            Code::InvalidArgument,
            "document.body",
        ),
        (
            |d| d.body = "x".repeat(1_100_000),
            Code::ResourceExhausted,
            "(--max-body-bytes)",
        ),
        (
            |d| d.title = "t".repeat(2000),
            Code::ResourceExhausted,
            "document.title is 2000 bytes; the limit is 1024 (--max-title-bytes)",
        ),
        (
            |d| d.source = "s".repeat(300),
            Code::ResourceExhausted,
            "document.source",
        ),
        (
            |d| d.source = "tab\tsource".into(),
            Code::InvalidArgument,
            "document.source contains a control character",
        ),
        (
            |d| d.url = "u".repeat(3000),
            Code::ResourceExhausted,
            "document.url",
        ),
        (
            |d| d.author = "a".repeat(600),
            Code::ResourceExhausted,
            "document.author",
        ),
        (
            |d| d.labels = vec!["l".into(); 40],
            Code::ResourceExhausted,
            "(--max-labels)",
        ),
        (
            |d| d.labels = vec!["x".repeat(200)],
            Code::ResourceExhausted,
            "document.labels[0]",
        ),
        (
            |d| d.labels = vec!["bell\u{7}".into()],
            Code::InvalidArgument,
            "document.labels[0]",
        ),
        (
            |d| d.language = "en us".into(),
            Code::InvalidArgument,
            "document.language",
        ),
        (
            |d| {
                d.published_at = Some(prost_types::Timestamp {
                    seconds: -7_000_000_000,
                    nanos: 0,
                })
            },
            Code::InvalidArgument,
            "document.published_at",
        ),
        (
            |d| {
                d.published_at = Some(prost_types::Timestamp {
                    seconds: 4_000_000_000,
                    nanos: 0,
                })
            },
            Code::InvalidArgument,
            "document.published_at",
        ),
    ];
    for (mutate, code, needle) in cases {
        let mut doc = article("gazette", 1);
        mutate(&mut doc);
        let err = create(&mut client, doc, "").await.unwrap_err();
        assert_eq!(err.code(), *code, "{needle}: {}", err.message());
        assert!(
            err.message().contains(needle),
            "{needle} not in {:?}",
            err.message()
        );
    }

    let missing = client
        .create_document(pb::CreateDocumentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::InvalidArgument);
    assert!(missing.message().contains("document is required"));

    let long_key = create(&mut client, article("gazette", 1), &"k".repeat(200))
        .await
        .unwrap_err();
    assert_eq!(long_key.code(), Code::ResourceExhausted);
    assert!(long_key.message().contains("request_id"));

    let bad_id = client
        .get_document(pb::GetDocumentRequest { id: "nope".into() })
        .await
        .unwrap_err();
    assert_eq!(bad_id.code(), Code::InvalidArgument);
    assert!(bad_id.message().contains("id \"nope\""));

    // Far beyond any limit: refused by the transport's size check before it
    // is buffered, still with a status naming the size and the limit rather
    // than a broken connection (tonic 0.14 reports it as OUT_OF_RANGE).
    let mut huge = article("gazette", 1);
    huge.body = "x".repeat(3_000_000);
    let err = create(&mut client, huge, "").await.unwrap_err();
    assert!(
        matches!(err.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{err:?}"
    );
    assert!(err.message().contains("limit"), "{}", err.message());

    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, 0, "nothing invalid was stored");
    server.stop().await;
}

async fn import_answers_in_order_and_survives_rejections(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let mut empty = article("gazette", 3);
    empty.body = String::new();
    let mut oversized = article("gazette", 4);
    oversized.title = "t".repeat(5000);
    let requests = vec![
        import_request(article("gazette", 1), "a"),
        import_request(article("gazette", 1), "b"),
        import_request(empty, "c"),
        import_request(article("gazette", 2), "d"),
        import_request(article("gazette", 99), "a"),
        import_request(oversized, "e"),
        import_request(article("gazette", 5), ""),
    ];
    let responses = import(&mut client, requests).await;
    let ids: Vec<&str> = responses.iter().map(|r| r.request_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "a", "e", ""]);
    use pb::ImportOutcome::{Created, Duplicate, Rejected};
    let outcomes: Vec<_> = responses
        .iter()
        .map(|r| (r.outcome(), r.replayed))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Created, false),
            (Duplicate, false),
            (Rejected, false),
            (Created, false),
            (Created, true),
            (Rejected, false),
            (Created, false)
        ]
    );
    assert_eq!(responses[1].document_id, responses[0].document_id);
    assert_eq!(responses[1].sequence, responses[0].sequence);
    assert_eq!(responses[4].document_id, responses[0].document_id);
    assert_eq!(responses[2].code, Code::InvalidArgument as i32);
    assert!(responses[2].reason.contains("document.body"));
    assert_eq!(responses[5].code, Code::ResourceExhausted as i32);
    assert!(responses[5].reason.contains("--max-title-bytes"));
    assert_eq!(responses[6].sequence, 3);

    // Replaying a whole batch creates nothing new.
    let replay = import(
        &mut client,
        vec![import_request(article("gazette", 2), "d")],
    )
    .await;
    assert!(replay[0].replayed);
    assert_eq!(replay[0].document_id, responses[3].document_id);
    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, 3);
    server.stop().await;
}

/// A status a client can act on: short enough to fit the HTTP/2 headers it
/// travels in (with its details), so the code is the server's, not a
/// transport INTERNAL.
fn assert_short(status: &tonic::Status, code: Code, needle: &str) {
    assert_eq!(status.code(), code, "{needle}: {status:?}");
    assert!(
        status.message().contains(needle),
        "{needle} not in {:?}",
        status.message()
    );
    assert!(
        status.message().len() < 1100 && status.details().len() < 2400,
        "status of {} + {} bytes",
        status.message().len(),
        status.details().len()
    );
}

async fn hostile_values_get_short_clear_statuses(store: TestStore) {
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let huge = "A".repeat(10_000);
    let get = |id: &str| pb::GetDocumentRequest { id: id.into() };
    let err = client.get_document(get(&huge)).await.unwrap_err();
    assert_short(&err, Code::InvalidArgument, "is 10000 bytes");
    assert!(err.message().contains("… (10000 bytes in all)"), "{err:?}");
    let delete = pb::DeleteDocumentRequest { id: huge.clone() };
    let err = client.delete_document(delete).await.unwrap_err();
    assert_short(&err, Code::InvalidArgument, "is 10000 bytes");
    for bad in [
        "\u{0}".repeat(26),
        "\u{1b}[31m".repeat(5000),
        "é".repeat(13),
    ] {
        let err = client.get_document(get(&bad)).await.unwrap_err();
        assert_short(&err, Code::InvalidArgument, "document id");
    }

    type Mutate<'a> = Box<dyn Fn(&mut pb::Document) + 'a>;
    let long = "\u{7}é\u{0}".repeat(4000);
    let cases: Vec<(&str, Mutate<'_>)> = vec![
        (
            "document.title",
            Box::new(|d| d.title = "\u{0}".repeat(10_000)),
        ),
        ("document.source", Box::new(|d| d.source = huge.clone())),
        ("document.source", Box::new(|d| d.source = "a\u{0}b".into())),
        ("document.url", Box::new(|d| d.url = long.clone())),
        ("document.author", Box::new(|d| d.author = long.clone())),
        ("document.language", Box::new(|d| d.language = long.clone())),
        (
            "document.language",
            Box::new(|d| d.language = "e\u{0}".into()),
        ),
        (
            "document.labels[0]",
            Box::new(|d| d.labels = vec![long.clone()]),
        ),
        (
            "document.labels[1]",
            Box::new(|d| d.labels = vec!["a".into(), "\u{0}".into()]),
        ),
        (
            "document.labels",
            Box::new(|d| d.labels = vec!["a".into(); 10_000]),
        ),
    ];
    for (field, mutate) in &cases {
        let mut doc = article("gazette", 1);
        mutate(&mut doc);
        let err = create(&mut client, doc, "").await.unwrap_err();
        assert!(
            matches!(err.code(), Code::InvalidArgument | Code::ResourceExhausted),
            "{field}: {err:?}"
        );
        assert_short(&err, err.code(), field);
    }
    let err = create(&mut client, article("gazette", 1), &long)
        .await
        .unwrap_err();
    assert_short(&err, Code::ResourceExhausted, "request_id is 16000 bytes");
    let err = create(&mut client, article("gazette", 1), "key\u{0}")
        .await
        .unwrap_err();
    assert_short(
        &err,
        Code::InvalidArgument,
        "request_id contains a control character",
    );

    let listing = pb::ListDocumentsRequest {
        page_token: huge.clone(),
        ..Default::default()
    };
    let err = client.list_documents(listing).await.unwrap_err();
    assert_short(&err, Code::InvalidArgument, "page_token");
    let listing = pb::ListDocumentsRequest {
        view: 99,
        ..Default::default()
    };
    let err = client.list_documents(listing).await.unwrap_err();
    assert_short(&err, Code::InvalidArgument, "view 99");
    let listing = pb::ListDocumentsRequest {
        sources: vec![huge.clone()],
        ..Default::default()
    };
    let listed = client.list_documents(listing).await.unwrap().into_inner();
    assert!(listed.documents.is_empty());
    let listing = pb::ListDocumentsRequest {
        sources: vec!["gazette".into(), "\u{0}".into()],
        ..Default::default()
    };
    let err = client.list_documents(listing).await.unwrap_err();
    assert_short(
        &err,
        Code::InvalidArgument,
        "sources[1] contains a control character",
    );

    // The same values on an import stream are rejected one by one, with
    // short reasons, and the stream goes on.
    let mut requests: Vec<pb::ImportDocumentsRequest> = cases
        .iter()
        .map(|(_, mutate)| {
            let mut doc = article("gazette", 1);
            mutate(&mut doc);
            import_request(doc, "")
        })
        .collect();
    requests.push(import_request(article("gazette", 2), ""));
    let responses = import(&mut client, requests).await;
    assert_eq!(responses.len(), cases.len() + 1);
    for (response, (field, _)) in responses.iter().zip(&cases) {
        assert_eq!(response.outcome(), pb::ImportOutcome::Rejected, "{field}");
        assert!(response.reason.contains(field), "{response:?}");
        assert!(response.reason.len() < 1100, "{}", response.reason.len());
    }
    assert_eq!(responses[cases.len()].outcome(), pb::ImportOutcome::Created);
    server.stop().await;
}

/// Raw protobuf bytes over gRPC, to send what the generated client cannot:
/// a string field that is not UTF-8.
mod raw {
    pub use dossier_kit::testing::field;
    use tonic::Status;

    /// Calls `method` of DocumentService with `body` as the request.
    pub async fn call(url: &str, method: &str, body: Vec<u8>) -> Result<Vec<u8>, Status> {
        let channel = tonic::transport::Endpoint::from_shared(url.to_string())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let path = format!("/dossier.v1.DocumentService/{method}");
        dossier_kit::testing::unary(channel, &path, body).await
    }
}

async fn invalid_utf8_is_refused_and_the_server_survives(store: TestStore) {
    let server = Server::start(&store).await;
    let not_utf8: &[u8] = b"caf\xe9 \xff\xfe \x00";
    let err = raw::call(&server.url, "GetDocument", raw::field(1, not_utf8))
        .await
        .unwrap_err();
    // Protobuf parse failures are INTERNAL by the gRPC status-code spec
    // (tonic's decoder); the message names the field and the cause.
    assert_short(&err, Code::Internal, "UTF-8");
    assert!(err.message().contains("GetDocumentRequest.id"), "{err:?}");
    let mut doc = raw::field(2, not_utf8); // title
    doc.extend(raw::field(3, b"The harbour reopened.")); // body
    let err = raw::call(&server.url, "CreateDocument", raw::field(1, &doc))
        .await
        .unwrap_err();
    assert_short(&err, Code::Internal, "Document.title");
    let err = raw::call(&server.url, "CreateDocument", vec![0xff; 64])
        .await
        .unwrap_err();
    assert_short(&err, Code::Internal, "failed to decode");

    // Still serving, and nothing was stored.
    let mut client = server.client().await;
    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, 0);
    create(&mut client, article("gazette", 1), "")
        .await
        .unwrap();
    server.stop().await;
}

crate::backend_tests!(
    hostile_values_get_short_clear_statuses,
    invalid_utf8_is_refused_and_the_server_survives,
    create_get_list_delete,
    list_filters_and_views,
    paging_through_1000_documents_while_writes_go_on,
    paging_limits_and_tokens,
    retries_and_duplicates_never_make_a_second_document,
    every_validation_error_names_its_field,
    import_answers_in_order_and_survives_rejections,
);
