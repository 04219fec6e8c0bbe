//! Candidate entities for a screened name, from the linker's candidate
//! index.
//!
//! The linker stops at the first key tier that finds anything and keeps at
//! most 64 candidates: right for a mention in running text, where the exact
//! spelling nearly always exists. A screened name is usually spelled
//! otherwise than any article spells it, so screening reads every tier (the
//! exact key, the surname or the name's words, the phonetic skeleton), and
//! for organisations also the name's core without its legal form, so
//! "Gazprom PJSC" meets "Gazprom" from either side.

use std::collections::HashSet;

use super::compare::org_core;
use super::forms::{Form, QueryForms};
use crate::link::index::{STOP_TOKENS, name_keys};
use crate::registry::model::Handle;
use crate::registry::state::State;

/// A key (other than an exact name) with more entities than this is too
/// unselective to score them all: a name needs another key to be found
/// then (its exact spelling, or a less common surname skeleton).
const MAX_POSTINGS: usize = 5_000;

/// Live entity handles (merges followed) that any form may match.
pub fn candidates(state: &State, q: &QueryForms) -> Vec<Handle> {
    let mut seen: HashSet<Handle> = HashSet::new();
    let mut out = Vec::new();
    for form in &q.forms {
        for key in keys(form) {
            let list = state.index.postings(&key);
            if list.len() > MAX_POSTINGS && !key.starts_with("f:") {
                continue;
            }
            for &h in list {
                let r = state.resolve(h);
                if seen.insert(r) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// The index keys to read for one form.
fn keys(form: &Form) -> Vec<String> {
    let mut keys = name_keys(&form.parsed, form.parsed_type());
    // An entity the tagger typed otherwise is indexed the other way:
    // people under their surname (s:), other names under their words (t:).
    if form.person {
        for k in form.parsed.keys.iter().filter(|k| k.len() >= 3) {
            keys.push(format!("t:{k}"));
        }
    } else if let Some(&last) = org_core(&form.parsed).last() {
        keys.push(format!("s:{}", form.parsed.keys[last]));
    }
    if !form.person {
        // One-word names are indexed under their whole key, longer ones
        // under each word: look both ways, and by the core, spaced and
        // joined.
        for k in &form.parsed.keys {
            if k.len() >= 3 && !STOP_TOKENS.contains(&k.as_str()) {
                keys.push(format!("t:{k}"));
                keys.push(format!("f:{k}"));
            }
        }
        let core = org_core(&form.parsed);
        if !core.is_empty() {
            let words: Vec<&str> = core.iter().map(|&i| form.parsed.keys[i].as_str()).collect();
            keys.push(format!("f:{}", words.join(" ")));
            // "Sovcom Flot" / "Sovcomflot".
            keys.push(format!("f:{}", words.concat()));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}
