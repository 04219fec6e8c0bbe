//! Common grams: every pair of adjacent words of which one is very common
//! ("of the", "the minister") is indexed as a term of its own, in a field
//! beside the text (`title_grams`, `body_grams`).
//!
//! A two-word phrase such as "of the" is then one term lookup instead of a
//! check of the positions of "the" in nearly every document, which is what
//! made phrase queries on frequent words slow (the technique of Lucene's
//! CommonGramsFilter); a longer phrase checks positions only in documents
//! holding all its grams. Pairs of two rarer words are not indexed: their
//! position lists are short, and indexing every pair would double the index.

use std::collections::HashSet;
use std::sync::LazyLock;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::analyzer::text_analyzer;

/// Tokenizer of the gram fields. The name is part of the index schema, so
/// a new version (another word list) makes the service rebuild the index.
pub const GRAMS_TOKENIZER: &str = "news_grams_v1";

/// Words so frequent in news that a phrase containing them would have to
/// check positions in most documents: English function words, and the
/// reporting words every article uses. Lowercase and accent-folded, as the
/// text tokenizer emits them. Changing the list changes what is indexed:
/// give [`GRAMS_TOKENIZER`] a new version with it.
const COMMON_WORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "during", "each", "for", "from", "had", "has", "have", "he", "her", "here",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "last", "many", "may", "more",
    "most", "mr", "mrs", "ms", "much", "new", "no", "not", "now", "of", "on", "one", "only", "or",
    "other", "our", "out", "over", "s", "said", "says", "she", "should", "since", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "two", "under", "up", "us", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "will", "with", "would", "year", "years", "you",
];

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| COMMON_WORDS.iter().copied().collect());

/// Whether `word` (a token of the text analyzer) is a common word.
pub fn is_common(word: &str) -> bool {
    COMMON.contains(word)
}

/// The gram term of two adjacent tokens. A space never occurs inside a
/// token, so a gram never collides with a word.
pub fn gram(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + 1 + second.len());
    out.push_str(first);
    out.push(' ');
    out.push_str(second);
    out
}

/// Whether two tokens form an indexed gram: adjacent (no token dropped
/// between them) and at least one of them common.
pub fn is_gram_pair(first: &Token, second: &Token) -> bool {
    second.position == first.position + 1 && (is_common(&first.text) || is_common(&second.text))
}

/// Emits the grams of the text analyzer's tokens, each at the position of
/// its first word and spanning both words (so highlights cover the pair).
#[derive(Clone)]
pub struct CommonGramsTokenizer {
    words: TextAnalyzer,
    tokens: Vec<Token>,
}

impl Default for CommonGramsTokenizer {
    fn default() -> Self {
        Self {
            words: text_analyzer(),
            tokens: Vec::new(),
        }
    }
}

impl Tokenizer for CommonGramsTokenizer {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        self.tokens.clear();
        let mut words = self.words.token_stream(text);
        let mut previous: Option<Token> = None;
        while let Some(word) = words.next() {
            if let Some(first) = &previous
                && is_gram_pair(first, word)
            {
                self.tokens.push(Token {
                    offset_from: first.offset_from,
                    offset_to: word.offset_to,
                    position: first.position,
                    text: gram(&first.text, &word.text),
                    position_length: 1,
                });
            }
            match &mut previous {
                Some(token) => token.clone_from(word),
                None => previous = Some(word.clone()),
            }
        }
        GramStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// The grams of one text.
pub struct GramStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Index of the token `advance` moves to.
    next: usize,
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The analyzer behind [`GRAMS_TOKENIZER`].
pub fn grams_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(CommonGramsTokenizer::default())
}

/// How a phrase of analyzed words can be answered from grams.
#[derive(Debug, PartialEq)]
pub enum PhrasePlan {
    /// Two words that form a gram: the phrase matches exactly where the
    /// gram occurs.
    Gram(String),
    /// Some adjacent pairs are grams: the documents must contain these
    /// grams (a cheap necessary condition), and the phrase is still checked.
    Narrowed(Vec<String>),
    /// No pair is a gram.
    Words,
}

/// Plans a phrase given as analyzed tokens (positions as the analyzer gave).
pub fn plan(tokens: &[Token]) -> PhrasePlan {
    let grams: Vec<String> = tokens
        .windows(2)
        .filter(|pair| is_gram_pair(&pair[0], &pair[1]))
        .map(|pair| gram(&pair[0].text, &pair[1].text))
        .collect();
    match (tokens.len(), grams.len()) {
        (_, 0) => PhrasePlan::Words,
        (2, 1) => PhrasePlan::Gram(grams.into_iter().next().unwrap_or_default()),
        _ => PhrasePlan::Narrowed(grams),
    }
}

/// The analyzed tokens of `text`.
pub fn words(text: &str) -> Vec<Token> {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams_of(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut analyzer = grams_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn pairs_with_a_common_word_become_grams() {
        let text = "The Minister of the Interior resigned";
        assert_eq!(
            grams_of(text),
            vec![
                ("the minister".to_string(), 0, 0, 12),
                ("minister of".to_string(), 1, 4, 15),
                ("of the".to_string(), 2, 13, 19),
                ("the interior".to_string(), 3, 16, 28),
            ]
        );
        assert_eq!(&text[4..15], "Minister of");
    }

    #[test]
    fn rare_pairs_and_gaps_make_no_gram() {
        assert!(grams_of("harbour strike ferry").is_empty());
        // A token over 64 bytes is dropped; the words around it are not adjacent.
        let long = "x".repeat(80);
        assert!(grams_of(&format!("the {long} of")).is_empty());
    }

    #[test]
    fn plans_say_when_grams_answer_the_phrase_exactly() {
        assert_eq!(plan(&words("of the")), PhrasePlan::Gram("of the".into()));
        assert_eq!(
            plan(&words("minister of the Interior")),
            PhrasePlan::Narrowed(vec![
                "minister of".into(),
                "of the".into(),
                "the interior".into()
            ])
        );
        assert_eq!(
            plan(&words("harbour strike of")),
            PhrasePlan::Narrowed(vec!["strike of".into()])
        );
        assert_eq!(plan(&words("harbour strike")), PhrasePlan::Words);
        assert_eq!(plan(&words("the")), PhrasePlan::Words);
        // A dropped token between the words: no gram answers the pair.
        let long = "x".repeat(80);
        assert_eq!(plan(&words(&format!("the {long} of"))), PhrasePlan::Words);
    }

    #[test]
    fn the_list_is_in_the_form_the_analyzer_emits() {
        for word in COMMON_WORDS {
            assert_eq!(words(word).len(), 1, "{word}");
            assert_eq!(words(word)[0].text, *word);
        }
    }
}
