//! The PostgreSQL backend (`--database-url`).
//!
//! Same contract as the embedded store (see `store`): one writer task per
//! process group-commits batches ([`writer`]); the `dossier_head` row lock
//! keeps sequences in commit order across replicas; LISTEN/NOTIFY wakes
//! watchers ([`notify`]); the schema is migrated at start-up ([`schema`]).
//! Reads use a connection pool and retry briefly when a connection fails;
//! while the database is down every call answers UNAVAILABLE naming it, and
//! the pool reconnects by itself once it is back.

mod failure;
mod notify;
mod plan;
mod rows;
mod schema;
mod writer;

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};
use ulid::Ulid;

use super::ops::WriteQueue;
use super::{MAX_PAGE_BYTES, Page, StoreOptions};
use crate::config::DatabaseUrl;
use crate::error::{Error, Result};
use crate::model::{Change, StorageStatus};
use crate::paging::ListFilter;
use failure::{Failure, retrying};
use rows::DOCUMENT_COLUMNS;

/// Connections in the pool: readers plus the writer.
const POOL_SIZE: usize = 16;

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a read keeps retrying a failed connection before UNAVAILABLE.
const READ_RETRY_BUDGET: Duration = Duration::from_millis(500);

/// How long start-up waits for the database to accept connections.
const STARTUP_WAIT: Duration = Duration::from_secs(30);

/// A handle to the PostgreSQL store; cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// "PostgreSQL database NAME at HOST:PORT", for messages.
    target: Arc<str>,
    queue: WriteQueue,
    committed: watch::Receiver<u64>,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl PgStore {
    /// Connects, migrates the schema and starts the writer and the listener.
    pub async fn open(url: &DatabaseUrl, options: &StoreOptions) -> Result<Self> {
        let mut config = tokio_postgres::Config::from_str(url.expose())
            .map_err(|err| Error::Storage(format!("invalid --database-url {url}: {err}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("dossier-storage");
        }
        let target: Arc<str> = describe_target(&config).into();
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT * 2))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|err| Error::Storage(format!("cannot build the connection pool: {err}")))?;

        let version = retrying(STARTUP_WAIT, || async {
            let mut client = pool
                .get()
                .await
                .map_err(|err| Failure::from_pool(&target, err))?;
            schema::migrate(&mut client)
                .await
                .map_err(|err| Failure::from_pg(&target, &err))
        })
        .await?;
        let last_sequence = read_head(&pool, &target).await?;
        tracing::info!(database = %target, schema_version = version, last_sequence, "postgres store opened");

        let (committed_tx, committed) = watch::channel(last_sequence);
        let committed_tx = Arc::new(committed_tx);
        let (queue, queue_rx) = WriteQueue::new();
        let writer = writer::PgWriter {
            pool: pool.clone(),
            target: target.clone(),
            max_batch: options.max_batch.max(1),
            request_id_retention: options.request_id_retention,
            committed: committed_tx.clone(),
        };
        let tasks = vec![
            tokio::spawn(writer::run(writer, queue_rx)),
            tokio::spawn(notify::listen(config, pool.clone(), committed_tx)),
        ];
        Ok(Self {
            pool,
            target,
            queue,
            committed,
            tasks: Arc::new(Mutex::new(tasks)),
        })
    }

    pub(crate) fn queue(&self) -> &WriteQueue {
        &self.queue
    }

    /// Runs one read statement with a pooled connection, retrying briefly.
    async fn read(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        retrying(READ_RETRY_BUDGET, || async {
            let client = self
                .pool
                .get()
                .await
                .map_err(|err| Failure::from_pool(&self.target, err))?;
            client
                .query(sql, params)
                .await
                .map_err(|err| Failure::from_pg(&self.target, &err))
        })
        .await
    }

    pub async fn get(&self, id: Ulid) -> Result<Option<crate::model::StoredDocument>> {
        let key = rows::id_bytes(id);
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents d WHERE d.id = $1");
        let found = self.read(&sql, &[&key]).await?;
        found.first().map(|row| rows::document(row, 0)).transpose()
    }

    /// The same page the embedded store gives: documents after `after` in id
    /// order that match `filter`, stopping at `limit` or once the page holds
    /// `MAX_PAGE_BYTES`; a token only if more matching documents follow.
    pub async fn list(
        &self,
        filter: ListFilter,
        after: Option<Ulid>,
        limit: usize,
    ) -> Result<Page> {
        let after = after.map_or_else(|| vec![0u8; 16], rows::id_bytes);
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let budget = i64::try_from(MAX_PAGE_BYTES).unwrap_or(i64::MAX);
        let published_after = filter.published_after.map(|t| t.0);
        let published_before = filter.published_before.map(|t| t.0);
        // The running size is computed in the database so large bodies past
        // the byte budget are never sent.
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS}, p.fetched FROM (
                 SELECT f.*, count(*) OVER () AS fetched,
                        sum(octet_length(f.title) + octet_length(f.body)
                            + coalesce(octet_length(f.text), 0) + 256)
                            OVER (ORDER BY f.id ROWS UNBOUNDED PRECEDING) AS running
                 FROM (SELECT * FROM documents
                       WHERE id > $1
                         AND (cardinality($2::text[]) = 0 OR source = ANY($2::text[]))
                         AND ($3::int8 IS NULL OR published_at_ns >= $3)
                         AND ($4::int8 IS NULL OR published_at_ns < $4)
                       ORDER BY id LIMIT $5) f
             ) p
             JOIN documents d ON d.id = p.id
             WHERE p.running - (octet_length(p.title) + octet_length(p.body)
                                + coalesce(octet_length(p.text), 0) + 256) < $6
             ORDER BY d.id"
        );
        let params: [&(dyn ToSql + Sync); 6] = [
            &after,
            &filter.sources,
            &published_after,
            &published_before,
            &fetch,
            &budget,
        ];
        let found = self.read(&sql, &params).await?;
        let fetched = found
            .first()
            .map_or(0, |row| row.get::<_, i64>(rows::DOCUMENT_COLUMN_COUNT));
        let mut page = Page::default();
        for row in found.iter().take(limit) {
            page.documents.push(rows::document(row, 0)?);
        }
        let more = usize::try_from(fetched).unwrap_or(0) > page.documents.len();
        if more {
            page.next_after = page.documents.last().map(|doc| doc.id);
        }
        Ok(page)
    }

    pub async fn changes_after(
        &self,
        after: u64,
        limit: usize,
        with_documents: bool,
    ) -> Result<Vec<Change>> {
        let after = rows::seq(after);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT c.sequence, c.kind, c.document_id, c.commit_time_ns, {DOCUMENT_COLUMNS}
             FROM changes c
             LEFT JOIN documents d ON $3 AND c.kind IN (0, 2) AND d.id = c.document_id
             WHERE c.sequence > $1 ORDER BY c.sequence LIMIT $2"
        );
        let found = self.read(&sql, &[&after, &limit, &with_documents]).await?;
        let mut changes = Vec::with_capacity(found.len());
        for row in found {
            let id: Vec<u8> = row.get(2);
            let has_document = row.get::<_, Option<Vec<u8>>>(4).is_some();
            changes.push(Change {
                sequence: rows::seq_from(row.get(0)),
                kind: rows::kind_from(row.get(1))?,
                document_id: rows::id_from(&id)?,
                commit_time: crate::model::Timestamp(row.get(3)),
                document: if has_document {
                    Some(rows::document(&row, 4)?)
                } else {
                    None
                },
            });
        }
        Ok(changes)
    }

    pub async fn status(&self) -> Result<StorageStatus> {
        let found = self
            .read(
                "SELECT last_sequence, document_count FROM dossier_head",
                &[],
            )
            .await?;
        let row = found
            .first()
            .ok_or_else(|| Error::Storage("the dossier_head row is missing".into()))?;
        Ok(StorageStatus {
            last_sequence: rows::seq_from(row.get(0)),
            document_count: u64::try_from(row.get::<_, i64>(1)).unwrap_or(0),
            documents_awaiting_text: 0,
        })
    }

    /// As the embedded store's: documents after `after` with text older
    /// than `version`, through the (text_version, id) index.
    pub async fn stale_after(
        &self,
        after: Option<Ulid>,
        limit: usize,
        version: u32,
    ) -> Result<(Vec<crate::model::StoredDocument>, Option<Ulid>)> {
        let after = after.map_or_else(|| vec![0u8; 16], rows::id_bytes);
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX);
        let version = i32::try_from(version).unwrap_or(i32::MAX);
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents d
             WHERE d.text_version < $1 AND d.id > $2 ORDER BY d.id LIMIT $3"
        );
        let found = self.read(&sql, &[&version, &after, &fetch]).await?;
        let documents = found
            .iter()
            .map(|row| rows::document(row, 0))
            .collect::<Result<Vec<_>>>()?;
        let next = if documents.len() >= limit {
            documents.last().map(|d| d.id)
        } else {
            None
        };
        Ok((documents, next))
    }

    pub async fn count_stale(&self, version: u32) -> Result<u64> {
        let version = i32::try_from(version).unwrap_or(i32::MAX);
        let found = self
            .read(
                "SELECT count(*) FROM documents WHERE text_version < $1",
                &[&version],
            )
            .await?;
        Ok(found
            .first()
            .map_or(0, |row| u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)))
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.committed.clone()
    }

    /// Commits what is queued, stops the writer and the listener, and closes
    /// the pool.
    pub async fn close(&self) {
        self.queue.stop().await;
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        let mut tasks = tasks.into_iter();
        if let Some(writer) = tasks.next()
            && writer.await.is_err()
        {
            tracing::error!("the postgres writer did not stop cleanly");
        }
        for task in tasks {
            task.abort();
        }
        self.pool.close();
    }
}

async fn read_head(pool: &Pool, target: &str) -> Result<u64> {
    retrying(STARTUP_WAIT, || async {
        let client = pool
            .get()
            .await
            .map_err(|err| Failure::from_pool(target, err))?;
        client
            .query_one("SELECT last_sequence FROM dossier_head", &[])
            .await
            .map(|row| rows::seq_from(row.get(0)))
            .map_err(|err| Failure::from_pg(target, &err))
    })
    .await
}

/// "PostgreSQL database dossier at 127.0.0.1:5432": what messages name.
fn describe_target(config: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = config
                .get_ports()
                .get(i)
                .or(config.get_ports().first())
                .copied()
                .unwrap_or(5432);
            match host {
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(path) => format!("{}:{port}", path.display()),
            }
        })
        .collect();
    format!(
        "PostgreSQL database {} at {}",
        config.get_dbname().unwrap_or("(default)"),
        if hosts.is_empty() {
            "localhost".to_string()
        } else {
            hosts.join(",")
        }
    )
}
