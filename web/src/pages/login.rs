//! The token page: when the services want a bearer token and the console
//! was not started with one, the analyst types it here. It is posted (never
//! put in a URL) and kept in an HttpOnly, SameSite=Strict cookie.

use axum::http::StatusCode;
use dossier_kit::security::AuthToken;
use maud::html;
use serde::Deserialize;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::pages::csrf_field;
use crate::session;

/// The form the token page posts.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub next: String,
    /// Set by the "forget" button.
    #[serde(default)]
    pub forget: String,
}

/// The form. `refused` says a call just failed for want of a token.
pub fn prompt(ctx: &Ctx, next: &str, refused: bool) -> Page {
    let fixed = ctx.services().has_fixed_token();
    let main = html! {
        h1 { "Access token" }
        @if fixed {
            p { "This console sends its own token (--token-file); there is nothing to enter." }
        } @else {
            @if refused {
                p.notice role="alert" { "The services need an access token for this page." }
            }
            p { "The token is kept in a cookie this browser sends only to this console; it never appears in a URL." }
            form method="post" action="/login" {
                (csrf_field(ctx))
                input type="hidden" name="next" value=(safe_next(next));
                label for="token" { "Token" }
                input #token type="password" name="token" autocomplete="current-password" required;
                button type="submit" { "Use this token" }
            }
            @if ctx.token.is_some() {
                form method="post" action="/login" {
                    (csrf_field(ctx))
                    input type="hidden" name="forget" value="1";
                    button type="submit" { "Forget the token" }
                }
            }
        }
    };
    Page::new("Access token", "/login", main)
}

/// Stores (or forgets) the token and goes back where the analyst was.
pub fn submit(ctx: &Ctx, form: &TokenForm) -> Result<(StatusCode, String, String), WebError> {
    ctx.check_csrf(&form.csrf)?;
    let secure = ctx.state.secure_cookies;
    if !form.forget.is_empty() {
        return Ok((
            StatusCode::SEE_OTHER,
            "/login".into(),
            session::clear_token_cookie(secure),
        ));
    }
    AuthToken::parse(&form.token).map_err(|err| WebError::BadRequest(format!("Token: {err}")))?;
    Ok((
        StatusCode::SEE_OTHER,
        safe_next(&form.next).to_string(),
        session::token_cookie(&form.token, secure),
    ))
}

/// Only a path of this console: never another site (`//host`, `https:`).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/search"
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/entities/e1?x=1"), "/entities/e1?x=1");
        assert_eq!(safe_next("//evil.invalid/"), "/search");
        assert_eq!(safe_next("javascript:alert(1)"), "/search");
        assert_eq!(safe_next("/\\evil.invalid"), "/search");
    }
}
