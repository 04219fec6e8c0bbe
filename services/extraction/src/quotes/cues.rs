//! The words that attribute speech ("said", "told", "according to") and
//! the nouns that name speakers ("the minister", "the company", "the
//! statement").

/// Verbs of saying, in the forms news uses for attribution. Lower case.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "warned",
    "warns",
    "wrote",
    "writes",
    "tweeted",
    "posted",
    "stated",
    "states",
    "announced",
    "announces",
    "insisted",
    "insists",
    "argued",
    "argues",
    "claimed",
    "claims",
    "noted",
    "notes",
    "explained",
    "explains",
    "asked",
    "asks",
    "replied",
    "replies",
    "responded",
    "continued",
    "continues",
    "stressed",
    "stresses",
    "urged",
    "urges",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "declared",
    "declares",
    "predicted",
    "predicts",
    "cautioned",
    "cautions",
    "recalled",
    "recalls",
    "suggested",
    "suggests",
    "vowed",
    "vows",
    "pledged",
    "pledges",
    "promised",
    "promises",
    "conceded",
    "concedes",
    "complained",
    "complains",
    "observed",
    "remarked",
    "concluded",
    "reiterated",
    "reiterates",
    "maintained",
    "maintains",
    "emphasised",
    "emphasized",
    "emphasises",
    "emphasizes",
    "countered",
    "counters",
    "objected",
    "testified",
    "testifies",
    "recounted",
    "shouted",
    "whispered",
    "joked",
    "quipped",
    "answered",
    "agreed",
    "agrees",
    "disagreed",
    "alleged",
    "alleges",
    "reported",
    "reports",
    "estimated",
    "estimates",
    "signalled",
    "signaled",
    "hinted",
    "acknowledging",
    "saying",
    "telling",
    "adding",
    "warning",
    "writing",
    "announcing",
    "insisting",
    "arguing",
    "noting",
    "explained",
    "mused",
    "lamented",
    "boasted",
    "pleaded",
    "demanded",
    "demands",
    "ruled",
    "rules",
    "found",
    "finds",
    "concluding",
    "stating",
    "read",
    "reads",
    "assured",
    "assures",
    "informed",
    "briefed",
    "forecast",
    "forecasts",
    "projected",
    "believes",
    "believed",
    "thinks",
    "contended",
    "contends",
    "stated",
    "recommended",
    "declined",
];

/// True for a verb of saying (lower-cased `word`).
pub fn is_speech_verb(word: &str) -> bool {
    SPEECH_VERBS.contains(&word)
}

/// Verbs whose object is whom it was said to ("told reporters").
pub fn takes_addressee(verb: &str) -> bool {
    matches!(
        verb,
        "told"
            | "tells"
            | "telling"
            | "assured"
            | "assures"
            | "informed"
            | "briefed"
            | "urged"
            | "urges"
            | "warned"
            | "warns"
            | "asked"
            | "asks"
            | "reminded"
    )
}

/// Verbs that rarely attribute reported speech without "that" and a
/// speaker right before them: they are cues only beside quotation marks
/// or with "that" ("the court found that", but not "rescuers found a boy").
pub fn needs_that_when_reported(verb: &str) -> bool {
    matches!(
        verb,
        "found"
            | "finds"
            | "ruled"
            | "rules"
            | "read"
            | "reads"
            | "reported"
            | "reports"
            | "estimated"
            | "estimates"
            | "forecast"
            | "forecasts"
            | "projected"
            | "believes"
            | "believed"
            | "thinks"
            | "agreed"
            | "agrees"
            | "asked"
            | "asks"
            | "urged"
            | "urges"
            | "demanded"
            | "demands"
            | "declined"
            | "recommended"
            | "promised"
            | "promises"
            | "pledged"
            | "pledges"
            | "vowed"
            | "vows"
            | "recalled"
            | "recalls"
            | "continued"
            | "continues"
            | "answered"
            | "posted"
            | "informed"
            | "briefed"
            | "signalled"
            | "signaled"
            | "hinted"
            | "alleged"
            | "alleges"
    )
}

/// Personal pronouns that can be a speaker.
pub fn pronoun(word: &str) -> Option<Pronoun> {
    match word.to_ascii_lowercase().as_str() {
        "he" => Some(Pronoun::He),
        "she" => Some(Pronoun::She),
        "they" => Some(Pronoun::They),
        "it" => Some(Pronoun::It),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    He,
    She,
    They,
    It,
}

/// What a noun heading a speaker phrase stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NounKind {
    /// A person: "the minister", "the 54-year-old".
    Person,
    /// An organisation: "the company", "the ministry".
    Organisation,
    /// A text an organisation or person issued: "the statement".
    Document,
}

const PERSON_NOUNS: &[&str] = &[
    "minister",
    "president",
    "leader",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chief",
    "executive",
    "official",
    "officials",
    "judge",
    "mayor",
    "governor",
    "premier",
    "chancellor",
    "ambassador",
    "envoy",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "founder",
    "lawyer",
    "attorney",
    "prosecutor",
    "senator",
    "lawmaker",
    "mp",
    "candidate",
    "coach",
    "manager",
    "captain",
    "striker",
    "player",
    "analyst",
    "economist",
    "expert",
    "scientist",
    "doctor",
    "professor",
    "researcher",
    "commissioner",
    "secretary",
    "general",
    "commander",
    "negotiator",
    "diplomat",
    "woman",
    "man",
    "veteran",
    "activist",
    "resident",
    "residents",
    "head",
    "boss",
    "deputy",
    "adviser",
    "advisor",
    "aide",
    "representative",
    "councillor",
    "councilor",
    "economist",
    "engineer",
    "teacher",
    "nurse",
    "mother",
    "father",
    "farmer",
    "owner",
    "worker",
    "officer",
    "inspector",
    "investigator",
    "auditor",
    "regulator",
    "governor",
    "mediator",
    "foreign",
    "witness",
    "defendant",
    "plaintiff",
    "victim",
    "survivor",
    "organiser",
    "organizer",
    "campaigner",
    "founder",
    "partner",
    "strategist",
    "historian",
    "pollster",
    "physician",
    "surgeon",
    "epidemiologist",
    "virologist",
    "meteorologist",
    "forecaster",
    "trader",
    "banker",
    "investor",
    "shareholder",
    "union",
    "source",
    "sources",
    "people",
    "person",
    "incumbent",
    "challenger",
    "nominee",
    "premier",
    "king",
    "queen",
    "prince",
    "pope",
    "bishop",
    "cardinal",
    "imam",
    "rabbi",
    "priest",
    "pilot",
    "driver",
    "fisherman",
    "midfielder",
    "defender",
    "goalkeeper",
    "forward",
    "athlete",
    "runner",
    "champion",
];

const ORGANISATION_NOUNS: &[&str] = &[
    "company",
    "firm",
    "group",
    "ministry",
    "agency",
    "court",
    "government",
    "department",
    "bank",
    "party",
    "council",
    "commission",
    "committee",
    "office",
    "authority",
    "regulator",
    "embassy",
    "army",
    "military",
    "police",
    "club",
    "team",
    "organisation",
    "organization",
    "board",
    "insurer",
    "carrier",
    "airline",
    "operator",
    "utility",
    "lender",
    "manufacturer",
    "maker",
    "startup",
    "retailer",
    "broadcaster",
    "network",
    "newspaper",
    "alliance",
    "coalition",
    "bloc",
    "union",
    "federation",
    "association",
    "institute",
    "university",
    "hospital",
    "service",
    "kremlin",
    "pentagon",
    "administration",
    "cabinet",
    "parliament",
    "senate",
    "assembly",
    "tribunal",
    "prosecutors",
    "prosecution",
    "campaign",
    "charity",
    "foundation",
    "consortium",
    "exchange",
    "fund",
    "central",
];

const DOCUMENT_NOUNS: &[&str] = &[
    "statement",
    "readout",
    "ruling",
    "filing",
    "report",
    "letter",
    "memo",
    "communique",
    "communiqué",
    "release",
    "document",
    "transcript",
    "decision",
    "judgment",
    "judgement",
    "order",
    "complaint",
    "lawsuit",
    "indictment",
    "notice",
    "post",
    "message",
    "note",
    "summary",
    "verdict",
    "opinion",
    "announcement",
    "bulletin",
    "advisory",
    "study",
    "survey",
    "assessment",
    "review",
    "audit",
    "minutes",
    "draft",
    "proposal",
    "resolution",
    "declaration",
    "guidance",
    "warning",
    "affidavit",
    "brief",
    "motion",
    "petition",
];

/// The kind of a lower-cased noun, when it can head a speaker phrase.
pub fn noun_kind(word: &str) -> Option<NounKind> {
    if DOCUMENT_NOUNS.contains(&word) {
        Some(NounKind::Document)
    } else if ORGANISATION_NOUNS.contains(&word) {
        Some(NounKind::Organisation)
    } else if PERSON_NOUNS.contains(&word) || word.ends_with("-old") {
        Some(NounKind::Person)
    } else {
        None
    }
}

/// Words that can start a description of a speaker.
pub fn is_determiner(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "the"
            | "a"
            | "an"
            | "one"
            | "another"
            | "his"
            | "her"
            | "its"
            | "their"
            | "two"
            | "three"
            | "several"
            | "some"
            | "many"
            | "other"
            | "senior"
            | "local"
            | "this"
            | "that"
            | "both"
            | "most"
    )
}

/// Whom a cue can name as addressee without naming an entity.
pub fn is_indefinite(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "a" | "an" | "one" | "another" | "two" | "three" | "several" | "some" | "many"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_reads() {
        assert!(is_speech_verb("said"));
        assert!(!is_speech_verb("Said"));
        assert_eq!(noun_kind("minister"), Some(NounKind::Person));
        assert_eq!(noun_kind("54-year-old"), Some(NounKind::Person));
        assert_eq!(noun_kind("statement"), Some(NounKind::Document));
        assert_eq!(noun_kind("ministry"), Some(NounKind::Organisation));
        assert_eq!(pronoun("She"), Some(Pronoun::She));
    }
}
