//! The test kit: starts real Dossier services in-process on loopback port 0
//! (each with its own shutdown, so a test can stop and restart one), hands
//! out gRPC clients, and loads the project's fixture articles.

pub mod fixtures;
pub mod import;
pub mod postgres;
pub mod services;
pub mod tools;

pub use import::import_created;
pub use services::{Service, TestSystem};
