//! Block-level classification inside the chosen container: drops what
//! survived pruning but is still not article text (link lists, share and
//! "Read more" lines, bylines, repeated captions, headlines, trailing
//! related-story lists).
use std::collections::HashSet;

use super::blocks::{Block, Kind};

/// Short lines that are page furniture, matched case-insensitively against
/// the start of a block of at most [`FURNITURE_MAX_WORDS`] words.
const FURNITURE: &[&str] = &[
    "read more",
    "read next",
    "read also",
    "read the full",
    "more:",
    "related:",
    "related ",
    "see also",
    "also read",
    "share",
    "tweet",
    "email",
    "print",
    "advertisement",
    "advertising",
    "sponsored",
    "advert",
    "continue reading",
    "click here",
    "sign up",
    "subscribe",
    "follow us",
    "follow ",
    "newsletter",
    "recommended",
    "most read",
    "most popular",
    "comments",
    "leave a comment",
    "join the conversation",
    "photo:",
    "photograph:",
    "image:",
    "picture:",
    "getty images",
    "copyright",
    "©",
    "all rights reserved",
    "tags:",
    "topics:",
    "filed under",
    "posted in",
    "updated:",
    "published:",
    "last updated",
    "this article",
    "we use cookies",
    "skip to",
    "back to top",
    "listen to",
    "watch:",
    "video:",
    "anzeige",
    "weiterlesen",
    "mehr zum thema",
    "lesen sie auch",
    "teilen",
    "werbung",
    "foto:",
    "bild:",
];
const FURNITURE_MAX_WORDS: usize = 12;

/// Whole lines that are page furniture (compared after lowercasing).
const FURNITURE_LINES: &[&str] = &[
    "tags",
    "topics",
    "related",
    "comments",
    "share",
    "more",
    "menu",
    "search",
    "home",
    "schlagworte",
    "themen",
    "kommentare",
    "mehr",
];

/// Keeps the blocks that are article text.
pub fn classify(blocks: &[&Block], headlines: &[String], author: Option<&str>) -> Vec<Block> {
    let mut kept: Vec<Block> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let headline_keys: HashSet<String> = headlines.iter().map(|h| key(h)).collect();
    let list_dense = dense_lists(blocks);
    for b in blocks {
        // The "— Name (@handle) date" line of an embedded post is no dateline.
        let dateline = b.kind != Kind::Quote && is_dateline(&b.text);
        if b.chars == 0 || dateline || is_furniture(&b.text) {
            continue;
        }
        // Quotes (embedded posts) carry links and handles but are content.
        let density = b.link_density();
        // Long blocks with many links are summaries written around links
        // (a news round-up); link lists have short items.
        let max_density = match b.kind {
            Kind::Quote => 0.9,
            _ if b.chars >= 150 => 0.65,
            _ => 0.5,
        };
        if density > max_density
            || (density > 0.4 && b.chars < 80 && b.kind != Kind::Quote)
            || is_bare_url(&b.text)
        {
            continue;
        }
        if b.kind == Kind::Item && b.list.is_some_and(|l| list_dense.contains(&l)) {
            continue;
        }
        let k = key(&b.text);
        if headline_keys.contains(&k) || author.is_some_and(|a| is_byline(&b.text, a)) {
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
    // list → (chars, link chars, items)
    let mut totals: std::collections::HashMap<u32, (u32, u32, u32)> =
        std::collections::HashMap::new();
    for b in blocks.iter().filter(|b| b.kind == Kind::Item) {
        if let Some(l) = b.list {
            let t = totals.entry(l).or_default();
            t.0 += b.chars;
            t.1 += b.link_chars;
            t.2 += 1;
        }
    }
    // Link lists have short items; a list of long items with links in them
    // (a news round-up) is prose.
    totals
        .into_iter()
        .filter(|(_, (c, l, n))| *l * 10 >= *c * 4 && *c / (*n).max(1) < 120)
        .map(|(k, _)| k)
        .collect()
}

fn is_bare_url(text: &str) -> bool {
    !text.contains(' ')
        && (text.starts_with("http://") || text.starts_with("https://") || text.starts_with("www."))
}

/// Sign-off phrases of a last paragraph that is about the outlet, not the
/// story ("Follow us on Twitter", "Sign up for our newsletter").
const SIGN_OFF: &[&str] = &[
    "follow us",
    "follow @",
    "follow her",
    "follow him",
    "sign up",
    "subscribe",
    "newsletter",
    "may be reached at",
    "can be reached at",
    "have a tip",
    "listen to",
    "download our app",
    "contact us",
    "email us",
    "send us",
    "was contributed by",
];

/// Headings and short lines at the very end with no prose after them are
/// the start of a related list or a sign-off, not the article.
fn trim_edges(kept: &mut Vec<Block>) {
    while let Some(last) = kept.last() {
        let sentence = last
            .text
            .ends_with(['.', '!', '?', '"', '”', '»', ')', '。', '！', '？', '」']);
        let lower = last.text.to_lowercase();
        let sign_off = last.text.split_whitespace().count() <= 40
            && SIGN_OFF.iter().any(|p| lower.contains(p));
        if last.kind == Kind::Heading || (last.chars < 40 && !sentence) || sign_off {
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
    let bare = lower.trim_end_matches(|c: char| !c.is_alphanumeric());
    FURNITURE.iter().any(|f| lower.starts_with(f))
        || FURNITURE_LINES.contains(&bare)
        || is_bare_byline(text)
}

/// "By Jane Doe" / "Von Anna Schmidt" alone on a line.
fn is_bare_byline(text: &str) -> bool {
    let words = text.split_whitespace().count();
    words <= 7
        && ["By ", "BY ", "Von ", "Par ", "Por ", "Door "]
            .iter()
            .any(|p| text.starts_with(p))
}

/// A short line that is only a date ("August 23, 2018", "22/01/2018 às
/// 0:13"): a year, few words, no sentence.
fn is_dateline(text: &str) -> bool {
    let words = text.split_whitespace().count();
    let has_year = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("20")));
    let has_time = text.split_whitespace().any(|w| {
        let mut parts = w.split(':');
        matches!((parts.next(), parts.next()), (Some(h), Some(m)) if !h.is_empty() && h.len() <= 2 && h.bytes().all(|b| b.is_ascii_digit()) && m.len() >= 2 && m.bytes().take(2).all(|b| b.is_ascii_digit()))
    });
    has_year
        && words <= 8
        && text.chars().count() <= 60
        && !text.ends_with(['.', '!', '?'])
        && (has_time || crate::date::parse(text).is_some())
}

fn is_byline(text: &str, author: &str) -> bool {
    text.split_whitespace().count() <= author.split_whitespace().count() + 6
        && key(text).contains(&key(author))
}

/// Comparison key: lowercase letters and digits only.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
