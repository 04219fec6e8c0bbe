//! Every `dossier` command that prints, with its stdout a pipe whose reader
//! has already gone (`dossier ls | head` once head has its lines): the
//! command ends quietly with status 0, without the panic and backtrace that
//! `println!` gives ("failed printing to stdout: Broken pipe").
//!
//! The reader is closed before the command starts, so its very first write
//! fails: a deterministic stand-in for `| head`, which closes after some
//! lines (a reader that closes later would race the pipe's buffer).

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_tests::TestSystem;

/// A command that has not ended in this time is reported as hanging.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long indexing the fixtures may take.
const INDEX_TIMEOUT: Duration = Duration::from_secs(120);

/// The addresses of the three services, as global flags.
fn service_flags(system: &TestSystem) -> Vec<String> {
    vec![
        "--storage".into(),
        system.storage.url(),
        "--extraction".into(),
        system.extraction_url(),
        "--search".into(),
        system.search_url(),
    ]
}

/// Runs `dossier` with `args`, its stdout a pipe nobody reads.
fn into_closed_pipe(flags: &[String], args: &[String]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(flags)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier runs");
    let started = Instant::now();
    while child
        .try_wait()
        .expect("dossier can be waited for")
        .is_none()
    {
        if started.elapsed() > COMMAND_TIMEOUT {
            child.kill().ok();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
        .wait_with_output()
        .expect("dossier's stderr is readable")
}

/// The first line `dossier` prints with `args` to a reader that reads, so
/// the closed-pipe run of the same command is known to have had something
/// to write.
fn first_line(flags: &[String], args: &[String]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(flags)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dossier runs");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    BufReader::new(stdout).read_line(&mut line).ok();
    // `watch` never ends on its own.
    child.kill().ok();
    child.wait().ok();
    line
}

/// Imports the fixture articles, waits until they are indexed, and returns
/// one document id and one entity id.
async fn seed(system: &TestSystem) -> (String, String) {
    let ids = dossier_tests::import_created(
        &mut system.documents().await,
        dossier_tests::fixtures::articles(),
        "pipes",
    )
    .await;
    let document_id = ids.last().expect("fixture articles").clone();
    system.wait_indexed(INDEX_TIMEOUT).await;
    let entities = system
        .extraction_client()
        .await
        .list_entities(pb::ListEntitiesRequest::default())
        .await
        .unwrap()
        .into_inner()
        .entities;
    let entity = entities.first().expect("the fixtures name entities");
    (document_id, entity.id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_printing_command_ends_quietly_when_its_reader_has_gone() {
    let system = TestSystem::start().await;
    let (document_id, entity_id) = seed(&system).await;
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("note.txt");
    std::fs::write(
        &text,
        "Harbour strike\nAnna Kowalczyk spoke for the dockers in Gdynia on Monday.\n",
    )
    .unwrap();
    let text = text.display().to_string();
    let storage = system.storage.url();

    let commands: Vec<Vec<&str>> = vec![
        vec!["ls"],
        vec!["ls", "--all", "--jsonl"],
        vec!["ls", "--json"],
        vec!["get", &document_id],
        vec!["get", &document_id, "--json"],
        vec!["search", "Gdynia"],
        vec!["search", "Gdynia", "--jsonl"],
        vec!["search", "Gdynia", "--json", "--facet", "source"],
        vec!["watch"],
        vec!["watch", "--jsonl"],
        vec!["changes"],
        vec!["changes", "--jsonl"],
        vec!["entities", "list"],
        vec!["entities", "list", "--jsonl"],
        vec!["entities", "show", &entity_id],
        vec!["extract", &text],
        vec!["extract", &text, "--json"],
        vec!["ingest", &text, "--jsonl"],
        vec!["ingest", &text, "--no-progress"],
        vec!["status"],
        vec!["health", &storage],
        vec!["completions", "bash"],
        vec!["rm", &document_id],
    ];
    let flags = service_flags(&system);
    let mut failures = Vec::new();
    for args in commands {
        let args: Vec<String> = args.into_iter().map(str::to_string).collect();
        let flags = flags.clone();
        let shown = args.join(" ");
        let (line, output) = tokio::task::spawn_blocking(move || {
            // `rm` prints one line, but only once per document.
            let line = if args[0] == "rm" {
                "deleted\n".to_string()
            } else {
                first_line(&flags, &args)
            };
            (line, into_closed_pipe(&flags, &args))
        })
        .await
        .unwrap();
        if line.trim().is_empty() {
            failures.push(format!("dossier {shown} prints nothing, so tests nothing"));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(0)
            || stderr.contains("panicked")
            || stderr.contains("Broken pipe")
        {
            failures.push(format!(
                "dossier {shown}: {} with stderr {stderr:?}",
                output.status
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "with the reader gone:\n  {}",
        failures.join("\n  ")
    );
    system.stop().await;
}
