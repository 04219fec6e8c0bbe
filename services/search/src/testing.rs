//! In-memory stand-ins for storage and extraction, so the indexer and the
//! query core are tested without a network.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dossier_proto::v1::{
    Change, ChangeKind, Document, EntityChange, EntityChangeKind, EntitySummary, EntityType,
    ExtractResponse, Mention,
};
use futures::stream;
use parking_lot::Mutex;
use tokio::sync::{Notify, watch};

mod quoting;

use crate::indexer::upstream::{
    BatchExtraction, ChangeFeed, Extractor, UpstreamError, UpstreamStream,
};

/// An append-only log with live watchers, like storage's change feed.
pub struct Log<T> {
    items: Mutex<Vec<T>>,
    version: watch::Sender<u64>,
    down: AtomicBool,
}

impl<T: Clone + Send + Sync + 'static> Log<T> {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            items: Mutex::new(Vec::new()),
            version: watch::channel(0).0,
            down: AtomicBool::new(false),
        })
    }

    fn push(&self, item: T) {
        self.items.lock().push(item);
        self.version.send_modify(|v| *v += 1);
    }

    /// Simulates the service going away (streams fail) or coming back.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        self.version.send_modify(|v| *v += 1);
    }

    fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    /// Items after position `from` (0-based), live.
    fn stream(self: &Arc<Self>, from: usize, service: &'static str) -> UpstreamStream<T> {
        let log = Arc::clone(self);
        let rx = log.version.subscribe();
        Box::pin(stream::unfold(
            (log, rx, from, false),
            move |(log, mut rx, pos, failed)| async move {
                if failed {
                    return None;
                }
                loop {
                    if log.is_down() {
                        let err = UpstreamError {
                            service,
                            message: "connection reset".into(),
                        };
                        return Some((Err(err), (log, rx, pos, true)));
                    }
                    let next = log.items.lock().get(pos).cloned();
                    if let Some(item) = next {
                        return Some((Ok(item), (log, rx, pos + 1, false)));
                    }
                    if rx.changed().await.is_err() {
                        return None;
                    }
                }
            },
        ))
    }
}

/// Fake storage: documents get sequences 1, 2, 3...
#[derive(Clone)]
pub struct FakeStorage {
    pub log: Arc<Log<Change>>,
}

impl FakeStorage {
    pub fn new() -> Self {
        Self { log: Log::new() }
    }

    pub fn create(&self, id: &str, title: &str, body: &str, source: &str, published: i64) -> u64 {
        let sequence = self.log.items.lock().len() as u64 + 1;
        let document = Document {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            source: source.into(),
            published_at: Some(prost_types::Timestamp {
                seconds: published,
                nanos: 0,
            }),
            language: "en".into(),
            sequence,
            ..Document::default()
        };
        self.log.push(Change {
            sequence,
            document_id: id.into(),
            kind: ChangeKind::Created as i32,
            document: Some(document),
            commit_time: None,
        });
        sequence
    }

    /// Stores a page as storage does: `body` as sent, `text` the clean
    /// article text storage derived from it (empty: `text_empty`).
    pub fn create_page(
        &self,
        id: &str,
        title: &str,
        body: &str,
        text: &str,
        language: &str,
    ) -> u64 {
        let sequence = self.log.items.lock().len() as u64 + 1;
        let document = Document {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            content_type: "text/html".into(),
            text: text.into(),
            text_version: 1,
            text_empty: text.is_empty(),
            language: language.into(),
            sequence,
            ..Document::default()
        };
        self.log.push(Change {
            sequence,
            document_id: id.into(),
            kind: ChangeKind::Created as i32,
            document: Some(document),
            commit_time: None,
        });
        sequence
    }

    /// Derives `id`'s text again, as a newer cleaner would, and publishes
    /// the TEXT_UPDATED change carrying the whole document.
    pub fn update_text(&self, id: &str, text: &str) -> u64 {
        let items = self.log.items.lock();
        let sequence = items.len() as u64 + 1;
        let mut document = items
            .iter()
            .rev()
            .find_map(|c| c.document.clone().filter(|d| d.id == id))
            .unwrap_or_else(|| panic!("no document {id} to update"));
        document.text = text.into();
        document.text_version += 1;
        document.text_empty = text.is_empty();
        drop(items);
        self.log.push(Change {
            sequence,
            document_id: id.into(),
            kind: ChangeKind::TextUpdated as i32,
            document: Some(document),
            commit_time: None,
        });
        sequence
    }

    pub fn delete(&self, id: &str) -> u64 {
        let sequence = self.log.items.lock().len() as u64 + 1;
        self.log.push(Change {
            sequence,
            document_id: id.into(),
            kind: ChangeKind::Deleted as i32,
            document: None,
            commit_time: None,
        });
        sequence
    }
}

impl ChangeFeed for FakeStorage {
    async fn watch(&self, after: u64) -> Result<UpstreamStream<Change>, UpstreamError> {
        if self.log.is_down() {
            return Err(UpstreamError::storage("connection refused"));
        }
        // Sequence n is at position n - 1.
        Ok(self.log.stream(after as usize, "storage"))
    }

    async fn head(&self) -> Result<u64, UpstreamError> {
        if self.log.is_down() {
            return Err(UpstreamError::storage("connection refused"));
        }
        Ok(self.log.items.lock().len() as u64)
    }
}

/// (entity id, canonical name, type) of a known spelling.
type Linked = (String, String, EntityType);

/// Fake extraction: links every word found in its alias table, and follows
/// merges like the real registry.
#[derive(Clone)]
pub struct FakeExtractor {
    aliases: Arc<Mutex<HashMap<String, Linked>>>,
    merged: Arc<Mutex<HashMap<String, String>>>,
    pub entity_log: Arc<Log<EntityChange>>,
    /// Every document id extracted, in order.
    pub extracted: Arc<Mutex<Vec<String>>>,
    pub forgotten: Arc<Mutex<Vec<String>>>,
    /// Document id → the status extraction refuses it with, for good.
    refusing: Arc<Mutex<HashMap<String, String>>>,
    /// When set, every request is refused with this status (a broken
    /// registry, say), even an empty one.
    refuse_everything: Arc<Mutex<Option<String>>>,
    /// The document ids of every BatchExtract call, in order.
    pub calls: Arc<Mutex<Vec<Vec<String>>>>,
    /// Document id → gate: a batch holding it is answered (as extracted
    /// when it came in) only once the gate opens.
    gates: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

impl FakeExtractor {
    pub fn new() -> Self {
        Self {
            aliases: Default::default(),
            merged: Default::default(),
            entity_log: Log::new(),
            extracted: Default::default(),
            forgotten: Default::default(),
            refusing: Default::default(),
            refuse_everything: Default::default(),
            calls: Default::default(),
            gates: Default::default(),
        }
    }

    /// Holds back the answer to the batch that holds document `id` until
    /// the returned gate is opened with `notify_one`.
    pub fn hold(&self, id: &str) -> Arc<Notify> {
        let gate = Arc::new(Notify::new());
        self.gates.lock().insert(id.into(), Arc::clone(&gate));
        gate
    }

    /// Extraction will refuse document `id` with `status`, as BatchExtract
    /// does: answers up to it, then ends the stream.
    pub fn refuse(&self, id: &str, status: &str) -> &Self {
        self.refusing.lock().insert(id.into(), status.into());
        self
    }

    /// Every request is refused with `status` (None: back to normal).
    pub fn refuse_everything(&self, status: Option<&str>) {
        *self.refuse_everything.lock() = status.map(str::to_owned);
    }

    /// `word` (one word, any case) is a spelling of entity `id`.
    pub fn alias(&self, word: &str, id: &str, canonical: &str, kind: EntityType) -> &Self {
        self.aliases
            .lock()
            .insert(word.to_lowercase(), (id.into(), canonical.into(), kind));
        self
    }

    /// Merges `from` into `into` and publishes the change.
    pub fn merge(&self, into: &str, from: &str, documents: &[&str]) {
        self.merged.lock().insert(from.into(), into.into());
        let sequence = self.entity_log.items.lock().len() as u64 + 1;
        self.entity_log.push(EntityChange {
            sequence,
            kind: EntityChangeKind::Merged as i32,
            entity_id: into.into(),
            source_ids: vec![from.into()],
            document_ids: documents.iter().map(|d| d.to_string()).collect(),
            ..EntityChange::default()
        });
    }

    /// Gives entity `id` a new canonical name and type and publishes the
    /// UPDATED change, carrying them as the real registry does.
    pub fn rename(&self, id: &str, canonical: &str, kind: EntityType) {
        for linked in self.aliases.lock().values_mut() {
            if linked.0 == id {
                linked.1 = canonical.into();
                linked.2 = kind;
            }
        }
        let sequence = self.entity_log.items.lock().len() as u64 + 1;
        self.entity_log.push(EntityChange {
            sequence,
            kind: EntityChangeKind::Updated as i32,
            entity_id: id.into(),
            entity: Some(EntitySummary {
                id: id.into(),
                canonical_name: canonical.into(),
                r#type: kind as i32,
            }),
            ..EntityChange::default()
        });
    }

    /// The entity a word links to now (merges applied).
    fn link(&self, word: &str) -> Option<Linked> {
        let aliases = self.aliases.lock();
        let merged = self.merged.lock();
        let (id, canonical, kind) = aliases.get(&word.to_lowercase())?;
        let id = merged.get(id).unwrap_or(id).clone();
        let canonical = aliases
            .values()
            .find(|(i, _, _)| *i == id)
            .map_or(canonical.clone(), |(_, c, _)| c.clone());
        Some((id, canonical, *kind))
    }

    /// Reads what extraction reads (headline, blank line, article text):
    /// every known word is a mention, and quotes as [`quoting`] finds them.
    fn run(&self, doc: &Document) -> ExtractResponse {
        let text = crate::model::extraction_text(doc);
        let mut response = ExtractResponse {
            document_id: doc.id.clone(),
            ..Default::default()
        };
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let Some((id, canonical, kind)) = self.link(word) else {
                continue;
            };
            let start = word.as_ptr() as usize - text.as_ptr() as usize;
            response.mentions.push(Mention {
                start: start as u32,
                end: (start + word.len()) as u32,
                text: word.into(),
                r#type: kind as i32,
                entity_id: id.clone(),
                ..Mention::default()
            });
            if !response.entities.iter().any(|e| e.id == id) {
                response.entities.push(EntitySummary {
                    id,
                    canonical_name: canonical,
                    r#type: kind as i32,
                });
            }
        }
        response.quotes = quoting::find_quotes(&text, &|word| {
            self.link(word).map(|(id, canonical, _)| (id, canonical))
        });
        response
    }
}

impl Extractor for FakeExtractor {
    async fn extract(&self, docs: Vec<Document>) -> Result<BatchExtraction, UpstreamError> {
        if self.entity_log.is_down() {
            return Err(UpstreamError::extraction("connection refused"));
        }
        self.calls
            .lock()
            .push(docs.iter().map(|d| d.id.clone()).collect());
        let mut answer = BatchExtraction::default();
        for doc in &docs {
            let refused = match &*self.refuse_everything.lock() {
                Some(status) => Some(status.clone()),
                None => self.refusing.lock().get(&doc.id).cloned(),
            };
            if let Some(status) = refused {
                answer.refused = Some(status);
                break;
            }
            self.extracted.lock().push(doc.id.clone());
            answer.responses.push(self.run(doc));
        }
        let gates: Vec<Arc<Notify>> = {
            let gates = self.gates.lock();
            docs.iter()
                .filter_map(|d| gates.get(&d.id).cloned())
                .collect()
        };
        for gate in gates {
            gate.notified().await;
        }
        Ok(answer)
    }

    async fn forget(&self, ids: Vec<String>) -> Result<(), UpstreamError> {
        if self.entity_log.is_down() {
            return Err(UpstreamError::extraction("connection refused"));
        }
        self.forgotten.lock().extend(ids);
        Ok(())
    }

    async fn watch_entities(
        &self,
        after: u64,
    ) -> Result<UpstreamStream<EntityChange>, UpstreamError> {
        if self.entity_log.is_down() {
            return Err(UpstreamError::extraction("connection refused"));
        }
        Ok(self.entity_log.stream(after as usize, "extraction"))
    }
}
