//! Every synthetic corpus the benchmarks use, each deterministic for its
//! seed: the news corpus of `dossier-bench` and `dossier-load`, the index
//! documents of `dossier-search-bench`, the articles of
//! `dossier-storage-bench`, the story stream of `dossier-story-bench`, and the extraction benches' text. They differ
//! because each bench's published figures were taken on its own corpus; they
//! share the samplers in `words`.

pub mod index_docs;
pub mod news;
pub mod storage_articles;
pub mod stories;
pub mod synthetic;
pub mod words;

pub use index_docs::IndexCorpus;
pub use news::{Corpus, DAYS, OUTLETS, Person, STORY_SIZE, T0, VOCABULARY};
pub use storage_articles::StorageCorpus;
pub use words::Zipf;
