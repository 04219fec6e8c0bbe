//! What goes wrong while building a page, and the page that says so with
//! the HTTP status that matches the gRPC code: a missing document is a 404,
//! a query the service refuses is a 400 with the service's message, a
//! service that is down is a 503. A call that needs a token the console
//! does not have shows the token form (401) instead.

use axum::http::StatusCode;
use maud::html;
use tonic::Code;

use crate::context::{Ctx, Page};
use crate::grpc::ApiError;
use crate::pages::login;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A parameter of the page's URL or form is wrong.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
}

/// The HTTP status for a gRPC code. Exhaustive on purpose: a new code
/// forces a decision here.
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::InvalidArgument | Code::OutOfRange => StatusCode::BAD_REQUEST,
        // A query or page size over a limit: the analyst's to change.
        Code::ResourceExhausted => StatusCode::BAD_REQUEST,
        Code::FailedPrecondition | Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Cancelled | Code::Unknown | Code::Unimplemented | Code::Internal | Code::DataLoss => {
            StatusCode::BAD_GATEWAY
        }
    }
}

impl WebError {
    /// The error page.
    pub fn page(&self, ctx: &Ctx) -> Page {
        match self {
            WebError::Api(err)
                if err.code == Code::Unauthenticated && !ctx.services().has_fixed_token() =>
            {
                login::prompt(ctx, &ctx.here, true).with_status(StatusCode::UNAUTHORIZED)
            }
            WebError::Api(err) => {
                let status = http_status(err.code);
                let (heading, advice) = describe(err.code);
                let main = html! {
                    section.error aria-labelledby="error-title" {
                        h1 #error-title { (heading) }
                        p { "The " strong { (err.service) } " service answered "
                            code { (format!("{:?}", err.code)) } ": " }
                        blockquote.message { (err.message) }
                        p { (advice) }
                        p { a href="/status" { "Service status" } " · " a href="/search" { "New search" } }
                    }
                };
                Page::new(heading, "", main).with_status(status)
            }
            WebError::BadRequest(message) => {
                simple(StatusCode::BAD_REQUEST, "Bad request", message)
            }
            WebError::Forbidden(message) => simple(StatusCode::FORBIDDEN, "Refused", message),
        }
    }
}

fn simple(status: StatusCode, heading: &str, message: &str) -> Page {
    let main = html! {
        section.error { h1 { (heading) } p { (message) } p { a href="/search" { "New search" } } }
    };
    Page::new(heading, "", main).with_status(status)
}

fn describe(code: Code) -> (&'static str, &'static str) {
    match code {
        Code::NotFound => (
            "Not found",
            "It may have been deleted, merged or never existed.",
        ),
        Code::InvalidArgument | Code::OutOfRange | Code::ResourceExhausted => (
            "The request was refused",
            "Change what the message names and try again.",
        ),
        Code::Unavailable => (
            "A service is unavailable",
            "It may be starting or stopped; the status page shows which.",
        ),
        Code::DeadlineExceeded => ("A service took too long", "Try again, or narrow the query."),
        Code::Unauthenticated | Code::PermissionDenied => {
            ("Not allowed", "The token the console sends was refused.")
        }
        _ => (
            "Something went wrong",
            "Try again; if it persists, see the service's logs.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_statuses() {
        assert_eq!(http_status(Code::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(http_status(Code::InvalidArgument), StatusCode::BAD_REQUEST);
        assert_eq!(
            http_status(Code::Unavailable),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
