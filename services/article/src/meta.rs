//! Metadata from the page: meta tags, JSON-LD, canonical link, `<title>`,
//! `<h1>`, bylines and `<time>`. Each field takes the first source that
//! gives a usable value, in the order the field's doc states.
use serde_json::Value;

use crate::date;
use crate::dom::{Dom, Tag};
use crate::text::collapse;

/// What the page says about itself, before the body is extracted.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    pub title: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<i64>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub source: Option<String>,
    /// Every headline the page states (og:title, JSON-LD, `<h1>`s, the
    /// `<title>` without its suffix): a body block equal to one of them is
    /// the headline repeated, not article text.
    pub headlines: Vec<String>,
}

/// Raw candidates gathered in one pass, resolved by [`Meta::resolve`].
#[derive(Default)]
struct Found {
    og_title: Option<String>,
    ld_headline: Option<String>,
    h1: Option<String>,
    title_tag: Option<String>,
    ld_author: Option<String>,
    meta_author: Option<String>,
    byline: Option<String>,
    text_date: Option<i64>,
    ld_date: Option<i64>,
    meta_date: Option<i64>,
    time_date: Option<i64>,
    canonical: Option<String>,
    og_url: Option<String>,
    lang: Option<String>,
    site_name: Option<String>,
    ld_publisher: Option<String>,
    h1s: Vec<String>,
}

/// Bylines and date lines are small elements; larger ones are not read
/// (which also keeps the pass linear on nested `class="meta"` markup).
const SMALL_SUBTREE: usize = 64;

/// Reads the metadata of a parsed page.
pub fn read(dom: &Dom) -> Meta {
    let mut f = Found::default();
    for i in 0..dom.len() {
        match dom.nodes[i].tag {
            Tag::Html => set(
                &mut f.lang,
                dom.attr(i, "lang").and_then(crate::lang::normalize),
            ),
            Tag::Meta => meta_tag(dom, i, &mut f),
            Tag::Link => {
                let rel = dom.attr(i, "rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    set(&mut f.canonical, dom.attr(i, "href").and_then(absolute_url));
                }
            }
            Tag::Title => set(&mut f.title_tag, nonempty(dom.text_of(i))),
            Tag::H1 => {
                let h = dom.text_of(i);
                if f.h1s.len() < 8 && !h.is_empty() {
                    f.h1s.push(h.clone());
                }
                set(&mut f.h1, nonempty(h));
            }
            Tag::Script => {
                let kind = dom.attr(i, "type").unwrap_or("");
                if kind.eq_ignore_ascii_case("application/ld+json") {
                    json_ld(&dom.text_of_raw(i), &mut f);
                }
            }
            Tag::Time => {
                if f.time_date.is_none() {
                    f.time_date = dom.attr(i, "datetime").and_then(date::parse);
                }
            }
            Tag::Text => {}
            _ => {
                if f.byline.is_none() {
                    f.byline = byline(dom, i);
                }
                if f.text_date.is_none() || f.byline.is_none() {
                    meta_line(dom, i, &mut f);
                }
                if f.time_date.is_none() && dom.attr(i, "itemprop") == Some("datePublished") {
                    f.time_date = dom
                        .attr(i, "content")
                        .or(dom.attr(i, "datetime"))
                        .and_then(date::parse);
                }
            }
        }
    }
    f.resolve()
}

fn meta_tag(dom: &Dom, i: usize, f: &mut Found) {
    let key = dom
        .attr(i, "property")
        .or_else(|| dom.attr(i, "name"))
        .or_else(|| dom.attr(i, "itemprop"))
        .or_else(|| dom.attr(i, "http-equiv"))
        .unwrap_or("")
        .to_ascii_lowercase();
    let Some(content) = dom
        .attr(i, "content")
        .map(collapse)
        .filter(|c| !c.is_empty())
    else {
        return;
    };
    match key.as_str() {
        "og:title" | "twitter:title" => set(&mut f.og_title, Some(content)),
        "og:url" => set(&mut f.og_url, absolute_url(&content)),
        "og:site_name" | "application-name" => set(&mut f.site_name, Some(content)),
        "author" | "article:author" | "dc.creator" | "byl" | "parsely-author"
        | "sailthru.author"
            if !content.starts_with("http") =>
        {
            set(&mut f.meta_author, clean_author(&content));
        }
        "article:published_time"
        | "og:published_time"
        | "datepublished"
        | "pubdate"
        | "publishdate"
        | "date"
        | "dc.date"
        | "dc.date.issued"
        | "dcterms.created"
        | "parsely-pub-date"
        | "sailthru.date"
        | "article.published"
        | "publish-date" => {
            set(&mut f.meta_date, date::parse(&content));
        }
        "content-language" | "og:locale" | "language" => {
            set(&mut f.lang, crate::lang::normalize(&content));
        }
        _ => {}
    }
}

/// A byline element: `rel=author`, `itemprop=author` or a class naming a
/// byline, with short text that is a name, not a paragraph.
fn byline(dom: &Dom, i: usize) -> Option<String> {
    let rel_author = dom.attr(i, "rel") == Some("author");
    let prop_author = dom.attr(i, "itemprop") == Some("author");
    let class = dom.attr(i, "class").unwrap_or("").to_ascii_lowercase();
    let class_byline = class.contains("byline")
        || class
            .split_whitespace()
            .any(|c| matches!(c, "author" | "autor" | "author-name" | "byline__author"));
    if !(rel_author || prop_author || class_byline) {
        return None;
    }
    if dom.nodes[i].end as usize - i > SMALL_SUBTREE {
        return None;
    }
    let text = dom.text_of(i);
    clean_author(&text)
}

/// A short line in an element whose class names page metadata ("info",
/// "date", "datum", "meta"…): "Written by Carla Voss on 3 February 2020"
/// gives an author and a date.
fn meta_line(dom: &Dom, i: usize, f: &mut Found) {
    const WORDS: &[&str] = &[
        "info",
        "meta",
        "date",
        "datum",
        "dateline",
        "posted",
        "published",
        "pubdate",
        "time",
        "timestamp",
        "autor",
        "author",
        "byline",
        "firma",
        "credits",
        "details",
    ];
    let class = dom.attr(i, "class").unwrap_or("").to_ascii_lowercase();
    if !class
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| WORDS.contains(&w))
    {
        return;
    }
    if dom.nodes[i].end as usize - i > SMALL_SUBTREE {
        return;
    }
    let text = dom.text_of(i);
    if text.is_empty() || text.split_whitespace().count() > 15 {
        return;
    }
    if f.text_date.is_none() {
        f.text_date = date::parse(&text);
    }
    if f.byline.is_none() {
        for prefix in [
            "Written by ",
            "Posted by ",
            "By ",
            "by ",
            "Von ",
            "von ",
            "Por ",
            "Par ",
        ] {
            if let Some(pos) = text.find(prefix) {
                let rest = &text[pos + prefix.len()..];
                let name = rest
                    .split(" on ")
                    .next()
                    .unwrap_or(rest)
                    .split(" am ")
                    .next()
                    .unwrap_or(rest);
                f.byline = clean_author(name);
                break;
            }
        }
    }
}

/// Strips "By", trailing roles and dates from a byline; rejects text that
/// is clearly not a name list.
pub fn clean_author(raw: &str) -> Option<String> {
    let mut s = collapse(raw);
    for prefix in [
        "By ",
        "by ",
        "BY ",
        "Von ",
        "von ",
        "Written by ",
        "Posted by ",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    if let Some(cut) =
        s.find(|c: char| matches!(c, '|' | '\n' | '•' | '·' | '@') || c.is_ascii_digit())
    {
        s.truncate(cut);
    }
    let s = s
        .trim()
        .trim_end_matches([',', ';', '-'])
        .trim()
        .to_string();
    let words = s.split_whitespace().count();
    ((1..=8).contains(&words) && s.chars().count() <= 100 && !s.contains("http")).then_some(s)
}

fn json_ld(raw: &str, f: &mut Found) {
    let Ok(value) = serde_json::from_str::<Value>(raw.trim().trim_end_matches(';')) else {
        return;
    };
    let mut stack = vec![&value];
    let mut seen = 0;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > 1000 {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                if let Some(graph) = map.get("@graph") {
                    stack.push(graph);
                }
                if is_article_type(map.get("@type")) {
                    set(
                        &mut f.ld_headline,
                        map.get("headline").and_then(Value::as_str).map(collapse),
                    );
                    set(&mut f.ld_author, map.get("author").and_then(person_names));
                    set(
                        &mut f.ld_date,
                        map.get("datePublished")
                            .and_then(Value::as_str)
                            .and_then(date::parse),
                    );
                    set(
                        &mut f.ld_publisher,
                        map.get("publisher")
                            .and_then(|p| p.get("name"))
                            .and_then(Value::as_str)
                            .map(collapse),
                    );
                }
            }
            _ => {}
        }
    }
}

fn is_article_type(t: Option<&Value>) -> bool {
    let is = |s: &str| {
        s.ends_with("Article") || s == "BlogPosting" || s == "Report" || s == "LiveBlogPosting"
    };
    match t {
        Some(Value::String(s)) => is(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

/// `"Ann"`, `{"name": "Ann"}` or a list of them → `"Ann, Bob"`.
fn person_names(v: &Value) -> Option<String> {
    let one = |v: &Value| match v {
        Value::String(s) => clean_author(s),
        Value::Object(m) => m.get("name").and_then(Value::as_str).and_then(clean_author),
        _ => None,
    };
    let names: Vec<String> = match v {
        Value::Array(items) => items.iter().take(10).filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}

impl Found {
    fn resolve(self) -> Meta {
        let url = self.canonical.or(self.og_url);
        let host = url.as_deref().and_then(host_of);
        let source = self.site_name.or(self.ld_publisher).or(host.clone());
        let mut headlines: Vec<String> = [&self.og_title, &self.ld_headline, &self.title_tag]
            .into_iter()
            .flatten()
            .map(|t| strip_site_suffix(t, source.as_deref()))
            .chain(self.h1s)
            .collect();
        headlines.dedup();
        let title = self
            .og_title
            .or(self.ld_headline)
            .or(self.h1)
            .or(self.title_tag)
            .map(|t| strip_site_suffix(&t, source.as_deref()));
        let published_at = self
            .ld_date
            .or(self.meta_date)
            .or(self.time_date)
            .or(self.text_date)
            .or_else(|| url.as_deref().and_then(date::from_url));
        Meta {
            title: title.filter(|t| !t.is_empty()),
            author: self.ld_author.or(self.byline).or(self.meta_author),
            published_at,
            url,
            language: self.lang,
            source,
            headlines,
        }
    }
}

/// `"Headline | Outlet"` → `"Headline"`: drops a last segment after a
/// separator when it names the site, or is short (≤ 4 words) while the
/// rest is longer.
pub fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let mut title = collapse(title);
    // At most three suffixes ("Story | Section | Outlet"); a loop, not
    // recursion, so a hostile title of endless separators costs nothing.
    for _ in 0..3 {
        match strip_one_suffix(&title, site) {
            Some(head) => title = head.to_string(),
            None => break,
        }
    }
    title
}

fn strip_one_suffix<'a>(title: &'a str, site: Option<&str>) -> Option<&'a str> {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » "] {
        let Some((head, tail)) = title.rsplit_once(sep) else {
            continue;
        };
        let tail_l = tail.to_lowercase();
        let names_site = site.is_some_and(|s| {
            let s = s.to_lowercase();
            !s.is_empty()
                && (s.contains(&tail_l)
                    || tail_l.contains(&s)
                    || tail_l.replace(' ', "").contains(&s.replace(' ', "")))
        });
        let short = tail.split_whitespace().count() <= 4
            && head.split_whitespace().count() > tail.split_whitespace().count();
        if names_site || short {
            return Some(head);
        }
    }
    None
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

fn absolute_url(href: &str) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        Some(href.to_string())
    } else {
        href.strip_prefix("//")
            .map(|rest| format!("https://{rest}"))
    }
}

fn nonempty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_suffixes() {
        assert_eq!(
            strip_site_suffix("Big storm hits coast | The Daily", None),
            "Big storm hits coast"
        );
        assert_eq!(
            strip_site_suffix(
                "Big storm hits coast - Daily Herald News",
                Some("Daily Herald")
            ),
            "Big storm hits coast"
        );
        assert_eq!(strip_site_suffix("Left - right", None), "Left - right");
    }

    #[test]
    fn json_ld_graph() {
        let page = r#"<html lang="en-GB"><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},
        {"@type":"NewsArticle","headline":"Port reopens","datePublished":"2024-05-02T10:00:00+02:00",
        "author":[{"@type":"Person","name":"Ana Ruiz"},{"name":"Bo Li"}],"publisher":{"name":"Harbour Times"}}]}
        </script><link rel="canonical" href="https://www.harbour.example/2024/05/02/port"></head><body></body></html>"#;
        let meta = read(&Dom::parse(page, 100));
        assert_eq!(meta.title.as_deref(), Some("Port reopens"));
        assert_eq!(meta.author.as_deref(), Some("Ana Ruiz, Bo Li"));
        assert_eq!(
            meta.published_at.map(date::to_rfc3339).as_deref(),
            Some("2024-05-02T08:00:00Z")
        );
        assert_eq!(meta.source.as_deref(), Some("Harbour Times"));
        assert_eq!(meta.language.as_deref(), Some("en"));
    }
}
