//! Stories: the list (newest first, or by size; filtered by words, entity
//! or outlet) and one story with its outlets, top entities, articles and a
//! vertical timeline of the dated statements its articles make.

use dossier_proto::v1::{
    GetStoryRequest, ListStoriesRequest, ListStoriesResponse, SearchHit, SearchRequest, SortOrder,
    Story, StoryOrder,
};
use maud::{Markup, html};
use serde::Deserialize;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html::{self as h, query_url};
use crate::pages::pager;

const PAGE_SIZE: i32 = 20;
/// Articles of a story listed with their titles.
const STORY_ARTICLES: i32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct StoriesParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub source: String,
    /// "recent" (default) or "size".
    #[serde(default)]
    pub order: String,
    #[serde(default)]
    pub page_token: String,
}

impl StoriesParams {
    fn url_with(&self, key: &str, value: &str) -> String {
        let mut params = vec![
            ("q", self.q.as_str()),
            ("entity", &self.entity),
            ("source", &self.source),
            ("order", &self.order),
        ];
        match params.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => params.push((key, value)),
        }
        query_url("/stories", &params)
    }
}

/// The list of stories.
pub async fn list(ctx: &Ctx, params: StoriesParams) -> Result<Page, WebError> {
    let order = match params.order.as_str() {
        "" | "recent" => StoryOrder::Recent,
        "size" => StoryOrder::Size,
        other => {
            return Err(WebError::BadRequest(format!(
                "order must be recent or size, not {other:?}"
            )));
        }
    };
    let request = ListStoriesRequest {
        query: params.q.clone(),
        entity_id: params.entity.clone(),
        source: params.source.clone(),
        page_size: PAGE_SIZE,
        page_token: params.page_token.clone(),
        order: order as i32,
        ..Default::default()
    };
    let response = ctx
        .call(ctx.services().search(ctx.token()).list_stories(request))
        .await
        .named("search")?;
    Ok(Page::new(
        "Stories",
        "/stories",
        render_list(&params, &response),
    ))
}

pub fn render_list(params: &StoriesParams, response: &ListStoriesResponse) -> Markup {
    html! {
        h1 { "Stories" }
        form.search action="/stories" method="get" {
            label for="sq" { "Stories with an article matching" }
            div.row {
                input #sq type="search" name="q" value=(params.q);
                select name="order" aria-label="Order" data-autosubmit {
                    option value="recent" selected[params.order != "size"] { "Newest first" }
                    option value="size" selected[params.order == "size"] { "Most articles first" }
                }
                @if !params.entity.is_empty() { input type="hidden" name="entity" value=(params.entity); }
                @if !params.source.is_empty() { input type="hidden" name="source" value=(params.source); }
                button type="submit" { "Show" }
            }
        }
        @if !params.entity.is_empty() {
            p { "Naming " a href=(h::entity_href(&params.entity)) { code { (params.entity) } } " · "
                a href=(params.url_with("entity", "")) { "✕ remove" } }
        }
        p { (h::count(response.total_stories)) " stories" }
        ol.stories { @for story in &response.stories { li { (story_card(story)) } } }
        (pager(&params.url_with("page_token", ""),
            (!response.next_page_token.is_empty()).then(|| params.url_with("page_token", &response.next_page_token)),
            params.page_token.is_empty()))
    }
}

fn story_card(story: &Story) -> Markup {
    html! {
        article.story {
            h2 { a href=(h::story_href(&story.id)) { (story.title) } }
            p.meta { (story.document_count) " articles from " (story.sources.len()) " outlets · "
                (h::time(story.first_published.as_ref())) " – " (h::time(story.last_published.as_ref()))
                @if story.duplicate_count > 0 { " · " (story.duplicate_count) " near-duplicates" } }
            @if !story.top_entities.is_empty() {
                ul.entities { @for se in story.top_entities.iter().take(6) { @if let Some(e) = &se.entity {
                    li { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) }
                } } }
            }
        }
    }
}

/// One story.
pub async fn show(ctx: &Ctx, id: &str) -> Result<Page, WebError> {
    let story = ctx
        .call(
            ctx.services()
                .search(ctx.token())
                .get_story(GetStoryRequest { id: id.to_string() }),
        )
        .await
        .named("search")?;
    let articles = SearchRequest {
        query: format!("story:\"{}\"", story.id.replace('"', "")),
        page_size: STORY_ARTICLES,
        sort: SortOrder::PublishedAsc as i32,
        ..Default::default()
    };
    let hits = ctx
        .call(ctx.services().search(ctx.token()).search(articles))
        .await
        .map(|r| r.into_inner().hits)
        .unwrap_or_default();
    let title = story.title.clone();
    Ok(Page::new(
        title,
        "/stories",
        render_story(id, &story, &hits),
    ))
}

pub fn render_story(requested: &str, story: &Story, hits: &[SearchHit]) -> Markup {
    html! {
        h1 { (story.title) }
        @if story.id != requested { p.notice { code { (requested) } " was merged into this story." } }
        p.meta { (story.document_count) " articles · " (h::time(story.first_published.as_ref())) " – "
            (h::time(story.last_published.as_ref())) " · " code { (story.id) } }
        div.story-layout {
            section aria-labelledby="timeline-title" {
                h2 #timeline-title { "Timeline" }
                @if story.timeline.is_empty() { p { "No dated statement in its articles." } }
                ol.timeline { @for entry in &story.timeline {
                    li {
                        p.when { time datetime=(entry.date.split('/').next().unwrap_or_default()) { (entry.date) } }
                        p { (entry.sentence) }
                        p.meta { "“" (entry.date_text) "” · " a href=(h::document_href(&entry.document_id)) { (entry.source) }
                            " · " (h::time(entry.published_at.as_ref())) }
                    }
                } }
            }
            aside {
                h2 { "Outlets" }
                ul { @for s in &story.sources {
                    li { a href=(h::document_href(&s.first_document_id)) { (s.source) } " · " (s.document_count)
                        " · first " (h::time(s.first_published.as_ref())) }
                } }
                h2 { "Named most" }
                ul.entities { @for se in &story.top_entities { @if let Some(e) = &se.entity {
                    li { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) " " span.n { (se.document_count) } }
                } } }
            }
        }
        section aria-labelledby="articles-title" {
            h2 #articles-title { "Articles" }
            ol.compact { @for hit in hits {
                li { a href=(h::document_href(&hit.document_id)) { (hit.title) } " · " (hit.source) " · " (h::time(hit.published_at.as_ref()))
                    @if !hit.duplicate_of.is_empty() { " · near-duplicate" } }
            } }
        }
    }
}
