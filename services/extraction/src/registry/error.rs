//! The registry's one error type, mapped to gRPC status codes in one place
//! by the transport layer (`grpc/status.rs`).

/// Everything that can go wrong in the entity registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// No entity, document or curation with this id.
    #[error("{kind} {} not found", echo(.id))]
    NotFound { kind: &'static str, id: String },
    /// A request field is malformed; `field` names it.
    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// The request is well-formed but the registry's state forbids it
    /// (merging entities judged distinct, undoing a curation a later one builds on).
    #[error("{0}")]
    FailedPrecondition(String),
    /// The store failed (redb, or a statement PostgreSQL refused).
    #[error("registry storage: {0}")]
    Storage(String),
    /// The registry's PostgreSQL database cannot be reached; retry later.
    #[error("{0}")]
    Unavailable(String),
    /// Stored data could not be decoded (corruption or an incompatible version).
    #[error("registry data corrupt: {0}")]
    Corrupt(String),
}

/// A client's value quoted in a message, cut to 200 characters so a huge
/// one cannot crowd out the reason that follows it.
pub(crate) use dossier_kit::echo;

impl RegistryError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        RegistryError::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    /// Display quotes the id through `echo`, so a huge one is cut there.
    pub(crate) fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        RegistryError::NotFound {
            kind,
            id: id.into(),
        }
    }
}

macro_rules! storage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for RegistryError {
            fn from(e: $t) -> Self {
                RegistryError::Storage(e.to_string())
            }
        }
    )*};
}

storage_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<postgres::Error> for RegistryError {
    /// Out of reach (no connection, a connection closed, the server shutting
    /// down or refusing connections: SQLSTATE classes 08 and 57, or a
    /// transaction it chose to abort: 40) is UNAVAILABLE, which a retry
    /// may cure; any other statement the database refused is a storage error.
    fn from(e: postgres::Error) -> Self {
        let retryable = e.is_closed()
            || e.as_db_error().is_none_or(|db| {
                let code = db.code().code();
                code.starts_with("08") || code.starts_with("57") || code.starts_with("40")
            });
        let detail = e.as_db_error().map_or_else(
            || e.to_string(),
            |db| format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        );
        if retryable {
            RegistryError::Unavailable(format!("the registry database is unavailable: {detail}"))
        } else {
            RegistryError::Storage(detail)
        }
    }
}

impl From<postcard::Error> for RegistryError {
    fn from(e: postcard::Error) -> Self {
        RegistryError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;
