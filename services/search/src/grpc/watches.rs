//! Watch messages ↔ the core's watches. Requests are destructured field by
//! field, so a new proto field breaks the build here.

use dossier_proto::v1 as pb;
use prost_types::Timestamp;

use super::convert;
use crate::error::{Error, Result};
use crate::query::Filter;
use crate::watches::model::{Watch, WatchSpec};
use crate::watches::{Match, WatchPage};

/// A CreateWatch request as the core takes it. Output-only fields of the
/// watch (id, create_time, create_sequence) are ignored, as AIP-133 says.
pub fn spec(request: pb::CreateWatchRequest) -> Result<WatchSpec> {
    let pb::CreateWatchRequest { watch, request_id } = request;
    let Some(pb::Watch {
        id: _,
        name,
        query,
        filter,
        create_time: _,
        create_sequence: _,
    }) = watch
    else {
        return Err(Error::invalid("watch", "required: the watch to create"));
    };
    Ok(WatchSpec {
        name,
        query,
        filter: convert::filter(filter)?,
        request_id,
    })
}

pub fn watch(watch: Watch) -> pb::Watch {
    let Watch {
        id,
        name,
        query,
        filter,
        create_time: (seconds, nanos),
        create_sequence,
        request_id: _,
    } = watch;
    pb::Watch {
        id,
        name,
        query,
        filter: (!filter.is_empty()).then(|| search_filter(filter)),
        create_time: Some(Timestamp { seconds, nanos }),
        create_sequence,
    }
}

pub fn page(page: WatchPage) -> pb::ListWatchesResponse {
    let WatchPage {
        watches,
        next_page_token,
    } = page;
    pb::ListWatchesResponse {
        watches: watches.into_iter().map(watch).collect(),
        next_page_token,
    }
}

pub fn found(found: Match) -> pb::WatchMatch {
    let Match {
        watch_id,
        document_id,
        sequence,
        title,
        source,
        published_at,
        matched_variants,
        snippets,
    } = found;
    pb::WatchMatch {
        watch_id,
        document_id,
        sequence,
        title,
        source,
        published_at: published_at.map(convert::timestamp),
        matched_variants: matched_variants.into_iter().map(convert::variant).collect(),
        snippets: snippets.into_iter().map(convert::snippet).collect(),
    }
}

/// The filter as a client wrote it (times to the second).
fn search_filter(filter: Filter) -> pb::SearchFilter {
    let Filter {
        sources,
        published_after,
        published_before,
        entity_ids,
        entity_types,
        labels,
        languages,
    } = filter;
    pb::SearchFilter {
        sources,
        published_after: published_after.map(convert::timestamp),
        published_before: published_before.map(convert::timestamp),
        entity_ids,
        entity_types,
        labels,
        languages,
    }
}
