//! The article derived from a body, once, when it is stored (and again when
//! a newer cleaner re-derives old documents): `text` for extraction and
//! search, and the metadata the request left empty.
//!
//! Rules kept here rather than in the cleaner, because they are about what
//! storage promises:
//! - what the request sets always wins; a derived value only fills an empty
//!   field, and the field is recorded in [`Derived`] so a newer cleaner may
//!   replace it later (and never a value the client gave);
//! - derived values obey the same limits as sent ones, but are cut at a
//!   character boundary (or dropped, for a url or a language that would no
//!   longer be one) instead of failing the document: the client did not send
//!   them and could not fix them;
//! - plain text that has none of the lines the cleaner removes keeps
//!   `text == body` byte for byte (mention offsets of plain documents stay
//!   what they were), and when lines are removed the kept ones are the
//!   body's own lines, not a re-spaced copy.

use dossier_article::{Article, CLEANER_VERSION, ContentType};

use crate::config::Limits;
use crate::model::{ArticleText, Derived, DocumentFields, Timestamp};
use crate::validation::{MAX_FUTURE_SECONDS, MIN_PUBLISHED_SECONDS};

/// Cleans `fields.body` and fills the metadata fields that are empty.
///
/// `previous` names fields an earlier derivation filled: they are cleared
/// first, so the new cleaner's values replace them. With `fill_source`
/// false the source is left as it is: it is part of the dedup key, fixed
/// when the document was created.
pub fn derive(
    fields: &mut DocumentFields,
    previous: Derived,
    limits: &Limits,
    now: Timestamp,
    fill_source: bool,
) -> ArticleText {
    clear_derived(fields, previous, fill_source);
    // The body was checked against --max-body-bytes/--max-html-bytes
    // already; the cleaner's own input cap must not refuse it a second time.
    let clean_limits = dossier_article::Limits {
        max_input_bytes: usize::MAX,
        ..dossier_article::Limits::default()
    };
    // A language the request gave spares the cleaner detecting one (most of
    // its cost on plain text); only an empty field is ever filled anyway.
    let declared_language = (!fields.language.is_empty()).then_some(fields.language.as_str());
    let article = dossier_article::clean_declared(
        fields.body.as_bytes(),
        fields.content_type,
        &clean_limits,
        declared_language,
    )
    .unwrap_or_default();
    let text = match fields.content_type {
        // A page may be larger than a plain body, but its text is held to
        // the plain-body limit: what extraction and search read stays within
        // the size they are configured for. Cut at a paragraph when one is
        // near, else at a character boundary.
        ContentType::Html => cut_text(&article.text, limits.max_body_bytes),
        ContentType::PlainText => {
            let keep_title_line = !fields.title.is_empty()
                && article
                    .title
                    .as_deref()
                    .is_some_and(|t| t != collapse(&fields.title));
            plain_text(&fields.body, &article, keep_title_line)
        }
    };
    let mut derived = Derived(previous.0 & !all_fillable(fill_source));
    fill(fields, &article, limits, now, fill_source, &mut derived);
    ArticleText {
        text_empty: text.trim().is_empty(),
        text,
        text_version: CLEANER_VERSION,
        derived,
    }
}

fn all_fillable(fill_source: bool) -> u8 {
    let mut bits = Derived::TITLE | Derived::AUTHOR | Derived::PUBLISHED_AT | Derived::URL;
    bits |= Derived::LANGUAGE;
    if fill_source {
        bits |= Derived::SOURCE;
    }
    bits
}

fn clear_derived(fields: &mut DocumentFields, previous: Derived, fill_source: bool) {
    if previous.has(Derived::TITLE) {
        fields.title.clear();
    }
    if previous.has(Derived::AUTHOR) {
        fields.author.clear();
    }
    if previous.has(Derived::PUBLISHED_AT) {
        fields.published_at = None;
    }
    if previous.has(Derived::URL) {
        fields.url.clear();
    }
    if previous.has(Derived::LANGUAGE) {
        fields.language.clear();
    }
    if fill_source && previous.has(Derived::SOURCE) {
        fields.source.clear();
    }
}

fn fill(
    fields: &mut DocumentFields,
    article: &Article,
    limits: &Limits,
    now: Timestamp,
    fill_source: bool,
    derived: &mut Derived,
) {
    let mut set = |bit: u8, target: &mut String, value: Option<String>| {
        if target.is_empty()
            && let Some(value) = value.filter(|v| !v.is_empty())
        {
            *target = value;
            derived.0 |= bit;
        }
    };
    let text_value = |v: &Option<String>, limit: usize| {
        v.as_deref()
            .map(|v| truncate(&without(v, |c| c == '\0'), limit))
    };
    set(
        Derived::TITLE,
        &mut fields.title,
        text_value(&article.title, limits.max_title_bytes),
    );
    set(
        Derived::AUTHOR,
        &mut fields.author,
        text_value(&article.author, limits.max_author_bytes),
    );
    // A url cut short would point elsewhere: one over the limit is dropped.
    set(
        Derived::URL,
        &mut fields.url,
        article
            .url
            .clone()
            .filter(|u| u.len() <= limits.max_url_bytes && !u.contains('\0')),
    );
    set(
        Derived::LANGUAGE,
        &mut fields.language,
        article.language.clone().filter(|l| {
            l.len() <= limits.max_language_bytes
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }),
    );
    if fill_source {
        set(
            Derived::SOURCE,
            &mut fields.source,
            article
                .source
                .as_deref()
                .map(|s| truncate(&without(s, char::is_control), limits.max_source_bytes)),
        );
    }
    if fields.published_at.is_none()
        && let Some(seconds) = article.published_at
        && (MIN_PUBLISHED_SECONDS..=now.seconds() + MAX_FUTURE_SECONDS).contains(&seconds)
    {
        fields.published_at = Timestamp::from_parts(seconds, 0);
        derived.0 |= Derived::PUBLISHED_AT;
    }
}

fn without(value: &str, drop: impl Fn(char) -> bool) -> String {
    value.chars().filter(|&c| !drop(c)).collect::<String>()
}

/// The longest prefix of `value` within `limit` bytes that ends on a
/// character boundary, trimmed.
pub fn truncate(value: &str, limit: usize) -> String {
    if value.len() <= limit {
        return value.to_string();
    }
    let mut end = limit;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value[..end].trim_end().to_string()
}

/// `text` within `limit` bytes: whole paragraphs when the last one that
/// fits ends in the second half of the limit, else a character boundary.
fn cut_text(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let cut = truncate(text, limit);
    match cut.rfind("\n\n") {
        Some(end) if end >= limit / 2 => cut[..end].to_string(),
        _ => cut,
    }
}

/// Runs of whitespace (and control characters, zero-width spaces, BOMs) as
/// one space, trimmed: how the cleaner compares lines.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{200b}' || c == '\u{feff}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The text of a plain body: the body's own lines that the cleaner kept, in
/// order (the body itself when it kept them all). If the cleaner's lines
/// cannot be matched to the body's (it never rewrites a line, so this is a
/// safety net), its own text is used.
fn plain_text(body: &str, article: &Article, keep_title_line: bool) -> String {
    let mut expected: Vec<&str> = Vec::new();
    if keep_title_line && let Some(title) = article.title.as_deref() {
        expected.push(title);
    }
    expected.extend(article.text.lines().filter(|l| !l.trim().is_empty()));
    let mut next = 0;
    let mut kept: Vec<&str> = Vec::new();
    let mut dropped = false;
    for line in body.lines() {
        let collapsed = collapse(line);
        if collapsed.is_empty() {
            kept.push("");
        } else if expected.get(next).is_some_and(|e| *e == collapsed) {
            kept.push(line);
            next += 1;
        } else {
            dropped = true;
        }
    }
    if next < expected.len() {
        let mut text = String::new();
        if keep_title_line && let Some(title) = article.title.as_deref() {
            text.push_str(title);
            text.push_str("\n\n");
        }
        text.push_str(&article.text);
        return text;
    }
    if !dropped {
        return body.to_string();
    }
    // Kept lines are "" or hold a character the cleaner compared, so the
    // cleaner's own joining reads them alike.
    dossier_article::paragraphs(&kept)
}

#[cfg(test)]
mod tests;
