//! Candidate retrieval: entities indexed by normalised keys, so linking a
//! mention looks at a handful of entities rather than all of them.
//!
//! Keys per name: the whole variant key (`f:`), for people the surname key
//! (`s:`) and its phonetic skeleton (`p:`), for other names the acronym (`a:`)
//! and each distinctive token (`t:`). Very common keys (a surname shared by
//! thousands of people) are skipped at query time unless nothing else matches.

use std::collections::HashMap;

use super::name::ParsedName;
use super::variant::skeleton;
use crate::EntityType;

/// A key with more postings than this is too unselective to scan.
const MAX_POSTINGS: usize = 2_000;
/// At most this many candidates are returned for one name.
const MAX_CANDIDATES: usize = 64;

/// Tokens too common to retrieve organisations by.
pub const STOP_TOKENS: &[&str] = &[
    "te", "of", "and", "for", "national", "ministri", "bank", "ink", "ltd",
];

/// Keys under which a name is indexed and looked up, in tiers from most to
/// least specific: the exact variant key; then surname, acronym and token
/// keys; then the phonetic skeleton.
pub fn key_tiers(name: &ParsedName, entity_type: EntityType) -> [Vec<String>; 3] {
    let mut tiers: [Vec<String>; 3] = Default::default();
    if name.is_empty() {
        return tiers;
    }
    tiers[0].push(format!("f:{}", name.full_key()));
    if entity_type == EntityType::Person && !name.is_acronym {
        if let Some(s) = name.surname_key() {
            tiers[1].push(format!("s:{s}"));
            tiers[2].push(format!("p:{}", open_vowel(name.skeleton())));
        }
        return tiers;
    }
    if let Some(a) = name.acronym() {
        tiers[1].push(format!("a:{a}"));
    }
    if name.keys.len() == 1 {
        tiers[2].push(format!("p:{}", open_vowel(name.skeleton())));
    } else {
        for k in &name.keys {
            if k.len() >= 3 && !STOP_TOKENS.contains(&k.as_str()) {
                tiers[1].push(format!("t:{k}"));
                // A misspelt word of a longer name (Promswjasstroj).
                if k.len() >= 5 {
                    tiers[2].push(format!("p:{}", open_vowel(skeleton(k))));
                }
            }
        }
    }
    tiers
}

/// A skeleton whose opening vowel, if any, is written "a": romanisations
/// disagree on it (Othman / Uthman, Ilinsky / Ilyinsky). For retrieval
/// only; scoring decides.
fn open_vowel(mut skeleton: String) -> String {
    if skeleton.starts_with(['e', 'i', 'o', 'u', 'y']) {
        skeleton.replace_range(0..1, "a");
    }
    skeleton
}

/// Every key of a name (all tiers).
pub fn name_keys(name: &ParsedName, entity_type: EntityType) -> Vec<String> {
    key_tiers(name, entity_type).into_iter().flatten().collect()
}

/// Key → entity handles.
#[derive(Debug, Default, Clone)]
pub struct CandidateIndex {
    postings: HashMap<String, Vec<u32>>,
}

impl CandidateIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes `handle` under every key of `name`.
    pub fn insert(&mut self, name: &ParsedName, entity_type: EntityType, handle: u32) {
        for key in name_keys(name, entity_type) {
            let list = self.postings.entry(key).or_default();
            if !list.iter().rev().take(8).any(|&h| h == handle) {
                list.push(handle);
            }
        }
    }

    /// Candidate handles for a name, deduplicated. Tiers are tried from the
    /// most specific and the search stops at the first tier that finds
    /// something — except that a bare surname always also looks at every
    /// person of that surname, so it can see when it is ambiguous.
    pub fn candidates(&self, name: &ParsedName, entity_type: EntityType) -> Vec<u32> {
        let bare_person = entity_type == EntityType::Person && name.keys.len() == 1;
        let mut out: Vec<u32> = Vec::new();
        for (tier, keys) in key_tiers(name, entity_type).iter().enumerate() {
            for key in keys {
                let Some(list) = self.postings.get(key) else {
                    continue;
                };
                if tier > 0 && list.len() > MAX_POSTINGS {
                    continue;
                }
                for &h in list.iter().take(MAX_POSTINGS) {
                    if !out.contains(&h) {
                        out.push(h);
                        if out.len() >= MAX_CANDIDATES {
                            return out;
                        }
                    }
                }
            }
            let keep_looking = out.is_empty() || (bare_person && tier == 0);
            if !keep_looking {
                break;
            }
        }
        out
    }

    /// The handles indexed under one key (as [`key_tiers`] writes keys).
    /// Screening reads postings directly: it looks at every tier and keeps
    /// going past the first that finds something.
    pub fn postings(&self, key: &str) -> &[u32] {
        self.postings.get(key).map_or(&[], Vec::as_slice)
    }

    pub fn key_count(&self) -> usize {
        self.postings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variants_not_strangers() {
        let mut idx = CandidateIndex::new();
        let p = EntityType::Person;
        idx.insert(&ParsedName::parse("Muammar Gaddafi", p), p, 1);
        idx.insert(&ParsedName::parse("Yulia Tymoshenko", p), p, 2);
        idx.insert(&ParsedName::parse("Ann Smith", p), p, 3);
        let o = EntityType::Org;
        idx.insert(
            &ParsedName::parse("North Atlantic Treaty Organization", o),
            o,
            4,
        );
        assert_eq!(idx.candidates(&ParsedName::parse("Kadhafi", p), p), vec![1]);
        assert_eq!(
            idx.candidates(&ParsedName::parse("Yuliya Timoshenko", p), p),
            vec![2]
        );
        assert_eq!(
            idx.candidates(&ParsedName::parse("Tymoshneko", p), p),
            vec![2]
        );
        assert_eq!(idx.candidates(&ParsedName::parse("NATO", o), o), vec![4]);
        assert!(idx.candidates(&ParsedName::parse("Jones", p), p).is_empty());
    }
}
