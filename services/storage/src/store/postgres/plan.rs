//! Resolving one batch of writes in memory, in queue order, against what the
//! database already holds: the same rules as the embedded writer (a known
//! request_id replays its result; the same content from the same source is a
//! duplicate; a delete of an unknown id is NOT_FOUND), with sequences and ids
//! handed out from the head row. The writer then applies the plan with a few
//! set-based statements instead of several round trips per document.

use std::collections::HashMap;

use ulid::Ulid;

use crate::error::{Error, Result};
use crate::model::{ChangeKind, CreateResult, NewDocument, Timestamp, WriteOutcome};
use crate::store::ops::{self, TextUpdate};

/// One write of the batch, without its reply channel (kept for retries).
/// Creates dominate, so they are inline, as in the queue.
#[allow(clippy::large_enum_variant)]
pub(super) enum Op {
    Create {
        document: NewDocument,
        request_id: Option<String>,
    },
    Delete {
        id: Ulid,
    },
    UpdateText {
        update: TextUpdate,
    },
}

/// The dedup key: source and content hash.
pub(super) type ContentKey = (String, [u8; 32]);

/// What the database held when the batch started (read under the head lock).
#[derive(Default)]
pub(super) struct Known {
    pub requests: HashMap<String, CreateResult>,
    pub dedup: HashMap<ContentKey, (Ulid, u64)>,
    /// Documents named by the batch's deletes that exist, with their key.
    pub existing: HashMap<Ulid, ContentKey>,
    /// Documents named by the batch's text updates that exist, with their
    /// text_version.
    pub versions: HashMap<Ulid, u32>,
}

/// The single head row: newest sequence, largest id, document count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    pub last_sequence: u64,
    pub last_id: Ulid,
    pub document_count: i64,
}

pub(super) enum OpResult {
    Create(Result<CreateResult>),
    Delete(Result<u64>),
    Update(Result<Option<u64>>),
}

/// A new document row: the op it comes from and what the server assigned.
pub(super) struct Insert {
    pub op: usize,
    pub id: Ulid,
    pub sequence: u64,
}

/// Everything one batch does, ready to be written.
pub(super) struct Plan {
    pub results: Vec<OpResult>,
    pub inserts: Vec<Insert>,
    pub deletes: Vec<Ulid>,
    /// Indexes of the text updates that apply.
    pub updates: Vec<usize>,
    pub changes: Vec<(u64, ChangeKind, Ulid)>,
    /// request_id, outcome, document id, sequence.
    pub requests: Vec<(String, WriteOutcome, Ulid, u64)>,
    pub head: Head,
    pub now: Timestamp,
}

pub(super) fn plan(ops: &[Op], mut known: Known, head: Head, now: Timestamp) -> Plan {
    let mut plan = Plan {
        results: Vec::with_capacity(ops.len()),
        inserts: Vec::new(),
        deletes: Vec::new(),
        updates: Vec::new(),
        changes: Vec::new(),
        requests: Vec::new(),
        head,
        now,
    };
    for (index, op) in ops.iter().enumerate() {
        let result = match op {
            Op::Create {
                document,
                request_id,
            } => OpResult::Create(Ok(plan.create(index, document, request_id, &mut known))),
            Op::Delete { id } => OpResult::Delete(plan.delete(*id, &mut known)),
            Op::UpdateText { update } => {
                OpResult::Update(Ok(plan.update_text(index, update, &mut known)))
            }
        };
        plan.results.push(result);
    }
    plan
}

impl Plan {
    fn create(
        &mut self,
        index: usize,
        document: &NewDocument,
        request_id: &Option<String>,
        known: &mut Known,
    ) -> CreateResult {
        if let Some(rid) = request_id
            && let Some(earlier) = known.requests.get(rid)
        {
            return CreateResult {
                replayed: true,
                ..*earlier
            };
        }
        let key = (document.fields.source.clone(), document.content_sha256);
        let result = match known.dedup.get(&key) {
            Some(&(id, sequence)) => CreateResult {
                id,
                sequence,
                outcome: WriteOutcome::Duplicate,
                replayed: false,
            },
            None => {
                let id = ops::next_id(self.head.last_id, self.now);
                let sequence = self.next_sequence();
                self.head.last_id = id;
                self.head.document_count += 1;
                self.inserts.push(Insert {
                    op: index,
                    id,
                    sequence,
                });
                self.changes.push((sequence, ChangeKind::Created, id));
                known.dedup.insert(key.clone(), (id, sequence));
                known.existing.insert(id, key);
                CreateResult {
                    id,
                    sequence,
                    outcome: WriteOutcome::Created,
                    replayed: false,
                }
            }
        };
        if let Some(rid) = request_id {
            known.requests.insert(rid.clone(), result);
            self.requests
                .push((rid.clone(), result.outcome, result.id, result.sequence));
        }
        result
    }

    fn delete(&mut self, id: Ulid, known: &mut Known) -> Result<u64> {
        let Some(key) = known.existing.remove(&id) else {
            return Err(Error::NotFound { id: id.to_string() });
        };
        if known.dedup.get(&key).is_some_and(|&(held, _)| held == id) {
            known.dedup.remove(&key);
        }
        // A row inserted by this very batch is simply not inserted.
        if let Some(pos) = self.inserts.iter().position(|insert| insert.id == id) {
            self.inserts.remove(pos);
        } else {
            self.deletes.push(id);
        }
        self.head.document_count -= 1;
        let sequence = self.next_sequence();
        self.changes.push((sequence, ChangeKind::Deleted, id));
        Ok(sequence)
    }

    /// A re-derived text applies if the document exists, was not deleted
    /// earlier in this batch, and still has the version it was derived from.
    fn update_text(&mut self, index: usize, update: &TextUpdate, known: &mut Known) -> Option<u64> {
        let id = update.id;
        if self.deletes.contains(&id) || known.versions.get(&id) != Some(&update.from_version) {
            return None;
        }
        known.versions.insert(id, update.article.text_version);
        self.updates.push(index);
        let sequence = self.next_sequence();
        self.changes.push((sequence, ChangeKind::TextUpdated, id));
        Some(sequence)
    }

    fn next_sequence(&mut self) -> u64 {
        self.head.last_sequence += 1;
        self.head.last_sequence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocumentFields;

    fn create(source: &str, body: &str, rid: Option<&str>) -> Op {
        Op::Create {
            document: NewDocument::new(
                DocumentFields {
                    title: "T".into(),
                    body: body.into(),
                    source: source.into(),
                    url: String::new(),
                    author: String::new(),
                    published_at: None,
                    language: "en".into(),
                    labels: vec![],
                    content_type: crate::model::ContentType::PlainText,
                },
                &crate::config::Limits::default(),
                crate::model::Timestamp::now(),
            ),
            request_id: rid.map(String::from),
        }
    }

    fn created(result: &OpResult) -> CreateResult {
        match result {
            OpResult::Create(Ok(r)) => *r,
            _ => panic!("not a successful create"),
        }
    }

    #[test]
    fn a_batch_resolves_in_queue_order() {
        let head = Head {
            last_sequence: 10,
            last_id: Ulid::from_parts(5, 0),
            document_count: 3,
        };
        let ops = vec![
            create("s", "one", Some("r1")),
            create("s", "one", None),
            create("t", "one", None),
            create("s", "two", Some("r1")),
            Op::Delete {
                id: Ulid::from_parts(1, 1),
            },
        ];
        let plan = plan(&ops, Known::default(), head, Timestamp(1_000_000_000));
        let first = created(&plan.results[0]);
        assert_eq!((first.sequence, first.outcome), (11, WriteOutcome::Created));
        let dup = created(&plan.results[1]);
        assert_eq!((dup.id, dup.outcome), (first.id, WriteOutcome::Duplicate));
        let other = created(&plan.results[2]);
        assert_eq!((other.sequence, other.outcome), (12, WriteOutcome::Created));
        assert!(other.id > first.id);
        let replay = created(&plan.results[3]);
        assert_eq!((replay.id, replay.replayed), (first.id, true));
        assert!(matches!(
            plan.results[4],
            OpResult::Delete(Err(Error::NotFound { .. }))
        ));
        assert_eq!(plan.inserts.len(), 2);
        assert_eq!(plan.requests.len(), 1, "a replay is not recorded again");
        assert_eq!(plan.head.last_sequence, 12);
        assert_eq!(plan.head.document_count, 5);
    }

    #[test]
    fn a_delete_frees_the_content_for_a_new_document() {
        let id = Ulid::from_parts(1, 1);
        let key = (
            "s".to_string(),
            crate::model::NewDocument::new(
                DocumentFields {
                    title: "T".into(),
                    body: "one".into(),
                    source: "s".into(),
                    url: String::new(),
                    author: String::new(),
                    published_at: None,
                    language: "en".into(),
                    labels: vec![],
                    content_type: crate::model::ContentType::PlainText,
                },
                &crate::config::Limits::default(),
                crate::model::Timestamp::now(),
            )
            .content_sha256,
        );
        let mut known = Known::default();
        known.dedup.insert(key.clone(), (id, 1));
        known.existing.insert(id, key);
        let head = Head {
            last_sequence: 1,
            last_id: id,
            document_count: 1,
        };
        let ops = vec![
            create("s", "one", None),
            Op::Delete { id },
            create("s", "one", None),
        ];
        let plan = plan(&ops, known, head, Timestamp(0));
        assert_eq!(created(&plan.results[0]).outcome, WriteOutcome::Duplicate);
        assert!(matches!(plan.results[1], OpResult::Delete(Ok(2))));
        let again = created(&plan.results[2]);
        assert_eq!((again.outcome, again.sequence), (WriteOutcome::Created, 3));
        assert_eq!(plan.deletes, vec![id]);
        assert_eq!(plan.head.document_count, 1);
    }
}
