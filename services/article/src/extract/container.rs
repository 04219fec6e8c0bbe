//! Finding the main content: known CMS containers first (precise), then a
//! text-density search over the whole tree (the general case and the
//! recall-oriented fallback).
use super::blocks::{Block, Kind};
use super::prune::class_and_id;
use super::stats::Stats;
use crate::dom::{Dom, Tag};

/// Class/id fragments (letters only, lowercase; matched inside a joined
/// value, so BEM `c-article-body__text` counts) that name an article body in
/// common CMS templates: WordPress `entry-content`, news CMSs'
/// `article-body` / `story-body`, and similar.
const BODY_WORDS: &[&str] = &[
    "articlebody",
    "articlebodytext",
    "storybody",
    "entrycontent",
    "postcontent",
    "articletext",
    "bodytext",
    "storytext",
    "articlecontent",
    "postbody",
    "contentbody",
    "bodycopy",
    "articlecopy",
    "storycontent",
    "postentry",
    "blogpostbody",
    "zntext",
    "entrytext",
    "articlebodycontent",
    "storybodytext",
    "paywalledcontent",
    "articleinner",
];

/// At most this many rule containers are kept (document order).
const MAX_CONTAINERS: usize = 32;

/// A container is only believed if it holds this much text.
const MIN_CONTAINER_CHARS: u32 = 200;

/// The precise candidates: every outermost element matching the first rule
/// that matches at all (several when a CMS splits the body into sections).
pub fn by_rules(dom: &Dom, pruned: &[bool], stats: &Stats) -> Vec<usize> {
    type Rule = fn(&Dom, usize) -> bool;
    let rules: [Rule; 4] = [
        |d, i| {
            d.attr(i, "itemprop")
                .is_some_and(|v| v.split_whitespace().any(|w| w == "articleBody"))
        },
        |d, i| {
            let names = class_and_id(d, i);
            !names.is_empty()
                && names
                    .split(' ')
                    .any(|v| BODY_WORDS.iter().any(|b| v.contains(b)))
        },
        |d, i| d.nodes[i].tag == Tag::Article,
        |d, i| d.nodes[i].tag == Tag::Main || d.attr(i, "role") == Some("main"),
    ];
    for (r, rule) in rules.iter().enumerate() {
        let mut found = Vec::new();
        let mut i = 0;
        while i < dom.len() {
            if pruned[i] {
                i = dom.nodes[i].end as usize;
                continue;
            }
            if dom.nodes[i].tag != Tag::Text
                && rule(dom, i)
                && stats.chars[i] >= MIN_CONTAINER_CHARS
            {
                found.push(i);
                i = dom.nodes[i].end as usize;
            } else {
                i += 1;
            }
        }
        if found.is_empty() {
            continue;
        }
        let best = found.iter().map(|&f| stats.chars[f]).max().unwrap_or(0);
        // <article> and <main>: one container (listing pages have many
        // articles); body classes: all sizeable parts.
        if r >= 2 {
            let top = found
                .iter()
                .copied()
                .max_by_key(|&f| (stats.para_chars[f], std::cmp::Reverse(f)));
            return top.into_iter().collect();
        }
        found.retain(|&f| stats.chars[f] * 5 >= best);
        // Bounded: selection checks each block against each container.
        found.truncate(MAX_CONTAINERS);
        return found;
    }
    Vec::new()
}

/// The element that best isolates the article's prose: the one maximising
/// `good − penalty × other`, where `good` is text in paragraph-like blocks
/// that are long with few links and `other` is the rest of its text. A
/// larger `penalty` gives a tighter (precise) container, a smaller one a
/// wider (recall-oriented) one.
pub fn by_density(dom: &Dom, stats: &Stats, blocks: &[Block], penalty: f32) -> Option<usize> {
    let n = dom.len();
    let mut good = vec![0u32; n];
    for b in blocks {
        if is_good(b) {
            good[b.elem as usize] += b.chars;
        }
    }
    for j in (1..n).rev() {
        let parent = dom.nodes[j].parent as usize;
        if parent < n {
            good[parent] += good[j];
        }
    }
    let mut best: Option<(f32, usize)> = None;
    for (i, &g) in good.iter().enumerate() {
        if g == 0 || dom.nodes[i].tag == Tag::Text {
            continue;
        }
        let other = stats.chars[i].saturating_sub(g) as f32;
        let score = g as f32 - penalty * other;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// A block that looks like article prose.
pub fn is_good(b: &Block) -> bool {
    matches!(
        b.kind,
        Kind::Para | Kind::Loose | Kind::Quote | Kind::Pre | Kind::Cell
    ) && b.chars >= 100
        && b.link_density() < 0.3
}
