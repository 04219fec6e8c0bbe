//! The one place where extraction errors become gRPC statuses. The matches
//! are exhaustive without a catch-all arm, so a new error variant must be
//! given a code here.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::ExtractionError;
use crate::registry::RegistryError;

/// Longest status message sent, in bytes. Some messages quote the client's
/// value (an entity id, an alias); the message travels in an HTTP/2 header,
/// twice with its details, and a 10,000-character id echoed whole overflows
/// the peer's header limit, so the client would see a bare INTERNAL.
const MAX_STATUS_MESSAGE_BYTES: usize = 1024;

/// `message` cut to [`MAX_STATUS_MESSAGE_BYTES`] at a char boundary, with "…"
/// and the full length when cut.
fn bounded(mut message: String) -> String {
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

impl From<ExtractionError> for Status {
    fn from(e: ExtractionError) -> Status {
        let message = bounded(e.to_string());
        match e {
            ExtractionError::InvalidArgument { field, reason } => {
                bad_request(field, &reason, message)
            }
            ExtractionError::TextTooLarge { .. } => Status::resource_exhausted(message),
            ExtractionError::Registry(r) => registry(r, message),
            ExtractionError::ShuttingDown => Status::unavailable(message),
            ExtractionError::Internal => Status::internal(message),
        }
    }
}

fn registry(e: RegistryError, message: String) -> Status {
    match e {
        RegistryError::NotFound { .. } => Status::not_found(message),
        RegistryError::InvalidArgument { field, reason } => bad_request(field, &reason, message),
        RegistryError::FailedPrecondition(_) => Status::failed_precondition(message),
        RegistryError::Storage(_) => {
            tracing::error!(error = %message, "registry storage failed");
            Status::internal(message)
        }
        RegistryError::Corrupt(_) => {
            tracing::error!(error = %message, "registry data corrupt");
            Status::data_loss(message)
        }
    }
}

/// INVALID_ARGUMENT with a `BadRequest` detail naming the field, so clients
/// can point at it without parsing the message.
fn bad_request(field: &str, reason: &str, message: String) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        message,
        ErrorDetails::with_bad_request_violation(field, bounded(reason.to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let s = Status::from(ExtractionError::TextTooLarge { bytes: 2, limit: 1 });
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert!(s.message().contains("--max-text-bytes"), "{}", s.message());
        let s = Status::from(ExtractionError::invalid(
            "offset_encoding",
            "unknown value 7",
        ));
        assert_eq!(s.code(), Code::InvalidArgument);
        let details = s.get_error_details();
        let field = &details.bad_request().unwrap().field_violations[0].field;
        assert_eq!(field, "offset_encoding");
        let s = Status::from(ExtractionError::Registry(
            RegistryError::FailedPrecondition("x".into()),
        ));
        assert_eq!(s.code(), Code::FailedPrecondition);
    }

    #[test]
    fn huge_echoed_values_are_cut() {
        let id = "é".repeat(10_000);
        let s = Status::from(ExtractionError::Registry(RegistryError::NotFound {
            kind: "entity",
            id: id.clone(),
        }));
        assert_eq!(s.code(), Code::NotFound);
        assert!(s.message().len() < 1100, "{}", s.message().len());
        assert!(s.message().ends_with("bytes in all)"), "{}", s.message());
        let s = Status::from(ExtractionError::invalid("id", id));
        assert!(s.message().len() < 1100 && s.details().len() < 2400);
    }
}
