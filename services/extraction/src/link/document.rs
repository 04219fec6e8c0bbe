//! Within-document linking: which name mentions of one article are the same
//! entity. Identical names (by variant key) group first; then a surname or a
//! shorter form joins the fuller person name it abbreviates ("Merkel" →
//! "Angela Merkel"), and an acronym joins its expansion ("NATO" ↔ "North
//! Atlantic Treaty Organization"). Metonyms ("the Kremlin") match nothing
//! but themselves, so they stay their own entity.

use std::collections::HashMap;

use super::NameMention;
use super::name::ParsedName;
use super::score::{GivenNames, given_names};
use crate::EntityType;

/// One entity as seen inside one document.
#[derive(Debug, Clone)]
pub struct LocalEntity {
    /// Indices into the input mentions, ascending.
    pub mentions: Vec<usize>,
    pub entity_type: EntityType,
    /// The most complete form used in the document.
    pub name: ParsedName,
    /// Each distinct form (by display text) with its mention count.
    pub forms: Vec<(ParsedName, u32)>,
}

/// Groups the name mentions of one document. Mentions of value types (DATE,
/// MONEY, …) and empty names are left out. Clusters are ordered by first mention.
pub fn cluster_document(mentions: &[NameMention]) -> Vec<LocalEntity> {
    let parsed: Vec<Option<ParsedName>> = mentions
        .iter()
        .map(|m| {
            if !m.entity_type.is_name() {
                return None;
            }
            let p = ParsedName::parse(&m.text, m.entity_type);
            (!p.is_empty()).then_some(p)
        })
        .collect();
    // 1. Identical keys.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, p) in parsed.iter().enumerate() {
        let Some(p) = p else { continue };
        let g = *by_key.entry(p.full_key()).or_insert_with(|| {
            groups.push(Group::default());
            groups.len() - 1
        });
        groups[g].members.push(i);
    }
    let mut uf = UnionFind::new(groups.len());
    let info: Vec<GroupInfo> = groups
        .iter()
        .map(|g| GroupInfo::new(g, &parsed, mentions))
        .collect();
    // 2. Shorter person names join fuller ones; 3. acronyms join expansions.
    let mut order: Vec<usize> = (0..info.len()).collect();
    order.sort_by_key(|&g| (info[g].name.keys.len(), info[g].first));
    for &x in &order {
        if let Some(y) = best_fuller(x, &info) {
            uf.union(x, y);
        }
    }
    assemble(&info, &mut uf, &parsed, mentions)
}

#[derive(Default)]
struct Group {
    members: Vec<usize>,
}

struct GroupInfo {
    members: Vec<usize>,
    first: usize,
    name: ParsedName,
    entity_type: EntityType,
}

impl GroupInfo {
    fn new(g: &Group, parsed: &[Option<ParsedName>], mentions: &[NameMention]) -> GroupInfo {
        let first = g.members[0];
        let entity_type = majority_type(g.members.iter().map(|&i| mentions[i].entity_type));
        let name = parsed[first].clone().unwrap_or_else(|| {
            ParsedName::parse(&mentions[first].text, mentions[first].entity_type)
        });
        // Re-parse in the majority type so a person's surname is known.
        let name = if name_type_matters(entity_type, mentions[first].entity_type) {
            ParsedName::parse(&mentions[first].text, entity_type)
        } else {
            name
        };
        GroupInfo {
            members: g.members.clone(),
            first,
            name,
            entity_type,
        }
    }
}

fn name_type_matters(majority: EntityType, first: EntityType) -> bool {
    (majority == EntityType::Person) != (first == EntityType::Person)
}

fn majority_type(types: impl Iterator<Item = EntityType>) -> EntityType {
    let mut counts: Vec<(EntityType, usize)> = Vec::new();
    for t in types {
        match counts.iter_mut().find(|(c, _)| *c == t) {
            Some((_, n)) => *n += 1,
            None => counts.push((t, 1)),
        }
    }
    // Stable: the first type seen wins ties; MISC loses to any specific type.
    let mut best: Option<(EntityType, usize)> = None;
    for (t, n) in counts {
        let better = match best {
            None => true,
            Some((bt, bn)) => {
                n > bn || (n == bn && bt == EntityType::Misc && t != EntityType::Misc)
            }
        };
        if better {
            best = Some((t, n));
        }
    }
    best.map(|b| b.0).unwrap_or(EntityType::Misc)
}

/// The fuller group that group `x` abbreviates, if exactly one qualifies.
/// With several (two people named Hollis), the short form stays on its own:
/// a wrong join costs more than a missed one.
fn best_fuller(x: usize, info: &[GroupInfo]) -> Option<usize> {
    let gx = &info[x];
    let mut candidates = (0..info.len()).filter(|&y| y != x && abbreviates(gx, &info[y]));
    let first = candidates.next()?;
    // Several fuller forms of one person ("Angela Merkel", "Angela Dorothea
    // Merkel") are not a conflict: they join each other first.
    let rest: Vec<usize> = candidates.collect();
    if rest.iter().all(|&y| same_person(&info[first], &info[y])) {
        Some(
            std::iter::once(first)
                .chain(rest)
                .max_by_key(|&y| (info[y].name.keys.len(), std::cmp::Reverse(info[y].first)))
                .unwrap_or(first),
        )
    } else {
        None
    }
}

fn same_person(a: &GroupInfo, b: &GroupInfo) -> bool {
    abbreviates(a, b) || abbreviates(b, a)
}

/// Whether `short` is a shorter way of writing `full`.
fn abbreviates(short: &GroupInfo, full: &GroupInfo) -> bool {
    let (s, f) = (&short.name, &full.name);
    if s.is_acronym && !f.is_acronym && f.keys.len() >= 2 {
        return s.acronym().is_some() && s.acronym() == f.acronym();
    }
    let person_like = |t: EntityType| matches!(t, EntityType::Person | EntityType::Misc);
    if full.entity_type != EntityType::Person || !person_like(short.entity_type) {
        return false;
    }
    if s.keys.len() >= f.keys.len() || s.is_acronym {
        return false;
    }
    // A bare single token abbreviates via the surname.
    if s.keys.len() == 1 {
        return f.surname_key() == Some(s.keys[0].as_str());
    }
    f.surname_key().is_some()
        && s.surname_key() == f.surname_key()
        && !matches!(given_names(s, f), GivenNames::Blocked)
}

fn assemble(
    info: &[GroupInfo],
    uf: &mut UnionFind,
    parsed: &[Option<ParsedName>],
    mentions: &[NameMention],
) -> Vec<LocalEntity> {
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for g in 0..info.len() {
        by_root.entry(uf.find(g)).or_default().push(g);
    }
    let mut out: Vec<LocalEntity> = by_root
        .into_values()
        .map(|gs| {
            let mut members: Vec<usize> =
                gs.iter().flat_map(|&g| info[g].members.clone()).collect();
            members.sort_unstable();
            let entity_type = majority_type(members.iter().map(|&i| mentions[i].entity_type));
            let mut forms: Vec<(ParsedName, u32)> = Vec::new();
            for &i in &members {
                let p = if mentions[i].entity_type == entity_type {
                    parsed[i].clone()
                } else {
                    Some(ParsedName::parse(&mentions[i].text, entity_type))
                };
                let Some(p) = p.filter(|p| !p.is_empty()) else {
                    continue;
                };
                match forms.iter_mut().find(|(f, _)| f.display == p.display) {
                    Some((_, n)) => *n += 1,
                    None => forms.push((p, 1)),
                }
            }
            let name = representative(&forms);
            LocalEntity {
                mentions: members,
                entity_type,
                name,
                forms,
            }
        })
        .collect();
    out.sort_by_key(|e| e.mentions.first().copied().unwrap_or(usize::MAX));
    out
}

/// The most complete form (most tokens, not an acronym), then the most frequent.
fn representative(forms: &[(ParsedName, u32)]) -> ParsedName {
    forms
        .iter()
        .enumerate()
        .max_by_key(|(i, (f, n))| (!f.is_acronym, f.keys.len(), *n, std::cmp::Reverse(*i)))
        .map(|(_, (f, _))| f.clone())
        .unwrap_or_else(|| ParsedName::parse("", EntityType::Misc))
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut c = x;
        while self.parent[c] != r {
            let next = self.parent[c];
            self.parent[c] = r;
            c = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra] = rb;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, t: EntityType) -> NameMention {
        NameMention {
            start: 0,
            end: text.len(),
            text: text.to_string(),
            entity_type: t,
        }
    }

    fn names(ms: &[NameMention]) -> Vec<(String, Vec<usize>)> {
        cluster_document(ms)
            .into_iter()
            .map(|e| (e.name.display, e.mentions))
            .collect()
    }

    use EntityType::{Gpe, Org, Person};

    #[test]
    fn surname_joins_full_name() {
        let ms = [
            m("Chancellor Angela Merkel", Person),
            m("Berlin", Gpe),
            m("Merkel", Person),
            m("Merkel's", Person),
        ];
        assert_eq!(
            names(&ms),
            vec![
                ("Angela Merkel".to_string(), vec![0, 2, 3]),
                ("Berlin".to_string(), vec![1]),
            ]
        );
    }

    #[test]
    fn acronym_joins_expansion_either_order() {
        let ms = [
            m("NATO", Org),
            m("North Atlantic Treaty Organization", Org),
            m("NATO", Org),
        ];
        assert_eq!(
            names(&ms),
            vec![(
                "North Atlantic Treaty Organization".to_string(),
                vec![0, 1, 2]
            )]
        );
    }

    #[test]
    fn shared_surname_stays_ambiguous() {
        let ms = [
            m("Ann Smith", Person),
            m("John Smith", Person),
            m("Smith", Person),
            m("Ann Smith", Person),
        ];
        let got = names(&ms);
        assert_eq!(got[0], ("Ann Smith".to_string(), vec![0, 3]));
        assert_eq!(got[1], ("John Smith".to_string(), vec![1]));
        assert_eq!(got[2], ("Smith".to_string(), vec![2]));
    }

    #[test]
    fn longer_forms_of_one_person_are_not_a_conflict() {
        let ms = [
            m("Angela Dorothea Merkel", Person),
            m("Angela Merkel", Person),
            m("Merkel", Person),
        ];
        assert_eq!(names(&ms).len(), 1);
    }

    #[test]
    fn different_given_names_stay_apart() {
        let ms = [
            m("Wang Yi", Person),
            m("Wang Huning", Person),
            m("Wang", Person),
        ];
        let got = names(&ms);
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn metonym_stays_its_own() {
        let ms = [
            m("President Vladimir Putin", Person),
            m("the Kremlin", Org),
            m("Putin", Person),
        ];
        let got = names(&ms);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, "the Kremlin");
    }

    #[test]
    fn skips_values_and_empty() {
        let ms = [m("March 1", EntityType::Date), m("   ", Person)];
        assert!(names(&ms).is_empty());
    }
}
