//! Reported speech: "X said (that) …", "X told Y that …", "…, X said.",
//! "according to X, …" and "…, according to X". The reported clause is the
//! quote; its speaker phrase goes to the resolver like a direct quote's.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::NameRef;
use super::attribution::{first_section, is_speaker_phrase};
use super::cues;
use super::text::{Word, sentence_around, words};

/// A reported statement before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub clause: Range<usize>,
    pub cue: String,
    pub speaker: Range<usize>,
    pub addressee: Option<Range<usize>>,
}

/// Cue words, found in one pass over the text.
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    let verbs = [
        "said",
        "says",
        "told",
        "tells",
        "added",
        "warned",
        "warns",
        "wrote",
        "writes",
        "argued",
        "argues",
        "insisted",
        "insists",
        "claimed",
        "claims",
        "noted",
        "notes",
        "explained",
        "stressed",
        "stresses",
        "acknowledged",
        "admitted",
        "confirmed",
        "confirms",
        "denied",
        "denies",
        "declared",
        "announced",
        "predicted",
        "cautioned",
        "suggested",
        "conceded",
        "complained",
        "maintained",
        "reiterated",
        "emphasised",
        "emphasized",
        "stated",
        "tweeted",
        "posted",
        "believes",
        "found",
        "ruled",
        "estimated",
        "reported",
        "alleged",
        "contended",
        "testified",
        "promised",
        "pledged",
        "vowed",
        "agreed",
        "recalled",
        "observed",
        "countered",
        "assured",
        "signalled",
        "signaled",
        "hinted",
        "predicts",
        "admits",
        "concluded",
        "thinks",
        "accused",
    ];
    Regex::new(&format!(
        r"(?-u:\b)(?:{}|[Aa]ccording to)(?-u:\b)",
        verbs.join("|")
    ))
    .expect("cue pattern compiles")
});

/// Time and manner phrases between a cue and its clause ("said on
/// Tuesday that", "told reporters in Brussels that").
fn is_filler_start(w: &str) -> bool {
    matches!(
        w,
        "on" | "in"
            | "at"
            | "during"
            | "last"
            | "earlier"
            | "late"
            | "yesterday"
            | "today"
            | "this"
            | "after"
            | "before"
            | "while"
            | "when"
            | "repeatedly"
            | "again"
            | "also"
            | "later"
            | "privately"
            | "publicly"
            | "separately"
            | "recently"
            | "previously"
            | "via"
            | "through"
            | "over"
    )
}

/// Reported statements in `text`: cues outside quotation marks (`marks`,
/// quotes or not) and outside attributions already read (`skip`), in
/// sentences with no direct quote (`quotes`: those are the direct
/// reader's).
pub fn find(
    text: &str,
    paragraphs: &[Range<usize>],
    marks: &[Range<usize>],
    quotes: &[Range<usize>],
    skip: &[Range<usize>],
    names: &[NameRef],
) -> Vec<Reported> {
    let mut out: Vec<Reported> = Vec::new();
    let inside =
        |pos: usize, ranges: &[Range<usize>]| ranges.iter().any(|r| r.start <= pos && pos < r.end);
    let mut last_sentence: Option<Range<usize>> = None;
    for m in CUE.find_iter(text) {
        if inside(m.start(), marks) || inside(m.start(), skip) {
            continue;
        }
        let p = paragraphs.partition_point(|r| r.end <= m.start());
        let Some(para) = paragraphs.get(p) else {
            continue;
        };
        let sentence = sentence_around(text, para.clone(), m.start());
        // A sentence with a quotation is the direct reader's.
        if quotes
            .iter()
            .any(|q| q.start < sentence.end && sentence.start < q.end)
        {
            continue;
        }
        if last_sentence.as_ref() == Some(&sentence)
            && out.last().is_some_and(|r| r.clause.start >= sentence.start)
        {
            continue;
        }
        let w = words(text, sentence.clone());
        let Some(k) = w.iter().position(|x| x.start == m.start()) else {
            continue;
        };
        if let Some(r) = read(text, &w, k, names) {
            last_sentence = Some(sentence);
            out.push(r);
        }
    }
    out
}

fn lower(text: &str, w: &Word) -> String {
    w.text(text).to_lowercase()
}

fn read(text: &str, w: &[Word], k: usize, names: &[NameRef]) -> Option<Reported> {
    let cue = lower(text, &w[k]);
    if cue == "according" {
        return according(text, w, k, names);
    }
    // "…, Popescu said." / "…, said the minister." at the sentence end.
    if let Some(r) = trailing(text, w, k, names) {
        return Some(r);
    }
    // "Popescu said (that) …".
    let subject = &w[..k];
    let subject_end = subject
        .iter()
        .rposition(|x| {
            !matches!(
                lower(text, x).as_str(),
                "has"
                    | "had"
                    | "have"
                    | "also"
                    | "later"
                    | "again"
                    | "previously"
                    | "earlier"
                    | "repeatedly"
                    | "would"
            )
        })
        .map_or(0, |i| i + 1);
    let subject = &subject[..subject_end];
    if subject.is_empty() {
        return None;
    }
    // The speaker phrase right before the verb (past an appositive or a
    // relative clause: "Popescu, who chairs the council, said").
    let speaker = first_section(text, subject, names)?;
    let mut rest = &w[k + 1..];
    let mut addressee = None;
    if cues::takes_addressee(&cue) {
        let end = rest
            .iter()
            .position(|x| {
                matches!(
                    lower(text, x).as_str(),
                    "that"
                        | ","
                        | "on"
                        | "in"
                        | "at"
                        | "the"
                        | "a"
                        | "an"
                        | "it"
                        | "he"
                        | "she"
                        | "they"
                        | "this"
                        | "there"
                        | "we"
                )
            })
            .unwrap_or(rest.len());
        // "told reporters", "told the broadcaster": the determiner belongs
        // to the addressee when a name or "that" follows soon.
        let end = if end == 0 && !rest.is_empty() {
            let stop = rest
                .iter()
                .position(|x| matches!(lower(text, x).as_str(), "that" | "," | "on" | "in" | "at"))
                .unwrap_or(rest.len());
            if stop <= 4 { stop } else { 0 }
        } else {
            end
        };
        if end > 0 && end <= 5 {
            addressee = Some(rest[0].start..rest[end - 1].end);
            rest = &rest[end..];
        } else if cue == "told" || cue == "tells" {
            return None;
        }
    }
    let that = rest.iter().take(12).position(|x| lower(text, x) == "that");
    // "said that …", "said on Tuesday that …".
    let clause_words = if let Some(t) = that
        && (t == 0 || is_filler_start(&lower(text, &rest[0])))
    {
        &rest[t + 1..]
    } else {
        if cues::needs_that_when_reported(&cue) {
            return None;
        }
        let r = rest;
        // "said on Tuesday the talks…" is rare; "said on Tuesday." is no
        // statement at all.
        if r.first()
            .is_some_and(|x| is_filler_start(&lower(text, x)) || !x.is_alnum(text))
        {
            return None;
        }
        if r.first().is_some_and(|x| {
            matches!(
                lower(text, x).as_str(),
                "it" | "so" | "nothing" | "yes" | "no"
            )
        }) && r.len() < 3
        {
            return None;
        }
        r
    };
    let clause = clause_span(text, clause_words)?;
    Some(Reported {
        clause,
        cue,
        speaker,
        addressee,
    })
}

/// "…, Popescu said." or "…, said Popescu." closing the sentence.
fn trailing(text: &str, w: &[Word], k: usize, names: &[NameRef]) -> Option<Reported> {
    let comma = w[..k].iter().rposition(|x| x.text(text) == ",")?;
    let after = &w[k + 1..];
    // Only a short tail after the verb: an addressee or a time.
    if after.iter().filter(|x| x.is_alnum(text)).count() > 6
        || after.iter().any(|x| lower(text, x) == "that")
    {
        return None;
    }
    let cue = lower(text, &w[k]);
    let (speaker, addressee) = if comma + 1 == k {
        // ", said the minister."
        let end = after
            .iter()
            .position(|x| {
                !x.is_alnum(text) || matches!(lower(text, x).as_str(), "on" | "in" | "at" | "who")
            })
            .unwrap_or(after.len());
        let phrase = &after[..end];
        if !is_speaker_phrase(text, phrase, names) {
            return None;
        }
        (phrase[0].start..phrase[phrase.len() - 1].end, None)
    } else {
        let phrase = &w[comma + 1..k];
        let phrase_end = phrase
            .iter()
            .rposition(|x| {
                !matches!(
                    lower(text, x).as_str(),
                    "has" | "had" | "also" | "later" | "again"
                )
            })
            .map_or(0, |i| i + 1);
        let phrase = &phrase[..phrase_end];
        if !is_speaker_phrase(text, phrase, names) {
            return None;
        }
        let addressee = (cues::takes_addressee(&cue) && !after.is_empty()).then(|| {
            let end = after
                .iter()
                .position(|x| {
                    !x.is_alnum(text) || matches!(lower(text, x).as_str(), "on" | "in" | "at")
                })
                .unwrap_or(after.len());
            (end > 0).then(|| after[0].start..after[end - 1].end)
        });
        (
            phrase[0].start..phrase[phrase.len() - 1].end,
            addressee.flatten(),
        )
    };
    let clause = clause_span(text, &w[..comma])?;
    Some(Reported {
        clause,
        cue,
        speaker,
        addressee,
    })
}

/// "According to X, …" and "…, according to X."
fn according(text: &str, w: &[Word], k: usize, names: &[NameRef]) -> Option<Reported> {
    if w.get(k + 1).is_none_or(|x| lower(text, x) != "to") {
        return None;
    }
    let after = &w[k + 2..];
    let comma = after.iter().position(|x| x.text(text) == ",");
    let phrase_end = comma.unwrap_or(after.len());
    let phrase = &after[..phrase_end.min(10)];
    if !is_speaker_phrase(text, phrase, names) {
        return None;
    }
    let speaker = phrase.first()?.start..phrase.last()?.end;
    let clause_words: &[Word] = if k == 0 || w[..k].iter().all(|x| !x.is_alnum(text)) {
        &after[comma? + 1..]
    } else {
        // "…, according to X." — the clause before it.
        let end = if w[k - 1].text(text) == "," { k - 1 } else { k };
        &w[..end]
    };
    Some(Reported {
        clause: clause_span(text, clause_words)?,
        cue: "according to".into(),
        speaker,
        addressee: None,
    })
}

/// The span of a reported clause: its first to last word, at least three
/// words long, not a question put to the speaker ("Asked whether …").
fn clause_span(text: &str, w: &[Word]) -> Option<Range<usize>> {
    let mut w = w;
    if w.first().is_some_and(|x| {
        matches!(
            x.text(text),
            "Asked" | "Pressed" | "Speaking" | "Questioned"
        )
    }) {
        return None;
    }
    while let Some(l) = w.last()
        && !l.is_alnum(text)
        && !matches!(l.text(text), ")" | "%")
    {
        w = &w[..w.len() - 1];
    }
    while let Some(f) = w.first()
        && !f.is_alnum(text)
    {
        w = &w[1..];
    }
    if w.iter().filter(|x| x.is_alnum(text)).count() < 3 {
        return None;
    }
    Some(w.first()?.start..w.last()?.end)
}
