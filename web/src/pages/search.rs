//! The search page: the Search query language, filters as links (outlet,
//! entity, day), facet lists, a date histogram, highlighted snippets,
//! "matched X as Y" for spelling variants, near-duplicate collapsing and
//! cursor paging. Every state is in the URL, so a search can be bookmarked
//! and shared.

use dossier_kit::civil::{civil_from_days, days_from_civil};
use dossier_proto::v1::{
    EntityType, FacetField, FacetRequest, FacetResult, HistogramInterval, SearchFilter, SearchHit,
    SearchRequest, SearchResponse, SortOrder,
};
use maud::{Markup, html};
use prost_types::Timestamp;
use serde::Deserialize;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html::{self as h, query_url};
use crate::pages::pager;
use crate::svg::{self, Bar};

/// Hits per page.
const PAGE_SIZE: i32 = 20;
/// Buckets per outlet and entity facet.
const FACET_LIMIT: i32 = 10;
/// The entity types with their own facet list.
const ENTITY_FACETS: [EntityType; 4] = [
    EntityType::Person,
    EntityType::Org,
    EntityType::Gpe,
    EntityType::Norp,
];

/// The page's URL parameters.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page_token: String,
    /// "1": one hit per group of near-duplicates.
    #[serde(default)]
    pub collapse: String,
    /// Only this outlet.
    #[serde(default)]
    pub source: String,
    /// Only documents naming this entity id.
    #[serde(default)]
    pub entity: String,
    /// Published on or after this day (YYYY-MM-DD).
    #[serde(default)]
    pub after: String,
    /// Published before this day (YYYY-MM-DD).
    #[serde(default)]
    pub before: String,
    /// "relevance" (default), "newest" or "oldest".
    #[serde(default)]
    pub sort: String,
}

impl SearchParams {
    fn collapsed(&self) -> bool {
        matches!(self.collapse.as_str(), "1" | "on" | "true")
    }

    /// The URL of this search with some parameters replaced; the page token
    /// is dropped unless given (a changed search starts at its first page).
    pub fn url_with(&self, changes: &[(&str, &str)]) -> String {
        let mut params: Vec<(&str, &str)> = vec![
            ("q", &self.q),
            ("source", &self.source),
            ("entity", &self.entity),
            ("after", &self.after),
            ("before", &self.before),
            ("sort", &self.sort),
            ("collapse", &self.collapse),
        ];
        for (key, value) in changes {
            match params.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => params.push((key, value)),
            }
        }
        query_url("/search", &params)
    }

    /// The request Search gets.
    pub fn request(&self) -> Result<SearchRequest, WebError> {
        let mut facets = vec![
            FacetRequest {
                field: FacetField::Source as i32,
                limit: FACET_LIMIT,
                ..Default::default()
            },
            FacetRequest {
                field: FacetField::PublishedAt as i32,
                interval: HistogramInterval::Day as i32,
                ..Default::default()
            },
        ];
        facets.extend(ENTITY_FACETS.iter().map(|kind| FacetRequest {
            field: FacetField::Entity as i32,
            limit: FACET_LIMIT,
            entity_type: *kind as i32,
            ..Default::default()
        }));
        let sort = match self.sort.as_str() {
            "" | "relevance" => SortOrder::Relevance,
            "newest" => SortOrder::PublishedDesc,
            "oldest" => SortOrder::PublishedAsc,
            other => {
                return Err(WebError::BadRequest(format!(
                    "sort must be relevance, newest or oldest, not {other:?}"
                )));
            }
        };
        Ok(SearchRequest {
            query: self.q.clone(),
            page_size: PAGE_SIZE,
            page_token: self.page_token.clone(),
            filter: Some(SearchFilter {
                sources: non_empty(&self.source),
                entity_ids: non_empty(&self.entity),
                published_after: parse_day("after", &self.after)?,
                published_before: parse_day("before", &self.before)?,
                ..Default::default()
            }),
            facets,
            sort: sort as i32,
            highlight: true,
            collapse_duplicates: self.collapsed(),
            ..Default::default()
        })
    }
}

fn non_empty(value: &str) -> Vec<String> {
    if value.is_empty() {
        Vec::new()
    } else {
        vec![value.to_string()]
    }
}

/// `YYYY-MM-DD` as the start of that day (UTC).
pub fn parse_day(name: &str, value: &str) -> Result<Option<Timestamp>, WebError> {
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || WebError::BadRequest(format!("{name} must be a day as YYYY-MM-DD, not {value:?}"));
    let mut parts = value.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.parse::<i64>().map_err(|_| bad())?,
        m.parse::<u32>().map_err(|_| bad())?,
        d.parse::<u32>().map_err(|_| bad())?,
    );
    if !(1..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || d < 1
        || d > dossier_kit::civil::days_in_month(y, m)
    {
        return Err(bad());
    }
    Ok(Some(Timestamp {
        seconds: days_from_civil(y, m, d) * 86_400,
        nanos: 0,
    }))
}

/// The search page.
pub async fn handle(ctx: &Ctx, params: SearchParams) -> Result<Page, WebError> {
    let request = params.request()?;
    let response = ctx
        .call(ctx.services().search(ctx.token()).search(request))
        .await
        .named("search")?;
    let title = if params.q.is_empty() {
        "Search".to_string()
    } else {
        format!("{} – Search", params.q)
    };
    Ok(Page::new(title, "/search", render(&params, &response)).with_query(&params.q))
}

/// The page's content for a search and its answer.
pub fn render(params: &SearchParams, response: &SearchResponse) -> Markup {
    html! {
        h1.visually-hidden { "Search" }
        (search_form(params))
        (interpretation(params, response))
        div.results-layout {
            section.results aria-labelledby="results-title" {
                h2 #results-title {
                    @if response.total_hits_is_lower_bound { "At least " }
                    (h::count(response.total_hits)) " "
                    (if response.total_hits == 1 { "article" } else { "articles" })
                }
                (active_filters(params))
                @if response.hits.is_empty() {
                    p { "No article matches. Try fewer words, or remove a filter." }
                }
                ol.hits {
                    @for hit in &response.hits { li { (render_hit(hit)) } }
                }
                (pager(
                    &params.url_with(&[]),
                    (!response.next_page_token.is_empty())
                        .then(|| params.url_with(&[("page_token", &response.next_page_token)])),
                    params.page_token.is_empty(),
                ))
            }
            aside.facets aria-label="Refine" {
                @for facet in &response.facets { (render_facet(params, facet)) }
            }
        }
    }
}

fn search_form(params: &SearchParams) -> Markup {
    html! {
        form.search role="search" action="/search" method="get" {
            label for="q" { "Query" }
            div.row {
                input #q type="search" name="q" value=(params.q)
                    placeholder="e.g. Kolobev AND summit, \"amber link\", entity:ID";
                button type="submit" { "Search" }
            }
            div.row.options {
                label {
                    input type="checkbox" name="collapse" value="1" checked[params.collapsed()] data-autosubmit;
                    " Collapse near-duplicates"
                }
                label for="sort" { "Sort" }
                select #sort name="sort" data-autosubmit {
                    @for (value, label) in [("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")] {
                        option value=(value) selected[params.sort == value || (params.sort.is_empty() && value == "relevance")] { (label) }
                    }
                }
                @for (name, value) in [("source", &params.source), ("entity", &params.entity), ("after", &params.after), ("before", &params.before)] {
                    @if !value.is_empty() { input type="hidden" name=(name) value=(value); }
                }
            }
            details.help {
                summary { "Query language" }
                p { "Words, " code { "AND" } ", " code { "OR" } ", " code { "NOT" } ", "
                    code { "\"a phrase\"" } ", " code { "title:word" } ", " code { "source:outlet" } ", "
                    code { "entity:ID" } ", " code { "story:ID" } ", " code { "quote:name" } ", "
                    code { "published_at:[2026-03-01T00:00:00Z TO *]" } ", " code { "word~1" }
                    ". A name also finds its other spellings." }
            }
        }
    }
}

fn interpretation(params: &SearchParams, response: &SearchResponse) -> Markup {
    let Some(interpreted) = &response.interpreted_query else {
        return html! {};
    };
    html! {
        @if interpreted.changed || !interpreted.notes.is_empty() {
            div.notice role="status" {
                p { "Searched for " code { (interpreted.query) } }
                @if !interpreted.notes.is_empty() {
                    ul { @for note in &interpreted.notes { li { (note.message) } } }
                }
            }
        }
        @if interpreted.partial_match {
            p.notice { "No article has every word; these have the most of them." }
        }
        @if !interpreted.suggestions.is_empty() {
            p.suggestions { "Did you mean "
                @for (i, s) in interpreted.suggestions.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(params.url_with(&[("q", &s.query)])) { (s.query) }
                    " (" (h::count(s.hits)) ")"
                }
                "?"
            }
        }
        @if !response.expansions.is_empty() {
            p.expansions { "Also searched: "
                @for (i, e) in response.expansions.iter().enumerate() {
                    @if i > 0 { "; " }
                    "“" (e.variant) "” for “" (e.query_term) "” ("
                    a href=(h::entity_href(&e.entity_id)) { (e.canonical_name) } ")"
                }
            }
        }
    }
}

fn active_filters(params: &SearchParams) -> Markup {
    let filters = [
        ("source", "Outlet", &params.source),
        ("entity", "Entity", &params.entity),
        ("after", "From", &params.after),
        ("before", "Before", &params.before),
    ];
    html! {
        @if filters.iter().any(|(_, _, v)| !v.is_empty()) {
            ul.filters aria-label="Filters" {
                @for (key, label, value) in filters {
                    @if !value.is_empty() {
                        li { (label) ": " strong { (value) } " "
                            a href=(params.url_with(&[(key, "")])) aria-label={ "Remove filter " (label) } { "✕ remove" } }
                    }
                }
            }
        }
    }
}

/// One hit: title, outlet, date, snippets, variants, entities, story.
pub fn render_hit(hit: &SearchHit) -> Markup {
    let title = if hit.title.is_empty() {
        "(untitled)"
    } else {
        hit.title.as_str()
    };
    html! {
        article.hit {
            h3 { a href=(h::document_href(&hit.document_id)) { (title) } }
            p.meta {
                span.source { (hit.source) } " · " (h::time(hit.published_at.as_ref()))
                @if !hit.story_id.is_empty() {
                    " · " a href=(h::story_href(&hit.story_id)) { "story" }
                }
                @if !hit.duplicate_of.is_empty() {
                    " · copy of " a href=(h::document_href(&hit.duplicate_of)) { "an earlier article" }
                    " (" (format!("{:.0}", hit.duplicate_similarity * 100.0)) "% alike)"
                }
                @if hit.duplicate_count > 0 {
                    " · " (hit.duplicate_count) " near-duplicate"
                    @if hit.duplicate_count > 1 { "s" } " hidden"
                }
            }
            @for snippet in hit.snippets.iter().filter(|s| s.field == "body") {
                @let spans: Vec<(usize, usize)> = snippet.highlights.iter()
                    .map(|s| (s.start as usize, s.end as usize)).collect();
                p.snippet { (h::highlighted(&snippet.fragment, &spans)) }
            }
            // The spelling the query already used is no news: only the others.
            @let variants: Vec<_> = hit.matched_variants.iter()
                .filter(|v| !v.variant.eq_ignore_ascii_case(&v.query_term)).collect();
            @if !variants.is_empty() {
                p.variants {
                    @for v in variants {
                        span.variant { "matched “" (v.query_term) "” as “" (v.variant) "” ("
                            a href=(h::entity_href(&v.entity_id)) { (v.canonical_name) } ")" }
                        " "
                    }
                }
            }
            @if !hit.entities.is_empty() {
                ul.entities aria-label="Named in this article" {
                    @for e in hit.entities.iter().take(8) {
                        li { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) }
                    }
                }
            }
        }
    }
}

fn render_facet(params: &SearchParams, facet: &FacetResult) -> Markup {
    match FacetField::try_from(facet.field) {
        Ok(FacetField::PublishedAt) => histogram(params, facet),
        Ok(FacetField::Source) => html! {
            section.facet {
                h2 { "Outlets" }
                ul { @for b in &facet.buckets {
                    li { a href=(params.url_with(&[("source", &b.value)])) { (b.value) } " " span.n { (h::count(b.count)) } }
                } }
            }
        },
        Ok(FacetField::Entity) if !facet.buckets.is_empty() => html! {
            section.facet {
                h2 { (h::type_name(facet.entity_type)) }
                ul { @for b in &facet.buckets {
                    li {
                        a href=(params.url_with(&[("entity", &b.value)])) title="Only articles naming it" {
                            (if b.display_name.is_empty() { &b.value } else { &b.display_name })
                        }
                        " " span.n { (h::count(b.count)) } " "
                        a.more href=(h::entity_href(&b.value)) aria-label={ "Entity page of " (b.display_name) } { "→" }
                    }
                } }
            }
        },
        _ => html! {},
    }
}

fn histogram(params: &SearchParams, facet: &FacetResult) -> Markup {
    let days = facet
        .buckets
        .iter()
        .map(|b| (b.value.clone(), b.count))
        .collect();
    let bars: Vec<Bar> = svg::fill_gaps(days, svg::Step::Day)
        .into_iter()
        .map(|(day, count)| {
            let next = next_day(&day).unwrap_or_default();
            Bar {
                href: params.url_with(&[("after", &day), ("before", &next)]),
                label: day,
                count,
            }
        })
        .collect();
    if bars.is_empty() {
        return html! {};
    }
    html! {
        section.facet {
            h2 { "Published" }
            (svg::bar_chart("Matching articles per day", &bars))
            details { summary { "As a list" }
                ul { @for bar in &bars { li { a href=(bar.href) { (bar.label) } " " span.n { (bar.count) } } } }
            }
        }
    }
}

fn next_day(day: &str) -> Option<String> {
    let start = parse_day("day", day).ok()??;
    let (y, m, d) = civil_from_days(start.seconds / 86_400 + 1);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_and_step() {
        assert!(parse_day("after", "2026-02-30").is_err());
        assert!(parse_day("after", "x").is_err());
        assert_eq!(next_day("2026-02-28").as_deref(), Some("2026-03-01"));
    }

    #[test]
    fn urls_keep_the_search_and_drop_the_page() {
        let params = SearchParams {
            q: "a b".into(),
            page_token: "tok".into(),
            source: "Wire".into(),
            ..Default::default()
        };
        assert_eq!(
            params.url_with(&[("entity", "e1")]),
            "/search?q=a%20b&source=Wire&entity=e1"
        );
        assert_eq!(
            params.url_with(&[("page_token", "p2")]),
            "/search?q=a%20b&source=Wire&page_token=p2"
        );
    }
}
