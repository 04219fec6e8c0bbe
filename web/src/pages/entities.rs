//! The entity list: most mentioned first, by type or name prefix — the way
//! into entity pages without a search.

use dossier_proto::v1::{EntityType, ListEntitiesRequest, ListEntitiesResponse};
use maud::{Markup, html};
use serde::Deserialize;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html::{self as h, query_url};
use crate::pages::pager;

const PAGE_SIZE: i32 = 50;
const TYPES: [EntityType; 6] = [
    EntityType::Person,
    EntityType::Org,
    EntityType::Gpe,
    EntityType::Loc,
    EntityType::Norp,
    EntityType::Misc,
];

#[derive(Debug, Default, Deserialize)]
pub struct EntitiesParams {
    #[serde(default)]
    pub prefix: String,
    /// An entity type name ("PERSON").
    #[serde(default)]
    pub r#type: String,
    #[serde(default)]
    pub page_token: String,
}

impl EntitiesParams {
    fn url(&self, page_token: &str) -> String {
        query_url(
            "/entities",
            &[
                ("prefix", &self.prefix),
                ("type", &self.r#type),
                ("page_token", page_token),
            ],
        )
    }
}

pub async fn handle(ctx: &Ctx, params: EntitiesParams) -> Result<Page, WebError> {
    let kind = match params.r#type.as_str() {
        "" => EntityType::Unspecified,
        name => EntityType::from_str_name(name).ok_or_else(|| {
            WebError::BadRequest(format!(
                "type must be an entity type such as PERSON, not {name:?}"
            ))
        })?,
    };
    let request = ListEntitiesRequest {
        page_size: PAGE_SIZE,
        page_token: params.page_token.clone(),
        r#type: kind as i32,
        name_prefix: params.prefix.clone(),
        ..Default::default()
    };
    let response = ctx
        .call(
            ctx.services()
                .extraction(ctx.token())
                .list_entities(request),
        )
        .await
        .named("extraction")?;
    Ok(Page::new(
        "Entities",
        "/entities",
        render(&params, &response),
    ))
}

pub fn render(params: &EntitiesParams, response: &ListEntitiesResponse) -> Markup {
    html! {
        h1 { "Entities" }
        form.search action="/entities" method="get" {
            div.row {
                label for="prefix" { "Name starts with" }
                input #prefix type="search" name="prefix" value=(params.prefix);
                label for="etype" { "Type" }
                select #etype name="type" data-autosubmit {
                    option value="" { "Any" }
                    @for t in TYPES { option value=(t.as_str_name()) selected[params.r#type == t.as_str_name()] { (t.as_str_name()) } }
                }
                button type="submit" { "Show" }
            }
        }
        div.table-wrap { table {
            thead { tr { th scope="col" { "Name" } th scope="col" { "Type" } th scope="col" { "Mentions" }
                th scope="col" { "Articles" } th scope="col" { "Last seen" } } }
            tbody { @for e in &response.entities { tr {
                th scope="row" { a href=(h::entity_href(&e.id)) { (e.canonical_name) } }
                td { (h::type_badge(e.r#type)) }
                td { (h::count(e.mention_count)) }
                td { (h::count(e.document_count)) }
                td { (h::time(e.last_seen.as_ref())) }
            } } }
        } }
        (pager(&params.url(""), (!response.next_page_token.is_empty()).then(|| params.url(&response.next_page_token)), params.page_token.is_empty()))
    }
}
