//! The one error type of the search service. Core modules return it; the
//! gRPC layer maps it to a status code in one exhaustive `match`
//! (`grpc::status`), so a new variant forces a decision there.

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
    /// A request over a configured limit.
    #[error("{0}")]
    LimitExceeded(String),
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

/// Most characters of a client's value repeated in an error message. Status
/// messages travel in an HTTP/2 header: a 10,000-character id echoed whole
/// could overflow the client's header limit and turn a clear
/// INVALID_ARGUMENT into a transport error.
pub const MAX_ECHO_CHARS: usize = 200;

/// `value` quoted for an error message, cut to [`MAX_ECHO_CHARS`] with an
/// ellipsis and its full length when longer.
pub fn echo(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes in all)", &value[..cut], value.len()),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_values_are_cut() {
        assert_eq!(echo("doc\n1"), "\"doc\\n1\"");
        let long = "é".repeat(10_000);
        let cut = echo(&long);
        assert!(cut.starts_with(&format!("\"{}", "é".repeat(MAX_ECHO_CHARS))));
        assert!(cut.ends_with("\"… (20000 bytes in all)"), "{cut}");
        assert_eq!(echo(&"x".repeat(MAX_ECHO_CHARS)).len(), MAX_ECHO_CHARS + 2);
    }
}
