//! The one error type of the search service. Core modules return it; the
//! gRPC layer maps it to a status code in one exhaustive `match`
//! (`grpc/status.rs`), so a new variant forces a decision there.

/// Client values in messages are quoted and cut alike in every service.
pub use dossier_kit::status::{MAX_ECHO_CHARS, echo};

/// Everything that can go wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller sent something unusable; `field` names the request field.
    #[error("invalid {field}: {message}")]
    InvalidArgument {
        field: &'static str,
        message: String,
    },
    /// The query string does not parse; the message says where.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A page token that this server did not issue for this request.
    #[error("invalid page_token: {0}")]
    InvalidPageToken(String),
    /// A request field over a configured limit.
    #[error("{message}")]
    LimitExceeded {
        field: &'static str,
        message: String,
    },
    /// The document or entity asked for is not in the index.
    #[error("{0} not found")]
    NotFound(String),
    /// Storage or extraction could not be reached or answered badly.
    #[error("{service} unavailable: {message}")]
    Unavailable {
        service: &'static str,
        message: String,
    },
    /// tantivy failed (I/O, corrupt index...).
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The server is shutting down and stopped the work (an export, a
    /// watch stream).
    #[error(
        "the search service is shutting down; retry against a running server (an export from \
         the start, a watch stream after the last sequence it sent)"
    )]
    ShuttingDown,
    /// A create whose request id already made something else.
    #[error("{0}")]
    AlreadyExists(String),
    /// A worker task died or the server is shutting down.
    #[error(transparent)]
    Blocking(#[from] dossier_kit::blocking::BlockingError),
    /// An invariant of our own code broke.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidArgument {
            field,
            message: message.into(),
        }
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(err: tantivy::directory::error::OpenDirectoryError) -> Self {
        Self::Index(err.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
