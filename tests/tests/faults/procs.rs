//! The real `dossier-storage`, `dossier-extraction` and `dossier-search`
//! binaries as child processes on 127.0.0.1 port 0, for the fault tests.
//!
//! `env!("CARGO_BIN_EXE_…")` only names binaries of the test's own package,
//! so the binaries are found beside this test's `deps/` folder, where cargo
//! puts every binary of one profile. `cargo nextest run --workspace` has just
//! built them; `-p dossier-tests` does not, so a binary that is missing or
//! older than any source it is built from is (re)built here with the cargo
//! that runs the tests — never run stale, never skipped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How long a binary may take to load (extraction loads its model) and bind
/// on a loaded 2-core machine.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Directories (relative to the workspace) every binary is built from,
/// beside its own crate's and the workspace's Cargo.lock.
const SHARED_SOURCES: [&str; 2] = ["proto", "services/kit"];

/// Sub-directories that never feed a service binary.
const NOT_SOURCES: [&str; 6] = ["target", "tests", "benches", "examples", "fuzz", ".git"];

/// A service binary running as a child process; killed on drop, so a
/// failing test leaves nothing behind.
pub struct Proc {
    pub name: &'static str,
    pub url: String,
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Proc {
    /// Starts `dossier-<name>` with `--listen 127.0.0.1:0 --data-dir
    /// <data_dir>` and `args`, and waits until it prints its address.
    pub async fn start(name: &'static str, data_dir: &Path, args: &[&str]) -> Self {
        let binary = binary(&format!("dossier-{name}"));
        let mut child = spawn(&binary, data_dir, args);
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = mpsc::channel();
        let lines = log.clone();
        let marker = format!("{name} listening on ");
        // Keeps draining stderr so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(addr) = line.strip_prefix(&marker) {
                    let _ = addr_tx.send(addr.trim().to_string());
                }
                eprintln!("[{name}] {line}");
                lines.lock().unwrap().push(line);
            }
        });
        let mut proc = Self {
            name,
            url: String::new(),
            child,
            log,
        };
        let started = Instant::now();
        loop {
            match addr_rx.try_recv() {
                Ok(addr) => {
                    proc.url = format!("http://{addr}");
                    return proc;
                }
                Err(TryRecvError::Disconnected) => {
                    let status = proc.child.wait().unwrap();
                    panic!(
                        "{name} exited with {status} before listening:\n{}",
                        proc.log()
                    );
                }
                Err(TryRecvError::Empty) => {}
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "{name} did not listen within {START_TIMEOUT:?}:\n{}",
                proc.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// What the process has written to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Sends SIGTERM (a graceful shutdown).
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {}", self.name);
    }

    /// SIGKILL: no shutdown, no flush, no commit.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The exit status, once the process has exited within `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if started.elapsed() > timeout {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn spawn(binary: &Path, data_dir: &Path, args: &[&str]) -> Child {
    std::fs::create_dir_all(data_dir).unwrap();
    let mut attempts = 0;
    loop {
        let spawned = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        match spawned {
            Ok(child) => return child,
            // Another test's cargo run may be re-linking the binary into
            // place this very instant; it reappears at once.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && attempts < 50 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => panic!("cannot start {}: {err}", binary.display()),
        }
    }
}

/// The path of service binary `name`, up to date with its sources.
pub fn binary(name: &str) -> PathBuf {
    // Checked (and built) once per test process, one binary at a time, so a
    // test needs only its own services to compile.
    static CHECKED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    let path = profile_dir().join(name);
    if !checked.iter().any(|c| c == name) {
        if let Some(why) = stale(&path) {
            eprintln!("building {name}: {why}");
            build(&profile_dir(), name);
            // Only existence is checked again: cargo has just said it is up
            // to date, and a source may change under a parallel edit since.
            assert!(
                path.is_file(),
                "cargo built {name}, yet {} is missing",
                path.display()
            );
        }
        checked.push(name.to_string());
    }
    path
}

/// The profile directory (`target/debug`): this test runs from its `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .expect("the test runs from <target>/<profile>/deps")
        .to_path_buf()
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Why the binary at `path` (`dossier-<service>`) cannot be used as it is:
/// missing, or older than a file of its crate, proto, kit or Cargo.lock.
fn stale(path: &Path) -> Option<String> {
    if !path.is_file() {
        return Some(format!("{} is missing", path.display()));
    }
    let workspace = workspace();
    let lock = workspace.join("Cargo.lock");
    let mut newest = (mtime(&lock), lock);
    let name = path.file_name()?.to_str()?;
    let crate_dir = name.replace("dossier-", "services/");
    for source in SHARED_SOURCES.iter().copied().chain([crate_dir.as_str()]) {
        newest_file(&workspace.join(source), &mut newest);
    }
    (mtime(path) < newest.0)
        .then(|| format!("{} is older than {}", path.display(), newest.1.display()))
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn newest_file(dir: &Path, newest: &mut (SystemTime, PathBuf)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.map_while(Result::ok) {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let name = entry.file_name();
            if !NOT_SOURCES.iter().any(|skip| name == *skip) {
                newest_file(&path, newest);
            }
        } else if path.extension().is_none_or(|ext| ext != "md") {
            let modified = mtime(&path);
            if modified > newest.0 {
                *newest = (modified, path);
            }
        }
    }
}

/// Builds binary `name` into `dir` with the cargo running this test.
/// dossier-tests joins the selection so dependencies resolve with the
/// features `cargo nextest run -p dossier-tests` already built them with.
fn build(dir: &Path, name: &str) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let profile = match dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--profile", &profile, "--target-dir"])
        .arg(dir.parent().unwrap())
        .args(["-p", "dossier-tests", "-p", name, "--bin", name])
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build of {name} failed");
}
