//! Outside programs the end-to-end tests drive (grpcurl, python3 with grpcio,
//! docker). Where one is missing a test says so and skips — unless
//! `DOSSIER_REQUIRE_TOOLS=1` (set by `.ci/run`), where it fails instead, so
//! CI can never pass such a test silently.

use std::path::PathBuf;
use std::process::Command;

/// The path of `program` on PATH (or in the Python user/script dirs pip
/// installs into), or `None` after printing why the caller skips.
pub fn require(program: &str, install_hint: &str) -> Option<PathBuf> {
    if let Some(path) = find(program) {
        return Some(path);
    }
    let message = format!("{program} not found ({install_hint})");
    if std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{message}; DOSSIER_REQUIRE_TOOLS=1 forbids skipping");
    }
    eprintln!("SKIPPED: {message}");
    None
}

fn find(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    // pip installs console scripts beside the interpreter it runs under.
    if let Ok(output) = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
    {
        let scripts = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if !scripts.is_empty() {
            dirs.push(PathBuf::from(scripts));
        }
    }
    dirs.into_iter()
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
