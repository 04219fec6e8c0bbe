//! A quote as the index keeps it: what extraction reported, plus the
//! entities named inside it (which let the query language's entity
//! expansion read a quote as it reads an article).

use dossier_proto::v1::{ExtractResponse, Quote};
use serde::{Deserialize, Serialize};

/// One quote of a document. Offsets are UTF-8 byte offsets in the text
/// extraction read (the headline, a blank line, then the article text: see
/// [`crate::model::extraction_text`]), exactly as extraction gave them.
///
/// Stored in every document (`quotes_packed`, postcard: so every field is
/// written, even when empty), so a document read back from the index
/// (relabelled after a rename, or turned into quote records again after a
/// crash) keeps its quotes without extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocQuote {
    pub text: String,
    pub start: u32,
    pub end: u32,
    pub direct: bool,
    pub cue: String,
    /// The speaker's canonical entity; empty when unattributed.
    pub speaker_entity_id: String,
    /// The speaker as the text refers to them ("Kadhafi", "he").
    pub speaker_name: String,
    pub speaker_start: u32,
    pub speaker_end: u32,
    /// The speaker entity's canonical name; renames update it in place.
    pub speaker_canonical_name: String,
    pub addressee_entity_id: String,
    pub addressee: String,
    /// Entities with a mention inside the quote's span, in order of first
    /// mention.
    pub entities: Vec<String>,
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
    fn stored_quotes_round_trip_and_stay_short() {
        let bare = DocQuote {
            text: "Our doors stay open".into(),
            start: 3,
            end: 22,
            ..Default::default()
        };
        let full = DocQuote {
            direct: true,
            cue: "said".into(),
            speaker_entity_id: "ent_0000000058".into(),
            speaker_name: "Vochelov".into(),
            speaker_start: 30,
            speaker_end: 38,
            speaker_canonical_name: "Dmitry Vochelov".into(),
            addressee_entity_id: "ent_0000000059".into(),
            addressee: "reporters".into(),
            entities: vec!["ent_0000000193".into(), "ent_0000000804".into()],
            ..bare.clone()
        };
        let quotes = vec![bare.clone(), full.clone()];
        let packed = postcard::to_allocvec(&quotes).unwrap();
        assert_eq!(
            postcard::from_bytes::<Vec<DocQuote>>(&packed).unwrap(),
            quotes
        );
        // No names beside the text: its length, then a byte for each of
        // the twelve other fields when they are empty or small.
        let bare_len = postcard::to_allocvec(&bare).unwrap().len();
        assert_eq!(bare_len, 1 + bare.text.len() + 12);
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
