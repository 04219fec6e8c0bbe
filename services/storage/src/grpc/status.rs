//! The one place storage errors become statuses: each variant's code, in
//! one exhaustive match, so a new variant forces a decision here. Messages,
//! details and logging follow `dossier_kit::status`.

use dossier_kit::ServiceError;
use tonic::{Code, Status};

use crate::error::{Error, ViolationKind};

/// The status code a violation gets: sizes over a limit are
/// RESOURCE_EXHAUSTED, everything else INVALID_ARGUMENT.
pub fn violation_code(kind: ViolationKind) -> Code {
    match kind {
        ViolationKind::Invalid => Code::InvalidArgument,
        ViolationKind::TooLarge => Code::ResourceExhausted,
    }
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Invalid(violation) => violation_code(violation.kind),
            Error::NotFound { .. } => Code::NotFound,
            Error::Duplicate { .. } => Code::AlreadyExists,
            Error::ReplayOfDeleted { .. } => Code::FailedPrecondition,
            Error::InvalidPageToken(_) => Code::InvalidArgument,
            Error::ShuttingDown | Error::Unavailable(_) => Code::Unavailable,
            Error::NotWritable(_) => Code::FailedPrecondition,
            Error::Storage(_) => Code::Internal,
        }
    }

    fn field_violation(&self) -> Option<(&str, &str)> {
        match self {
            Error::Invalid(violation) => Some((&violation.field, &violation.message)),
            Error::InvalidPageToken(reason) => Some(("page_token", reason)),
            _ => None,
        }
    }

    /// An unreachable database or a read-only directory needs an operator's
    /// eye, though it is no bug.
    fn log_level(&self) -> Option<tracing::Level> {
        match self {
            Error::Unavailable(_) | Error::NotWritable(_) => Some(tracing::Level::WARN),
            Error::Storage(_) => Some(tracing::Level::ERROR),
            _ => None,
        }
    }
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        dossier_kit::status::to_status(&err)
    }
}

#[cfg(test)]
mod tests {
    use tonic_types::StatusExt;

    use super::*;
    use crate::error::Violation;

    #[test]
    fn statuses_stay_small_whatever_the_error_holds() {
        let huge = "x".repeat(100_000);
        for err in [
            Error::Storage(huge.clone()),
            Error::Unavailable(huge.clone()),
            Error::Invalid(Violation::invalid(huge.clone(), huge.clone())),
        ] {
            let status = Status::from(err);
            assert!(status.message().len() < 1100, "{}", status.message().len());
            // The details repeat the message inside a google.rpc.Status, with the
            // field violation beside it.
            assert!(status.details().len() < 3400, "{}", status.details().len());
        }
    }

    #[test]
    fn violations_name_their_field_with_the_code_of_their_kind() {
        let status = Status::from(Error::from(Violation::too_large(
            "document.body",
            "document.body is 2 bytes; the limit is 1 (--max-body-bytes)",
        )));
        assert_eq!(status.code(), Code::ResourceExhausted);
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, "document.body");
        let status = Status::from(Error::InvalidPageToken("garbled".into()));
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "invalid page_token: garbled");
    }
}
