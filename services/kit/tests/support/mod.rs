//! A tiny hand-written gRPC service for the kit's tests (the kit has no
//! protos of its own): `Ok` answers, the `Panic*` methods panic at each
//! point a handler can, and a self-signed certificate for TLS tests.

#![allow(dead_code)] // each test binary uses part of this

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use dossier_kit::client::{self, ClientChannel};
use dossier_kit::security::{ClientSecurity, ServerTls};
use dossier_kit::{Security, ServerHost, Shutdown};
use http::uri::PathAndQuery;
use tokio::task::JoinHandle;
use tonic::body::Body;
use tonic::server::{Grpc, NamedService, ServerStreamingService, UnaryService};
use tonic::service::Routes;
use tonic::{Request, Response, Status};
use tonic_prost::ProstCodec;

pub const SERVICE: &str = "dossier.test.Probe";
pub const OK: &str = "/dossier.test.Probe/Ok";
pub const PANIC_IN_CALL: &str = "/dossier.test.Probe/PanicInCall";
pub const PANIC_IN_FUTURE: &str = "/dossier.test.Probe/PanicInFuture";
pub const PANIC_MID_STREAM: &str = "/dossier.test.Probe/PanicMidStream";

/// A running test server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub shutdown: Shutdown,
    pub task: JoinHandle<Result<(), dossier_kit::ServeError>>,
}

impl TestServer {
    pub async fn start(security: Security) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let host = ServerHost::new(&[SERVICE]).with_security(security);
        let task = tokio::spawn(host.serve(listener, routes(), shutdown.clone()));
        Self {
            addr,
            shutdown,
            task,
        }
    }

    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    pub async fn stop(self) {
        self.shutdown.trigger();
        self.task.await.unwrap().unwrap();
    }
}

/// The probe service's routes.
pub fn routes() -> Routes {
    Routes::new(Probe)
}

/// A self-signed certificate for localhost and 127.0.0.1.
pub fn self_signed() -> ServerTls {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    ServerTls::from_pem(certified.cert.pem(), certified.signing_key.serialize_pem())
}

/// Connects with the kit's client code, as the CLI and search do.
pub async fn connect(url: &str, security: &ClientSecurity) -> Result<ClientChannel, String> {
    let channel = client::endpoint(url, security)
        .map_err(|err| err.to_string())?
        .connect()
        .await
        .map_err(|err| format!("{err:?}"))?;
    Ok(client::with_auth(channel, security))
}

/// Calls the unary method at `path`.
pub async fn call(channel: ClientChannel, path: &'static str) -> Result<(), Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|err| Status::unavailable(err.to_string()))?;
    let codec = ProstCodec::<(), ()>::default();
    grpc.unary(Request::new(()), PathAndQuery::from_static(path), codec)
        .await
        .map(Response::into_inner)
}

/// Calls the streaming method at `path` and reads the whole stream: the
/// messages received before the stream ended, and how it ended.
pub async fn call_stream(
    channel: ClientChannel,
    path: &'static str,
) -> (usize, Result<(), Status>) {
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(err) = grpc.ready().await {
        return (0, Err(Status::unavailable(err.to_string())));
    }
    let codec = ProstCodec::<(), ()>::default();
    let request = Request::new(());
    let mut stream = match grpc
        .server_streaming(request, PathAndQuery::from_static(path), codec)
        .await
    {
        Ok(response) => response.into_inner(),
        Err(status) => return (0, Err(status)),
    };
    let mut received = 0;
    loop {
        match stream.message().await {
            Ok(Some(())) => received += 1,
            Ok(None) => return (received, Ok(())),
            Err(status) => return (received, Err(status)),
        }
    }
}

/// The hand-written service (what tonic-build would generate, minus protos).
#[derive(Clone)]
struct Probe;

impl NamedService for Probe {
    const NAME: &'static str = SERVICE;
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<http::Response<Body>, Infallible>> + Send>>;

impl tower::Service<http::Request<Body>> for Probe {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> BoxFuture {
        match request.uri().path() {
            OK => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<(), ()>::default());
                Ok(grpc.unary(Answer, request).await)
            }),
            PANIC_IN_CALL => panic!("probe panicked in call"),
            PANIC_IN_FUTURE => Box::pin(async move { panic!("probe panicked in its future") }),
            PANIC_MID_STREAM => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<(), ()>::default());
                Ok(grpc.server_streaming(TwoThenPanic, request).await)
            }),
            _ => Box::pin(async { Ok(Status::unimplemented("no such method").into_http()) }),
        }
    }
}

struct Answer;

impl UnaryService<()> for Answer {
    type Response = ();
    type Future = Ready<Result<Response<()>, Status>>;

    fn call(&mut self, _request: Request<()>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

struct TwoThenPanic;

type ProbeStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<(), Status>> + Send>>;

impl ServerStreamingService<()> for TwoThenPanic {
    type Response = ();
    type ResponseStream = ProbeStream;
    type Future = Ready<Result<Response<ProbeStream>, Status>>;

    fn call(&mut self, _request: Request<()>) -> Self::Future {
        let stream = Yielding {
            sent: 0,
            yielded: false,
        };
        ready(Ok(Response::new(Box::pin(stream) as ProbeStream)))
    }
}

/// Sends two messages, then panics. It returns `Pending` before each item,
/// as a handler fed by a channel does, so tonic flushes each message
/// instead of batching all three into one write.
struct Yielding {
    sent: usize,
    yielded: bool,
}

impl tokio_stream::Stream for Yielding {
    type Item = Result<(), Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded = false;
        assert!(self.sent < 2, "probe panicked mid-stream");
        self.sent += 1;
        Poll::Ready(Some(Ok(())))
    }
}
