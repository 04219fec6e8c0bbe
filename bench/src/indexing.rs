//! Waiting for search to catch up with storage: the end of end-to-end
//! indexing is when `GetIndexStatus.indexed_sequence` reaches storage's
//! `last_sequence`.

use std::time::{Duration, Instant};

use anyhow::bail;
use dossier_proto::v1 as pb;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use tonic::transport::Channel;

/// Polls every 100 ms until search has indexed everything storage holds, or
/// fails after `timeout` (with the last status, which carries any error).
/// Prints progress every few seconds, as a 100,000-document run takes minutes.
pub async fn wait_indexed(
    storage: &Channel,
    search: &Channel,
    timeout: Duration,
) -> anyhow::Result<pb::IndexStatus> {
    let target = DocumentServiceClient::new(storage.clone())
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await?
        .into_inner()
        .last_sequence;
    let mut client = SearchServiceClient::new(search.clone());
    let started = Instant::now();
    let mut last_print = Instant::now();
    loop {
        // Search may still be starting its follower; a failed poll is retried.
        if let Ok(status) = client.get_index_status(pb::GetIndexStatusRequest {}).await {
            let status = status.into_inner();
            if status.indexed_sequence >= target {
                return Ok(status);
            }
            if last_print.elapsed() > Duration::from_secs(10) {
                eprintln!(
                    "  indexed {} / {target} ({:.0} s){}",
                    status.indexed_sequence,
                    started.elapsed().as_secs_f64(),
                    if status.last_error.is_empty() {
                        String::new()
                    } else {
                        format!("; last error: {}", status.last_error)
                    }
                );
                last_print = Instant::now();
            }
            if started.elapsed() > timeout {
                bail!("search did not catch up within {timeout:?}: {status:?}");
            }
        } else if started.elapsed() > timeout {
            bail!("search did not answer GetIndexStatus within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
