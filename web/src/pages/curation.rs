//! Curation from the entity page: merge, split, mark distinct and undo.
//! Every action takes two POSTs: the first shows what would change (with the
//! entities' names, so an id typed wrong is seen before it counts) and a
//! confirm button; only the second calls extraction. Both carry the CSRF
//! token, and the confirmation carries a request id, so a double click
//! merges once.

use dossier_proto::v1::{
    CurationResponse, GetEntityRequest, MarkDistinctRequest, MergeEntitiesRequest,
    SplitEntityRequest, UndoCurationRequest,
};
use maud::{Markup, html};
use rand::RngCore;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html as h;
use crate::pages::csrf_field;

/// At most this many ids in one merge or distinct judgement from the form.
const MAX_IDS: usize = 20;

/// The posted form (parsed by hand: `aliases` repeats).
#[derive(Debug, Default)]
pub struct CurationForm {
    pub csrf: String,
    pub action: String,
    pub others: String,
    pub aliases: Vec<String>,
    pub curation: String,
    pub confirm: bool,
    pub request_id: String,
}

impl CurationForm {
    pub fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "csrf" => form.csrf = value,
                "action" => form.action = value,
                "others" => form.others = value,
                "aliases" => form.aliases.push(value),
                "curation" => form.curation = value,
                "confirm" => form.confirm = value == "1",
                "request_id" => form.request_id = value,
                _ => {}
            }
        }
        form
    }

    fn other_ids(&self) -> Result<Vec<String>, WebError> {
        let ids: Vec<String> = self
            .others
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            return Err(WebError::BadRequest(
                "Give at least one other entity id.".into(),
            ));
        }
        if ids.len() > MAX_IDS {
            return Err(WebError::BadRequest(format!(
                "At most {MAX_IDS} ids at a time."
            )));
        }
        Ok(ids)
    }
}

/// Either the confirmation step or, when confirmed, the change itself.
pub async fn handle(ctx: &Ctx, id: &str, form: CurationForm) -> Result<Page, WebError> {
    ctx.check_csrf(&form.csrf)?;
    if form.confirm {
        perform(ctx, id, &form).await
    } else {
        confirmation(ctx, id, &form).await
    }
}

async fn confirmation(ctx: &Ctx, id: &str, form: &CurationForm) -> Result<Page, WebError> {
    let summary = match form.action.as_str() {
        "merge" | "distinct" => {
            let mut ids = vec![id.to_string()];
            ids.extend(form.other_ids()?);
            let names = names_of(ctx, &ids).await?;
            let verb = if form.action == "merge" {
                "Merge these entities into the first one? Later linking keeps the judgement."
            } else {
                "Record that these entities are distinct, so automatic linking never joins them?"
            };
            html! { p { (verb) } ul { @for n in &names { li { (n) } } } }
        }
        "split" => {
            if form.aliases.is_empty() {
                return Err(WebError::BadRequest(
                    "Tick at least one spelling to move.".into(),
                ));
            }
            html! { p { "Move these spellings to a new entity?" }
            ul { @for a in &form.aliases { li { (a) } } } }
        }
        "undo" => {
            if form.curation.trim().is_empty() {
                return Err(WebError::BadRequest("Give the curation id to undo.".into()));
            }
            html! { p { "Undo curation " code { (form.curation) } ", restoring the state before it?" } }
        }
        other => return Err(WebError::BadRequest(format!("Unknown action {other:?}."))),
    };
    let main = html! {
        h1 { "Confirm: " (form.action) }
        (summary)
        form method="post" action={ (h::entity_href(id)) "/curate" } {
            (csrf_field(ctx))
            input type="hidden" name="action" value=(form.action);
            input type="hidden" name="others" value=(form.others);
            input type="hidden" name="curation" value=(form.curation);
            input type="hidden" name="request_id" value=(new_request_id());
            @for a in &form.aliases { input type="hidden" name="aliases" value=(a); }
            input type="hidden" name="confirm" value="1";
            button type="submit" { "Confirm " (form.action) }
            " "
            a href=(h::entity_href(id)) { "Cancel" }
        }
    };
    Ok(Page::new("Confirm curation", "/entities", main))
}

/// Each id with its name and type, or NOT_FOUND for a mistyped one.
async fn names_of(ctx: &Ctx, ids: &[String]) -> Result<Vec<Markup>, WebError> {
    let calls = ids.iter().map(|id| {
        let mut client = ctx.services().extraction(ctx.token());
        let request = GetEntityRequest { id: id.clone() };
        async move { client.get_entity(request).await }
    });
    let answers = ctx.call(futures::future::join_all(calls)).await;
    answers
        .into_iter()
        .map(|r| {
            let e = r.named("extraction")?;
            Ok(html! { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) " " code { (e.id) } })
        })
        .collect()
}

async fn perform(ctx: &Ctx, id: &str, form: &CurationForm) -> Result<Page, WebError> {
    let mut client = ctx.services().extraction(ctx.token());
    let request_id = form.request_id.clone();
    let note = "from the web console".to_string();
    let response = match form.action.as_str() {
        "merge" => {
            let mut entity_ids = vec![id.to_string()];
            entity_ids.extend(form.other_ids()?);
            ctx.call(client.merge_entities(MergeEntitiesRequest {
                entity_ids,
                request_id,
                note,
            }))
            .await
        }
        "distinct" => {
            let mut entity_ids = vec![id.to_string()];
            entity_ids.extend(form.other_ids()?);
            ctx.call(client.mark_distinct(MarkDistinctRequest {
                entity_ids,
                request_id,
                note,
            }))
            .await
        }
        "split" => {
            let request = SplitEntityRequest {
                entity_id: id.to_string(),
                aliases: form.aliases.clone(),
                request_id,
                note,
            };
            ctx.call(client.split_entity(request)).await
        }
        "undo" => {
            let request = UndoCurationRequest {
                curation_id: form.curation.trim().to_string(),
            };
            ctx.call(client.undo_curation(request)).await
        }
        other => return Err(WebError::BadRequest(format!("Unknown action {other:?}."))),
    }
    .named("extraction")?;
    Ok(Page::new(
        "Curation done",
        "/entities",
        done(ctx, id, &form.action, &response),
    ))
}

fn done(ctx: &Ctx, id: &str, action: &str, response: &CurationResponse) -> Markup {
    html! {
        h1 { "Done: " (action) }
        p role="status" { "Curation " code { (response.curation_id) } " is recorded. Search reflects it once it has applied entity change " (response.sequence) "." }
        h2 { "The entities now" }
        ul { @for e in &response.entities {
            li { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) " " code { (e.id) } }
        } }
        @if action != "undo" {
            form method="post" action={ (h::entity_href(id)) "/curate" } {
                (csrf_field(ctx))
                input type="hidden" name="action" value="undo";
                input type="hidden" name="curation" value=(response.curation_id);
                button type="submit" { "Undo this…" }
            }
        }
    }
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    format!("web-{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_keeps_repeated_spellings() {
        let form = CurationForm::parse(b"csrf=x&action=split&aliases=A+B&aliases=C%26D&confirm=1");
        assert_eq!(form.aliases, vec!["A B", "C&D"]);
        assert!(form.confirm);
        let form = CurationForm {
            others: "e1, e2\ne3".into(),
            ..Default::default()
        };
        assert_eq!(form.other_ids().unwrap(), vec!["e1", "e2", "e3"]);
    }
}
