//! Search service: a tantivy index that follows storage's change feed, knows
//! the entities extraction finds, and answers full-text and entity queries.
//!
//! Core modules (`schema`, `index`, `query`, `search`, `service`, `export`,
//! `indexer`...) know nothing of gRPC; `grpc` maps requests to them and
//! `Error` to statuses; `server` serves it.

pub mod analyzer;
pub mod collect;
pub mod config;
pub mod dates;
pub mod error;
pub mod export;
pub mod facets;
pub mod grams;
pub mod grpc;
pub mod index;
pub mod indexer;
pub mod memo;
pub mod model;
pub mod packed;
pub mod query;
pub mod quotes;
pub mod related;
pub mod schema;
pub mod screening;
pub mod search;
pub mod server;
pub mod service;
pub mod stats;
pub mod stored;
pub mod stories;
pub mod token;
pub mod watches;

#[cfg(test)]
pub(crate) mod testing;

pub use config::{SearchArgs, SearchConfig};
pub use error::{Error, Result};
pub use server::serve;
