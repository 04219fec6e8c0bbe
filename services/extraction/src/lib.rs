//! Named-entity extraction and cross-document entity linking for Dossier.
//!
//! The core (tokenizer, tagger, rules, linker, registry) knows nothing of gRPC;
//! the `grpc` module adapts it to `dossier.v1.ExtractionService` and
//! `server` serves it.

pub mod config;
pub mod conventions;
pub mod entity_type;
pub mod error;
pub mod grpc;
pub mod language;
pub mod link;
pub mod offsets;
pub mod pipeline;
pub mod quotes;
pub mod registry;
pub mod rules;
pub mod server;
pub mod tagger;
pub mod tokenize;
pub mod tooling;

pub use config::{ExtractionArgs, ExtractionConfig, RegistryUrl, parse_registry_url};
pub use entity_type::EntityType;
pub use error::ExtractionError;
pub use pipeline::Extractor;
pub use server::serve;
pub use tagger::{ModelError, NameSpan, Tagger};
