//! Dossier's benchmarks in one place: the synthetic corpora (`corpus`), the
//! harness every bench shares (latency histograms and number formatting in
//! `stats`, the markdown report in `report`, machine facts in `machine`, the
//! service binaries as child processes in `procs`, their memory sampled in
//! `memory`), and the measurements of
//! `dossier-bench` and `dossier-load` (`watches`: saved searches and how
//! fast their matches arrive; `screening`: a long list of names checked
//! against the index). The commands are in `src/bin/`:
//!
//! - `dossier-bench`: the whole system, one table; `dossier-load`: mixed
//!   concurrent load (both drive the release service binaries over gRPC);
//! - `dossier-storage-bench`, `dossier-search-bench`,
//!   `dossier-extraction-bench`, `dossier-extraction-grpc-bench`: one
//!   service each, in-process.
//!
//! Speed is measured by these commands, never by tests; the tests here only
//! check the corpora and the helpers.

pub mod corpus;
pub mod extract;
pub mod indexing;
pub mod ingest;
pub mod load;
pub mod machine;
pub mod memory;
pub mod net;
pub mod procs;
pub mod queries;
pub mod reads;
pub mod report;
pub mod screening;
pub mod stats;
pub mod watches;
