//! Balancing the pieces: parentheses closed or dropped, nesting kept within
//! the parser's limits, operators kept only between things they join.

use super::{Item, Piece};
use crate::query::depth::{MAX_GROUPS, MAX_NESTING};
use crate::query::interpret::{Note, NoteKind};

/// Deepest nesting kept. Parentheses and `NOT`s both count towards the
/// parser's limit, and each group may follow a `NOT` (runs of `NOT` keep
/// one): half the limit, less one for a `NOT` inside the deepest group.
const MAX_DEPTH: usize = MAX_NESTING / 2 - 1;

pub fn balance(items: Vec<Item>, notes: &mut Vec<Note>) -> Vec<Item> {
    let items = parentheses(items, notes);
    let items = operators(items, notes);
    if items.iter().any(|i| matches!(i.piece, Piece::Operand(_))) {
        return items;
    }
    // Nothing but operators (`OR`, `NOT`): they were meant as words.
    let words: Vec<Item> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::DanglingOperator && n.message.starts_with("operator"))
        .filter_map(|n| {
            let word = n.message.split('`').nth(1)?;
            Some(Item {
                piece: Piece::Operand(word.to_lowercase()),
                span: n.span,
            })
        })
        .collect();
    if !words.is_empty() {
        notes.retain(|n| {
            !(n.kind == NoteKind::DanglingOperator && n.message.starts_with("operator"))
        });
        notes.push(Note::new(
            NoteKind::DanglingOperator,
            (words[0].span.0, words[words.len() - 1].span.1),
            "operators alone are read as words",
        ));
    }
    words
}

/// Closes open groups at the end, drops `)` without `(`, empty groups, and
/// groups nested or counted beyond the limits.
fn parentheses(items: Vec<Item>, notes: &mut Vec<Note>) -> Vec<Item> {
    let mut out: Vec<Option<Item>> = Vec::with_capacity(items.len());
    // Indices in `out` of the open groups, and whether each is kept.
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut groups = 0usize;
    let mut flattened = false;
    for item in items {
        match item.piece {
            Piece::Open(_) => {
                let kept =
                    open.iter().filter(|(_, k)| *k).count() < MAX_DEPTH && groups < MAX_GROUPS / 2;
                groups += usize::from(kept);
                flattened |= !kept;
                open.push((out.len(), kept));
                out.push(Some(item));
            }
            Piece::Close => match open.pop() {
                None => notes.push(Note::new(
                    NoteKind::Unmatched,
                    item.span,
                    "a `)` without its `(`; dropped",
                )),
                Some((at, kept)) => {
                    let empty = !out[at + 1..]
                        .iter()
                        .flatten()
                        .any(|i| matches!(i.piece, Piece::Operand(_)));
                    if !kept || empty {
                        // An empty group: its operators go with it.
                        if empty {
                            out.truncate(at);
                        } else {
                            out[at] = None;
                        }
                    } else {
                        out.push(Some(item));
                    }
                }
            },
            _ => out.push(Some(item)),
        }
    }
    while let Some((at, kept)) = open.pop() {
        let empty = !out[at + 1..]
            .iter()
            .flatten()
            .any(|i| matches!(i.piece, Piece::Operand(_)));
        if empty {
            out.truncate(at);
            continue;
        }
        let span = out[at].as_ref().map_or((0, 0), |i| i.span);
        if kept {
            notes.push(Note::new(
                NoteKind::Closed,
                span,
                "the parenthesis was not closed; closed at the end",
            ));
            out.push(Some(Item {
                piece: Piece::Close,
                span: (span.1, span.1),
            }));
        } else {
            out[at] = None;
        }
    }
    if flattened {
        notes.push(Note::new(
            NoteKind::Flattened,
            (0, 0),
            format!(
                "parentheses nested deeper than {MAX_DEPTH} levels or more than {} groups; \
                 the extra ones dropped",
                MAX_GROUPS / 2
            ),
        ));
    }
    out.into_iter().flatten().collect()
}

/// Whether an item can start an operand (what an operator may precede).
fn starts_operand(item: Option<&Item>) -> bool {
    matches!(
        item.map(|i| &i.piece),
        Some(Piece::Operand(_) | Piece::Open(_))
    )
}

/// Whether an item can end an operand (what AND/OR may follow).
fn ends_operand(item: Option<&Item>) -> bool {
    matches!(
        item.map(|i| &i.piece),
        Some(Piece::Operand(_) | Piece::Close)
    )
}

/// Drops AND/OR without an operand on both sides and NOT without one after
/// it; a run of NOTs keeps one. Signs after NOT are dropped (NOT is one).
fn operators(items: Vec<Item>, notes: &mut Vec<Note>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut rest = items.into_iter().peekable();
    while let Some(mut item) = rest.next() {
        let Piece::Op(op) = item.piece else {
            if matches!(out.last().map(|i| &i.piece), Some(Piece::Op("NOT"))) {
                unsign(&mut item.piece);
            }
            out.push(item);
            continue;
        };
        let next = rest.peek();
        let ok = match op {
            "NOT" => {
                starts_operand(next)
                    && !matches!(out.last().map(|i| &i.piece), Some(Piece::Op("NOT")))
            }
            _ => {
                ends_operand(out.last())
                    && (starts_operand(next)
                        || matches!(next.map(|i| &i.piece), Some(Piece::Op("NOT"))))
            }
        };
        if ok {
            out.push(item);
        } else {
            notes.push(Note::new(
                NoteKind::DanglingOperator,
                item.span,
                format!("operator `{op}` has nothing to join; dropped"),
            ));
        }
    }
    // Dropping an operator can leave another one dangling (`a AND NOT`).
    while matches!(out.last().map(|i| &i.piece), Some(Piece::Op(_))) {
        if let Some(Item {
            piece: Piece::Op(op),
            span,
        }) = out.pop()
        {
            notes.push(Note::new(
                NoteKind::DanglingOperator,
                span,
                format!("operator `{op}` has nothing to join; dropped"),
            ));
        }
    }
    out
}

/// `-x` → `x`, `-(` → `(`.
fn unsign(piece: &mut Piece) {
    if let Piece::Operand(text) | Piece::Open(text) = piece
        && let Some(rest) = text.strip_prefix(['+', '-'])
    {
        *text = rest.to_string();
    }
}
