//! Which entity a name typed on the command line means, as extraction's
//! registry knows it: an id stands for itself (a merged-away id for the
//! entity it was merged into); a name for the entity that has it as its
//! name or one of its spellings, the most mentioned when several do.

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::{Entity, EntityOrder, EntityType, GetEntityRequest, ListEntitiesRequest};

/// Candidates read for a name; the registry lists the most mentioned first.
const CANDIDATES: i32 = 100;

/// The entity `text` names, and the other entities that also answer to it
/// (most mentioned first), so an ambiguous name can be said to be one.
#[derive(Debug)]
pub struct Resolved {
    pub entity: Entity,
    pub others: Vec<Entity>,
}

pub async fn entity(
    client: &mut ExtractionServiceClient<ClientChannel>,
    text: &str,
) -> anyhow::Result<Resolved> {
    let text = text.trim();
    if text.is_empty() {
        anyhow::bail!("give a speaker: a name such as \"Hrytsenko\", or an entity id (ent_…)");
    }
    if is_entity_id(text) {
        let request = GetEntityRequest { id: text.into() };
        let entity = client.get_entity(request).await?.into_inner();
        return Ok(Resolved {
            entity,
            others: Vec::new(),
        });
    }
    let request = ListEntitiesRequest {
        page_size: CANDIDATES,
        name_prefix: text.into(),
        order_by: EntityOrder::MentionCount as i32,
        ..ListEntitiesRequest::default()
    };
    let candidates = client.list_entities(request).await?.into_inner().entities;
    pick(text, candidates).ok_or_else(|| {
        tonic::Status::not_found(format!(
            "no entity is named {text:?}; see the names the registry knows with \
             `dossier entities list --prefix {}`",
            text.split_whitespace().next().unwrap_or(text)
        ))
        .into()
    })
}

/// Extraction's ids: `ent_` and digits.
fn is_entity_id(text: &str) -> bool {
    text.strip_prefix("ent_")
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The best of the entities whose name or a spelling starts with `text`:
/// one spelled exactly so before one that only starts so, a person or
/// organisation (who can be quoted) before anything else, then the
/// registry's order (most mentioned first).
fn pick(text: &str, candidates: Vec<Entity>) -> Option<Resolved> {
    let wanted = text.to_lowercase();
    let rank = |e: &Entity| {
        let exact = std::iter::once(&e.canonical_name)
            .chain(e.aliases.iter().map(|a| &a.name))
            .any(|name| name.to_lowercase() == wanted);
        let speaks = matches!(e.r#type(), EntityType::Person | EntityType::Org);
        (!exact, !speaks)
    };
    let mut ranked: Vec<(usize, Entity)> = candidates.into_iter().enumerate().collect();
    ranked.sort_by_key(|(order, e)| (rank(e), *order));
    let best = rank(&ranked.first()?.1);
    let mut entities = ranked.into_iter().map(|(_, e)| e);
    let entity = entities.next()?;
    Some(Resolved {
        entity,
        others: entities.filter(|e| rank(e) == best).collect(),
    })
}

#[cfg(test)]
mod tests {
    use dossier_proto::v1::Alias;

    use super::*;

    fn entity(id: &str, name: &str, kind: EntityType, aliases: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            canonical_name: name.into(),
            r#type: kind as i32,
            aliases: aliases
                .iter()
                .map(|a| Alias {
                    name: a.to_string(),
                    ..Alias::default()
                })
                .collect(),
            ..Entity::default()
        }
    }

    #[test]
    fn an_exact_spelling_of_a_speaker_wins_over_more_mentions() {
        let candidates = vec![
            entity(
                "ent_1",
                "Hrytsenko Street",
                EntityType::Fac,
                &["Hrytsenko Street"],
            ),
            entity("ent_2", "Hrytsenkova", EntityType::Person, &["Hrytsenkova"]),
            entity(
                "ent_3",
                "Oleksii Hrytsenko",
                EntityType::Person,
                &["Hrytsenko"],
            ),
        ];
        let resolved = pick("hrytsenko", candidates).unwrap();
        assert_eq!(resolved.entity.id, "ent_3");
        assert!(resolved.others.is_empty());
    }

    #[test]
    fn a_prefix_alone_takes_the_most_mentioned_and_names_the_rest() {
        let candidates = vec![
            entity("ent_1", "Maia Sandu", EntityType::Person, &["Sandu"]),
            entity("ent_2", "Maia Sanduleac", EntityType::Person, &[]),
        ];
        let resolved = pick("Maia San", candidates).unwrap();
        assert_eq!(resolved.entity.id, "ent_1");
        assert_eq!(resolved.others.len(), 1);
        assert!(pick("Nobody", Vec::new()).is_none());
    }

    #[test]
    fn ids_are_told_from_names() {
        assert!(is_entity_id("ent_0042"));
        assert!(!is_entity_id("ent_"));
        assert!(!is_entity_id("Entwistle"));
        assert!(!is_entity_id("ent_12a"));
    }
}
