//! Each page's HTML against a running stack with the project's fixture
//! articles: statuses, security headers, links, facets, escaping of a
//! hostile article, gRPC errors as HTTP statuses, and curation behind CSRF
//! and a confirmation step.

mod common;

use common::{Stack, href_after, request};

/// The script tag the frame has; no other may appear in a page.
const OUR_SCRIPT: &str = "<script src=\"/static/console.js\" defer></script>";

fn assert_page(path: &str, response: &common::Response, status: u16) {
    assert_eq!(response.status, status, "{path}: {}", response.body);
    let csp = response
        .header("content-security-policy")
        .unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{path}: {csp}"
    );
    assert_eq!(
        response.header("x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert!(response.header("referrer-policy").is_some(), "{path}");
    assert!(
        response
            .header("server-timing")
            .unwrap_or_default()
            .starts_with("render;dur="),
        "{path}"
    );
    assert!(
        response
            .body
            .starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{path}"
    );
    assert_eq!(
        response.body.matches("<script").count(),
        1,
        "{path}: one script, ours"
    );
    assert!(response.body.contains(OUR_SCRIPT), "{path}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_renders_with_links_and_security_headers() {
    let stack = Stack::start().await;

    let search = stack.get("/search?q=Kolobev").await;
    assert_page("/search", &search, 200);
    for expected in [
        "Outlets",
        "<h2>PERSON</h2>",
        "<svg class=\"chart\"",
        "class=\"hit\"",
        "<mark>",
        "matched “Kolobev” as “",
    ] {
        assert!(
            search.body.contains(expected),
            "search page lacks {expected}"
        );
    }
    assert!(
        !search.body.contains("matched “Kolobev” as “Kolobev”"),
        "the query's own spelling is not listed as a variant"
    );
    // Facet links filter the same search; the histogram's bars link to a day.
    assert!(
        search.body.contains("href=\"/search?q=Kolobev&amp;source="),
        "outlet facet links"
    );
    assert!(
        search.body.contains("href=\"/search?q=Kolobev&amp;after="),
        "day bars link"
    );

    let document = href_after(&search.body, "class=\"hit\"")
        .unwrap()
        .to_string();
    let entity = href_after(&search.body, "<ul class=\"entities\"")
        .unwrap()
        .to_string();
    assert!(document.starts_with("/documents/") && entity.starts_with("/entities/"));

    let page = stack.get(&document).await;
    assert_page(&document, &page, 200);
    assert!(
        page.body.contains("class=\"m t-person\" href=\"/entities/"),
        "mentions link to entities"
    );
    assert!(
        page.body.contains("<span class=\"tl\">PERSON</span>"),
        "types in text, not colour only"
    );

    let page = stack.get(&entity).await;
    assert_page(&entity, &page, 200);
    for expected in [
        "Spellings",
        "Articles over time",
        "Named with it",
        "<svg class=\"graph\"",
        "Curation",
        "name=\"csrf\"",
    ] {
        assert!(page.body.contains(expected), "entity page lacks {expected}");
    }

    let stories = stack.get("/stories").await;
    assert_page("/stories", &stories, 200);
    let story = href_after(&stories.body, "<article class=\"story\"")
        .unwrap()
        .to_string();
    let page = stack.get(&story).await;
    assert_page(&story, &page, 200);
    assert!(
        page.body.contains("<ol class=\"timeline\">"),
        "story timeline"
    );

    for path in [
        "/quotes",
        "/entities",
        "/entities?type=PERSON",
        "/status",
        "/login",
        "/search",
    ] {
        let page = stack.get(path).await;
        assert_page(path, &page, 200);
    }
    let status = stack.get("/status").await;
    assert!(status.body.contains("All three services are serving."));
    assert!(status.body.contains("Stored sequence"));
    let quotes = stack.get("/quotes").await;
    assert!(
        quotes.body.contains("<blockquote>"),
        "the fixtures have quotes"
    );

    let css = stack.get("/static/console.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_article_renders_as_text() {
    let stack = Stack::start().await;
    let path = format!("/documents/{}", stack.hostile_id);
    let page = stack.get(&path).await;
    assert_page(&path, &page, 200);
    let body = &page.body;
    assert!(body.contains("<h1>&lt;script&gt;alert('title')&lt;/script&gt; Kolobev &amp; &quot;friends&quot; &amp;amp; &lt;b&gt;co&lt;/b&gt;</h1>"), "{body}");
    assert!(body.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"));
    assert!(
        body.contains("&amp;#x3C;script&amp;#x3E;"),
        "entities stay as written"
    );
    assert!(body.contains("&lt;img src=x onerror=alert('img')&gt;"));
    assert!(body.contains("Hostile &lt;Gazette&gt;") && body.contains("&lt;i&gt;Nobody&lt;/i&gt;"));
    for forbidden in [
        "<script>",
        "<img",
        "<b>co",
        "href=\"javascript:",
        "onerror=alert('img')>",
    ] {
        assert!(!body.contains(forbidden), "{forbidden} in {body}");
    }
    // The javascript: address is shown, not linked.
    assert!(body.contains("<dd>javascript:alert('url')</dd>"));

    let search = stack.get("/search?q=friends").await;
    assert_page("/search?q=friends", &search, 200);
    assert!(
        search
            .body
            .contains("&lt;script&gt;alert('title')&lt;/script&gt;")
    );
    assert!(!search.body.contains("<script>alert"));
    // The query itself comes back escaped, in the box and in the title.
    let hostile_query = "/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let echoed = stack.get(hostile_query).await;
    assert_page(hostile_query, &echoed, 200);
    assert!(!echoed.body.contains("<script>alert(1)"));
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_errors_become_http_statuses() {
    let stack = Stack::start().await;
    let cases = [
        ("/documents/00000000000000000000000000", 404),
        ("/documents/nope", 400),
        ("/entities/ent_0000099999", 404),
        ("/stories/st-999999", 404),
        ("/search?sort=sideways", 400),
        ("/search?after=2026-02-30", 400),
        ("/entities?type=WIZARD", 400),
        ("/no/such/page", 404),
    ];
    for (path, status) in cases {
        let page = stack.get(path).await;
        assert_page(path, &page, status);
    }
    let refused = stack.get("/documents/nope").await;
    assert!(
        refused.body.contains("26-character"),
        "the service's message is shown: {}",
        refused.body
    );

    // A console whose services are down: 503 with a page that says so.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = listener.local_addr().unwrap();
    drop(listener);
    let config = dossier_web::WebConfig {
        upstreams: dossier_web::Upstreams {
            storage_url: format!("http://{dead}"),
            extraction_url: format!("http://{dead}"),
            search_url: format!("http://{dead}"),
            security: Default::default(),
        },
        secure_cookies: false,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web = listener.local_addr().unwrap();
    tokio::spawn(dossier_web::serve(
        config,
        listener,
        dossier_kit::Shutdown::new(),
    ));
    for path in ["/search?q=x", "/status"] {
        let page = request(web, "GET", path, &[], None).await;
        assert_page(path, &page, 503);
    }
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curation_needs_the_csrf_token_and_a_confirmation() {
    let stack = Stack::start().await;
    let entities = stack.get("/entities?type=PERSON").await;
    let first = href_after(&entities.body, "<tbody>").unwrap().to_string();
    let rest = &entities.body[entities.body.find(&first).unwrap() + first.len()..];
    let second = href_after(rest, "<tr>").unwrap().to_string();
    let other_id = second.trim_start_matches("/entities/").to_string();

    // The page sets the CSRF cookie and puts the same token in its forms.
    let page = stack.get(&first).await;
    let cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("dossier_csrf="))
        .expect("a CSRF cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let token = cookie
        .trim_start_matches("dossier_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(
        page.body
            .contains(&format!("name=\"csrf\" value=\"{token}\""))
    );
    let cookie_header = format!("dossier_csrf={token}");
    let action = format!("{first}/curate");

    // Without the token (a form from another site): refused.
    let forged = format!("action=distinct&others={other_id}&confirm=1");
    let refused = request(
        stack.web,
        "POST",
        &action,
        &[("Cookie", &cookie_header)],
        Some(&forged),
    )
    .await;
    assert_page(&action, &refused, 403);

    // With it: first a confirmation that names both entities, and no change.
    let form = format!("csrf={token}&action=distinct&others={other_id}");
    let confirm = request(
        stack.web,
        "POST",
        &action,
        &[("Cookie", &cookie_header)],
        Some(&form),
    )
    .await;
    assert_page(&action, &confirm, 200);
    assert!(
        confirm.body.contains("Confirm distinct"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains(&other_id));
    let before = stack.get(&first).await;
    assert!(!before.body.contains("Distinct from"));

    // Confirmed: done, with the curation id and an undo form.
    let form =
        format!("csrf={token}&action=distinct&others={other_id}&request_id=web-test-1&confirm=1");
    let done = request(
        stack.web,
        "POST",
        &action,
        &[("Cookie", &cookie_header)],
        Some(&form),
    )
    .await;
    assert_page(&action, &done, 200);
    assert!(done.body.contains("Done: distinct"), "{}", done.body);
    let after = stack.get(&first).await;
    assert!(
        after.body.contains("Distinct from"),
        "the entity page shows the judgement"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_goes_into_an_http_only_cookie_never_a_url() {
    let stack = Stack::start().await;
    let page = stack.get("/login").await;
    assert_page("/login", &page, 200);
    assert!(page.body.contains("type=\"password\" name=\"token\""));
    let cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("dossier_csrf="))
        .unwrap()
        .to_string();
    let token = cookie
        .trim_start_matches("dossier_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let form = format!("csrf={token}&token=s3cret-token-value-123&next=%2Fstatus");
    let response = request(
        stack.web,
        "POST",
        "/login",
        &[("Cookie", &format!("dossier_csrf={token}"))],
        Some(&form),
    )
    .await;
    assert_eq!(response.status, 303);
    assert_eq!(response.header("location"), Some("/status"));
    let set = response
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("dossier_token="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    // An open redirect is refused: `next` stays on this console.
    let form = format!("csrf={token}&token=s3cret-token-value-123&next=%2F%2Fevil.invalid%2F");
    let response = request(
        stack.web,
        "POST",
        "/login",
        &[("Cookie", &format!("dossier_csrf={token}"))],
        Some(&form),
    )
    .await;
    assert_eq!(response.header("location"), Some("/search"));
    stack.stop().await;
}
