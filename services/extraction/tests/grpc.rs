//! ExtractionService in-process with a real tonic client: recognition,
//! offsets in every encoding, BatchExtract ordering, limits and error codes,
//! model info. Registry, curation and stream tests are in `grpc_registry.rs`.

mod support;

use dossier_proto::v1 as pb;
use support::*;
use tonic::Code;

#[tokio::test]
async fn extract_finds_names_and_values() {
    require_model();
    let mut s = Server::start().await;
    let resp = extract(&mut s.client, request(NEWS)).await;
    let got = found(&resp);
    for (text, ty) in [
        ("Ann Kowalski", pb::EntityType::Person),
        ("Poland", pb::EntityType::Gpe),
        ("Siemens", pb::EntityType::Org),
        ("Berlin", pb::EntityType::Gpe),
        ("Warsaw", pb::EntityType::Gpe),
        ("$2.3 billion", pb::EntityType::Money),
        ("4 percent", pb::EntityType::Percent),
    ] {
        assert!(
            got.contains(&(text.to_string(), ty)),
            "{text} {ty:?} not in {got:?}"
        );
    }
    assert!(
        got.iter()
            .any(|(t, ty)| t.starts_with("March 3") && *ty == pb::EntityType::Date),
        "no DATE in {got:?}"
    );
    let money = mention_of(&resp, "$2.3 billion");
    assert_eq!(money.normalized_value, "2300000000 USD");
    assert!(resp.token_count > 30);
    // Without a document id nothing is recorded, so nothing is linked.
    assert!(resp.mentions.iter().all(|m| m.entity_id.is_empty()));
    let list = s
        .client
        .list_entities(pb::ListEntitiesRequest::default())
        .await
        .unwrap();
    assert!(
        list.into_inner().entities.is_empty(),
        "Extract without document_id changed the registry"
    );

    // Relative dates resolve against published_at (2024-03-06 was a Wednesday).
    let dated = pb::ExtractRequest {
        published_at: Some(prost_types::Timestamp {
            seconds: 1_709_683_200,
            nanos: 0,
        }),
        ..request("The minister resigned on Tuesday.")
    };
    let resp = extract(&mut s.client, dated).await;
    assert_eq!(mention_of(&resp, "Tuesday").normalized_value, "2024-03-05");

    let only_people = pb::ExtractRequest {
        types: vec![pb::EntityType::Person as i32],
        ..request(NEWS)
    };
    let resp = extract(&mut s.client, only_people).await;
    assert!(!resp.mentions.is_empty());
    assert!(
        resp.mentions
            .iter()
            .all(|m| m.r#type() == pb::EntityType::Person)
    );
    s.stop().await;
}

#[tokio::test]
async fn offsets_in_every_encoding() {
    require_model();
    let mut s = Server::start().await;
    let text = "👋 Привет, 北京! Angela Merkel visited Paris on Tuesday and paid €5 million 🎉.";
    for enc in [
        pb::OffsetEncoding::Unspecified,
        pb::OffsetEncoding::Utf8,
        pb::OffsetEncoding::Utf16,
        pb::OffsetEncoding::Utf32,
    ] {
        let req = pb::ExtractRequest {
            offset_encoding: enc as i32,
            ..request(text)
        };
        let resp = extract(&mut s.client, req).await;
        let names: Vec<&str> = resp.mentions.iter().map(|m| m.text.as_str()).collect();
        for want in ["Angela Merkel", "Paris", "€5 million"] {
            assert!(names.contains(&want), "{want} not in {names:?}");
        }
        for m in &resp.mentions {
            let (a, b) = (m.start as usize, m.end as usize);
            let sliced = match enc {
                pb::OffsetEncoding::Utf16 => {
                    let units: Vec<u16> = text.encode_utf16().collect();
                    String::from_utf16(&units[a..b]).unwrap()
                }
                pb::OffsetEncoding::Utf32 => text.chars().skip(a).take(b - a).collect(),
                _ => text[a..b].to_string(),
            };
            assert_eq!(sliced, m.text, "{enc:?} offsets of {m:?}");
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn batch_extract_answers_in_order() {
    require_model();
    let mut s = Server::start_with(|c| c.batch_read_ahead = 4).await;
    let places = [
        "Paris", "Madrid", "Lisbon", "Vienna", "Oslo", "Prague", "Dublin", "Athens",
    ];
    let reqs: Vec<pb::ExtractRequest> = (0..24)
        .map(|i| {
            let place = places[i % places.len()];
            let filler = "The talks went on. ".repeat(i * 7 % 40);
            pb::ExtractRequest {
                request_id: format!("r{i}"),
                ..in_doc(
                    &format!("{filler}Officials met in {place} on Monday."),
                    &format!("doc-{i}"),
                )
            }
        })
        .collect();
    let resp = s
        .client
        .batch_extract(tokio_stream::iter(reqs))
        .await
        .unwrap();
    let mut stream = resp.into_inner();
    let mut i = 0;
    while let Some(r) = stream.message().await.unwrap() {
        assert_eq!(r.request_id, format!("r{i}"));
        assert_eq!(r.document_id, format!("doc-{i}"));
        let place = places[i % places.len()];
        assert!(
            r.mentions.iter().any(|m| m.text == place),
            "{place} in {:?}",
            found(&r)
        );
        i += 1;
    }
    assert_eq!(i, 24);

    // A bad request ends the stream with its code, after the earlier answers.
    let reqs = vec![
        request("Officials met in Oslo."),
        pb::ExtractRequest {
            offset_encoding: 42,
            ..request("x")
        },
        request("never answered"),
    ];
    let mut stream = s
        .client
        .batch_extract(tokio_stream::iter(reqs))
        .await
        .unwrap()
        .into_inner();
    assert!(stream.message().await.unwrap().is_some());
    let err = stream.message().await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    s.stop().await;
}

#[tokio::test]
async fn bad_inputs_get_clear_codes() {
    require_model();
    let mut s = Server::start_with(|c| c.max_text_bytes = 1_000).await;
    let code = |r: Result<tonic::Response<pb::ExtractResponse>, tonic::Status>| r.unwrap_err();

    let e = code(
        s.client
            .extract(pb::ExtractRequest {
                offset_encoding: 7,
                ..request("Oslo")
            })
            .await,
    );
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("offset_encoding"), "{}", e.message());

    let e = code(
        s.client
            .extract(pb::ExtractRequest {
                types: vec![99],
                ..request("Oslo")
            })
            .await,
    );
    assert_eq!(e.code(), Code::InvalidArgument);

    let e = code(s.client.extract(request(&"word ".repeat(300))).await);
    assert_eq!(e.code(), Code::ResourceExhausted);
    assert!(
        e.message().contains("1000") && e.message().contains("--max-text-bytes"),
        "{}",
        e.message()
    );

    let e = code(s.client.extract(in_doc("Oslo", &"d".repeat(600))).await);
    assert_eq!(e.code(), Code::InvalidArgument);

    let empty = extract(&mut s.client, in_doc("", "empty")).await;
    assert!(empty.mentions.is_empty() && empty.entities.is_empty());
    assert_eq!(empty.document_id, "empty");

    let get = |id: &str| pb::GetEntityRequest { id: id.into() };
    assert_eq!(
        s.client.get_entity(get("")).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(
        s.client.get_entity(get("nope")).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    assert_eq!(
        s.client
            .get_entity(get("ent_0000009999"))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );

    let undo = |id: &str| pb::UndoCurationRequest {
        curation_id: id.into(),
    };
    assert_eq!(
        s.client
            .undo_curation(undo("cur_0000000999"))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    assert_eq!(
        s.client.undo_curation(undo("x")).await.unwrap_err().code(),
        Code::InvalidArgument
    );

    let merge = pb::MergeEntitiesRequest {
        entity_ids: vec!["ent_0000000001".into()],
        ..Default::default()
    };
    let e = s.client.merge_entities(merge).await.unwrap_err();
    assert!(
        matches!(e.code(), Code::InvalidArgument | Code::NotFound),
        "{e:?}"
    );

    let list = pb::ListEntitiesRequest {
        page_size: -1,
        ..Default::default()
    };
    assert_eq!(
        s.client.list_entities(list).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let list = pb::ListEntitiesRequest {
        page_token: "garbage".into(),
        ..Default::default()
    };
    assert_eq!(
        s.client.list_entities(list).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let forget = pb::ForgetDocumentRequest::default();
    assert_eq!(
        s.client.forget_document(forget).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    s.stop().await;
}

#[tokio::test]
async fn model_info_describes_the_committed_model() {
    require_model();
    let mut s = Server::start().await;
    let info = s
        .client
        .get_model_info(pb::GetModelInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(info.version.starts_with("ner-perceptron-"), "{info:?}");
    assert_eq!(info.training_data_sha256.len(), 64);
    assert!(info.dev_f1 >= 88.0, "dev F1 {}", info.dev_f1);
    for t in ["PER", "LOC", "ORG", "MISC"] {
        assert!(info.dev_f1_by_type.contains_key(t), "{t} missing: {info:?}");
    }
    assert_eq!(info.types.len(), 14);
    assert_eq!(info.tagged_languages, ["en"]);
    s.stop().await;
}

/// The language gate: German text is not read by the English tagger, so
/// its capitalised nouns never become PERSON entities in the registry;
/// English (however the tag is spelled) and unknown are read as before.
#[tokio::test]
async fn only_tagged_languages_are_read() {
    require_model();
    let mut s = Server::start().await;
    let german = "Am Dienstag beginnt der Staatsbesuch in der Hauptstadt. \
                  Die Bundesregierung erwartet Gespräche über Handel und Sicherheit.";
    for language in ["de", "de-CH"] {
        let r = extract(
            &mut s.client,
            pb::ExtractRequest {
                language: language.into(),
                ..in_doc(german, &format!("de-{language}"))
            },
        )
        .await;
        assert!(r.mentions.is_empty(), "{language}: {:?}", found(&r));
        assert_eq!(r.token_count, 0);
    }
    let listed = s
        .client
        .list_entities(pb::ListEntitiesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(listed.entities.is_empty(), "{:?}", listed.entities);
    for language in ["", "en", "en-GB", "und"] {
        let r = extract(
            &mut s.client,
            pb::ExtractRequest {
                language: language.into(),
                ..request(NEWS)
            },
        )
        .await;
        assert!(
            found(&r).contains(&("Ann Kowalski".into(), pb::EntityType::Person)),
            "{language:?}: {:?}",
            found(&r)
        );
    }
    let too_long = s
        .client
        .extract(pb::ExtractRequest {
            language: "x".repeat(600),
            ..request(NEWS)
        })
        .await
        .unwrap_err();
    assert_eq!(too_long.code(), tonic::Code::InvalidArgument);
    s.stop().await;
}

/// Reads `stream` to its end: the answers, then the status it ended with
/// (`None` for OK). Fails if it does not end within 60 s.
async fn drain(
    stream: &mut tonic::Streaming<pb::ExtractResponse>,
) -> (usize, Option<tonic::Status>) {
    let read = async {
        let mut answered = 0;
        loop {
            match stream.message().await {
                Ok(Some(_)) => answered += 1,
                Ok(None) => return (answered, None),
                Err(status) => return (answered, Some(status)),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .expect("the stream ends (at the deadline), rather than never")
}

#[tokio::test]
async fn batch_extract_stops_at_the_clients_deadline() {
    use std::time::Duration;
    require_model();
    let mut s = Server::start().await;

    // A client that keeps sending, one text every 20 ms, and never closes
    // its side: the deadline alone must end the call.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let feeder = tokio::spawn(async move {
        let mut sent = 0;
        while tx.send(request("Officials met in Oslo.")).await.is_ok() {
            sent += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sent
    });
    let mut call = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    call.set_timeout(Duration::from_millis(1500));
    let mut stream = s.client.batch_extract(call).await.unwrap().into_inner();
    let (answered, status) = drain(&mut stream).await;
    let status = status.expect("the stream ends with a status, not OK");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("grpc-timeout"), "{status:?}");
    // The server stopped reading: the client's sends start failing.
    let sent = tokio::time::timeout(Duration::from_secs(30), feeder)
        .await
        .expect("the server closes the request stream after the deadline")
        .unwrap();
    assert!(sent >= answered, "{sent} sent, {answered} answered");

    // A client that sends nothing at all.
    let (_idle_tx, idle_rx) = tokio::sync::mpsc::channel::<pb::ExtractRequest>(1);
    let mut call = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(idle_rx));
    call.set_timeout(Duration::from_millis(300));
    let mut stream = s.client.batch_extract(call).await.unwrap().into_inner();
    let (answered, status) = drain(&mut stream).await;
    assert_eq!(answered, 0);
    assert_eq!(status.unwrap().code(), Code::DeadlineExceeded);

    // Without a deadline nothing changes, and the server is still serving.
    let mut stream = s
        .client
        .batch_extract(tokio_stream::iter(vec![
            request("Paris."),
            request("Oslo."),
        ]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(drain(&mut stream).await.0, 2);
    s.stop().await;
}

#[tokio::test]
async fn an_extract_past_its_deadline_records_nothing() {
    use std::time::Duration;
    require_model();
    let mut s = Server::start().await;
    // Seconds of work in a test build; the deadline passes long before.
    let text = NEWS.repeat(400_000 / NEWS.len());
    let mut call = tonic::Request::new(in_doc(&text, "late-doc"));
    call.set_timeout(Duration::from_millis(300));
    let err = s.client.extract(call).await.unwrap_err();
    // tonic's own client enforces the deadline too (CANCELLED, "Timeout
    // expired"); other clients get the server's DEADLINE_EXCEEDED.
    assert!(
        matches!(err.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{err:?}"
    );
    // Twice the text without a deadline, started after: by the time it is
    // answered, the late one's analysis is long over, and it must not have
    // been recorded in the registry.
    let resp = extract(&mut s.client, in_doc(&text.repeat(2), "timely-doc")).await;
    assert!(resp.mentions.iter().any(|m| !m.entity_id.is_empty()));
    let list = s
        .client
        .list_entities(pb::ListEntitiesRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let documents: std::collections::BTreeSet<&str> = list
        .entities
        .iter()
        .flat_map(|e| &e.aliases)
        .flat_map(|a| &a.document_ids)
        .map(String::as_str)
        .collect();
    assert!(documents.contains("timely-doc"), "{documents:?}");
    assert!(!documents.contains("late-doc"), "{documents:?}");
    s.stop().await;
}

#[tokio::test]
async fn hostile_texts_and_fields_get_clear_statuses() {
    require_model();
    let mut s = Server::start_with(|c| c.max_text_bytes = 100_000).await;

    // Control characters and NUL bytes are text like any other: offsets
    // still slice the mentions.
    let text = "\u{0}\u{1}Angela\u{0}Merkel visited \u{7}Paris\u{1b}[0m on Tuesday.\r\n\u{feff}";
    for enc in [pb::OffsetEncoding::Utf8, pb::OffsetEncoding::Utf16] {
        let req = pb::ExtractRequest {
            offset_encoding: enc as i32,
            ..request(text)
        };
        let resp = extract(&mut s.client, req).await;
        assert!(resp.mentions.iter().any(|m| m.text == "Paris"), "{resp:?}");
        for m in &resp.mentions {
            let (a, b) = (m.start as usize, m.end as usize);
            let sliced = match enc {
                pb::OffsetEncoding::Utf16 => {
                    let units: Vec<u16> = text.encode_utf16().collect();
                    String::from_utf16(&units[a..b]).unwrap()
                }
                _ => text[a..b].to_string(),
            };
            assert_eq!(sliced, m.text);
        }
    }

    // 10 MB: over the limit, refused naming it, on both RPCs.
    let huge = "Paris ".repeat(10 * 1024 * 1024 / 6);
    let err = s.client.extract(request(&huge)).await.unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    assert!(
        err.message().contains("100000 bytes (--max-text-bytes)"),
        "{}",
        err.message()
    );
    let mut stream = s
        .client
        .batch_extract(tokio_stream::iter(vec![request("Oslo."), request(&huge)]))
        .await
        .unwrap()
        .into_inner();
    let (answered, status) = drain(&mut stream).await;
    assert_eq!(answered, 1);
    let status = status.unwrap();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("100000 bytes (--max-text-bytes)"),
        "{status:?}"
    );
    // Just over the limit but under the transport's: our own message.
    let err = s
        .client
        .extract(request(&"x".repeat(100_001)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);
    assert!(
        err.message().contains("100000 bytes (--max-text-bytes)"),
        "{err:?}"
    );

    // Unknown enum values, on both RPCs.
    for bad in [
        pb::ExtractRequest {
            offset_encoding: 4,
            ..request("Oslo")
        },
        pb::ExtractRequest {
            offset_encoding: -1,
            ..request("Oslo")
        },
        pb::ExtractRequest {
            types: vec![pb::EntityType::Person as i32, 1000],
            ..request("Oslo")
        },
    ] {
        let err = s.client.extract(bad.clone()).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
        let mut stream = s
            .client
            .batch_extract(tokio_stream::iter(vec![bad]))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            drain(&mut stream).await.1.unwrap().code(),
            Code::InvalidArgument
        );
    }

    // Ids far beyond any limit get a short status, not a header overflow.
    let long_id = "ent_".to_string() + &"9".repeat(10_000);
    for err in [
        s.client
            .get_entity(pb::GetEntityRequest {
                id: long_id.clone(),
            })
            .await
            .unwrap_err(),
        s.client
            .undo_curation(pb::UndoCurationRequest {
                curation_id: long_id.clone(),
            })
            .await
            .unwrap_err(),
        s.client
            .merge_entities(pb::MergeEntitiesRequest {
                entity_ids: vec![long_id.clone(), long_id.clone()],
                ..Default::default()
            })
            .await
            .unwrap_err(),
        s.client
            .extract(in_doc("Oslo", &long_id))
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(err.code(), Code::InvalidArgument | Code::NotFound),
            "{err:?}"
        );
        assert!(err.message().len() < 1100, "{}", err.message().len());
    }
    s.stop().await;
}

/// Raw protobuf bytes over gRPC, to send what the generated client cannot:
/// a text that is not UTF-8.
mod raw {
    use dossier_kit::testing;
    use tonic::Status;
    use tonic::transport::Channel;

    /// An ExtractRequest whose `text` (field 1) holds `bytes` as they are.
    pub fn extract_request(bytes: &[u8]) -> Vec<u8> {
        testing::field(1, bytes)
    }

    async fn channel(url: &str) -> Channel {
        tonic::transport::Endpoint::from_shared(url.to_string())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    fn path(method: &str) -> String {
        format!("/dossier.v1.ExtractionService/{method}")
    }

    pub async fn extract(url: &str, body: Vec<u8>) -> Result<Vec<u8>, Status> {
        testing::unary(channel(url).await, &path("Extract"), body).await
    }

    /// BatchExtract of `bodies`: the answers, then the final status.
    pub async fn batch_extract(url: &str, bodies: Vec<Vec<u8>>) -> (usize, Option<Status>) {
        let mut stream = testing::streaming(channel(url).await, &path("BatchExtract"), bodies)
            .await
            .unwrap();
        let mut answered = 0;
        loop {
            match stream.message().await {
                Ok(Some(_)) => answered += 1,
                Ok(None) => return (answered, None),
                Err(status) => return (answered, Some(status)),
            }
        }
    }
}

#[tokio::test]
async fn a_text_that_is_not_utf8_is_refused_and_the_server_survives() {
    require_model();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = dossier_kit::listen::client_url(listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let config = dossier_extraction::ExtractionConfig {
        data_dir: dir.path().join("extraction"),
        ..Default::default()
    };
    let shutdown = dossier_kit::Shutdown::new();
    let server = tokio::spawn(dossier_extraction::serve(
        config,
        listener,
        shutdown.clone(),
    ));

    let not_utf8: &[u8] = b"Angela Merkel visited Par\xe9s \xff\xfe\x00 on Tuesday.";
    let err = raw::extract(&url, raw::extract_request(not_utf8))
        .await
        .unwrap_err();
    // Protobuf parse failures are INTERNAL by the gRPC status-code spec
    // (tonic's decoder); the message names the field and the cause.
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    assert!(
        err.message().contains("ExtractRequest.text") && err.message().contains("UTF-8"),
        "{err:?}"
    );
    let err = raw::extract(&url, vec![0xff; 32]).await.unwrap_err();
    assert_eq!(err.code(), Code::Internal, "{err:?}");
    assert!(err.message().contains("failed to decode"), "{err:?}");

    // On a stream: the good text before it is answered, then the status.
    let good = raw::extract_request(b"Officials met in Oslo.");
    let (answered, status) = raw::batch_extract(
        &url,
        vec![good.clone(), raw::extract_request(not_utf8), good],
    )
    .await;
    assert_eq!(answered, 1);
    let status = status.unwrap();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert!(status.message().contains("UTF-8"), "{status:?}");

    // Still serving.
    let mut client =
        dossier_proto::v1::extraction_service_client::ExtractionServiceClient::connect(url)
            .await
            .unwrap();
    let resp = extract(&mut client, request("Angela Merkel visited Paris.")).await;
    assert!(resp.mentions.iter().any(|m| m.text == "Paris"));
    shutdown.trigger();
    server.await.unwrap().unwrap();
}
