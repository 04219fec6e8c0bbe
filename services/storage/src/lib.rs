//! Storage service: the durable source of truth for documents and its change
//! feed.
//!
//! - [`store`]: the backend interface and its two implementations: redb on
//!   local disk (default) and PostgreSQL (`--database-url`), each with one
//!   writer that group-commits every write durably before it is acknowledged.
//! - [`feed`]: the change log replayed and then followed live (WatchChanges).
//! - [`validation`], [`paging`]: limits on input, opaque page tokens.
//! - [`derive`]: the clean article text and page metadata, derived from the
//!   body once at write time; [`rederive`] re-derives documents cleaned by
//!   an older cleaner, in the background.
//! - [`service`]: the document operations; [`grpc`]: the thin tonic adapter.
//!
//! Only `grpc` and `server` know about tonic.

pub mod config;
pub mod derive;
pub mod error;
pub mod feed;
pub mod grpc;
pub mod model;
pub mod paging;
pub mod rederive;
pub mod server;
pub mod service;
pub mod store;
pub mod validation;

pub use config::{DatabaseUrl, Limits, StorageArgs, StorageConfig, parse_database_url};
pub use error::Error;
pub use server::serve;
pub use store::{Store, StoreOptions};
