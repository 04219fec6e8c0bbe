//! `watch add | ls | rm | follow`: saved searches, and their matches as
//! they arrive.

use std::io::IsTerminal;
use std::time::Duration;

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    CreateWatchRequest, DeleteWatchRequest, ListWatchesRequest, SearchFilter,
    StreamWatchMatchesRequest, Watch, WatchMatch,
};
use sha2::{Digest, Sha256};
use tonic::Code;

use super::search::mark;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

type Search = SearchServiceClient<ClientChannel>;

/// Longest wait between two attempts to reach search again.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Saves a watch. The request id is derived from what is asked, so adding
/// the same watch twice (a rerun, a retry) returns the one saved.
pub async fn add(
    mut client: Search,
    query: String,
    name: Option<String>,
    sources: Vec<String>,
    format: Format,
) -> anyhow::Result<i32> {
    let request_id = request_id(&query, name.as_deref(), &sources);
    let filter = (!sources.is_empty()).then(|| SearchFilter {
        sources,
        ..SearchFilter::default()
    });
    let request = CreateWatchRequest {
        watch: Some(Watch {
            name: name.unwrap_or_default(),
            query,
            filter,
            ..Watch::default()
        }),
        request_id,
    };
    let watch = client.create_watch(request).await?.into_inner();
    match format {
        Format::Json => output::print_json(&watch)?,
        Format::JsonLines => output::print_json_line(&watch)?,
        Format::Text => outln!("{}  {}", watch.id, watch.name)?,
    }
    Ok(exit::OK)
}

/// "wa-" and 32 hex digits of a digest of the query, name and outlets.
fn request_id(query: &str, name: Option<&str>, sources: &[String]) -> String {
    let mut hash = Sha256::new();
    for part in [query, name.unwrap_or("")]
        .into_iter()
        .chain(sources.iter().map(String::as_str))
    {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("wa-{}", &hex::encode(hash.finalize())[..32])
}

/// Lists every watch, page by page.
pub async fn list(mut client: Search, format: Format) -> anyhow::Result<i32> {
    let mut token = String::new();
    let mut all = Vec::new();
    loop {
        let page = client
            .list_watches(ListWatchesRequest {
                page_size: 0,
                page_token: std::mem::take(&mut token),
            })
            .await?
            .into_inner();
        if format == Format::JsonLines {
            page.watches.iter().try_for_each(output::print_json_line)?;
        } else if format == Format::Text {
            page.watches.iter().try_for_each(print_watch)?;
        }
        all.extend(page.watches);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    if format == Format::Json {
        let response = dossier_proto::v1::ListWatchesResponse {
            watches: all,
            next_page_token: String::new(),
        };
        output::print_json(&response)?;
    } else if format == Format::Text && all.is_empty() {
        eprintln!("no watches (add one with `dossier watch add QUERY`)");
    }
    Ok(exit::OK)
}

fn print_watch(watch: &Watch) -> Printed {
    let sources = watch
        .filter
        .as_ref()
        .filter(|f| !f.sources.is_empty())
        .map(|f| format!("  [{}]", f.sources.join(", ")))
        .unwrap_or_default();
    outln!(
        "{}  {:<24}  {}{}  (since sequence {})",
        watch.id,
        output::truncate(&watch.name, 24),
        watch.query,
        sources,
        watch.create_sequence
    )
}

pub async fn remove(mut client: Search, id: String, format: Format) -> anyhow::Result<i32> {
    client
        .delete_watch(DeleteWatchRequest { id: id.clone() })
        .await?;
    if format.is_json() {
        outln!("{}", serde_json::json!({ "deleted": id }))?;
    } else {
        outln!("deleted {id}")?;
    }
    Ok(exit::OK)
}

/// Prints the matches of watch `id` after `after` as they arrive, until
/// `limit` matches or an error other than search being away.
pub async fn follow(
    mut client: Search,
    id: String,
    mut after: u64,
    limit: Option<u64>,
    format: Format,
) -> anyhow::Result<i32> {
    let colour = std::io::stdout().is_terminal();
    let mut seen = 0;
    let mut backoff = Duration::from_millis(200);
    while limit.is_none_or(|limit| seen < limit) {
        let request = StreamWatchMatchesRequest {
            watch_id: id.clone(),
            after_sequence: after,
        };
        let opened = client.stream_watch_matches(request).await;
        let mut matches = match opened {
            Ok(response) => response.into_inner(),
            Err(status) if status.code() == Code::Unavailable => {
                pause(&status, after, &mut backoff).await;
                continue;
            }
            Err(status) => return Err(status.into()),
        };
        loop {
            if limit.is_some_and(|limit| seen >= limit) {
                return Ok(exit::OK);
            }
            match matches.message().await {
                Ok(Some(found)) => {
                    after = found.sequence;
                    seen += 1;
                    backoff = Duration::from_millis(200);
                    print_match(&found, format, colour)?;
                }
                // The server ended the stream without an error (it never
                // does on its own): open it again.
                Ok(None) => break,
                Err(status) if status.code() == Code::Unavailable => {
                    pause(&status, after, &mut backoff).await;
                    break;
                }
                Err(status) => return Err(status.into()),
            }
        }
    }
    Ok(exit::OK)
}

/// Says search is away and waits before trying again.
async fn pause(status: &tonic::Status, after: u64, backoff: &mut Duration) {
    eprintln!(
        "search unavailable ({}); resuming after sequence {after} in {:.1} s",
        status.message(),
        backoff.as_secs_f64()
    );
    tokio::time::sleep(*backoff).await;
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
}

fn print_match(found: &WatchMatch, format: Format, colour: bool) -> Printed {
    if format.is_json() {
        return output::print_json_line(found);
    }
    outln!(
        "{:>8}  {}  {:<20}  {}",
        found.sequence,
        output::timestamp(found.published_at.as_ref()),
        output::truncate(&found.source, 20),
        found.title
    )?;
    let spellings: Vec<&str> = found
        .matched_variants
        .iter()
        .map(|v| v.variant.as_str())
        .collect();
    if !spellings.is_empty() {
        outln!("          spelled {}", spellings.join(", "))?;
    }
    if let Some(snippet) = found.snippets.iter().find(|s| s.field == "body") {
        outln!("          {}", mark(snippet, colour))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_watch_has_the_same_request_id() {
        let a = request_id("Gdynia", None, &["gazette".into()]);
        assert_eq!(a, request_id("Gdynia", None, &["gazette".into()]));
        assert_ne!(a, request_id("Gdynia", Some("port"), &["gazette".into()]));
        assert_ne!(a, request_id("Gdynia", None, &[]));
        // Parts are delimited: ("ab", "") is not ("a", "b").
        assert_ne!(request_id("ab", None, &[]), request_id("a", Some("b"), &[]));
        assert_eq!(a.len(), 35);
    }
}
