//! A quote record as the quote index stores it: only what ListQuotes
//! reads back and what its queries search.
//!
//! An article is written as one document; its quotes as one record each,
//! often fifteen or more per article, so every byte and term of a record
//! counts fifteen times. [`IndexDoc::to_tantivy`] writes an article's every
//! field; a record leaves out what nothing reads in the quote index: the
//! headline's grams (the headline is stored, not searched: see
//! `schema::Kind::Quotes`), the url, the article's entity list and dates
//! as JSON, the empty-text flag and the duplicate mark (a listing shows
//! the story, not the copy).

use tantivy::TantivyDocument;

use crate::model::IndexDoc;
use crate::schema::Fields;

/// The quote index's document for `record` (one of [`super::records`]).
pub fn record_document(record: &IndexDoc, f: &Fields) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &record.id);
    d.add_u64(f.seq, record.sequence);
    d.add_text(f.title, &record.title);
    d.add_text(f.body, &record.body);
    d.add_text(f.body_grams, &record.body);
    if let Some(stemmed) = f.stemmed_field(&record.language) {
        d.add_text(stemmed, &record.body);
    }
    d.add_text(f.source, &record.source);
    d.add_text(f.author, &record.author);
    record.add_published_at(&mut d, f);
    d.add_text(f.language, &record.language);
    for label in &record.labels {
        d.add_text(f.labels, label);
    }
    // The entities named inside the quote, searchable as in an article.
    record.add_entity_fields(&mut d, f);
    record.add_quote_fields(&mut d, f);
    if let Some(mark) = &record.story {
        d.add_text(f.story, &mark.story_id);
    }
    d
}

#[cfg(test)]
mod tests {
    use tantivy::schema::Value;

    use super::*;
    use crate::model::DocEntity;
    use crate::quotes::DocQuote;

    /// What a listing reads back (`IndexDoc::from_tantivy` on the record)
    /// survives the leaner document.
    #[test]
    fn a_listing_reads_back_what_it_shows() {
        let f = Fields::for_quotes();
        let record = IndexDoc {
            id: "d1".into(),
            sequence: 7,
            title: "Ferry talks".into(),
            body: "Our doors stay open".into(),
            source: "wire".into(),
            url: "https://wire.example/1".into(),
            published_at: Some(1_770_000_000),
            entities: vec![DocEntity {
                id: "e2".into(),
                name: "Chisinau".into(),
                entity_type: dossier_proto::v1::EntityType::Gpe as i32,
                variants: vec!["Kishinev".into()],
            }],
            quotes: vec![DocQuote {
                text: "Our doors stay open".into(),
                speaker_entity_id: "e1".into(),
                direct: true,
                ..Default::default()
            }],
            ..Default::default()
        };
        let doc = record_document(&record, &f);
        let back = IndexDoc::from_tantivy(&doc, &f, &crate::index::Renames::in_memory());
        assert_eq!(back.id, "d1");
        assert_eq!(back.title, "Ferry talks");
        assert_eq!(back.source, "wire");
        assert_eq!(back.published_at, Some(1_770_000_000));
        assert_eq!(back.quotes, record.quotes);
        // Not kept: nothing in the quote index reads them.
        assert!(doc.get_first(f.url).is_none());
        assert!(doc.get_first(f.entities_packed).is_none());
        assert!(doc.get_first(f.title_grams).is_none());
        let aliases: Vec<&str> = doc.get_all(f.alias).filter_map(|v| v.as_str()).collect();
        assert_eq!(aliases, ["chisinau\u{1f}e2", "kishinev\u{1f}e2"]);
    }
}
