//! Tokenizer and sentence splitter for news text, with exact UTF-8 byte offsets.
//!
//! The tokenizer follows the conventions of the CoNLL-2003 (Reuters) data the
//! tagger is trained on, so that text seen at run time looks like training text:
//! punctuation and quotes are tokens of their own, possessive `'s`/`’s` and the
//! clitics `n't`, `'re`, `'ll`... are split off, hyphenated words stay whole,
//! abbreviations keep their period (`U.S.`, `Mr.`, `Corp.`), numbers keep their
//! separators (`3,000.50`), and URLs and e-mail addresses are one token.
//!
//! It is a single scan over chars with no regular expressions. Tokens are
//! contiguous slices of the input, in order, never overlapping and never split
//! inside a char; every non-whitespace char belongs to exactly one token.

use std::ops::Range;

/// A token: a byte range `start..end` of the input text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text inside `text` (the string it was produced from).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Longest sentence the splitter produces, in tokens; longer runs are cut so
/// that decoding memory stays bounded on text without punctuation.
pub const MAX_SENTENCE_TOKENS: usize = 250;

/// Tokenizes `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, &mut out);
    out
}

/// Tokenizes `text`, appending to `out` (reuses the caller's buffer).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        // A run of non-whitespace chars.
        let mut j = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_whitespace() {
                break;
            }
            let c = char_at(text, j);
            if c.is_whitespace() {
                break;
            }
            j += c.len_utf8();
        }
        split_run(text, i, j, out);
        i = j;
    }
}

fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// Chars that join the char before them whatever it is: combining marks,
/// zero-width joiners, variation selectors and emoji modifiers.
fn is_continuation(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06ED | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x200D
        | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF
        | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

/// Letters and digits of any script, plus the vowel signs of Indic and
/// South-East Asian scripts (which are marks, not letters, to Unicode).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || matches!(c as u32, 0x0900..=0x0DFF | 0x0E00..=0x0EFF | 0x1000..=0x109F)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits the non-whitespace run `text[start..end]` into tokens.
fn split_run(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let run = &text[start..end];
    if let Some(len) = url_or_email_len(run) {
        out.push(Token {
            start,
            end: start + len,
        });
        if start + len < end {
            split_run(text, start + len, end, out);
        }
        return;
    }
    let mut i = start;
    while i < end {
        let c = char_at(text, i);
        if is_word_char(c) {
            let j = scan_word(text, i, end);
            i = push_word(text, i, j, end, out);
        } else {
            // Punctuation or symbol: repeated runs of the same char ("...", "--",
            // "!!") stay together; anything else is one char plus its continuations.
            let mut j = i + c.len_utf8();
            if matches!(c, '.' | '-' | '!' | '?' | '=' | '*' | '_' | '~') {
                while j < end && char_at(text, j) == c {
                    j += 1;
                }
            }
            j = skip_continuations(text, j, end);
            out.push(Token { start: i, end: j });
            i = j;
        }
    }
}

fn skip_continuations(text: &str, mut j: usize, end: usize) -> usize {
    while j < end {
        let c = char_at(text, j);
        if !is_continuation(c) {
            break;
        }
        j += c.len_utf8();
        // A zero-width joiner glues the next char too (emoji sequences).
        if c == '\u{200D}' && j < end {
            j += char_at(text, j).len_utf8();
        }
    }
    j
}

/// Scans a word from `i`: word chars, continuations, and connectors that sit
/// between word chars (`-` in hyphenated names, `.` in `U.S` and `3.5`, `,` in
/// `3,000`, `'` in `O'Neill`, `&` in `AT&T`, `/` in `1/2`).
fn scan_word(text: &str, i: usize, end: usize) -> usize {
    let mut j = i;
    loop {
        while j < end {
            let c = char_at(text, j);
            if is_word_char(c) || is_continuation(c) {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        if j >= end {
            return j;
        }
        let c = char_at(text, j);
        let next = j + c.len_utf8();
        if next >= end {
            return j;
        }
        let n = char_at(text, next);
        let prev = text[..j].chars().next_back().unwrap_or(' ');
        let joins = match c {
            '-' | '.' | '&' | '\'' | '’' => is_word_char(n),
            ',' | '/' => prev.is_ascii_digit() && n.is_ascii_digit(),
            '\u{00AD}' => is_word_char(n),
            _ => false,
        };
        if !joins {
            return j;
        }
        j = next;
    }
}

const CLITICS: [&str; 6] = ["s", "re", "ve", "ll", "d", "m"];

/// Pushes the word `text[i..j]`, splitting clitics off and attaching a
/// following abbreviation period. Returns the end of what was consumed.
fn push_word(text: &str, i: usize, mut j: usize, end: usize, out: &mut Vec<Token>) -> usize {
    let word = &text[i..j];
    // Clitics: "Smith's" -> "Smith" "'s"; "don't" -> "do" "n't".
    if let Some(split) = clitic_split(word) {
        out.push(Token {
            start: i,
            end: i + split,
        });
        out.push(Token {
            start: i + split,
            end: j,
        });
        return j;
    }
    if j < end && text.as_bytes()[j] == b'.' && is_abbreviation(word, text, j + 1, end) {
        j += 1;
    }
    out.push(Token { start: i, end: j });
    j
}

fn clitic_split(word: &str) -> Option<usize> {
    let lower_end = word.len();
    if word.len() > 3 && (word.ends_with("n't") || word.ends_with("n’t")) {
        let tail = if word.ends_with("n't") { 3 } else { 5 };
        let split = lower_end - tail;
        if split > 0 && word.is_char_boundary(split) {
            return Some(split);
        }
    }
    for (pos, c) in word.char_indices().rev().take(4) {
        if is_apostrophe(c) && pos > 0 {
            let rest = &word[pos + c.len_utf8()..];
            if CLITICS.iter().any(|k| rest.eq_ignore_ascii_case(k)) {
                return Some(pos);
            }
        }
    }
    None
}

/// Abbreviations whose period is part of the token.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "maj",
    "capt", "sgt", "cpl", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "corp", "inc", "ltd", "co",
    "bros", "plc", "llc", "no", "nos", "vol", "vs", "v", "etc", "approx", "dept", "univ", "assn",
    "est", "fig", "al", "ave", "blvd", "rd", "gmbh", "pty", "cie", "ca", "cf", "e.g", "i.e", "a.m",
    "p.m",
];

/// Whether `word` followed by a period is an abbreviation: a listed one, a
/// single letter (an initial), or letters separated by periods (`U.S`).
fn is_abbreviation(word: &str, text: &str, after: usize, end: usize) -> bool {
    // "No." only before a number ("No. 1"), else it ends a sentence ("said no.").
    if word.len() <= 5 {
        let mut buf = [0u8; 5];
        for (k, b) in word.bytes().enumerate() {
            buf[k] = b.to_ascii_lowercase();
        }
        let lower = std::str::from_utf8(&buf[..word.len()]).unwrap_or("");
        if lower == "no" || lower == "nos" {
            return word.starts_with('N') && next_is_digit(text, after, end);
        }
        if ABBREVIATIONS.contains(&lower) {
            return true;
        }
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    word.contains('.')
        && word
            .split('.')
            .all(|p| p.chars().count() <= 2 && p.chars().all(char::is_alphabetic))
}

fn next_is_digit(text: &str, mut at: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    if at < end {
        return false; // "No.1" glued: keep simple, not an abbreviation context
    }
    while at < bytes.len() && bytes[at] == b' ' {
        at += 1;
    }
    at < bytes.len() && bytes[at].is_ascii_digit()
}

/// Length of a URL or e-mail address at the start of `run`, without trailing
/// punctuation, if `run` starts with one.
fn url_or_email_len(run: &str) -> Option<usize> {
    let lower_starts = |p: &str| {
        run.len() >= p.len() && run.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    let is_url = lower_starts("http://") || lower_starts("https://") || lower_starts("www.");
    let is_email = !is_url && is_email_like(run);
    if !is_url && !is_email {
        return None;
    }
    let mut len = run.len();
    while len > 0 {
        let c = run[..len].chars().next_back().unwrap_or(' ');
        if matches!(
            c,
            '.' | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | ')'
                | ']'
                | '}'
                | '"'
                | '\''
                | '’'
                | '”'
                | '»'
                | '>'
        ) {
            len -= c.len_utf8();
        } else {
            break;
        }
    }
    (len > 0).then_some(len)
}

fn is_email_like(run: &str) -> bool {
    let Some(at) = run.find('@') else {
        return false;
    };
    let (user, domain) = (&run[..at], &run[at + 1..]);
    let user_ok = !user.is_empty()
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let dom = domain.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    user_ok
        && dom.contains('.')
        && !dom.starts_with('.')
        && dom
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Splits tokens into sentences; returns ranges of token indices.
///
/// A sentence ends after `.`, `!`, `?`, `...` or `…` (plus any closing quotes
/// and brackets) when the next token does not continue it, at a blank line, and
/// at a line break before a capitalised line when the previous line had no
/// closing punctuation (headlines, bylines, captions).
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut k = 0;
    while k < tokens.len() {
        let mut end_here = false;
        let t = tokens[k].text(text);
        let next = tokens.get(k + 1);
        if is_final_punct(t) {
            // Absorb closing quotes and brackets, within the length cap: a
            // run of closers must not carry the sentence past it.
            while let Some(n) = tokens
                .get(k + 1)
                .filter(|_| k + 1 - begin < MAX_SENTENCE_TOKENS)
            {
                if n.start == tokens[k].end && is_closer(n.text(text)) {
                    k += 1;
                } else {
                    break;
                }
            }
            end_here = match tokens.get(k + 1) {
                None => true,
                Some(n) => starts_sentence(n.text(text)),
            };
        } else if let Some(n) = next {
            let gap = &text[tokens[k].end..n.start];
            let newlines = gap.bytes().filter(|&b| b == b'\n').count();
            if newlines >= 2 {
                end_here = true;
            } else if newlines == 1 {
                let nt = n.text(text);
                let continues =
                    t.ends_with(',') || t.chars().all(|c| c.is_lowercase()) && !t.is_empty();
                end_here = starts_sentence(nt) && !continues;
            } else if is_final_abbreviation(t) {
                end_here = is_common_starter(n.text(text));
            }
        }
        if k + 1 - begin >= MAX_SENTENCE_TOKENS {
            end_here = true;
        }
        if end_here || k + 1 == tokens.len() {
            out.push(begin..k + 1);
            begin = k + 1;
        }
        k += 1;
    }
    out
}

fn is_final_punct(t: &str) -> bool {
    matches!(t, "." | "!" | "?" | "..." | "…" | "?!" | "!!" | "??") || t.starts_with("..")
}

fn is_closer(t: &str) -> bool {
    matches!(t, "\"" | "'" | "’" | "”" | ")" | "]" | "»" | "''")
}

fn starts_sentence(t: &str) -> bool {
    let c = t.chars().next().unwrap_or(' ');
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '-' | '—' | '•'
        )
        || !c.is_alphabetic() && !c.is_ascii()
        || c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase()
}

/// Abbreviations that often end a sentence ("... in the U.S. The next day").
fn is_final_abbreviation(t: &str) -> bool {
    matches!(
        t,
        "U.S."
            | "U.K."
            | "U.N."
            | "Inc."
            | "Corp."
            | "Ltd."
            | "Co."
            | "Bros."
            | "etc."
            | "a.m."
            | "p.m."
            | "Jr."
            | "Sr."
    )
}

fn is_common_starter(t: &str) -> bool {
    matches!(
        t,
        "The"
            | "A"
            | "An"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "In"
            | "On"
            | "But"
            | "And"
            | "This"
            | "That"
            | "There"
            | "His"
            | "Her"
            | "Its"
            | "Their"
            | "At"
            | "As"
            | "After"
            | "For"
            | "If"
            | "When"
            | "While"
    )
}

#[cfg(test)]
mod tests;
