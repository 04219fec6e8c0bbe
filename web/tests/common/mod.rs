//! A running stack for the console's tests: the three services on loopback
//! with the project's fixture articles plus one hostile article, and the
//! console on port 0 in front of them. Plus the smallest HTTP/1.1 client
//! the tests need (no client crate for a handful of GETs and POSTs).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use dossier_kit::Shutdown;
use dossier_kit::security::ClientSecurity;
use dossier_proto::v1::Document;
use dossier_tests::TestSystem;
use dossier_web::{Upstreams, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The title of the hostile article: markup, a script, entities.
pub const HOSTILE_TITLE: &str =
    "<script>alert('title')</script> Kolobev & \"friends\" &amp; <b>co</b>";

/// An article whose every field tries to inject markup or script.
pub fn hostile_article() -> Document {
    Document {
        title: HOSTILE_TITLE.into(),
        body: "Deputy Foreign Minister Alexey Kolobev spoke in Riga. \
               <script>document.title='owned'</script> \
               <a href=\"javascript:alert('link')\">read more</a> \
               Prices rose &amp; fell; 3 &lt; 4 and &#x3C;script&#x3E; stays text. \
               <img src=x onerror=alert('img')>"
            .into(),
        source: "Hostile <Gazette>".into(),
        url: "javascript:alert('url')".into(),
        author: "<i>Nobody</i>".into(),
        published_at: Some(prost_types::Timestamp {
            seconds: 1_772_614_800,
            nanos: 0,
        }),
        language: "en".into(),
        ..Default::default()
    }
}

pub struct Stack {
    pub system: TestSystem,
    pub web: SocketAddr,
    pub hostile_id: String,
    pub ids: Vec<String>,
    shutdown: Shutdown,
}

impl Stack {
    pub async fn start() -> Self {
        let system = TestSystem::start().await;
        let mut documents = dossier_tests::fixtures::articles();
        documents.push(hostile_article());
        let ids =
            dossier_tests::import_created(&mut system.documents().await, documents, "web").await;
        system.wait_indexed(Duration::from_secs(120)).await;
        let config = WebConfig {
            upstreams: Upstreams {
                storage_url: system.storage.url(),
                extraction_url: system.extraction_url(),
                search_url: system.search_url(),
                security: ClientSecurity::default(),
            },
            secure_cookies: false,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let web = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        tokio::spawn(dossier_web::serve(config, listener, shutdown.clone()));
        Self {
            system,
            web,
            hostile_id: ids.last().cloned().unwrap(),
            ids,
            shutdown,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.web)
    }

    pub async fn get(&self, path: &str) -> Response {
        request(self.web, "GET", path, &[], None).await
    }

    pub async fn stop(self) {
        self.shutdown.trigger();
        self.system.stop().await;
    }
}

/// A response, headers with lower-case names.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One request over a fresh connection.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> Response {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form.unwrap_or_default());
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .expect("the console answers within 30 s")
        .unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8(body).expect("UTF-8 page"),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

/// The value of the first `href="..."` after `marker` in `body`.
pub fn href_after<'a>(body: &'a str, marker: &str) -> Option<&'a str> {
    let from = body.find(marker)?;
    let rest = &body[from..];
    let start = rest.find("href=\"")? + 6;
    let end = rest[start..].find('"')?;
    Some(&rest[start..start + end])
}
