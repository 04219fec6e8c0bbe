//! Proto ↔ core conversions. Requests are destructured field by field, so a
//! new proto field breaks the build here instead of being silently ignored.

use std::time::SystemTime;

use dossier_proto::v1 as pb;
use prost_types::Timestamp;

use crate::collect::Sort;
use crate::dates::Interval;
use crate::error::{Error, Result};
use crate::facets::{Bucket, FacetSpec, MAX_FACET_LIMIT};
use crate::indexer::status::IndexReport;
use crate::query::{Expansion, Filter, Interpretation, Note, NoteKind, Suggestion, Syntax};
use crate::quotes::{DocQuote, ListedQuote, QuotePage};
use crate::related::Cooccurrences;
use crate::screening::{ScreenName, ScreenResult};
use crate::search::{Hit, MatchedVariant, SearchPage, Snippet};
use crate::service::Similar;
use crate::stories::view::{Story, StoryOrder, StoryPage};

/// Buckets a term facet returns when the request says 0.
const DEFAULT_FACET_LIMIT: usize = 10;

pub fn filter(filter: Option<pb::SearchFilter>) -> Result<Filter> {
    let Some(pb::SearchFilter {
        sources,
        published_after,
        published_before,
        entity_ids,
        entity_types,
        labels,
        languages,
    }) = filter
    else {
        return Ok(Filter::default());
    };
    let (published_after, published_before) = time_range(
        ("filter.published_after", published_after),
        ("filter.published_before", published_before),
    )?;
    Ok(Filter {
        sources,
        published_after,
        published_before,
        entity_ids,
        entity_types: entity_types_list("filter.entity_types", entity_types)?,
        labels,
        languages,
    })
}

/// Earliest and latest instants a Timestamp may hold (0001-01-01T00:00:00Z
/// and 9999-12-31T23:59:59Z), as protobuf's Timestamp documents.
const TIMESTAMP_SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// A time bound as whole seconds, rounded up: documents carry whole
/// seconds, so "after 10.5 s" (inclusive) starts at 11 and "before 10.5 s"
/// (exclusive) still admits 10.
pub fn seconds(field: &'static str, t: Option<Timestamp>) -> Result<Option<i64>> {
    let Some(Timestamp { seconds, nanos }) = t else {
        return Ok(None);
    };
    if !(0..1_000_000_000).contains(&nanos) {
        return Err(Error::invalid(
            field,
            format!("nanos {nanos} is out of range; use 0 to 999999999"),
        ));
    }
    if !TIMESTAMP_SECONDS.contains(&seconds) {
        return Err(Error::invalid(
            field,
            format!(
                "seconds {seconds} is out of range; use {} (0001-01-01) to {} (9999-12-31)",
                TIMESTAMP_SECONDS.start(),
                TIMESTAMP_SECONDS.end()
            ),
        ));
    }
    Ok(Some(seconds + i64::from(nanos > 0)))
}

/// A `[after, before)` range as whole seconds (see [`seconds`]); a lower
/// bound later than the upper one is refused, as nothing could match it.
pub fn time_range(
    (after_field, after): (&'static str, Option<Timestamp>),
    (before_field, before): (&'static str, Option<Timestamp>),
) -> Result<(Option<i64>, Option<i64>)> {
    if let (Some(a), Some(b)) = (&after, &before)
        && (a.seconds, a.nanos) > (b.seconds, b.nanos)
    {
        return Err(Error::invalid(
            after_field,
            format!(
                "{}s is later than {before_field} ({}s), so nothing can match; swap the bounds",
                a.seconds, b.seconds
            ),
        ));
    }
    Ok((seconds(after_field, after)?, seconds(before_field, before)?))
}

/// Entity types a client filters on: each must be a known type.
pub fn entity_types_list(field: &'static str, types: Vec<i32>) -> Result<Vec<i32>> {
    for t in &types {
        match pb::EntityType::try_from(*t) {
            Ok(pb::EntityType::Unspecified) => {
                return Err(Error::invalid(
                    field,
                    "ENTITY_TYPE_UNSPECIFIED (0) is not a type; list the types wanted, \
                     or none for all",
                ));
            }
            Ok(_) => {}
            Err(_) => return Err(unknown_enum(field, *t, "EntityType")),
        }
    }
    Ok(types)
}

fn unknown_enum(field: &'static str, value: i32, kind: &str) -> Error {
    Error::invalid(
        field,
        format!("unknown value {value}; use one of the {kind} values of dossier/v1"),
    )
}

pub fn syntax(syntax: i32) -> Result<Syntax> {
    match pb::QuerySyntax::try_from(syntax) {
        Ok(pb::QuerySyntax::Unspecified | pb::QuerySyntax::Lenient) => Ok(Syntax::Lenient),
        Ok(pb::QuerySyntax::Strict) => Ok(Syntax::Strict),
        Err(_) => Err(unknown_enum("syntax", syntax, "QuerySyntax")),
    }
}

pub fn sort(sort: i32) -> Result<Sort> {
    match pb::SortOrder::try_from(sort) {
        Ok(pb::SortOrder::Unspecified | pb::SortOrder::Relevance) => Ok(Sort::Relevance),
        Ok(pb::SortOrder::PublishedDesc) => Ok(Sort::PublishedDesc),
        Ok(pb::SortOrder::PublishedAsc) => Ok(Sort::PublishedAsc),
        Err(_) => Err(unknown_enum("sort", sort, "SortOrder")),
    }
}

/// Most facets one Search may ask for: each is a collection counted over
/// every hit, so a small request could otherwise ask for unbounded work.
pub const MAX_FACETS: usize = 32;

pub fn facets(requests: &[pb::FacetRequest]) -> Result<Vec<FacetSpec>> {
    if requests.len() > MAX_FACETS {
        return Err(Error::invalid(
            "facets",
            format!(
                "{} facets requested; at most {MAX_FACETS} per search",
                requests.len()
            ),
        ));
    }
    requests.iter().map(facet).collect()
}

pub fn facet(request: &pb::FacetRequest) -> Result<FacetSpec> {
    let pb::FacetRequest {
        field,
        limit,
        entity_type,
        interval,
    } = *request;
    let limit = match limit {
        n if n < 0 => return Err(Error::invalid("facets.limit", "must not be negative")),
        0 => DEFAULT_FACET_LIMIT,
        n if n as usize > MAX_FACET_LIMIT => {
            return Err(Error::invalid(
                "facets.limit",
                format!("{n} is over the maximum of {MAX_FACET_LIMIT}"),
            ));
        }
        n => n as usize,
    };
    let spec = match pb::FacetField::try_from(field) {
        Ok(pb::FacetField::Source) => FacetSpec::Source { limit },
        Ok(pb::FacetField::Label) => FacetSpec::Label { limit },
        Ok(pb::FacetField::Language) => FacetSpec::Language { limit },
        Ok(pb::FacetField::Entity) => FacetSpec::Entity { limit, entity_type },
        Ok(pb::FacetField::Story) => FacetSpec::Story { limit },
        Ok(pb::FacetField::PublishedAt) => FacetSpec::PublishedAt {
            interval: match pb::HistogramInterval::try_from(interval) {
                Ok(pb::HistogramInterval::Unspecified | pb::HistogramInterval::Day) => {
                    Interval::Day
                }
                Ok(pb::HistogramInterval::Week) => Interval::Week,
                Ok(pb::HistogramInterval::Month) => Interval::Month,
                Err(_) => {
                    return Err(unknown_enum(
                        "facets.interval",
                        interval,
                        "HistogramInterval",
                    ));
                }
            },
        },
        Ok(pb::FacetField::Unspecified) => {
            return Err(Error::invalid(
                "facets.field",
                "set a facet field, e.g. FACET_FIELD_SOURCE",
            ));
        }
        Err(_) => return Err(unknown_enum("facets.field", field, "FacetField")),
    };
    // Checked whatever the field, so a mistyped request is not silently
    // answered as if the value were absent. 0 means every type.
    if pb::EntityType::try_from(entity_type).is_err() {
        return Err(unknown_enum(
            "facets.entity_type",
            entity_type,
            "EntityType",
        ));
    }
    if pb::HistogramInterval::try_from(interval).is_err() {
        return Err(unknown_enum(
            "facets.interval",
            interval,
            "HistogramInterval",
        ));
    }
    Ok(spec)
}

fn facet_key(spec: &FacetSpec) -> (pb::FacetField, i32) {
    match spec {
        FacetSpec::Source { .. } => (pb::FacetField::Source, 0),
        FacetSpec::Label { .. } => (pb::FacetField::Label, 0),
        FacetSpec::Language { .. } => (pb::FacetField::Language, 0),
        FacetSpec::Entity { entity_type, .. } => (pb::FacetField::Entity, *entity_type),
        FacetSpec::PublishedAt { .. } => (pb::FacetField::PublishedAt, 0),
        FacetSpec::Story { .. } => (pb::FacetField::Story, 0),
    }
}

pub fn bucket(b: Bucket) -> pb::FacetBucket {
    pb::FacetBucket {
        value: b.value,
        count: b.count,
        display_name: b.display_name,
        entity_type: b.entity_type,
    }
}

pub fn timestamp(secs: i64) -> Timestamp {
    Timestamp {
        seconds: secs,
        nanos: 0,
    }
}

pub fn system_time(t: SystemTime) -> Timestamp {
    Timestamp::from(t)
}

pub fn hit(hit: Hit) -> pb::SearchHit {
    let Hit {
        doc,
        score,
        snippets,
        matched_variants,
        duplicate_count,
    } = hit;
    let (story_id, duplicate) = match doc.story {
        Some(mark) => (mark.story_id, mark.duplicate_of),
        None => (String::new(), None),
    };
    let (duplicate_of, duplicate_similarity) = duplicate.unwrap_or_default();
    pb::SearchHit {
        document_id: doc.id,
        score,
        title: doc.title,
        source: doc.source,
        url: doc.url,
        published_at: doc.published_at.map(timestamp),
        labels: doc.labels,
        snippets: snippets.into_iter().map(snippet).collect(),
        matched_variants: matched_variants.into_iter().map(variant).collect(),
        entities: doc
            .entities
            .into_iter()
            .map(|e| pb::EntitySummary {
                id: e.id,
                canonical_name: e.name,
                r#type: e.entity_type,
            })
            .collect(),
        body: doc.body,
        story_id,
        duplicate_of,
        duplicate_similarity,
        duplicate_count,
    }
}

pub(super) fn snippet(s: Snippet) -> pb::Snippet {
    pb::Snippet {
        field: s.field.to_string(),
        fragment: s.fragment,
        highlights: s
            .highlights
            .into_iter()
            .map(|(start, end)| pb::HighlightSpan { start, end })
            .collect(),
    }
}

pub(super) fn variant(v: MatchedVariant) -> pb::MatchedVariant {
    pb::MatchedVariant {
        entity_id: v.entity_id,
        canonical_name: v.canonical_name,
        variant: v.variant,
        query_term: v.query_term,
    }
}

/// One MatchedVariant per known spelling of each expanded entity.
fn expansions(expansions: Vec<Expansion>) -> Vec<pb::MatchedVariant> {
    expansions
        .into_iter()
        .flat_map(|e| {
            e.variants
                .into_iter()
                .map(move |variant| pb::MatchedVariant {
                    entity_id: e.entity_id.clone(),
                    canonical_name: e.canonical_name.clone(),
                    variant,
                    query_term: e.query_term.clone(),
                })
        })
        .collect()
}

pub fn search_response(page: SearchPage) -> pb::SearchResponse {
    let SearchPage {
        hits,
        total_hits,
        total_is_lower_bound,
        next_page_token,
        facets,
        expansions: exp,
        indexed_sequence,
        interpretation,
    } = page;
    pb::SearchResponse {
        hits: hits.into_iter().map(hit).collect(),
        total_hits,
        total_hits_is_lower_bound: total_is_lower_bound,
        next_page_token,
        facets: facets
            .into_iter()
            .map(|(spec, buckets)| {
                let (field, entity_type) = facet_key(&spec);
                pb::FacetResult {
                    field: field as i32,
                    entity_type,
                    buckets: buckets.into_iter().map(bucket).collect(),
                }
            })
            .collect(),
        expansions: expansions(exp),
        indexed_sequence,
        interpreted_query: Some(interpreted(interpretation)),
    }
}

fn interpreted(i: Interpretation) -> pb::InterpretedQuery {
    let Interpretation {
        query,
        changed,
        notes,
        partial_match,
        suggestions,
    } = i;
    pb::InterpretedQuery {
        query,
        changed,
        notes: notes.into_iter().map(note).collect(),
        partial_match,
        suggestions: suggestions.into_iter().map(suggestion).collect(),
    }
}

fn note(n: Note) -> pb::QueryNote {
    let Note {
        kind,
        span: (start, end),
        message,
    } = n;
    let kind = match kind {
        NoteKind::Closed => pb::QueryNoteKind::Closed,
        NoteKind::Unmatched => pb::QueryNoteKind::Unmatched,
        NoteKind::DanglingOperator => pb::QueryNoteKind::DanglingOperator,
        NoteKind::NotAField => pb::QueryNoteKind::NotAField,
        NoteKind::Possessive => pb::QueryNoteKind::Possessive,
        NoteKind::Compound => pb::QueryNoteKind::Compound,
        NoteKind::NotSearchable => pb::QueryNoteKind::NotSearchable,
        NoteKind::BadValue => pb::QueryNoteKind::BadValue,
        NoteKind::Flattened => pb::QueryNoteKind::Flattened,
    };
    pb::QueryNote {
        kind: kind as i32,
        start: start as u32,
        end: end as u32,
        message,
    }
}

fn suggestion(s: Suggestion) -> pb::QuerySuggestion {
    let Suggestion {
        term,
        replacement,
        query,
        hits,
        entity_id,
    } = s;
    pb::QuerySuggestion {
        term,
        replacement,
        query,
        hits,
        entity_id,
    }
}

pub fn similar(similar: Similar) -> pb::SearchResponse {
    let Similar {
        hits,
        total_hits,
        indexed_sequence,
    } = similar;
    pb::SearchResponse {
        hits: hits.into_iter().map(hit).collect(),
        total_hits,
        indexed_sequence,
        ..Default::default()
    }
}

pub fn cooccurrences(result: Cooccurrences) -> pb::GetCooccurrencesResponse {
    let Cooccurrences {
        entity,
        document_count,
        others,
    } = result;
    pb::GetCooccurrencesResponse {
        entity: Some(entity_summary(entity)),
        document_count,
        cooccurrences: others
            .into_iter()
            .map(|b| pb::Cooccurrence {
                document_count: b.count,
                entity: Some(entity_summary(b)),
            })
            .collect(),
    }
}

/// An entity's bucket (its id, display name and type) as a summary.
fn entity_summary(b: Bucket) -> pb::EntitySummary {
    pb::EntitySummary {
        id: b.value,
        canonical_name: b.display_name,
        r#type: b.entity_type,
    }
}

pub fn index_status(report: IndexReport) -> pb::IndexStatus {
    let IndexReport {
        indexed_sequence,
        stored_sequence,
        lag,
        document_count,
        segment_count,
        catching_up,
        last_error,
        last_error_time,
        entity_sequence,
        last_commit_time,
        text_empty_count,
    } = report;
    pb::IndexStatus {
        indexed_sequence,
        stored_sequence,
        lag,
        document_count,
        segment_count,
        catching_up,
        last_error,
        last_error_time: last_error_time.map(system_time),
        entity_sequence,
        last_commit_time: last_commit_time.map(system_time),
        text_empty_count,
    }
}

pub fn story_order(order: i32) -> Result<StoryOrder> {
    match pb::StoryOrder::try_from(order) {
        Ok(pb::StoryOrder::Unspecified | pb::StoryOrder::Recent) => Ok(StoryOrder::Recent),
        Ok(pb::StoryOrder::Size) => Ok(StoryOrder::Size),
        Err(_) => Err(unknown_enum("order", order, "StoryOrder")),
    }
}

pub fn story_page(page: StoryPage) -> pb::ListStoriesResponse {
    pb::ListStoriesResponse {
        stories: page.stories.into_iter().map(story).collect(),
        next_page_token: page.next_page_token,
        total_stories: page.total_stories,
    }
}

pub fn story(s: Story) -> pb::Story {
    pb::Story {
        id: s.id,
        title: s.title,
        document_ids: s.document_ids,
        sources: s
            .sources
            .into_iter()
            .map(|src| pb::StorySource {
                source: src.source,
                first_document_id: src.first_document_id,
                first_published: src.first_published.map(timestamp),
                document_count: src.document_count,
            })
            .collect(),
        first_published: s.first_published.map(timestamp),
        last_published: s.last_published.map(timestamp),
        document_count: s.document_count,
        top_entities: s
            .top_entities
            .into_iter()
            .map(|(e, n)| pb::StoryEntity {
                entity: Some(pb::EntitySummary {
                    id: e.id,
                    canonical_name: e.name,
                    r#type: e.entity_type,
                }),
                document_count: n,
            })
            .collect(),
        timeline: s
            .timeline
            .into_iter()
            .map(|t| pb::TimelineEntry {
                date: t.date,
                date_text: t.date_text,
                sentence: t.sentence,
                document_id: t.document_id,
                source: t.source,
                published_at: t.published_at.map(timestamp),
            })
            .collect(),
        merged_ids: s.merged_ids,
        duplicate_count: s.duplicate_count,
    }
}

pub fn quote_page(page: QuotePage) -> pb::ListQuotesResponse {
    let QuotePage {
        quotes,
        next_page_token,
        total_quotes,
    } = page;
    pb::ListQuotesResponse {
        quotes: quotes.into_iter().map(quote_record).collect(),
        next_page_token,
        total_quotes,
    }
}

fn quote_record(listed: ListedQuote) -> pb::QuoteRecord {
    let ListedQuote {
        document_id,
        source,
        published_at,
        title,
        quote: q,
        story_id,
    } = listed;
    pb::QuoteRecord {
        document_id,
        source,
        published_at: published_at.map(timestamp),
        title,
        quote: Some(quote(q)),
        story_id,
    }
}

/// The entities named inside the quote are the index's own (they let the
/// query language's entity expansion read the quote); the wire has no
/// field for them.
fn quote(q: DocQuote) -> pb::Quote {
    let DocQuote {
        text,
        start,
        end,
        direct,
        cue,
        speaker_entity_id,
        speaker_name,
        speaker_start,
        speaker_end,
        speaker_canonical_name,
        addressee_entity_id,
        addressee,
        entities: _,
    } = q;
    pb::Quote {
        text,
        start,
        end,
        direct,
        cue,
        speaker_entity_id,
        speaker_name,
        speaker_start,
        speaker_end,
        addressee_entity_id,
        addressee,
        speaker_canonical_name,
    }
}

/// A screening request's names: known entity types only.
pub fn screen_names(names: Vec<pb::ScreenName>) -> Result<Vec<ScreenName>> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            if pb::EntityType::try_from(n.r#type).is_err() {
                return Err(Error::invalid(
                    "names",
                    format!(
                        "names[{i}].type: unknown value {}; use one of the EntityType values of dossier/v1 (0 for any)",
                        n.r#type
                    ),
                ));
            }
            Ok(ScreenName {
                name: n.name,
                entity_type: n.r#type,
                country: n.country,
                aliases: n.aliases,
            })
        })
        .collect()
}

pub fn screen_result(r: ScreenResult) -> pb::ScreenResult {
    pb::ScreenResult {
        name: r.name,
        index: u32::try_from(r.index).unwrap_or(u32::MAX),
        matches: r
            .matches
            .into_iter()
            .map(|m| pb::ScreenMatch {
                entity_id: m.candidate.entity_id,
                canonical_name: m.candidate.canonical_name,
                r#type: m.candidate.entity_type,
                score: m.candidate.score,
                matched_spellings: m.candidate.matched_spellings,
                document_count: m.document_count,
                explanation: m.candidate.explanation,
                evidence: m
                    .evidence
                    .into_iter()
                    .map(|e| pb::ScreenEvidence {
                        document_id: e.document_id,
                        source: e.source,
                        published_at: e.published_at.map(timestamp),
                        title: e.title,
                        snippet: e.snippet.map(snippet),
                    })
                    .collect(),
            })
            .collect(),
    }
}
