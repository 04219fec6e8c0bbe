//! Small views of the text the quote finder reads: words with byte offsets,
//! paragraph and sentence bounds. Cheap scans over bytes, no tokenizer:
//! the finder only looks at a few windows around quotation marks and cues.

use std::ops::Range;

/// A word: a run of letters, digits and inner apostrophes, hyphens or dots
/// ("don't", "54-year-old", "U.S."), or one punctuation char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

impl Word {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    /// Letters or digits, not punctuation.
    pub fn is_alnum(&self, text: &str) -> bool {
        self.text(text)
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    }
}

/// The words of `text[range]`, punctuation chars as words of their own.
pub fn words(text: &str, range: Range<usize>) -> Vec<Word> {
    let mut out = Vec::new();
    let slice = &text[range.clone()];
    let mut iter = slice.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        let start = range.start + i;
        if !c.is_alphanumeric() {
            out.push(Word {
                start,
                end: start + c.len_utf8(),
            });
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            let inner = matches!(d, '\'' | '’' | '-' | '.' | '‑');
            let next_is_alnum = slice[j + d.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
            if d.is_alphanumeric() || inner && next_is_alnum {
                end = range.start + j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        out.push(Word { start, end });
    }
    out
}

/// Byte ranges of the paragraphs: text between line breaks.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            if text[start..i].trim().is_empty() {
                start = i + 1;
                continue;
            }
            out.push(start..i);
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out
}

/// Abbreviations whose final dot does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Prof", "Jr", "Sr",
    "Inc", "Corp", "Ltd", "Co", "No", "vs", "Capt", "Sgt", "Maj", "Adm", "Rev", "Hon", "Mt",
];

/// Where the sentence holding byte `at` starts and ends within `para`:
/// after the last `.`, `!`, `?` or `;` before it that ends a sentence, up
/// to the next one (exclusive of the mark). Quotation marks do not end
/// sentences: the attribution after `“…,” she said.` is in the sentence.
pub fn sentence_around(text: &str, para: Range<usize>, at: usize) -> Range<usize> {
    let mut start = para.start;
    let mut i = at.min(para.end);
    while i > para.start {
        i -= 1;
        if is_sentence_end(text, i, para.end) {
            start = i + 1;
            break;
        }
    }
    let mut end = para.end;
    let mut j = at;
    while j < para.end {
        if is_sentence_end(text, j, para.end) {
            end = j;
            break;
        }
        j += 1;
    }
    start..end
}

/// True when the byte at `i` is a full stop, `!` or `?` that ends a
/// sentence: followed by space (after any closing marks) and not the dot
/// of an abbreviation or initial.
pub fn is_sentence_end(text: &str, i: usize, limit: usize) -> bool {
    let b = text.as_bytes()[i];
    if !matches!(b, b'.' | b'!' | b'?') {
        return false;
    }
    let rest = &text[i + 1..limit];
    let after_closers = rest.trim_start_matches(['"', '\'', '’', '”', '»', ')']);
    if !(after_closers.is_empty() || after_closers.starts_with(char::is_whitespace)) {
        return false;
    }
    // A closing quotation mark right after `!`/`?`/`.` with the attribution
    // following in lower case ("?” she asked") does not end the sentence.
    if after_closers.len() < rest.len() {
        let next = after_closers.trim_start().chars().next();
        if next.is_some_and(|c| c.is_lowercase()) {
            return false;
        }
    }
    if b == b'.' {
        let before = &text[..i];
        let word_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '.'))
            .map_or(0, |p| {
                p + before[p..].chars().next().map_or(1, char::len_utf8)
            });
        let word = &before[word_start..];
        if ABBREVIATIONS.contains(&word)
            || word.chars().count() == 1 && word.chars().all(char::is_uppercase)
            || word.contains('.')
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_marks() {
        let t = "The 54-year-old didn't say “no.”";
        let w: Vec<&str> = words(t, 0..t.len()).iter().map(|w| w.text(t)).collect();
        assert_eq!(
            w,
            vec!["The", "54-year-old", "didn't", "say", "“", "no", ".", "”"]
        );
    }

    #[test]
    fn sentences_skip_abbreviations_and_attributions() {
        let t = "Mr. Popescu spoke. “Why now?” she asked. Then U.S. officials left.";
        let at = t.find("she").unwrap();
        let s = sentence_around(t, 0..t.len(), at);
        assert_eq!(&t[s], " “Why now?” she asked");
        let at = t.find("Popescu").unwrap();
        assert_eq!(&t[sentence_around(t, 0..t.len(), at)], "Mr. Popescu spoke");
        let at = t.find("officials").unwrap();
        assert_eq!(
            &t[sentence_around(t, 0..t.len(), at)],
            " Then U.S. officials left"
        );
    }

    #[test]
    fn paragraphs_split_at_line_breaks() {
        let t = "Head\n\nOne.\nTwo.\n\n\nThree";
        let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(p, vec!["Head", "One.", "Two.", "Three"]);
    }
}
