//! The one place search errors get their status codes: one exhaustive
//! match, so a new variant forces a decision here. Messages, `BadRequest`
//! details and logging follow `dossier_kit::status`.

use dossier_kit::ServiceError;
use dossier_kit::blocking::BlockingError;
use tonic::{Code, Status};

use crate::error::Error;

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::InvalidArgument { .. } | Error::InvalidQuery(_) | Error::InvalidPageToken(_) => {
                Code::InvalidArgument
            }
            // A configured limit, as storage's and extraction's are: the
            // request is well formed, only too large for this server.
            Error::LimitExceeded { .. } => Code::ResourceExhausted,
            Error::NotFound(_) => Code::NotFound,
            Error::AlreadyExists(_) => Code::AlreadyExists,
            Error::Unavailable { .. }
            | Error::ShuttingDown
            | Error::Blocking(BlockingError::Cancelled) => Code::Unavailable,
            Error::Blocking(BlockingError::Panicked) | Error::Index(_) | Error::Internal(_) => {
                Code::Internal
            }
        }
    }

    fn field_violation(&self) -> Option<(&str, &str)> {
        match self {
            Error::InvalidArgument { field, message } | Error::LimitExceeded { field, message } => {
                Some((field, message))
            }
            Error::InvalidQuery(message) => Some(("query", message)),
            Error::InvalidPageToken(message) => Some(("page_token", message)),
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
    use dossier_kit::status::StatusExt;

    use super::*;

    #[test]
    fn client_mistakes_name_their_field() {
        for (err, field) in [
            (
                Error::invalid("page_size", "must not be negative"),
                "page_size",
            ),
            (Error::InvalidQuery("unbalanced quote".into()), "query"),
            (Error::InvalidPageToken("garbled".into()), "page_token"),
        ] {
            let status = Status::from(err);
            assert_eq!(status.code(), Code::InvalidArgument);
            let details = status.get_error_details();
            let violation = &details.bad_request().unwrap().field_violations[0];
            assert_eq!(violation.field, field);
        }
        let status = Status::from(Error::NotFound("document \"x\"".into()));
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.get_error_details().bad_request().is_none());
    }

    #[test]
    fn long_messages_are_cut() {
        let status = Status::from(Error::Internal("x".repeat(100_000)));
        assert_eq!(status.code(), Code::Internal);
        assert!(status.message().len() < 1100, "{}", status.message().len());
    }
}
