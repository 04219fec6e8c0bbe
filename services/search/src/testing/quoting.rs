//! The fake extractor's quotes: enough of extraction's attribution for the
//! index's tests, on sentences written for them.
//!
//! - Direct: words between `"…"` or `“…”`, attributed to the first known
//!   name after the closing mark in the same sentence (`"…," said Sandu.`),
//!   with the cue `said` or `told` when the sentence has one.
//! - Reported: `NAME said that CLAUSE.` gives CLAUSE, attributed to NAME.
//!
//! Offsets are UTF-8 bytes in the text given (the extraction text).

use dossier_proto::v1::Quote;

/// A known spelling's entity: (id, canonical name).
pub type Speaker = (String, String);

/// The quotes of `text`; `known` links a word to its entity.
pub fn find_quotes(text: &str, known: &dyn Fn(&str) -> Option<Speaker>) -> Vec<Quote> {
    let mut quotes = direct_quotes(text, known);
    quotes.extend(reported(text, known));
    quotes.sort_by_key(|q| q.start);
    quotes
}

fn direct_quotes(text: &str, known: &dyn Fn(&str) -> Option<Speaker>) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((open, open_len)) = next_mark(text, at, &['"', '“']) {
        let inside = open + open_len;
        let Some((close, close_len)) = next_mark(text, inside, &['"', '”']) else {
            break;
        };
        let words = text[inside..close].trim_end_matches([',', ' ']);
        let after = close + close_len;
        let sentence_end = text[after..]
            .find(['.', '!', '?', '\n', '"', '“'])
            .map_or(text.len(), |i| after + i);
        let mut quote = Quote {
            text: words.to_string(),
            start: inside as u32,
            end: (inside + words.len()) as u32,
            direct: true,
            ..Quote::default()
        };
        attribute(&mut quote, text, after, sentence_end, known);
        out.push(quote);
        at = after;
    }
    out
}

/// `NAME said that CLAUSE.`
fn reported(text: &str, known: &dyn Fn(&str) -> Option<Speaker>) -> Vec<Quote> {
    const CUE: &str = " said that ";
    let mut out = Vec::new();
    for (cue, _) in text.match_indices(CUE) {
        let name_start = text[..cue]
            .rfind(|c: char| !c.is_alphanumeric())
            .map_or(0, |i| i + 1);
        let Some((id, canonical)) = known(&text[name_start..cue]) else {
            continue;
        };
        let start = cue + CUE.len();
        let end = text[start..]
            .find(['.', '\n'])
            .map_or(text.len(), |i| start + i);
        out.push(Quote {
            text: text[start..end].to_string(),
            start: start as u32,
            end: end as u32,
            direct: false,
            cue: "said".into(),
            speaker_entity_id: id,
            speaker_name: text[name_start..cue].to_string(),
            speaker_start: name_start as u32,
            speaker_end: cue as u32,
            speaker_canonical_name: canonical,
            ..Quote::default()
        });
    }
    out
}

/// Fills the speaker and cue from `text[from..to]`, after a direct quote.
fn attribute(
    quote: &mut Quote,
    text: &str,
    from: usize,
    to: usize,
    known: &dyn Fn(&str) -> Option<Speaker>,
) {
    let mut word_start = from;
    for word in text[from..to].split(|c: char| !c.is_alphanumeric()) {
        if quote.cue.is_empty() && matches!(word, "said" | "told") {
            quote.cue = word.to_string();
        }
        if quote.speaker_entity_id.is_empty()
            && let Some((id, canonical)) = known(word)
        {
            quote.speaker_entity_id = id;
            quote.speaker_canonical_name = canonical;
            quote.speaker_name = word.to_string();
            quote.speaker_start = word_start as u32;
            quote.speaker_end = (word_start + word.len()) as u32;
        }
        word_start += word.len() + 1;
    }
}

/// The next of `marks` at or after byte `from`, and its length.
fn next_mark(text: &str, from: usize, marks: &[char]) -> Option<(usize, usize)> {
    text[from..]
        .char_indices()
        .find(|(_, c)| marks.contains(c))
        .map(|(i, c)| (from + i, c.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(word: &str) -> Option<Speaker> {
        (word == "Sandu").then(|| ("e1".to_string(), "Maia Sandu".to_string()))
    }

    #[test]
    fn direct_and_reported_quotes_with_their_speakers() {
        let text = "Talks\n\n“Our doors stay open,” Sandu said. \"No comment\" was all. \
                    Sandu said that talks would go on.";
        let quotes = find_quotes(text, &known);
        assert_eq!(quotes.len(), 3, "{quotes:?}");
        let q = &quotes[0];
        assert_eq!(q.text, "Our doors stay open");
        assert_eq!(
            &text[q.start as usize..q.end as usize],
            "Our doors stay open"
        );
        assert_eq!(
            (q.speaker_entity_id.as_str(), q.cue.as_str()),
            ("e1", "said")
        );
        assert_eq!(
            &text[q.speaker_start as usize..q.speaker_end as usize],
            "Sandu"
        );
        assert_eq!(quotes[1].text, "No comment");
        assert!(quotes[1].speaker_entity_id.is_empty());
        assert_eq!(quotes[2].text, "talks would go on");
        assert!(!quotes[2].direct);
        assert_eq!(quotes[2].speaker_canonical_name, "Maia Sandu");
    }
}
