//! A segment's multi-valued facet column as flat arrays of ordinals.
//!
//! tantivy stores a multi-valued column compactly: each document's first
//! value row is read from a blockwise-linear column (and, when some
//! documents have no value, ranked through an optional index), then each
//! value is bit-unpacked on its own. A faceted query at a million articles
//! reads the entity column of tens of thousands of matches that way, and a
//! profile put about a quarter of the query there (issue 19). Segments never
//! change, so a column faceted on is decoded once per segment into two
//! arrays: where each document's ordinals start, and the ordinals.

use tantivy::DocId;
use tantivy::columnar::{Cardinality, StrColumn};

/// Every document's term ordinals of one column in one segment.
pub struct DocOrds {
    /// `starts[doc]..starts[doc + 1]` indexes `doc`'s ordinals.
    starts: Box<[u32]>,
    ords: Box<[u32]>,
}

impl DocOrds {
    /// Decodes `column`; None when it has one value per document (tantivy
    /// reads those a batch at a time already) or does not fit in `u32`s.
    pub fn decode(column: &StrColumn) -> Option<Self> {
        let ords = column.ords();
        if ords.get_cardinality() == Cardinality::Full || u32::try_from(column.num_terms()).is_err()
        {
            return None;
        }
        let num_docs = ords.num_docs();
        let mut starts = Vec::with_capacity(num_docs as usize + 1);
        let mut flat = Vec::new();
        for doc in 0..num_docs {
            starts.push(u32::try_from(flat.len()).ok()?);
            // Ordinals are below `num_terms`, which fits (checked above).
            flat.extend(ords.values_for_doc(doc).map(|ord| ord as u32));
        }
        starts.push(u32::try_from(flat.len()).ok()?);
        Some(Self {
            starts: starts.into(),
            ords: flat.into(),
        })
    }

    /// The ordinals of `doc` (none past the segment's documents).
    #[inline]
    pub fn of(&self, doc: DocId) -> &[u32] {
        let at = doc as usize;
        match (self.starts.get(at), self.starts.get(at + 1)) {
            (Some(&start), Some(&end)) => {
                self.ords.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Checkpoint, IndexOp, SearchIndex};
    use crate::model::IndexDoc;

    /// Document `n` has `n % 4` labels (none for every fourth).
    fn doc(n: u64) -> IndexOp {
        IndexOp::Upsert(Box::new(IndexDoc {
            id: format!("d{n}"),
            sequence: n,
            source: format!("s{}", n % 3),
            labels: (0..n % 4).map(|k| format!("l{}", (n + k) % 9)).collect(),
            ..IndexDoc::default()
        }))
    }

    /// Column `name` of the one segment of `docs` documents, and the
    /// segment's document count.
    fn column(docs: u64, name: &str) -> (StrColumn, DocId) {
        let index = SearchIndex::in_memory().unwrap();
        index.apply((0..docs).map(doc).collect()).unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let searcher = index.searcher();
        let segment = &searcher.segment_readers()[0];
        let column = segment.fast_fields().str(name).unwrap().unwrap();
        (column, segment.max_doc())
    }

    #[test]
    fn flat_ordinals_are_the_columns_own_for_every_document() {
        let (column, max_doc) = column(300, "labels");
        let flat = DocOrds::decode(&column).expect("labels are multi-valued");
        let mut with_none = 0;
        for doc in 0..max_doc {
            let expected: Vec<u32> = column.term_ords(doc).map(|o| o as u32).collect();
            assert_eq!(flat.of(doc), expected, "document {doc}");
            with_none += usize::from(expected.is_empty());
        }
        assert_eq!(with_none, 75, "a quarter of the documents have no label");
        assert!(flat.of(max_doc).is_empty());
        assert!(flat.of(DocId::MAX).is_empty());
    }

    #[test]
    fn a_column_with_one_value_per_document_is_left_to_tantivy() {
        let (column, _) = column(50, "source");
        assert!(DocOrds::decode(&column).is_none());
    }
}
