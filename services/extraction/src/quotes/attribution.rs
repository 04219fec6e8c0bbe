//! Reading the attribution beside a quotation: who said it (a phrase of
//! the text), with which cue, and to whom.
//!
//! Phrases are spans of text; resolving them to names is
//! [`super::resolve`]'s job. The patterns are the ones news writing uses:
//! `“…,” SPEAKER said`, `“…,” said SPEAKER`, `SPEAKER said: “…”`,
//! `SPEAKER told ADDRESSEE that …`, `according to SPEAKER, …`,
//! `…, SPEAKER said.`

use std::ops::Range;

use super::NameRef;
use super::cues::{self, NounKind};
use super::text::{Word, words};

/// An attribution found beside a quote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// The cue as written, lower case ("said", "according to"); empty for
    /// a bare `SPEAKER: “…”`.
    pub cue: String,
    pub speaker: Option<Range<usize>>,
    pub addressee: Option<Range<usize>>,
    /// The text the attribution covers, so the reported-speech reader does
    /// not read its cue a second time.
    pub covers: Range<usize>,
    /// Words between the cue and a quotation after it: more than a few
    /// make the quotation a fragment inside reported speech ("described
    /// the talks as “candid”").
    pub words_between: usize,
}

/// Words that may sit between a speaker and the verb ("she later told").
fn is_adverb(w: &str) -> bool {
    matches!(
        w,
        "later"
            | "also"
            | "then"
            | "again"
            | "previously"
            | "earlier"
            | "has"
            | "had"
            | "have"
            | "once"
            | "recently"
            | "repeatedly"
            | "simply"
            | "reportedly"
            | "publicly"
            | "privately"
            | "separately"
            | "subsequently"
            | "initially"
            | "would"
            | "will"
            | "did"
            | "quickly"
            | "flatly"
            | "firmly"
            | "bluntly"
            | "calmly"
            | "angrily"
            | "only"
            | "herself"
            | "himself"
            | "first"
            | "finally"
            | "last"
            | "often"
    )
}

/// Words ending a speaker or addressee phrase read after a cue.
fn ends_phrase(w: &str) -> bool {
    matches!(
        w,
        "," | "."
            | ";"
            | ":"
            | "!"
            | "?"
            | "on"
            | "in"
            | "at"
            | "during"
            | "after"
            | "before"
            | "that"
            | "who"
            | "which"
            | "while"
            | "as"
            | "when"
            | "from"
            | "via"
            | "late"
            | "earlier"
            | "last"
            | "this"
            | "yesterday"
            | "today"
            | "tonight"
            | "ahead"
            | "by"
            | "over"
            | "outside"
            | "inside"
            | "following"
            | "—"
            | "–"
            | "("
            | "about"
            | "and"
            | "but"
            | "to"
            | "with"
            | "of"
            | "\""
    )
}

/// True when `phrase` can be a speaker: it holds a name, is a pronoun, or
/// is a description headed by a noun of people, organisations or documents.
pub fn is_speaker_phrase(text: &str, phrase: &[Word], names: &[NameRef]) -> bool {
    if phrase.is_empty() || phrase.len() > 12 {
        return false;
    }
    let first = phrase[0].text(text);
    if phrase.len() == 1 && cues::pronoun(first).is_some() {
        return true;
    }
    let (start, end) = (phrase[0].start, phrase[phrase.len() - 1].end);
    if matches!(
        first.to_ascii_lowercase().as_str(),
        "who" | "which" | "whose" | "that" | "this" | "it" | "there" | "what" | "we" | "i" | "you"
    ) {
        return false;
    }
    // A noun phrase starts with a capital (a name, "Police"), a
    // determiner or a number ("54-year-old"); "visiting the hospital in
    // Shymkent" and "when the council" are no speakers.
    let starts_like_a_phrase = first
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        || cues::is_determiner(first);
    // "chief executive Halvard Strand", "editor-in-chief Joanna Krajewska":
    // a title before a name.
    let ends_with_name = names
        .iter()
        .any(|n| n.start >= start && n.end == end && super::can_speak(n.entity_type));
    if !starts_like_a_phrase && !ends_with_name {
        return false;
    }
    if names
        .iter()
        .any(|n| n.start >= start && n.end <= end && super::can_speak(n.entity_type))
    {
        // A name, with a few words of description at most.
        return phrase.len() <= 10;
    }
    head_noun(text, phrase).is_some()
}

/// The noun a description hangs on and what it names ("the foreign
/// minister" → minister, Person): the first listed noun from the end,
/// before any "of"/"for"/"at" tail ("a spokesperson for the ministry").
pub fn head_noun(text: &str, phrase: &[Word]) -> Option<(usize, NounKind)> {
    let cut = phrase
        .iter()
        .position(|w| {
            matches!(
                w.text(text),
                "for" | "of" | "at" | "with" | "from" | "in" | ","
            )
        })
        .unwrap_or(phrase.len());
    let cut = if cut == 0 { phrase.len() } else { cut };
    for (i, w) in phrase[..cut].iter().enumerate().rev() {
        let lower = w.text(text).to_lowercase();
        let lower = lower.trim_end_matches("'s").trim_end_matches("’s");
        if let Some(kind) = cues::noun_kind(lower) {
            return Some((i, kind));
        }
    }
    None
}

/// The attribution after a quote's closing mark: `, she said`, `, said
/// the minister`, `, Popescu told reporters`, `, according to X`.
/// `window` runs from the closing mark to the end of its sentence.
pub fn after_quote(text: &str, window: Range<usize>, names: &[NameRef]) -> Option<Attribution> {
    let all = words(text, window.clone());
    let mut w: &[Word] = &all;
    while let Some(first) = w.first()
        && matches!(first.text(text), "," | "—" | "–" | "-" | ":")
    {
        w = &w[1..];
    }
    let first = w.first()?;
    let lower = |x: &Word| x.text(text).to_lowercase();
    // `according to X`.
    if lower(first) == "according" && w.get(1).is_some_and(|t| lower(t) == "to") {
        let phrase = phrase_after(text, &w[2..]);
        if is_speaker_phrase(text, phrase, names) {
            return Some(Attribution {
                cue: "according to".into(),
                speaker: span(phrase),
                addressee: None,
                covers: window.start..phrase.last().map_or(window.end, |x| x.end),
                words_between: 0,
            });
        }
        return None;
    }
    // `said the minister`, `says Sarrau`, `said the mayor, Siobhán Keane`.
    if cues::is_speech_verb(&lower(first)) {
        let mut phrase = phrase_after(text, &w[1..]);
        let after_phrase = &w[1 + phrase.len()..];
        if after_phrase.first().is_some_and(|x| x.text(text) == ",") {
            let named = phrase_after(text, &after_phrase[1..]);
            let person = |p: &[Word]| {
                p.first().is_some_and(|f| {
                    names
                        .iter()
                        .any(|n| n.start == f.start && n.entity_type == crate::EntityType::Person)
                })
            };
            if !person(phrase) && person(named) && head_noun(text, phrase).is_some() {
                phrase = named;
            }
        }
        if is_speaker_phrase(text, phrase, names) {
            return Some(Attribution {
                cue: lower(first),
                speaker: span(phrase),
                addressee: None,
                covers: window.start..phrase.last().map_or(first.end, |x| x.end),
                words_between: 0,
            });
        }
        return None;
    }
    // `she said`, `Popescu, the foreign minister, told reporters`.
    let verb = w
        .iter()
        .take(14)
        .position(|x| cues::is_speech_verb(&lower(x)))?;
    let mut subject_end = verb;
    while subject_end > 0 && is_adverb(&lower(&w[subject_end - 1])) {
        subject_end -= 1;
    }
    let subject = trim_punct(text, &w[..subject_end]);
    let speaker = first_section(text, subject, names)?;
    let cue = lower(&w[verb]);
    let addressee = addressee_after(text, &cue, &w[verb + 1..]);
    let end = addressee.as_ref().map_or(w[verb].end, |a| a.end);
    Some(Attribution {
        cue,
        speaker: Some(speaker),
        addressee,
        covers: window.start..end,
        words_between: 0,
    })
}

/// The attribution before a quote's opening mark: `Popescu said: “`,
/// `she told reporters, “`, `According to the ministry, “`, `Sarrau: “`.
/// `window` runs from the start of the sentence to the opening mark.
pub fn before_quote(text: &str, window: Range<usize>, names: &[NameRef]) -> Option<Attribution> {
    let all = words(text, window.clone());
    let mut w: &[Word] = &all;
    let colon = w.last().is_some_and(|x| x.text(text) == ":");
    while let Some(last) = w.last()
        && matches!(last.text(text), "," | ":" | "—" | "–" | "-" | "that")
    {
        w = &w[..w.len() - 1];
    }
    if w.is_empty() {
        return None;
    }
    let lower = |x: &Word| x.text(text).to_lowercase();
    // The last cue before the quote, with at most a short tail after it
    // (an addressee, a time, or the start of a partial quote's clause).
    let verb = w.iter().rposition(|x| {
        let l = lower(x);
        cues::is_speech_verb(&l) || l == "according"
    });
    if let Some(k) = verb {
        let cue_word = lower(&w[k]);
        if cue_word == "according" {
            if w.get(k + 1).is_none_or(|t| lower(t) != "to") {
                return None;
            }
            let phrase = trim_punct(text, phrase_after(text, &w[k + 2..]));
            if is_speaker_phrase(text, phrase, names) {
                return Some(Attribution {
                    cue: "according to".into(),
                    speaker: span(phrase),
                    addressee: None,
                    covers: w[0].start..window.end,
                    words_between: 0,
                });
            }
            return None;
        }
        if w.len() - k - 1 > 30 {
            return None;
        }
        let mut subject_end = k;
        while subject_end > 0 && is_adverb(&lower(&w[subject_end - 1])) {
            subject_end -= 1;
        }
        let subject = trim_punct(text, &w[..subject_end]);
        let speaker = first_section(text, subject, names)?;
        let addressee = addressee_after(text, &cue_word, &w[k + 1..]);
        return Some(Attribution {
            cue: cue_word,
            speaker: Some(speaker),
            addressee,
            covers: window.clone(),
            words_between: w.len() - k - 1,
        });
    }
    // A bare `Sarrau: “…”` (headlines, interview transcripts).
    if colon && w.len() <= 4 && is_speaker_phrase(text, w, names) {
        return Some(Attribution {
            cue: String::new(),
            speaker: span(w),
            addressee: None,
            covers: window,
            words_between: 0,
        });
    }
    None
}

/// The speaker in the words before a cue: the nearest comma-separated
/// section that is a speaker phrase, preferring one that holds a name
/// ("Ana Popescu, the foreign minister, said" → "Ana Popescu"), skipping
/// relative clauses ("Popescu, who chairs the council, said").
pub fn first_section(text: &str, subject: &[Word], names: &[NameRef]) -> Option<Range<usize>> {
    let mut sections: Vec<&[Word]> = subject
        .split(|x| matches!(x.text(text), "," | ";" | "—" | "–" | "(" | ")"))
        .filter(|s| !s.is_empty())
        .collect();
    // Only the sections right before the verb: at most three back.
    let keep = sections.len().saturating_sub(3);
    sections.drain(..keep);
    let last = *sections.last()?;
    let has_name = |s: &[Word]| {
        let (a, b) = (s[0].start, s[s.len() - 1].end);
        names
            .iter()
            .any(|n| n.start >= a && n.end <= b && super::can_speak(n.entity_type))
    };
    // The section right before the verb, unless it describes the name
    // before it ("Ana Popescu, the foreign minister, said"; "Xingchen
    // Auto, one of China's largest makers, said"; "Sarsenbayeva, visiting
    // the hospital, said").
    let last = strip_lead(text, last);
    let first_word = last[0].text(text);
    let pronoun = last.len() == 1 && cues::pronoun(first_word).is_some();
    let describes =
        !pronoun && (cues::is_determiner(first_word) || !is_speaker_phrase(text, last, names));
    if describes && sections.len() > 1 {
        let before = strip_lead(text, sections[sections.len() - 2]);
        if has_name(before) && is_speaker_phrase(text, before, names) {
            return span(before);
        }
    }
    if is_speaker_phrase(text, last, names) {
        return span(last);
    }
    None
}

/// Drops sentence openers before a speaker ("But", "And", "On Tuesday").
fn strip_lead<'a>(text: &str, s: &'a [Word]) -> &'a [Word] {
    let mut s = s;
    while let Some(first) = s.first() {
        let l = first.text(text).to_lowercase();
        if matches!(
            l.as_str(),
            "but"
                | "and"
                | "yet"
                | "so"
                | "still"
                | "however"
                | "instead"
                | "meanwhile"
                | "\""
                | "“"
                | "‘"
        ) && s.len() > 1
        {
            s = &s[1..];
        } else {
            break;
        }
    }
    s
}

/// The words of a phrase after a cue, up to the word that ends it.
fn phrase_after<'a>(text: &str, w: &'a [Word]) -> &'a [Word] {
    let end = w
        .iter()
        .position(|x| ends_phrase(&x.text(text).to_lowercase()))
        .unwrap_or(w.len());
    &w[..end.min(10)]
}

/// Whom a cue names: `told reporters`, `told her counterpart`.
fn addressee_after(text: &str, cue: &str, after: &[Word]) -> Option<Range<usize>> {
    if !cues::takes_addressee(cue) {
        return None;
    }
    let phrase = phrase_after(text, after);
    let phrase = &phrase[..phrase.len().min(5)];
    // "told reporters" and "told the broadcaster", not "warned the
    // talks would fail" (a clause, not a person).
    let first = phrase.first()?.text(text);
    if phrase
        .iter()
        .any(|x| cues::is_speech_verb(&x.text(text).to_lowercase()))
    {
        return None;
    }
    if first.chars().next().is_some_and(char::is_uppercase)
        || cues::is_determiner(first)
        || phrase.len() == 1 && cues::noun_kind(&first.to_lowercase()).is_some()
        || matches!(
            first,
            "reporters"
                | "journalists"
                | "lawmakers"
                | "parliament"
                | "delegates"
                | "investors"
                | "analysts"
                | "staff"
                | "employees"
                | "supporters"
                | "listeners"
                | "viewers"
                | "readers"
                | "students"
                | "residents"
                | "me"
                | "us"
                | "him"
                | "them"
        )
    {
        if phrase.len() > 1 && cues::is_speech_verb(&phrase[1].text(text).to_lowercase()) {
            return None;
        }
        // "warned the talks would fail": a determiner phrase followed by
        // a verb-like word is a clause's subject, not the addressee.
        if cue != "told" && cue != "tells" && cue != "telling" {
            return None;
        }
        return span(phrase);
    }
    None
}

fn trim_punct<'a>(text: &str, w: &'a [Word]) -> &'a [Word] {
    let mut w = w;
    while let Some(l) = w.last()
        && !l.is_alnum(text)
    {
        w = &w[..w.len() - 1];
    }
    while let Some(f) = w.first()
        && !f.is_alnum(text)
    {
        w = &w[1..];
    }
    w
}

fn span(w: &[Word]) -> Option<Range<usize>> {
    Some(w.first()?.start..w.last()?.end)
}
