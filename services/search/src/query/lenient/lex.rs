//! The first pass of the lenient reading: typed text into tokens that never
//! fail. Quotes (ASCII and typographic) make phrases, closed at the end when
//! left open; brackets make ranges; parentheses group; everything else
//! between spaces is a word, whatever it holds (`Putin's`, `U.S.-China`,
//! `title:`, `Xi^`), for the next pass to read.

/// A token and the byte range of the typed text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub kind: Kind<'a>,
    pub span: (usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    Open,
    Close,
    /// A quoted phrase; `closed` is false when the text ended first.
    /// `suffix` is what follows the closing quote up to a space (`~2`, `*`,
    /// `^2`).
    Phrase {
        text: &'a str,
        closed: bool,
        suffix: &'a str,
    },
    /// `[...]` or `{...}`, with its delimiters; `closed` as for phrases.
    Range {
        raw: &'a str,
        closed: bool,
    },
    /// A `]` or `}` that closes nothing.
    StrayBracket,
    Word(&'a str),
}

/// Characters that open a phrase. `'` is not one: it is an apostrophe far
/// more often than a quote in what people type.
pub fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' | '\u{ff02}'
    )
}

/// Characters that end a word.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || is_quote(c) || matches!(c, '(' | ')' | '[' | ']' | '{' | '}')
}

/// Splits `text` into tokens; spaces separate tokens and are dropped.
pub fn lex(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let start = at;
        let next = at + c.len_utf8();
        let (kind, end) = match c {
            c if c.is_whitespace() => {
                at = next;
                continue;
            }
            '(' => (Kind::Open, next),
            ')' => (Kind::Close, next),
            ']' | '}' => (Kind::StrayBracket, next),
            '[' | '{' => range(text, start),
            c if is_quote(c) => phrase(text, next),
            _ => {
                let end = text[start..]
                    .find(is_delimiter)
                    .map_or(text.len(), |n| start + n);
                (Kind::Word(&text[start..end]), end)
            }
        };
        out.push(Token {
            kind,
            span: (start, end),
        });
        at = end;
    }
    out
}

/// A phrase whose text starts at `from` (after the opening quote).
fn phrase(text: &str, from: usize) -> (Kind<'_>, usize) {
    let Some(n) = text[from..].find(is_quote) else {
        let kind = Kind::Phrase {
            text: &text[from..],
            closed: false,
            suffix: "",
        };
        return (kind, text.len());
    };
    let close = from + n;
    let after = close + text[close..].chars().next().map_or(1, char::len_utf8);
    let suffix_end = text[after..]
        .find(is_delimiter)
        .map_or(text.len(), |n| after + n);
    let kind = Kind::Phrase {
        text: &text[from..close],
        closed: true,
        suffix: &text[after..suffix_end],
    };
    (kind, suffix_end)
}

/// A range from `start` (its `[` or `{`) to the first `]` or `}`.
fn range(text: &str, start: usize) -> (Kind<'_>, usize) {
    match text[start + 1..].find([']', '}']) {
        Some(n) => {
            let end = start + 1 + n + 1;
            let kind = Kind::Range {
                raw: &text[start..end],
                closed: true,
            };
            (kind, end)
        }
        None => {
            let kind = Kind::Range {
                raw: &text[start..],
                closed: false,
            };
            (kind, text.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind<'_>> {
        lex(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn words_keep_what_they_hold() {
        assert_eq!(
            kinds("Putin's U.S.-China title: Xi^"),
            vec![
                Kind::Word("Putin's"),
                Kind::Word("U.S.-China"),
                Kind::Word("title:"),
                Kind::Word("Xi^")
            ]
        );
    }

    #[test]
    fn quotes_of_any_kind_make_phrases_closed_at_the_end() {
        assert_eq!(
            kinds("“state visit” \"open"),
            vec![
                Kind::Phrase {
                    text: "state visit",
                    closed: true,
                    suffix: ""
                },
                Kind::Phrase {
                    text: "open",
                    closed: false,
                    suffix: ""
                },
            ]
        );
        assert_eq!(
            kinds("\"a b\"~2 x"),
            vec![
                Kind::Phrase {
                    text: "a b",
                    closed: true,
                    suffix: "~2"
                },
                Kind::Word("x")
            ]
        );
    }

    #[test]
    fn brackets_and_parentheses() {
        assert_eq!(
            kinds("(Xi [Belarus] ]"),
            vec![
                Kind::Open,
                Kind::Word("Xi"),
                Kind::Range {
                    raw: "[Belarus]",
                    closed: true
                },
                Kind::StrayBracket
            ]
        );
        let spans: Vec<_> = lex("é (x").iter().map(|t| t.span).collect();
        assert_eq!(spans, vec![(0, 2), (3, 4), (4, 5)]);
    }
}
