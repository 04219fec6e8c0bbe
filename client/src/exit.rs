//! Stable exit codes, so scripts can tell a missing document from a server
//! that is down. Documented in the README and in `dossier --help`.

use tonic::Code;

/// Success.
pub const OK: i32 = 0;
/// The server refused the request (invalid argument, failed precondition...).
pub const REQUEST_FAILED: i32 = 1;
/// Bad command-line usage (clap's own code).
pub const USAGE: i32 = 2;
/// The requested document or entity does not exist.
pub const NOT_FOUND: i32 = 3;
/// A service could not be reached or is unavailable.
pub const UNAVAILABLE: i32 = 4;
/// A bulk command finished, but some items were rejected.
pub const PARTIAL: i32 = 5;
/// A local file could not be read or parsed.
pub const INPUT: i32 = 6;

/// Prints an error the way a user wants to read it (the server's message, no
/// backtrace) and returns the exit code for it. A closed stdout pipe is no
/// error: it ends quietly with [`OK`].
pub fn report(err: &anyhow::Error) -> i32 {
    if let Some(err) = err.downcast_ref::<crate::output::WriteError>()
        && err.is_closed_pipe()
    {
        // `dossier ls | head`: the reader has what it wanted.
        return OK;
    }
    if let Some(status) = err.downcast_ref::<tonic::Status>() {
        let code = status.code();
        eprintln!("error: {} ({})", status.message(), code_name(code));
        if code == Code::Unauthenticated {
            eprintln!("hint: pass the token with --auth-token-file or DOSSIER_AUTH_TOKEN");
        }
        if status.message().contains("h2 protocol error") {
            eprintln!("hint: if the server serves TLS, use an https:// address and --tls-ca");
        }
        return match code {
            Code::NotFound => NOT_FOUND,
            Code::Unavailable | Code::DeadlineExceeded => UNAVAILABLE,
            _ => REQUEST_FAILED,
        };
    }
    if let Some(err) = err.downcast_ref::<crate::connect::ConnectError>() {
        eprintln!("error: {err}");
        return UNAVAILABLE;
    }
    if let Some(err) = err.downcast_ref::<crate::connect::SecurityError>() {
        eprintln!("error: {err}");
        return INPUT;
    }
    if let Some(err) = err.downcast_ref::<crate::input::InputError>() {
        eprintln!("error: {err}");
        return INPUT;
    }
    eprintln!("error: {err:#}");
    REQUEST_FAILED
}

/// The canonical upper-case name of a gRPC code, as grpcurl prints it.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}
