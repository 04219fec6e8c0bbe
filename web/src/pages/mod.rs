//! One module per page. Each turns what the services answered into markup
//! (`render…` functions that know nothing of axum) and has a `handle`
//! function that makes the calls; the router in `routes` only unpacks the
//! request and hands over.

pub mod curation;
pub mod document;
pub mod entities;
pub mod entity;
pub mod login;
pub mod quotes;
pub mod search;
pub mod status;
pub mod stories;

use maud::{Markup, html};

use crate::context::Ctx;

/// The hidden field every POST form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// "Next page" and "first page" links for a cursor-paged list.
pub fn pager(first: &str, next: Option<String>, on_first: bool) -> Markup {
    html! {
        nav.pager aria-label="Pages" {
            @if !on_first { a href=(first) { "← First page" } }
            @if let Some(next) = next { a href=(next) rel="next" { "Next page →" } }
        }
    }
}
