//! Reading the words around a span in the raw text: the conventions look at
//! a word or two on each side, so a full re-tokenisation is not needed.

/// A word of the text: its byte range and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'t> {
    pub start: usize,
    pub end: usize,
    pub text: &'t str,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The word that ends just before `pos`, across spaces or tabs only (never
/// across a line break or punctuation).
pub fn word_before(text: &str, pos: usize) -> Option<Word<'_>> {
    let head = text.get(..pos)?;
    let trimmed = head.trim_end_matches([' ', '\t', '\u{a0}']);
    let end = trimmed.len();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map(|(i, _)| i)?;
    Some(Word {
        start,
        end,
        text: &text[start..end],
    })
}

/// The word that starts just after `pos`, across spaces or tabs only.
/// Inner hyphens stay inside ("Sun-ja"); a possessive does not.
pub fn word_after(text: &str, pos: usize) -> Option<Word<'_>> {
    let tail = text.get(pos..)?;
    let skipped = tail.len() - tail.trim_start_matches([' ', '\t', '\u{a0}']).len();
    let start = pos + skipped;
    let end = word_end(text, start);
    (end > start).then(|| Word {
        start,
        end,
        text: &text[start..end],
    })
}

/// The end of the word starting at `start`.
pub fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            end = start + i + c.len_utf8();
        } else if c == '-'
            && chars.peek().is_some_and(|&(_, n)| is_word_char(n))
            && end == start + i
            && end > start
        {
            continue;
        } else {
            break;
        }
    }
    end
}

/// A name without its leading "the" ("the Black Sea" → "Black Sea").
pub fn strip_the(name: &str) -> &str {
    name.strip_prefix("the ")
        .or_else(|| name.strip_prefix("The "))
        .unwrap_or(name)
}

/// A name without a possessive "'s" at its end.
pub fn strip_possessive(name: &str) -> &str {
    name.strip_suffix("'s")
        .or_else(|| name.strip_suffix("’s"))
        .unwrap_or(name)
}

/// Whether the word starts with an uppercase letter.
pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether the word is all lowercase letters (a common word, not a name).
pub fn is_lowercase_word(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_lowercase() || c == '-')
}

/// Whether `pos` starts a sentence or a line: only spaces, an opening quote
/// or bracket after a line break or a sentence end.
pub fn starts_sentence(text: &str, pos: usize) -> bool {
    for c in text[..pos].chars().rev() {
        match c {
            ' ' | '\t' | '"' | '“' | '‘' | '(' | '[' | '\'' => continue,
            '\n' | '.' | '!' | '?' | ':' | '—' | '–' => return true,
            _ => return false,
        }
    }
    true
}

/// Whether the line around `pos` is written in Title Case (a headline or a
/// section head): at least three words and most of them capitalised.
pub fn in_title_case_line(text: &str, pos: usize) -> bool {
    // Headlines are short: a line longer than this is prose, and no call
    // reads more than this many bytes of a long text.
    const LONGEST: usize = 400;
    let from = floor_boundary(text, pos.saturating_sub(LONGEST));
    let to = floor_boundary(text, (pos + LONGEST).min(text.len()));
    let start = match text[from..pos].rfind('\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return false,
    };
    let end = match text[pos..to].find('\n') {
        Some(i) => pos + i,
        None if to == text.len() => text.len(),
        None => return false,
    };
    is_title_case(&text[start..end])
}

/// Whether a line is Title Case: at least three words, most capitalised.
fn is_title_case(line: &str) -> bool {
    let (mut words, mut caps) = (0usize, 0usize);
    for w in line.split_whitespace() {
        let Some(c) = w.chars().next() else { continue };
        if c.is_alphabetic() {
            words += 1;
            caps += usize::from(c.is_uppercase());
        }
    }
    words >= 3 && caps * 10 >= words * 7
}

/// The nearest char boundary at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The names overlapping `[start, end)`, as an index range, in names sorted
/// by start that do not overlap each other: two binary searches instead of
/// a scan, so that rules stay linear on texts with thousands of names.
pub fn overlapping(
    names: &[crate::tagger::NameSpan],
    start: usize,
    end: usize,
) -> std::ops::Range<usize> {
    let lo = names.partition_point(|n| n.end <= start);
    let hi = names.partition_point(|n| n.start < end);
    lo..hi.max(lo)
}

/// Each occurrence of `needle` in `text` at word boundaries, as a byte offset.
pub fn find_word(text: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(needle) {
        let at = from + i;
        let end = at + needle.len();
        let left_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        let right_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !is_word_char(c) && c != '-');
        let left_hyphen = text[..at].ends_with('-');
        if left_ok && right_ok && !left_hyphen {
            out.push(at);
        }
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_around_a_position() {
        let t = "talks with the United States on Kim Sun-ja's plan";
        let us = t.find("United").unwrap();
        assert_eq!(word_before(t, us).unwrap().text, "the");
        let end = us + "United States".len();
        assert_eq!(word_after(t, end).unwrap().text, "on");
        let kim = t.find("Sun-ja").unwrap();
        assert_eq!(word_after(t, kim).unwrap().text, "Sun-ja");
        assert_eq!(word_before("line\nUnited", 5), None);
    }

    #[test]
    fn sentence_starts() {
        let t = "He left. The Union met.\n\"Wu said";
        assert!(starts_sentence(t, t.find("The").unwrap()));
        assert!(!starts_sentence(t, t.find("Union").unwrap()));
        assert!(starts_sentence(t, t.find("Wu").unwrap()));
    }

    #[test]
    fn title_case_lines() {
        let t = "Why Small States Still Matter\nthe talks in Paris went on";
        assert!(in_title_case_line(t, 5));
        assert!(!in_title_case_line(t, t.find("Paris").unwrap()));
    }

    #[test]
    fn whole_words_only() {
        let t = "Wu met Wuhan officials; Wu's aide and Wu-style talks. Wu";
        assert_eq!(find_word(t, "Wu").len(), 3);
    }
}
