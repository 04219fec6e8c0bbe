//! The one error type of the storage core. The gRPC layer maps it to a
//! `tonic::Status` in exactly one place (`grpc/status.rs`), so adding a
//! variant forces a decision about its status code there.

use std::fmt;

use dossier_kit::echo;

/// Whether a field violation is malformed input or input over a size limit:
/// the two get different status codes (INVALID_ARGUMENT, RESOURCE_EXHAUSTED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    Invalid,
    TooLarge,
}

/// What is wrong with one field of a request, worded so the caller knows what
/// to fix: the message always names the field (and the limit, for sizes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub message: String,
    pub kind: ViolationKind,
}

impl Violation {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            kind: ViolationKind::Invalid,
        }
    }

    pub fn too_large(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            kind: ViolationKind::TooLarge,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Everything that can go wrong in the storage core.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A request field is invalid or over a limit.
    #[error("{0}")]
    Invalid(Violation),

    /// No document has this id.
    #[error("document {id} not found")]
    NotFound { id: String },

    /// The same source already holds a document with identical content.
    #[error(
        "source {} already has a document with content_sha256 {content_sha256}: {existing_id}",
        echo(.source_name)
    )]
    Duplicate {
        existing_id: String,
        source_name: String,
        content_sha256: String,
    },

    /// A retried request_id whose document has been deleted since: the
    /// original result cannot be returned and a new document must not be made.
    #[error(
        "request_id {} created document {id}, which has since been deleted; use a new request_id to store it again",
        echo(.request_id)
    )]
    ReplayOfDeleted { request_id: String, id: String },

    /// The page token is garbled, from another version, or was issued for
    /// different filters.
    #[error("invalid page_token: {0}")]
    InvalidPageToken(String),

    /// The server is shutting down and accepts no more work.
    #[error("the storage service is shutting down; retry against a running server")]
    ShuttingDown,

    /// The backend cannot take the request now but may later: the database
    /// is unreachable, the disk is full. Clients may retry with backoff.
    #[error("{0}")]
    Unavailable(String),

    /// The store refuses writes until an operator acts (a read-only data
    /// directory); reads still work.
    #[error("{0}")]
    NotWritable(String),

    /// The store failed in a way a retry will not fix (corruption, a bug).
    #[error("storage failure: {0}")]
    Storage(String),
}

impl Error {
    pub fn storage(err: impl fmt::Display) -> Self {
        Self::Storage(err.to_string())
    }
}

/// Sorts an I/O error of the embedded store: a full disk is worth retrying
/// once space is freed (UNAVAILABLE), a read-only directory needs an operator
/// (FAILED_PRECONDITION), anything else is a storage failure.
pub fn from_io(context: &str, err: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            Error::Unavailable(format!(
                "{context}: the disk is full ({err}); free space, then retry"
            ))
        }
        ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => Error::NotWritable(format!(
            "{context}: the data directory is not writable ({err})"
        )),
        _ => Error::Storage(format!("{context}: {err}")),
    }
}

impl From<Violation> for Error {
    fn from(violation: Violation) -> Self {
        Self::Invalid(violation)
    }
}

/// The embedded store's errors, with I/O failures sorted by `from_io`.
impl From<redb::Error> for Error {
    fn from(err: redb::Error) -> Self {
        match &err {
            redb::Error::Io(io) => from_io("the embedded store cannot write", io),
            redb::Error::PreviousIo | redb::Error::DatabaseClosed => Error::Unavailable(
                "the embedded store is reopening after an I/O error; retry shortly".into(),
            ),
            redb::Error::DatabaseAlreadyOpen => Error::Unavailable(
                "the embedded store's file is in use (by another process on this data directory, or by a handle closing after an I/O error); retry shortly".into(),
            ),
            _ => Self::storage(err),
        }
    }
}

macro_rules! redb_error_from {
    ($($ty:ty),* $(,)?) => {
        $(impl From<$ty> for Error {
            fn from(err: $ty) -> Self {
                redb::Error::from(err).into()
            }
        })*
    };
}

redb_error_from!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
);

impl From<postcard::Error> for Error {
    fn from(err: postcard::Error) -> Self {
        Self::storage(err)
    }
}

impl From<dossier_kit::blocking::BlockingError> for Error {
    fn from(err: dossier_kit::blocking::BlockingError) -> Self {
        match err {
            dossier_kit::blocking::BlockingError::Cancelled => Self::ShuttingDown,
            dossier_kit::blocking::BlockingError::Panicked => Self::storage(err),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
