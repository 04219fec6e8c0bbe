//! Reading CoNLL-2003 files and decoding IOB1/IOB2 tags into spans.
//!
//! The files have four columns (`token POS chunk NER`); only the token and the
//! NER tag are read: real input has no POS or chunk tags, so the tagger must
//! not learn to lean on them. `-DOCSTART-` lines separate documents (in the
//! shipped files the first marker is at the end, so text before the first
//! marker is a document of its own).

use std::path::Path;

/// A sentence: tokens and their NER tags as written in the file (e.g. `I-PER`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

/// A document: the sentences between two `-DOCSTART-` lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub sentences: Vec<Sentence>,
}

impl Document {
    /// Number of tokens in the document.
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(|s| s.words.len()).sum()
    }
}

/// An entity span over token indices `start..end` of one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Reads a CoNLL file into documents.
pub fn read_file(path: &Path) -> std::io::Result<Vec<Document>> {
    Ok(parse(&std::fs::read_to_string(path)?))
}

/// Parses CoNLL text into documents; empty documents are dropped.
pub fn parse(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut doc = Document::default();
    let mut sent = Sentence::default();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush_sentence(&mut doc, &mut sent);
            continue;
        }
        let mut cols = line.split_whitespace();
        let word = cols.next().unwrap_or("");
        let tag = cols.next_back().unwrap_or("O");
        if word == "-DOCSTART-" {
            flush_sentence(&mut doc, &mut sent);
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        sent.words.push(word.to_string());
        sent.tags.push(tag.to_string());
    }
    flush_sentence(&mut doc, &mut sent);
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    docs
}

fn flush_sentence(doc: &mut Document, sent: &mut Sentence) {
    if !sent.words.is_empty() {
        doc.sentences.push(std::mem::take(sent));
    }
}

/// Decodes IOB1 or IOB2 tags into spans with conlleval's semantics: `B-X`
/// always starts a span; `I-X` continues a span of type X and otherwise starts
/// one; `O` (or anything unparseable) ends it.
pub fn spans<S: AsRef<str>>(tags: &[S]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.as_ref();
        let (prefix, label) = match tag.split_once('-') {
            Some((p, l)) if (p == "B" || p == "I") && !l.is_empty() => (p, l),
            _ => ("O", ""),
        };
        let continues = prefix == "I" && matches!(open, Some((_, l)) if l == label);
        if continues {
            continue;
        }
        if let Some((s, l)) = open.take() {
            out.push(Span {
                start: s,
                end: i,
                label: l.to_string(),
            });
        }
        if prefix != "O" {
            open = Some((i, label));
        }
    }
    if let Some((s, l)) = open {
        out.push(Span {
            start: s,
            end: tags.len(),
            label: l.to_string(),
        });
    }
    out
}

/// Encodes spans as IOB1 tags (`B-` only between adjacent spans of one type).
pub fn to_iob1(len: usize, spans: &[Span]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); len];
    let mut prev_end_label: Option<(usize, &str)> = None;
    for s in spans {
        for (k, tag) in tags
            .iter_mut()
            .enumerate()
            .take(s.end.min(len))
            .skip(s.start)
        {
            let adjacent = k == s.start && prev_end_label == Some((s.start, s.label.as_str()));
            *tag = format!("{}-{}", if adjacent { "B" } else { "I" }, s.label);
        }
        prev_end_label = Some((s.end, s.label.as_str()));
    }
    tags
}

/// How a sentence is title-cased (see [`title_case`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleStyle {
    /// Every word capitalised ("Watching Both Shores At Once").
    Every,
    /// Every word but short function words after the first ("Germany Signs
    /// Rail Deal with Poland"), as most headline style guides do.
    Headline,
}

/// Function words that headline style leaves lowercase.
const SMALL_WORDS: [&str; 18] = [
    "a", "an", "the", "and", "but", "or", "nor", "of", "in", "on", "at", "to", "for", "by", "as",
    "vs", "via", "with",
];

/// A Title Case copy of a sentence, labels unchanged: the synthetic
/// headlines that teach the tagger not to trust capitalisation on such lines
/// (CoNLL-2003 has almost none; its headlines are in capitals) and the
/// title-cased dev set that measures it.
///
/// A lowercase word gets a capital first letter; words already capitalised
/// keep their form. A line in capitals (a CoNLL headline) is first
/// true-cased: each word takes the form it has elsewhere in `context` (the
/// rest of its document) past a sentence start, `NATO` stays `NATO`,
/// `REJECTS` becomes `Rejects`.
pub fn title_case(words: &[String], style: TitleStyle, context: &[Sentence]) -> Vec<String> {
    let shouted = is_shouted(words);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let w = if shouted && is_caps(w) {
                true_case(w, context)
            } else {
                w.clone()
            };
            let lower = w.to_lowercase();
            if style == TitleStyle::Headline && i > 0 && SMALL_WORDS.contains(&lower.as_str()) {
                return lower;
            }
            capitalise(&w)
        })
        .collect()
}

fn is_caps(w: &str) -> bool {
    w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
}

/// Most words in capitals, as CoNLL headlines are.
pub fn is_shouted(words: &[String]) -> bool {
    let alpha = words
        .iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let caps = words.iter().filter(|w| is_caps(w)).count();
    alpha >= 2 && caps * 10 >= alpha * 7
}

/// The form of a capitals word in ordinary text: as written mid-sentence in
/// `context` (capitals win when both are seen), or only its first letter
/// capital if the document does not use it mid-sentence.
fn true_case(w: &str, context: &[Sentence]) -> String {
    let mut seen: Option<&str> = None;
    for s in context.iter().filter(|s| !is_shouted(&s.words)) {
        for x in s.words.iter().skip(1) {
            if x.eq_ignore_ascii_case(w) && x.len() == w.len() {
                if x == w {
                    return w.to_string();
                }
                seen = Some(x);
            }
        }
    }
    match seen {
        Some(x) => x.to_string(),
        None => {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        }
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) if f.is_lowercase() => f.to_uppercase().chain(c).collect(),
        _ => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "EU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nA DT I-NP O\nFrench JJ I-NP I-MISC\nGerman JJ I-NP B-MISC\n\n-DOCSTART- -X- O O";

    #[test]
    fn parses_documents_with_trailing_docstart() {
        let docs = parse(SAMPLE);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[1].words, vec!["Peter", "Blackburn"]);
        assert_eq!(docs[1].sentences[0].tags, vec!["O", "I-MISC", "B-MISC"]);
    }

    #[test]
    fn decodes_iob1_and_iob2() {
        let sp = |s: usize, e: usize, l: &str| Span {
            start: s,
            end: e,
            label: l.into(),
        };
        assert_eq!(
            spans(&["I-PER", "I-PER", "O", "I-MISC", "B-MISC", "I-LOC"]),
            vec![
                sp(0, 2, "PER"),
                sp(3, 4, "MISC"),
                sp(4, 5, "MISC"),
                sp(5, 6, "LOC")
            ]
        );
        assert_eq!(
            spans(&["B-ORG", "I-ORG", "B-ORG"]),
            vec![sp(0, 2, "ORG"), sp(2, 3, "ORG")]
        );
        let s = spans(&["O", "I-MISC", "B-MISC", "I-PER"]);
        assert_eq!(to_iob1(4, &s), vec!["O", "I-MISC", "B-MISC", "I-PER"]);
    }
    #[test]
    fn title_cases_sentences_and_true_cases_capitals() {
        let ws = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
        let body = Sentence {
            words: ws("The EU said Britain must wait ."),
            tags: vec![],
        };
        assert_eq!(
            title_case(
                &ws("the tide turns at last in Kyiv"),
                TitleStyle::Every,
                &[]
            ),
            ws("The Tide Turns At Last In Kyiv")
        );
        assert_eq!(
            title_case(&ws("a port deal with Poland"), TitleStyle::Headline, &[]),
            ws("A Port Deal with Poland")
        );
        assert_eq!(
            title_case(
                &ws("EU REJECTS BRITAIN 'S PLEA"),
                TitleStyle::Every,
                std::slice::from_ref(&body)
            ),
            ws("EU Rejects Britain 's Plea")
        );
    }
}
