//! A quote as the index keeps it: what extraction reported, plus the
//! entities named inside it (which let the query language's entity
//! expansion read a quote as it reads an article).

use dossier_proto::v1::{ExtractResponse, Quote};
use serde::{Deserialize, Serialize};

/// One quote of a document. Offsets are UTF-8 byte offsets in the text
/// extraction read (the headline, a blank line, then the article text: see
/// [`crate::model::extraction_text`]), exactly as extraction gave them.
///
/// Stored as JSON in every document (`quotes_json`), so a document read
/// back from the index (relabelled after a rename, or turned into quote
/// records again after a crash) keeps its quotes without extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocQuote {
    pub text: String,
    pub start: u32,
    pub end: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub direct: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cue: String,
    /// The speaker's canonical entity; empty when unattributed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub speaker_entity_id: String,
    /// The speaker as the text refers to them ("Kadhafi", "he").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub speaker_name: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub speaker_start: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub speaker_end: u32,
    /// The speaker entity's canonical name; renames update it in place.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub speaker_canonical_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub addressee_entity_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub addressee: String,
    /// Entities with a mention inside the quote's span, in order of first
    /// mention.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl DocQuote {
    /// "direct" or "reported": the `quote_kind` term.
    pub fn kind(&self) -> &'static str {
        if self.direct { "direct" } else { "reported" }
    }

    /// The quote extraction reported, with the entities mentioned inside it.
    pub fn from_extraction(quote: &Quote, extraction: &ExtractResponse) -> Self {
        let Quote {
            text,
            start,
            end,
            direct,
            cue,
            speaker_entity_id,
            speaker_name,
            speaker_start,
            speaker_end,
            addressee_entity_id,
            addressee,
            speaker_canonical_name,
        } = quote.clone();
        let mut entities: Vec<String> = Vec::new();
        for m in &extraction.mentions {
            let inside = m.start >= start && m.end <= end && m.start < m.end;
            if inside && !m.entity_id.is_empty() && !entities.contains(&m.entity_id) {
                entities.push(m.entity_id.clone());
            }
        }
        Self {
            text,
            start,
            end,
            direct,
            cue,
            speaker_entity_id,
            speaker_name,
            speaker_start,
            speaker_end,
            speaker_canonical_name,
            addressee_entity_id,
            addressee,
            entities,
        }
    }
}

/// The quotes of an extraction, in text order (extraction sends them so;
/// sorting keeps the order a reader of the article sees whatever it sends).
pub fn quotes_of(extraction: &ExtractResponse) -> Vec<DocQuote> {
    let mut quotes: Vec<DocQuote> = extraction
        .quotes
        .iter()
        .filter(|q| !q.text.trim().is_empty())
        .map(|q| DocQuote::from_extraction(q, extraction))
        .collect();
    quotes.sort_by_key(|q| (q.start, q.end));
    quotes
}

#[cfg(test)]
mod tests {
    use dossier_proto::v1::Mention;

    use super::*;

    #[test]
    fn quotes_keep_text_order_and_the_entities_inside_them() {
        let extraction = ExtractResponse {
            mentions: vec![
                mention(5, 10, "e1"),
                mention(12, 18, "e2"),
                mention(40, 45, "e3"),
                mention(14, 16, "e2"),
            ],
            quotes: vec![
                Quote {
                    text: "later words".into(),
                    start: 30,
                    end: 50,
                    ..Default::default()
                },
                Quote {
                    text: "first words".into(),
                    start: 4,
                    end: 20,
                    direct: true,
                    speaker_entity_id: "e9".into(),
                    ..Default::default()
                },
                Quote {
                    text: "  ".into(),
                    start: 60,
                    end: 62,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let quotes = quotes_of(&extraction);
        assert_eq!(quotes.len(), 2, "a blank quote is no quote");
        assert_eq!(quotes[0].text, "first words");
        assert_eq!(quotes[0].entities, ["e1", "e2"]);
        assert_eq!(quotes[0].kind(), "direct");
        assert_eq!(quotes[1].entities, ["e3"]);
        assert_eq!(quotes[1].kind(), "reported");
    }

    #[test]
    fn stored_json_leaves_out_what_is_empty() {
        let quote = DocQuote {
            text: "Our doors stay open".into(),
            start: 3,
            end: 22,
            ..Default::default()
        };
        let json = serde_json::to_string(&quote).unwrap();
        assert_eq!(json, r#"{"text":"Our doors stay open","start":3,"end":22}"#);
        assert_eq!(serde_json::from_str::<DocQuote>(&json).unwrap(), quote);
    }

    fn mention(start: u32, end: u32, entity_id: &str) -> Mention {
        Mention {
            start,
            end,
            entity_id: entity_id.into(),
            ..Default::default()
        }
    }
}
