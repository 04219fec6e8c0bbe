//! The quote index beside the article index: writing an article's quote
//! records, and keeping the two indexes consistent across crashes.
//!
//! The quote index is derived from the article index, which stores every
//! article's quotes (`quotes_packed`). A commit writes the quote index first,
//! then the articles, both with the same generation. If the process dies
//! between the two, the quote index holds writes the articles do not;
//! so at open, a quote index whose generation is not the articles' is
//! rebuilt from the committed articles, and then the indexer replays the
//! change feed from the articles' checkpoint into both, as after any crash.

use tantivy::Term;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::{SearchIndex, WriterSetup};
use crate::error::{Error, Result};
use crate::model::IndexDoc;
use crate::quotes::{record_document, records};

/// The quote index's directory inside the article index's.
pub const QUOTES_DIR: &str = "quotes";

/// The quote index's writer: quotes are short, so one thread and a small
/// buffer keep up with the articles' writer.
pub(super) const QUOTE_WRITER: WriterSetup = WriterSetup {
    heap_bytes: 32 * 1024 * 1024,
    threads: Some(1),
    // A listing reads an article's records together: they share blocks.
    docstore_block: 16 * 1024,
    // About 125,000 articles' records: see `merges`.
    max_merged_docs: Some(1_000_000),
};

impl SearchIndex {
    /// This article index with `quotes` as its quote index, rebuilt first
    /// if the two were not committed together.
    pub(super) fn with_quotes(mut self, quotes: SearchIndex) -> Result<Self> {
        let (articles, quoted) = (*self.generation.lock(), *quotes.generation.lock());
        if articles != quoted {
            tracing::warn!(
                article_generation = articles,
                quote_generation = quoted,
                "the quote index was not committed with the articles; rebuilding it from them"
            );
            let written = quotes.rebuild_quotes_from(&self)?;
            tracing::info!(quotes = written, "quote index rebuilt");
        }
        self.quotes = Some(Box::new(quotes));
        Ok(self)
    }

    /// The quote index of this article index.
    pub fn quote_index(&self) -> Result<&SearchIndex> {
        self.quotes
            .as_deref()
            .ok_or_else(|| Error::Internal("the quote index has no quote index".into()))
    }

    /// Replaces the quote records of `article` with those it holds now.
    pub(super) fn replace_quotes(&self, article: &IndexDoc) -> Result<()> {
        let writer = self.writer.lock();
        writer.delete_term(Term::from_field_text(self.fields.id, &article.id));
        for record in records(article) {
            writer.add_document(record_document(&record, &self.fields))?;
        }
        Ok(())
    }

    /// Deletes the quote records of article `id`.
    pub(super) fn delete_quotes(&self, id: &str) {
        let writer = self.writer.lock();
        writer.delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Drops every quote record and writes those of the committed articles
    /// of `articles` again, committing with their checkpoint and
    /// generation. Returns how many records it wrote.
    fn rebuild_quotes_from(&self, articles: &SearchIndex) -> Result<u64> {
        let searcher = articles.searcher();
        let fields = articles.fields();
        // Only articles that quote anyone have a quote kind.
        let quoting: Vec<(Occur, Box<dyn Query>)> = ["direct", "reported"]
            .into_iter()
            .map(|kind| {
                let term = Term::from_field_text(fields.quote_kind, kind);
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            })
            .collect();
        let addresses = searcher.search(&BooleanQuery::new(quoting), &DocSetCollector)?;
        let mut written = 0;
        {
            let writer = self.writer.lock();
            writer.delete_all_documents()?;
            for address in addresses {
                let article =
                    IndexDoc::from_stored(searcher.doc(address)?, fields, articles.renames());
                for record in records(&article) {
                    writer.add_document(record_document(&record, &self.fields))?;
                    written += 1;
                }
            }
        }
        let generation = *articles.generation.lock();
        self.commit_as(articles.checkpoint()?, generation)?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Checkpoint, IndexOp};
    use crate::quotes::{DocQuote, QuoteListing, list_quotes};

    fn quoting(id: &str, seq: u64, words: &[&str]) -> IndexOp {
        IndexOp::Upsert(Box::new(IndexDoc {
            id: id.into(),
            sequence: seq,
            body: "article".into(),
            published_at: Some(1_772_409_600 + seq as i64),
            quotes: words
                .iter()
                .map(|w| DocQuote {
                    text: w.to_string(),
                    speaker_entity_id: "e1".into(),
                    direct: true,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }))
    }

    fn checkpoint(sequence: u64) -> Checkpoint {
        Checkpoint {
            sequence,
            entity_sequence: 0,
        }
    }

    fn listed(index: &SearchIndex) -> Vec<String> {
        let listing = QuoteListing {
            entity_id: "e1".into(),
            ..Default::default()
        };
        list_quotes(index, &listing, 100, "")
            .unwrap()
            .quotes
            .into_iter()
            .map(|q| q.quote.text)
            .collect()
    }

    #[test]
    fn quotes_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            index.apply(vec![quoting("a", 1, &["one", "two"])]).unwrap();
            index.commit(checkpoint(1)).unwrap();
            index.close().unwrap();
        }
        assert!(dir.path().join(QUOTES_DIR).join("meta.json").exists());
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(listed(&index), ["one", "two"]);
        assert_eq!(*index.generation.lock(), 1);
    }

    /// A crash after the quote index committed and before the articles
    /// did: the quote index holds an article the articles do not. The open
    /// rebuilds it from the articles; the indexer then replays the article
    /// from the checkpoint into both.
    #[test]
    fn a_crash_between_the_two_commits_is_repaired_at_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            index.apply(vec![quoting("a", 1, &["kept"])]).unwrap();
            index.commit(checkpoint(1)).unwrap();
            index
                .apply(vec![
                    quoting("b", 2, &["lost"]),
                    IndexOp::Delete("a".into()),
                ])
                .unwrap();
            // The first half of a commit, then the crash.
            let quotes = index.quote_index().unwrap();
            quotes.commit_as(checkpoint(2), 2).unwrap();
            assert_eq!(listed(&index), ["lost"]);
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.checkpoint().unwrap(), checkpoint(1));
        assert_eq!(listed(&index), ["kept"]);
        let quotes = index.quote_index().unwrap();
        assert_eq!(*quotes.generation.lock(), *index.generation.lock());
        // The replay.
        index
            .apply(vec![
                quoting("b", 2, &["lost"]),
                IndexOp::Delete("a".into()),
            ])
            .unwrap();
        index.commit(checkpoint(2)).unwrap();
        assert_eq!(listed(&index), ["lost"]);
    }

    #[test]
    fn a_missing_quote_index_is_rebuilt_from_the_articles() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            index
                .apply(vec![
                    quoting("a", 1, &["first", "second"]),
                    quoting("b", 2, &[]),
                ])
                .unwrap();
            index.commit(checkpoint(2)).unwrap();
            index.close().unwrap();
        }
        std::fs::remove_dir_all(dir.path().join(QUOTES_DIR)).unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(listed(&index), ["first", "second"]);
        assert_eq!(index.counts().0, 2);
    }

    #[test]
    fn clearing_and_rolling_back_reach_the_quotes() {
        let index = SearchIndex::in_memory().unwrap();
        index.apply(vec![quoting("a", 1, &["said"])]).unwrap();
        index.commit(checkpoint(1)).unwrap();
        index.apply(vec![quoting("b", 2, &["unsaid"])]).unwrap();
        index.rollback().unwrap();
        index.commit(checkpoint(1)).unwrap();
        assert_eq!(listed(&index), ["said"]);
        index.clear(checkpoint(0)).unwrap();
        assert!(listed(&index).is_empty());
    }
}
