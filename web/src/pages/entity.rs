//! The entity page: canonical name and type, every spelling with its counts
//! and the first and last day an article used it, the documents over time,
//! the entities named most often beside it (a list and a star graph), and
//! the curation forms (merge, split, mark distinct, undo), each of which
//! leads to a confirmation step before anything changes.

use dossier_proto::v1::{
    Entity, FacetField, FacetRequest, GetCooccurrencesRequest, GetCooccurrencesResponse,
    GetEntityRequest, HistogramInterval, SearchFilter, SearchRequest, SearchResponse, SortOrder,
};
use maud::{Markup, html};

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html::{self as h, query_url};
use crate::pages::csrf_field;
use crate::svg::{self, Bar, Node};

/// Spellings whose first and last day are looked up (one search each).
const DATED_SPELLINGS: usize = 8;
/// Co-occurring entities shown.
const COOCCURRING: i32 = 12;
/// Recent articles listed.
const RECENT: i32 = 10;

/// Everything the page shows, as the services answered.
pub struct EntityView {
    pub requested_id: String,
    pub entity: Entity,
    pub documents: SearchResponse,
    pub cooccurrences: Option<GetCooccurrencesResponse>,
    /// Per spelling (same order as `entity.aliases`): first and last day.
    pub spelling_days: Vec<Option<(String, String)>>,
    pub interval: HistogramInterval,
}

/// The entity page.
pub async fn handle(ctx: &Ctx, id: &str) -> Result<Page, WebError> {
    let entity = ctx
        .call(
            ctx.services()
                .extraction(ctx.token())
                .get_entity(GetEntityRequest { id: id.to_string() }),
        )
        .await
        .named("extraction")?;
    let interval = interval_for(&entity);
    let filter = SearchFilter {
        entity_ids: vec![entity.id.clone()],
        ..Default::default()
    };
    let over_time = SearchRequest {
        page_size: RECENT,
        filter: Some(filter.clone()),
        sort: SortOrder::PublishedDesc as i32,
        facets: vec![date_facet(interval)],
        ..Default::default()
    };
    let cooccurrences = GetCooccurrencesRequest {
        entity_id: entity.id.clone(),
        limit: COOCCURRING,
        ..Default::default()
    };
    let spelling_calls = entity.aliases.iter().take(DATED_SPELLINGS).map(|alias| {
        let mut client = ctx.services().search(ctx.token());
        let request = SearchRequest {
            query: format!("\"{}\"", alias.name.replace('"', " ")),
            page_size: 1,
            filter: Some(filter.clone()),
            facets: vec![date_facet(HistogramInterval::Day)],
            disable_entity_expansion: true,
            ..Default::default()
        };
        async move { client.search(request).await }
    });
    let mut search = ctx.services().search(ctx.token());
    let mut search2 = ctx.services().search(ctx.token());
    let (documents, cooccurring, spellings) = ctx
        .call(async {
            futures::join!(
                search.search(over_time),
                search2.get_cooccurrences(cooccurrences),
                futures::future::join_all(spelling_calls)
            )
        })
        .await;
    let view = EntityView {
        requested_id: id.to_string(),
        documents: documents.named("search")?,
        // Co-occurrence and spelling dates enrich the page; without them it still stands.
        cooccurrences: cooccurring.ok().map(tonic::Response::into_inner),
        spelling_days: spellings
            .into_iter()
            .map(|r| r.ok().and_then(|r| first_last_day(&r.into_inner())))
            .collect(),
        interval,
        entity,
    };
    let title = view.entity.canonical_name.clone();
    Ok(Page::new(title, "/entities", render(ctx, &view)))
}

fn date_facet(interval: HistogramInterval) -> FacetRequest {
    FacetRequest {
        field: FacetField::PublishedAt as i32,
        interval: interval as i32,
        ..Default::default()
    }
}

/// Days for a few months of coverage, weeks for a few years, months beyond.
fn interval_for(entity: &Entity) -> HistogramInterval {
    let span_days = match (&entity.first_seen, &entity.last_seen) {
        (Some(first), Some(last)) => (last.seconds - first.seconds) / 86_400,
        _ => 0,
    };
    match span_days {
        ..=120 => HistogramInterval::Day,
        121..=1100 => HistogramInterval::Week,
        _ => HistogramInterval::Month,
    }
}

/// The first and last non-empty bucket of a date histogram.
fn first_last_day(response: &SearchResponse) -> Option<(String, String)> {
    let buckets: Vec<&str> = response
        .facets
        .iter()
        .find(|f| f.field == FacetField::PublishedAt as i32)?
        .buckets
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| b.value.get(..10).unwrap_or(&b.value))
        .collect();
    Some((
        (*buckets.first()?).to_string(),
        (*buckets.last()?).to_string(),
    ))
}

/// The page's content.
pub fn render(ctx: &Ctx, view: &EntityView) -> Markup {
    let e = &view.entity;
    html! {
        h1 { (e.canonical_name) " " (h::type_badge(e.r#type)) }
        @if e.id != view.requested_id {
            p.notice role="status" { code { (view.requested_id) } " was merged into this entity." }
        }
        dl.meta-list {
            dt { "Mentions" } dd { (h::count(e.mention_count)) }
            dt { "Articles" } dd { a href=(query_url("/search", &[("entity", &e.id)])) { (h::count(e.document_count)) } }
            dt { "First seen" } dd { (h::time(e.first_seen.as_ref())) }
            dt { "Last seen" } dd { (h::time(e.last_seen.as_ref())) }
            dt { "Quotes" } dd { a href=(query_url("/quotes", &[("entity", &e.id)])) { "what it said" } }
            dt { "Stories" } dd { a href=(query_url("/stories", &[("entity", &e.id)])) { "stories naming it" } }
            @if !e.merged_ids.is_empty() { dt { "Merged from" } dd { (id_list(&e.merged_ids)) } }
            @if !e.distinct_ids.is_empty() { dt { "Distinct from" } dd { (id_list(&e.distinct_ids)) } }
            dt { "Id" } dd { code { (e.id) } }
        }
        (spellings(view))
        (over_time(view))
        (cooccurring(view))
        (curation_forms(ctx, e))
    }
}

fn id_list(ids: &[String]) -> Markup {
    html! { @for (i, id) in ids.iter().enumerate() { @if i > 0 { ", " } a href=(h::entity_href(id)) { code { (id) } } } }
}

fn spellings(view: &EntityView) -> Markup {
    html! {
        section aria-labelledby="spellings-title" {
            h2 #spellings-title { "Spellings" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Spelling" } th scope="col" { "Mentions" } th scope="col" { "Articles" }
                    th scope="col" { "First seen" } th scope="col" { "Last seen" } } }
                tbody { @for (i, alias) in view.entity.aliases.iter().enumerate() {
                    @let days = view.spelling_days.get(i).cloned().flatten();
                    tr {
                        th scope="row" { a href=(query_url("/search", &[("q", &format!("\"{}\"", alias.name)), ("entity", &view.entity.id)])) { (alias.name) } }
                        td { (h::count(alias.mention_count)) }
                        td { (h::count(alias.document_count)) }
                        td { (days.as_ref().map(|d| d.0.as_str()).unwrap_or("–")) }
                        td { (days.as_ref().map(|d| d.1.as_str()).unwrap_or("–")) }
                    }
                } }
            } }
        }
    }
}

fn over_time(view: &EntityView) -> Markup {
    let unit = match view.interval {
        HistogramInterval::Week => "week",
        HistogramInterval::Month => "month",
        _ => "day",
    };
    let step = match view.interval {
        HistogramInterval::Week => svg::Step::Week,
        HistogramInterval::Month => svg::Step::Month,
        _ => svg::Step::Day,
    };
    let buckets = view
        .documents
        .facets
        .iter()
        .filter(|f| f.field == FacetField::PublishedAt as i32)
        .flat_map(|f| &f.buckets)
        .map(|b| (b.value.clone(), b.count))
        .collect();
    let bars: Vec<Bar> = svg::fill_gaps(buckets, step)
        .into_iter()
        .map(|(day, count)| Bar {
            href: query_url(
                "/search",
                &[
                    ("entity", &view.entity.id),
                    ("after", &day),
                    ("sort", "oldest"),
                ],
            ),
            label: day,
            count,
        })
        .collect();
    let caption = format!("Articles naming {} per {unit}", view.entity.canonical_name);
    html! {
        section aria-labelledby="time-title" {
            h2 #time-title { "Articles over time" }
            @if bars.is_empty() { p { "No indexed article names it yet." } }
            @else {
                (svg::bar_chart(&caption, &bars))
                p.caption { (caption) "; each bar leads to those articles." }
            }
            @if !view.documents.hits.is_empty() {
                h3 { "Latest articles" }
                ol.compact { @for hit in &view.documents.hits {
                    li { a href=(h::document_href(&hit.document_id)) { (hit.title) } " · " (hit.source) " · " (h::time(hit.published_at.as_ref())) }
                } }
                @if view.documents.total_hits > view.documents.hits.len() as u64 {
                    p { a href=(query_url("/search", &[("entity", &view.entity.id), ("sort", "newest")])) {
                        "All " (h::count(view.documents.total_hits)) " articles" } }
                }
            }
        }
    }
}

fn cooccurring(view: &EntityView) -> Markup {
    let Some(co) = &view.cooccurrences else {
        return html! { section { h2 { "Named with it" } p { "Co-occurrences are unavailable right now." } } };
    };
    let nodes: Vec<Node> = co
        .cooccurrences
        .iter()
        .filter_map(|c| {
            let e = c.entity.as_ref()?;
            Some(Node {
                label: e.canonical_name.clone(),
                type_name: h::type_name(e.r#type),
                count: c.document_count,
                href: h::entity_href(&e.id),
            })
        })
        .collect();
    html! {
        section aria-labelledby="co-title" {
            h2 #co-title { "Named with it" }
            @if nodes.is_empty() { p { "No other entity shares an article with it." } }
            @else {
                div.co-layout {
                    ol.co-list { @for (c, n) in co.cooccurrences.iter().zip(&nodes) {
                        li { a href=(n.href) { (n.label) } " " (h::type_badge(c.entity.as_ref().map_or(0, |e| e.r#type)))
                            " " span.n { (h::count(c.document_count)) " shared" } }
                    } }
                    (svg::star_graph(&view.entity.canonical_name, &nodes))
                }
            }
        }
    }
}

fn curation_forms(ctx: &Ctx, e: &Entity) -> Markup {
    let action = format!("{}/curate", h::entity_href(&e.id));
    html! {
        section.curation aria-labelledby="curate-title" {
            h2 #curate-title { "Curation" }
            p { "Each action asks for confirmation before it changes anything, and can be undone." }
            details {
                summary { "Merge other entities into this one" }
                form method="post" action=(action) {
                    (csrf_field(ctx)) input type="hidden" name="action" value="merge";
                    label for="merge-ids" { "Entity ids to merge in (comma-separated)" }
                    input #merge-ids name="others" required;
                    button type="submit" { "Review merge…" }
                }
            }
            @if e.aliases.len() > 1 {
                details {
                    summary { "Split spellings off into a new entity" }
                    form method="post" action=(action) {
                        (csrf_field(ctx)) input type="hidden" name="action" value="split";
                        fieldset { legend { "Spellings to move" }
                            @for alias in &e.aliases {
                                label.check { input type="checkbox" name="aliases" value=(alias.name); " " (alias.name) }
                            }
                        }
                        button type="submit" { "Review split…" }
                    }
                }
            }
            details {
                summary { "Mark as distinct from other entities" }
                form method="post" action=(action) {
                    (csrf_field(ctx)) input type="hidden" name="action" value="distinct";
                    label for="distinct-ids" { "Entity ids it must never be joined with (comma-separated)" }
                    input #distinct-ids name="others" required;
                    button type="submit" { "Review…" }
                }
            }
            details {
                summary { "Undo a curation" }
                form method="post" action=(action) {
                    (csrf_field(ctx)) input type="hidden" name="action" value="undo";
                    label for="undo-id" { "Curation id" }
                    input #undo-id name="curation" required;
                    button type="submit" { "Review undo…" }
                }
            }
        }
    }
}
