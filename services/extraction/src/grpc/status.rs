//! The one place where extraction errors get their status codes: the
//! matches are exhaustive without a catch-all arm, so a new error variant
//! must be given a code here. Messages, details and logging follow
//! `dossier_kit::status`.

use dossier_kit::ServiceError;
use tonic::{Code, Status};

use crate::error::ExtractionError;
use crate::registry::RegistryError;

impl ServiceError for ExtractionError {
    fn code(&self) -> Code {
        match self {
            ExtractionError::InvalidArgument { .. } => Code::InvalidArgument,
            ExtractionError::InvalidElement { .. } => Code::InvalidArgument,
            ExtractionError::TextTooLarge { .. } => Code::ResourceExhausted,
            ExtractionError::Registry(r) => r.code(),
            ExtractionError::ShuttingDown => Code::Unavailable,
            ExtractionError::Internal => Code::Internal,
        }
    }

    fn field_violation(&self) -> Option<(&str, &str)> {
        match self {
            ExtractionError::InvalidArgument { field, reason } => Some((field, reason)),
            ExtractionError::InvalidElement { field, reason } => Some((field, reason)),
            ExtractionError::Registry(r) => r.field_violation(),
            _ => None,
        }
    }

    fn log_level(&self) -> Option<tracing::Level> {
        match self {
            // Logged with its details where the panic was caught.
            ExtractionError::Internal => None,
            ExtractionError::Registry(r) => r.log_level(),
            _ => None,
        }
    }
}

impl ServiceError for RegistryError {
    fn code(&self) -> Code {
        match self {
            RegistryError::NotFound { .. } => Code::NotFound,
            RegistryError::InvalidArgument { .. } => Code::InvalidArgument,
            RegistryError::FailedPrecondition(_) => Code::FailedPrecondition,
            RegistryError::Storage(_) => Code::Internal,
            RegistryError::Unavailable(_) => Code::Unavailable,
            RegistryError::Corrupt(_) => Code::DataLoss,
        }
    }

    fn field_violation(&self) -> Option<(&str, &str)> {
        match self {
            RegistryError::InvalidArgument { field, reason } => Some((field, reason)),
            _ => None,
        }
    }
}

impl From<ExtractionError> for Status {
    fn from(e: ExtractionError) -> Status {
        dossier_kit::status::to_status(&e)
    }
}

#[cfg(test)]
mod tests {
    use tonic_types::StatusExt;

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
        let s = Status::from(ExtractionError::Registry(RegistryError::invalid(
            "entity_ids",
            "at least two",
        )));
        let details = s.get_error_details();
        let field = &details.bad_request().unwrap().field_violations[0].field;
        assert_eq!(field, "entity_ids");
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
        assert!(
            s.message().ends_with("… (20000 bytes in all) not found"),
            "{}",
            s.message()
        );
        let s = Status::from(ExtractionError::invalid("id", id));
        assert!(s.message().len() < 1100 && s.details().len() < 2400);
    }
}
