//! The benchmark and load commands (`dossier-bench`, `dossier-load`): a
//! deterministic news-like corpus, the real service binaries as child
//! processes, and the measurements they report. Speed is measured by these
//! commands, never by tests; the tests here only check the corpus and the
//! helpers.

pub mod corpus;
pub mod extract;
pub mod indexing;
pub mod ingest;
pub mod load;
pub mod machine;
pub mod net;
pub mod procs;
pub mod queries;
pub mod reads;
pub mod report;
pub mod stats;
