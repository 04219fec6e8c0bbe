//! How free text becomes terms. Every text field, the name fields and the
//! gram fields (`grams`, which pairs this analyzer's tokens) see the same
//! words, so a query term, an alias and a phrase meet whatever the field.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
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

/// Languages with a stemmed text field (`text_de`, `text_fr`, ...): every
/// stemmer tantivy ships but English's, keyed by ISO 639-1 code.
pub const STEMMED_LANGUAGES: [(&str, Language); 17] = [
    ("ar", Language::Arabic),
    ("da", Language::Danish),
    ("de", Language::German),
    ("el", Language::Greek),
    ("es", Language::Spanish),
    ("fi", Language::Finnish),
    ("fr", Language::French),
    ("hu", Language::Hungarian),
    ("it", Language::Italian),
    ("nl", Language::Dutch),
    ("no", Language::Norwegian),
    ("pt", Language::Portuguese),
    ("ro", Language::Romanian),
    ("ru", Language::Russian),
    ("sv", Language::Swedish),
    ("ta", Language::Tamil),
    ("tr", Language::Turkish),
];

/// The tokenizer name of a stemmed field (`news_stem_de`).
pub fn stemmed_tokenizer(code: &str) -> String {
    format!("{TEXT_TOKENIZER}_stem_{code}")
}

/// The `news` analyzer plus `language`'s Snowball stemmer. The stemmer
/// runs before accent folding: the German and French algorithms read
/// umlauts and accents.
pub fn stemmed_analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(Stemmer::new(language))
        .filter(AsciiFoldingFilter)
        .build()
}
