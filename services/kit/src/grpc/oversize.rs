//! Requests over tonic's decoding limit, answered as the design promises.
//!
//! tonic's decoder refuses such a request with OUT_OF_RANGE and a message
//! naming only its internal buffer limit. A client that sent a 10 MB text
//! should learn what to change: RESOURCE_EXHAUSTED, naming the field and
//! the flag that limits it. [`Oversize`] rewrites that one answer of a
//! unary request; a stream handler maps the same status when it reads it
//! off its request stream ([`MessageLimit::from_transport`]).

use std::pin::Pin;
use std::task::{Context, Poll};

use tonic::codegen::{Service, http};
use tonic::server::NamedService;
use tonic::{Code, Status};

/// The start of tonic's message for a request over its decoding limit.
const TRANSPORT_TOO_LARGE: &str = "Error, decoded message length too large";

/// The limit a service's large requests run into, as told to the client.
#[derive(Debug, Clone, Copy)]
pub struct MessageLimit {
    /// RPCs whose request is mostly `field` (e.g. `["Extract"]`); oversized
    /// requests of other RPCs keep tonic's answer.
    pub rpcs: &'static [&'static str],
    /// The request field that makes a message large, e.g. `document.body`.
    pub field: &'static str,
    /// The field's own limit, in bytes.
    pub max_bytes: usize,
    /// The flag that sets `max_bytes`, e.g. `--max-body-bytes`.
    pub flag: &'static str,
    /// What the client can do, e.g. "split the document"; may be empty.
    pub advice: &'static str,
}

impl MessageLimit {
    /// The status for an over-limit request, naming the field and flag:
    /// `status` itself when it is any other status.
    pub fn from_transport(&self, status: Status) -> Status {
        if status.code() != Code::OutOfRange || !status.message().starts_with(TRANSPORT_TOO_LARGE) {
            return status;
        }
        let number_after = |marker: &str| {
            let message = status.message();
            message
                .split(marker)
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or("?")
                .to_string()
        };
        let (found, limit) = (number_after("found "), number_after("limit is: "));
        let MessageLimit {
            field,
            max_bytes,
            flag,
            advice,
            ..
        } = self;
        let advice = if advice.is_empty() {
            String::new()
        } else {
            format!("; {advice}")
        };
        Status::resource_exhausted(format!(
            "the request is {found} bytes and the limit is {limit} bytes; {field} may be at \
             most {max_bytes} bytes ({flag}){advice}"
        ))
    }

    /// Whether requests to `path` (`/package.Service/Method`) are mostly
    /// the limited field.
    fn covers(&self, path: &str) -> bool {
        path.rsplit('/')
            .next()
            .is_some_and(|method| self.rpcs.contains(&method))
    }

    /// Rewrites a headers-only (trailers-only) error answer in place.
    fn rewrite(&self, headers: &mut http::HeaderMap) {
        let Some(status) = Status::from_header_map(headers) else {
            return;
        };
        let rewritten = self.from_transport(status);
        if rewritten.code() == Code::ResourceExhausted && rewritten.add_header(headers).is_err() {
            tracing::warn!("cannot rewrite an over-limit status");
        }
    }
}

/// Wraps a service so that a unary request over the transport's limit is
/// answered RESOURCE_EXHAUSTED naming the limit's flag.
#[derive(Debug, Clone)]
pub struct Oversize<S> {
    inner: S,
    limit: MessageLimit,
}

impl<S> Oversize<S> {
    pub fn new(inner: S, limit: MessageLimit) -> Self {
        Self { inner, limit }
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
        let limit = self
            .limit
            .covers(request.uri().path())
            .then_some(self.limit);
        let answer = self.inner.call(request);
        Box::pin(async move {
            let mut response = answer.await?;
            if let Some(limit) = limit {
                limit.rewrite(response.headers_mut());
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: MessageLimit = MessageLimit {
        rpcs: &["Extract"],
        field: "text",
        max_bytes: 2_097_152,
        flag: "--max-text-bytes",
        advice: "split the document",
    };

    #[test]
    fn the_transports_size_error_names_the_field_and_flag() {
        let transport = Status::out_of_range(
            "Error, decoded message length too large: found 10485770 bytes, the limit is: 4194304 bytes",
        );
        let s = TEXT.from_transport(transport);
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert_eq!(
            s.message(),
            "the request is 10485770 bytes and the limit is 4194304 bytes; text may be at most \
             2097152 bytes (--max-text-bytes); split the document"
        );
        let other = TEXT.from_transport(Status::out_of_range("something else"));
        assert_eq!(other.code(), Code::OutOfRange);
    }

    #[test]
    fn headers_are_rewritten_in_place_for_the_limits_rpcs_only() {
        assert!(TEXT.covers("/dossier.v1.ExtractionService/Extract"));
        assert!(!TEXT.covers("/dossier.v1.ExtractionService/GetEntity"));
        let mut headers = http::HeaderMap::new();
        Status::out_of_range(
            "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
        )
        .add_header(&mut headers)
        .unwrap();
        TEXT.rewrite(&mut headers);
        let s = Status::from_header_map(&headers).unwrap();
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert!(
            s.message().contains("(--max-text-bytes)"),
            "{}",
            s.message()
        );
        let mut ok = http::HeaderMap::new();
        TEXT.rewrite(&mut ok);
        assert!(ok.is_empty());
    }
}
