//! The explanation of a match, in words an analyst can check:
//!
//! `"Aleksei Gritsenko": surname hrytsenko = gritsenko (variant key); given
//! oleksii ~ aleksei (Ukrainian/Russian form)`
//!
//! Tokens are shown folded (lowercase, accents removed), as they were
//! compared; `=` joins parts with one key, `~` parts that are alike.

use std::fmt::Write;

use super::compare::{MIDDLE_CONFLICT, Part, SURNAME_ONLY, Verdict, org_core};
use super::forms::{Order, QueryForms, ROTATED_PENALTY};
use crate::link::ParsedName;
use crate::link::score::GivenWhy;
use crate::registry::model::{EntityRecord, type_from_code};

/// Explains `v`, a verdict of one of `q`'s forms against one of `rec`'s
/// aliases.
pub fn explain(v: &Verdict, q: &QueryForms, rec: &EntityRecord) -> String {
    let form = &q.forms[v.form];
    let spelling = &rec.aliases[v.alias].name;
    let across = v.parts.iter().any(|p| matches!(p, Part::CrossType(_)));
    let as_type = if across {
        form.parsed_type()
    } else {
        type_from_code(rec.entity_type)
    };
    let theirs = ParsedName::parse(spelling, as_type);
    let ours = &form.parsed;
    let mut out = String::new();
    if form.source > 0 {
        let _ = write!(out, "alias \"{}\" ", q.texts[form.source]);
    }
    let _ = write!(out, "\"{spelling}\":");
    let parts: Vec<String> = v.parts.iter().map(|p| part(p, ours, &theirs)).collect();
    let _ = write!(out, " {}", parts.join("; "));
    match form.order {
        Order::AsWritten => {}
        Order::Comma => out.push_str("; order: SURNAME, Given"),
        Order::Capitals => out.push_str("; order: surname in capitals"),
        Order::Rotated => {
            let _ = write!(out, "; order: read surname first (-{ROTATED_PENALTY})");
        }
    }
    out
}

fn part(p: &Part, ours: &ParsedName, theirs: &ParsedName) -> String {
    let o = |i: usize| ours.folded[i].as_str();
    let t = |i: usize| theirs.folded[i].as_str();
    match *p {
        Part::Surname {
            ours: a,
            theirs: b,
            sim,
        } => {
            let (op, how) = token_how(ours, a, theirs, b, sim);
            format!("surname {} {op} {} ({how})", o(a), t(b))
        }
        Part::Given {
            ours: a,
            theirs: b,
            why,
        } => format!(
            "given {} {} {} ({})",
            o(a),
            given_op(why),
            t(b),
            why.describe()
        ),
        Part::Middle {
            ours: a,
            theirs: b,
            why,
        } => format!(
            "middle {} {} {} ({})",
            o(a),
            given_op(why),
            t(b),
            why.describe()
        ),
        Part::MiddleDiffers { ours: a, theirs: b } => {
            format!(
                "middle {} ≠ {} (different names, ×{MIDDLE_CONFLICT})",
                o(a),
                t(b)
            )
        }
        Part::MiddleAlone { token, ours: true } => {
            format!("middle {} not in this spelling", o(token))
        }
        Part::MiddleAlone { token, ours: false } => {
            format!("middle {} only in this spelling", t(token))
        }
        Part::SurnameOnly => format!("surname only, no given name to compare (×{SURNAME_ONLY})"),
        Part::Identical => "the same name".to_string(),
        Part::SameKeys => format!(
            "{} = {} (variant key)",
            ours.folded.join(" "),
            theirs.folded.join(" ")
        ),
        Part::LegalForm => {
            let dropped: Vec<&str> = dropped(ours).chain(dropped(theirs)).collect();
            format!("legal form or article aside ({})", dropped.join(", "))
        }
        Part::Acronym => "acronym of the full name".to_string(),
        Part::CrossType(t) => format!(
            "the registry types it {t}, but the name reads otherwise (×{})",
            super::types::CROSS_TYPE
        ),
        Part::Joined => format!(
            "{} = {} (words joined)",
            ours.folded.join(" "),
            theirs.folded.join(" ")
        ),
        Part::Word {
            ours: a,
            theirs: b,
            sim,
        } => {
            let (op, how) = token_how(ours, a, theirs, b, sim);
            format!("{} {op} {} ({how})", o(a), t(b))
        }
    }
}

/// The words of a name that its core leaves out.
fn dropped(n: &ParsedName) -> impl Iterator<Item = &str> {
    let core = org_core(n);
    (0..n.folded.len())
        .filter(move |i| !core.contains(i))
        .map(|i| n.folded[i].as_str())
}

fn given_op(why: GivenWhy) -> &'static str {
    match why {
        GivenWhy::Identical | GivenWhy::VariantKey => "=",
        _ => "~",
    }
}

/// How two tokens compared: the operator and the reason.
fn token_how(
    ours: &ParsedName,
    a: usize,
    theirs: &ParsedName,
    b: usize,
    sim: f64,
) -> (&'static str, String) {
    if ours.folded[a] == theirs.folded[b] {
        return ("=", "exact".into());
    }
    if ours.keys[a] == theirs.keys[b] {
        let how = if ours.chinese && theirs.chinese {
            "Pinyin/Wade-Giles"
        } else {
            "variant key"
        };
        return ("=", how.into());
    }
    let how = if sim == 0.92 {
        "one letter apart".to_string()
    } else if sim == 0.9 {
        "same consonants".to_string()
    } else {
        format!("close spelling, {sim:.2}")
    };
    ("~", how)
}
