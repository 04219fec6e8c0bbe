//! `stories` and `story`: events covered by several outlets, with their
//! outlets, entities and a timeline of the dates their articles give.

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{GetStoryRequest, ListStoriesRequest, Story, StoryOrder};

use super::time;
use crate::cli::StoriesArgs;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

pub async fn list(
    mut client: SearchServiceClient<ClientChannel>,
    args: StoriesArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let request = ListStoriesRequest {
        query: args.query,
        entity_id: args.entity.unwrap_or_default(),
        published_after: time::since("--since", args.since.as_deref())?,
        published_before: None,
        source: args.source.unwrap_or_default(),
        page_size: args.page_size,
        page_token: args.page_token,
        order: if args.largest {
            StoryOrder::Size
        } else {
            StoryOrder::Recent
        } as i32,
        min_documents: args.min_articles,
    };
    let response = client.list_stories(request).await?.into_inner();
    match format {
        Format::Json => output::print_json(&response)?,
        Format::JsonLines => response
            .stories
            .iter()
            .try_for_each(output::print_json_line)?,
        Format::Text => {
            outln!("{} stories", response.total_stories)?;
            for story in &response.stories {
                outln!()?;
                print_heading(story)?;
            }
            if !response.next_page_token.is_empty() {
                eprintln!("more: --page-token {}", response.next_page_token);
            }
        }
    }
    Ok(exit::OK)
}

pub async fn show(
    mut client: SearchServiceClient<ClientChannel>,
    id: String,
    format: Format,
) -> anyhow::Result<i32> {
    let story = client.get_story(GetStoryRequest { id }).await?.into_inner();
    match format {
        Format::Json | Format::JsonLines => output::print_json(&story)?,
        Format::Text => print_story(&story)?,
    }
    Ok(exit::OK)
}

fn print_heading(story: &Story) -> Printed {
    outln!("{}  {}", story.id, story.title)?;
    let outlets: Vec<&str> = story.sources.iter().map(|s| s.source.as_str()).collect();
    outln!(
        "  {} articles, {} outlets ({}), {} – {}",
        story.document_count,
        outlets.len(),
        outlets.join(", "),
        output::timestamp(story.first_published.as_ref()),
        output::timestamp(story.last_published.as_ref()),
    )?;
    let people: Vec<String> = story
        .top_entities
        .iter()
        .take(6)
        .filter_map(|e| e.entity.as_ref().map(|x| x.canonical_name.clone()))
        .collect();
    if !people.is_empty() {
        outln!("  {}", people.join(", "))?;
    }
    Ok(())
}

fn print_story(story: &Story) -> Printed {
    print_heading(story)?;
    if !story.merged_ids.is_empty() {
        outln!("  merged from {}", story.merged_ids.join(", "))?;
    }
    if story.duplicate_count > 0 {
        outln!("  {} of its articles copy another", story.duplicate_count)?;
    }
    outln!()?;
    outln!("outlets")?;
    for source in &story.sources {
        outln!(
            "  {:<24} {:>3} articles, first {} ({})",
            source.source,
            source.document_count,
            output::timestamp(source.first_published.as_ref()),
            source.first_document_id
        )?;
    }
    outln!()?;
    outln!("entities")?;
    for e in &story.top_entities {
        if let Some(entity) = &e.entity {
            outln!(
                "  {:>3}  {} ({})",
                e.document_count,
                entity.canonical_name,
                entity.r#type().as_str_name()
            )?;
        }
    }
    outln!()?;
    outln!("timeline")?;
    let mut last_date = "";
    for entry in &story.timeline {
        if entry.date != last_date {
            outln!("  {}", entry.date)?;
            last_date = &entry.date;
        }
        outln!(
            "    │ {} — {} ({})",
            output::truncate(&entry.sentence, 160),
            entry.source,
            output::timestamp(entry.published_at.as_ref())
        )?;
    }
    Ok(())
}
