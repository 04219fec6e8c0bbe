//! The modern-news set (`testdata/news/`) and its tools, checked in CI:
//! `scripts/news_bench.py --check --self-test` validates every article's
//! format and size and the scorer on hand-made cases; the `annotate`
//! subcommand, which the script runs, is checked end to end here.
//!
//! Without `python3` the script's test prints `SKIPPED` and passes, unless
//! `DOSSIER_REQUIRE_TOOLS=1` (CI), where it fails.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn has_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn news_set_is_valid_and_the_scorer_passes_its_self_test() {
    if !has_python() {
        let message = "python3 not found: the news set and its scorer were not checked";
        assert!(
            std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{message}; DOSSIER_REQUIRE_TOOLS=1 forbids skipping"
        );
        eprintln!("SKIPPED: {message}");
        return;
    }
    let output = Command::new("python3")
        .arg("scripts/news_bench.py")
        .args(["--check", "--self-test"])
        .current_dir(crate_dir())
        .output()
        .expect("running python3 scripts/news_bench.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "news_bench.py --check --self-test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
    assert!(stdout.contains("is valid"), "{stdout}");
}

/// Runs `dossier-extraction annotate` with `input` on stdin.
fn annotate(input: &str, extra: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier-extraction"))
        .arg("annotate")
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting dossier-extraction annotate");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn annotate_returns_code_point_offsets_and_resolved_values() {
    let text = "Ciarán 👍 Report\n\nOn 2026-10-13 the ministry in Ankara said it paid $4.2 billion, \
                12% more than the year before.";
    let docs = [
        serde_json::json!({"id": "a", "text": text, "published_at": "2026-10-14T08:30:00Z"}),
        serde_json::json!({"id": "b", "text": "", "published_at": null}),
    ];
    let input: String = docs.iter().map(|d| format!("{d}\n")).collect();
    let out = annotate(&input, &["--passes", "2"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("tokens/s"), "{stderr}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[1]["mentions"].as_array().unwrap().len(), 0);
    let chars: Vec<char> = text.chars().collect();
    let mentions = lines[0]["mentions"].as_array().unwrap();
    for m in mentions {
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let sliced: String = chars[s..e].iter().collect();
        assert_eq!(m["text"], sliced.as_str(), "{m}");
    }
    let find = |t: &str| mentions.iter().find(|m| m["type"] == t);
    let money = find("MONEY").expect("a MONEY mention");
    assert_eq!(money["text"], "$4.2 billion");
    assert!(money["value"].is_string(), "{money}");
    assert!(find("PERCENT").is_some(), "{mentions:?}");
    let date = mentions
        .iter()
        .find(|m| m["text"] == "2026-10-13")
        .expect("the date is found");
    assert_eq!(date["type"], "DATE");
    assert!(
        date["value"].as_str().unwrap_or("").contains("2026-10-13"),
        "{date}"
    );
}

#[test]
fn annotate_names_the_bad_line() {
    let out = annotate(
        "{\"id\":\"a\",\"text\":\"Paris\",\"published_at\":null}\n{\"id\": 3}\n",
        &[],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
    let out = annotate(
        "{\"id\":\"a\",\"text\":\"Paris\",\"published_at\":\"14 Oct 2026\"}\n",
        &[],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 1") && stderr.contains("RFC 3339"),
        "{stderr}"
    );
}
