//! Names in Title Case lines (headlines, section heads, teasers), where
//! every word is capitalised and capitals say nothing: a word at the edge of
//! a name that the same document writes in lowercase elsewhere is a common
//! word, not part of the name. "ASEAN Leaders Fail to Seal …" → "ASEAN"
//! when the body speaks of "leaders"; "Why Small States Still Matter" → no
//! name when the body has "small states". Words the document never writes
//! in lowercase are kept: the tagger's reading of them stands.

use super::words::{find_word, in_title_case_line, is_capitalised};
use crate::tagger::NameSpan;

/// Function words that are capitalised only by Title Case.
const SMALL_WORDS: &[&str] = &[
    "A", "An", "The", "And", "Or", "But", "Of", "To", "In", "On", "At", "As", "For", "With", "By",
    "From", "After", "Over", "Into", "Near", "Why", "How", "What", "Who", "Is", "Are", "Was",
];

/// Whether `word`, capitalised here, is a common word in this document.
fn is_common(text: &str, word: &str) -> bool {
    if SMALL_WORDS.contains(&word) {
        return true;
    }
    // Acronyms and words with inner capitals are names however written.
    let mut chars = word.chars();
    let rest_lower =
        chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
    if !rest_lower || word.chars().count() < 3 {
        return false;
    }
    let lower = word.to_lowercase();
    find_word(text, &lower)
        .into_iter()
        .any(|at| !is_capitalised(&text[at..]))
}

/// Trims or drops names in Title Case lines by the words the document
/// writes in lowercase.
pub fn apply(text: &str, names: &mut Vec<NameSpan>) {
    let mut keep = vec![true; names.len()];
    // Names in one line share its answer: the line is read once.
    let mut line: Option<(usize, usize, bool)> = None;
    for (i, n) in names.iter_mut().enumerate() {
        let title = match line {
            Some((s, e, t)) if s <= n.start && n.start < e => t,
            _ => {
                let s = text[..n.start].rfind('\n').map_or(0, |k| k + 1);
                let e = text[n.start..]
                    .find('\n')
                    .map_or(text.len(), |k| n.start + k);
                let t = in_title_case_line(text, n.start);
                line = Some((s, e, t));
                t
            }
        };
        if !title {
            continue;
        }
        // Word boundaries of the span.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut at = n.start;
        for w in text[n.start..n.end].split(' ') {
            if !w.is_empty() {
                words.push((at, at + w.len()));
            }
            at += w.len() + 1;
        }
        let common = |&(a, b): &(usize, usize)| is_common(text, &text[a..b]);
        while words.last().is_some_and(common) {
            words.pop();
        }
        let first_kept = words.iter().position(|w| !common(w)).unwrap_or(words.len());
        words.drain(..first_kept);
        match (words.first(), words.last()) {
            (Some(&(a, _)), Some(&(_, b))) => {
                n.start = a;
                n.end = b;
            }
            _ => keep[i] = false,
        }
    }
    let mut k = keep.into_iter();
    names.retain(|_| k.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::super::tests::after_rule;
    use super::*;
    use crate::EntityType;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<(String, EntityType)> {
        after_rule(text, spans, |names| apply(text, names))
    }

    #[test]
    fn common_words_of_a_headline_leave_its_names() {
        let text = "ASEAN Leaders Fail to Agree on Sea Code\n\nThe leaders met. They will fail again, one said.";
        let got = run(text, &[("ASEAN Leaders Fail", EntityType::Org)]);
        assert_eq!(got, vec![("ASEAN".into(), EntityType::Org)]);
        let text = "Why Small States Still Matter\n\nsmall states matter, the minister said.";
        let got = run(text, &[("Small States", EntityType::Org)]);
        assert!(got.is_empty());
    }

    #[test]
    fn names_the_body_never_lowercases_stay() {
        let text = "Poland Signs Rail Deal With Germany\n\nThe deal was signed.";
        let got = run(
            text,
            &[("Poland", EntityType::Gpe), ("Germany", EntityType::Gpe)],
        );
        assert_eq!(got.len(), 2);
        // Body lines are not touched.
        let text = "The Leaders Fund said on Monday that leaders were wrong about it.";
        let got = run(text, &[("Leaders Fund", EntityType::Org)]);
        assert_eq!(got, vec![("Leaders Fund".into(), EntityType::Org)]);
    }
}
