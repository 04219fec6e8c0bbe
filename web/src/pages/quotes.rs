//! Quotes: what was said, by whom, in which outlet and when — filtered by
//! speaker (any spelling, merges included) and by words of the quote.

use dossier_proto::v1::{ListQuotesRequest, ListQuotesResponse};
use maud::{Markup, html};
use serde::Deserialize;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html::{self as h, query_url};
use crate::pages::pager;

const PAGE_SIZE: i32 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct QuotesParams {
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub direct: String,
    #[serde(default)]
    pub page_token: String,
}

impl QuotesParams {
    fn url(&self, page_token: &str) -> String {
        query_url(
            "/quotes",
            &[
                ("entity", &self.entity),
                ("q", &self.q),
                ("direct", &self.direct),
                ("page_token", page_token),
            ],
        )
    }
}

pub async fn handle(ctx: &Ctx, params: QuotesParams) -> Result<Page, WebError> {
    let request = ListQuotesRequest {
        entity_id: params.entity.clone(),
        query: params.q.clone(),
        page_size: PAGE_SIZE,
        page_token: params.page_token.clone(),
        direct_only: params.direct == "1",
        ..Default::default()
    };
    let response = ctx
        .call(ctx.services().search(ctx.token()).list_quotes(request))
        .await
        .named("search")?;
    Ok(Page::new("Quotes", "/quotes", render(&params, &response)))
}

pub fn render(params: &QuotesParams, response: &ListQuotesResponse) -> Markup {
    html! {
        h1 { "Quotes" }
        form.search action="/quotes" method="get" {
            div.row {
                label for="qq" { "Words in the quote" }
                input #qq type="search" name="q" value=(params.q);
                label for="qe" { "Speaker entity id" }
                input #qe name="entity" value=(params.entity);
            }
            div.row {
                label { input type="checkbox" name="direct" value="1" checked[params.direct == "1"]; " Direct quotes only" }
                button type="submit" { "Show" }
            }
        }
        p { (h::count(response.total_quotes)) " quotes" }
        ol.quotes { @for record in &response.quotes { @if let Some(q) = &record.quote {
            li {
                blockquote { (q.text) }
                p.meta {
                    @if q.speaker_entity_id.is_empty() {
                        (if q.speaker_name.is_empty() { "unattributed" } else { &q.speaker_name })
                    } @else {
                        a href=(query_url("/quotes", &[("entity", &q.speaker_entity_id)])) {
                            (if q.speaker_canonical_name.is_empty() { &q.speaker_name } else { &q.speaker_canonical_name }) }
                        " (" a href=(h::entity_href(&q.speaker_entity_id)) { "entity" } ")"
                    }
                    " · " (if q.direct { "direct" } else { "reported" })
                    " · " a href=(h::document_href(&record.document_id)) { (record.title) }
                    " · " (record.source) " · " (h::time(record.published_at.as_ref()))
                }
            }
        } } }
        (pager(&params.url(""), (!response.next_page_token.is_empty()).then(|| params.url(&response.next_page_token)), params.page_token.is_empty()))
    }
}
