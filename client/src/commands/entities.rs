//! `entities`: browse and curate the registry.

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::{
    CurationResponse, Entity, EntityType, GetEntityRequest, ListEntitiesRequest,
    MarkDistinctRequest, MergeEntitiesRequest, SplitEntityRequest, UndoCurationRequest,
};

use super::extract::parse_type;
use crate::cli::EntitiesCommand;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

pub async fn run(
    mut client: ExtractionServiceClient<ClientChannel>,
    command: EntitiesCommand,
    format: Format,
) -> anyhow::Result<i32> {
    match command {
        EntitiesCommand::List {
            entity_type,
            prefix,
            page_size,
            page_token,
        } => {
            let request = ListEntitiesRequest {
                page_size,
                page_token,
                r#type: entity_type
                    .as_deref()
                    .map(parse_type)
                    .transpose()?
                    .unwrap_or_default(),
                name_prefix: prefix.unwrap_or_default(),
                ..ListEntitiesRequest::default()
            };
            let page = client.list_entities(request).await?.into_inner();
            match format {
                Format::Json => output::print_json(&page)?,
                Format::JsonLines => page.entities.iter().try_for_each(output::print_json_line)?,
                Format::Text => {
                    page.entities.iter().try_for_each(print_row)?;
                    if !page.next_page_token.is_empty() {
                        eprintln!("more: --page-token {}", page.next_page_token);
                    }
                }
            }
        }
        EntitiesCommand::Show { id } => {
            let entity = client
                .get_entity(GetEntityRequest { id })
                .await?
                .into_inner();
            if format.is_json() {
                output::print_json(&entity)?;
            } else {
                print_entity(&entity)?;
            }
        }
        EntitiesCommand::Merge { ids, note } => {
            let request = MergeEntitiesRequest {
                entity_ids: ids,
                note,
                ..MergeEntitiesRequest::default()
            };
            print_curation(&client.merge_entities(request).await?.into_inner(), format)?;
        }
        EntitiesCommand::Split { id, aliases } => {
            let request = SplitEntityRequest {
                entity_id: id,
                aliases,
                ..SplitEntityRequest::default()
            };
            print_curation(&client.split_entity(request).await?.into_inner(), format)?;
        }
        EntitiesCommand::Distinct { ids } => {
            let request = MarkDistinctRequest {
                entity_ids: ids,
                ..MarkDistinctRequest::default()
            };
            print_curation(&client.mark_distinct(request).await?.into_inner(), format)?;
        }
        EntitiesCommand::Undo { curation_id } => {
            let response = client
                .undo_curation(UndoCurationRequest { curation_id })
                .await?
                .into_inner();
            print_curation(&response, format)?;
        }
    }
    Ok(exit::OK)
}

fn type_name(value: i32) -> &'static str {
    EntityType::try_from(value)
        .map(|t| t.as_str_name())
        .unwrap_or("?")
}

fn print_row(entity: &Entity) -> Printed {
    outln!(
        "{:<30} {:<8} {:>6} mentions {:>5} docs  {}",
        entity.id,
        type_name(entity.r#type),
        entity.mention_count,
        entity.document_count,
        entity.canonical_name
    )
}

fn print_entity(entity: &Entity) -> Printed {
    outln!(
        "{} ({}) {}",
        entity.canonical_name,
        type_name(entity.r#type),
        entity.id
    )?;
    outln!(
        "{} mentions in {} documents, first seen {}, last seen {}",
        entity.mention_count,
        entity.document_count,
        output::timestamp(entity.first_seen.as_ref()),
        output::timestamp(entity.last_seen.as_ref())
    )?;
    outln!("aliases:")?;
    for alias in &entity.aliases {
        outln!(
            "  {:<30} {:>5} mentions {:>4} docs  {}",
            alias.name,
            alias.mention_count,
            alias.document_count,
            alias.document_ids.join(" ")
        )?;
    }
    if !entity.merged_ids.is_empty() {
        outln!("merged from: {}", entity.merged_ids.join(" "))?;
    }
    if !entity.distinct_ids.is_empty() {
        outln!("distinct from: {}", entity.distinct_ids.join(" "))?;
    }
    Ok(())
}

fn print_curation(response: &CurationResponse, format: Format) -> Printed {
    if format.is_json() {
        return output::print_json(response);
    }
    outln!(
        "curation {} (undo with: dossier entities undo {})",
        response.curation_id,
        response.curation_id
    )?;
    response.entities.iter().try_for_each(print_row)
}
