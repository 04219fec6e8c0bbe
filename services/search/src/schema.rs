//! The index schema: which document and entity facts are searchable, sortable
//! or countable, and how text is tokenized.
//!
//! Field names are part of the query language (`source:reuters`,
//! `entity:ent_01..`, `person:gaddafi`), so renaming one is an API change.

use dossier_proto::v1::EntityType;
use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};

use crate::analyzer::{
    STEMMED_LANGUAGES, TEXT_TOKENIZER, stemmed_analyzer, stemmed_tokenizer, text_analyzer,
};
use crate::grams::{GRAMS_TOKENIZER, grams_analyzer};

/// Separator inside composite keyword terms ("alias\u{1f}entity id"). A unit
/// separator never appears in names or ids.
pub const SEP: char = '\u{1f}';

/// Entity types that get their own name field, named after the type in lower
/// case (`person:`, `org:`...). Dates and amounts are values, not names.
pub const NAME_TYPES: [EntityType; 10] = [
    EntityType::Person,
    EntityType::Norp,
    EntityType::Fac,
    EntityType::Org,
    EntityType::Gpe,
    EntityType::Loc,
    EntityType::Product,
    EntityType::Event,
    EntityType::Law,
    EntityType::Misc,
];

/// Per type of [`NAME_TYPES`], in its order: a column of that type's
/// entity facet values alone, so an entity facet of one type reads a
/// document's people (say) instead of all its entities and a dictionary of
/// every entity (issue 19). Columns only: not searchable.
pub const TYPE_FACET_COLUMNS: [&str; 10] = [
    "entity_facet_person",
    "entity_facet_norp",
    "entity_facet_fac",
    "entity_facet_org",
    "entity_facet_gpe",
    "entity_facet_loc",
    "entity_facet_product",
    "entity_facet_event",
    "entity_facet_law",
    "entity_facet_misc",
];

/// The column of entity facet values of `entity_type` (a wire value): its
/// own for a name type, the column of all types otherwise (0: all types).
pub fn entity_facet_column(entity_type: i32) -> &'static str {
    NAME_TYPES
        .iter()
        .position(|t| *t as i32 == entity_type)
        .map_or("entity_facet", |i| TYPE_FACET_COLUMNS[i])
}

/// Handles to every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    /// The document id (exact), for delete-by-id and lookups.
    pub id: Field,
    /// The change-feed sequence of the document's creation: unique and
    /// stable, so it breaks ties in sort keys and page tokens.
    pub seq: Field,
    pub title: Field,
    /// The article text, with the headline indexed again as a second value
    /// (stored too, never shown: a hit's body is the first value). A word
    /// without `field:` then reads one posting list here instead of a union
    /// of title's and body's, the union that made multi-word queries slow
    /// (issue 19); `title:` still reads the headline alone.
    pub body: Field,
    /// Common-word pairs of the title and body ([`crate::grams`]), indexed
    /// only: they answer phrases of frequent words.
    pub title_grams: Field,
    pub body_grams: Field,
    /// True when cleaning left the document without article text
    /// (`Document.text_empty`): `text_empty:true` finds those documents,
    /// and GetIndexStatus counts them.
    pub text_empty: Field,
    pub source: Field,
    pub author: Field,
    pub url: Field,
    pub published_at: Field,
    pub language: Field,
    pub labels: Field,
    /// Canonical entity ids (`entity:<id>`).
    pub entity: Field,
    /// Entity types present, for the entity_types filter.
    pub entity_type: Field,
    /// "id SEP TYPE SEP canonical name" per entity: facet and co-occurrence
    /// counts come with display names without a registry round trip.
    pub entity_facet: Field,
    /// The same values, one column per name type ([`TYPE_FACET_COLUMNS`]).
    pub type_facets: Vec<(EntityType, Field)>,
    /// "normalized alias SEP id": finds the entities a query term spells.
    pub alias: Field,
    /// "id SEP spelling": every spelling of an entity seen in the index.
    pub entity_alias: Field,
    /// The document's entities and their spellings (postcard), stored only:
    /// every hit decodes them, and JSON cost a quarter of a hit's reading.
    pub entities_packed: Field,
    /// The story the document belongs to (its id when it was assigned;
    /// merged ids resolve through the index's story tracker).
    pub story: Field,
    /// The earlier document this one copies, if any.
    pub duplicate_of: Field,
    pub duplicate_similarity: Field,
    /// Dates and amounts extraction found (postcard), for stories'
    /// timelines; stored only.
    pub values_packed: Field,
    /// The entity ids of the document's quote speakers (`quote:<id>`); in
    /// the quote index, the speaker of the one quote.
    pub quote: Field,
    /// "direct" or "reported", per quote (`quote_kind:direct`).
    pub quote_kind: Field,
    /// The document's quotes (the quote index: its one quote), postcard,
    /// stored only: as JSON they were as long as the article's text and
    /// every hit decompressed them (issue 19).
    pub quotes_packed: Field,
    /// Entity names per type (`person:`, `org:`...), in NAME_TYPES order.
    pub names: Vec<(EntityType, Field)>,
    /// Title and text again, stemmed, per language with a stemmer
    /// (`text_de:staatsbesuche` finds "Staatsbesuch"), in
    /// [`STEMMED_LANGUAGES`] order. Only that language's documents fill a
    /// field, so an English index holds nothing in them; they are not among
    /// the default fields, so queries without a field do not read them.
    pub stemmed: Vec<(&'static str, Field)>,
    /// What a query term without `field:` searches: the body, which holds
    /// the headline too in the article index, and the quote's words in the
    /// quote index.
    defaults: Vec<Field>,
}

/// Which index a schema is for: the fields are the same (so every handle
/// and the query language work on both), but a quote record keeps less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Articles,
    /// The quote index: the headline is stored for the listing but not
    /// searched (a word without `field:` reads the quote's own words, and
    /// indexing every article's headline once per quote was a fifth of the
    /// quote index's postings); the quote's words are searched but not
    /// stored (`quotes_packed` holds them).
    Quotes,
}

impl Fields {
    pub fn build() -> Self {
        Self::build_for(Kind::Articles)
    }

    fn build_for(kind: Kind) -> Self {
        let mut b = Schema::builder();
        let indexed_text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let text = indexed_text.clone().set_stored();
        let (title_options, body_options) = match kind {
            Kind::Articles => (text.clone(), text.clone()),
            Kind::Quotes => (TextOptions::default().set_stored(), indexed_text),
        };
        let keyword = STRING | STORED | FAST;
        let date = DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds);
        let id = b.add_text_field("id", STRING | STORED);
        let seq = b.add_u64_field("seq", INDEXED | FAST | STORED);
        let title = b.add_text_field("title", title_options);
        let body = b.add_text_field("body", body_options);
        // Frequencies score a two-word phrase; longer phrases check their
        // positions in the text field, so grams need none (a smaller index,
        // cheaper to write and merge).
        let grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(GRAMS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let title_grams = b.add_text_field("title_grams", grams.clone());
        let body_grams = b.add_text_field("body_grams", grams);
        let text_empty = b.add_bool_field("text_empty", INDEXED | FAST | STORED);
        let source = b.add_text_field("source", keyword.clone());
        let author = b.add_text_field("author", text.clone());
        let url = b.add_text_field("url", STRING | STORED);
        let published_at = b.add_date_field("published_at", date);
        let language = b.add_text_field("language", keyword.clone());
        let labels = b.add_text_field("labels", keyword);
        let entity = b.add_text_field("entity", STRING | FAST);
        let entity_type = b.add_text_field("entity_type", STRING);
        let entity_facet = b.add_text_field("entity_facet", STRING | FAST);
        let type_facets = NAME_TYPES
            .iter()
            .zip(TYPE_FACET_COLUMNS)
            .map(|(t, name)| (*t, b.add_text_field(name, FAST)))
            .collect();
        let alias = b.add_text_field("alias", STRING);
        let entity_alias = b.add_text_field("entity_alias", STRING);
        let entities_packed = b.add_bytes_field("entities_packed", STORED);
        let story = b.add_text_field("story", STRING | STORED | FAST);
        let duplicate_of = b.add_text_field("duplicate_of", STRING | STORED | FAST);
        let duplicate_similarity = b.add_f64_field("duplicate_similarity", STORED);
        let values_packed = b.add_bytes_field("values_packed", STORED);
        let quote = b.add_text_field("quote", STRING);
        let quote_kind = b.add_text_field("quote_kind", STRING);
        let quotes_packed = b.add_bytes_field("quotes_packed", STORED);
        let names_opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // No field norms: one byte per document and field even where the
        // field is empty (every English document), for a length
        // normalisation these secondary fields can do without.
        let stemmed = STEMMED_LANGUAGES
            .iter()
            .map(|(code, _)| {
                let options = TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(&stemmed_tokenizer(code))
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                        .set_fieldnorms(false),
                );
                (*code, b.add_text_field(&format!("text_{code}"), options))
            })
            .collect();
        let names = NAME_TYPES
            .iter()
            .map(|t| {
                (
                    *t,
                    b.add_text_field(&type_field_name(*t), names_opts.clone()),
                )
            })
            .collect();
        Self {
            schema: b.build(),
            id,
            seq,
            title,
            body,
            title_grams,
            body_grams,
            text_empty,
            source,
            author,
            url,
            published_at,
            language,
            labels,
            entity,
            entity_type,
            entity_facet,
            type_facets,
            alias,
            entity_alias,
            entities_packed,
            story,
            duplicate_of,
            duplicate_similarity,
            values_packed,
            quote,
            quote_kind,
            quotes_packed,
            names,
            stemmed,
            defaults: vec![body],
        }
    }

    /// The fields of the quote index ([`crate::quotes`]): the same fields,
    /// whose documents are quotes, so that the query language reads a
    /// quote as it reads an article; a word without `field:` searches the
    /// quote's words (its `body`), and the headline kept in `title` is
    /// stored only (see `Kind::Quotes`).
    pub fn for_quotes() -> Self {
        let mut fields = Self::build_for(Kind::Quotes);
        fields.defaults = vec![fields.body];
        fields
    }

    /// The stemmed field for documents in `language` (a BCP 47 tag: its
    /// primary subtag decides; Norwegian Bokmål and Nynorsk use Norwegian).
    pub fn stemmed_field(&self, language: &str) -> Option<Field> {
        let primary = language.split(['-', '_']).next()?.to_ascii_lowercase();
        let code = match primary.as_str() {
            "nb" | "nn" => "no",
            other => other,
        };
        self.stemmed
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, f)| *f)
    }

    /// Fields a query term without `field:` searches.
    pub fn default_fields(&self) -> Vec<Field> {
        self.defaults.clone()
    }

    /// The gram field beside a text field, for fields that have one.
    pub fn grams_of(&self, field: Field) -> Option<Field> {
        match field {
            f if f == self.title => Some(self.title_grams),
            f if f == self.body => Some(self.body_grams),
            _ => None,
        }
    }

    pub fn name_field(&self, entity_type: EntityType) -> Option<Field> {
        self.names
            .iter()
            .find(|(t, _)| *t == entity_type)
            .map(|(_, f)| *f)
    }
}

/// `person`, `org`, ... : the query-language name of a type's name field.
pub fn type_field_name(entity_type: EntityType) -> String {
    entity_type.as_str_name().to_ascii_lowercase()
}

/// Registers our tokenizers on an index (they are not persisted with it).
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TEXT_TOKENIZER, text_analyzer());
    index
        .tokenizers()
        .register(GRAMS_TOKENIZER, grams_analyzer());
    for (code, language) in STEMMED_LANGUAGES {
        index
            .tokenizers()
            .register(&stemmed_tokenizer(code), stemmed_analyzer(language));
    }
}

/// A name as the text tokenizer sees it ("Mu'ammar  al-Qaddafi" →
/// "mu ammar al qaddafi"), so aliases compare the way query terms do.
pub fn normalize_name(name: &str) -> String {
    let mut analyzer = text_analyzer();
    let mut stream = analyzer.token_stream(name);
    let mut out = String::with_capacity(name.len());
    while let Some(token) = stream.next() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize_like_query_terms() {
        assert_eq!(
            normalize_name("Mu'ammar  al-Qaddafi"),
            "mu ammar al qaddafi"
        );
        assert_eq!(normalize_name("Kadhafi"), "kadhafi");
        assert_eq!(normalize_name("Zelenskyy's"), "zelenskyy s");
        assert_eq!(normalize_name("Müller"), "muller");
    }

    #[test]
    fn stemmed_fields_follow_the_primary_subtag() {
        let fields = Fields::build();
        let de = fields.schema.get_field("text_de").unwrap();
        assert_eq!(fields.stemmed_field("de-AT"), Some(de));
        assert_eq!(fields.stemmed_field("DE"), Some(de));
        assert_eq!(
            fields.stemmed_field("nb"),
            fields.schema.get_field("text_no").ok()
        );
        for none in ["en", "en-GB", "", "zh", "und"] {
            assert_eq!(fields.stemmed_field(none), None, "{none}");
        }
        assert!(!fields.default_fields().contains(&de));
    }

    #[test]
    fn every_name_type_has_a_field() {
        let fields = Fields::build();
        assert!(fields.schema.get_field("person").is_ok());
        assert!(fields.schema.get_field("gpe").is_ok());
        assert!(fields.name_field(EntityType::Money).is_none());
    }
}
