//! Any UTF-8 text: the tokenizer's tokens are non-empty, in order, never
//! overlapping, start and end on char boundaries, contain no whitespace, and
//! together cover every non-whitespace char of the text (the module's
//! contract in `src/tokenize/mod.rs`). The sentence splitter's ranges index
//! the token list in order, cover it exactly, and respect the sentence length
//! cap.

#![no_main]

use dossier_extraction::tokenize::{MAX_SENTENCE_TOKENS, sentences, tokenize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tokens = tokenize(text);
    let mut covered = 0; // bytes before this offset are accounted for
    for t in &tokens {
        assert!(t.start < t.end, "empty token {t:?}");
        assert!(t.start >= covered, "token {t:?} overlaps or goes back");
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "token {t:?} splits a char"
        );
        let gap = &text[covered..t.start];
        assert!(
            gap.chars().all(char::is_whitespace),
            "non-whitespace {gap:?} before {t:?} belongs to no token"
        );
        let token = &text[t.start..t.end];
        assert!(
            !token.chars().any(char::is_whitespace),
            "token {token:?} contains whitespace"
        );
        assert_eq!(t.text(text), token);
        covered = t.end;
    }
    assert!(
        text[covered..].chars().all(char::is_whitespace),
        "the text's tail {:?} belongs to no token",
        &text[covered..]
    );

    let mut next = 0;
    for range in sentences(text, &tokens) {
        assert_eq!(range.start, next, "sentences leave a gap or overlap");
        assert!(range.start < range.end, "empty sentence {range:?}");
        assert!(range.end <= tokens.len());
        assert!(range.len() <= MAX_SENTENCE_TOKENS, "sentence of {} tokens", range.len());
        next = range.end;
    }
    assert_eq!(next, tokens.len(), "sentences do not cover every token");
});
