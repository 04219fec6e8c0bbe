//! Cleans every page of the article-extraction benchmark on one thread,
//! writes predictions in the benchmark's format (`{id: {"articleBody": text}}`)
//! and prints throughput (median of several passes).
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use dossier_article::{ContentType, Limits, clean};

#[derive(Parser)]
#[command(about = "Run the article cleaner over the article-extraction benchmark pages")]
struct Args {
    /// Folder of `<id>.html.gz` pages (the benchmark's `html/`).
    #[arg(long, default_value = ".")]
    pages: PathBuf,
    /// The benchmark's `ground-truth.json` (gives the page ids).
    #[arg(long, default_value = "ground-truth.json")]
    ground_truth: PathBuf,
    /// Where to write the predictions JSON.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Timed passes over all pages; the median is reported.
    #[arg(long, default_value_t = 5)]
    passes: usize,
    /// Only parse the HTML (html5ever), no extraction: the parser's ceiling.
    #[arg(long)]
    parse_only: bool,
    /// Print the extraction trace of one page (a `.html` or `.html.gz` file) and exit.
    #[arg(long)]
    explain: Option<PathBuf>,
    /// Also write title/author/date/url/language/source per page.
    #[arg(long)]
    with_metadata: bool,
}

fn main() -> anyhow_like::Result<()> {
    let args = Args::parse();
    if let Some(path) = &args.explain {
        let mut bytes = std::fs::read(path)?;
        if path.extension().is_some_and(|e| e == "gz") {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut plain)?;
            bytes = plain;
        }
        print!("{}", dossier_article::explain(&bytes));
        let a = clean(&bytes, ContentType::Html, &Limits::default())?;
        println!(
            "---\ntitle={:?} author={:?} date={:?} lang={:?} source={:?} url={:?} flags={:?}\n---\n{}",
            a.title,
            a.author,
            a.published_at_rfc3339(),
            a.language,
            a.source,
            a.url,
            a.flags,
            a.text
        );
        return Ok(());
    }
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&args.ground_truth)?)?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut pages = Vec::with_capacity(ids.len());
    for id in &ids {
        let path = args.pages.join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
        pages.push(bytes);
    }
    let total_bytes: usize = pages.iter().map(Vec::len).sum();
    let limits = Limits::default();
    let mut out = serde_json::Map::new();
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    for pass in 0..args.passes.max(1) {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        for (id, page) in ids.iter().zip(&pages) {
            if args.parse_only {
                std::hint::black_box(dossier_article::parse_only(page));
                continue;
            }
            let article = clean(page, ContentType::Html, &limits);
            if pass == 0 {
                let value = match article {
                    Ok(a) if args.with_metadata => serde_json::json!({
                        "articleBody": a.text, "title": a.title, "author": a.author,
                        "published_at": a.published_at_rfc3339(), "url": a.url,
                        "language": a.language, "source": a.source,
                        "flags": a.flags.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>(),
                    }),
                    Ok(a) => serde_json::json!({ "articleBody": a.text }),
                    Err(e) => serde_json::json!({ "articleBody": "", "error": e.to_string() }),
                };
                out.insert((*id).clone(), value);
            }
        }
        times.push(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, cpu_seconds()) {
            cpu_times.push(b - a);
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let mode = if args.parse_only {
        "parse only"
    } else {
        "clean"
    };
    println!(
        "{mode}: {} pages, {:.1} MB, median pass {:.3} s over {} passes: {:.1} pages/s, {:.1} MB/s (one thread)",
        pages.len(),
        total_bytes as f64 / 1e6,
        median,
        times.len(),
        pages.len() as f64 / median,
        total_bytes as f64 / 1e6 / median
    );
    // CPU time of this process: unlike wall time, barely moved by other
    // processes on a shared machine (10 ms resolution).
    if cpu_times.len() == times.len() {
        cpu_times.sort_by(f64::total_cmp);
        let cpu = cpu_times[cpu_times.len() / 2].max(0.01);
        println!(
            "{mode} (CPU time): median pass {cpu:.3} s: {:.1} pages/s, {:.1} MB/s",
            pages.len() as f64 / cpu,
            total_bytes as f64 / 1e6 / cpu
        );
    }
    if let Some(path) = args.out.filter(|_| !args.parse_only) {
        std::fs::write(&path, serde_json::to_vec_pretty(&out)?)?;
        println!("predictions written to {}", path.display());
    }
    Ok(())
}

/// User + system CPU seconds of this process so far, from /proc (Linux);
/// `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime is the
    // 12th and stime the 13th of them, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The binary's error type: any error, printed by `main`'s `Debug`.
mod anyhow_like {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;
}
