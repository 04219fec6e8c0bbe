//! The error side of the gRPC edge, written once for every service: each
//! service says only which status code each of its errors gets (and which
//! request field is at fault); quoting client values, bounding messages,
//! `BadRequest` details and logging server faults happen here alike.
//!
//! Modelled on quickwit's `ServiceError`: a service implements
//! [`ServiceError`] for its one error enum with an exhaustive `match` (no
//! `_` arm, so a new variant forces a decision) and converts with
//! `impl From<Error> for Status { fn from(e) { dossier_kit::status::to_status(&e) } }`.

use tonic::{Code, Status};
/// For reading the details back (clients, tests) without another dependency.
pub use tonic_types::{ErrorDetails, StatusExt};

/// Most characters of a client's value quoted in an error message. A status
/// message travels in an HTTP/2 header (twice, with its details): echoing a
/// 10,000-character id whole overflows the peer's header limit, and the
/// client sees INTERNAL instead of our message.
pub const MAX_ECHO_CHARS: usize = 200;

/// Longest status message (and field-violation text) sent, in bytes. Client
/// values inside messages are already cut by [`echo`]; this bounds the rest
/// (a database's error text, a field name built from an index).
pub const MAX_STATUS_MESSAGE_BYTES: usize = 1024;

/// A client's value for an error message: quoted and escaped (control
/// characters stay visible), cut to [`MAX_ECHO_CHARS`] characters with "…"
/// and the value's full length when longer.
pub fn echo(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes in all)", &value[..cut], value.len()),
    }
}

/// `message` cut to [`MAX_STATUS_MESSAGE_BYTES`] at a char boundary, with "…"
/// and the full length when cut.
pub fn bounded(mut message: String) -> String {
    if message.len() <= MAX_STATUS_MESSAGE_BYTES {
        return message;
    }
    let full = message.len();
    let mut cut = MAX_STATUS_MESSAGE_BYTES;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    message.truncate(cut);
    message.push_str(&format!("… ({full} bytes in all)"));
    message
}

/// A service's error, as the gRPC edge needs to see it. The `Display` text
/// is the status message.
pub trait ServiceError: std::fmt::Display {
    /// The status code: one exhaustive `match` over the service's variants.
    fn code(&self) -> Code;

    /// The request field at fault and what is wrong with it, for a client's
    /// mistake: sent as a `google.rpc.BadRequest` field violation, so a
    /// client can point at the field without parsing the message.
    fn field_violation(&self) -> Option<(&str, &str)> {
        None
    }

    /// How loudly the edge logs the error as it becomes a status: by
    /// default server faults (INTERNAL, DATA_LOSS, UNKNOWN) at ERROR, a
    /// client's mistakes not at all.
    fn log_level(&self) -> Option<tracing::Level> {
        match self.code() {
            Code::Internal | Code::DataLoss | Code::Unknown => Some(tracing::Level::ERROR),
            _ => None,
        }
    }
}

/// The status for `err`: its code, its bounded message, its field violation
/// as `BadRequest` details; logged as [`ServiceError::log_level`] says.
pub fn to_status<E: ServiceError + ?Sized>(err: &E) -> Status {
    let code = err.code();
    let message = bounded(err.to_string());
    match err.log_level() {
        Some(tracing::Level::ERROR) => tracing::error!(?code, error = %message, "request failed"),
        Some(tracing::Level::WARN) => tracing::warn!(?code, error = %message, "request failed"),
        Some(_) => tracing::info!(?code, error = %message, "request failed"),
        None => {}
    }
    match err.field_violation() {
        Some((field, description)) => bad_request(code, message, field, description),
        None => Status::new(code, message),
    }
}

/// A status with a `BadRequest` detail naming `field`; every text bounded.
pub fn bad_request(code: Code, message: String, field: &str, description: &str) -> Status {
    Status::with_error_details(
        code,
        bounded(message),
        ErrorDetails::with_bad_request_violation(
            bounded(field.to_string()),
            bounded(description.to_string()),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum Fake {
        Field(String),
        Broken(String),
    }

    impl std::fmt::Display for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Fake::Field(m) => write!(f, "invalid id: {m}"),
                Fake::Broken(m) => write!(f, "broken: {m}"),
            }
        }
    }

    impl ServiceError for Fake {
        fn code(&self) -> Code {
            match self {
                Fake::Field(_) => Code::InvalidArgument,
                Fake::Broken(_) => Code::Internal,
            }
        }

        fn field_violation(&self) -> Option<(&str, &str)> {
            match self {
                Fake::Field(m) => Some(("id", m)),
                Fake::Broken(_) => None,
            }
        }
    }

    #[test]
    fn echoed_values_are_cut_to_200_chars_with_their_length() {
        assert_eq!(echo("abc"), "\"abc\"");
        assert_eq!(echo("a\u{0}b"), "\"a\\0b\"");
        let long = "é".repeat(10_000);
        assert_eq!(
            echo(&long),
            format!("{:?}… (20000 bytes in all)", "é".repeat(200))
        );
        assert_eq!(echo(&"x".repeat(200)), format!("{:?}", "x".repeat(200)));
    }

    #[test]
    fn long_messages_are_cut_at_a_char_boundary() {
        assert_eq!(bounded("short".into()), "short");
        let cut = bounded("é".repeat(1000));
        assert!(cut.len() < MAX_STATUS_MESSAGE_BYTES + 40, "{}", cut.len());
        assert!(cut.ends_with("… (2000 bytes in all)"), "{cut}");
    }

    #[test]
    fn field_violations_become_bad_request_details() {
        let status = to_status(&Fake::Field("too short".into()));
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "invalid id: too short");
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(
            (violation.field.as_str(), violation.description.as_str()),
            ("id", "too short")
        );
        let status = to_status(&Fake::Broken("disk".into()));
        assert_eq!(status.code(), Code::Internal);
        assert!(status.get_error_details().bad_request().is_none());
    }

    #[test]
    fn statuses_stay_small_whatever_the_error_holds() {
        let huge = "x".repeat(100_000);
        for err in [Fake::Field(huge.clone()), Fake::Broken(huge.clone())] {
            let status = to_status(&err);
            assert!(status.message().len() < 1100, "{}", status.message().len());
            assert!(status.details().len() < 3400, "{}", status.details().len());
        }
    }
}
