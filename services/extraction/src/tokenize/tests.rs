use super::*;
use proptest::prelude::*;

fn toks(text: &str) -> Vec<&str> {
    tokenize(text).iter().map(|t| t.text(text)).collect()
}

#[test]
fn basic_news_sentence() {
    assert_eq!(
        toks("Mr. Smith's firm, Acme Corp., paid $3,000.50 (U.S.) on Jan. 5."),
        vec![
            "Mr.", "Smith", "'s", "firm", ",", "Acme", "Corp.", ",", "paid", "$", "3,000.50", "(",
            "U.S.", ")", "on", "Jan.", "5", "."
        ]
    );
}

#[test]
fn quotes_dashes_possessives() {
    assert_eq!(
        toks("“We won’t go,” said Putin’s aide—again – 'no'."),
        vec![
            "“", "We", "wo", "n’t", "go", ",", "”", "said", "Putin", "’s", "aide", "—", "again",
            "–", "'", "no", "'", "."
        ]
    );
    assert_eq!(toks("don't O'Neill"), vec!["do", "n't", "O'Neill"]);
}

#[test]
fn hyphens_urls_emails() {
    assert_eq!(
        toks(
            "Jean-Pierre, a Tottenham-based fan (see https://ex.ample/a?b=1). Mail jp@ex-ample.org."
        ),
        vec![
            "Jean-Pierre",
            ",",
            "a",
            "Tottenham-based",
            "fan",
            "(",
            "see",
            "https://ex.ample/a?b=1",
            ")",
            ".",
            "Mail",
            "jp@ex-ample.org",
            "."
        ]
    );
    assert_eq!(toks("well -- fine..."), vec!["well", "--", "fine", "..."]);
}

#[test]
fn non_latin_and_emoji() {
    let text = "Путин сказал «да» 👍🏽 北京 👨‍👩‍👧 नमस्ते.";
    assert_eq!(
        toks(text),
        vec![
            "Путин",
            "сказал",
            "«",
            "да",
            "»",
            "👍🏽",
            "北京",
            "👨‍👩‍👧",
            "नमस्ते",
            "."
        ]
    );
}

#[test]
fn sentence_split() {
    let text = "Gen. Lee met Mr. Roe in the U.S. The talks ended. \"Fine,\" he said.\nHEADLINE HERE\nNext line";
    let tokens = tokenize(text);
    let sents: Vec<String> = sentences(text, &tokens)
        .into_iter()
        .map(|r| {
            tokens[r]
                .iter()
                .map(|t| t.text(text))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        sents,
        vec![
            "Gen. Lee met Mr. Roe in the U.S.",
            "The talks ended .",
            "\" Fine , \" he said .",
            "HEADLINE HERE",
            "Next line"
        ]
    );
}

/// Found by `cargo fuzz run tokenize`: "." followed by hundreds of
/// closing quotes made one sentence of 251 tokens.
#[test]
fn a_run_of_closers_stays_within_the_sentence_cap() {
    let text = format!("a.{}", "\"".repeat(2 * MAX_SENTENCE_TOKENS));
    let tokens = tokenize(&text);
    let ranges = sentences(&text, &tokens);
    assert!(
        ranges.iter().all(|r| r.len() <= MAX_SENTENCE_TOKENS),
        "{ranges:?}"
    );
    assert_eq!(ranges.last().map(|r| r.end), Some(tokens.len()));
}

#[test]
fn empty_and_whitespace() {
    assert!(tokenize("").is_empty());
    assert!(tokenize(" \n\t\u{a0} ").is_empty());
    assert!(sentences("", &[]).is_empty());
}

proptest! {
    #[test]
    fn tokens_cover_all_non_whitespace(text in "\\PC{0,80}|[a-zA-Z.,'’ -]{0,60}|[\\u{0}-\\u{2FFF}\\u{1F300}-\\u{1F6FF}]{0,40}") {
        let tokens = tokenize(&text);
        let mut last = 0;
        let mut covered = vec![false; text.len()];
        for t in &tokens {
            prop_assert!(t.start >= last && t.start < t.end && t.end <= text.len());
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            for b in covered.iter_mut().take(t.end).skip(t.start) { *b = true; }
            last = t.end;
        }
        for (i, c) in text.char_indices() {
            if !c.is_whitespace() { prop_assert!(covered[i], "char {:?} at {} not covered", c, i); }
        }
        let sents = sentences(&text, &tokens);
        let mut next = 0;
        for s in &sents { prop_assert_eq!(s.start, next); prop_assert!(s.end > s.start); next = s.end; }
        prop_assert_eq!(next, tokens.len());
    }
}
