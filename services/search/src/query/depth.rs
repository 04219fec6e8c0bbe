//! Parsing without overflowing the stack.
//!
//! tantivy's query grammar is a recursive-descent parser: every `(` (also in
//! `field:(…)` groups) and every `NOT ` keyword is one more level of
//! recursion, each a few kilobytes of stack (about 3 KB optimised, 10 KB
//! unoptimised). A thousand nested parentheses — well within
//! `--max-query-bytes` — overflow a 2 MB thread stack, and a stack overflow
//! aborts the whole process rather than failing one request.
//!
//! So before the grammar sees a query:
//! 1. a quick scan of the text rejects obviously deep nesting (parentheses
//!    plus runs of `NOT`) with the byte where it happens;
//! 2. the number of `(` and `NOT` tokens bounds the recursion depth from
//!    above whatever the quoting (a phrase's `)` closes nothing, so the scan
//!    of step 1 can be fooled, this count cannot). Few of them: parse on the
//!    caller's stack. More: parse on a thread whose stack is sized for that
//!    many levels, and measure the tree there exactly;
//! 3. the parsed tree may nest at most [`MAX_NESTING`] boolean levels, so
//!    everything after parsing (our converter, tantivy's weights and
//!    scorers, dropping the tree) recurses a bounded number of times.

use tantivy::query_grammar::{self, LenientError, UserInputAst};

use crate::error::{Error, Result};

/// Deepest nesting of parentheses and `NOT` a query may use.
pub const MAX_NESTING: usize = 32;
/// Most `(` plus `NOT` tokens in one query, nested or not. Bounds the stack
/// of the parsing thread; 1,024 groups such as `(a OR b)` are far beyond
/// any hand-written or generated query we know of.
pub const MAX_GROUPS: usize = 1024;
/// Up to this many tokens parse on the caller's stack (at most ~350 KB of it
/// in an unoptimised build).
const INLINE_GROUPS: usize = MAX_NESTING;
/// Stack per level for the parsing thread: three times the worst measured
/// (unoptimised build), for sanitizer builds and future grammar versions.
const STACK_PER_LEVEL: usize = 32 * 1024;
/// Stack of the parsing thread besides the levels.
const BASE_STACK: usize = 1024 * 1024;

/// What the grammar made of a query.
pub struct Parsed {
    pub ast: UserInputAst,
    /// Errors of the lenient parser (the first says where the query is wrong).
    pub errors: Vec<LenientError>,
    /// Whether the strict parser accepts the query too.
    pub strict_ok: bool,
}

/// Parses `text` with both of tantivy's parsers, refusing queries nested
/// deeper than [`MAX_NESTING`] or with more than [`MAX_GROUPS`] groups.
pub fn parse_bounded(text: &str) -> Result<Parsed> {
    check_scan(text)?;
    let groups = recursive_tokens(text);
    if groups > MAX_GROUPS {
        return Err(Error::InvalidQuery(format!(
            "{groups} parentheses and NOT operators; at most {MAX_GROUPS} are allowed"
        )));
    }
    if groups <= INLINE_GROUPS {
        return parse_and_measure(text);
    }
    let owned = text.to_string();
    let worker = std::thread::Builder::new()
        .name("query-parse".into())
        .stack_size(BASE_STACK + groups * STACK_PER_LEVEL)
        .spawn(move || parse_and_measure(&owned))
        .map_err(|e| Error::Internal(format!("cannot start the query parser thread: {e}")))?;
    worker
        .join()
        .map_err(|_| Error::Internal("the query parser panicked".into()))?
}

/// Runs both parsers and checks the tree's depth; an over-deep tree is
/// dropped here, on the stack that could build it.
fn parse_and_measure(text: &str) -> Result<Parsed> {
    let (ast, errors) = query_grammar::parse_query_lenient(text);
    let strict_ok = query_grammar::parse_query(text).is_ok();
    let depth = nesting(&ast);
    if depth > MAX_NESTING {
        return Err(too_deep(None));
    }
    Ok(Parsed {
        ast,
        errors,
        strict_ok,
    })
}

fn too_deep(at: Option<usize>) -> Error {
    let at = at.map(|p| format!(" at byte {p}")).unwrap_or_default();
    Error::InvalidQuery(format!(
        "parentheses and NOT nest more than {MAX_NESTING} levels deep{at}; \
         at most {MAX_NESTING} levels are allowed, flatten the query"
    ))
}

/// Boolean levels of a parsed tree: a leaf is 0, a clause one more than its
/// deepest child. Recursive, so only called on trees a parser of bounded
/// depth built.
fn nesting(ast: &UserInputAst) -> usize {
    match ast {
        UserInputAst::Clause(children) => {
            1 + children
                .iter()
                .map(|(_, child)| nesting(child))
                .max()
                .unwrap_or(0)
        }
        UserInputAst::Boost(inner, _) => nesting(inner),
        UserInputAst::Leaf(_) => 0,
    }
}

/// Whether `NOT` at `i` is followed by whitespace (the grammar's keyword).
fn not_keyword_at(bytes: &[u8], i: usize) -> bool {
    bytes[i..].starts_with(b"NOT") && matches!(bytes.get(i + 3), Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// Every `(` and every `NOT`+whitespace, wherever they are: each level of
/// the grammar's recursion consumes one of them, so this bounds the depth.
fn recursive_tokens(text: &str) -> usize {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'(' || not_keyword_at(bytes, i))
        .count()
}

/// The quick scan: open parentheses plus the current run of `NOT`s, ignoring
/// quotes (a phrase full of parentheses is not worth a special case).
fn check_scan(text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    let (mut parens, mut nots) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let word_start = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n' | b'(');
        match bytes[i] {
            b'(' => parens += 1,
            b')' => {
                parens = parens.saturating_sub(1);
                nots = 0;
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'+' | b'-' => {}
            _ if word_start && not_keyword_at(bytes, i) => {
                nots += 1;
                i += 2;
            }
            _ => nots = 0,
        }
        if parens + nots > MAX_NESTING {
            return Err(too_deep(Some(i)));
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> String {
        format!("{}a b{}", "(".repeat(levels), ")".repeat(levels))
    }

    fn is_too_deep(result: Result<Parsed>) -> bool {
        matches!(result, Err(Error::InvalidQuery(m)) if m.contains("at most 32 levels"))
    }

    #[test]
    fn deep_parentheses_are_refused_before_parsing() {
        // 1,000 levels overflowed the stack and aborted the process.
        assert!(is_too_deep(parse_bounded(&nested(1000))));
        assert!(is_too_deep(parse_bounded(&nested(MAX_NESTING + 1))));
        assert!(parse_bounded(&nested(MAX_NESTING)).is_ok());
        let fields = format!("{}a{}", "title:(".repeat(1000), ")".repeat(1000));
        assert!(is_too_deep(parse_bounded(&fields)));
        let not_parens = format!("{}a{}", "NOT (".repeat(500), ")".repeat(500));
        assert!(is_too_deep(parse_bounded(&not_parens)));
    }

    #[test]
    fn long_not_chains_are_refused() {
        for sep in [" ", "\t", "\n", "  "] {
            let chain = format!("{}a", format!("NOT{sep}").repeat(2000));
            assert!(is_too_deep(parse_bounded(&chain)), "{sep:?}");
        }
        assert!(parse_bounded(&format!("{}a", "NOT ".repeat(MAX_NESTING))).is_ok());
        // Flat NOTs are not nesting.
        let flat = (0..200)
            .map(|i| format!("a{i} NOT b{i}"))
            .collect::<Vec<_>>();
        assert!(parse_bounded(&flat.join(" ")).is_ok());
    }

    #[test]
    fn quoted_parentheses_cannot_hide_nesting() {
        // The quick scan sees `(` then `)` at every level; the grammar sees
        // the `)` inside a phrase and nests 800 deep.
        let sneaky = format!("{}a{}", "( \")\" ".repeat(800), ")".repeat(800));
        assert!(is_too_deep(parse_bounded(&sneaky)));
        let sneaky = format!("{}a{}", "(')' ".repeat(MAX_GROUPS + 1), ")".repeat(10));
        assert!(matches!(
            parse_bounded(&sneaky),
            Err(Error::InvalidQuery(m)) if m.contains("at most 1024")
        ));
    }

    #[test]
    fn many_flat_groups_parse_on_a_bigger_stack() {
        let groups = (0..500)
            .map(|i| format!("(a{i} OR b{i})"))
            .collect::<Vec<_>>();
        let parsed = parse_bounded(&groups.join(" ")).unwrap();
        assert!(parsed.errors.is_empty() && parsed.strict_ok);
        assert_eq!(nesting(&parsed.ast), 2);
    }

    #[test]
    fn runs_of_operators_and_quotes_are_flat() {
        for prefix in [
            "-", "+", "\"", "'", "^2", "~", "*", "!", ":", "\\", "[", "{", "/",
        ] {
            let long = format!("{}a", prefix.repeat(10_000));
            let parsed = parse_bounded(&long).unwrap();
            assert!(nesting(&parsed.ast) <= 2, "{prefix}");
            let long = format!("a{}", prefix.repeat(10_000));
            parse_bounded(&long).unwrap();
        }
    }
}
