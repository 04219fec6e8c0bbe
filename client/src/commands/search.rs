//! `search`: hits as a readable list with highlighted snippets and facets.

use std::io::IsTerminal;
use std::str::FromStr;

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    FacetField, FacetRequest, HistogramInterval, InterpretedQuery, QuerySyntax, SearchFilter,
    SearchRequest, SearchResponse, Snippet, SortOrder,
};

use super::extract::parse_type;
use crate::cli::SearchArgs;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

pub async fn run(
    mut client: SearchServiceClient<ClientChannel>,
    args: SearchArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let request = SearchRequest {
        query: args.query,
        page_size: args.page_size,
        page_token: args.page_token,
        filter: Some(SearchFilter {
            sources: args.sources,
            entity_ids: args.entities,
            published_after: parse_time("--after", args.after.as_deref())?,
            published_before: parse_time("--before", args.before.as_deref())?,
            ..SearchFilter::default()
        }),
        facets: args
            .facets
            .iter()
            .map(|f| parse_facet(f))
            .collect::<anyhow::Result<_>>()?,
        sort: if args.newest {
            SortOrder::PublishedDesc
        } else {
            SortOrder::Relevance
        } as i32,
        disable_entity_expansion: args.exact,
        highlight: true,
        include_body: false,
        // What a person types is repaired, never refused for its syntax;
        // --strict is for scripts that want the error instead.
        syntax: if args.strict {
            QuerySyntax::Strict
        } else {
            QuerySyntax::Lenient
        } as i32,
        collapse_duplicates: args.collapse,
        exact_total_hits: args.count_all,
    };
    let response = client.search(request).await?.into_inner();
    if let (Format::Text, Some(interpreted)) = (format, &response.interpreted_query) {
        print_interpreted(interpreted);
    }
    match format {
        Format::Json => output::print_json(&response)?,
        Format::JsonLines => response.hits.iter().try_for_each(output::print_json_line)?,
        Format::Text => print_response(&response, std::io::stdout().is_terminal())?,
    }
    Ok(exit::OK)
}

/// `source`, `label`, `language`, `entity`, `entity:PERSON`, `date:week`.
fn parse_facet(spec: &str) -> anyhow::Result<FacetRequest> {
    let (name, arg) = spec.split_once(':').unwrap_or((spec, ""));
    let mut facet = FacetRequest {
        limit: 10,
        ..FacetRequest::default()
    };
    match name {
        "source" => facet.field = FacetField::Source as i32,
        "label" => facet.field = FacetField::Label as i32,
        "language" => facet.field = FacetField::Language as i32,
        "story" => facet.field = FacetField::Story as i32,
        "entity" => {
            facet.field = FacetField::Entity as i32;
            if !arg.is_empty() {
                facet.entity_type = parse_type(arg)?;
            }
        }
        "date" => {
            facet.field = FacetField::PublishedAt as i32;
            facet.interval = match arg {
                "" | "day" => HistogramInterval::Day,
                "week" => HistogramInterval::Week,
                "month" => HistogramInterval::Month,
                other => anyhow::bail!("unknown date interval {other:?}; use day, week or month"),
            } as i32;
        }
        other => anyhow::bail!(
            "unknown facet {other:?}; use source, label, language, story, entity[:TYPE] or date[:day|week|month]"
        ),
    }
    Ok(facet)
}

pub(super) fn parse_time(
    flag: &str,
    value: Option<&str>,
) -> anyhow::Result<Option<prost_types::Timestamp>> {
    value
        .map(|text| {
            prost_types::Timestamp::from_str(text).map_err(|_| {
                anyhow::anyhow!(
                    "{flag} {text:?} is not an RFC 3339 time such as 2026-03-03T00:00:00Z"
                )
            })
        })
        .transpose()
}

fn print_response(response: &SearchResponse, colour: bool) -> Printed {
    if response.total_hits_is_lower_bound {
        outln!("at least {} hits", response.total_hits)?;
    } else {
        outln!("{} hits", response.total_hits)?;
    }
    for hit in &response.hits {
        outln!()?;
        outln!(
            "{}  {:.2}  {}  {}",
            hit.document_id,
            hit.score,
            hit.source,
            output::timestamp(hit.published_at.as_ref())
        )?;
        outln!(
            "  {}",
            if colour {
                format!("\x1b[1m{}\x1b[0m", hit.title)
            } else {
                hit.title.clone()
            }
        )?;
        let mut about = Vec::new();
        if !hit.story_id.is_empty() {
            about.push(format!("story {}", hit.story_id));
        }
        if !hit.duplicate_of.is_empty() {
            about.push(format!(
                "copy of {} ({:.0}% alike)",
                hit.duplicate_of,
                hit.duplicate_similarity * 100.0
            ));
        }
        if hit.duplicate_count > 0 {
            about.push(format!("+{} copies", hit.duplicate_count));
        }
        if !about.is_empty() {
            outln!("  {}", about.join(" · "))?;
        }
        for snippet in hit.snippets.iter().filter(|s| s.field == "body") {
            outln!("  {}", mark(snippet, colour))?;
        }
        for variant in &hit.matched_variants {
            outln!(
                "  matched {:?} as {} ({})",
                variant.variant,
                variant.canonical_name,
                variant.entity_id
            )?;
        }
    }
    for facet in &response.facets {
        let name = FacetField::try_from(facet.field)
            .map(|f| f.as_str_name())
            .unwrap_or("?");
        outln!()?;
        outln!("{}", name.trim_start_matches("FACET_FIELD_").to_lowercase())?;
        for bucket in &facet.buckets {
            let label = if bucket.display_name.is_empty() {
                &bucket.value
            } else {
                &bucket.display_name
            };
            outln!("  {:>6}  {}", bucket.count, label)?;
        }
    }
    if !response.next_page_token.is_empty() {
        eprintln!("more: --page-token {}", response.next_page_token);
    }
    Ok(())
}

/// What the service understood, on stderr (stdout keeps the hits), when
/// it is not what was typed: the query as run, each repair, partial
/// matches, and spellings that may be meant.
fn print_interpreted(interpreted: &InterpretedQuery) {
    if interpreted.changed {
        eprintln!("searched for: {}", interpreted.query);
        for note in &interpreted.notes {
            eprintln!("  {}", note.message);
        }
    }
    if interpreted.partial_match {
        eprintln!("no document has every word; showing those with the most of them");
    }
    for suggestion in &interpreted.suggestions {
        eprintln!(
            "did you mean: {} ({} hits)",
            suggestion.query, suggestion.hits
        );
    }
}

/// The snippet with its highlighted spans in bold (TTY) or between `*`.
pub(super) fn mark(snippet: &Snippet, colour: bool) -> String {
    let text = &snippet.fragment;
    let (open, close) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0usize;
    for span in &snippet.highlights {
        let (start, end) = (span.start as usize, span.end as usize);
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(open);
        out.push_str(&text[start..end]);
        out.push_str(close);
        at = end;
    }
    out.push_str(&text[at..]);
    out.replace('\n', " ")
}
