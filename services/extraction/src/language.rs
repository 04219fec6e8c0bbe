//! The language gate: which texts the tagger and rules may read.
//!
//! The tagger is trained on English news (CoNLL-2003) and the value rules
//! know English month names, currencies and phrasing. Run on German, the
//! tagger reads every capitalised noun ("Dienstag", "Staatsbesuch") as a
//! name and fills the registry with junk entities. So a text whose language
//! has no model gets no mentions at all, until a model for it is added to
//! [`TAGGED_LANGUAGES`]. The check is a few byte comparisons, so English
//! extraction costs what it did before.

/// Primary BCP 47 subtags the tagger and rules read (`GetModelInfo`).
pub const TAGGED_LANGUAGES: &[&str] = &["en"];

/// Whether a text in `language` (a BCP 47 tag as `Document.language` holds
/// it) is tagged. Unknown — empty or "und" — counts as English, as it did
/// before requests carried a language; any tag whose primary subtag is a
/// tagged language ("en", "EN-gb", "en_US") counts as that language. The
/// three-letter code "eng" is accepted too.
pub fn is_tagged(language: Option<&str>) -> bool {
    let Some(tag) = language.map(str::trim).filter(|t| !t.is_empty()) else {
        return true;
    };
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("und") || primary.eq_ignore_ascii_case("eng") {
        return true;
    }
    TAGGED_LANGUAGES
        .iter()
        .any(|l| primary.eq_ignore_ascii_case(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_unknown_are_tagged() {
        for tag in [
            None,
            Some(""),
            Some(" "),
            Some("en"),
            Some("EN"),
            Some("en-GB"),
            Some("en_US"),
            Some("eng"),
            Some("und"),
        ] {
            assert!(is_tagged(tag), "{tag:?}");
        }
    }

    #[test]
    fn other_languages_are_not() {
        for tag in [
            "de",
            "de-AT",
            "fr",
            "ru",
            "zh-Hant",
            "ena",
            "e",
            "english-ish",
        ] {
            assert!(!is_tagged(Some(tag)), "{tag}");
        }
    }
}
