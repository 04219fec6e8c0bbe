//! Quotes: who said what, in which outlet, when.
//!
//! Extraction reports each article's quotes with their speakers. The
//! article index keeps them with the article (`quotes_packed`, and the
//! speakers' ids in `quote`, so `quote:<entity>` finds the articles where
//! an entity is quoted). Beside it, the quote index holds one record per
//! quote ([`records`]), in the article schema, so that ListQuotes ([`list`])
//! reads the query language against each quote's own words, counts and
//! pages quotes exactly, and sorts them newest first without touching the
//! articles. Both indexes are written and committed together
//! (`index/quotes.rs`); a speaker id is always the one extraction gave at
//! the article's last (re-)extraction, so curated merges reach quotes as
//! they reach `entity:` queries.

mod document;
pub mod list;
mod quote;
pub mod records;

pub use document::record_document;
pub use list::{ListedQuote, QuoteListing, QuotePage, list_quotes};
pub use quote::{DocQuote, quotes_of};
pub use records::records;

#[cfg(test)]
mod tests;
