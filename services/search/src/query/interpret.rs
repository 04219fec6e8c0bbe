//! What a search made of its query string: the syntax it was read in, the
//! query as run, and every repair the lenient reading made — so a person
//! sees what was understood, and a program can tell a repaired query from
//! the one it sent.

use serde::Serialize;

/// How a query string is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Syntax {
    /// Text as people type it: repaired, never refused for its syntax.
    #[default]
    Lenient,
    /// tantivy's grammar exactly; a malformed query is an error that says
    /// where.
    Strict,
}

/// Why the lenient reading changed part of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// An unclosed quote or parenthesis was closed at the end.
    Closed,
    /// A `)` without its `(`, a stray bracket: dropped or read as text.
    Unmatched,
    /// An operator, sign or boost with nothing to apply to.
    DanglingOperator,
    /// `word:` where word is not a field, or a field with no value.
    NotAField,
    /// A possessive `'s` dropped.
    Possessive,
    /// Words joined by dashes or slashes searched as separate words.
    Compound,
    /// Characters with nothing searchable in them.
    NotSearchable,
    /// A value its field cannot take, read as text or bounded.
    BadValue,
    /// Nesting or grouping beyond the limits, flattened.
    Flattened,
}

/// One change the lenient reading made.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub kind: NoteKind,
    /// Byte range of the typed text concerned (empty when it cannot be
    /// placed).
    pub span: (usize, usize),
    pub message: String,
}

impl Note {
    pub fn new(kind: NoteKind, span: (usize, usize), message: impl Into<String>) -> Self {
        Self {
            kind,
            span,
            message: message.into(),
        }
    }
}

/// A spelling that may be meant instead of a word of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The word as typed.
    pub term: String,
    pub replacement: String,
    /// The whole query with the replacement.
    pub query: String,
    /// Documents the suggested query finds.
    pub hits: u64,
    /// Set when the spelling names a known entity.
    pub entity_id: String,
}

/// The query as understood.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Interpretation {
    /// The query as run, in the strict syntax.
    pub query: String,
    /// Whether `query` differs from the typed text (beyond outer space).
    pub changed: bool,
    pub notes: Vec<Note>,
    /// Every word together found nothing; the hits are partial matches.
    pub partial_match: bool,
    pub suggestions: Vec<Suggestion>,
}

impl Interpretation {
    /// The reading of `typed` as `query`, with `notes`.
    pub fn new(typed: &str, query: String, notes: Vec<Note>) -> Self {
        Self {
            changed: query != typed.trim(),
            query,
            notes,
            partial_match: false,
            suggestions: Vec::new(),
        }
    }
}
