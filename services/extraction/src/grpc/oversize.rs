//! A request too large for the transport is refused by tonic's decoder with
//! OUT_OF_RANGE and a message naming only its internal buffer limit. A
//! client that sent a 10 MB text should learn what DESIGN promises:
//! RESOURCE_EXHAUSTED, naming --max-text-bytes. This wrapper rewrites that
//! one answer of a unary call; BatchExtract maps the same status when it
//! reads it off its request stream ([`from_transport`]).

use std::pin::Pin;
use std::task::{Context, Poll};

use tonic::codegen::{Service, http};
use tonic::server::NamedService;
use tonic::{Code, Status};

/// The start of tonic's message for a request over its decoding limit.
const TRANSPORT_TOO_LARGE: &str = "Error, decoded message length too large";

/// The status for an over-limit request, naming the flag: `status` itself
/// when it is any other status.
pub fn from_transport(status: Status, max_text_bytes: usize) -> Status {
    if status.code() != Code::OutOfRange || !status.message().starts_with(TRANSPORT_TOO_LARGE) {
        return status;
    }
    too_large(status.message(), max_text_bytes)
}

fn too_large(transport_message: &str, max_text_bytes: usize) -> Status {
    let found = transport_message
        .split("found ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("?");
    Status::resource_exhausted(format!(
        "the request is {found} bytes; text may be at most {max_text_bytes} bytes \
         (--max-text-bytes); split the document"
    ))
}

/// Wraps a service so that an Extract over the transport's limit is
/// answered RESOURCE_EXHAUSTED naming --max-text-bytes.
#[derive(Debug, Clone)]
pub struct Oversize<S> {
    inner: S,
    max_text_bytes: usize,
}

impl<S> Oversize<S> {
    pub fn new(inner: S, max_text_bytes: usize) -> Self {
        Self {
            inner,
            max_text_bytes,
        }
    }
}

impl<S: NamedService> NamedService for Oversize<S> {
    const NAME: &'static str = S::NAME;
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Oversize<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    ResBody: 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        // Only Extract's request is mostly a text; other calls keep
        // tonic's answer.
        let extract = request.uri().path().ends_with("/Extract");
        let answer = self.inner.call(request);
        let limit = self.max_text_bytes;
        Box::pin(async move {
            let mut response = answer.await?;
            if extract {
                rewrite(response.headers_mut(), limit);
            }
            Ok(response)
        })
    }
}

/// Rewrites a headers-only (trailers-only) error answer in place.
fn rewrite(headers: &mut http::HeaderMap, max_text_bytes: usize) {
    let Some(status) = Status::from_header_map(headers) else {
        return;
    };
    let rewritten = from_transport(status, max_text_bytes);
    if rewritten.code() == Code::ResourceExhausted && rewritten.add_header(headers).is_err() {
        tracing::warn!("cannot rewrite an over-limit status");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transports_size_error_names_the_flag() {
        let transport = Status::out_of_range(
            "Error, decoded message length too large: found 10485770 bytes, the limit is: 4194304 bytes",
        );
        let s = from_transport(transport, 2_097_152);
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert_eq!(
            s.message(),
            "the request is 10485770 bytes; text may be at most 2097152 bytes (--max-text-bytes); split the document"
        );
        let other = from_transport(Status::out_of_range("something else"), 1);
        assert_eq!(other.code(), Code::OutOfRange);
    }

    #[test]
    fn headers_are_rewritten_in_place() {
        let mut headers = http::HeaderMap::new();
        Status::out_of_range(
            "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
        )
        .add_header(&mut headers)
        .unwrap();
        rewrite(&mut headers, 3);
        let s = Status::from_header_map(&headers).unwrap();
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert!(
            s.message().contains("(--max-text-bytes)"),
            "{}",
            s.message()
        );
        let mut ok = http::HeaderMap::new();
        rewrite(&mut ok, 3);
        assert!(ok.is_empty());
    }
}
