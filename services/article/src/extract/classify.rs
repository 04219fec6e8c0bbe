//! Block-level classification inside the chosen container: drops what
//! survived pruning but is still not article text (link lists, share and
//! "Read more" lines, bylines, repeated captions, headlines, trailing
//! related-story lists).
use std::collections::HashSet;

use super::blocks::{Block, Kind};

/// Short lines that are page furniture, matched case-insensitively against
/// the start of a block of at most [`FURNITURE_MAX_WORDS`] words.
const FURNITURE: &[&str] = &[
    "read more", "read next", "read also", "read the full", "more:", "related:", "related ",
    "see also", "also read", "share", "tweet", "email", "print", "advertisement", "advertising",
    "sponsored", "continue reading", "click here", "sign up", "subscribe", "follow us",
    "follow ", "newsletter", "recommended", "most read", "most popular", "comments",
    "leave a comment", "join the conversation", "photo:", "photograph:", "image:", "picture:",
    "getty images", "copyright", "©", "all rights reserved", "tags:", "topics:", "filed under",
    "posted in", "updated:", "published:", "last updated", "this article", "we use cookies",
    "skip to", "back to top", "listen to", "watch:", "video:", "anzeige", "weiterlesen",
    "mehr zum thema", "lesen sie auch", "teilen", "werbung", "foto:", "bild:",
];
const FURNITURE_MAX_WORDS: usize = 12;

/// Keeps the blocks that are article text.
pub fn classify(blocks: &[&Block], title: Option<&str>, author: Option<&str>) -> Vec<Block> {
    let mut kept: Vec<Block> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let title_key = title.map(key);
    let list_dense = dense_lists(blocks);
    for b in blocks {
        if b.chars == 0 || is_furniture(&b.text) {
            continue;
        }
        let density = b.link_density();
        if density > 0.5 || (density > 0.25 && b.chars < 80) {
            continue;
        }
        if b.kind == Kind::Item && b.list.is_some_and(|l| list_dense.contains(&l)) {
            continue;
        }
        let k = key(&b.text);
        if title_key.as_deref() == Some(k.as_str()) || author.is_some_and(|a| is_byline(&b.text, a)) {
            continue;
        }
        // Repeated captions and duplicated teasers: keep the first only.
        if !seen.insert(k) {
            continue;
        }
        kept.push((*b).clone());
    }
    trim_edges(&mut kept);
    kept
}

/// Lists whose items are mostly links: navigation and related stories.
fn dense_lists(blocks: &[&Block]) -> HashSet<u32> {
    let mut totals: std::collections::HashMap<u32, (u32, u32)> = std::collections::HashMap::new();
    for b in blocks.iter().filter(|b| b.kind == Kind::Item) {
        if let Some(l) = b.list {
            let t = totals.entry(l).or_default();
            t.0 += b.chars;
            t.1 += b.link_chars;
        }
    }
    totals.into_iter().filter(|(_, (c, l))| *l * 10 >= *c * 4).map(|(k, _)| k).collect()
}

/// Headings and short lines at the very end with no prose after them are
/// the start of a related list or a sign-off, not the article.
fn trim_edges(kept: &mut Vec<Block>) {
    while let Some(last) = kept.last() {
        let sentence = last.text.ends_with(['.', '!', '?', '"', '”', '»', ')', '。', '！', '？', '」']);
        if last.kind == Kind::Heading || (last.chars < 40 && !sentence) {
            kept.pop();
        } else {
            break;
        }
    }
}

fn is_furniture(text: &str) -> bool {
    if text.split_whitespace().count() > FURNITURE_MAX_WORDS {
        return false;
    }
    let lower = text.to_lowercase();
    let lower = lower.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '©');
    FURNITURE.iter().any(|f| lower.starts_with(f))
}

fn is_byline(text: &str, author: &str) -> bool {
    text.split_whitespace().count() <= author.split_whitespace().count() + 6 && key(text).contains(&key(author))
}

/// Comparison key: lowercase letters and digits only.
fn key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
