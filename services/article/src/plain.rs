//! Scraped plain text: conservative cleanup.
//!
//! Only lines that match known furniture exactly are removed — navigation
//! at the top, "Read more"/"Share"/"Advertisement" lines, a line repeated
//! right after itself (a caption printed twice), a trailing related-stories
//! list under its heading, copyright lines at the end. A line of the
//! article is never dropped for being short. The first line becomes the
//! title only when it looks like a headline; a leading "By …" line becomes
//! the author and a leading date line the publication time.
use crate::article::Article;
use crate::text::collapse;

/// Navigation lines removed only before the article starts.
const NAV_LINES: &[&str] = &[
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "jump to content",
    "menu",
    "open menu",
    "close menu",
    "main menu",
    "navigation",
    "search",
    "sign in",
    "log in",
    "login",
    "register",
    "subscribe",
    "home",
    "sections",
    "most read",
    "most popular",
    "live updates",
    "latest news",
    "trending",
    "account",
    "my account",
    "close",
    "zum inhalt springen",
    "zum inhalt",
    "suche",
    "anmelden",
    "startseite",
];

/// Lines removed wherever they stand.
const FURNITURE_LINES: &[&str] = &[
    "read more",
    "read more:",
    "continue reading",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "advertisement",
    "advertising",
    "sponsored",
    "sponsored content",
    "story continues below",
    "story continues below advertisement",
    "article continues below",
    "scroll to continue",
    "click to expand",
    "print",
    "comments",
    "show comments",
    "weiterlesen",
    "anzeige",
    "werbung",
    "artikel teilen",
    "teilen",
];

/// Headings that open a trailing related-stories list.
const RELATED_HEADINGS: &[&str] = &[
    "related",
    "related articles",
    "related stories",
    "related content",
    "read more",
    "more stories",
    "more from",
    "more on this story",
    "you may also like",
    "recommended",
    "recommended for you",
    "most read",
    "most popular",
    "read next",
    "see also",
    "also read",
    "mehr zum thema",
    "das könnte sie auch interessieren",
    "lesen sie auch",
];

pub(crate) fn clean_plain(input: &[u8]) -> Article {
    let (text, _) = crate::charset::decode_text(input);
    let mut lines: Vec<String> = text.lines().map(collapse).collect();
    let mut article = Article::default();
    drop_leading_nav(&mut lines);
    take_title(&mut lines, &mut article);
    take_byline_and_date(&mut lines, &mut article);
    drop_furniture(&mut lines);
    drop_trailing(&mut lines);
    article.text = paragraphs(&lines);
    article
}

fn norm(line: &str) -> String {
    line.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn drop_leading_nav(lines: &mut Vec<String>) {
    let mut cut = 0;
    for (i, line) in lines.iter().enumerate().take(30) {
        if line.is_empty() || NAV_LINES.contains(&norm(line).as_str()) {
            cut = i + 1;
        } else {
            break;
        }
    }
    lines.drain(..cut);
}

/// A headline: 3 to 20 words, no sentence-ending period, not all lowercase,
/// followed by a blank line or more text, and not furniture.
fn take_title(lines: &mut Vec<String>, article: &mut Article) {
    let Some(first) = lines.first() else { return };
    let words = first.split_whitespace().count();
    let period = first.ends_with('.') && !first.ends_with("...");
    let has_upper = first.chars().any(char::is_uppercase);
    let followed = lines.get(1).is_none_or(|l| l.is_empty()) || lines.len() > 2;
    let furniture = FURNITURE_LINES.contains(&norm(first).as_str());
    if (3..=20).contains(&words)
        && !period
        && has_upper
        && followed
        && !furniture
        && lines.len() > 1
    {
        article.title = Some(first.clone());
        lines.remove(0);
    }
}

/// Within the first few lines: "By Name" → author, a date-only line →
/// published_at. Both lines are removed.
fn take_byline_and_date(lines: &mut Vec<String>, article: &mut Article) {
    let mut i = 0;
    let mut seen = 0;
    while i < lines.len() && seen < 4 {
        let line = &lines[i];
        if line.is_empty() {
            i += 1;
            continue;
        }
        seen += 1;
        let words = line.split_whitespace().count();
        if article.author.is_none()
            && (line.starts_with("By ") || line.starts_with("Von "))
            && words <= 10
        {
            article.author = crate::meta::clean_author(line);
            lines.remove(i);
            continue;
        }
        if article.published_at.is_none()
            && words <= 8
            && !line.ends_with('.')
            && let Some(t) = crate::date::parse(
                line.trim_start_matches(|c: char| !c.is_alphanumeric())
                    .trim_start_matches("Published")
                    .trim_start_matches("Updated")
                    .trim_start_matches(':'),
            )
        {
            article.published_at = Some(t);
            lines.remove(i);
            continue;
        }
        i += 1;
    }
}

/// Furniture lines anywhere, and a non-empty line equal to one of the three
/// non-empty lines before it (a caption repeated).
fn drop_furniture(lines: &mut Vec<String>) {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines.drain(..) {
        if !line.is_empty() {
            if FURNITURE_LINES.contains(&norm(&line).as_str()) {
                continue;
            }
            let recent = out.iter().rev().filter(|l| !l.is_empty()).take(3);
            if recent.into_iter().any(|l| *l == line) {
                continue;
            }
        }
        out.push(line);
    }
    *lines = out;
}

/// Copyright lines at the end, then a related-stories heading followed
/// only by short lines (headlines, not sentences) up to the end.
fn drop_trailing(lines: &mut Vec<String>) {
    loop {
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let Some(last) = lines.last() else { return };
        let lower = last.to_lowercase();
        if lower.starts_with('©')
            || lower.starts_with("copyright")
            || lower.contains("all rights reserved")
        {
            lines.pop();
        } else {
            break;
        }
    }
    let start = lines.len().saturating_sub(25);
    for i in start..lines.len() {
        let n = norm(&lines[i]);
        let heading = RELATED_HEADINGS.iter().any(|h| {
            n == *h
                || (n.starts_with(h) && n.split_whitespace().count() <= 5 && h.starts_with("more"))
        });
        if !heading {
            continue;
        }
        let rest_short = lines[i + 1..]
            .iter()
            .all(|l| l.split_whitespace().count() <= 18 && !l.ends_with('.'));
        if rest_short {
            lines.truncate(i);
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            return;
        }
    }
}

/// Lines joined as the cleaner's text is: a run of empty lines between two
/// kept lines becomes one blank line (a paragraph break), other lines are
/// joined by a line break; leading and trailing empty lines go. Storage uses
/// it to join the body's own kept lines the same way.
pub fn paragraphs<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        let line = line.as_ref();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAPED: &str = "Skip to content\nMenu\nSearch\n\nHarbour strike ends after nine days\n\nBy Maria Keller\nMarch 4, 2024\n\nDock workers returned on Monday after the union accepted a new offer.\n\nShare\nA crane at the north pier.\nA crane at the north pier.\n\nIt was close.\n\nAdvertisement\n\nThe port handles a third of the region's freight.\n\nRelated articles\nPort expansion approved\nNew ferry line opens\n\n© 2024 Harbour Times. All rights reserved.\n";

    #[test]
    fn cleans_scraped_text_conservatively() {
        let a = clean_plain(SCRAPED.as_bytes());
        assert_eq!(
            a.title.as_deref(),
            Some("Harbour strike ends after nine days")
        );
        assert_eq!(a.author.as_deref(), Some("Maria Keller"));
        assert_eq!(
            a.published_at.map(crate::date::to_rfc3339).as_deref(),
            Some("2024-03-04T00:00:00Z")
        );
        assert_eq!(
            a.text,
            "Dock workers returned on Monday after the union accepted a new offer.\n\nA crane at the north pier.\n\nIt was close.\n\nThe port handles a third of the region's freight."
        );
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let a = clean_plain(b"The minister resigned on Friday.\n\nShe gave no reason.");
        assert_eq!(a.title, None);
        assert!(a.text.starts_with("The minister resigned"));
    }

    #[test]
    fn short_sentences_survive() {
        let a = clean_plain(
            b"Some headline words here\n\nNo.\n\nYes.\n\nRead more about it in the report.",
        );
        assert_eq!(a.text, "No.\n\nYes.\n\nRead more about it in the report.");
    }
}
