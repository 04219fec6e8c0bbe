//! How free text becomes terms. Every text field, the name fields and the
//! gram fields (`grams`, which pairs this analyzer's tokens) see the same
//! words, so a query term, an alias and a phrase meet whatever the field.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};

/// Tokenizer of every free-text field: split on non-alphanumerics, lowercase,
/// fold accents, so "Qaddafi's" and "qaddafi" meet and "Kadhafi" needs no é.
pub const TEXT_TOKENIZER: &str = "news";

/// The analyzer behind TEXT_TOKENIZER.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}
