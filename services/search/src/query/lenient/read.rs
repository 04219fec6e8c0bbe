//! Tokens into grammar pieces: signs, fields and operators are recognised
//! where they are well placed; everything else is text.

use tantivy::query_grammar::parse_query;

use super::lex::{Kind, Token};
use super::words::{self, field_value, quote_for_note, quoted, split_suffixes, text_word};
use super::{Item, Piece};
use crate::query::interpret::{Note, NoteKind};

/// Longest phrase slop kept; beyond it a phrase is no longer one.
const MAX_SLOP: u32 = 100;

/// A sign and a field waiting for the token they apply to.
#[derive(Default)]
struct Pending {
    sign: &'static str,
    field: Option<(String, (usize, usize))>,
}

impl Pending {
    fn prefix(&self) -> String {
        match &self.field {
            Some((name, _)) => format!("{}{name}:", self.sign),
            None => self.sign.to_string(),
        }
    }
}

pub fn read(
    tokens: &[Token<'_>],
    is_field: &dyn Fn(&str) -> Option<String>,
    notes: &mut Vec<Note>,
) -> Vec<Item> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut pending = Pending::default();
    for (i, token) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1);
        let span = token.span;
        let mut push = |piece| out.push(Item { piece, span });
        match &token.kind {
            Kind::Open => push(Piece::Open(format!("{}(", pending.prefix()))),
            Kind::Close => push(Piece::Close),
            Kind::StrayBracket => {
                let message = "a closing bracket without its opening one; dropped";
                notes.push(Note::new(NoteKind::Unmatched, span, message));
            }
            Kind::Phrase {
                text,
                closed,
                suffix,
            } => {
                if let Some(p) = phrase(text, *closed, suffix, span, &pending, notes) {
                    push(Piece::Operand(p));
                }
            }
            Kind::Range { raw, closed } => {
                for p in range(raw, *closed, span, &pending, notes) {
                    push(p);
                }
            }
            Kind::Word(word) => {
                let (sign, rest) = split_sign(word);
                if rest.is_empty() && pending.field.is_none() && adjacent(token, next) {
                    // `-(`, `+"`: the sign belongs to what follows.
                    pending.sign = sign;
                    continue;
                }
                if let Some(field) = field_prefix(rest, is_field)
                    && !matches!(next.map(|n| &n.kind), None | Some(Kind::Close))
                    && pending.field.is_none()
                {
                    pending = Pending {
                        sign,
                        field: Some((field, span)),
                    };
                    continue;
                }
                for p in word_pieces(word, span, &pending, is_field, notes) {
                    push(p);
                }
            }
        }
        if let Some((name, at)) = pending.field.take()
            && matches!(token.kind, Kind::StrayBracket)
        {
            no_value(&name, at, notes);
        }
        pending = Pending::default();
    }
    if let Some((name, at)) = pending.field {
        no_value(&name, at, notes);
    }
    out
}

fn no_value(name: &str, span: (usize, usize), notes: &mut Vec<Note>) {
    let message = format!("`{name}:` has no value; dropped");
    notes.push(Note::new(NoteKind::NotAField, span, message));
}

/// Whether `next` starts right where `token` ends (`-(`, `-"a b"`).
fn adjacent(token: &Token<'_>, next: Option<&Token<'_>>) -> bool {
    next.is_some_and(|n| {
        n.span.0 == token.span.1 && matches!(n.kind, Kind::Open | Kind::Phrase { .. })
    })
}

/// `-word` → ("-", "word"); runs of signs keep the last one.
fn split_sign(word: &str) -> (&'static str, &str) {
    let rest = word.trim_start_matches(['+', '-']);
    let sign = match word[..word.len() - rest.len()].chars().last() {
        Some('+') => "+",
        Some('-') => "-",
        _ => "",
    };
    (sign, rest)
}

/// `title:` (nothing after the colon) naming a field.
fn field_prefix(word: &str, is_field: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let name = word.strip_suffix(':')?;
    is_field(name)
}

/// A word, with the sign and field pending before it.
fn word_pieces(
    word: &str,
    span: (usize, usize),
    pending: &Pending,
    is_field: &dyn Fn(&str) -> Option<String>,
    notes: &mut Vec<Note>,
) -> Vec<Piece> {
    let (own_sign, rest) = split_sign(word);
    if pending.field.is_some() {
        return field_value(word, span, notes)
            .map(|v| Piece::Operand(format!("{}{v}", pending.prefix())))
            .into_iter()
            .collect();
    }
    let sign = if own_sign.is_empty() {
        pending.sign
    } else {
        own_sign
    };
    if sign.is_empty() {
        match rest {
            "AND" | "&&" => return vec![Piece::Op("AND")],
            "OR" | "||" => return vec![Piece::Op("OR")],
            "NOT" => return vec![Piece::Op("NOT")],
            _ => {}
        }
    }
    let texts = match rest.split_once(':') {
        Some((name, value)) if !name.is_empty() => match is_field(name) {
            Some(field) => match field_value(value, span, notes) {
                Some(v) => vec![format!("{field}:{v}")],
                None => {
                    no_value(&field, span, notes);
                    Vec::new()
                }
            },
            None => not_a_field(rest, name, span, notes),
        },
        _ => text_word(rest, span, notes),
    };
    signed(sign, texts)
}

/// `Putin: the war`: a colon after a word that is not a field is text.
fn not_a_field(word: &str, name: &str, span: (usize, usize), notes: &mut Vec<Note>) -> Vec<String> {
    let message = format!(
        "{} is not a field; `{}:` read as text",
        quote_for_note(name),
        name
    );
    notes.push(Note::new(NoteKind::NotAField, span, message));
    word.split(':')
        .filter(|p| !p.is_empty())
        .flat_map(|p| text_word(p, span, notes))
        .collect()
}

/// Operands under one sign: a signed compound is one group, so `-U.S.-China`
/// excludes what has both.
fn signed(sign: &str, texts: Vec<String>) -> Vec<Piece> {
    match texts.len() {
        0 => Vec::new(),
        1 if sign.is_empty() => texts.into_iter().map(Piece::Operand).collect(),
        1 => vec![Piece::Operand(format!("{sign}{}", texts[0]))],
        _ if sign.is_empty() => texts.into_iter().map(Piece::Operand).collect(),
        _ => {
            let mut out = vec![Piece::Open(format!("{sign}("))];
            out.extend(texts.into_iter().map(Piece::Operand));
            out.push(Piece::Close);
            out
        }
    }
}

/// A quoted phrase, closed if it was not, with its `~N`, `*` or `^N`.
fn phrase(
    text: &str,
    closed: bool,
    suffix: &str,
    span: (usize, usize),
    pending: &Pending,
    notes: &mut Vec<Note>,
) -> Option<String> {
    if !closed {
        let message = "the quote was not closed; closed at the end";
        notes.push(Note::new(NoteKind::Closed, span, message));
    }
    let terms = words::analyze(text).len();
    if terms == 0 && pending.field.is_none() {
        if !text.trim().is_empty() {
            let message = format!(
                "{} has nothing searchable in it; dropped",
                quote_for_note(text)
            );
            notes.push(Note::new(NoteKind::NotSearchable, span, message));
        }
        return None;
    }
    let mut out = format!("{}{}", pending.prefix(), quoted(text));
    if out.ends_with("\"\"") {
        return None;
    }
    let marked = format!("x{suffix}");
    let (rest, suffixes) = split_suffixes(&marked, span, notes);
    if rest != "x" {
        let message = format!("{} after the phrase; dropped", quote_for_note(suffix));
        notes.push(Note::new(NoteKind::DanglingOperator, span, message));
    } else if let Some(slop) = suffixes.fuzzy {
        out.push_str(&format!("~{}", slop.min(MAX_SLOP)));
    } else if suffixes.prefix && terms > 1 {
        out.push('*');
    }
    if let Some(boost) = suffixes.boost {
        out.push_str(&format!("^{boost}"));
    }
    Some(out)
}

/// `field:[a TO b]` when the grammar takes it; anything else in brackets is
/// text (`[Belarus]`).
fn range(
    raw: &str,
    closed: bool,
    span: (usize, usize),
    pending: &Pending,
    notes: &mut Vec<Note>,
) -> Vec<Piece> {
    if pending.field.is_some() {
        let mut candidate = format!("{}{raw}", pending.prefix());
        if !closed {
            candidate.push(if raw.starts_with('{') { '}' } else { ']' });
        }
        if parse_query(&candidate).is_ok() {
            if !closed {
                let message = "the range was not closed; closed at the end";
                notes.push(Note::new(NoteKind::Closed, span, message));
            }
            return vec![Piece::Operand(candidate)];
        }
        let message = format!("{} is not a range; read as text", quote_for_note(raw));
        notes.push(Note::new(NoteKind::BadValue, span, message));
    } else {
        let message = "brackets without a field; their words read as text";
        notes.push(Note::new(NoteKind::Unmatched, span, message));
    }
    let inner = raw.trim_matches(['[', ']', '{', '}']);
    let texts = inner
        .split_whitespace()
        .filter(|w| *w != "TO")
        .flat_map(|w| text_word(w, span, notes))
        .collect();
    signed(pending.sign, texts)
}
