//! Folding a name to a plain lowercase ASCII-ish form: diacritics removed
//! (Unicode NFKD, combining marks dropped), Cyrillic romanised, punctuation
//! turned into token breaks. "Навальный" → "navalnyy", "Łukasz Müller" →
//! "lukasz muller", "O'Brien" → "obrien", "U.S." → "us".
//!
//! Cyrillic is romanised per character *before* decomposition, because NFKD
//! would turn "й" into "и" + breve and lose the distinction.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` into space-separated lowercase tokens.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    // Ukrainian text (і, ї, є, ґ appear in no Russian word) is romanised
    // the Ukrainian way: Гавриленко is Havrylenko there, not Gavrilenko.
    let ukrainian = text.chars().any(is_ukrainian_letter);
    for ch in text.chars() {
        if is_cyrillic(ch) {
            let lower = ch.to_lowercase().next().unwrap_or(ch);
            let word_start = !prev.is_some_and(char::is_alphabetic);
            let after_vowel = prev.is_some_and(is_cyrillic_vowel);
            let iotated = word_start || after_vowel;
            let roman = if ukrainian {
                romanise_ukrainian(lower, iotated)
            } else {
                None
            };
            out.push_str(roman.unwrap_or_else(|| romanise(lower, iotated)));
        } else if ch.is_ascii() {
            push_ascii(&mut out, ch);
        } else if let Some(s) = special(ch) {
            out.push_str(s);
        } else {
            for d in std::iter::once(ch).nfkd() {
                if is_combining_mark(d) {
                    continue;
                }
                match special(d) {
                    Some(s) => out.push_str(s),
                    None if d.is_alphanumeric() => out.extend(d.to_lowercase()),
                    None if is_apostrophe(d) => {}
                    None => out.push(' '),
                }
            }
        }
        prev = Some(ch);
    }
    collapse_spaces(&out)
}

fn push_ascii(out: &mut String, ch: char) {
    match ch {
        'A'..='Z' => out.push(ch.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' => out.push(ch),
        // Apostrophes and dots join: O'Brien, U.S.
        '\'' | '`' | '.' => {}
        _ => out.push(' '),
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '\u{00B4}'
    )
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for tok in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(tok);
    }
    out
}

/// Letters that NFKD does not decompose into a base letter plus marks, and
/// letters whose base letter would lose a sound (ż).
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        'ħ' | 'Ħ' => "h",
        // Polish ż is Ж (Preobrażenski = Preobrazhensky).
        'ż' | 'Ż' => "zh",
        '\u{2010}'..='\u{2015}' => " ",
        _ => return None,
    })
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn is_cyrillic_vowel(c: char) -> bool {
    "аеёиоуыэюяєіїАЕЁИОУЫЭЮЯЄІЇ".contains(c)
}

fn is_ukrainian_letter(c: char) -> bool {
    matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ')
}

/// The letters Ukraine's national romanisation writes otherwise than the
/// Russian table; `None` for the rest.
fn romanise_ukrainian(c: char, iotated: bool) -> Option<&'static str> {
    Some(match c {
        'г' => "h",
        'и' => "y",
        'е' => "e",
        'є' if !iotated => "ie",
        'ї' if !iotated => "i",
        'й' if !iotated => "i",
        'ю' if !iotated => "iu",
        'я' if !iotated => "ia",
        _ => return None,
    })
}

/// News-style romanisation (BGN/PCGN-like, as wire services write it);
/// `iotated` is true at a word start or after a vowel, where е is "ye".
fn romanise(c: char, iotated: bool) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' if iotated => "ye",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        // Ukrainian and Belarusian.
        'є' => "ye",
        'і' => "i",
        'ї' => "yi",
        'ґ' => "g",
        'ў' => "u",
        // Serbian and Macedonian.
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' => "dz",
        'ѓ' => "gj",
        'ќ' => "kj",
        'ѕ' => "dz",
        _ => " ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_fold() {
        assert_eq!(fold("Łukasz Müller"), "lukasz muller");
        assert_eq!(fold("José Ñúñez"), "jose nunez");
        assert_eq!(fold("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ærø"), "aero");
        assert_eq!(fold("Preobrażenski"), "preobrazhenski");
    }

    #[test]
    fn cyrillic_romanised() {
        assert_eq!(fold("Навальный"), "navalnyy");
        assert_eq!(fold("Алексей Навальный"), "aleksey navalnyy");
        assert_eq!(fold("Юлия Тимошенко"), "yuliya timoshenko");
        assert_eq!(fold("Ельцин"), "yeltsin");
        assert_eq!(fold("Зеленський"), "zelenskiy");
        assert_eq!(fold("Хрущёв"), "khrushchyov");
    }

    #[test]
    fn ukrainian_cyrillic_romanised_the_ukrainian_way() {
        assert_eq!(fold("Євген Гавриленко"), "yevhen havrylenko");
        assert_eq!(fold("Олексій Гриценко"), "oleksiy hrytsenko");
        // Without a letter only Ukrainian has, the Russian table applies.
        assert_eq!(fold("Гавриленко"), "gavrilenko");
    }

    #[test]
    fn punctuation() {
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("O’Brien"), "obrien");
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("al-Gaddafi"), "al gaddafi");
        assert_eq!(fold("  Jean-Pierre   Dupont "), "jean pierre dupont");
        assert_eq!(fold(""), "");
        assert_eq!(fold("北京"), "北京");
    }
}
