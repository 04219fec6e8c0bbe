//! A real browser: headless Chromium (Debian's `chromium`) loads each page
//! of the console against a running stack with the fixture articles, the
//! test checks the DOM after scripts ran, saves a screenshot of each page
//! (desktop, and the search page at phone width) into
//! `target/web-screenshots/`, and fails on any console message — a
//! Content-Security-Policy violation, a script error, a resource that did
//! not load.
//!
//! Skipped when chromium is missing, unless DOSSIER_REQUIRE_TOOLS=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Stack, href_after};
use dossier_tests::tools;

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("web-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// How long one chromium run may take before the test gives up on it.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs chromium headless on `url` with `extra` arguments; returns stdout
/// and the console messages it logged. Output goes to files (a DOM is larger
/// than a pipe's buffer), and a run that hangs is killed.
fn chromium(browser: &Path, profile: &Path, url: &str, extra: &[String]) -> (String, Vec<String>) {
    let out_dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (out_dir.path().join("out"), out_dir.path().join("err"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            // The tests run as root, where Chromium's sandbox cannot start.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + CHROMIUM_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within {CHROMIUM_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let console: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    assert!(status.success(), "chromium failed on {url}: {stderr}");
    (
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        console,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_loads_in_chromium_without_console_errors() {
    let Some(browser) = tools::require("chromium", "apt-get install chromium") else {
        return;
    };
    let stack = Stack::start().await;
    let search = stack.get("/search?q=Kolobev").await;
    let gdynia = stack.get("/search?q=Gdynia").await;
    let document = href_after(&gdynia.body, "class=\"hit\"")
        .unwrap()
        .to_string();
    let entity = href_after(&search.body, "<ul class=\"entities\"")
        .unwrap()
        .to_string();
    let stories = stack.get("/stories").await;
    let story = href_after(&stories.body, "<article class=\"story\"")
        .unwrap()
        .to_string();
    let hostile = format!("/documents/{}", stack.hostile_id);

    // (name, path, text the DOM must contain)
    let pages: Vec<(&str, String, &str)> = vec![
        ("search", "/search?q=Kolobev".into(), "class=\"hit\""),
        ("document", document, "class=\"m t-person\""),
        ("hostile-document", hostile, "&lt;script&gt;alert('title')"),
        ("entity", entity, "<svg class=\"graph\""),
        ("stories", "/stories".into(), "<article class=\"story\""),
        ("story", story, "<ol class=\"timeline\">"),
        ("quotes", "/quotes".into(), "<blockquote>"),
        ("entities", "/entities".into(), "<tbody>"),
        (
            "status",
            "/status".into(),
            "All three services are serving.",
        ),
    ];
    let shots = screenshot_dir();
    let profile = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for (name, path, expected) in &pages {
        let url = stack.url(path);
        let (dom, console) = tokio::task::spawn_blocking({
            let url = url.clone();
            let browser = browser.clone();
            let profile_dir = profile.path().to_path_buf();
            move || chromium(&browser, &profile_dir, &url, &["--dump-dom".into()])
        })
        .await
        .unwrap();
        if !console.is_empty() {
            problems.push(format!(
                "{name} ({path}) logged to the console: {console:?}"
            ));
        }
        // The script ran under the CSP (it marks the root element).
        if !dom.contains("data-console=\"ready\"") {
            problems.push(format!("{name}: the console script did not run"));
        }
        if !dom.contains(expected) {
            problems.push(format!("{name}: the DOM lacks {expected}"));
        }
        if dom.contains("<script>alert") || dom.contains("owned</title>") {
            problems.push(format!("{name}: injected markup became live"));
        }
        let shot = shots.join(format!("{name}.png"));
        let (_, console) = tokio::task::spawn_blocking({
            let browser = browser.clone();
            let profile_dir = profile.path().to_path_buf();
            let args = vec![
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,1600".into(),
            ];
            move || chromium(&browser, &profile_dir, &url, &args)
        })
        .await
        .unwrap();
        if !console.is_empty() {
            problems.push(format!("{name} screenshot logged: {console:?}"));
        }
        assert!(shot.exists(), "no screenshot for {name}");
    }
    // The search page at phone width.
    let phone = shots.join("search-phone.png");
    let url = stack.url("/search?q=Kolobev");
    let (_, console) = tokio::task::spawn_blocking({
        let browser = browser.clone();
        let profile_dir = profile.path().to_path_buf();
        let args = vec![
            format!("--screenshot={}", phone.display()),
            "--window-size=390,1600".into(),
        ];
        move || chromium(&browser, &profile_dir, &url, &args)
    })
    .await
    .unwrap();
    if !console.is_empty() {
        problems.push(format!("phone search logged: {console:?}"));
    }
    assert!(phone.exists());
    stack.stop().await;
    assert!(problems.is_empty(), "{problems:#?}");
}
