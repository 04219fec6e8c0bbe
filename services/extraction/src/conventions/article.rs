//! OntoNotes keeps a leading "the" inside multi-word names that take it:
//! "the United States", "the European Union", "the Lazarus Group", "the
//! Black Sea", "the Global South". It stays outside
//! - one-word names, whatever their type ("the [Netherlands]", "the
//!   [Balkans]", "the [West]", "the [Kremlin]", "the [UN]"), as in the
//!   OntoNotes corpus;
//! - multi-word names followed by a lowercase head noun that "the" belongs
//!   to ("the [European Union] budget", "the [New York] subway");
//! - multi-word cities and regions that do not take it ("the [New York]
//!   subway"; only GPEs of the "United …", "… Republic" kind take it);
//! - people, nationalities and products.
//!
//! Canonical names never carry it: the linker is given the name without it.

use super::words::{strip_possessive, word_after, word_before};
use crate::EntityType;
use crate::tagger::NameSpan;

/// Lowercase nouns after a name that "the" belongs to rather than the name
/// ("the [European Union] budget"). Any other word after a name (a verb, a
/// preposition) leaves "the" with the name: "the European Union struck".
const HEAD_NOUNS: &[&str] = &[
    "report",
    "reports",
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chief",
    "head",
    "deal",
    "deals",
    "plan",
    "plans",
    "government",
    "source",
    "sources",
    "statement",
    "meeting",
    "summit",
    "team",
    "board",
    "budget",
    "programme",
    "program",
    "project",
    "initiative",
    "mission",
    "member",
    "members",
    "membership",
    "accession",
    "alliance",
    "bloc",
    "forces",
    "troops",
    "army",
    "navy",
    "leader",
    "leaders",
    "leadership",
    "president",
    "minister",
    "ministers",
    "countries",
    "states",
    "nations",
    "delegation",
    "delegates",
    "talks",
    "negotiations",
    "negotiators",
    "rules",
    "regulations",
    "framework",
    "sanctions",
    "index",
    "data",
    "survey",
    "poll",
    "market",
    "markets",
    "economy",
    "region",
    "area",
    "coast",
    "coastline",
    "border",
    "borders",
    "capital",
    "headquarters",
    "office",
    "embassy",
    "staff",
    "employees",
    "workers",
    "executives",
    "ceo",
    "chairman",
    "fund",
    "funds",
    "funding",
    "package",
    "aid",
    "command",
    "commander",
    "commanders",
    "operation",
    "operations",
    "exercise",
    "exercises",
    "drills",
    "base",
    "bases",
    "route",
    "corridor",
    "pipeline",
    "deadline",
    "decision",
    "ruling",
    "case",
    "investigation",
    "probe",
    "rate",
    "rates",
    "shares",
    "stock",
    "bonds",
    "debt",
    "election",
    "elections",
    "vote",
    "referendum",
    "campaign",
    "party",
    "candidate",
    "side",
    "authorities",
    "regulators",
    "agency",
    "institutions",
    "policy",
    "policies",
    "strategy",
    "model",
    "system",
    "era",
    "crisis",
    "conflict",
    "war",
    "front",
    "frontline",
    "sea",
    "waters",
    "islands",
    "basin",
    "valley",
    "river",
    "delta",
    "facility",
    "plant",
    "site",
    "port",
    "ports",
    "terminal",
    "region's",
    "diplomats",
    "diplomat",
    "lawmakers",
    "allies",
    "partners",
    "partnership",
    "residents",
    "citizens",
    "voters",
    "farmers",
    "companies",
    "banks",
    "investors",
    "analysts",
    "economists",
    "researchers",
    "experts",
    "observers",
    "monitors",
    "inspectors",
    "envoy",
    "envoys",
    "ambassador",
    "representative",
    "representatives",
    "secretariat",
    "presidency",
    "council",
    "parliament",
    "assembly",
    "commission",
    "committee",
    "court",
    "version",
    "edition",
    "format",
    "process",
    "track",
    "agenda",
    "declaration",
    "communique",
    "proposal",
    "proposals",
    "draft",
    "bill",
    "law",
    "laws",
    "treaty",
    "agreement",
    "cooperation",
    "relationship",
    "relations",
    "ties",
    "dialogue",
    "mechanism",
    "scheme",
    "network",
    "grid",
    "cable",
    "cables",
    "line",
    "lines",
    "link",
    "links",
    "bridge",
];

fn is_head_noun(word: &str) -> bool {
    HEAD_NOUNS.contains(&word)
}

fn takes_the(name: &str, ty: EntityType, next: Option<&str>) -> bool {
    if next.is_some_and(is_head_noun) {
        return false;
    }
    if !name.contains(' ') {
        return false;
    }
    match ty {
        EntityType::Gpe => {
            name.starts_with("United ")
                || name.starts_with("Republic of ")
                || name.starts_with("Kingdom of ")
                || name.starts_with("Democratic Republic")
                || name.starts_with("Islamic Republic")
                || name.starts_with("People's Republic")
                || name.ends_with(" Republic")
                || name.ends_with(" Islands")
                || name.ends_with(" Emirates")
                || name.ends_with(" States")
        }
        EntityType::Loc
        | EntityType::Org
        | EntityType::Fac
        | EntityType::Event
        | EntityType::Law => true,
        _ => false,
    }
}

/// One-word names whose capitalised "The" is part of the name itself.
const THE_IN_NAME: &[&str] = &["Hague", "Gambia"];

/// Moves each name's start back over a "the" the name takes, and a one-word
/// name's start past the "the" the tagger put inside it.
pub fn apply(text: &str, names: &mut [NameSpan]) {
    for n in names.iter_mut() {
        let name = &text[n.start..n.end];
        for prefix in ["the ", "The "] {
            if let Some(rest) = name.strip_prefix(prefix)
                && !rest.contains(' ')
                && !rest.is_empty()
                && !(prefix == "The " && THE_IN_NAME.contains(&rest))
            {
                n.start += prefix.len();
            }
        }
    }
    for i in 0..names.len() {
        let n = names[i].clone();
        let Some(w) = word_before(text, n.start) else {
            continue;
        };
        if w.text != "the" && w.text != "The" {
            continue;
        }
        // Only a "the" right before the name, on the same line, not another
        // name's.
        if w.end + 1 != n.start || (i > 0 && names[i - 1].end > w.start) {
            continue;
        }
        let name = strip_possessive(&text[n.start..n.end]);
        let next = word_after(text, n.end).map(|w| w.text);
        if takes_the(name, n.entity_type, next) {
            names[i].start = w.start;
        }
    }
}

/// The offset where a name starts once a leading "the" is left out (for
/// canonical names and linking).
pub fn without_the(text: &str, start: usize, end: usize) -> usize {
    let name = &text[start..end];
    for prefix in ["the ", "The "] {
        if name.len() > prefix.len() && name.starts_with(prefix) {
            return start + prefix.len();
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::super::tests::{names_of, tagged};
    use super::*;

    fn run(text: &str, spans: &[(&str, EntityType)]) -> Vec<String> {
        let mut names = tagged(text, spans);
        apply(text, &mut names);
        names_of(text, &names).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn multi_word_names_take_their_the() {
        assert_eq!(
            run(
                "Talks with the United States and the European Union said",
                &[
                    ("United States", EntityType::Gpe),
                    ("European Union", EntityType::Org)
                ]
            ),
            vec!["the United States", "the European Union"]
        );
        assert_eq!(
            run(
                "The Lazarus Group struck.",
                &[("Lazarus Group", EntityType::Org)]
            ),
            vec!["The Lazarus Group"]
        );
        assert_eq!(
            run(
                "across the Global South",
                &[("Global South", EntityType::Loc)]
            ),
            vec!["the Global South"]
        );
        assert_eq!(
            run("in the Black Sea region", &[("Black Sea", EntityType::Loc)]),
            vec!["Black Sea"]
        );
    }

    #[test]
    fn one_word_names_and_head_nouns_leave_it_out() {
        assert_eq!(run("the UN said", &[("UN", EntityType::Org)]), vec!["UN"]);
        assert_eq!(
            run("The West keeps", &[("The West", EntityType::Loc)]),
            vec!["West"]
        );
        assert_eq!(
            run("in The Hague", &[("The Hague", EntityType::Gpe)]),
            vec!["The Hague"]
        );
        assert_eq!(
            run("across the Balkans", &[("Balkans", EntityType::Loc)]),
            vec!["Balkans"]
        );
        assert_eq!(
            run("the Netherlands said", &[("Netherlands", EntityType::Gpe)]),
            vec!["Netherlands"]
        );
        assert_eq!(
            run("the Kremlin said", &[("Kremlin", EntityType::Org)]),
            vec!["Kremlin"]
        );
        assert_eq!(
            run("the NATO alliance", &[("NATO", EntityType::Org)]),
            vec!["NATO"]
        );
        assert_eq!(
            run(
                "the European Union budget",
                &[("European Union", EntityType::Org)]
            ),
            vec!["European Union"]
        );
        assert_eq!(
            run("the New York subway", &[("New York", EntityType::Gpe)]),
            vec!["New York"]
        );
        assert_eq!(
            run("the Danish government", &[("Danish", EntityType::Norp)]),
            vec!["Danish"]
        );
    }

    #[test]
    fn canonical_names_leave_it_out() {
        let text = "the European Union";
        assert_eq!(without_the(text, 0, text.len()), 4);
        assert_eq!(without_the("Thebes", 0, 6), 0);
    }
}
