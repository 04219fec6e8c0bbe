//! HTML to article: decode, parse, read metadata, prune boilerplate, find
//! the main content, classify its blocks, join them into text.
//!
//! Two extractions are compared, as trafilatura compares its own against
//! fallbacks: the precise one (a known CMS container, else the tightest
//! density container) and a recall-oriented one (a density container with a
//! milder penalty for non-prose). The precise one wins unless it is much
//! shorter, which means the container rule caught only part of the body.
mod blocks;
mod classify;
mod container;
mod nesting;
mod prune;
mod stats;

use crate::article::{Article, Flag};
use crate::charset::{self, Source};
use crate::dom::{Dom, Tag};
use crate::error::Limits;
use blocks::{Block, Kind};
use stats::Stats;

/// Non-prose penalty of the precise density container.
const PRECISE_PENALTY: f32 = 1.0;
/// Non-prose penalty of the recall-oriented density container.
const RECALL_PENALTY: f32 = 0.3;
/// A density container inside the rule container replaces it when it keeps
/// this share of the rule container's text.
const TIGHT_SHARE: f32 = 0.9;
/// The precise result must hold at least this share of the recall result's
/// text, or the recall result is taken.
const MIN_PRECISE_SHARE: f32 = 0.6;

pub(crate) fn clean_html(input: &[u8], limits: &Limits) -> Article {
    let mut flags = Vec::new();
    let (text, _, source) = charset::decode_html(input);
    if source == Source::Detected {
        flags.push(Flag::CharsetDetected);
    }
    let text = cap_tags(&text, limits.max_nodes, &mut flags);
    let flattened = nesting::limit_nesting(text, limits.max_depth);
    let dom = Dom::parse(flattened.as_deref().unwrap_or(text), limits.max_depth);
    if dom.too_deep || flattened.is_some() {
        flags.push(Flag::TooDeep);
    }
    let meta = crate::meta::read(&dom);
    let body = extract_body(&dom, &meta.headlines, meta.author.as_deref(), &mut flags);
    Article {
        title: meta.title,
        author: meta.author,
        published_at: meta.published_at,
        url: meta.url,
        language: meta.language,
        source: meta.source,
        text: body,
        cleaner_version: 0,
        flags,
    }
}

/// Cuts the markup before the tag that would exceed `max_nodes` tags
/// (counting `<`, an upper bound), at a character boundary.
fn cap_tags<'a>(text: &'a str, max_nodes: usize, flags: &mut Vec<Flag>) -> &'a str {
    match memchr::memchr_iter(b'<', text.as_bytes()).nth(max_nodes) {
        Some(cut) => {
            flags.push(Flag::Truncated);
            &text[..cut]
        }
        None => text,
    }
}

fn extract_body(
    dom: &Dom,
    headlines: &[String],
    author: Option<&str>,
    flags: &mut Vec<Flag>,
) -> String {
    if dom.is_empty() {
        return String::new();
    }
    let raw = Stats::compute(dom, None);
    let pruned = prune::prune(dom, &raw);
    let stats = Stats::compute(dom, Some(&pruned));
    let root = (0..dom.len())
        .find(|&i| dom.nodes[i].tag == Tag::Body)
        .unwrap_or(0);
    let all = blocks::emit(dom, &pruned, root);

    let select = |containers: &[usize]| -> Vec<Block> {
        let chosen: Vec<&Block> = all
            .iter()
            .filter(|b| {
                containers
                    .iter()
                    .any(|&c| (c..dom.nodes[c].end as usize).contains(&(b.first as usize)))
            })
            .collect();
        classify::classify(&chosen, headlines, author)
    };
    let recall_root = container::by_density(dom, &stats, &all, RECALL_PENALTY);
    let recall = recall_root.map(|r| select(&[r])).unwrap_or_default();
    let mut rules = container::by_rules(dom, &pruned, &stats);
    if rules.is_empty() {
        flags.push(Flag::ScoredContainer);
        // A page without one prose-like block (a short note): all of the body.
        rules.push(container::by_density(dom, &stats, &all, PRECISE_PENALTY).unwrap_or(root));
    }
    let mut precise = select(&rules);
    // A broad rule container (an <article> with teasers inside): a tighter
    // density container within it that keeps nearly all of its text wins.
    if let ([r], Some(d)) = (
        &rules[..],
        container::by_density(dom, &stats, &all, PRECISE_PENALTY),
    ) && d > *r
        && d < dom.nodes[*r].end as usize
    {
        let tight = select(&[d]);
        if chars(&tight) as f32 >= TIGHT_SHARE * chars(&precise) as f32 {
            precise = tight;
        }
    }
    let chosen = if (chars(&precise) as f32) < MIN_PRECISE_SHARE * chars(&recall) as f32 {
        flags.push(Flag::RecallFallback);
        recall
    } else {
        precise
    };
    join(&chosen)
}

/// A human-readable trace of one extraction (containers and blocks), for
/// tuning: `dossier-article-bench --explain FILE`.
pub fn explain(input: &[u8]) -> String {
    use std::fmt::Write;
    let (text, _, _) = charset::decode_html(input);
    let dom = Dom::parse(&text, Limits::default().max_depth);
    let raw = Stats::compute(&dom, None);
    let pruned = prune::prune(&dom, &raw);
    let stats = Stats::compute(&dom, Some(&pruned));
    let root = (0..dom.len())
        .find(|&i| dom.nodes[i].tag == Tag::Body)
        .unwrap_or(0);
    let all = blocks::emit(&dom, &pruned, root);
    let mut out = String::new();
    let describe = |i: usize| {
        format!(
            "#{i} <{} {}> chars={} para={}",
            dom.name(i),
            prune::class_and_id(&dom, i),
            stats.chars[i],
            stats.para_chars[i]
        )
    };
    for r in container::by_rules(&dom, &pruned, &stats) {
        let _ = writeln!(out, "rule container {}", describe(r));
    }
    for p in [PRECISE_PENALTY, RECALL_PENALTY] {
        if let Some(d) = container::by_density(&dom, &stats, &all, p) {
            let _ = writeln!(out, "density {p}: {}", describe(d));
        }
    }
    for (i, &p) in pruned.iter().enumerate() {
        if p && raw.chars[i] > 100 {
            let _ = writeln!(out, "pruned {} raw={}", describe(i), raw.chars[i]);
        }
    }
    for b in &all {
        let t: String = b.text.chars().take(90).collect();
        let _ = writeln!(
            out,
            "  [{:?} e{} f{} c{} l{}] {t}",
            b.kind, b.elem, b.first, b.chars, b.link_chars
        );
    }
    out
}

fn chars(blocks: &[Block]) -> u32 {
    blocks.iter().map(|b| b.chars).sum()
}

/// Paragraphs separated by a blank line; consecutive list items, lines of
/// one quote and `<br>`-separated lines by a single line break.
fn join(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Block> = None;
    for b in blocks {
        if let Some(p) = prev {
            let same_list = p.kind == Kind::Item && b.kind == Kind::Item && p.list == b.list;
            let same_quote = p.kind == Kind::Quote && b.kind == Kind::Quote && p.elem == b.elem;
            out.push_str(if p.soft_break || same_list || same_quote {
                "\n"
            } else {
                "\n\n"
            });
        }
        out.push_str(&b.text);
        prev = Some(b);
    }
    out
}
