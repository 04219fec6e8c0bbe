//! Hosting gRPC services: every Dossier server also serves `grpc.health.v1`
//! and server reflection (v1 and v1alpha), turns handler panics into
//! INTERNAL, applies the process's TLS and authentication, and shuts down in
//! order.

mod auth;
mod oversize;
mod panic;

pub use auth::AuthLayer;
pub use oversize::{MessageLimit, Oversize};
pub use panic::CatchPanicLayer;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};

use crate::deadline;
use crate::security::{self, Security};
use crate::shutdown::Shutdown;

/// How long in-flight RPCs may run on after shutdown starts before the server
/// stops waiting for them.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The server could not start or failed while serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot build the reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("transport error: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("cannot read the listener's address: {0}")]
    Io(#[from] std::io::Error),
}

/// One gRPC server: the service routes of one Dossier service, plus health and
/// reflection, on one listener.
pub struct ServerHost {
    services: Vec<&'static str>,
    health: HealthReporter,
    drain_timeout: Duration,
    security: Option<Security>,
}

impl ServerHost {
    /// `services` are the fully qualified names health reports on, e.g.
    /// `dossier.v1.DocumentService`.
    pub fn new(services: &[&'static str]) -> Self {
        Self {
            services: services.to_vec(),
            health: HealthReporter::new(),
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            security: None,
        }
    }

    /// Serves with `security` instead of the process-wide
    /// [`security::installed`] setting (tests with several servers).
    pub fn with_security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    pub fn with_drain_timeout(mut self, drain_timeout: Duration) -> Self {
        self.drain_timeout = drain_timeout;
        self
    }

    /// The health reporter, for services that change their status at run
    /// time (e.g. NOT_SERVING while a dependency is down).
    pub fn health(&self) -> HealthReporter {
        self.health.clone()
    }

    /// Serves `routes` on `listener` until `shutdown` triggers; then reports
    /// NOT_SERVING, stops accepting, lets in-flight RPCs finish (up to the
    /// drain timeout) and returns.
    pub async fn serve(
        self,
        listener: TcpListener,
        routes: Routes,
        shutdown: Shutdown,
    ) -> Result<(), ServeError> {
        let addr = listener.local_addr()?;
        self.set_status(ServingStatus::Serving).await;
        let reflection_v1 = reflection_builder(&self.services).build_v1()?;
        let reflection_v1alpha = reflection_builder(&self.services).build_v1alpha()?;

        let health = self.health.clone();
        let services = self.services.clone();
        let on_shutdown = shutdown.clone();
        let stop_accepting = async move {
            on_shutdown.triggered().await;
            for name in services.iter().copied().chain([""]) {
                health
                    .set_service_status(name, ServingStatus::NotServing)
                    .await;
            }
        };

        let security = self.security.clone().unwrap_or_else(security::installed);
        log_security(addr, &self.services, &security);
        let mut builder = Server::builder();
        if let Some(tls) = &security.tls {
            builder = builder.tls_config(tls.config())?;
        }
        let health_service =
            HealthServer::new(HealthService::from_health_reporter(self.health.clone()));
        let routes = routes
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha);
        let server = builder
            .trace_fn(|request| {
                tracing::info_span!("rpc", id = next_rpc_id(), method = %request.uri().path())
            })
            // Outermost, so a panic anywhere below still gets a status.
            .layer(CatchPanicLayer)
            .layer(AuthLayer::new(security.auth_token))
            .add_routes(routes)
            .serve_with_incoming_shutdown(incoming(listener), stop_accepting);
        tokio::pin!(server);

        let drain_timeout = self.drain_timeout;
        let drain_deadline = async {
            shutdown.triggered().await;
            tokio::time::sleep(drain_timeout).await;
        };
        tokio::select! {
            result = &mut server => result?,
            _ = drain_deadline => {
                tracing::warn!(%addr, ?drain_timeout, "in-flight rpcs did not finish in time, closing anyway");
            }
        }
        tracing::debug!(%addr, "server stopped");
        Ok(())
    }

    async fn set_status(&self, status: ServingStatus) {
        for name in self.services.iter().copied().chain([""]) {
            self.health.set_service_status(name, status).await;
        }
    }
}

/// The interceptor of [`edge`]: stamps each request's arrival.
pub type Stamp = fn(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status>;

/// A generated service as every Dossier server hosts it.
pub type Edge<S> = Oversize<InterceptedService<S, Stamp>>;

/// Wraps a generated service (e.g. `DocumentServiceServer`) for hosting:
/// each call is stamped with its arrival, from which its deadline counts
/// ([`deadline::stamp`]), and a request over the transport's decoding limit
/// is answered RESOURCE_EXHAUSTED naming `limit`'s flag ([`Oversize`]).
pub fn edge<S>(service: S, limit: MessageLimit) -> Edge<S> {
    Oversize::new(
        InterceptedService::new(service, deadline::stamp as Stamp),
        limit,
    )
}

/// States what protects the listener (never the token itself), and warns
/// when a server reachable from other machines is open to anyone.
fn log_security(addr: std::net::SocketAddr, services: &[&str], security: &Security) {
    let tls = security.tls.is_some();
    let auth = security.auth_token.is_some();
    tracing::debug!(%addr, ?services, tls, auth, "serving");
    if !addr.ip().is_loopback() && !auth {
        tracing::warn!(
            %addr,
            tls,
            "listening beyond loopback without authentication: anyone who can reach it can \
             read and change data (set --auth-token-file)"
        );
    }
}

/// Accepted connections with TCP_NODELAY: without it Nagle's algorithm holds
/// small replies back for tens of milliseconds.
fn incoming(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// Reflection that lists what this server really serves: its own services,
/// health and both reflection versions — not every service whose descriptor
/// happens to share the dossier descriptor set.
fn reflection_builder(services: &[&'static str]) -> tonic_reflection::server::Builder<'static> {
    let mut builder = tonic_reflection::server::Builder::configure()
        .include_reflection_service(false)
        .register_encoded_file_descriptor_set(dossier_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET);
    for name in services.iter().copied().chain(ALWAYS_SERVED) {
        builder = builder.with_service_name(name);
    }
    builder
}

/// Served by every Dossier server beside its own services.
const ALWAYS_SERVED: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

fn next_rpc_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
