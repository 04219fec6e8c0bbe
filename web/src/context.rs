//! What every page handler gets: the channels, the analyst's session (token
//! cookie, CSRF cookie), the request's own URL, and a stopwatch that tells
//! gRPC waits apart from the console's own work. [`Ctx::finish`] turns a
//! page or an error into the response, with the `Server-Timing` header the
//! bench reads.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dossier_kit::security::AuthToken;
use maud::Markup;
use rand::RngCore;

use crate::error::WebError;
use crate::grpc::Services;
use crate::html::{self, Frame};
use crate::session;

/// Shared by every request.
pub struct AppState {
    pub services: Services,
    /// Mark cookies `Secure` (the console is served over HTTPS by a proxy).
    pub secure_cookies: bool,
}

/// A rendered page's content, before the frame is put around it.
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub section: &'static str,
    /// What the header's search box shows.
    pub query: String,
    pub main: Markup,
    /// Extra `Set-Cookie` values (the token page).
    pub cookies: Vec<String>,
}

impl Page {
    pub fn new(title: impl Into<String>, section: &'static str, main: Markup) -> Self {
        Self {
            status: StatusCode::OK,
            title: title.into(),
            section,
            query: String::new(),
            main,
            cookies: Vec::new(),
        }
    }

    pub fn with_query(mut self, query: &str) -> Self {
        self.query = query.to_string();
        self
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// The request as a page handler sees it.
pub struct Ctx {
    pub state: Arc<AppState>,
    /// The analyst's token from the cookie (used when the console has none
    /// of its own).
    pub token: Option<AuthToken>,
    /// The CSRF token that forms carry and POSTs must echo.
    pub csrf: String,
    new_csrf: bool,
    /// Path and query of this request (where the token page returns to).
    pub here: String,
    started: Instant,
    grpc_nanos: AtomicU64,
}

impl FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let cookies = session::Cookies::parse(&parts.headers);
        let (csrf, new_csrf) = match cookies.csrf() {
            Some(token) => (token.to_string(), false),
            None => (new_csrf_token(), true),
        };
        Ok(Self {
            state: state.clone(),
            token: cookies.token(),
            csrf,
            new_csrf,
            here: parts
                .uri
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            started: Instant::now(),
            grpc_nanos: AtomicU64::new(0),
        })
    }
}

fn new_csrf_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Ctx {
    pub fn services(&self) -> &Services {
        &self.state.services
    }

    pub fn token(&self) -> Option<&AuthToken> {
        self.token.as_ref()
    }

    /// Awaits a call to a service, counting the wait as gRPC time.
    pub async fn call<F: Future>(&self, call: F) -> F::Output {
        let start = Instant::now();
        let out = call.await;
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.grpc_nanos.fetch_add(nanos, Ordering::Relaxed);
        out
    }

    /// A POST must carry the CSRF token of this browser's cookie: another
    /// site can make the browser send a form, but cannot read the token
    /// (and, with SameSite=Strict, the cookie is not sent from there at all).
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if self.new_csrf || sent.is_empty() || sent != self.csrf {
            return Err(WebError::Forbidden(
                "The form is out of date or did not come from this console. Reload the page and try again."
                    .into(),
            ));
        }
        Ok(())
    }

    /// The response: the page in its frame (or the error page), with the
    /// cookies and the timing header.
    pub fn finish(&self, result: Result<Page, WebError>) -> Response {
        let page = result.unwrap_or_else(|err| err.page(self));
        let frame = Frame {
            title: &page.title,
            section: page.section,
            query: &page.query,
        };
        let body = html::page(&frame, page.main).into_string();
        let mut response = (page.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if self.new_csrf {
            append_cookie(
                headers,
                &session::csrf_cookie(&self.csrf, self.state.secure_cookies),
            );
        }
        for cookie in &page.cookies {
            append_cookie(headers, cookie);
        }
        if let Ok(value) = HeaderValue::from_str(&self.server_timing()) {
            headers.insert("server-timing", value);
        }
        response
    }

    /// `render;dur=…, grpc;dur=…` in milliseconds: render is everything the
    /// console did itself (routing, building, rendering), grpc the time
    /// spent waiting on the services.
    fn server_timing(&self) -> String {
        let total = self.started.elapsed().as_secs_f64() * 1000.0;
        let grpc = self.grpc_nanos.load(Ordering::Relaxed) as f64 / 1e6;
        format!(
            "render;dur={:.3}, grpc;dur={:.3}",
            (total - grpc).max(0.0),
            grpc
        )
    }
}

fn append_cookie(headers: &mut HeaderMap, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        headers.append(header::SET_COOKIE, value);
    }
}
