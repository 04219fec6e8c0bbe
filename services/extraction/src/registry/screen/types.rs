//! Which entity types a screened name may match.
//!
//! A name screened as PERSON matches people, as ORG organisations; with no
//! type, any. The registry's type is the tagger's guess, though, and the
//! tagger is least sure exactly where screening looks: unfamiliar company
//! names ("Karadeniz Lojistik", "TOV Halychbudinvest" typed PERSON) and
//! unfamiliar people's names (a Russian name typed ORG). So an entity of
//! another type is reached only when its own name contradicts its type —
//! an organisation's words or legal form on a PERSON entity; a name of two
//! to four words with no such word on an ORG, GPE or MISC entity — and then
//! only by a near-exact match ([`CROSS_TYPE_MIN`]), scored ×[`CROSS_TYPE`].
//! A person-looking PERSON entity is never an ORG match, however alike.

use super::compare::LEGAL_FORMS;
use super::forms::Form;
use crate::EntityType;
use crate::link::ParsedName;

/// Factor for a match across types (the linker's agreement factor for
/// names the tagger typed otherwise).
pub const CROSS_TYPE: f64 = 0.9;
/// Score a match across types needs before the factor.
pub const CROSS_TYPE_MIN: f64 = 0.95;

/// Words of organisations' names, folded (and the legal forms of
/// [`LEGAL_FORMS`]).
#[rustfmt::skip]
const ORG_WORDS: &[&str] = &[
    "trading", "shipping", "logistics", "holding", "holdings", "group", "company", "bank",
    "energy", "investment", "investments", "capital", "partners", "industries", "industry",
    "contracting", "petroleum", "marine", "mining", "freight", "pharma", "technologies",
    "resources", "securities", "insurance", "aviation", "steelworks", "services", "agency",
    "union", "fund", "trust", "foundation", "ministry", "council", "authority",
    // Turkish and Arabic words of company names.
    "lojistik", "denizcilik", "sanayi", "ticaret", "insaat", "enerji", "tijara", "tegara",
];

/// Parts of one-word Russian and Ukrainian company names (Uralkhimprom,
/// Yeniseyleseksport), folded.
const BRAND_PARTS: &[&str] = &[
    "eksport", "export", "prom", "stroi", "stroy", "trans", "invest", "energo", "neft", "gaz",
    "mash", "flot", "snab", "torg", "bud",
];

/// Whether a name carries an organisation's word or legal form.
pub fn reads_as_org(n: &ParsedName) -> bool {
    n.folded.iter().any(|t| {
        let t = t.as_str();
        ORG_WORDS.contains(&t)
            || (LEGAL_FORMS.contains(&t)
                && !matches!(t, "the" | "al" | "el" | "and" | "und" | "et"))
            || (t.len() >= 8 && BRAND_PARTS.iter().any(|p| t.contains(p)))
    })
}

/// Whether a name reads as a person's: two to four words, none of an
/// organisation.
pub fn reads_as_person(n: &ParsedName) -> bool {
    (2..=4).contains(&n.folded.len()) && !reads_as_org(n)
}

/// How a form may meet an entity of type `theirs`: on its own side, or
/// across types (see the module notes), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meeting {
    Same,
    Across,
    Never,
}

/// Whether `form` may match an entity of type `theirs` written
/// `spelling` (parsed as its registry type).
pub fn meeting(form: &Form, theirs: EntityType, spelling: &ParsedName) -> Meeting {
    if form.accepts(theirs) {
        return Meeting::Same;
    }
    if !theirs.is_name() {
        return Meeting::Never;
    }
    let across = if form.person {
        theirs != EntityType::Person && reads_as_person(spelling)
    } else {
        theirs == EntityType::Person
            && form.required.is_none_or(|t| t == EntityType::Org)
            && reads_as_org(spelling)
    };
    if across {
        Meeting::Across
    } else {
        Meeting::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, t: EntityType) -> ParsedName {
        ParsedName::parse(s, t)
    }

    #[test]
    fn names_that_contradict_their_type() {
        use EntityType::*;
        assert!(reads_as_org(&p("TOV Halychbudinvest", Person)));
        assert!(reads_as_org(&p("Karadeniz Lojistik", Person)));
        assert!(reads_as_org(&p("Yeniseyleseksport", Person)));
        assert!(!reads_as_org(&p("Oleksii Hrytsenko", Person)));
        assert!(reads_as_person(&p("Valeriya Ushakova", Org)));
        assert!(!reads_as_person(&p("Northwind Shipping Ltd", Org)));
        assert!(!reads_as_person(&p("Gazprom", Org)));
    }
}
