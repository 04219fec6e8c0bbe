//! Conversions between `dossier.v1` messages and the core's types. Requests
//! are destructured, so a new proto field breaks the build here instead of
//! being silently ignored.

use dossier_proto::v1 as pb;
use prost_types::Timestamp;

use crate::EntityType;
use crate::error::{ExtractionError, Result};
use crate::offsets::OffsetUnit;
use crate::pipeline::{ExtractRequest, ExtractResponse, Mention, Quote};
use crate::registry::{
    Alias, Curation, Entity, EntityChange, EntityChangeKind, EntityOrder, EntitySummary, ListQuery,
    MatchOptions, NameMatch, NameQuery,
};

/// Longest accepted `source` and `request_id`, in bytes: generous for any
/// outlet name or idempotency key, small enough to bound what is stored.
pub const MAX_LABEL_BYTES: usize = 512;

pub fn extract_request(req: pb::ExtractRequest) -> Result<ExtractRequest> {
    let pb::ExtractRequest {
        text,
        offset_encoding,
        document_id,
        published_at,
        source,
        types,
        request_id,
        language,
    } = req;
    let offsets = match pb::OffsetEncoding::try_from(offset_encoding) {
        Ok(pb::OffsetEncoding::Unspecified | pb::OffsetEncoding::Utf8) => OffsetUnit::Utf8,
        Ok(pb::OffsetEncoding::Utf16) => OffsetUnit::Utf16,
        Ok(pb::OffsetEncoding::Utf32) => OffsetUnit::Utf32,
        Err(_) => {
            return Err(ExtractionError::invalid(
                "offset_encoding",
                format!("unknown value {offset_encoding}; use UTF8, UTF16 or UTF32"),
            ));
        }
    };
    let types = types
        .into_iter()
        .map(|t| entity_type_in("types", t))
        .collect::<Result<Vec<_>>>()?;
    check_len("source", &source)?;
    check_len("request_id", &request_id)?;
    check_len("language", &language)?;
    let published_at = published_at.map(published_seconds).transpose()?;
    Ok(ExtractRequest {
        text,
        offsets,
        document_id: non_empty(document_id),
        published_at,
        source: non_empty(source),
        types,
        request_id,
        language: non_empty(language),
    })
}

/// Seconds of a `published_at` that relative dates can be resolved against:
/// a valid protobuf Timestamp (years 0001 to 9999), so the entities'
/// first_seen and last_seen stay valid timestamps too.
fn published_seconds(t: Timestamp) -> Result<i64> {
    const MIN_SECONDS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
    const MAX_SECONDS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&t.seconds) || !(0..1_000_000_000).contains(&t.nanos) {
        return Err(ExtractionError::invalid(
            "published_at",
            format!(
                "{}s {}ns is not a valid timestamp; use a date between years 0001 and 9999",
                t.seconds, t.nanos
            ),
        ));
    }
    Ok(t.seconds)
}

pub fn extract_response(r: ExtractResponse) -> pb::ExtractResponse {
    let ExtractResponse {
        mentions,
        entities,
        document_id,
        request_id,
        token_count,
        quotes,
    } = r;
    pb::ExtractResponse {
        mentions: mentions.into_iter().map(mention).collect(),
        entities: entities.into_iter().map(entity_summary).collect(),
        document_id: document_id.unwrap_or_default(),
        request_id,
        token_count,
        quotes: quotes.into_iter().map(quote).collect(),
    }
}

fn quote(q: Quote) -> pb::Quote {
    let Quote {
        text,
        start,
        end,
        direct,
        cue,
        speaker_entity_id,
        speaker_canonical_name,
        speaker_name,
        speaker_start,
        speaker_end,
        addressee_entity_id,
        addressee,
    } = q;
    pb::Quote {
        text,
        start,
        end,
        direct,
        cue,
        speaker_entity_id: speaker_entity_id.unwrap_or_default(),
        speaker_name,
        speaker_start,
        speaker_end,
        addressee_entity_id: addressee_entity_id.unwrap_or_default(),
        addressee,
        speaker_canonical_name,
    }
}

fn mention(m: Mention) -> pb::Mention {
    let Mention {
        start,
        end,
        text,
        entity_type,
        confidence,
        entity_id,
        normalized_value,
    } = m;
    pb::Mention {
        start,
        end,
        text,
        r#type: entity_type_out(entity_type) as i32,
        confidence,
        entity_id: entity_id.unwrap_or_default(),
        normalized_value: normalized_value.unwrap_or_default(),
    }
}

fn entity_summary(e: EntitySummary) -> pb::EntitySummary {
    pb::EntitySummary {
        id: e.id,
        canonical_name: e.canonical_name,
        r#type: entity_type_out(e.entity_type) as i32,
    }
}

pub fn entity(e: Entity) -> pb::Entity {
    let Entity {
        id,
        canonical_name,
        entity_type,
        aliases,
        mention_count,
        document_count,
        first_seen,
        last_seen,
        merged_ids,
        distinct_ids,
    } = e;
    pb::Entity {
        id,
        canonical_name,
        r#type: entity_type_out(entity_type) as i32,
        aliases: aliases.into_iter().map(alias).collect(),
        mention_count,
        document_count,
        first_seen: first_seen.map(timestamp),
        last_seen: last_seen.map(timestamp),
        merged_ids,
        distinct_ids,
    }
}

fn alias(a: Alias) -> pb::Alias {
    pb::Alias {
        name: a.name,
        mention_count: a.mention_count,
        document_count: a.document_count,
        document_ids: a.document_ids,
    }
}

pub fn curation(c: Curation) -> pb::CurationResponse {
    pb::CurationResponse {
        curation_id: c.curation_id,
        entities: c.entities.into_iter().map(entity).collect(),
        sequence: c.sequence,
    }
}

pub fn change(c: EntityChange) -> pb::EntityChange {
    let EntityChange {
        sequence,
        kind,
        entity_id,
        source_ids,
        curation_id,
        document_ids,
        commit_time,
        entity,
    } = c;
    let kind = match kind {
        EntityChangeKind::Merged => pb::EntityChangeKind::Merged,
        EntityChangeKind::Unmerged => pb::EntityChangeKind::Unmerged,
        EntityChangeKind::Split => pb::EntityChangeKind::Split,
        EntityChangeKind::Unsplit => pb::EntityChangeKind::Unsplit,
        EntityChangeKind::Updated => pb::EntityChangeKind::Updated,
    };
    pb::EntityChange {
        sequence,
        kind: kind as i32,
        entity_id,
        source_ids,
        curation_id: curation_id.unwrap_or_default(),
        document_ids,
        commit_time: Some(timestamp(commit_time)),
        entity: entity.map(entity_summary),
    }
}

pub fn list_query(req: pb::ListEntitiesRequest) -> Result<ListQuery> {
    let pb::ListEntitiesRequest {
        page_size,
        page_token,
        r#type,
        name_prefix,
        order_by,
    } = req;
    let page_size = usize::try_from(page_size)
        .map_err(|_| ExtractionError::invalid("page_size", "must not be negative"))?;
    let entity_type = match r#type {
        0 => None,
        t => Some(entity_type_in("type", t)?),
    };
    let order = match pb::EntityOrder::try_from(order_by) {
        Ok(pb::EntityOrder::Unspecified | pb::EntityOrder::MentionCount) => {
            EntityOrder::MentionCount
        }
        Ok(pb::EntityOrder::Name) => EntityOrder::Name,
        Err(_) => {
            return Err(ExtractionError::invalid(
                "order_by",
                format!("unknown value {order_by}"),
            ));
        }
    };
    Ok(ListQuery {
        page_size,
        page_token: non_empty(page_token),
        entity_type,
        name_prefix: non_empty(name_prefix),
        order,
    })
}

/// A MatchNames request as the core's names and options. Types are checked
/// here (UNSPECIFIED is any type; value types such as DATE name no
/// entity); names, aliases and the score by `registry::screen::validate`.
pub fn match_names_request(req: pb::MatchNamesRequest) -> Result<(Vec<NameQuery>, MatchOptions)> {
    let pb::MatchNamesRequest {
        names,
        min_score,
        max_matches_per_name,
    } = req;
    let names = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| name_to_match(i, n))
        .collect::<Result<Vec<_>>>()?;
    let options = MatchOptions {
        min_score: f64::from(min_score),
        max_matches: usize::try_from(max_matches_per_name).unwrap_or(usize::MAX),
    };
    Ok((names, options))
}

fn name_to_match(i: usize, n: pb::NameToMatch) -> Result<NameQuery> {
    let pb::NameToMatch {
        name,
        r#type,
        aliases,
    } = n;
    let entity_type = match r#type {
        0 => None,
        t => {
            let field = || format!("names[{i}].type");
            let t = entity_type_in("type", t).map_err(|_| {
                ExtractionError::element(
                    field(),
                    format!("{t} is not an entity type (0 for any, PERSON=1 .. MISC=14)"),
                )
            })?;
            if !t.is_name() {
                return Err(ExtractionError::element(
                    field(),
                    format!("{t} is a value type, not a name; use a name type or leave it unset"),
                ));
            }
            Some(t)
        }
    };
    Ok(NameQuery {
        name,
        entity_type,
        aliases,
    })
}

pub fn match_names_response(results: Vec<Vec<NameMatch>>) -> pb::MatchNamesResponse {
    pb::MatchNamesResponse {
        results: results
            .into_iter()
            .map(|matches| pb::NameMatches {
                matches: matches.into_iter().map(entity_match).collect(),
            })
            .collect(),
    }
}

fn entity_match(m: NameMatch) -> pb::EntityMatch {
    let NameMatch {
        entity,
        score,
        matched_spellings,
        explanation,
        mention_count,
    } = m;
    pb::EntityMatch {
        entity: Some(entity_summary(entity)),
        score: score as f32,
        matched_spellings,
        explanation,
        mention_count,
    }
}

/// An entity type from the wire; UNSPECIFIED and unknown values are errors.
fn entity_type_in(field: &'static str, value: i32) -> Result<EntityType> {
    let t = match pb::EntityType::try_from(value) {
        Ok(pb::EntityType::Person) => EntityType::Person,
        Ok(pb::EntityType::Norp) => EntityType::Norp,
        Ok(pb::EntityType::Fac) => EntityType::Fac,
        Ok(pb::EntityType::Org) => EntityType::Org,
        Ok(pb::EntityType::Gpe) => EntityType::Gpe,
        Ok(pb::EntityType::Loc) => EntityType::Loc,
        Ok(pb::EntityType::Product) => EntityType::Product,
        Ok(pb::EntityType::Event) => EntityType::Event,
        Ok(pb::EntityType::Law) => EntityType::Law,
        Ok(pb::EntityType::Date) => EntityType::Date,
        Ok(pb::EntityType::Money) => EntityType::Money,
        Ok(pb::EntityType::Percent) => EntityType::Percent,
        Ok(pb::EntityType::Quantity) => EntityType::Quantity,
        Ok(pb::EntityType::Misc) => EntityType::Misc,
        Ok(pb::EntityType::Unspecified) | Err(_) => {
            return Err(ExtractionError::invalid(
                field,
                format!("{value} is not an entity type (PERSON=1 .. MISC=14)"),
            ));
        }
    };
    Ok(t)
}

pub fn entity_type_out(t: EntityType) -> pb::EntityType {
    match t {
        EntityType::Person => pb::EntityType::Person,
        EntityType::Norp => pb::EntityType::Norp,
        EntityType::Fac => pb::EntityType::Fac,
        EntityType::Org => pb::EntityType::Org,
        EntityType::Gpe => pb::EntityType::Gpe,
        EntityType::Loc => pb::EntityType::Loc,
        EntityType::Product => pb::EntityType::Product,
        EntityType::Event => pb::EntityType::Event,
        EntityType::Law => pb::EntityType::Law,
        EntityType::Date => pb::EntityType::Date,
        EntityType::Money => pb::EntityType::Money,
        EntityType::Percent => pb::EntityType::Percent,
        EntityType::Quantity => pb::EntityType::Quantity,
        EntityType::Misc => pb::EntityType::Misc,
    }
}

/// A required id field, with a message naming it.
pub fn required(field: &'static str, value: String) -> Result<String> {
    if value.is_empty() {
        return Err(ExtractionError::invalid(field, "is required"));
    }
    Ok(value)
}

fn check_len(field: &'static str, value: &str) -> Result<()> {
    if value.len() > MAX_LABEL_BYTES {
        return Err(ExtractionError::invalid(
            field,
            format!("longer than {MAX_LABEL_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Longest curation note, in bytes: a sentence or two of why, not a file.
pub const MAX_NOTE_BYTES: usize = 4096;

/// Checks a curation's idempotency key and note (both are stored in the
/// curation log); returns the key, if any.
pub fn curation_text(request_id: String, note: &str) -> Result<Option<String>> {
    check_len("request_id", &request_id)?;
    if note.len() > MAX_NOTE_BYTES {
        return Err(ExtractionError::invalid(
            "note",
            format!("longer than {MAX_NOTE_BYTES} bytes"),
        ));
    }
    Ok(non_empty(request_id))
}

pub fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn timestamp(secs: i64) -> Timestamp {
    Timestamp {
        seconds: secs,
        nanos: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enums_are_invalid_arguments() {
        let bad = |req: pb::ExtractRequest| match extract_request(req) {
            Err(ExtractionError::InvalidArgument { field, .. }) => field,
            other => panic!("expected invalid argument, got {other:?}"),
        };
        assert_eq!(
            bad(pb::ExtractRequest {
                offset_encoding: 9,
                ..Default::default()
            }),
            "offset_encoding"
        );
        assert_eq!(
            bad(pb::ExtractRequest {
                types: vec![0],
                ..Default::default()
            }),
            "types"
        );
    }

    #[test]
    fn match_names_types() {
        let req = |t: i32| pb::MatchNamesRequest {
            names: vec![
                pb::NameToMatch {
                    name: "Ann Smith".into(),
                    ..Default::default()
                },
                pb::NameToMatch {
                    name: "Ann Smith".into(),
                    r#type: t,
                    aliases: vec![],
                },
            ],
            ..Default::default()
        };
        let (names, _) = match_names_request(req(pb::EntityType::Person as i32)).unwrap();
        assert_eq!(names[0].entity_type, None);
        assert_eq!(names[1].entity_type, Some(EntityType::Person));
        for bad in [999, pb::EntityType::Date as i32] {
            match match_names_request(req(bad)) {
                Err(ExtractionError::InvalidElement { field, .. }) => {
                    assert_eq!(field, "names[1].type")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn every_type_round_trips() {
        for t in EntityType::ALL {
            assert_eq!(entity_type_in("t", entity_type_out(t) as i32).unwrap(), t);
        }
    }
}
