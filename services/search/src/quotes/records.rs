//! An article's quotes as documents of the quote index.
//!
//! A quote record is an [`IndexDoc`] of the article schema whose `body` is
//! the quote's words, `title` the article's headline, `entities` the
//! entities named inside the quote, `quotes` the one quote, and whose
//! metadata (id, source, date, language, labels, story) is the article's.
//! Its `seq` is the article's creation sequence with the quote's position
//! in the low bits, so the search order "newest first, then by sequence"
//! lists an article's quotes together and in text order, and a page token
//! (the last record's key) stays exact however the index changes between
//! pages.

use crate::model::IndexDoc;

/// Low bits of a record's `seq` that hold the quote's position in its
/// article: room for a million quotes per article (an article of 1 MiB
/// holds at most a few hundred thousand, even of one word each).
pub const POSITION_BITS: u32 = 20;
/// Most quotes of one article that are indexed.
pub const MAX_QUOTES_PER_ARTICLE: usize = 1 << POSITION_BITS;
/// Largest article sequence whose records keep their own key: 2^44, far
/// beyond any change feed (a million writes a second for half a year).
const MAX_ARTICLE_SEQUENCE: u64 = (1 << (64 - POSITION_BITS)) - 1;

/// The `seq` of the record of the quote at `position` of an article.
pub fn record_sequence(article_sequence: u64, position: usize) -> u64 {
    (article_sequence.min(MAX_ARTICLE_SEQUENCE) << POSITION_BITS)
        | (position as u64 & (MAX_QUOTES_PER_ARTICLE as u64 - 1))
}

/// The quote records of `article`, in text order. Each speaker's canonical
/// name is the article's name for that entity (which renames update), or
/// extraction's when the article does not list the speaker.
pub fn records(article: &IndexDoc) -> Vec<IndexDoc> {
    if article.quotes.len() > MAX_QUOTES_PER_ARTICLE {
        tracing::warn!(
            document_id = %article.id,
            quotes = article.quotes.len(),
            indexed = MAX_QUOTES_PER_ARTICLE,
            "an article with more quotes than the quote index keeps"
        );
    }
    article
        .quotes
        .iter()
        .take(MAX_QUOTES_PER_ARTICLE)
        .enumerate()
        .map(|(position, quote)| {
            let mut quote = quote.clone();
            if let Some(speaker) = article
                .entities
                .iter()
                .find(|e| e.id == quote.speaker_entity_id)
            {
                quote.speaker_canonical_name.clone_from(&speaker.name);
            }
            IndexDoc {
                id: article.id.clone(),
                sequence: record_sequence(article.sequence, position),
                title: article.title.clone(),
                body: quote.text.clone(),
                text_empty: false,
                source: article.source.clone(),
                author: article.author.clone(),
                url: article.url.clone(),
                published_at: article.published_at,
                language: article.language.clone(),
                labels: article.labels.clone(),
                entities: article
                    .entities
                    .iter()
                    .filter(|e| quote.entities.contains(&e.id))
                    .cloned()
                    .collect(),
                values: Vec::new(),
                quotes: vec![quote],
                story: article.story.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use dossier_proto::v1::EntityType;

    use super::*;
    use crate::model::{DocEntity, StoryMark};
    use crate::quotes::DocQuote;

    #[test]
    fn records_carry_the_article_and_one_quote_each() {
        let article = IndexDoc {
            id: "d1".into(),
            sequence: 7,
            title: "Ferry talks".into(),
            body: "long article text".into(),
            source: "wire".into(),
            published_at: Some(1_770_000_000),
            entities: vec![
                entity("e1", "Maia Sandu"),
                entity("e2", "Chisinau"),
                entity("e3", "Harbour Board"),
            ],
            quotes: vec![
                DocQuote {
                    text: "Our doors stay open in Chisinau".into(),
                    speaker_entity_id: "e1".into(),
                    speaker_canonical_name: "Sandu".into(),
                    entities: vec!["e2".into()],
                    direct: true,
                    ..Default::default()
                },
                DocQuote {
                    text: "talks would go on".into(),
                    ..Default::default()
                },
            ],
            story: Some(StoryMark {
                story_id: "st-3".into(),
                duplicate_of: None,
            }),
            ..Default::default()
        };
        let records = records(&article);
        assert_eq!(records.len(), 2);
        let first = &records[0];
        assert_eq!(
            (first.id.as_str(), first.title.as_str()),
            ("d1", "Ferry talks")
        );
        assert_eq!(first.body, "Our doors stay open in Chisinau");
        assert_eq!(first.entities, [entity("e2", "Chisinau")]);
        assert_eq!(first.quotes.len(), 1);
        assert_eq!(first.quotes[0].speaker_canonical_name, "Maia Sandu");
        assert_eq!(first.story, article.story);
        assert_eq!(first.sequence, 7 << POSITION_BITS);
        assert_eq!(records[1].sequence, (7 << POSITION_BITS) + 1);
        assert!(records[1].entities.is_empty());
        assert_eq!(records[1].quotes[0].speaker_canonical_name, "");
    }

    #[test]
    fn record_keys_sort_by_article_then_position() {
        assert!(record_sequence(1, MAX_QUOTES_PER_ARTICLE - 1) < record_sequence(2, 0));
        assert!(record_sequence(2, 0) < record_sequence(2, 1));
        assert_eq!(
            record_sequence(u64::MAX, 0),
            MAX_ARTICLE_SEQUENCE << POSITION_BITS
        );
    }

    fn entity(id: &str, name: &str) -> DocEntity {
        DocEntity {
            id: id.into(),
            name: name.into(),
            entity_type: EntityType::Person as i32,
            variants: vec![name.into()],
        }
    }
}
