//! The seam between the registry's logic and where it is kept: one write
//! transaction's reads and writes of documents, links, entity records,
//! curations and the change log.
//!
//! Linking, aggregation and curation are written once against [`Txn`];
//! `store` implements it over a redb write transaction (the embedded
//! default), `pg` over a PostgreSQL transaction that buffers the writes
//! and sends them in a few statements at commit, so a batch of documents
//! costs a fixed number of round trips, not one per mention or document.
//! Reads see the transaction's own earlier writes on both.

use super::error::Result;
use super::model::{CurationRecord, DocRecord, EntityChange, EntityRecord, Handle};

/// Counter of the next curation number.
pub(crate) const META_NEXT_CURATION: &str = "next_curation";
/// Sequence of the newest entity change.
pub(crate) const META_LAST_SEQUENCE: &str = "last_sequence";

/// One open write transaction; dropped without committing, it writes nothing.
pub(crate) trait Txn {
    /// A document's recorded contribution.
    fn get_doc(&self, id: &str) -> Result<Option<DocRecord>>;
    /// Reads these documents ahead, where reading one by one would cost a
    /// round trip each; [`Txn::get_doc`] then answers from memory.
    fn prefetch_docs(&self, _ids: &[&str]) -> Result<()> {
        Ok(())
    }
    fn put_doc(&self, id: &str, doc: &DocRecord) -> Result<()>;
    fn remove_doc(&self, id: &str) -> Result<()>;
    /// Notes that `doc` holds an item first linked to `h` (who to
    /// re-aggregate when `h` is curated).
    fn link_entity_doc(&self, h: Handle, doc: &str) -> Result<()>;
    fn unlink_entity_doc(&self, h: Handle, doc: &str) -> Result<()>;
    /// Documents that hold an item first linked to `h`, in id (byte) order.
    fn entity_doc_ids(&self, h: Handle) -> Result<Vec<String>>;
    /// Writes entity records (new ones and changed ones).
    fn put_entities(
        &self,
        records: &mut dyn Iterator<Item = (Handle, &EntityRecord)>,
    ) -> Result<()>;
    fn get_curation(&self, n: u64) -> Result<Option<CurationRecord>>;
    fn put_curation(&self, rec: &CurationRecord) -> Result<()>;
    /// The curation a request id produced.
    fn request(&self, request_id: &str) -> Result<Option<u64>>;
    fn put_request(&self, request_id: &str, n: u64) -> Result<()>;
    fn put_change(&self, change: &EntityChange) -> Result<()>;
    /// A counter ([`META_NEXT_CURATION`], [`META_LAST_SEQUENCE`]); 0 when unset.
    fn meta(&self, key: &str) -> Result<u64>;
    fn put_meta(&self, key: &str, value: u64) -> Result<()>;
}
