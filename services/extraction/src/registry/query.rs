//! Read queries: one entity (following merges), pages of entities, and the
//! candidate entities for a name.

use std::cmp::Reverse;

use super::error::{RegistryError, Result};
use super::model::{
    Alias, Entity, EntityRecord, EntitySummary, Handle, entity_id, parse_entity_id, type_from_code,
};
use super::state::Overlay;
use super::{Registry, summary};
use crate::EntityType;
use crate::link::fold::fold;
use crate::link::{LocalEntity, ParsedName};

/// Default and maximum page sizes for [`Registry::list_entities`].
pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 1_000;

/// Order of [`Registry::list_entities`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntityOrder {
    /// Most mentioned first (ties: oldest id first).
    #[default]
    MentionCount,
    /// Canonical name, accent- and case-insensitive, A to Z.
    Name,
}

/// A page request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// 0 means [`DEFAULT_PAGE_SIZE`]; larger than [`MAX_PAGE_SIZE`] is lowered.
    pub page_size: usize,
    /// From a previous page's `next_page_token`, with the same filters and order.
    pub page_token: Option<String>,
    pub entity_type: Option<EntityType>,
    /// Matches the start of the canonical name or of any alias, folded.
    pub name_prefix: Option<String>,
    pub order: EntityOrder,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityPage {
    pub entities: Vec<Entity>,
    pub next_page_token: Option<String>,
}

/// An entity a name may refer to, with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct NameCandidate {
    pub entity: EntitySummary,
    pub score: f64,
}

/// Sort key, also the page token's content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Mentions(Reverse<u64>, Handle),
    Name(String, Handle),
}

impl SortKey {
    fn plain(&self) -> String {
        match self {
            SortKey::Mentions(Reverse(n), h) => format!("m:{n}:{h}"),
            SortKey::Name(name, h) => format!("n:{h}:{name}"),
        }
    }

    /// An opaque token: the key in hex, then a check over the key and the
    /// listing it belongs to, so a cut, altered or foreign token is refused
    /// instead of silently resuming somewhere else.
    fn token(&self, q: &ListQuery) -> String {
        let plain = self.plain();
        let mut token = hex(plain.as_bytes());
        token.push_str(&hex(&token_check(&plain, q)));
        token
    }

    fn parse(token: &str, q: &ListQuery) -> Option<SortKey> {
        let split = token.len().checked_sub(2 * TOKEN_CHECK_BYTES)?;
        let plain = String::from_utf8(unhex(token.get(..split)?)?).ok()?;
        if unhex(token.get(split..)?)? != token_check(&plain, q) {
            return None;
        }
        let mut parts = plain.splitn(3, ':');
        match (parts.next()?, q.order) {
            ("m", EntityOrder::MentionCount) => {
                let n = parts.next()?.parse().ok()?;
                let h = parts.next()?.parse().ok()?;
                Some(SortKey::Mentions(Reverse(n), h))
            }
            ("n", EntityOrder::Name) => {
                let h = parts.next()?.parse().ok()?;
                Some(SortKey::Name(parts.next()?.to_string(), h))
            }
            _ => None,
        }
    }
}

const TOKEN_CHECK_BYTES: usize = 8;

/// The first bytes of SHA-256 over the key and the listing's filters.
fn token_check(plain: &str, q: &ListQuery) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let listing = format!(
        "{plain}\u{0}{:?}\u{0}{:?}\u{0}{:?}",
        q.order, q.entity_type, q.name_prefix
    );
    Sha256::digest(listing.as_bytes())[..TOKEN_CHECK_BYTES].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Registry {
    /// One entity; an id that was merged away resolves to its survivor
    /// (whose id then differs from the one asked for).
    pub fn get_entity(&self, id: &str) -> Result<Entity> {
        let h = parse_entity_id(id).ok_or_else(|| {
            RegistryError::invalid(
                "id",
                format!(
                    "{} is not an entity id (ent_ followed by digits)",
                    super::error::echo(id)
                ),
            )
        })?;
        let state = self.state.read();
        if h as usize >= state.entities.len() {
            return Err(RegistryError::not_found("entity", id));
        }
        let r = state.resolve(h);
        let rec = state
            .get(r)
            .ok_or_else(|| RegistryError::not_found("entity", id))?;
        Ok(view_record(r, rec))
    }

    /// A page of live entities (not merged away, with at least one mention).
    pub fn list_entities(&self, q: &ListQuery) -> Result<EntityPage> {
        let size = match q.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let after = match &q.page_token {
            Some(t) if !t.is_empty() => Some(SortKey::parse(t, q).ok_or_else(|| {
                RegistryError::invalid("page_token", "not a token from this listing and order")
            })?),
            _ => None,
        };
        let prefix = q.name_prefix.as_deref().map(fold).filter(|p| !p.is_empty());
        let state = self.state.read();
        let mut keys: Vec<SortKey> = state
            .entities
            .iter()
            .enumerate()
            .filter(|(_, r)| r.merged_into.is_none() && !r.retired && r.mention_count > 0)
            .filter(|(_, r)| {
                q.entity_type
                    .is_none_or(|t| type_from_code(r.entity_type) == t)
            })
            .filter(|(_, r)| prefix.as_deref().is_none_or(|p| matches_prefix(r, p)))
            .map(|(h, r)| sort_key(h as Handle, r, q.order))
            .filter(|k| after.as_ref().is_none_or(|a| k > a))
            .collect();
        keys.sort_unstable();
        let more = keys.len() > size;
        keys.truncate(size);
        let next_page_token = if more {
            keys.last().map(|k| k.token(q))
        } else {
            None
        };
        let entities = keys
            .iter()
            .filter_map(|k| {
                let h = match k {
                    SortKey::Mentions(_, h) | SortKey::Name(_, h) => *h,
                };
                state.get(h).map(|r| view_record(h, r))
            })
            .collect();
        Ok(EntityPage {
            entities,
            next_page_token,
        })
    }

    /// Entities a name may refer to, best first, at most `limit`. With no
    /// type, the name is tried as a person and as any other name.
    pub fn resolve_name(
        &self,
        name: &str,
        entity_type: Option<EntityType>,
        limit: usize,
    ) -> Vec<NameCandidate> {
        let state = self.state.read();
        let types = match entity_type {
            Some(t) => vec![t],
            None => vec![EntityType::Person, EntityType::Org],
        };
        let mut out: Vec<NameCandidate> = Vec::new();
        for t in types {
            let parsed = ParsedName::parse(name, t);
            let le = LocalEntity {
                mentions: Vec::new(),
                entity_type: t,
                name: parsed.clone(),
                forms: vec![(parsed.clone(), 1)],
            };
            for (h, score) in super::linker::name_scores(&state, &le) {
                let Some(rec) = state.get(h) else { continue };
                if entity_type.is_none()
                    && t == EntityType::Org
                    && type_from_code(rec.entity_type) == EntityType::Person
                {
                    continue;
                }
                if out.iter().any(|c| c.entity.id == entity_id(h)) {
                    continue;
                }
                out.push(NameCandidate {
                    entity: summary(h, rec),
                    score,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.entity.id.cmp(&b.entity.id))
        });
        out.truncate(limit);
        out
    }
}

fn matches_prefix(r: &EntityRecord, prefix: &str) -> bool {
    fold(&r.canonical_name).starts_with(prefix)
        || r.aliases.iter().any(|a| fold(&a.name).starts_with(prefix))
}

fn sort_key(h: Handle, r: &EntityRecord, order: EntityOrder) -> SortKey {
    match order {
        EntityOrder::MentionCount => SortKey::Mentions(Reverse(r.mention_count), h),
        EntityOrder::Name => SortKey::Name(fold(&r.canonical_name), h),
    }
}

pub(crate) fn view(ov: &Overlay<'_>, h: Handle) -> Entity {
    view_record(h, ov.get(h))
}

pub(crate) fn view_record(h: Handle, r: &EntityRecord) -> Entity {
    let mut aliases: Vec<Alias> = r
        .aliases
        .iter()
        .map(|a| Alias {
            name: a.name.clone(),
            mention_count: a.mention_count,
            document_count: a.document_count,
            document_ids: a.document_ids.to_vec(),
        })
        .collect();
    aliases.sort_by(|a, b| {
        b.mention_count
            .cmp(&a.mention_count)
            .then(a.name.cmp(&b.name))
    });
    Entity {
        id: entity_id(h),
        canonical_name: r.canonical_name.clone(),
        entity_type: type_from_code(r.entity_type),
        aliases,
        mention_count: r.mention_count,
        document_count: r.document_count,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        merged_ids: r.merged_ids.iter().map(|&m| entity_id(m)).collect(),
        distinct_ids: r.distinct.iter().map(|&m| entity_id(m)).collect(),
    }
}
