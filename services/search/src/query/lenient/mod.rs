//! The lenient reading: any typed text becomes a query in the strict
//! grammar, with a note for every repair.
//!
//! Three passes: [`lex`] cuts the text into tokens that never fail;
//! [`read`](self::read) turns them into grammar pieces (operands,
//! operators, parentheses), reading words as the index reads text
//! ([`words`]) and fields only where a field is named; [`structure`]
//! balances parentheses and drops operators with nothing to apply to. The
//! strict parser then checks the result, and a last-resort reading (the
//! plain words) stands behind it, so no input is refused for its syntax.

mod lex;
mod read;
mod structure;
mod words;

use crate::query::interpret::{Note, NoteKind};

pub use words::plain_words;

/// A grammar piece: what the strict syntax will read.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// A term, phrase, range or field:value, with its `+`/`-` if any.
    Operand(String),
    /// `AND`, `OR` or `NOT`.
    Op(&'static str),
    /// `(`, with any sign and field before it (`-title:(`).
    Open(String),
    Close,
}

/// A piece and the typed bytes it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub piece: Piece,
    pub span: (usize, usize),
}

/// A typed query read leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    /// The query in the strict syntax.
    pub text: String,
    pub notes: Vec<Note>,
}

/// Reads `typed`; `is_field` says which names are fields (and gives their
/// spelling in the schema, so `Title:` is `title:`).
pub fn repair(typed: &str, is_field: &dyn Fn(&str) -> Option<String>) -> Repaired {
    let mut notes = Vec::new();
    let tokens = lex::lex(typed);
    let items = read::read(&tokens, is_field, &mut notes);
    let items = structure::balance(items, &mut notes);
    Repaired {
        text: render(&items),
        notes,
    }
}

/// The pieces as query text.
pub fn render(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() && !out.ends_with('(') && item.piece != Piece::Close {
            out.push(' ');
        }
        match &item.piece {
            Piece::Operand(text) | Piece::Open(text) => out.push_str(text),
            Piece::Op(op) => out.push_str(op),
            Piece::Close => out.push(')'),
        }
    }
    out
}

/// The last resort: the plain words of `typed`, noted.
pub fn as_plain_words(typed: &str, mut notes: Vec<Note>) -> Repaired {
    notes.push(Note::new(
        NoteKind::Flattened,
        (0, typed.len()),
        "the query's structure could not be kept; searched for its words",
    ));
    Repaired {
        text: plain_words(typed),
        notes,
    }
}

#[cfg(test)]
mod tests;
