//! Bearer-token authentication in front of every route but health.
//!
//! Health stays open because the things that probe it (load balancers,
//! `docker compose` health checks, Kubernetes gRPC probes) cannot send a
//! token, and it reveals nothing but up or down. Reflection is *not*
//! exempt: the schema is public in the repository, but a locked-down server
//! should answer nothing to a stranger, and grpcurl's `-H` sends the token
//! to reflection calls too.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
use tower::{Layer, Service};

use crate::security::AuthToken;

/// Paths served without a token.
const EXEMPT_PREFIXES: [&str; 1] = ["/grpc.health.v1.Health/"];

/// Checks the `authorization` header of every request when a token is set;
/// passes everything through when it is not.
#[derive(Debug, Clone, Default)]
pub struct AuthLayer {
    token: Option<AuthToken>,
}

impl AuthLayer {
    pub fn new(token: Option<AuthToken>) -> Self {
        Self { token }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            token: self.token.clone(),
        }
    }
}

/// See [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    token: Option<AuthToken>,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Auth<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    ResBody: Default,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = AuthFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        match check(self.token.as_ref(), &request) {
            Ok(()) => AuthFuture::Inner {
                future: self.inner.call(request),
            },
            Err(rejection) => {
                tracing::warn!(
                    method = request.uri().path(),
                    peer = ?peer(&request),
                    reason = rejection.reason(),
                    "unauthenticated rpc rejected"
                );
                AuthFuture::Rejected {
                    response: Some(rejection.status().into_http()),
                }
            }
        }
    }
}

pin_project! {
    /// The response future of [`Auth`].
    #[project = Projection]
    pub enum AuthFuture<F, B> {
        Inner { #[pin] future: F },
        Rejected { response: Option<http::Response<B>> },
    }
}

impl<F, B, E> Future for AuthFuture<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
{
    type Output = Result<http::Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projection::Inner { future } => future.poll(cx),
            Projection::Rejected { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after completion: a caller bug; stay pending
                // rather than panic.
                None => Poll::Pending,
            },
        }
    }
}

/// Why a request was refused. The messages say what to send, never what
/// the expected token is or how close a guess came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rejection {
    Missing,
    Malformed,
    Invalid,
}

impl Rejection {
    fn reason(self) -> &'static str {
        match self {
            Self::Missing => "no authorization metadata",
            Self::Malformed => "authorization is not a bearer token",
            Self::Invalid => "wrong token",
        }
    }

    fn status(self) -> tonic::Status {
        tonic::Status::unauthenticated(match self {
            Self::Missing => {
                "this server requires authentication: send the metadata \
                 'authorization: Bearer <token>'"
            }
            Self::Malformed => "the authorization metadata must be 'Bearer <token>'",
            Self::Invalid => "the bearer token is not valid for this server",
        })
    }
}

fn check<B>(token: Option<&AuthToken>, request: &http::Request<B>) -> Result<(), Rejection> {
    let Some(token) = token else {
        return Ok(());
    };
    let path = request.uri().path();
    if EXEMPT_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
    {
        return Ok(());
    }
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .ok_or(Rejection::Missing)?;
    let presented = bearer_credentials(header.as_bytes()).ok_or(Rejection::Malformed)?;
    if token.matches(presented) {
        Ok(())
    } else {
        Err(Rejection::Invalid)
    }
}

/// The credentials of a `Bearer` authorization value; the scheme name is
/// case-insensitive (RFC 6750 via RFC 9110).
fn bearer_credentials(value: &[u8]) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"bearer ";
    let (scheme, rest) = value.split_at_checked(SCHEME.len())?;
    scheme
        .eq_ignore_ascii_case(SCHEME)
        .then(|| rest.trim_ascii())
}

fn peer<B>(request: &http::Request<B>) -> Option<std::net::SocketAddr> {
    let extensions = request.extensions();
    extensions
        .get::<TcpConnectInfo>()
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .map(TlsConnectInfo::get_ref)
        })
        .and_then(TcpConnectInfo::remote_addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, authorization: Option<&str>) -> http::Request<()> {
        let mut builder = http::Request::builder().uri(path);
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn checks_bearer_tokens_except_for_health() {
        let token = AuthToken::parse("0123456789abcdef").unwrap();
        let token = Some(&token);
        let rpc = "/dossier.v1.DocumentService/GetDocument";
        assert_eq!(check(token, &request(rpc, None)), Err(Rejection::Missing));
        assert_eq!(
            check(token, &request(rpc, Some("Basic abc"))),
            Err(Rejection::Malformed)
        );
        assert_eq!(
            check(token, &request(rpc, Some("Bearer 0123456789abcdeX"))),
            Err(Rejection::Invalid)
        );
        assert_eq!(
            check(token, &request(rpc, Some("bearer 0123456789abcdef"))),
            Ok(())
        );
        assert_eq!(
            check(token, &request("/grpc.health.v1.Health/Check", None)),
            Ok(())
        );
        assert_eq!(
            check(
                token,
                &request(
                    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                    None
                )
            ),
            Err(Rejection::Missing)
        );
        assert_eq!(check(None, &request(rpc, None)), Ok(()));
    }
}
