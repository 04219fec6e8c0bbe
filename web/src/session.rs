//! The console's two cookies. `dossier_csrf` holds the token forms echo;
//! `dossier_token` holds the analyst's bearer token when the console has
//! none of its own. Both are HttpOnly (no script reads them) and
//! SameSite=Strict (no other site's page sends them), and the token never
//! appears in a URL, so it stays out of logs, history and Referer headers.

use axum::http::{HeaderMap, header};
use dossier_kit::security::AuthToken;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

pub const CSRF_COOKIE: &str = "dossier_csrf";
pub const TOKEN_COOKIE: &str = "dossier_token";

/// The cookies of one request.
#[derive(Debug, Default)]
pub struct Cookies {
    csrf: Option<String>,
    token: Option<String>,
}

impl Cookies {
    pub fn parse(headers: &HeaderMap) -> Self {
        let mut cookies = Self::default();
        for value in headers.get_all(header::COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            for pair in text.split(';') {
                let Some((name, value)) = pair.trim().split_once('=') else {
                    continue;
                };
                match name {
                    CSRF_COOKIE => cookies.csrf = Some(value.to_string()),
                    TOKEN_COOKIE => cookies.token = Some(value.to_string()),
                    _ => {}
                }
            }
        }
        cookies
    }

    /// The CSRF token, when it has the shape the console gives it.
    pub fn csrf(&self) -> Option<&str> {
        self.csrf
            .as_deref()
            .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    pub fn token(&self) -> Option<AuthToken> {
        let text = percent_decode_str(self.token.as_deref()?)
            .decode_utf8()
            .ok()?;
        AuthToken::parse(&text).ok()
    }
}

fn attributes(secure: bool) -> &'static str {
    if secure {
        "; Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Strict"
    }
}

pub fn csrf_cookie(token: &str, secure: bool) -> String {
    format!("{CSRF_COOKIE}={token}{}", attributes(secure))
}

/// The token cookie; percent-encoded, as a token may hold `;` or `,`.
pub fn token_cookie(token: &str, secure: bool) -> String {
    let value = utf8_percent_encode(token.trim(), NON_ALPHANUMERIC);
    format!("{TOKEN_COOKIE}={value}{}", attributes(secure))
}

pub fn clear_token_cookie(secure: bool) -> String {
    format!("{TOKEN_COOKIE}={}; Max-Age=0", attributes(secure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_token_survives_its_cookie() {
        let cookie = token_cookie("abc;def,ghi=jklmnopqrstu", false);
        assert!(cookie.contains("HttpOnly; SameSite=Strict"));
        let value = cookie.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        let both = format!("{value}; {CSRF_COOKIE}={}", "a".repeat(32));
        headers.insert(header::COOKIE, HeaderValue::from_str(&both).unwrap());
        let cookies = Cookies::parse(&headers);
        assert_eq!(
            cookies.token().unwrap().bearer_header(),
            "Bearer abc;def,ghi=jklmnopqrstu"
        );
        assert_eq!(cookies.csrf(), Some("a".repeat(32).as_str()));
    }

    #[test]
    fn a_malformed_csrf_cookie_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("dossier_csrf=<x>"));
        assert_eq!(Cookies::parse(&headers).csrf(), None);
    }
}
