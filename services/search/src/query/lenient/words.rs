//! Typed words as the strict grammar can hold them, read the way the index
//! read the same characters in articles: the news analyzer splits on every
//! non-alphanumeric, so `don't` is the phrase "don t", `U.S.` the phrase
//! "u s". Possessives are names (`Putin's` means Putin), and dashes join
//! words that the index holds apart (`U.S.-China` is U.S. and China).

use crate::analyzer::text_analyzer;
use crate::query::MAX_FUZZY_DISTANCE;
use crate::query::interpret::{Note, NoteKind};

/// The grammar's keywords, which a word must not be.
const KEYWORDS: [&str; 4] = ["AND", "OR", "NOT", "IN"];
/// Characters the grammar refuses inside a bare word.
const ESCAPE_IN_WORD: &[char] = &['^', '`', ':', '{', '}', '"', '\'', '[', ']', '(', ')', '\\'];

/// Dashes, slashes and list punctuation that join words people mean apart.
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '/' | ',' | ';' | '|' | '&' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}'
    )
}

/// The terms the index makes of `text`.
pub fn analyze(text: &str) -> Vec<String> {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// What follows a word's stem: `^boost`, `~distance`, `*`.
#[derive(Debug, Default, PartialEq)]
pub struct Suffixes<'a> {
    pub boost: Option<&'a str>,
    pub fuzzy: Option<u32>,
    pub prefix: bool,
}

/// Splits the suffixes off `word`, noting any that cannot apply (`Xi^`,
/// `word~x`) and bounding fuzzy distances. The boost is kept as typed when
/// it is a plain positive number.
pub fn split_suffixes<'a>(
    word: &'a str,
    span: (usize, usize),
    notes: &mut Vec<Note>,
) -> (&'a str, Suffixes<'a>) {
    let mut stem = word;
    let mut out = Suffixes::default();
    if let Some((head, boost)) = stem.rsplit_once('^') {
        stem = head;
        if is_number(boost) && boost.parse::<f32>().is_ok_and(|b| b > 0.0 && b.is_finite()) {
            out.boost = Some(boost);
        } else {
            let message = format!("the boost `^{boost}` needs a positive number; dropped");
            notes.push(Note::new(NoteKind::DanglingOperator, span, message));
        }
    }
    if let Some((head, distance)) = stem.rsplit_once('~')
        && !head.is_empty()
    {
        stem = head;
        match distance.parse::<u32>() {
            Ok(d) if d > MAX_FUZZY_DISTANCE => {
                let message = format!(
                    "fuzzy distance {d} is over {MAX_FUZZY_DISTANCE}; \
                     searched with {MAX_FUZZY_DISTANCE}"
                );
                notes.push(Note::new(NoteKind::BadValue, span, message));
                out.fuzzy = Some(MAX_FUZZY_DISTANCE);
            }
            Ok(d) if is_number(distance) => out.fuzzy = Some(d),
            _ => {
                let message = format!("`~{distance}` is not a fuzzy distance (0 to 2); dropped");
                notes.push(Note::new(NoteKind::DanglingOperator, span, message));
            }
        }
    }
    let trimmed = stem.trim_end_matches('*');
    if trimmed.len() < stem.len() && !trimmed.is_empty() {
        out.prefix = true;
        stem = trimmed;
    }
    (stem, out)
}

fn is_number(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
}

/// A word of free text as grammar operands: one per part between dashes,
/// each bare when it is one plain word, else quoted (the analyzer then makes
/// the phrase the index made). Possessives are dropped. Empty when nothing
/// in it is searchable.
pub fn text_word(word: &str, span: (usize, usize), notes: &mut Vec<Note>) -> Vec<String> {
    let (stem, suffixes) = split_suffixes(word, span, notes);
    let stem = strip_possessive(stem, span, notes);
    let parts: Vec<&str> = stem.split(is_joiner).filter(|p| !p.is_empty()).collect();
    let mut out: Vec<String> = parts.iter().filter_map(|p| part(p)).collect();
    if out.is_empty() {
        if word
            .chars()
            .any(|c| !matches!(c, '+' | '-' | '*' | '^' | '~'))
        {
            let message = format!(
                "{} has nothing searchable in it; dropped",
                quote_for_note(word)
            );
            notes.push(Note::new(NoteKind::NotSearchable, span, message));
        } else {
            let message = format!("{} applies to nothing; dropped", quote_for_note(word));
            notes.push(Note::new(NoteKind::DanglingOperator, span, message));
        }
        return out;
    }
    if out.len() > 1 {
        let message = format!(
            "{} searched as the separate words {}",
            quote_for_note(stem),
            out.join(" ")
        );
        notes.push(Note::new(NoteKind::Compound, span, message));
    }
    if let [single] = out.as_mut_slice() {
        let bare = !single.starts_with('"');
        match suffixes.fuzzy {
            Some(d) if bare => single.push_str(&format!("~{d}")),
            _ if bare && suffixes.prefix => single.push('*'),
            _ => {}
        }
        if let Some(boost) = suffixes.boost {
            single.push_str(&format!("^{boost}"));
        }
    }
    out
}

/// `Putin's`, `Putin’s` → `Putin`; `Dockworkers'` → `Dockworkers`.
fn strip_possessive<'a>(word: &'a str, span: (usize, usize), notes: &mut Vec<Note>) -> &'a str {
    let apostrophe = |c: char| matches!(c, '\'' | '\u{2019}' | '\u{2bc}' | '`' | '\u{b4}');
    let mut chars = word.char_indices().rev();
    let stripped = match (chars.next(), chars.next(), chars.next()) {
        (Some((_, 's' | 'S')), Some((at, a)), Some((_, before)))
            if apostrophe(a) && before.is_alphanumeric() =>
        {
            &word[..at]
        }
        (Some((at, a)), Some((_, 's' | 'S')), _) if apostrophe(a) => &word[..at],
        _ => return word,
    };
    let message = format!(
        "possessive {} read as {}",
        quote_for_note(word),
        quote_for_note(stripped)
    );
    notes.push(Note::new(NoteKind::Possessive, span, message));
    stripped
}

/// One part of a word as an operand, or `None` when nothing in it is
/// searchable.
fn part(text: &str) -> Option<String> {
    let text = text.trim_matches(|c: char| !c.is_alphanumeric());
    if text.is_empty() {
        return None;
    }
    if text.chars().all(char::is_alphanumeric) {
        return Some(match KEYWORDS.contains(&text) {
            true => text.to_lowercase(),
            false => text.to_string(),
        });
    }
    match analyze(text).as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        _ => Some(quoted(text)),
    }
}

/// `text` as a phrase: quotes and backslashes (which the grammar would read)
/// and parentheses (which the nesting guard counts) dropped; the analyzer
/// ignores them anyway.
pub fn quoted(text: &str) -> String {
    let inner: String = text
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\\' | '(' | ')') {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("\"{}\"", inner.trim())
}

/// A field's value as the grammar reads it: bare when the grammar takes it
/// as one word, else quoted. `None` when it holds nothing.
pub fn field_value(value: &str, span: (usize, usize), notes: &mut Vec<Note>) -> Option<String> {
    if value == "*" {
        return Some("*".into());
    }
    let (stem, suffixes) = split_suffixes(value, span, notes);
    let mut out = if is_bare(stem) {
        let mut out = stem.to_string();
        match suffixes.fuzzy {
            Some(d) => out.push_str(&format!("~{d}")),
            None if suffixes.prefix => out.push('*'),
            None => {}
        }
        out
    } else {
        let quoted = quoted(stem);
        if quoted == "\"\"" {
            return None;
        }
        quoted
    };
    if let Some(boost) = suffixes.boost {
        out.push_str(&format!("^{boost}"));
    }
    Some(out)
}

/// Whether the grammar reads `text` as one plain word.
fn is_bare(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(['-', '+', '!', '*', '/'])
        && !KEYWORDS.contains(&text)
        && !text
            .chars()
            .any(|c| c.is_whitespace() || ESCAPE_IN_WORD.contains(&c) || c == '~' || c == '*')
}

/// Plain terms of `text`, for the last-resort reading.
pub fn plain_words(text: &str) -> String {
    analyze(text).join(" ")
}

/// A piece of typed text quoted for a note, cut to 40 characters.
pub fn quote_for_note(text: &str) -> String {
    match text.char_indices().nth(40) {
        None => format!("`{text}`"),
        Some((end, _)) => format!("`{}…`", &text[..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(word: &str) -> (Vec<String>, Vec<NoteKind>) {
        let mut notes = Vec::new();
        let out = text_word(word, (0, word.len()), &mut notes);
        (out, notes.into_iter().map(|n| n.kind).collect())
    }

    #[test]
    fn possessives_are_the_name() {
        for typed in ["Putin's", "Putin’s", "Putin'S", "Putin`s"] {
            assert_eq!(
                words(typed),
                (vec!["Putin".into()], vec![NoteKind::Possessive])
            );
        }
        assert_eq!(
            words("Dockworkers’").0,
            vec!["Dockworkers".to_string()],
            "plural possessive"
        );
        assert_eq!(words("don't").0, vec!["\"don't\"".to_string()]);
        assert_eq!(words("'s").0, vec!["s"]);
    }

    #[test]
    fn dashes_split_compounds() {
        assert_eq!(
            words("U.S.-China"),
            (
                vec!["\"U.S\"".into(), "China".into()],
                vec![NoteKind::Compound]
            )
        );
        assert_eq!(words("Minsk–Beijing").0, vec!["Minsk", "Beijing"]);
        assert_eq!(words("-").0, Vec::<String>::new());
    }

    #[test]
    fn suffixes_apply_to_one_plain_word() {
        assert_eq!(words("Xi^").0, vec!["Xi"]);
        assert_eq!(words("Xi^2").0, vec!["Xi^2"]);
        assert_eq!(words("Xi^-1").0, vec!["Xi"]);
        assert_eq!(words("Lukashenco~1").0, vec!["Lukashenco~1"]);
        assert_eq!(
            words("Lukashenco~9"),
            (vec!["Lukashenco~2".into()], vec![NoteKind::BadValue])
        );
        assert_eq!(words("Shapov*").0, vec!["Shapov*"]);
        assert_eq!(words("AND").0, vec!["and"]);
        assert_eq!(words("🙂").1, vec![NoteKind::NotSearchable]);
        assert_eq!(words("Юрій").0, vec!["Юрій"]);
    }

    #[test]
    fn field_values() {
        let mut notes = Vec::new();
        let mut value = |v: &str| field_value(v, (0, 0), &mut notes);
        assert_eq!(value("northstar-wire").as_deref(), Some("northstar-wire"));
        assert_eq!(value("Putin's").as_deref(), Some("\"Putin's\""));
        assert_eq!(
            value("2024-01-01T00:00:00Z").as_deref(),
            Some("\"2024-01-01T00:00:00Z\"")
        );
        assert_eq!(value("harb*").as_deref(), Some("harb*"));
        assert_eq!(value("\\").as_deref(), None);
    }
}
