//! The three real service binaries as child processes on 127.0.0.1 port 0.
//!
//! Separate processes (rather than the in-process `serve` the tests use) so
//! each service's peak memory (VmHWM) and CPU time can be read from /proc,
//! and so the figures are those of the binaries users run. Each child's
//! stderr goes to a log file in the run's temporary directory; the address is
//! read from the `<service> listening on <addr>` line every binary prints
//! once bound.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::machine::{kib_field, proc_status};
use crate::memory::MemorySampler;

/// How long a binary may take to load (extraction loads its model) and bind.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a graceful SIGTERM shutdown may take before SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// One running service binary.
pub struct ServiceProcess {
    pub name: &'static str,
    pub url: String,
    child: Child,
    log: PathBuf,
}

impl ServiceProcess {
    /// Starts `bin_dir/dossier-<name>` on 127.0.0.1:0 with its data in
    /// `work_dir/<name>`, and waits until it says where it listens.
    pub async fn start(
        bin_dir: &Path,
        work_dir: &Path,
        name: &'static str,
        extra_args: &[String],
    ) -> anyhow::Result<Self> {
        Self::start_instance(bin_dir, work_dir, name, name, extra_args).await
    }

    /// [`ServiceProcess::start`] with the data in `work_dir/<instance>` and
    /// the log in `<instance>.log`, for a second process of one service.
    pub async fn start_instance(
        bin_dir: &Path,
        work_dir: &Path,
        name: &'static str,
        instance: &str,
        extra_args: &[String],
    ) -> anyhow::Result<Self> {
        let binary = bin_dir.join(format!("dossier-{name}"));
        if !binary.is_file() {
            bail!(
                "{} not found; build the services in the same profile as this bench: \
                 cargo build --release -p dossier-tests --bins -p dossier-storage \
                 -p dossier-extraction -p dossier-search",
                binary.display()
            );
        }
        let data_dir = work_dir.join(instance);
        std::fs::create_dir_all(&data_dir)?;
        let log = work_dir.join(format!("{instance}.log"));
        let child = Command::new(&binary)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(&data_dir)
            .args(extra_args)
            .env("RUST_LOG", service_log_filter())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log)?)
            .spawn()
            .with_context(|| format!("start {}", binary.display()))?;
        let mut process = Self {
            name,
            url: String::new(),
            child,
            log,
        };
        process.url = process.wait_listening().await?;
        Ok(process)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls the log for the "listening on" line; fails with the log's tail
    /// if the process exits or takes too long.
    async fn wait_listening(&mut self) -> anyhow::Result<String> {
        let marker = format!("{} listening on ", self.name);
        let started = Instant::now();
        loop {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(addr) = log
                .lines()
                .find_map(|l| l.strip_prefix(marker.as_str()))
                .map(str::trim)
            {
                let addr: std::net::SocketAddr = addr
                    .parse()
                    .with_context(|| format!("{} printed a bad address {addr:?}", self.name))?;
                return Ok(dossier_kit::listen::client_url(addr));
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited with {status} before listening:\n{log}",
                    self.name
                );
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "{} did not listen within {START_TIMEOUT:?}:\n{log}",
                    self.name
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        kib_field(&proc_status(self.pid())?, "VmHWM:")
    }

    /// CPU time (user + system) the process has used so far.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        // The command name (field 2) may hold spaces; fields after it are
        // plain. utime and stime are fields 14 and 15 (1-based).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64))
    }

    /// Graceful stop: SIGTERM (the binaries drain and exit 0), SIGKILL after
    /// a timeout. Returns whether it exited cleanly.
    pub async fn stop(mut self) -> anyhow::Result<bool> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < STOP_TIMEOUT {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status.success());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(false)
    }
}

impl Drop for ServiceProcess {
    /// A bench that fails half-way must not leave servers behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The services' log filter: `warn`, or `DOSSIER_BENCH_SERVICE_LOG` when
/// set (e.g. `dossier_search=debug` to see what search does in a run; the
/// logs are in the work directory, kept with `--keep`).
fn service_log_filter() -> String {
    std::env::var("DOSSIER_BENCH_SERVICE_LOG").unwrap_or_else(|_| "warn".into())
}

/// Clock ticks per second for /proc CPU times (`getconf CLK_TCK`, almost
/// always 100), asked once.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// Storage, extraction and search as three processes wired together, with
/// their data in one directory: temporary (removed on drop) unless the caller
/// names one to keep.
///
/// Search is started separately ([`Cluster::start_search`]) so a benchmark
/// can import into storage alone and then time the index catching up.
pub struct Cluster {
    pub storage: ServiceProcess,
    pub extraction: ServiceProcess,
    /// Extraction replicas beyond the first ([`Extraction::replicas`]).
    pub more_extraction: Vec<ServiceProcess>,
    pub search: Option<ServiceProcess>,
    bin_dir: PathBuf,
    work_dir: WorkDir,
    /// Every service's memory, sampled each second from its start.
    memory: MemorySampler,
}

/// Where a cluster keeps its data.
enum WorkDir {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl WorkDir {
    fn path(&self) -> &Path {
        match self {
            WorkDir::Temporary(dir) => dir.path(),
            WorkDir::Kept(dir) => dir,
        }
    }
}

/// How a cluster runs extraction.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// Processes (0 and 1 both mean one); search balances its batches over
    /// them.
    pub replicas: usize,
    /// The PostgreSQL registry they share (`--registry-url`); needed for
    /// more than one, else each would assign its own entity ids.
    pub registry_url: Option<String>,
}

impl Cluster {
    /// Starts storage and extraction from the binaries in `bin_dir` (by
    /// default beside the current executable, where cargo puts every binary
    /// of one profile).
    ///
    /// With `keep`, the services' data lives in that directory and stays
    /// after the run (a later run can reuse it); else in a temporary one.
    pub async fn start_upstreams(
        bin_dir: Option<PathBuf>,
        keep: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        Self::start_upstreams_with(bin_dir, keep, &Extraction::default()).await
    }

    /// [`Cluster::start_upstreams`] with extraction set up as `extraction` says.
    pub async fn start_upstreams_with(
        bin_dir: Option<PathBuf>,
        keep: Option<PathBuf>,
        extraction: &Extraction,
    ) -> anyhow::Result<Self> {
        if extraction.replicas > 1 && extraction.registry_url.is_none() {
            bail!(
                "{} extraction replicas need a shared registry: give --registry-url \
                 postgres://…",
                extraction.replicas
            );
        }
        let bin_dir = match bin_dir {
            Some(dir) => dir,
            None => binaries_beside_me()?,
        };
        let work_dir = match keep {
            Some(dir) => {
                std::fs::create_dir_all(&dir)?;
                WorkDir::Kept(dir)
            }
            None => WorkDir::Temporary(
                tempfile::Builder::new()
                    .prefix("dossier-bench-")
                    .tempdir()?,
            ),
        };
        let storage = ServiceProcess::start(&bin_dir, work_dir.path(), "storage", &[]).await?;
        let registry: Vec<String> = match &extraction.registry_url {
            Some(url) => vec!["--registry-url".into(), url.clone()],
            None => Vec::new(),
        };
        let first =
            ServiceProcess::start(&bin_dir, work_dir.path(), "extraction", &registry).await?;
        let mut more_extraction = Vec::new();
        for replica in 2..=extraction.replicas {
            more_extraction.push(
                ServiceProcess::start_instance(
                    &bin_dir,
                    work_dir.path(),
                    "extraction",
                    &format!("extraction-{replica}"),
                    &registry,
                )
                .await?,
            );
        }
        let memory = MemorySampler::start();
        for service in std::iter::once(&storage)
            .chain([&first])
            .chain(&more_extraction)
        {
            memory.watch(service.name, service.pid());
        }
        Ok(Self {
            storage,
            extraction: first,
            more_extraction,
            search: None,
            bin_dir,
            work_dir,
            memory,
        })
    }

    /// All three services.
    pub async fn start(bin_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let mut cluster = Self::start_upstreams(bin_dir, None).await?;
        cluster.start_search().await?;
        Ok(cluster)
    }

    /// Starts search following this cluster's storage and extraction;
    /// returns its URL.
    pub async fn start_search(&mut self) -> anyhow::Result<String> {
        let search = ServiceProcess::start(
            &self.bin_dir,
            self.work_dir.path(),
            "search",
            &[
                "--storage".into(),
                self.storage.url.clone(),
                "--extraction".into(),
                self.extraction_urls(),
            ],
        )
        .await?;
        let url = search.url.clone();
        self.memory.watch(search.name, search.pid());
        self.search = Some(search);
        Ok(url)
    }

    /// Every extraction replica's URL, comma-separated (search's
    /// `--extraction`).
    fn extraction_urls(&self) -> String {
        std::iter::once(&self.extraction)
            .chain(&self.more_extraction)
            .map(|e| e.url.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Stops search gracefully (its data stays for the next start).
    pub async fn stop_search(&mut self) -> anyhow::Result<()> {
        if let Some(search) = self.search.take()
            && !search.stop().await?
        {
            eprintln!("warning: search did not exit cleanly");
        }
        Ok(())
    }

    /// The directory holding each service's data and log.
    pub fn work_dir(&self) -> &Path {
        self.work_dir.path()
    }

    /// Each service's peak RSS so far, for a report row:
    /// "storage 1143 MiB, extraction 830 MiB, search 920 MiB".
    pub fn peak_rss_summary(&self) -> String {
        self.services()
            .iter()
            .map(|s| {
                let rss = s
                    .peak_rss_kib()
                    .map_or_else(|| "?".to_string(), crate::stats::mib);
                format!("{} {rss}", s.name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Each service's largest anonymous and largest mapped-file samples so
    /// far, for a report row: "storage 1720 MiB + 6 MiB, …, search 1444 MiB
    /// + 2711 MiB" (see [`MemorySampler`]).
    pub fn memory_summary(&self) -> String {
        self.memory.summary()
    }

    /// The running services, storage first.
    pub fn services(&self) -> Vec<&ServiceProcess> {
        [Some(&self.storage), Some(&self.extraction)]
            .into_iter()
            .chain(self.more_extraction.iter().map(Some))
            .chain([self.search.as_ref()])
            .flatten()
            .collect()
    }

    /// Stops search first (it follows the other two), then extraction and storage.
    pub async fn stop(self) -> anyhow::Result<()> {
        let Self {
            storage,
            extraction,
            more_extraction,
            search,
            work_dir,
            ..
        } = self;
        let services = search
            .into_iter()
            .chain(more_extraction)
            .chain([extraction, storage]);
        for service in services {
            let name = service.name;
            if !service.stop().await? {
                eprintln!("warning: {name} did not exit cleanly");
            }
        }
        drop(work_dir);
        Ok(())
    }
}

/// The directory of the running executable.
pub fn binaries_beside_me() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    exe.parent()
        .map(Path::to_path_buf)
        .context("the executable has no parent directory")
}
