//! `ingest`: streams articles through ImportDocuments.
//!
//! Files are read on a blocking thread into a bounded channel; requests and
//! responses flow over one bidirectional stream, so gRPC flow control paces
//! the reader and memory stays constant however large the input.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::{ImportDocumentsRequest, ImportOutcome};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::cli::IngestArgs;
use crate::exit;
use crate::input::{self, Defaults, InputError};
use crate::output::{self, Format, outln};

/// Requests read ahead of the server's acknowledgements.
const READ_AHEAD: usize = 512;

/// Unsupported files the text summary names; JSON names them all.
const NAMED_IN_TEXT: usize = 10;

#[derive(Debug, Default, Serialize)]
struct Summary {
    created: u64,
    already_imported: u64,
    duplicate: u64,
    rejected: u64,
    unreadable: u64,
    /// Files in a folder or glob in no supported format, skipped.
    unsupported: u64,
    /// Documents stored (created) whose body held no article text: kept,
    /// flagged (`text_empty`), and named here so they can be checked.
    empty_text: u64,
    empty_text_origins: Vec<String>,
    seconds: f64,
    problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
struct Problem {
    origin: String,
    reason: String,
}

pub async fn run(
    mut client: DocumentServiceClient<ClientChannel>,
    args: IngestArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let input::Expanded { files, unsupported } = input::expand(&args.paths)?;
    let countable = files.iter().all(|f| {
        f.as_ref()
            .and_then(|p| p.extension())
            .is_some_and(|e| ["md", "txt", "json", "html", "htm"].iter().any(|x| e == *x))
    });
    let progress = progress_bar(
        if countable {
            Some(files.len() as u64)
        } else {
            None
        },
        format,
        args.no_progress,
    );
    let defaults = Defaults {
        source: args.source,
        language: args.language,
        labels: args.labels,
    };

    let (item_tx, mut item_rx) = mpsc::channel::<Result<input::Article, InputError>>(READ_AHEAD);
    let reader = tokio::task::spawn_blocking(move || -> Result<(), InputError> {
        for file in &files {
            input::read_input(file.as_deref(), &defaults, &mut |item| {
                item_tx.blocking_send(item).is_ok()
            })?;
        }
        Ok(())
    });

    let summary = Arc::new(Mutex::new(Summary::default()));
    let origins = Arc::new(Mutex::new(VecDeque::new()));
    let (request_tx, request_rx) = mpsc::channel::<ImportDocumentsRequest>(READ_AHEAD);
    let feeder = {
        let summary = summary.clone();
        let origins = origins.clone();
        let progress = progress.clone();
        tokio::spawn(async move {
            while let Some(item) = item_rx.recv().await {
                match item {
                    Ok(article) => {
                        origins.lock().unwrap().push_back(article.origin);
                        let request = ImportDocumentsRequest {
                            document: Some(article.document),
                            request_id: article.request_id,
                        };
                        if request_tx.send(request).await.is_err() {
                            break;
                        }
                    }
                    Err(err) => {
                        progress.suspend(|| eprintln!("unreadable: {err}"));
                        let mut summary = summary.lock().unwrap();
                        summary.unreadable += 1;
                        summary.problems.push(Problem {
                            origin: String::new(),
                            reason: err.to_string(),
                        });
                    }
                }
            }
        })
    };

    let started = Instant::now();
    let mut responses = client
        .import_documents(ReceiverStream::new(request_rx))
        .await?
        .into_inner();
    while let Some(response) = responses.message().await? {
        let origin = origins.lock().unwrap().pop_front().unwrap_or_default();
        if format == Format::JsonLines {
            let mut line = output::to_json(&response);
            line["origin"] = origin.clone().into();
            outln!("{line}")?;
        }
        let mut summary = summary.lock().unwrap();
        match ImportOutcome::try_from(response.outcome) {
            Ok(ImportOutcome::Created) if response.replayed => summary.already_imported += 1,
            Ok(ImportOutcome::Created) => {
                summary.created += 1;
                if response.text_empty {
                    summary.empty_text += 1;
                    summary.empty_text_origins.push(origin);
                }
            }
            Ok(ImportOutcome::Duplicate) => summary.duplicate += 1,
            _ => {
                summary.rejected += 1;
                if format == Format::Text {
                    progress.suspend(|| eprintln!("rejected {origin}: {}", response.reason));
                }
                summary.problems.push(Problem {
                    origin,
                    reason: response.reason,
                });
            }
        }
        progress.inc(1);
    }
    feeder.await?;
    reader.await??;
    progress.finish_and_clear();

    let mut summary = Arc::try_unwrap(summary)
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_default();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.unsupported = unsupported.len() as u64;
    summary
        .problems
        .extend(unsupported.iter().map(|path| Problem {
            origin: path.display().to_string(),
            reason: unsupported_reason(path).to_string(),
        }));
    print_summary(&summary, &unsupported, format)?;
    Ok(if summary.rejected + summary.unreadable > 0 {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

fn print_summary(summary: &Summary, unsupported: &[PathBuf], format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(summary)?)?,
        Format::JsonLines => {}
        Format::Text => {
            let total =
                summary.created + summary.already_imported + summary.duplicate + summary.rejected;
            let rate = total as f64 / summary.seconds.max(1e-3);
            outln!(
                "{} created, {} already imported, {} duplicate, {} rejected, {} unreadable, {} unsupported in {:.1}s ({rate:.0} docs/s)",
                summary.created,
                summary.already_imported,
                summary.duplicate,
                summary.rejected,
                summary.unreadable,
                summary.unsupported,
                summary.seconds
            )?;
            if summary.empty_text > 0 {
                outln!(
                    "{} stored with no article text found (text_empty):",
                    summary.empty_text
                )?;
                for origin in summary.empty_text_origins.iter().take(NAMED_IN_TEXT) {
                    outln!("  {origin}")?;
                }
                let more = summary
                    .empty_text_origins
                    .len()
                    .saturating_sub(NAMED_IN_TEXT);
                if more > 0 {
                    outln!("  … and {more} more (--json names them all)")?;
                }
            }
            print_unsupported(unsupported)?;
        }
    }
    Ok(())
}

/// Names the skipped files (the first [`NAMED_IN_TEXT`] of them).
fn print_unsupported(unsupported: &[PathBuf]) -> output::Printed {
    for path in unsupported.iter().take(NAMED_IN_TEXT) {
        outln!("  {}: {}", path.display(), unsupported_reason(path))?;
    }
    let more = unsupported.len().saturating_sub(NAMED_IN_TEXT);
    if more > 0 {
        outln!("  … and {more} more unsupported files (--json names them all)")?;
    }
    Ok(())
}

fn unsupported_reason(_path: &Path) -> &'static str {
    "skipped: not .json, .jsonl, .ndjson, .md, .txt, .html or .htm"
}

fn progress_bar(total: Option<u64>, format: Format, disabled: bool) -> ProgressBar {
    let target = if disabled || format.is_json() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = match total {
        Some(total) => ProgressBar::with_draw_target(Some(total), target).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} docs  {per_sec}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{spinner} {pos} docs  {per_sec}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
