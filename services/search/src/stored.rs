//! A stored document's values as the store holds them, read without
//! tantivy's `TantivyDocument`.
//!
//! `TantivyDocument` copies every value it deserializes into its own
//! arena, and reading a field back out copies it again; a page of hits
//! reads ten documents of about 7 KB each (text, quotes). Here the
//! values are kept as deserialized, in store order, and moved out once.
//! Profiled on boolean queries at 100,000 articles, hydrating a page went
//! from 17.7% to 15.4% of search's samples (issue 19).

use tantivy::TantivyDocument;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};

/// The values of one stored document, in the order they were written
/// (a field's first value comes first).
#[derive(Debug, Default)]
pub struct StoredFields(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredFields {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field()? {
            values.push(entry);
        }
        Ok(Self(values))
    }
}

impl From<&TantivyDocument> for StoredFields {
    fn from(doc: &TantivyDocument) -> Self {
        Self(
            doc.field_values()
                .map(|(field, value)| (field, OwnedValue::from(value)))
                .collect(),
        )
    }
}

impl StoredFields {
    /// The first value of `field`.
    pub fn first(&self, field: Field) -> Option<&OwnedValue> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, v)| v)
    }

    /// Moves out the first value of `field` when it is text; later calls
    /// for the field see the text as empty.
    pub fn take_text(&mut self, field: Field) -> Option<String> {
        self.0.iter_mut().find_map(|(f, v)| match v {
            OwnedValue::Str(text) if *f == field => Some(std::mem::take(text)),
            _ => None,
        })
    }

    /// Moves out every text value of `field`, in order.
    pub fn take_all_text(&mut self, field: Field) -> Vec<String> {
        self.0
            .iter_mut()
            .filter_map(|(f, v)| match v {
                OwnedValue::Str(text) if *f == field => Some(std::mem::take(text)),
                _ => None,
            })
            .collect()
    }

    /// The first value of `field` when it is bytes.
    pub fn bytes(&self, field: Field) -> Option<&[u8]> {
        match self.first(field)? {
            OwnedValue::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{STORED, Schema};
    use tantivy::{DocAddress, Index, IndexWriter};

    use super::*;

    #[test]
    fn values_come_back_from_the_store_in_order_and_move_out_once() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", STORED);
        let other = schema.add_text_field("other", STORED);
        let packed = schema.add_bytes_field("packed", STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let mut doc = TantivyDocument::new();
        doc.add_text(other, "o");
        doc.add_text(text, "first");
        doc.add_bytes(packed, &[1u8, 2, 3][..]);
        doc.add_text(text, "second");
        writer.add_document(doc.clone()).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut stored: StoredFields = searcher.doc(DocAddress::new(0, 0)).unwrap();

        assert_eq!(stored.bytes(packed), Some(&[1u8, 2, 3][..]));
        assert_eq!(stored.bytes(text), None, "text is not bytes");
        assert_eq!(stored.take_text(text).as_deref(), Some("first"));
        assert_eq!(
            stored.take_all_text(text),
            vec![String::new(), "second".to_string()],
            "the first value was moved out"
        );
        assert_eq!(stored.take_text(other).as_deref(), Some("o"));
        assert_eq!(stored.take_text(packed), None, "bytes are not text");

        let mut from_doc = StoredFields::from(&doc);
        assert_eq!(from_doc.take_all_text(text), vec!["first", "second"]);
    }
}
