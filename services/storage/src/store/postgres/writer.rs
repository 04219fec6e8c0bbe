//! The PostgreSQL writer: one task that drains the write queue in batches and
//! commits each batch in one transaction (group commit, as the embedded
//! writer does).
//!
//! Sequence numbers follow commit order even with several storage replicas
//! on one database: every batch first locks the single `dossier_head` row
//! (`SELECT … FOR UPDATE`), allocates sequences and ids from it, and updates
//! it in the same transaction. A second writer waits on that lock until the
//! first commits, so a transaction with higher sequences can never become
//! visible before one with lower sequences — a watcher that has seen N has
//! seen everything up to N. `pg_notify` in the same transaction wakes
//! watchers of every replica once it commits.
//!
//! A failure that may pass (lost connection, restart, serialization failure)
//! retries the whole batch for `WRITE_RETRY_BUDGET`, then answers it with
//! UNAVAILABLE naming the database. If the connection drops during COMMIT the
//! outcome is unknown; the retry first checks whether the batch's first
//! change is in the log (its id is random), and if so answers with what was
//! committed instead of applying it twice.

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Pool, Transaction};
use tokio::sync::{mpsc, oneshot, watch};

use super::failure::{Failure, backoff};
use super::plan::{self, Head, Known, Op, OpResult, Plan};
use super::rows;
use crate::error::{Error, Result};
use crate::model::{CreateResult, Timestamp};
use crate::store::ops::{self, WriteOp};

/// How long one batch keeps retrying before it is answered UNAVAILABLE.
const WRITE_RETRY_BUDGET: Duration = Duration::from_secs(5);

/// Most expired request_ids removed per commit.
const PRUNE_PER_COMMIT: i64 = 256;

/// The NOTIFY channel that carries the newest sequence.
pub(super) const CHANNEL: &str = "dossier_changes";

pub(super) struct PgWriter {
    pub pool: Pool,
    pub target: Arc<str>,
    pub max_batch: usize,
    pub request_id_retention: Duration,
    pub committed: Arc<watch::Sender<u64>>,
}

enum Reply {
    Create(oneshot::Sender<Result<CreateResult>>),
    Delete(oneshot::Sender<Result<u64>>),
    Update(oneshot::Sender<Result<Option<u64>>>),
}

/// Runs the writer until a `Stop` arrives or every sender is gone.
pub(super) async fn run(writer: PgWriter, mut queue: mpsc::Receiver<WriteOp>) {
    let mut batch = Vec::with_capacity(writer.max_batch);
    loop {
        let Some(first) = queue.recv().await else {
            break;
        };
        batch.push(first);
        ops::fill_batch(&mut queue, &mut batch, writer.max_batch);
        let stopping = ops::cut_at_stop(&mut batch);
        if !batch.is_empty() {
            writer.commit(&mut batch).await;
        }
        if stopping {
            break;
        }
    }
    queue.close();
    while let Ok(op) = queue.try_recv() {
        ops::refuse(op);
    }
    tracing::debug!("postgres writer stopped");
}

impl PgWriter {
    async fn commit(&self, batch: &mut Vec<WriteOp>) {
        let mut ops = Vec::with_capacity(batch.len());
        let mut replies = Vec::with_capacity(batch.len());
        for op in batch.drain(..) {
            match op {
                WriteOp::Create {
                    document,
                    request_id,
                    reply,
                } => {
                    ops.push(Op::Create {
                        document,
                        request_id,
                    });
                    replies.push(Reply::Create(reply));
                }
                WriteOp::Delete { id, reply } => {
                    ops.push(Op::Delete { id });
                    replies.push(Reply::Delete(reply));
                }
                WriteOp::UpdateText { update, reply } => {
                    ops.push(Op::UpdateText { update });
                    replies.push(Reply::Update(reply));
                }
                WriteOp::Stop => {}
            }
        }
        match self.commit_with_retries(&ops).await {
            Ok(plan) => {
                let last = plan.head.last_sequence;
                for (reply, result) in replies.into_iter().zip(plan.results) {
                    answer(reply, result);
                }
                self.committed.send_if_modified(|head| {
                    let newer = last > *head;
                    *head = (*head).max(last);
                    newer
                });
            }
            Err(err) => {
                tracing::error!(error = %err, count = ops.len(), "commit failed, nothing in the batch was stored");
                for reply in replies {
                    match reply {
                        Reply::Create(tx) => drop(tx.send(Err(err.clone()))),
                        Reply::Delete(tx) => drop(tx.send(Err(err.clone()))),
                        Reply::Update(tx) => drop(tx.send(Err(err.clone()))),
                    }
                }
            }
        }
    }

    async fn commit_with_retries(&self, ops: &[Op]) -> Result<Plan> {
        let started = tokio::time::Instant::now();
        let mut unsure: Option<Plan> = None;
        let mut tries = 0;
        loop {
            match self.try_commit(ops, &mut unsure).await {
                Ok(plan) => return Ok(plan),
                Err(failure) if failure.retryable && started.elapsed() < WRITE_RETRY_BUDGET => {
                    tracing::warn!(error = %failure.error, tries, "retrying a batch");
                    tokio::time::sleep(backoff(tries)).await;
                    tries += 1;
                }
                Err(failure) => return Err(failure.error),
            }
        }
    }

    /// One attempt. `unsure` holds the plan of an attempt whose COMMIT got no
    /// answer; it is checked against the log before anything is redone.
    async fn try_commit(&self, ops: &[Op], unsure: &mut Option<Plan>) -> Result<Plan, Failure> {
        let pg = |err: tokio_postgres::Error| Failure::from_pg(&self.target, &err);
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|err| Failure::from_pool(&self.target, err))?;
        // A batch without changes is harmless to redo; one with changes is
        // recognised by its first change, whose id is random.
        if let Some(previous) = unsure.take()
            && let Some(&(sequence, _, id)) = previous.changes.first()
        {
            let row = client
                .query_opt(
                    "SELECT document_id FROM changes WHERE sequence = $1",
                    &[&rows::seq(sequence)],
                )
                .await
                .map_err(pg)?;
            if row.is_some_and(|row| row.get::<_, Vec<u8>>(0) == rows::id_bytes(id)) {
                tracing::info!(sequence, "the unanswered commit had landed");
                return Ok(previous);
            }
        }
        let txn = client.transaction().await.map_err(pg)?;
        let head = lock_head(&txn).await.map_err(pg)?;
        let known = prefetch(&txn, ops, &self.target).await?;
        let plan = plan::plan(ops, known, head, Timestamp::now());
        self.apply(&txn, ops, &plan).await.map_err(pg)?;
        match txn.commit().await {
            Ok(()) => Ok(plan),
            Err(err) => {
                *unsure = Some(plan);
                Err(pg(err))
            }
        }
    }

    async fn apply(
        &self,
        txn: &Transaction<'_>,
        ops: &[Op],
        plan: &Plan,
    ) -> Result<(), tokio_postgres::Error> {
        if !plan.deletes.is_empty() {
            let ids: Vec<Vec<u8>> = plan.deletes.iter().map(|&id| rows::id_bytes(id)).collect();
            txn.execute("DELETE FROM documents WHERE id = ANY($1::bytea[])", &[&ids])
                .await?;
        }
        insert_documents(txn, ops, plan).await?;
        update_texts(txn, ops, plan).await?;
        if !plan.changes.is_empty() {
            let sequences: Vec<i64> = plan.changes.iter().map(|c| rows::seq(c.0)).collect();
            let kinds: Vec<i16> = plan.changes.iter().map(|c| rows::kind_code(c.1)).collect();
            let ids: Vec<Vec<u8>> = plan.changes.iter().map(|c| rows::id_bytes(c.2)).collect();
            txn.execute(
                "INSERT INTO changes (sequence, kind, document_id, commit_time_ns)
                 SELECT s, k, d, $4 FROM unnest($1::int8[], $2::int2[], $3::bytea[]) AS t(s, k, d)",
                &[&sequences, &kinds, &ids, &plan.now.0],
            )
            .await?;
        }
        let recorded_ms = i64::try_from(plan.now.millis()).unwrap_or(i64::MAX);
        if !plan.requests.is_empty() {
            let rids: Vec<&str> = plan.requests.iter().map(|r| r.0.as_str()).collect();
            let outcomes: Vec<i16> = plan
                .requests
                .iter()
                .map(|r| rows::outcome_code(r.1))
                .collect();
            let ids: Vec<Vec<u8>> = plan.requests.iter().map(|r| rows::id_bytes(r.2)).collect();
            let sequences: Vec<i64> = plan.requests.iter().map(|r| rows::seq(r.3)).collect();
            txn.execute(
                "INSERT INTO requests (request_id, outcome, document_id, sequence, recorded_ms)
                 SELECT r, o, d, s, $5 FROM unnest($1::text[], $2::int2[], $3::bytea[], $4::int8[]) AS t(r, o, d, s)
                 ON CONFLICT (request_id) DO NOTHING",
                &[&rids, &outcomes, &ids, &sequences, &recorded_ms],
            )
            .await?;
        }
        let Head {
            last_sequence,
            last_id,
            document_count,
        } = plan.head;
        txn.execute(
            "UPDATE dossier_head SET last_sequence = $1, last_id = $2, document_count = $3",
            &[
                &rows::seq(last_sequence),
                &rows::id_bytes(last_id),
                &document_count,
            ],
        )
        .await?;
        let retention = i64::try_from(self.request_id_retention.as_millis()).unwrap_or(i64::MAX);
        txn.execute(
            "DELETE FROM requests WHERE request_id IN (
                 SELECT request_id FROM requests WHERE recorded_ms < $1
                 ORDER BY recorded_ms LIMIT $2)",
            &[&recorded_ms.saturating_sub(retention), &PRUNE_PER_COMMIT],
        )
        .await?;
        if !plan.changes.is_empty() {
            txn.execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANNEL, &last_sequence.to_string()],
            )
            .await?;
        }
        Ok(())
    }
}

/// Locks the head row until the transaction ends: the point that serialises
/// every writer on this database.
async fn lock_head(txn: &Transaction<'_>) -> Result<Head, tokio_postgres::Error> {
    let row = txn
        .query_one(
            "SELECT last_sequence, last_id, document_count FROM dossier_head FOR UPDATE",
            &[],
        )
        .await?;
    let last_id: Vec<u8> = row.get(1);
    Ok(Head {
        last_sequence: rows::seq_from(row.get(0)),
        last_id: rows::id_from(&last_id).unwrap_or_default(),
        document_count: row.get(2),
    })
}

/// Reads what the batch's rules depend on: its request_ids, the documents
/// with its contents, and the documents its deletes name.
async fn prefetch(txn: &Transaction<'_>, ops: &[Op], target: &str) -> Result<Known, Failure> {
    let storage = |err: Error| Failure {
        error: err,
        retryable: false,
    };
    let pg = |err: tokio_postgres::Error| Failure::from_pg(target, &err);
    let mut rids = Vec::new();
    let mut sources = Vec::new();
    let mut hashes = Vec::new();
    let mut deletes = Vec::new();
    let mut updates = Vec::new();
    for op in ops {
        match op {
            Op::Create {
                document,
                request_id,
            } => {
                rids.extend(request_id.as_deref());
                sources.push(document.fields.source.as_str());
                hashes.push(document.content_sha256.as_slice());
            }
            Op::Delete { id } => deletes.push(rows::id_bytes(*id)),
            Op::UpdateText { update } => updates.push(rows::id_bytes(update.id)),
        }
    }
    let mut known = Known::default();
    if !rids.is_empty() {
        let found = txn
            .query(
                "SELECT request_id, outcome, document_id, sequence FROM requests
                 WHERE request_id = ANY($1::text[])",
                &[&rids],
            )
            .await
            .map_err(pg)?;
        for row in found {
            let id: Vec<u8> = row.get(2);
            let result = CreateResult {
                id: rows::id_from(&id).map_err(storage)?,
                sequence: rows::seq_from(row.get(3)),
                outcome: rows::outcome_from(row.get(1)).map_err(storage)?,
                replayed: true,
            };
            known.requests.insert(row.get(0), result);
        }
    }
    if !sources.is_empty() {
        let found = txn
            .query(
                "SELECT d.source, d.content_sha256, d.id, d.sequence FROM documents d
                 JOIN unnest($1::text[], $2::bytea[]) AS k(source, hash)
                   ON d.source = k.source AND d.content_sha256 = k.hash",
                &[&sources, &hashes],
            )
            .await
            .map_err(pg)?;
        for row in found {
            let key = content_key(&row, 0).map_err(storage)?;
            let id: Vec<u8> = row.get(2);
            let id = rows::id_from(&id).map_err(storage)?;
            known.dedup.insert(key, (id, rows::seq_from(row.get(3))));
        }
    }
    if !deletes.is_empty() {
        let found = txn
            .query(
                "SELECT id, source, content_sha256 FROM documents WHERE id = ANY($1::bytea[])",
                &[&deletes],
            )
            .await
            .map_err(pg)?;
        for row in found {
            let id: Vec<u8> = row.get(0);
            let id = rows::id_from(&id).map_err(storage)?;
            known
                .existing
                .insert(id, content_key(&row, 1).map_err(storage)?);
        }
    }
    if !updates.is_empty() {
        let found = txn
            .query(
                "SELECT id, text_version FROM documents WHERE id = ANY($1::bytea[])",
                &[&updates],
            )
            .await
            .map_err(pg)?;
        for row in found {
            let id: Vec<u8> = row.get(0);
            let id = rows::id_from(&id).map_err(storage)?;
            let version = u32::try_from(row.get::<_, i32>(1)).unwrap_or(0);
            known.versions.insert(id, version);
        }
    }
    Ok(known)
}

/// Writes the batch's re-derived texts (few per batch: one statement each).
async fn update_texts(
    txn: &Transaction<'_>,
    ops: &[Op],
    plan: &Plan,
) -> Result<(), tokio_postgres::Error> {
    for &index in &plan.updates {
        let Some(Op::UpdateText { update }) = ops.get(index) else {
            continue;
        };
        let f = &update.fields;
        let a = &update.article;
        txn.execute(
            "UPDATE documents SET title = $2, author = $3, published_at_ns = $4, url = $5,
                    language = $6, content_type = $7, text = $8, text_version = $9,
                    text_empty = $10, derived = $11
             WHERE id = $1",
            &[
                &rows::id_bytes(update.id),
                &f.title.as_bytes(),
                &f.author.as_bytes(),
                &f.published_at.map(|t| t.0),
                &f.url.as_bytes(),
                &f.language,
                &rows::content_type_code(f.content_type),
                &a.text.as_bytes(),
                &i32::try_from(a.text_version).unwrap_or(i32::MAX),
                &a.text_empty,
                &i16::from(a.derived.0),
            ],
        )
        .await?;
    }
    Ok(())
}

fn content_key(row: &tokio_postgres::Row, first: usize) -> Result<plan::ContentKey> {
    let hash: Vec<u8> = row.get(first + 1);
    let hash: [u8; 32] = hash
        .as_slice()
        .try_into()
        .map_err(|_| Error::Storage("a stored content_sha256 is not 32 bytes".into()))?;
    Ok((row.get(first), hash))
}

/// Inserts the batch's new documents with one statement over arrays.
async fn insert_documents(
    txn: &Transaction<'_>,
    ops: &[Op],
    plan: &Plan,
) -> Result<(), tokio_postgres::Error> {
    if plan.inserts.is_empty() {
        return Ok(());
    }
    let n = plan.inserts.len();
    let mut ids = Vec::with_capacity(n);
    let mut sequences = Vec::with_capacity(n);
    let mut hashes = Vec::with_capacity(n);
    let mut sources = Vec::with_capacity(n);
    let mut titles = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    let mut urls = Vec::with_capacity(n);
    let mut authors = Vec::with_capacity(n);
    let mut published = Vec::with_capacity(n);
    let mut languages = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let mut content_types = Vec::with_capacity(n);
    let mut texts = Vec::with_capacity(n);
    let mut text_versions = Vec::with_capacity(n);
    let mut text_empties = Vec::with_capacity(n);
    let mut deriveds = Vec::with_capacity(n);
    for insert in &plan.inserts {
        let Some(Op::Create { document, .. }) = ops.get(insert.op) else {
            continue;
        };
        let fields = &document.fields;
        ids.push(rows::id_bytes(insert.id));
        sequences.push(rows::seq(insert.sequence));
        hashes.push(document.content_sha256.as_slice());
        sources.push(fields.source.as_str());
        titles.push(fields.title.as_bytes());
        bodies.push(fields.body.as_bytes());
        urls.push(fields.url.as_bytes());
        authors.push(fields.author.as_bytes());
        published.push(fields.published_at.map(|t| t.0));
        languages.push(fields.language.as_str());
        // Labels cannot contain control characters (validation), so the
        // unit separator joins them unambiguously.
        labels.push(fields.labels.join("\u{1f}"));
        let article = &document.article;
        content_types.push(rows::content_type_code(fields.content_type));
        texts.push(article.text.as_bytes());
        text_versions.push(i32::try_from(article.text_version).unwrap_or(i32::MAX));
        text_empties.push(article.text_empty);
        deriveds.push(i16::from(article.derived.0));
    }
    txn.execute(
        "INSERT INTO documents (id, sequence, create_time_ns, content_sha256, source, title,
                               body, url, author, published_at_ns, language, labels,
                               content_type, text, text_version, text_empty, derived)
         SELECT id, seq, $3, hash, source, title, body, url, author, published, language,
                string_to_array(labels, E'\\x1f'), ctype, txt, tver, tempty, der
         FROM unnest($1::bytea[], $2::int8[], $4::bytea[], $5::text[], $6::bytea[], $7::bytea[],
                     $8::bytea[], $9::bytea[], $10::int8[], $11::text[], $12::text[],
                     $13::int2[], $14::bytea[], $15::int4[], $16::bool[], $17::int2[])
           AS t(id, seq, hash, source, title, body, url, author, published, language, labels,
                ctype, txt, tver, tempty, der)",
        &[
            &ids,
            &sequences,
            &plan.now.0,
            &hashes,
            &sources,
            &titles,
            &bodies,
            &urls,
            &authors,
            &published,
            &languages,
            &labels,
            &content_types,
            &texts,
            &text_versions,
            &text_empties,
            &deriveds,
        ],
    )
    .await?;
    Ok(())
}

fn answer(reply: Reply, result: OpResult) {
    match (reply, result) {
        (Reply::Create(tx), OpResult::Create(result)) => drop(tx.send(result)),
        (Reply::Delete(tx), OpResult::Delete(result)) => drop(tx.send(result)),
        (Reply::Update(tx), OpResult::Update(result)) => drop(tx.send(result)),
        (Reply::Create(tx), _) => drop(tx.send(Err(mismatch()))),
        (Reply::Delete(tx), _) => drop(tx.send(Err(mismatch()))),
        (Reply::Update(tx), _) => drop(tx.send(Err(mismatch()))),
    }
}

fn mismatch() -> Error {
    Error::Storage("internal: a batch result does not match its request".into())
}
