//! The URL map. Each handler unpacks the request and hands it to its page
//! module; [`Ctx::finish`] makes the response. Security headers are added to
//! every response here, in one place.

use std::sync::Arc;

use axum::Form;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

use crate::assets;
use crate::context::{AppState, Ctx, Page};
use crate::pages::{self, curation, entities, login, quotes, search, status, stories};

/// No inline script or style, no plugins, no framing, forms only to this
/// console: article text that slipped through escaping still could not run.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/search") }))
        .route("/search", get(search_page))
        .route("/documents/{id}", get(document_page))
        .route("/entities", get(entities_page))
        .route("/entities/{id}", get(entity_page))
        .route("/entities/{id}/curate", post(curate))
        .route("/stories", get(stories_page))
        .route("/stories/{id}", get(story_page))
        .route("/quotes", get(quotes_page))
        .route("/status", get(status_page))
        .route("/login", get(login_page).post(login_submit))
        .route("/static/{file}", get(assets::serve))
        // For container health checks: answers without calling the services.
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/favicon.ico",
            get(|| async { Redirect::permanent("/static/favicon.svg") }),
        )
        .fallback(not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn search_page(ctx: Ctx, Query(params): Query<search::SearchParams>) -> Response {
    ctx.finish(search::handle(&ctx, params).await)
}

async fn document_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    ctx.finish(pages::document::handle(&ctx, &id).await)
}

async fn entities_page(ctx: Ctx, Query(params): Query<entities::EntitiesParams>) -> Response {
    ctx.finish(entities::handle(&ctx, params).await)
}

async fn entity_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    ctx.finish(pages::entity::handle(&ctx, &id).await)
}

async fn curate(ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let form = curation::CurationForm::parse(&body);
    ctx.finish(curation::handle(&ctx, &id, form).await)
}

async fn stories_page(ctx: Ctx, Query(params): Query<stories::StoriesParams>) -> Response {
    ctx.finish(stories::list(&ctx, params).await)
}

async fn story_page(ctx: Ctx, Path(id): Path<String>) -> Response {
    ctx.finish(stories::show(&ctx, &id).await)
}

async fn quotes_page(ctx: Ctx, Query(params): Query<quotes::QuotesParams>) -> Response {
    ctx.finish(quotes::handle(&ctx, params).await)
}

async fn status_page(ctx: Ctx) -> Response {
    ctx.finish(status::handle(&ctx).await)
}

async fn login_page(ctx: Ctx) -> Response {
    ctx.finish(Ok(login::prompt(&ctx, "/search", false)))
}

async fn login_submit(ctx: Ctx, Form(form): Form<login::TokenForm>) -> Response {
    match login::submit(&ctx, &form) {
        Ok((status, location, cookie)) => {
            let mut response = (status, [(header::LOCATION, location)]).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(err) => ctx.finish(Err(err)),
    }
}

async fn not_found(ctx: Ctx) -> Response {
    let main = html! {
        h1 { "Not found" }
        p { "No page has this address." }
        p { a href="/search" { "Search" } " · " a href="/stories" { "Stories" } " · " a href="/status" { "Status" } }
    };
    ctx.finish(Ok(
        Page::new("Not found", "", main).with_status(StatusCode::NOT_FOUND)
    ))
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages may show what a token unlocked: keep them out of shared caches.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
