//! Names the tagger missed or cut, found as runs of capitalised words that
//! end in a word saying what they are: "the Supply Chain Due Diligence Act"
//! (LAW), "Piarco International Airport" (FAC), "the Three Seas Summit"
//! (EVENT). A run may hold "of", "and", "the", "on" between capitalised words
//! ("the African Growth and Opportunity Act", "the United Nations Convention
//! on the Law of the Sea") and a year after a law ("… Act 2021"). Headlines
//! are left alone: in Title Case every word is capitalised.

use super::kinds::{is_typing_word, is_year, type_by_words};
use super::words::{in_title_case_line, is_capitalised, overlapping, starts_sentence, word_end};
use crate::EntityType;
use crate::tagger::NameSpan;

/// Small words allowed inside a run, between capitalised words.
const CONNECTORS: &[&str] = &["of", "and", "the", "on", "for", "de", "del", "la", "&"];

/// Whether a capitalised word of the text can type a run.
fn has_typing_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word =
            bytes[i].is_ascii_uppercase() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if starts_word {
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |p| i + p);
            if is_typing_word(&text[i..end]) {
                return true;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    false
}

/// A run of capitalised words: byte ranges of its words.
fn runs(text: &str) -> Vec<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    let mut run: Vec<(usize, usize)> = Vec::new();
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if !(bytes[i] as char).is_alphanumeric() && bytes[i] < 0x80 && bytes[i] != b'&' {
            // A line break or punctuation other than a space ends the run.
            if bytes[i] != b' ' {
                if !run.is_empty() {
                    out.push(std::mem::take(&mut run));
                }
                pending.clear();
            }
            i += 1;
            continue;
        }
        let start = i;
        let end = if bytes[i] == b'&' {
            i + 1
        } else {
            word_end(text, i).max(i + 1)
        };
        // Keep to char boundaries for non-ASCII starts.
        let end = (end..=text.len())
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(text.len());
        let word = &text[start..end];
        // A possessive ends the run after its word ("Germany's Supply …").
        let possessive = text[end..].starts_with("'s") || text[end..].starts_with("’s");
        if is_capitalised(word) || word.bytes().all(|b| b.is_ascii_digit()) && !run.is_empty() {
            run.append(&mut pending);
            run.push((start, end));
            if possessive {
                out.push(std::mem::take(&mut run));
            }
        } else if CONNECTORS.contains(&word) && !run.is_empty() {
            pending.push((start, end));
        } else {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            pending.clear();
        }
        i = end;
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Adds or widens names whose last word types them; the widest reading of
/// a run wins over the tagger's pieces of it.
pub fn apply(text: &str, names: &mut Vec<NameSpan>) {
    // Most texts have no word that can type a run: one cheap pass says so.
    if !has_typing_word(text) {
        return;
    }
    let mut found = Vec::new();
    for run in runs(text) {
        let word = |k: usize| &text[run[k].0..run[k].1];
        // Leading words that are not the name's: "The", a sentence's first
        // word before a connector ("Under the … Act"), connectors.
        let mut s = 0;
        let leading = |s: usize| {
            s < run.len() && (word(s) == "The" || CONNECTORS.contains(&word(s)))
                || s + 1 < run.len()
                    && starts_sentence(text, run[s].0)
                    && CONNECTORS.contains(&word(s + 1))
        };
        while leading(s) {
            s += 1;
        }
        let run = &run[s..];
        // Only runs with a word that can type them are read further.
        if run.len() < 2 || !run.iter().any(|&(a, b)| is_typing_word(&text[a..b])) {
            continue;
        }
        if in_title_case_line(text, run[0].0) {
            continue;
        }
        // The longest prefix of the run whose words type it, ending on a
        // capitalised word or a law's year.
        for k in (2..=run.len()).rev() {
            let (start, _) = run[0];
            let (_, end) = run[k - 1];
            let name = &text[start..end];
            let last = &text[run[k - 1].0..run[k - 1].1];
            if !is_capitalised(last) && !is_year(last) {
                continue;
            }
            // Start after a sentence-initial "The" or a leading connector.
            let ty = type_by_words(name, EntityType::Org);
            if let Some(ty @ (EntityType::Law | EntityType::Fac | EntityType::Event)) = ty {
                // "Convention on the Law of the Sea", "Declaration on
                // Migration and Protection": the subject is part of the name.
                let subject =
                    ty == EntityType::Law && k < run.len() && &text[run[k].0..run[k].1] == "on";
                let end = if subject {
                    run.iter()
                        .rev()
                        .find(|&&(a, b)| is_capitalised(&text[a..b]))
                        .map_or(end, |&(_, b)| b)
                } else {
                    end
                };
                found.push((start, end, ty));
                break;
            }
        }
    }
    for (start, end, ty) in found {
        let r = overlapping(names, start, end);
        let near = &names[r.clone()];
        // A name as long already covers it ("the Patriot Act"); another
        // type's name across the run's edge is left alone.
        let covered = near
            .iter()
            .any(|n| n.start <= start && n.end >= end && n.entity_type == ty);
        let crossing = near.iter().any(|n| n.start < start || n.end > end);
        if covered || crossing {
            continue;
        }
        let confidence = near.iter().map(|n| n.confidence).fold(0.9f32, f32::min);
        names.splice(
            r,
            [NameSpan {
                start,
                end,
                entity_type: ty,
                confidence,
            }],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::after_rule;
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        after_rule(text, spans, |names| apply(text, names))
    }

    #[test]
    fn laws_by_their_last_word() {
        let got = run(
            "firms have had to comply under Germany's Supply Chain Due Diligence Act since it was passed",
            &[("Germany", EntityType::Gpe)],
        );
        assert_eq!(
            got[1],
            ("Supply Chain Due Diligence Act".into(), EntityType::Law)
        );
        let got = run(
            "the future of trade under the African Growth and Opportunity Act, which has given fruit access",
            &[
                ("African", EntityType::Norp),
                ("Opportunity Act", EntityType::Law),
            ],
        );
        assert_eq!(
            got,
            vec![("African Growth and Opportunity Act".into(), EntityType::Law)]
        );
        let got = run(
            "it would not accept a text that weakened the United Nations Convention on the Law of the Sea or the ruling",
            &[],
        );
        assert_eq!(got[0].1, EntityType::Law);
        assert!(got[0].0.ends_with("Sea"));
        let got = run(
            "employers have to publish figures under the Gender Pay Gap Information Act 2021, and some states",
            &[],
        );
        assert_eq!(
            got,
            vec![(
                "Gender Pay Gap Information Act 2021".into(),
                EntityType::Law
            )]
        );
    }

    #[test]
    fn facilities_and_events_by_their_last_word() {
        let got = run(
            "Piarco International Airport reopened on Wednesday after a closure that lasted a day and a half",
            &[("Piarco International", EntityType::Org)],
        );
        assert_eq!(
            got,
            vec![("Piarco International Airport".into(), EntityType::Fac)]
        );
        let got = run(
            "Under the Pay Transparency Directive, firms have to publish what they pay to men and women",
            &[],
        );
        assert_eq!(
            got,
            vec![("Pay Transparency Directive".into(), EntityType::Law)]
        );
        let got = run(
            "leaders opened the two-day Three Seas Summit this morning in the capital",
            &[],
        );
        assert_eq!(got, vec![("Three Seas Summit".into(), EntityType::Event)]);
    }

    #[test]
    fn headlines_are_left_alone() {
        let got = run("Ministers Agree New Rail Act\n\nbody", &[]);
        assert!(got.is_empty());
    }
}
