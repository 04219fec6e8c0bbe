//! Entity linking: which name mentions are the same entity, within one
//! document ([`document`]) and across documents (the transliteration-aware
//! keys of [`fold`] and [`variant`], the similarity and blocking rules of
//! [`score`], and the candidate [`index`]). The registry applies these to its
//! stored entities.

pub mod arabic;
pub mod chinese;
pub mod document;
pub mod fold;
pub mod given;
pub mod index;
pub mod name;
pub mod score;
pub mod variant;

pub use document::{LocalEntity, cluster_document};
pub use name::ParsedName;

use crate::EntityType;

/// A name mention as the tagger found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMention {
    /// UTF-8 byte offsets into the document text.
    pub start: usize,
    pub end: usize,
    /// The mention's text, titles and possessives included.
    pub text: String,
    pub entity_type: EntityType,
}

/// What the linker knows about the document a mention comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentMeta {
    /// The stored document's id. `None`: resolve only, change nothing.
    pub document_id: Option<String>,
    /// The outlet.
    pub source: Option<String>,
    /// Publication time, Unix seconds.
    pub published_at: Option<i64>,
}
