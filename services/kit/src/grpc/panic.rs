//! A panic in a handler answers that one RPC with INTERNAL and is logged.
//!
//! Without this layer hyper's connection task unwinds: the process lives on,
//! but every RPC multiplexed on that HTTP/2 connection is cut with no status,
//! which clients see as an unexplained UNAVAILABLE. tower-http's
//! `CatchPanicLayer` answers HTTP 500, which gRPC clients do not read as a
//! gRPC status, and it does not cover streaming bodies; this one answers a
//! gRPC status both before and during a response stream.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// Wraps a service so its panics become INTERNAL responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatchPanicLayer;

impl<S> Layer<S> for CatchPanicLayer {
    type Service = CatchPanic<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CatchPanic { inner }
    }
}

/// See [`CatchPanicLayer`].
#[derive(Debug, Clone)]
pub struct CatchPanic<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for CatchPanic<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    ResBody: Default,
{
    type Response = http::Response<CatchPanicBody<ResBody>>;
    type Error = S::Error;
    type Future = CatchPanicFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let method = request.uri().path().to_owned();
        match catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => CatchPanicFuture::Running { future, method },
            Err(panic) => CatchPanicFuture::Panicked {
                method,
                message: panic_message(&*panic),
            },
        }
    }
}

pin_project! {
    /// The response future of [`CatchPanic`].
    #[project = Projection]
    pub enum CatchPanicFuture<F> {
        Running { #[pin] future: F, method: String },
        Panicked { method: String, message: String },
    }
}

impl<F, ResBody, E> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<http::Response<ResBody>, E>>,
    ResBody: Default,
{
    type Output = Result<http::Response<CatchPanicBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (method, message) = match self.project() {
            Projection::Running { future, method } => {
                match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(poll) => {
                        let response = ready!(poll)?;
                        let method = std::mem::take(method);
                        return Poll::Ready(Ok(
                            response.map(|body| CatchPanicBody::new(body, method))
                        ));
                    }
                    Err(panic) => (std::mem::take(method), panic_message(&*panic)),
                }
            }
            Projection::Panicked { method, message } => {
                (std::mem::take(method), std::mem::take(message))
            }
        };
        log_panic(&method, &message);
        let response = internal_status(&method).into_http::<ResBody>();
        Poll::Ready(Ok(response.map(|body| CatchPanicBody::new(body, method))))
    }
}

pin_project! {
    /// A response body that ends with an INTERNAL status in its trailers
    /// when producing the next message panics (a streaming handler).
    pub struct CatchPanicBody<B> {
        #[pin]
        inner: B,
        method: String,
        panicked: bool,
    }
}

impl<B> CatchPanicBody<B> {
    fn new(inner: B, method: String) -> Self {
        Self {
            inner,
            method,
            panicked: false,
        }
    }
}

impl<B: Body> Body for CatchPanicBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if *this.panicked {
            return Poll::Ready(None);
        }
        let inner = this.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.poll_frame(cx))) {
            Ok(poll) => poll,
            Err(panic) => {
                *this.panicked = true;
                log_panic(this.method, &panic_message(&*panic));
                let mut trailers = http::HeaderMap::new();
                // Only fails for metadata that cannot be a header; ours has none.
                let _ = internal_status(this.method).add_header(&mut trailers);
                Poll::Ready(Some(Ok(Frame::trailers(trailers))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.panicked || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.panicked {
            SizeHint::with_exact(0)
        } else {
            self.inner.size_hint()
        }
    }
}

/// What the client reads: the RPC failed through no fault of its request.
/// The panic's text stays in the server's log: it may describe internals.
fn internal_status(method: &str) -> tonic::Status {
    tonic::Status::internal(format!(
        "internal error while handling {method}: the server logged the details"
    ))
}

fn log_panic(method: &str, message: &str) {
    tracing::error!(
        method,
        panic = message,
        "rpc handler panicked, answered INTERNAL"
    );
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic payload that is not text)".to_owned()
    }
}
