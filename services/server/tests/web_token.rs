//! With a token on the services, the monolith's console does not borrow it:
//! a page asks the analyst for the token (401), the token goes into an
//! HttpOnly cookie through a POST, and pages work with that cookie.

use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_kit::security::{self, AuthToken, ClientSecurity, Security};
use dossier_server::{ListenAddrs, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "web-console-test-token-0123456789";

async fn request(addr: std::net::SocketAddr, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n{body}");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

/// The value of `name=` in the response's Set-Cookie headers.
fn cookie(response: &str, name: &str) -> String {
    let prefix = format!("set-cookie: {name}=");
    response
        .lines()
        .find_map(|l| {
            let lower = l.to_ascii_lowercase();
            lower
                .starts_with(&prefix)
                .then(|| l[prefix.len()..].to_string())
        })
        .and_then(|v| v.split(';').next().map(str::to_string))
        .unwrap_or_else(|| panic!("no {name} cookie in {response}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_asks_for_the_token_and_keeps_it_in_a_cookie() {
    let token = AuthToken::parse(TOKEN).unwrap();
    security::install(Security {
        tls: None,
        auth_token: Some(token.clone()),
        upstream: ClientSecurity {
            auth_token: Some(token),
            ..Default::default()
        },
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let shutdown = Shutdown::new();
    let system = start(dir.path(), &ListenAddrs::ephemeral(), shutdown.clone())
        .await
        .unwrap();
    let web = system.web.unwrap();

    let asked = request(web, "GET /search?q=minister HTTP/1.1", "").await;
    assert!(asked.starts_with("HTTP/1.1 401"), "{asked}");
    assert!(
        asked.contains("type=\"password\" name=\"token\""),
        "{asked}"
    );
    assert!(asked.contains("name=\"next\" value=\"/search?q=minister\""));
    let csrf = cookie(&asked, "dossier_csrf");

    let form = format!("csrf={csrf}&token={TOKEN}&next=%2Fsearch%3Fq%3Dminister");
    let head = format!(
        "POST /login HTTP/1.1\r\nCookie: dossier_csrf={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}",
        form.len()
    );
    let stored = request(web, &head, &form).await;
    assert!(stored.starts_with("HTTP/1.1 303"), "{stored}");
    assert!(stored.contains("location: /search?q=minister"), "{stored}");
    assert!(
        !stored
            .lines()
            .any(|l| l.starts_with("location") && l.contains(TOKEN))
    );
    let token_cookie = cookie(&stored, "dossier_token");

    let head = format!(
        "GET /search?q=minister HTTP/1.1\r\nCookie: dossier_csrf={csrf}; dossier_token={token_cookie}"
    );
    let page = request(web, &head, "").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("0 articles"), "{page}");

    // A wrong token is refused by the services: the form comes back.
    let head = format!(
        "GET /status HTTP/1.1\r\nCookie: dossier_csrf={csrf}; dossier_token=wrong-token-wrong-token"
    );
    let status = request(web, &head, "").await;
    assert!(
        status.contains("DOWN") || status.contains("Unauthenticated") || status.contains("token"),
        "{status}"
    );
    shutdown.trigger();
    system.wait().await.unwrap();
}
