//! What the registry stores (records, serialised with postcard) and what it
//! returns (views with string ids).
//!
//! Entities are addressed internally by a dense `u32` handle; the public id
//! is `ent_` + the handle + 1, zero-padded to ten digits, so ids are stable,
//! sort in creation order, and convert without a lookup table.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::EntityType;

/// Dense internal entity number.
pub type Handle = u32;

/// At most this many document ids are listed per alias (counts stay exact).
pub const MAX_ALIAS_DOCS: usize = 100;
/// Co-mentioned entities remembered per entity, as linking context.
pub const MAX_CONTEXT: usize = 64;
/// Outlets remembered per entity, as linking context.
pub const MAX_SOURCES: usize = 32;

/// The public id of a handle.
pub fn entity_id(h: Handle) -> String {
    format!("ent_{:010}", u64::from(h) + 1)
}

/// The handle of a public id, if well-formed.
pub fn parse_entity_id(id: &str) -> Option<Handle> {
    let digits = id.strip_prefix("ent_")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Handle::try_from(n.checked_sub(1)?).ok()
}

/// The public id of a curation.
pub fn curation_id(n: u64) -> String {
    format!("cur_{n:010}")
}

pub fn parse_curation_id(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("cur_")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub(crate) fn type_code(t: EntityType) -> u8 {
    EntityType::ALL.iter().position(|x| *x == t).unwrap_or(13) as u8
}

pub(crate) fn type_from_code(c: u8) -> EntityType {
    EntityType::ALL
        .get(usize::from(c))
        .copied()
        .unwrap_or(EntityType::Misc)
}

/// One entity as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct EntityRecord {
    pub entity_type: u8,
    pub canonical_name: String,
    /// Sorted by name.
    pub aliases: Vec<AliasRecord>,
    pub mention_count: u64,
    pub document_count: u64,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    /// Set when merged away (or retired by an undone split).
    pub merged_into: Option<Handle>,
    /// Entities merged directly into this one.
    pub merged_ids: Vec<Handle>,
    /// Entities judged distinct from this one.
    pub distinct: Vec<Handle>,
    /// Name keys that must never link to this entity (moved out by a split).
    pub blocked_keys: Vec<String>,
    /// Co-mentioned entities → number of shared documents (linking context).
    pub context: Vec<(Handle, u32)>,
    /// Outlet → number of documents.
    pub sources: Vec<(String, u32)>,
    /// The last curation that changed this entity, for undo checks.
    pub last_curation: Option<u64>,
    /// Bumped on every change; lets undo tell whether anything happened since.
    pub version: u64,
    /// A tombstone: the entity of an undone split.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct AliasRecord {
    pub name: String,
    pub mention_count: u64,
    pub document_count: u64,
    /// The smallest document ids using this alias, at most [`MAX_ALIAS_DOCS`].
    /// Shared: recording a document copies each entity it touches, and once
    /// the list is full a new document rarely changes it (copying whole
    /// records was 8% of extraction's CPU, most of it these ids; issue 19).
    pub document_ids: Arc<Vec<String>>,
}

/// One document's contribution: which entity each of its names went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct DocRecord {
    pub source: Option<String>,
    /// published_at, or the processing time when the document had none.
    pub seen_at: i64,
    /// Sorted by (entity, alias); `entity` is the handle linked at the time,
    /// resolved through merges when aggregated.
    pub items: Vec<DocItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub(crate) struct DocItem {
    pub entity: Handle,
    pub alias: String,
    pub mentions: u32,
}

/// A curation, kept so it can be undone exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CurationRecord {
    pub id: u64,
    pub action: CurationAction,
    pub note: String,
    pub request_id: Option<String>,
    /// Entity records as they were before.
    pub before: Vec<(Handle, EntityRecord)>,
    /// Entity versions right after; equal versions at undo mean nothing
    /// changed since, so the `before` records are restored byte for byte.
    pub after_versions: Vec<(Handle, u64)>,
    pub undone: bool,
    pub created_at: i64,
    /// The change-log sequence this curation produced.
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CurationAction {
    Merge {
        into: Handle,
        sources: Vec<Handle>,
    },
    Split {
        from: Handle,
        new: Handle,
        aliases: Vec<String>,
        /// (document id, item index, previous entity) for every item moved.
        moved: Vec<(String, u32, Handle)>,
    },
    Distinct {
        ids: Vec<Handle>,
    },
}

/// What kind of entity change a consumer must apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntityChangeKind {
    /// `source_ids` were merged into `entity_id`.
    Merged,
    /// A merge was undone: `source_ids` exist again beside `entity_id`.
    Unmerged,
    /// Aliases of `entity_id` moved to the new entities in `source_ids`.
    Split,
    /// A split was undone.
    Unsplit,
    /// The entity's canonical name or type changed.
    Updated,
}

/// One entry of the resumable entity change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityChange {
    pub sequence: u64,
    pub kind: EntityChangeKind,
    pub entity_id: String,
    pub source_ids: Vec<String>,
    pub curation_id: Option<String>,
    /// Documents whose entity ids this change affects.
    pub document_ids: Vec<String>,
    /// Unix seconds.
    pub commit_time: i64,
    /// For `Updated`: the entity as it is when the change is read, filled
    /// by [`crate::registry::Registry::changes_after`]; not stored.
    #[serde(skip)]
    pub entity: Option<EntitySummary>,
}

/// One spelling of an entity's name, as returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub name: String,
    pub mention_count: u64,
    pub document_count: u64,
    /// At most [`MAX_ALIAS_DOCS`], smallest ids first.
    pub document_ids: Vec<String>,
}

/// An entity as returned by queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub canonical_name: String,
    pub entity_type: EntityType,
    /// Most mentioned first.
    pub aliases: Vec<Alias>,
    pub mention_count: u64,
    pub document_count: u64,
    /// Unix seconds.
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub merged_ids: Vec<String>,
    pub distinct_ids: Vec<String>,
}

/// The short form carried with extraction results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary {
    pub id: String,
    pub canonical_name: String,
    pub entity_type: EntityType,
}

/// The outcome of a curation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curation {
    pub curation_id: String,
    /// The entities as they are now.
    pub entities: Vec<Entity>,
    /// The sequence of the resulting entity change (0 if none was logged).
    pub sequence: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for h in [0, 1, 41, u32::MAX - 1] {
            assert_eq!(parse_entity_id(&entity_id(h)), Some(h));
        }
        assert_eq!(entity_id(0), "ent_0000000001");
        assert_eq!(parse_entity_id("ent_0000000000"), None);
        assert_eq!(parse_entity_id("ent_"), None);
        assert_eq!(parse_entity_id("ent_-1"), None);
        assert_eq!(parse_entity_id("foo"), None);
        assert_eq!(parse_curation_id(&curation_id(7)), Some(7));
    }

    #[test]
    fn type_codes_round_trip() {
        for t in EntityType::ALL {
            assert_eq!(type_from_code(type_code(t)), t);
        }
    }
}
