//! Language of an article: declared by the page, else detected (whatlang).

/// Normalises a declared language (`en-US`, `DE_de`, `eng`) to ISO 639-1.
pub fn normalize(declared: &str) -> Option<String> {
    let primary = declared
        .trim()
        .split(['-', '_'])
        .next()?
        .to_ascii_lowercase();
    match primary.len() {
        2 if primary.bytes().all(|b| b.is_ascii_lowercase()) => Some(primary),
        3 => whatlang::Lang::from_code(&primary).map(|l| iso1(l).to_string()),
        _ => None,
    }
}

/// Detects the language of `text` when it is long and clear enough to trust;
/// looks at the first 2,000 characters only, which is plenty and keeps the
/// cost flat.
pub fn detect(text: &str) -> Option<String> {
    let sample: String = text.chars().take(2000).collect();
    if crate::text::word_chars(&sample) < 40 {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    (info.is_reliable() || info.confidence() > 0.5).then(|| iso1(info.lang()).to_string())
}

/// ISO 639-1 where one exists, else whatlang's ISO 639-3 code.
fn iso1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Eng => "en",
        Deu => "de",
        Fra => "fr",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Ces => "cs",
        Slk => "sk",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Fin => "fi",
        Hun => "hu",
        Ron => "ro",
        Tur => "tr",
        Ell => "el",
        Bul => "bg",
        Srp => "sr",
        Hrv => "hr",
        Slv => "sl",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Ara => "ar",
        Heb => "he",
        Pes => "fa",
        Hin => "hi",
        Ben => "bn",
        Urd => "ur",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Tha => "th",
        Vie => "vi",
        Ind => "id",
        Cat => "ca",
        Epo => "eo",
        Bel => "be",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_declared() {
        assert_eq!(normalize("en-US").as_deref(), Some("en"));
        assert_eq!(normalize("DE_de").as_deref(), Some("de"));
        assert_eq!(normalize("x").as_deref(), None);
    }

    #[test]
    fn detects_german_and_english() {
        let de = "Der Bundespräsident ist am Dienstag zu einem Staatsbesuch nach Frankreich gereist, wo er mit dem Präsidenten über die Zukunft Europas sprach.";
        assert_eq!(detect(de).as_deref(), Some("de"));
        let en = "The president travelled to France on Tuesday for a state visit, where he discussed the future of Europe with his counterpart.";
        assert_eq!(detect(en).as_deref(), Some("en"));
        assert_eq!(detect("Hi"), None);
    }
}
