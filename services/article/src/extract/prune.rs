//! Boilerplate pruning by tag, ARIA role, hidden-ness and class/id words,
//! before any scoring: navigation, comments, share bars, related lists,
//! newsletter and cookie boxes, ads, captions.
//!
//! Class and id values are split into lowercase words at any non-letter
//! (`related-articles__list` → related, articles, list) and matched word by
//! word, so `ad` matches `ad-slot` but not `header` or `shadow`. A guard
//! keeps an element that holds most of the page's paragraph text whatever
//! its class says (`<div class="page has-sidebar">` wrapping everything).
use super::stats::Stats;
use crate::dom::{Dom, Tag};

/// Words in a class or id that mark boilerplate wherever they appear.
const STRONG_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "share",
    "sharing",
    "shares",
    "sharebar",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendations",
    "recirc",
    "recirculation",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "dfp",
    "sponsor",
    "sponsored",
    "promo",
    "promotion",
    "promoted",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "popup",
    "modal",
    "outbrain",
    "taboola",
    "tags",
    "tagged",
    "taglist",
    "byline",
    "bylines",
    "caption",
    "captions",
    "credit",
    "credits",
    "figcaption",
    "pagination",
    "pager",
    "trending",
    "mostread",
    "mostpopular",
    "readmore",
    "sronly",
    "offscreen",
    "visuallyhidden",
    "screenreadertext",
    "invisible",
    "subnav",
    "donate",
    "disclaimer",
    "copyright",
    "dateline",
    "timestamp",
];

/// Words that often mark boilerplate but also appear on wrappers of the
/// article (Blogger's `widget Blog`): they prune only small or link-heavy
/// elements.
const WEAK_WORDS: &[&str] = &[
    "header",
    "topbar",
    "next",
    "prev",
    "previous",
    "excerpt",
    "postnav",
    "pagenav",
    "widget",
    "widgets",
    "toolbar",
    "overlay",
    "print",
    "login",
    "skip",
    "rating",
    "popular",
    "teaser",
    "teasers",
    "more",
    "tools",
    "utility",
    "meta",
    "author",
    "authors",
    "bio",
    "contributor",
    "banner",
    "alert",
    "notification",
    "donation",
    "app",
    "apps",
    "download",
    "feedback",
    "survey",
    "topics",
    "playlist",
    "video",
    "gallery",
    "slideshow",
    "carousel",
    "lightbox",
    "keywords",
    // Subscription CMSes wrap the rest of the body in a `paywall` element
    // served to subscribers; the offer box beside it is short.
    "paywall",
];

/// Words that mark the article itself: an element carrying one is never
/// pruned by its class (`article-body has-share` stays).
const CONTENT_WORDS: &[&str] = &[
    // Embedded posts quoted by the article (tweets, Instagram) are its text.
    "embed",
    "embedded",
    "tweet",
    "twittertweet",
    "instagrammedia",
    "articlebody",
    "storybody",
    "entrycontent",
    "postcontent",
    "articletext",
    "bodytext",
    "storytext",
    "articlecontent",
    "postbody",
    "richtext",
    "contentbody",
    "bodycopy",
];

/// ARIA roles that are never article text.
const BOILERPLATE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
    "search",
    "toolbar",
    "tablist",
    "alert",
    "form",
];

/// Marks pruned elements: `pruned[i]` means skip the subtree at `i`.
pub fn prune(dom: &Dom, raw: &Stats) -> Vec<bool> {
    let prose = |i: usize| raw.chars[i].saturating_sub(raw.link_chars[i]);
    let total = prose(0).max(1);
    let mut pruned = vec![false; dom.len()];
    let mut i = 0;
    while i < dom.len() {
        let tag = dom.nodes[i].tag;
        let verdict = if tag == Tag::Text {
            Verdict::Keep
        } else {
            judge(dom, i)
        };
        let prune_it = match verdict {
            Verdict::Always => true,
            // The guard: a soft match never removes most of the page's prose.
            Verdict::Soft => prose(i) * 2 < total || prose(i) < 200,
            Verdict::Weak => (prose(i) < 150 || raw.link_density(i) > 0.5) && prose(i) * 4 < total,
            Verdict::Keep => false,
        };
        if prune_it {
            pruned[i] = true;
            i = dom.nodes[i].end as usize;
        } else {
            i += 1;
        }
    }
    pruned
}

enum Verdict {
    /// Never article text (scripts, styles, forms controls, hidden).
    Always,
    /// Boilerplate by its name or class; subject to the guard.
    Soft,
    /// Possibly boilerplate: pruned only when small or mostly links.
    Weak,
    Keep,
}

fn judge(dom: &Dom, i: usize) -> Verdict {
    use Tag::*;
    match dom.nodes[i].tag {
        Script | Style | Noscript | Template | Svg | Math | Canvas | Iframe | Object | Embed
        | Button | Select | Textarea | Input | Head | Title | Meta | Link | Video | Audio
        | Picture | Img | Figcaption | Dialog => return Verdict::Always,
        Nav | Aside | Footer | Header | Form | Menu | Figure | Address => return Verdict::Soft,
        Html | Body | Main => return Verdict::Keep,
        _ => {}
    }
    if dom.attr(i, "hidden").is_some() || dom.attr(i, "aria-hidden") == Some("true") {
        return Verdict::Always;
    }
    if let Some(style) = dom.attr(i, "style") {
        let style = style.to_ascii_lowercase().replace(' ', "");
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return Verdict::Always;
        }
    }
    if let Some(role) = dom.attr(i, "role")
        && BOILERPLATE_ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return Verdict::Soft;
    }
    let names = class_and_id(dom, i);
    if names.is_empty() {
        return Verdict::Keep;
    }
    if words(&names).any(|w| CONTENT_WORDS.contains(&w)) {
        return Verdict::Keep;
    }
    if words(&names).any(|w| STRONG_WORDS.contains(&w)) {
        return Verdict::Soft;
    }
    if words(&names).any(|w| WEAK_WORDS.contains(&w)) {
        return Verdict::Weak;
    }
    Verdict::Keep
}

/// Lowercase `class` and `id` values, space-separated; for each value also
/// its letters joined (`article-body` → `articlebody`) for [`CONTENT_WORDS`].
pub fn class_and_id(dom: &Dom, i: usize) -> String {
    let mut s = String::new();
    for name in ["class", "id"] {
        if let Some(v) = dom.attr(i, name) {
            for value in v.split_ascii_whitespace().take(32) {
                // camelCase boundaries split words too: newsCaption → news-caption.
                let mut prev_lower = false;
                for c in value.chars() {
                    if c.is_ascii_uppercase() && prev_lower {
                        s.push('-');
                    }
                    prev_lower = c.is_ascii_lowercase();
                    s.push(c.to_ascii_lowercase());
                }
                s.push(' ');
                let joined: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
                s.push_str(&joined.to_ascii_lowercase());
                s.push(' ');
            }
        }
    }
    s
}

/// Words of class/id text, split at anything that is not a letter or digit.
pub fn words(names: &str) -> impl Iterator<Item = &str> {
    names
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}
