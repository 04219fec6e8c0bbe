//! The `dossier` command-line client. Every command is a gRPC call (or a
//! stream of them) to one of the services; the client formats what comes back
//! and holds no logic that belongs to a service.

pub mod cli;
pub mod commands;
pub mod connect;
pub mod exit;
pub mod input;
pub mod output;
