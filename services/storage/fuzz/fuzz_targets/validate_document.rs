//! Any document, request_id and document id through storage's validation,
//! under arbitrary limits and clock: no panic, and
//! - an accepted document keeps every field as sent and is within every
//!   limit (a non-blank body, sizes, no control characters in source and
//!   labels, published_at in range);
//! - a refused one gets a message that names the field and stays short
//!   (a status message travels in an HTTP/2 header), however long the value;
//! - an accepted document id is a canonical ULID that round-trips.

#![no_main]

use dossier_proto::v1 as pb;
use dossier_storage::Limits;
use dossier_storage::model::Timestamp;
use dossier_storage::validation::{
    MAX_ECHO_CHARS, echo, parse_document_id, validate_document, validate_request_id,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Longest message a refusal may carry: the echoed value plus the words.
const MAX_MESSAGE_BYTES: usize = 1024;

/// Small limits most of the time, so both sides of each are reached.
fn limit(u: &mut Unstructured<'_>) -> Result<usize> {
    Ok(if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        u.int_in_range(0..=64)?
    })
}

fn limits(u: &mut Unstructured<'_>) -> Result<Limits> {
    Ok(Limits {
        max_body_bytes: limit(u)?,
        max_html_bytes: limit(u)?,
        max_title_bytes: limit(u)?,
        max_labels: limit(u)?,
        max_label_bytes: limit(u)?,
        max_source_bytes: limit(u)?,
        max_url_bytes: limit(u)?,
        max_author_bytes: limit(u)?,
        max_language_bytes: limit(u)?,
        max_request_id_bytes: limit(u)?,
    })
}

fn document(u: &mut Unstructured<'_>) -> Result<pb::Document> {
    Ok(pb::Document {
        id: u.arbitrary()?,
        title: u.arbitrary()?,
        body: u.arbitrary()?,
        source: u.arbitrary()?,
        url: u.arbitrary()?,
        author: u.arbitrary()?,
        published_at: if u.arbitrary()? {
            Some(prost_types::Timestamp {
                seconds: u.arbitrary()?,
                nanos: u.arbitrary()?,
            })
        } else {
            None
        },
        language: u.arbitrary()?,
        labels: u.arbitrary()?,
        content_sha256: u.arbitrary()?,
        create_time: None,
        sequence: u.arbitrary()?,
        content_type: if u.arbitrary()? {
            u.arbitrary()?
        } else {
            ["", "text/plain", "text/html; charset=utf-8"][u.int_in_range(0..=2)?].into()
        },
        text: u.arbitrary()?,
        text_version: u.arbitrary()?,
        text_empty: u.arbitrary()?,
    })
}

fn no_control(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn check_message(message: &str, field: &str) {
    assert!(
        message.len() <= MAX_MESSAGE_BYTES,
        "a {}-byte message for {field}",
        message.len()
    );
    assert!(message.contains(field), "{message:?} does not name {field}");
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let limits = limits(u)?;
    let now = Timestamp(u.arbitrary()?);
    let doc = document(u)?;
    let present: bool = u.arbitrary()?;
    match validate_document(present.then_some(&doc), &limits, now) {
        Ok(fields) => {
            assert!(present);
            assert_eq!(fields.title, doc.title);
            assert_eq!(fields.body, doc.body);
            assert_eq!(fields.source, doc.source);
            assert_eq!(fields.url, doc.url);
            assert_eq!(fields.author, doc.author);
            assert_eq!(fields.language, doc.language);
            assert_eq!(fields.labels, doc.labels);
            assert!(!fields.body.trim().is_empty());
            let max_body = match fields.content_type {
                dossier_storage::model::ContentType::Html => limits.max_html_bytes,
                dossier_storage::model::ContentType::PlainText => limits.max_body_bytes,
            };
            assert!(fields.body.len() <= max_body);
            assert!(fields.title.len() <= limits.max_title_bytes);
            assert!(fields.source.len() <= limits.max_source_bytes);
            assert!(fields.url.len() <= limits.max_url_bytes);
            assert!(fields.author.len() <= limits.max_author_bytes);
            assert!(fields.language.len() <= limits.max_language_bytes);
            assert!(no_control(&fields.source));
            assert!(fields.labels.len() <= limits.max_labels);
            for label in &fields.labels {
                assert!(label.len() <= limits.max_label_bytes);
                assert!(no_control(label) && !label.trim().is_empty());
            }
            assert_eq!(fields.published_at.is_some(), doc.published_at.is_some());
        }
        Err(violation) => check_message(&violation.message, &violation.field),
    }

    let request_id: String = u.arbitrary()?;
    if let Err(violation) = validate_request_id(&request_id, &limits) {
        check_message(&violation.message, "request_id");
    }

    let id: String = u.arbitrary()?;
    match parse_document_id("id", &id) {
        Ok(ulid) => assert!(
            ulid.to_string().eq_ignore_ascii_case(&id),
            "{id:?} -> {ulid}"
        ),
        Err(violation) => check_message(&violation.message, "id"),
    }

    let echoed = echo(&id);
    assert!(
        echoed.chars().count() <= MAX_ECHO_CHARS * 10 + 40,
        "{echoed:?}"
    );
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
