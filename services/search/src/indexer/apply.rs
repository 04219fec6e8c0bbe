//! Turning upstream changes into index writes: extract the created documents
//! in one batch, keep the feed's order, and re-resolve documents an entity
//! change touches.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use dossier_kit::run_blocking;
use dossier_proto::v1::{
    Change, ChangeKind, EntityChange, EntityChangeKind, EntitySummary, EntityType,
};
use tantivy::Term;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::extract::{Extracted, Refusal, extract_all};
use super::upstream::{Extractor, UpstreamError};
use crate::error::{Error, Result};
use crate::index::{IndexOp, SearchIndex};
use crate::model::IndexDoc;
use crate::schema::SEP;

/// A failure while applying: upstream (retry later) or local (index).
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    #[error(transparent)]
    Index(#[from] Error),
}

impl From<ApplyError> for Error {
    fn from(err: ApplyError) -> Self {
        match err {
            ApplyError::Upstream(e) => Error::Unavailable {
                service: e.service,
                message: e.message,
            },
            ApplyError::Index(e) => e,
        }
    }
}

/// Index writes, and the documents that went in without entities.
#[derive(Debug, Default)]
pub struct Planned {
    pub ops: Vec<IndexOp>,
    /// Documents to rewrite without their quote records, after `ops`
    /// (see `SearchIndex::relabel`).
    pub relabels: Vec<IndexDoc>,
    pub refusals: Vec<Refusal>,
}

/// Whether a change carries a document to (re-)index with fresh
/// extraction: a new document, or one whose article text storage derived
/// again with a newer cleaner (TEXT_UPDATED). Both are upserts — delete by
/// id, then add — so a replayed change is harmless, and both move the
/// checkpoint like any other change.
fn indexes(kind: Result<ChangeKind, prost::UnknownEnumValue>) -> bool {
    matches!(kind, Ok(ChangeKind::Created | ChangeKind::TextUpdated))
}

/// Index writes for a batch of changes, in feed order.
pub async fn ops_for_changes<X: Extractor>(
    extractor: &X,
    changes: Vec<Change>,
) -> Result<Planned, ApplyError> {
    let mut docs = Vec::new();
    let mut deleted = Vec::new();
    for change in &changes {
        match (ChangeKind::try_from(change.kind), &change.document) {
            (kind, Some(doc)) if indexes(kind) => docs.push(doc.clone()),
            (Ok(ChangeKind::Deleted), _) => deleted.push(change.document_id.clone()),
            // Created or updated but deleted since (a DELETED change
            // follows), or a kind this version does not know: nothing to
            // index.
            _ => {}
        }
    }
    let extracted = if docs.is_empty() {
        Extracted::default()
    } else {
        extract_all(extractor, &docs).await?
    };
    if !deleted.is_empty() {
        extractor.forget(deleted).await?;
    }
    let mut responses = extracted.responses.into_iter();
    let mut ops = Vec::with_capacity(changes.len());
    for change in changes {
        match (ChangeKind::try_from(change.kind), change.document) {
            (kind, Some(doc)) if indexes(kind) => {
                let extraction = responses.next().unwrap_or_default();
                ops.push(IndexOp::Upsert(Box::new(IndexDoc::from_parts(
                    &doc,
                    change.sequence,
                    &extraction,
                ))));
            }
            (Ok(ChangeKind::Deleted), _) => ops.push(IndexOp::Delete(change.document_id)),
            _ => {}
        }
    }
    Ok(Planned {
        ops,
        refusals: extracted.refusals,
        ..Planned::default()
    })
}

/// Most documents re-extracted in one call after an entity change.
const REEXTRACT_BATCH: usize = 256;

/// The new name and type an UPDATED change carries, when it carries them
/// (extraction fills them in as it sends the change).
pub fn relabelling(change: &EntityChange) -> Option<&EntitySummary> {
    let updated = change.kind == EntityChangeKind::Updated as i32;
    change
        .entity
        .as_ref()
        .filter(|e| updated && e.id == change.entity_id)
}

/// Applies renames (`latest`: entity id → its name and type now). A new
/// name alone is recorded in the index's rename table, which every read
/// shows (see `index::renames`); nothing is rewritten. A new type changes
/// what the articles are found by (`person:`, `org:`, the type facets), so
/// the articles of a retyped entity are rewritten in place with their
/// stored links: nothing is re-extracted. Articles already showing the
/// type (indexed after the change) are left alone.
pub async fn ops_for_relabelling(
    index: &Arc<SearchIndex>,
    latest: BTreeMap<String, EntitySummary>,
) -> Result<Planned, ApplyError> {
    let idx = Arc::clone(index);
    let renamed = latest.len();
    let (new_types, docs) = run_blocking(move || -> Result<_> {
        idx.renames().record(
            latest
                .values()
                .map(|e| (e.id.as_str(), e.canonical_name.as_str(), e.r#type)),
        )?;
        // An entity whose terms cannot be read is looked at article by
        // article below, as if retyped.
        let new_types: BTreeMap<String, i32> = latest
            .into_values()
            .filter(|e| indexed_with_another_type(&idx, &e.id, e.r#type).unwrap_or(true))
            .map(|e| (e.id, e.r#type))
            .collect();
        let ids: Vec<String> = new_types.keys().cloned().collect();
        let docs = affected_docs(&idx, &ids, &[])?;
        Ok((new_types, docs))
    })
    .await
    .map_err(Error::from)??;
    let mut planned = Planned::default();
    let read = docs.len();
    for mut doc in docs {
        let mut retyped: Vec<String> = Vec::new();
        for e in &mut doc.entities {
            if let Some(&kind) = new_types.get(&e.id)
                && e.entity_type != kind
            {
                e.entity_type = kind;
                retyped.push(e.id.clone());
            }
        }
        // A quote record holds the entities named inside the quote
        // (`quotes::records`), typed: only a retyping of one of those
        // changes the records.
        let quotes_changed = doc
            .quotes
            .iter()
            .any(|q| retyped.iter().any(|id| q.entities.contains(id)));
        match (quotes_changed, retyped.is_empty()) {
            (true, _) => planned.ops.push(IndexOp::Upsert(Box::new(doc))),
            (false, false) => planned.relabels.push(doc),
            (false, true) => {}
        }
    }
    tracing::debug!(
        renamed,
        retyped = new_types.len(),
        read,
        rewritten = planned.ops.len() + planned.relabels.len(),
        "renames recorded"
    );
    Ok(planned)
}

/// Whether some article lists entity `id` with a type other than
/// `entity_type`: its `entity_facet` terms ("id SEP TYPE SEP name") say so
/// without reading any stored document.
fn indexed_with_another_type(index: &SearchIndex, id: &str, entity_type: i32) -> Result<bool> {
    let now = EntityType::try_from(entity_type)
        .unwrap_or(EntityType::Unspecified)
        .as_str_name();
    let prefix = format!("{id}{SEP}");
    let end = format!(
        "{id}{}",
        char::from_u32(SEP as u32 + 1).unwrap_or(char::MAX)
    );
    let searcher = index.searcher();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(index.fields().entity_facet)?;
        let mut terms = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(end.as_bytes())
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            let rest = &terms.key()[prefix.len()..];
            let kind = rest.split(|b| *b == SEP as u8).next().unwrap_or_default();
            if kind != now.as_bytes() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Re-extracts every indexed document an entity change affects, so ids,
/// names and facets follow merges, splits and their undos. The documents
/// come from the index's stored fields (no storage round trip).
pub async fn ops_for_entity_change<X: Extractor>(
    index: &Arc<SearchIndex>,
    extractor: &X,
    change: &EntityChange,
) -> Result<Planned, ApplyError> {
    let mut entity_ids = vec![change.entity_id.clone()];
    entity_ids.extend(change.source_ids.iter().cloned());
    let named = change.document_ids.clone();
    let idx = Arc::clone(index);
    let docs = run_blocking(move || -> Result<_> {
        // Every article of these entities is written again below, with the
        // names extraction gives now.
        idx.renames()
            .forget(entity_ids.iter().map(String::as_str))?;
        affected_docs(&idx, &entity_ids, &named)
    })
    .await
    .map_err(Error::from)??;
    let mut planned = Planned {
        ops: Vec::with_capacity(docs.len()),
        ..Planned::default()
    };
    for chunk in docs.chunks(REEXTRACT_BATCH) {
        let requests: Vec<_> = chunk.iter().map(IndexDoc::to_document).collect();
        // The same guard as for new documents: a document extraction now
        // refuses is kept (without entities) instead of stalling the feed.
        let extracted = extract_all(extractor, &requests).await?;
        for ((old, doc), extraction) in chunk.iter().zip(&requests).zip(&extracted.responses) {
            let mut doc = IndexDoc::from_parts(doc, doc.sequence, extraction);
            // Curation changes who is named, not which event it reports.
            doc.story.clone_from(&old.story);
            planned.ops.push(IndexOp::Upsert(Box::new(doc)));
        }
        planned.refusals.extend(extracted.refusals);
    }
    Ok(planned)
}

/// Indexed documents named by the change, or linked to any of its entities
/// or quoting one (a speaker is usually among a document's entities, but
/// the quote is what must follow the change).
fn affected_docs(
    index: &SearchIndex,
    entity_ids: &[String],
    named: &[String],
) -> Result<Vec<IndexDoc>> {
    let fields = index.fields();
    let searcher = index.searcher();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for id in entity_ids.iter().filter(|id| !id.is_empty()) {
        for field in [fields.entity, fields.quote] {
            clauses.push((Occur::Should, term_query(Term::from_field_text(field, id))));
        }
    }
    for id in named {
        clauses.push((
            Occur::Should,
            term_query(Term::from_field_text(fields.id, id)),
        ));
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let addresses = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
    let mut seen = BTreeSet::new();
    let mut docs = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc = IndexDoc::from_stored(searcher.doc(address)?, fields, index.renames());
        if seen.insert(doc.id.clone()) {
            docs.push(doc);
        }
    }
    Ok(docs)
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}
