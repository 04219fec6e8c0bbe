//! The extraction service's one error type. The gRPC layer maps it to a
//! status code in one exhaustive match (`grpc/status.rs`), so a new variant
//! forces a decision about its code.

use crate::registry::RegistryError;

/// Everything an extraction request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ExtractionError {
    /// A request field is malformed; `field` names it.
    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// One element of a repeated field is malformed; `field` names it with
    /// its index ("names[3].name").
    #[error("invalid {field}: {reason}")]
    InvalidElement { field: String, reason: String },
    /// The text is longer than the configured limit.
    #[error(
        "text is {bytes} bytes, more than the limit of {limit} bytes (--max-text-bytes); split the document"
    )]
    TextTooLarge { bytes: usize, limit: usize },
    /// The entity registry refused or failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The server is shutting down and did not finish the work.
    #[error("the server is shutting down; retry against another replica or later")]
    ShuttingDown,
    /// A bug: a worker panicked. Logged with details; the client sees no internals.
    #[error("internal error while extracting; the server log has details")]
    Internal,
}

impl ExtractionError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ExtractionError::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    pub fn element(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ExtractionError::InvalidElement {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl From<dossier_kit::blocking::BlockingError> for ExtractionError {
    fn from(e: dossier_kit::blocking::BlockingError) -> Self {
        use dossier_kit::blocking::BlockingError;
        match e {
            BlockingError::Panicked => ExtractionError::Internal,
            BlockingError::Cancelled => ExtractionError::ShuttingDown,
        }
    }
}

pub type Result<T, E = ExtractionError> = std::result::Result<T, E>;
