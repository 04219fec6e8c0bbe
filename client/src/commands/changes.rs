//! `changes`: storage's change feed, replayed then tailed live (formerly
//! `watch`, which now names saved searches; the old spelling still works).

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::{ChangeKind, WatchChangesRequest};

use crate::exit;
use crate::output::{self, Format, outln};

pub async fn run(
    mut client: DocumentServiceClient<ClientChannel>,
    after: u64,
    limit: Option<u64>,
    format: Format,
) -> anyhow::Result<i32> {
    let request = WatchChangesRequest {
        after_sequence: after,
        omit_documents: !format.is_json(),
    };
    let mut changes = client.watch_changes(request).await?.into_inner();
    let mut seen = 0;
    while limit.is_none_or(|limit| seen < limit) {
        let Some(change) = changes.message().await? else {
            break;
        };
        seen += 1;
        if format.is_json() {
            output::print_json_line(&change)?;
        } else {
            let kind = match ChangeKind::try_from(change.kind) {
                Ok(ChangeKind::Created) => "created",
                Ok(ChangeKind::Deleted) => "deleted",
                Ok(ChangeKind::TextUpdated) => "text",
                _ => "unknown",
            };
            outln!(
                "{:>8}  {:<8} {}  {}",
                change.sequence,
                kind,
                change.document_id,
                output::timestamp(change.commit_time.as_ref())
            )?;
        }
    }
    Ok(exit::OK)
}
