//! Quotations and reported speech, with their speakers.
//!
//! Rules, not a model: quotation marks give direct quotes
//! ([`marks`]); the attribution beside them and the cue words of reported
//! speech give speakers as phrases of the text ([`attribution`],
//! [`reported`]); a small coreference step maps a phrase to a name of the
//! document ([`resolve`]). A quote whose speaker the text does not give is
//! kept without one, never guessed, except the journalistic convention
//! that a paragraph of quotation continues the previous paragraph's
//! speaker, and `“A,” she said. “B.”` where B is hers.
//!
//! Runs in the analysis stage on UTF-8 byte offsets, after tagging: the
//! names it resolves to are the document's name spans, which linking turns
//! into entities.

mod attribution;
mod cues;
mod marks;
mod reported;
mod resolve;
mod text;

use std::ops::Range;

use crate::EntityType;

/// A name the tagger found, as the quote finder reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRef {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
}

/// A quote found, in UTF-8 byte offsets, before linking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundQuote {
    pub start: usize,
    pub end: usize,
    pub direct: bool,
    pub cue: String,
    /// How the text refers to the speaker, and the name it resolves to
    /// (an index into the names given to [`find`]).
    pub speaker: Option<Range<usize>>,
    pub speaker_name: Option<usize>,
    pub addressee: Option<Range<usize>>,
    pub addressee_name: Option<usize>,
}

/// Types that can say something: people, organisations, governments.
fn can_speak(t: EntityType) -> bool {
    matches!(t, EntityType::Person | EntityType::Org | EntityType::Gpe)
}

/// Fewest words of a quotation with no attribution that is still read as a
/// quote: shorter ones are scare quotes and titles (the so-called “shadow
/// fleet”).
const MIN_UNATTRIBUTED_WORDS: usize = 4;

/// Fewest words of a quotation inside a reported clause ("described the
/// talks as “candid and in-depth”") still read as a direct quote.
const MIN_QUOTE_WORDS_IN_CLAUSE: usize = 5;

/// Longest window read for an attribution beside a quotation, in bytes.
const ATTRIBUTION_WINDOW: usize = 240;

/// The quotes of `text`, in text order. `names` are the document's name
/// spans in text order.
pub fn find(text: &str, names: &[NameRef]) -> Vec<FoundQuote> {
    let paragraphs = text::paragraphs(text);
    let segments = marks::segments(text, &paragraphs);
    let mut found: Vec<FoundQuote> = Vec::new();
    let mut covered: Vec<Range<usize>> = Vec::new();
    let mut kept_marks: Vec<Range<usize>> = Vec::new();
    // The speaker and cue of the last attributed direct quote, with the
    // paragraph it closed in.
    let mut previous: Option<(usize, String, Option<Range<usize>>)> = None;
    for (i, seg) in segments.iter().enumerate() {
        let para = &paragraphs[seg.last_paragraph];
        let first_para = &paragraphs[seg.first_paragraph];
        // After the closing mark: to the end of the sentence, or the next
        // quotation, whichever comes first.
        let next_open = segments.get(i + 1).map_or(usize::MAX, |s| s.open);
        let tail_end = text::sentence_around(text, para.clone(), seg.close.min(para.end))
            .end
            .max(seg.close)
            .min(next_open)
            .min(floor(text, seg.close + ATTRIBUTION_WINDOW))
            .min(para.end);
        let after = (seg.close < tail_end)
            .then(|| attribution::after_quote(text, seg.close..tail_end, names))
            .flatten();
        let prev_close = i.checked_sub(1).map_or(0, |j| segments[j].close);
        let head_start = text::sentence_around(text, first_para.clone(), seg.open)
            .start
            .max(prev_close)
            .max(ceil(text, seg.open.saturating_sub(ATTRIBUTION_WINDOW)));
        let before = (head_start < seg.open)
            .then(|| attribution::before_quote(text, head_start..seg.open, names))
            .flatten();
        let words = text[seg.start..seg.end].split_whitespace().count();
        let mut attribution = after.or(before);
        if attribution.is_none() {
            // “A,” she said. “B.” — and a paragraph of quotation after a
            // paragraph that ended with an attributed quote.
            let starts_paragraph = text[first_para.start..seg.open].trim().is_empty();
            let inherited = previous.as_ref().filter(|(p, _, _)| {
                *p == seg.first_paragraph || starts_paragraph && *p + 1 == seg.first_paragraph
            });
            if let Some((_, cue, speaker)) = inherited
                && speaker.is_some()
            {
                attribution = Some(attribution::Attribution {
                    cue: cue.clone(),
                    speaker: speaker.clone(),
                    addressee: None,
                    covers: seg.close..seg.close,
                    words_between: 0,
                });
            }
        }
        let quoted_text = &text[seg.start..seg.end];
        let fragment = attribution
            .as_ref()
            .is_some_and(|a| a.words_between > 3 && words < MIN_QUOTE_WORDS_IN_CLAUSE);
        let is_quote = !is_label(text, seg.open)
            && !fragment
            && (attribution.is_some() || words >= MIN_UNATTRIBUTED_WORDS && !is_title(quoted_text));
        if !is_quote {
            continue;
        }
        kept_marks.push(seg.open..seg.close);
        let (cue, speaker, addressee) = match attribution {
            Some(a) => {
                if !a.covers.is_empty() {
                    covered.push(a.covers.clone());
                }
                (a.cue, a.speaker, a.addressee)
            }
            None => (String::new(), None, None),
        };
        if speaker.is_some() {
            previous = Some((seg.last_paragraph, cue.clone(), speaker.clone()));
        } else {
            previous = None;
        }
        found.push(FoundQuote {
            start: seg.start,
            end: seg.end,
            direct: true,
            cue,
            speaker,
            speaker_name: None,
            addressee,
            addressee_name: None,
        });
    }
    let all_marks: Vec<Range<usize>> = segments.iter().map(|s| s.open..s.close).collect();
    for r in reported::find(text, &paragraphs, &all_marks, &kept_marks, &covered, names) {
        found.push(FoundQuote {
            start: r.clause.start,
            end: r.clause.end,
            direct: false,
            cue: r.cue,
            speaker: Some(r.speaker),
            speaker_name: None,
            addressee: r.addressee,
            addressee_name: None,
        });
    }
    found.sort_by_key(|q| (q.start, q.end));
    let ctx = resolve::Context {
        text,
        names,
        quoted: &kept_marks,
    };
    for q in &mut found {
        q.speaker_name = q.speaker.clone().and_then(|s| resolve::resolve(&ctx, s));
        q.addressee_name = q.addressee.clone().and_then(|a| {
            names
                .iter()
                .position(|n| n.start >= a.start && n.end <= a.end && can_speak(n.entity_type))
        });
    }
    found
}

/// A quotation that names something rather than reports speech: the
/// so-called “shadow fleet”, dubbed “Operation Dawn”, described as “candid”.
fn is_label(text: &str, open: usize) -> bool {
    let before = text[..open].trim_end();
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        last.as_str(),
        "called"
            | "dubbed"
            | "so-called"
            | "titled"
            | "entitled"
            | "named"
            | "branded"
            | "labelled"
            | "labeled"
            | "nicknamed"
            | "as"
            | "word"
            | "term"
            | "phrase"
            | "slogan"
            | "reading"
            | "read"
    )
}

/// Every word capitalised: the title of a work or an operation.
fn is_title(quoted: &str) -> bool {
    let words: Vec<&str> = quoted.split_whitespace().collect();
    words.len() <= 8
        && !quoted.trim_end().ends_with(['.', ',', '!', '?'])
        && words
            .iter()
            .filter(|w| w.chars().count() > 3)
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests;
