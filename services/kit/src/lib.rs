//! What every Dossier server shares, so each service crate holds only its own
//! logic: tracing set-up, listeners, health and reflection wiring, graceful
//! shutdown, TLS and authentication, panic containment, the error side of
//! the gRPC edge (status codes, bounded messages, deadlines, oversized
//! requests), and running CPU-bound work off the async runtime.

pub mod blocking;
pub mod civil;
pub mod client;
pub mod deadline;
pub mod grpc;
pub mod listen;
pub mod security;
pub mod shutdown;
pub mod status;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use blocking::run_blocking;
pub use grpc::{MessageLimit, ServeError, ServerHost, edge};
pub use security::Security;
pub use shutdown::Shutdown;
pub use status::{ServiceError, echo};
