//! One module per group of commands; each turns arguments into RPCs and
//! prints what comes back.

mod changes;
mod documents;
mod entities;
mod extract;
mod ingest;
mod quotes;
mod resolve;
mod screen;
mod search;
mod status;
mod stories;
mod time;
mod watches;

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{ChangesArgs, Cli, Command, WatchArgs, WatchCommand};
use crate::connect::{connect, connect_streaming};
use crate::exit;
use crate::output::{WriteError, outln};
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;

/// Runs one command and returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let format = cli.global.output();
    let security = cli.global.security()?;
    let sec = &security;
    match cli.command {
        Command::Ingest(args) => {
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            ingest::run(client, args, format).await
        }
        Command::Get { id, raw } => {
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            documents::get(client, id, raw, format).await
        }
        Command::Ls(args) => {
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            documents::list(client, args, format).await
        }
        Command::Rm { id } => {
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            documents::remove(client, id, format).await
        }
        Command::Changes(ChangesArgs { after, limit }) => {
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            changes::run(client, after, limit, format).await
        }
        Command::Watch(WatchArgs {
            command: None,
            after,
            limit,
        }) => {
            eprintln!(
                "note: `dossier watch` without a subcommand is `dossier changes` (the change \
                 feed) and will stop meaning it; `dossier watch add|ls|rm|follow` are saved searches"
            );
            let client = documents_client(connect("storage", &cli.global.storage, sec).await?);
            changes::run(client, after.unwrap_or(0), limit, format).await
        }
        Command::Watch(WatchArgs {
            command: Some(command),
            ..
        }) => {
            let search = connect_streaming("search", &cli.global.search, sec).await?;
            watch(SearchServiceClient::new(search), command, format).await
        }
        Command::Extract(args) => {
            let client = ExtractionServiceClient::new(
                connect("extraction", &cli.global.extraction, sec).await?,
            );
            extract::run(client, args, format).await
        }
        Command::Entities(command) => {
            let client = ExtractionServiceClient::new(
                connect("extraction", &cli.global.extraction, sec).await?,
            );
            entities::run(client, command, format).await
        }
        Command::Search(args) => {
            let client =
                SearchServiceClient::new(connect("search", &cli.global.search, sec).await?);
            search::run(client, args, format).await
        }
        Command::Stories(args) => {
            let client =
                SearchServiceClient::new(connect("search", &cli.global.search, sec).await?);
            stories::list(client, args, format).await
        }
        Command::Story { id } => {
            let client =
                SearchServiceClient::new(connect("search", &cli.global.search, sec).await?);
            stories::show(client, id, format).await
        }
        Command::Screen(args) => {
            let client =
                SearchServiceClient::new(connect("search", &cli.global.search, sec).await?);
            screen::run(client, args, format).await
        }
        Command::Quotes(args) => {
            let search =
                SearchServiceClient::new(connect("search", &cli.global.search, sec).await?);
            let extraction = ExtractionServiceClient::new(
                connect("extraction", &cli.global.extraction, sec).await?,
            );
            quotes::run(search, extraction, args, format).await
        }
        Command::Status => status::run(&cli.global, sec, format).await,
        Command::Health { address, service } => {
            let health = status::health_of(connect("server", &address, sec).await?, &service).await;
            outln!("{health}")?;
            Ok(if health == "SERVING" {
                exit::OK
            } else {
                exit::UNAVAILABLE
            })
        }
        Command::Completions { shell } => {
            // clap_complete panics on a failed write; write the script
            // ourselves so a closed pipe ends quietly.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dossier", &mut script);
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&script)
                .and_then(|()| stdout.flush())
                .map_err(WriteError::from)?;
            Ok(exit::OK)
        }
    }
}

async fn watch(
    client: SearchServiceClient<dossier_kit::client::ClientChannel>,
    command: WatchCommand,
    format: crate::output::Format,
) -> anyhow::Result<i32> {
    match command {
        WatchCommand::Add {
            query,
            name,
            sources,
        } => watches::add(client, query, name, sources, format).await,
        WatchCommand::Ls => watches::list(client, format).await,
        WatchCommand::Rm { id } => watches::remove(client, id, format).await,
        WatchCommand::Follow { id, after, limit } => {
            watches::follow(client, id, after, limit, format).await
        }
    }
}

/// Largest message the CLI accepts from storage: a document is a page of up
/// to storage's --max-html-bytes plus its text, and an operator may raise
/// that limit well past gRPC's default of 4 MiB.
pub const MAX_STORAGE_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// A DocumentService client that accepts large documents.
pub fn documents_client(
    channel: dossier_kit::client::ClientChannel,
) -> DocumentServiceClient<dossier_kit::client::ClientChannel> {
    DocumentServiceClient::new(channel).max_decoding_message_size(MAX_STORAGE_MESSAGE_BYTES)
}
