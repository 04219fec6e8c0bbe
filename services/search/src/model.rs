//! The index's view of a document: the stored article plus the entities
//! extraction found in it, and the conversion to and from tantivy documents.

use std::collections::BTreeMap;

use dossier_proto::v1::{Document, EntityType, ExtractResponse};
use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, Value};
use tantivy::{DateTime, TantivyDocument};

use crate::index::Renames;
use crate::quotes::{DocQuote, quotes_of};
use crate::schema::{Fields, SEP, normalize_name};
use crate::stored::StoredFields;

/// One entity a document mentions, with the spellings used in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocEntity {
    pub id: String,
    pub name: String,
    /// `EntityType` as its i32 wire value.
    #[serde(rename = "type")]
    pub entity_type: i32,
    /// Distinct spellings in the document, in order of first appearance.
    pub variants: Vec<String>,
}

impl DocEntity {
    pub fn kind(&self) -> EntityType {
        EntityType::try_from(self.entity_type).unwrap_or(EntityType::Unspecified)
    }
}

/// A date or amount extraction found, with its resolved value: the
/// material of a story's timeline and evidence that two reports tell of one
/// event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocValue {
    /// `EntityType` as its i32 wire value (DATE or MONEY).
    #[serde(rename = "type")]
    pub value_type: i32,
    /// UTF-8 byte offsets in the article text.
    pub start: u32,
    pub end: u32,
    /// The normalised value ("2026-03-03", "2300000000 USD").
    pub value: String,
}

/// What of a stored document [`IndexDoc`] reads back.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Parts {
    Whole,
    /// No values or quotes; the text only when `body`.
    Hit {
        body: bool,
    },
}

/// Where story assignment put a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryMark {
    pub story_id: String,
    /// The earlier document this one copies, and how alike they are.
    pub duplicate_of: Option<(String, f32)>,
}

/// A document ready for the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    pub id: String,
    pub sequence: u64,
    pub title: String,
    /// The article text the index reads ([`article_text`]): the clean
    /// `Document.text`, never the raw body (kept in the `body` field, whose
    /// name is part of the query language).
    pub body: String,
    /// The document's text is empty after cleaning (`Document.text_empty`):
    /// indexed by title and metadata only, found with `text_empty:true`.
    pub text_empty: bool,
    pub source: String,
    pub author: String,
    pub url: String,
    /// Unix seconds; None when the article had no date.
    pub published_at: Option<i64>,
    pub language: String,
    pub labels: Vec<String>,
    pub entities: Vec<DocEntity>,
    /// Resolved dates and amounts.
    pub values: Vec<DocValue>,
    /// What the article quotes, in text order ([`crate::quotes`]).
    pub quotes: Vec<DocQuote>,
    /// Set by the index as it applies the document (story assignment);
    /// carried over when a stored document is written again.
    pub story: Option<StoryMark>,
}

impl IndexDoc {
    /// Combines a stored document with its extraction result. `sequence` is
    /// the creation sequence (the change's, when the document omits it).
    pub fn from_parts(doc: &Document, sequence: u64, extraction: &ExtractResponse) -> Self {
        Self {
            id: doc.id.clone(),
            sequence: if doc.sequence > 0 {
                doc.sequence
            } else {
                sequence
            },
            title: doc.title.clone(),
            body: article_text(doc).to_string(),
            text_empty: is_text_empty(doc),
            source: doc.source.clone(),
            author: doc.author.clone(),
            url: doc.url.clone(),
            published_at: doc.published_at.as_ref().map(|t| t.seconds),
            language: doc.language.clone(),
            labels: doc.labels.clone(),
            entities: entities_of(extraction),
            values: values_of(extraction, headline_len(doc)),
            quotes: quotes_of(extraction),
            story: None,
        }
    }

    /// The document as story assignment reads it; `entity_ids` and
    /// `values` are buffers the caller keeps alive.
    pub fn story_doc<'a>(
        &'a self,
        entity_ids: &'a mut Vec<String>,
        values: &'a mut Vec<String>,
    ) -> crate::stories::StoryDoc<'a> {
        entity_ids.clear();
        entity_ids.extend(self.entities.iter().map(|e| e.id.clone()));
        values.clear();
        values.extend(self.values.iter().map(|v| v.value.clone()));
        crate::stories::StoryDoc {
            id: &self.id,
            sequence: self.sequence,
            published_at: self.published_at,
            title: &self.title,
            text: &self.body,
            entities: entity_ids,
            values,
        }
    }

    /// The stored document again, for re-extraction after curation: the
    /// indexed article text comes back as `text` (the raw body is not kept
    /// in the index, and extraction reads only the text).
    pub fn to_document(&self) -> Document {
        Document {
            id: self.id.clone(),
            title: self.title.clone(),
            text: self.body.clone(),
            text_empty: self.text_empty,
            source: self.source.clone(),
            url: self.url.clone(),
            author: self.author.clone(),
            published_at: self
                .published_at
                .map(|seconds| prost_types::Timestamp { seconds, nanos: 0 }),
            language: self.language.clone(),
            labels: self.labels.clone(),
            sequence: self.sequence,
            ..Document::default()
        }
    }

    pub fn to_tantivy(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &self.id);
        d.add_u64(f.seq, self.sequence);
        d.add_text(f.title, &self.title);
        // The headline again, as the body's second value (see
        // `Fields::body`); the first value is the text a hit shows.
        d.add_text(f.body, &self.body);
        d.add_text(f.body, &self.title);
        d.add_text(f.title_grams, &self.title);
        d.add_text(f.body_grams, &self.body);
        d.add_text(f.body_grams, &self.title);
        d.add_bool(f.text_empty, self.text_empty);
        if let Some(stemmed) = f.stemmed_field(&self.language) {
            d.add_text(stemmed, &self.title);
            d.add_text(stemmed, &self.body);
        }
        d.add_text(f.source, &self.source);
        d.add_text(f.author, &self.author);
        d.add_text(f.url, &self.url);
        self.add_published_at(&mut d, f);
        d.add_text(f.language, &self.language);
        for label in &self.labels {
            d.add_text(f.labels, label);
        }
        self.add_entity_fields(&mut d, f);
        // Cannot fail: plain structs of strings and integers into a Vec.
        if let Ok(packed) = postcard::to_allocvec(&self.entities) {
            d.add_bytes(f.entities_packed, &packed);
        }
        if !self.values.is_empty()
            && let Ok(packed) = postcard::to_allocvec(&self.values)
        {
            d.add_bytes(f.values_packed, &packed);
        }
        self.add_quote_fields(&mut d, f);
        if let Some(mark) = &self.story {
            d.add_text(f.story, &mark.story_id);
            if let Some((original, similarity)) = &mark.duplicate_of {
                d.add_text(f.duplicate_of, original);
                d.add_f64(f.duplicate_similarity, f64::from(*similarity));
            }
        }
        d
    }

    /// The publication date, clamped: tantivy keeps nanoseconds in an i64,
    /// so dates past 2262 (storage accepts them) are clamped rather than
    /// overflowed.
    pub(crate) fn add_published_at(&self, d: &mut TantivyDocument, f: &Fields) {
        if let Some(secs) = self.published_at {
            const NANOS: i64 = 1_000_000_000;
            let secs = secs.clamp(i64::MIN / NANOS, i64::MAX / NANOS);
            d.add_date(f.published_at, DateTime::from_timestamp_secs(secs));
        }
    }

    /// The entities as the index searches them: ids, types, facets, every
    /// spelling (for `entity:`, `person:` and expansion to the others).
    pub(crate) fn add_entity_fields(&self, d: &mut TantivyDocument, f: &Fields) {
        for e in &self.entities {
            let kind = e.kind();
            d.add_text(f.entity, &e.id);
            d.add_text(f.entity_type, kind.as_str_name());
            let facet = format!("{}{SEP}{}{SEP}{}", e.id, kind.as_str_name(), e.name);
            if let Some((_, column)) = f.type_facets.iter().find(|(t, _)| *t == kind) {
                d.add_text(*column, &facet);
            }
            d.add_text(f.entity_facet, facet);
            let name_field = f.name_field(kind);
            for variant in std::iter::once(&e.name).chain(&e.variants) {
                let norm = normalize_name(variant);
                if !norm.is_empty() {
                    d.add_text(f.alias, format!("{norm}{SEP}{}", e.id));
                }
                d.add_text(f.entity_alias, format!("{}{SEP}{variant}", e.id));
                if let Some(field) = name_field {
                    d.add_text(field, variant);
                }
            }
        }
    }

    /// The quotes' speakers and kinds (`quote:`, `quote_kind:`) and the
    /// quotes themselves (postcard), when there are any.
    pub(crate) fn add_quote_fields(&self, d: &mut TantivyDocument, f: &Fields) {
        if self.quotes.is_empty() {
            return;
        }
        for quote in &self.quotes {
            if !quote.speaker_entity_id.is_empty() {
                d.add_text(f.quote, &quote.speaker_entity_id);
            }
            d.add_text(f.quote_kind, quote.kind());
        }
        // Cannot fail, as above.
        if let Ok(packed) = postcard::to_allocvec(&self.quotes) {
            d.add_bytes(f.quotes_packed, &packed);
        }
    }

    /// Reads a stored document back. Unknown or missing fields give defaults:
    /// the index is derived data and must never fail a query over one odd doc.
    /// Entities renamed since the document was written show their names
    /// now (`names`).
    pub fn from_stored(doc: StoredFields, f: &Fields, names: &Renames) -> Self {
        let mut read = Self::read(doc, f, Parts::Whole);
        names.apply(&mut read);
        read
    }

    /// [`Self::from_stored`] for a document built in memory.
    pub fn from_tantivy(doc: &TantivyDocument, f: &Fields, names: &Renames) -> Self {
        Self::from_stored(StoredFields::from(doc), f, names)
    }

    /// What a search hit shows: the document without its values and quotes
    /// (a dozen quotes an article), which no hit shows and which, as JSON,
    /// cost a seventh of a term query's time to parse; and without its text
    /// unless `with_body` (a snippet or the full text is asked for).
    pub fn hit_from_stored(
        doc: StoredFields,
        f: &Fields,
        names: &Renames,
        with_body: bool,
    ) -> Self {
        let mut read = Self::read(doc, f, Parts::Hit { body: with_body });
        names.apply(&mut read);
        read
    }

    fn read(mut doc: StoredFields, f: &Fields, parts: Parts) -> Self {
        let entities = doc
            .bytes(f.entities_packed)
            .and_then(|packed| postcard::from_bytes(packed).ok())
            .unwrap_or_default();
        let with_values_and_quotes = parts == Parts::Whole;
        let with_body = matches!(parts, Parts::Whole | Parts::Hit { body: true });
        let unpack = |field: Field| with_values_and_quotes.then(|| doc.bytes(field)).flatten();
        let values = unpack(f.values_packed)
            .and_then(|packed| postcard::from_bytes(packed).ok())
            .unwrap_or_default();
        let quotes = unpack(f.quotes_packed)
            .and_then(|packed| postcard::from_bytes(packed).ok())
            .unwrap_or_default();
        let mut text = |field: Field| doc.take_text(field).unwrap_or_default();
        let story_id = text(f.story);
        let duplicate_of = text(f.duplicate_of);
        let id = text(f.id);
        let title = text(f.title);
        let body = if with_body {
            text(f.body)
        } else {
            String::new()
        };
        let source = text(f.source);
        let author = text(f.author);
        let url = text(f.url);
        let language = text(f.language);
        let labels = doc.take_all_text(f.labels);
        let story = (!story_id.is_empty()).then(|| StoryMark {
            story_id,
            duplicate_of: (!duplicate_of.is_empty()).then(|| {
                let similarity = doc
                    .first(f.duplicate_similarity)
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0);
                (duplicate_of, similarity as f32)
            }),
        });
        Self {
            id,
            sequence: doc.first(f.seq).and_then(|v| v.as_u64()).unwrap_or(0),
            title,
            body,
            text_empty: doc
                .first(f.text_empty)
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            source,
            author,
            url,
            published_at: doc
                .first(f.published_at)
                .and_then(|v| v.as_datetime())
                .map(|d| d.into_timestamp_secs()),
            language,
            labels,
            entities,
            values,
            quotes,
            story,
        }
    }
}

/// The text of `doc` that extraction and the index read: the clean article
/// text storage derived (`Document.text`), never the raw body, which may be
/// a web page. A document from a storage that predates article text
/// (`text_version` 0, `text` empty, `body` not) is read from its body, as
/// before.
pub fn article_text(doc: &Document) -> &str {
    if doc.text_version == 0 && doc.text.is_empty() && !doc.text_empty {
        &doc.body
    } else {
        &doc.text
    }
}

/// The text extraction reads: headline, blank line, the clean article text
/// (never the raw body: see [`article_text`]). The headline is sent too
/// because a name in it is one of the document's entities; offsets of
/// what extraction finds are shifted back by [`headline_len`] to point into
/// the article text.
pub fn extraction_text(doc: &Document) -> String {
    let article = article_text(doc);
    match (doc.title.is_empty(), article.is_empty()) {
        (true, _) => article.to_string(),
        (false, true) => doc.title.clone(),
        (false, false) => format!("{}\n\n{article}", doc.title),
    }
}

/// Bytes before the article text in [`extraction_text`].
pub fn headline_len(doc: &Document) -> usize {
    if doc.title.is_empty() || article_text(doc).is_empty() {
        0
    } else {
        doc.title.len() + 2
    }
}

/// Whether cleaning left `doc` without article text. Storage says so in
/// `text_empty`; a derived text that is empty says so too.
pub fn is_text_empty(doc: &Document) -> bool {
    doc.text_empty || article_text(doc).trim().is_empty()
}

/// The dates and amounts of an extraction that resolved to a value, with
/// offsets into the article text (`headline` bytes precede it in what
/// extraction read; values in the headline itself are left out).
pub fn values_of(extraction: &ExtractResponse, headline: usize) -> Vec<DocValue> {
    let headline = headline as u32;
    extraction
        .mentions
        .iter()
        .filter(|m| {
            !m.normalized_value.is_empty()
                && m.start >= headline
                && (m.r#type == EntityType::Date as i32 || m.r#type == EntityType::Money as i32)
        })
        .map(|m| DocValue {
            value_type: m.r#type,
            start: m.start - headline,
            end: m.end - headline,
            value: m.normalized_value.clone(),
        })
        .collect()
}

/// Groups an extraction's mentions by entity, keeping each spelling once.
/// Mentions without an entity id (dates, amounts) are not entities.
pub fn entities_of(extraction: &ExtractResponse) -> Vec<DocEntity> {
    let mut by_id: BTreeMap<&str, DocEntity> = BTreeMap::new();
    let mut order = Vec::new();
    for summary in &extraction.entities {
        by_id.entry(&summary.id).or_insert_with(|| {
            order.push(summary.id.as_str());
            DocEntity {
                id: summary.id.clone(),
                name: summary.canonical_name.clone(),
                entity_type: summary.r#type,
                variants: Vec::new(),
            }
        });
    }
    for m in &extraction.mentions {
        if m.entity_id.is_empty() {
            continue;
        }
        let entry = by_id.entry(&m.entity_id).or_insert_with(|| {
            order.push(m.entity_id.as_str());
            DocEntity {
                id: m.entity_id.clone(),
                name: m.text.clone(),
                entity_type: m.r#type,
                variants: Vec::new(),
            }
        });
        if !entry.variants.contains(&m.text) {
            entry.variants.push(m.text.clone());
        }
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_proto::v1::{EntitySummary, Mention};

    #[test]
    fn mentions_group_by_entity_with_distinct_variants() {
        let extraction = ExtractResponse {
            mentions: vec![
                mention("Qaddafi", "e1"),
                mention("Gaddafi", "e1"),
                mention("Qaddafi", "e1"),
                mention("March 3", ""),
            ],
            entities: vec![EntitySummary {
                id: "e1".into(),
                canonical_name: "Muammar Gaddafi".into(),
                r#type: EntityType::Person as i32,
            }],
            ..Default::default()
        };
        let entities = entities_of(&extraction);
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].name, "Muammar Gaddafi");
        assert_eq!(entities[0].variants, vec!["Qaddafi", "Gaddafi"]);
    }

    #[test]
    fn stored_documents_round_trip() {
        let f = Fields::build();
        let doc = IndexDoc {
            id: "d1".into(),
            sequence: 7,
            title: "T".into(),
            body: "B".into(),
            text_empty: true,
            published_at: Some(1_700_000_000),
            labels: vec!["a".into(), "b".into()],
            source: "Outlet".into(),
            author: "A. Writer".into(),
            url: "https://outlet.example/d1".into(),
            language: "en".into(),
            story: Some(StoryMark {
                story_id: "s1".into(),
                duplicate_of: Some(("d0".into(), 0.5)),
            }),
            entities: vec![DocEntity {
                id: "e1".into(),
                name: "N".into(),
                entity_type: EntityType::Org as i32,
                variants: vec!["n".into()],
            }],
            values: vec![DocValue {
                value_type: EntityType::Date as i32,
                start: 0,
                end: 1,
                value: "2026-03-03".into(),
            }],
            quotes: vec![Default::default()],
        };
        assert_eq!(
            IndexDoc::from_tantivy(&doc.to_tantivy(&f), &f, &Renames::in_memory()),
            doc
        );
        // And through a real store, as queries read it.
        let index = tantivy::Index::create_in_ram(f.schema.clone());
        crate::schema::register_tokenizers(&index);
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        writer.add_document(doc.to_tantivy(&f)).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stored = || -> StoredFields { searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap() };
        assert_eq!(
            IndexDoc::from_stored(stored(), &f, &Renames::in_memory()),
            doc
        );
        let hit = IndexDoc::hit_from_stored(stored(), &f, &Renames::in_memory(), true);
        assert!(hit.values.is_empty() && hit.quotes.is_empty());
        assert_eq!(
            IndexDoc {
                values: doc.values.clone(),
                quotes: doc.quotes.clone(),
                ..hit.clone()
            },
            doc,
            "a hit reads everything else"
        );
        let card = IndexDoc::hit_from_stored(stored(), &f, &Renames::in_memory(), false);
        assert!(card.body.is_empty() && !doc.body.is_empty());
        assert_eq!(
            IndexDoc {
                body: doc.body.clone(),
                ..card
            },
            hit,
            "a hit without its text reads the rest"
        );
    }

    #[test]
    fn the_article_text_is_read_never_the_raw_body() {
        let page = Document {
            body: "<html><body><nav>Menu</nav><p>Ferry strike.</p></body></html>".into(),
            content_type: "text/html".into(),
            text: "Ferry strike.".into(),
            text_version: 1,
            ..Default::default()
        };
        assert_eq!(article_text(&page), "Ferry strike.");
        assert!(!is_text_empty(&page));
        let empty = Document {
            text: String::new(),
            text_version: 1,
            text_empty: true,
            ..page.clone()
        };
        assert_eq!(article_text(&empty), "");
        assert!(is_text_empty(&empty));
        let doc = IndexDoc::from_parts(&empty, 3, &ExtractResponse::default());
        assert!(doc.text_empty && doc.body.is_empty());
        // A document from a storage without article text: its body, as before.
        let old = Document {
            body: "Ferry strike in the harbour.".into(),
            ..Default::default()
        };
        assert_eq!(article_text(&old), "Ferry strike in the harbour.");
        assert!(!is_text_empty(&old));
        // Re-extraction after curation reads the indexed text again.
        let doc = IndexDoc::from_parts(&page, 3, &ExtractResponse::default());
        assert_eq!(article_text(&doc.to_document()), "Ferry strike.");
    }

    fn mention(text: &str, entity_id: &str) -> Mention {
        Mention {
            text: text.into(),
            entity_id: entity_id.into(),
            r#type: EntityType::Person as i32,
            ..Default::default()
        }
    }
}
