//! Checks a client's document against the limits before anything is stored.
//! Every message names the field and, for sizes, the limit and the flag that
//! sets it, so the caller (or operator) knows exactly what to change.

/// Re-exported: the fuzz targets quote values as the messages do.
pub use dossier_kit::status::{MAX_ECHO_CHARS, echo};
use dossier_proto::v1 as pb;

use crate::config::Limits;
use crate::error::Violation;
use crate::model::{ContentType, DocumentFields, Timestamp};

/// 1800-01-01T00:00:00Z: older dates are almost certainly parse errors.
pub const MIN_PUBLISHED_SECONDS: i64 = -5_364_662_400;

/// How far in the future `published_at` may lie, for clock skew and time
/// zones of the publishing outlet.
pub const MAX_FUTURE_SECONDS: i64 = 24 * 60 * 60;

/// Validates an incoming document (its output-only fields are ignored) and
/// returns its stored fields.
pub fn validate_document(
    document: Option<&pb::Document>,
    limits: &Limits,
    now: Timestamp,
) -> Result<DocumentFields, Violation> {
    let Some(doc) = document else {
        return Err(Violation::invalid("document", "document is required"));
    };
    let content_type = parse_content_type(&doc.content_type)?;
    let (max_body, body_flag) = match content_type {
        ContentType::Html => (limits.max_html_bytes, "--max-html-bytes"),
        ContentType::PlainText => (limits.max_body_bytes, "--max-body-bytes"),
    };
    check_len("document.body", &doc.body, max_body, body_flag)?;
    if doc.body.trim().is_empty() {
        return Err(Violation::invalid(
            "document.body",
            "document.body is required and must contain more than whitespace",
        ));
    }
    check_len(
        "document.title",
        &doc.title,
        limits.max_title_bytes,
        "--max-title-bytes",
    )?;
    check_len(
        "document.source",
        &doc.source,
        limits.max_source_bytes,
        "--max-source-bytes",
    )?;
    check_no_control("document.source", &doc.source)?;
    check_len(
        "document.url",
        &doc.url,
        limits.max_url_bytes,
        "--max-url-bytes",
    )?;
    check_len(
        "document.author",
        &doc.author,
        limits.max_author_bytes,
        "--max-author-bytes",
    )?;
    for (field, value) in [
        ("document.title", &doc.title),
        ("document.body", &doc.body),
        ("document.url", &doc.url),
        ("document.author", &doc.author),
    ] {
        check_no_nul(field, value)?;
    }
    check_language(&doc.language, limits.max_language_bytes)?;
    check_labels(&doc.labels, limits)?;
    let published_at = doc
        .published_at
        .as_ref()
        .map(|t| check_published_at(t, now))
        .transpose()?;
    Ok(DocumentFields {
        title: doc.title.clone(),
        body: doc.body.clone(),
        source: doc.source.clone(),
        url: doc.url.clone(),
        author: doc.author.clone(),
        published_at,
        language: doc.language.clone(),
        labels: doc.labels.clone(),
        content_type,
    })
}

/// The accepted content types, for messages.
pub const ACCEPTED_CONTENT_TYPES: &str = "\"text/plain\" (the default when empty) or \"text/html\", optionally with parameters such as \"; charset=utf-8\"";

/// `document.content_type`: empty is plain text; `text/plain` and
/// `text/html` (any case, with parameters) are accepted, anything else is
/// refused by name. Parameters are dropped: the body is already UTF-8.
pub fn parse_content_type(value: &str) -> Result<ContentType, Violation> {
    const FIELD: &str = "document.content_type";
    let base = value.split(';').next().unwrap_or("").trim();
    match base.to_ascii_lowercase().as_str() {
        "" if value.trim().is_empty() => Ok(ContentType::PlainText),
        "text/plain" => Ok(ContentType::PlainText),
        "text/html" => Ok(ContentType::Html),
        _ => Err(Violation::invalid(
            FIELD,
            format!(
                "{FIELD} {} is not supported; use {ACCEPTED_CONTENT_TYPES}",
                echo(value)
            ),
        )),
    }
}

/// Validates an optional idempotency key; empty means "none".
pub fn validate_request_id(request_id: &str, limits: &Limits) -> Result<(), Violation> {
    check_len(
        "request_id",
        request_id,
        limits.max_request_id_bytes,
        "--max-request-id-bytes",
    )?;
    check_no_control("request_id", request_id)
}

/// Checks a required document id before any lookup, so a malformed one gets
/// INVALID_ARGUMENT rather than NOT_FOUND, and a huge one is refused by its
/// length without being echoed whole.
pub fn parse_document_id(field: &str, id: &str) -> Result<ulid::Ulid, Violation> {
    if id.is_empty() {
        return Err(Violation::invalid(field, format!("{field} is required")));
    }
    if id.len() != ulid::ULID_LEN {
        return Err(Violation::invalid(
            field,
            format!(
                "{field} {} is {} bytes; a document id is a {}-character ULID as returned by CreateDocument",
                echo(id),
                id.len(),
                ulid::ULID_LEN
            ),
        ));
    }
    // 26 base32 digits hold 130 bits; the ulid crate drops the top two
    // silently, so "8…" would alias "0…". A ULID's first digit is 0..=7.
    if !matches!(id.as_bytes()[0], b'0'..=b'7') {
        return Err(Violation::invalid(
            field,
            format!(
                "{field} {} is not a document id (a ULID starts with a digit 0-7)",
                echo(id)
            ),
        ));
    }
    ulid::Ulid::from_string(id).map_err(|_| {
        Violation::invalid(
            field,
            format!(
                "{field} {} is not a document id (a 26-character ULID: digits and letters of Crockford's base32)",
                echo(id)
            ),
        )
    })
}

fn check_len(field: &str, value: &str, limit: usize, flag: &str) -> Result<(), Violation> {
    if value.len() > limit {
        return Err(Violation::too_large(
            field,
            format!(
                "{field} is {} bytes; the limit is {limit} ({flag})",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// NUL is no character of any text, and PostgreSQL's text columns cannot
/// hold it: refuse it on both backends alike rather than store it on one
/// and fail on the other. Other control characters (tabs, escapes) are kept.
fn check_no_nul(field: &str, value: &str) -> Result<(), Violation> {
    match value.bytes().position(|b| b == 0) {
        Some(pos) => Err(Violation::invalid(
            field,
            format!("{field} contains NUL (U+0000) at byte {pos}; remove it"),
        )),
        None => Ok(()),
    }
}

/// Validates ListDocuments' source filter like the sources it matches.
pub fn check_list_sources(sources: &[String]) -> Result<(), Violation> {
    for (i, source) in sources.iter().enumerate() {
        check_no_control(&format!("sources[{i}]"), source)?;
    }
    Ok(())
}

fn check_no_control(field: &str, value: &str) -> Result<(), Violation> {
    if let Some(pos) = value
        .char_indices()
        .find(|(_, c)| c.is_control())
        .map(|(i, _)| i)
    {
        return Err(Violation::invalid(
            field,
            format!("{field} contains a control character at byte {pos}; remove it"),
        ));
    }
    Ok(())
}

fn check_language(language: &str, limit: usize) -> Result<(), Violation> {
    const FIELD: &str = "document.language";
    if language.len() > limit {
        return Err(Violation::invalid(
            FIELD,
            format!(
                "{FIELD} is {} bytes; a BCP-47 tag has at most {limit}",
                language.len()
            ),
        ));
    }
    if !language
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Violation::invalid(
            FIELD,
            format!(
                "{FIELD} {} is not a BCP-47 tag (letters, digits and '-', e.g. \"pt-BR\")",
                echo(language)
            ),
        ));
    }
    Ok(())
}

fn check_labels(labels: &[String], limits: &Limits) -> Result<(), Violation> {
    if labels.len() > limits.max_labels {
        return Err(Violation::too_large(
            "document.labels",
            format!(
                "document.labels has {} labels; the limit is {} (--max-labels)",
                labels.len(),
                limits.max_labels
            ),
        ));
    }
    for (i, label) in labels.iter().enumerate() {
        let field = format!("document.labels[{i}]");
        if label.trim().is_empty() {
            return Err(Violation::invalid(&field, format!("{field} is empty")));
        }
        check_len(&field, label, limits.max_label_bytes, "--max-label-bytes")?;
        check_no_control(&field, label)?;
    }
    Ok(())
}

fn check_published_at(t: &prost_types::Timestamp, now: Timestamp) -> Result<Timestamp, Violation> {
    const FIELD: &str = "document.published_at";
    if !(0..1_000_000_000).contains(&t.nanos) {
        return Err(Violation::invalid(
            FIELD,
            format!("{FIELD}.nanos is {}; it must be in 0..999999999", t.nanos),
        ));
    }
    let latest = now.seconds() + MAX_FUTURE_SECONDS;
    if t.seconds < MIN_PUBLISHED_SECONDS || t.seconds > latest {
        return Err(Violation::invalid(
            FIELD,
            format!(
                "{FIELD} is {} seconds since 1970; it must lie between 1800-01-01 ({MIN_PUBLISHED_SECONDS}) and one day from now ({latest})",
                t.seconds
            ),
        ));
    }
    Timestamp::from_parts(t.seconds, t.nanos)
        .ok_or_else(|| Violation::invalid(FIELD, format!("{FIELD} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ViolationKind;

    fn doc() -> pb::Document {
        pb::Document {
            title: "Harbour reopens".into(),
            body: "The harbour reopened on Monday.".into(),
            source: "harbour-gazette".into(),
            language: "en".into(),
            labels: vec!["ports".into()],
            ..Default::default()
        }
    }

    fn check(d: &pb::Document) -> Result<DocumentFields, Violation> {
        validate_document(Some(d), &Limits::default(), Timestamp::now())
    }

    #[test]
    fn a_plain_document_passes_and_output_fields_are_ignored() {
        let mut d = doc();
        d.id = "ignored".into();
        d.sequence = 9;
        let fields = check(&d).unwrap();
        assert_eq!(fields.title, "Harbour reopens");
        assert_eq!(fields.labels, vec!["ports".to_string()]);
    }

    #[test]
    fn missing_document_and_blank_body_are_invalid() {
        let err = validate_document(None, &Limits::default(), Timestamp::now()).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("document", ViolationKind::Invalid)
        );
        let mut d = doc();
        d.body = " \n\t ".into();
        let err = check(&d).unwrap_err();
        assert_eq!(err.field, "document.body");
        assert!(err.message.contains("required"), "{err}");
    }

    #[test]
    fn oversized_body_names_the_limit_and_flag() {
        let mut d = doc();
        d.body = "x".repeat(2_000_000);
        let err = check(&d).unwrap_err();
        assert_eq!(err.kind, ViolationKind::TooLarge);
        assert_eq!(
            err.message,
            "document.body is 2000000 bytes; the limit is 1048576 (--max-body-bytes)"
        );
    }

    #[test]
    fn each_size_limit_names_its_field() {
        type Mutate = Box<dyn Fn(&mut pb::Document)>;
        let cases: Vec<(&str, Mutate)> = vec![
            ("document.title", Box::new(|d| d.title = "t".repeat(1025))),
            ("document.source", Box::new(|d| d.source = "s".repeat(257))),
            ("document.url", Box::new(|d| d.url = "u".repeat(2049))),
            ("document.author", Box::new(|d| d.author = "a".repeat(513))),
            (
                "document.labels",
                Box::new(|d| d.labels = vec!["l".into(); 33]),
            ),
            (
                "document.labels[0]",
                Box::new(|d| d.labels = vec!["l".repeat(129)]),
            ),
        ];
        for (field, mutate) in cases {
            let mut d = doc();
            mutate(&mut d);
            let err = check(&d).unwrap_err();
            assert_eq!(err.field, field);
            assert_eq!(err.kind, ViolationKind::TooLarge, "{field}");
            assert!(err.message.starts_with(field), "{err}");
            assert!(err.message.contains("(--max-"), "{err}");
        }
    }

    #[test]
    fn nul_is_refused_in_every_text_field_but_other_controls_are_kept() {
        for field in ["title", "body", "url", "author"] {
            let mut d = doc();
            let value = "before\0after".to_string();
            match field {
                "title" => d.title = value,
                "body" => d.body = value,
                "url" => d.url = value,
                _ => d.author = value,
            }
            let err = check(&d).unwrap_err();
            assert_eq!(err.field, format!("document.{field}"));
            assert!(err.message.contains("NUL (U+0000) at byte 6"), "{err}");
        }
        let mut d = doc();
        d.body = "a bell \u{7}, a tab\t and an escape \u{1b}".into();
        assert!(check(&d).is_ok());
        assert!(check_list_sources(&["wire".into(), "a\u{7}".into()]).is_err());
    }

    #[test]
    fn control_characters_are_rejected_in_labels_and_source() {
        let mut d = doc();
        d.labels = vec!["ok".into(), "bad\u{7}".into()];
        assert_eq!(check(&d).unwrap_err().field, "document.labels[1]");
        let mut d = doc();
        d.source = "harbour\ngazette".into();
        let err = check(&d).unwrap_err();
        assert_eq!(err.field, "document.source");
        assert!(err.message.contains("control character"), "{err}");
    }

    #[test]
    fn published_at_must_be_between_1800_and_tomorrow() {
        let now = Timestamp::now();
        let at = |seconds, nanos| {
            let mut d = doc();
            d.published_at = Some(prost_types::Timestamp { seconds, nanos });
            validate_document(Some(&d), &Limits::default(), now)
        };
        assert!(at(MIN_PUBLISHED_SECONDS, 0).is_ok());
        assert!(at(now.seconds() + 3600, 0).is_ok());
        assert_eq!(
            at(MIN_PUBLISHED_SECONDS - 1, 0).unwrap_err().field,
            "document.published_at"
        );
        assert!(at(now.seconds() + 2 * MAX_FUTURE_SECONDS, 0).is_err());
        assert!(at(0, -1).unwrap_err().message.contains("nanos"));
    }

    #[test]
    fn content_type_is_plain_or_html_and_sets_the_body_limit() {
        let mut d = doc();
        assert_eq!(check(&d).unwrap().content_type, ContentType::PlainText);
        d.content_type = "Text/HTML; charset=windows-1252".into();
        assert_eq!(check(&d).unwrap().content_type, ContentType::Html);
        d.content_type = " text/plain ".into();
        assert_eq!(check(&d).unwrap().content_type, ContentType::PlainText);
        for bad in ["application/pdf", "html", "; charset=utf-8", "text/htmlx"] {
            d.content_type = bad.into();
            let err = check(&d).unwrap_err();
            assert_eq!(err.field, "document.content_type", "{bad}");
            assert_eq!(err.kind, ViolationKind::Invalid);
            assert!(err.message.contains("\"text/html\""), "{err}");
        }
        // A page may be larger than a plain-text body.
        d.content_type = "text/html".into();
        d.body = "x".repeat(2_000_000);
        assert!(check(&d).is_ok());
        d.body = "x".repeat(9 * 1024 * 1024);
        let err = check(&d).unwrap_err();
        assert_eq!(err.kind, ViolationKind::TooLarge);
        assert!(err.message.contains("--max-html-bytes"), "{err}");
    }

    #[test]
    fn language_must_look_like_a_tag() {
        let mut d = doc();
        d.language = "pt-BR".into();
        assert!(check(&d).is_ok());
        d.language = "en us".into();
        assert_eq!(check(&d).unwrap_err().field, "document.language");
    }

    #[test]
    fn hostile_ids_are_refused_by_shape_and_never_echoed_whole() {
        let huge = "A".repeat(10_000);
        let err = parse_document_id("id", &huge).unwrap_err();
        assert_eq!(err.kind, ViolationKind::Invalid);
        assert!(err.message.len() < 400, "{}", err.message);
        assert!(err.message.contains("10000 bytes"), "{}", err.message);
        // Right length, wrong alphabet (U is not Crockford base32), a NUL,
        // and a first digit past the 128-bit range.
        for bad in [
            "UUUUUUUUUUUUUUUUUUUUUUUUUU",
            "0000000000000000000000000\u{0}",
            "80000000000000000000000000",
        ] {
            let err = parse_document_id("id", bad).unwrap_err();
            assert!(err.message.contains("not a document id"), "{err}");
        }
        let err = parse_document_id("id", "0000000000000000000000000é").unwrap_err();
        assert!(err.message.contains("27 bytes"), "{err}");
        let mut d = doc();
        d.language = "x y".repeat(5000);
        let err = check(&d).unwrap_err();
        assert!(err.message.len() < 400, "{}", err.message);
    }

    #[test]
    fn request_ids_and_document_ids() {
        let limits = Limits::default();
        assert!(validate_request_id("", &limits).is_ok());
        assert_eq!(
            validate_request_id(&"r".repeat(129), &limits)
                .unwrap_err()
                .message,
            "request_id is 129 bytes; the limit is 128 (--max-request-id-bytes)"
        );
        assert!(
            parse_document_id("id", "")
                .unwrap_err()
                .message
                .contains("required")
        );
        assert!(parse_document_id("id", "nope").is_err());
        let id = ulid::Ulid::from_parts(1, 2);
        assert_eq!(parse_document_id("id", &id.to_string()).unwrap(), id);
    }
}
