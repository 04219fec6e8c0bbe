//! The registry in PostgreSQL (`--registry-url`): several extraction
//! replicas link against one registry with the results one process would
//! give.
//!
//! Linking reads the whole registry (candidates under many name keys,
//! co-mentioned entities, outlets), and curation rewrites many entities at
//! once, so a lock per name key would not make replicas agree. Instead
//! every write transaction first takes one database-wide advisory lock
//! ([`WRITE_LOCK`]) — the same single writer the embedded registry has,
//! across processes — then reads the revision counter and loads the entity
//! records other replicas changed since this replica's memory was current
//! (`registry_entities.rev`), and only then links or curates. Entity
//! handles are therefore allocated from an up-to-date count, and the
//! primary key refuses a handle inserted twice (see `txn`).
//!
//! Between writes a follower thread ([`follow`]) LISTENs for the commits'
//! NOTIFY and loads what changed, so reads (GetEntity, read-only Extract,
//! MatchNames) and WatchEntityChanges on every replica see a curation made
//! on any other within a notification's latency; it also polls the
//! revision once a second, so a lost notification costs at most that.
//!
//! The cost of one process's single writer remains: replicas record in
//! turn. Tagging, the CPU-heavy part, runs before the lock, in parallel.

mod follow;
mod schema;
mod txn;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use postgres::{Client, Config, GenericClient, NoTls};
use tokio::sync::watch;

use super::error::{RegistryError, Result};
use super::model::{EntityChange, EntityRecord, Handle};
use super::state::State;
use super::txn::{META_LAST_SEQUENCE, Txn};
use txn::{PgTxn, from_i64, to_i64};

/// The NOTIFY channel of registry commits; the payload is "REV SEQUENCE".
pub(super) const CHANNEL: &str = "dossier_registry";
/// The revision counter: bumped by every write transaction that wrote.
pub(super) const META_REV: &str = "rev";

/// Held by every registry write transaction: one writer at a time across
/// replicas. Any number, the same for every replica.
const WRITE_LOCK: i64 = 0x0064_6f73_7265_6777; // "dosregw"

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long start-up waits for the database to accept connections.
const STARTUP_WAIT: Duration = Duration::from_secs(30);

/// The registry's connections to one PostgreSQL database.
pub(crate) struct PgRegistry {
    config: Config,
    /// "PostgreSQL database NAME at HOST:PORT", for messages.
    target: String,
    /// Write transactions (callers already hold the registry's writer mutex).
    writer: Conn,
    /// Change-log reads, so a watcher never waits for a batch.
    reader: Conn,
}

impl PgRegistry {
    /// Connects (waiting for the database up to [`STARTUP_WAIT`]), migrates
    /// the schema and loads every entity. Returns the state and the last
    /// change sequence.
    pub(crate) fn open(url: &str) -> Result<(PgRegistry, State, u64)> {
        let mut config = Config::from_str(url).map_err(|e| {
            RegistryError::invalid("registry_url", format!("not a PostgreSQL URL: {e}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("dossier-extraction");
        }
        let target = describe_target(&config);
        let started = Instant::now();
        let mut client = loop {
            match config.connect(NoTls) {
                Ok(client) => break client,
                Err(e) if started.elapsed() < STARTUP_WAIT => {
                    tracing::debug!(error = %e, database = %target, "registry database not ready");
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => {
                    return Err(RegistryError::Unavailable(format!(
                        "cannot connect to the registry's {target}: {e}"
                    )));
                }
            }
        };
        let version = schema::migrate(&mut client)?;
        let (state, last) = load(&mut client)?;
        tracing::info!(database = %target, schema_version = version, entities = state.entities.len(),
            rev = state.rev, last_sequence = last, "postgres registry opened");
        let registry = PgRegistry {
            writer: Conn::new(config.clone(), Some(client)),
            reader: Conn::new(config.clone(), None),
            config,
            target,
        };
        Ok((registry, state, last))
    }

    pub(crate) fn target(&self) -> &str {
        &self.target
    }

    /// Starts the follower thread; it stops once `state` is dropped.
    pub(crate) fn follow(
        &self,
        state: Weak<RwLock<State>>,
        writer: Arc<Mutex<()>>,
        changes: Arc<watch::Sender<u64>>,
    ) -> Result<()> {
        let config = self.config.clone();
        std::thread::Builder::new()
            .name("registry-follower".into())
            .spawn(move || follow::run(config, state, writer, changes))
            .map(drop)
            .map_err(|e| RegistryError::Storage(format!("cannot start the follower: {e}")))
    }

    /// One write transaction: lock, catch up, `f`, flush, notify, commit.
    pub(crate) fn write<T>(
        &self,
        state: &RwLock<State>,
        f: impl FnOnce(&dyn Txn) -> Result<T>,
    ) -> Result<T> {
        self.writer.with(|client| {
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
            let rev = meta(&mut tx, META_REV)?;
            catch_up(&mut tx, state, rev)?;
            let existing = state.read().entities.len();
            let txn = PgTxn::new(tx, existing);
            let out = f(&txn)?;
            if let Some(new_rev) = txn.commit(rev)? {
                let mut state = state.write();
                state.rev = state.rev.max(new_rev);
            }
            Ok(out)
        })
    }

    /// Every entity, as a fresh state (after a failed batch).
    pub(crate) fn load(&self) -> Result<State> {
        self.reader.with(|client| Ok(load(client)?.0))
    }

    /// A page of the change log. When it reaches past what this replica
    /// has loaded (the follower has not woken yet), memory is caught up
    /// first, so the entity an `Updated` change carries is never older
    /// than the change.
    pub(crate) fn changes_after(
        &self,
        after: u64,
        limit: usize,
        state: &RwLock<State>,
        writer: &Mutex<()>,
        loaded: u64,
    ) -> Result<Vec<EntityChange>> {
        let after = to_i64(after.min(i64::MAX as u64))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let changes = self.reader.with(|client| {
            let rows = client.query(
                "SELECT record FROM registry_changes WHERE sequence > $1 ORDER BY sequence LIMIT $2",
                &[&after, &limit],
            )?;
            rows.iter()
                .map(|row| Ok(postcard::from_bytes(row.get::<_, &[u8]>(0))?))
                .collect::<Result<Vec<EntityChange>>>()
        })?;
        if changes.last().is_some_and(|c| c.sequence > loaded) {
            // The writer mutex, then the writer's connection: the order
            // every write takes them in.
            let _w = writer.lock();
            self.writer.with(|client| load_newer(client, state))?;
        }
        Ok(changes)
    }
}

impl Drop for PgRegistry {
    /// `postgres::Client` closes by blocking on a runtime of its own, which
    /// panics on an async worker thread — where the last reference to the
    /// extraction core may well go at shutdown. Close on a thread of its own.
    fn drop(&mut self) {
        let clients: Vec<Client> = [self.writer.take(), self.reader.take()]
            .into_iter()
            .flatten()
            .collect();
        if clients.is_empty() {
            return;
        }
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::Builder::new()
                .name("registry-close".into())
                .spawn(move || drop(clients));
        } else {
            drop(clients);
        }
    }
}

/// One connection, opened on first use and again after it broke. After a
/// database restart, a call on a connection idle for [`CHECK_AFTER_IDLE`]
/// reconnects first; on a busy one it answers UNAVAILABLE (nothing was
/// written; callers retry) and the next call reconnects.
struct Conn {
    config: Config,
    /// The connection and when it last answered.
    client: Mutex<Option<(Client, Instant)>>,
}

/// A connection idle this long is checked (one round trip) before use, so
/// the first write after a database restart usually finds out in time to
/// reconnect instead of answering UNAVAILABLE.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(10);

impl Conn {
    fn new(config: Config, client: Option<Client>) -> Self {
        Conn {
            config,
            client: Mutex::new(client.map(|c| (c, Instant::now()))),
        }
    }

    fn take(&self) -> Option<Client> {
        self.client.lock().take().map(|(c, _)| c)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let mut slot = self.client.lock();
        let mut client = match slot.take() {
            Some((mut client, used)) if !client.is_closed() => {
                if used.elapsed() < CHECK_AFTER_IDLE || client.is_valid(CONNECT_TIMEOUT).is_ok() {
                    client
                } else {
                    self.config.connect(NoTls)?
                }
            }
            _ => self.config.connect(NoTls)?,
        };
        let out = f(&mut client);
        // A connection the database dropped may not know it yet: after an
        // UNAVAILABLE answer, the next call connects afresh.
        let broken = client.is_closed() || matches!(out, Err(RegistryError::Unavailable(_)));
        if !broken {
            *slot = Some((client, Instant::now()));
        }
        out
    }
}

/// A counter of `registry_meta` (0 when absent).
fn meta(client: &mut impl GenericClient, key: &str) -> Result<u64> {
    let row = client.query_opt("SELECT value FROM registry_meta WHERE key = $1", &[&key])?;
    Ok(row.map(|r| from_i64(r.get(0))).transpose()?.unwrap_or(0))
}

/// Entity records written after revision `after`, and the highest revision among them.
fn changed_since(
    client: &mut impl GenericClient,
    after: u64,
) -> Result<(BTreeMap<Handle, EntityRecord>, u64)> {
    let rows = client.query(
        "SELECT handle, rev, record FROM registry_entities WHERE rev > $1",
        &[&to_i64(after)?],
    )?;
    let mut out = BTreeMap::new();
    let mut max = after;
    for row in rows {
        let h = Handle::try_from(row.get::<_, i64>(0))
            .map_err(|_| RegistryError::Corrupt("entity handle out of range".into()))?;
        max = max.max(from_i64(row.get(1))?);
        out.insert(h, postcard::from_bytes(row.get::<_, &[u8]>(2))?);
    }
    Ok((out, max))
}

/// Brings `state` up to revision `rev` (read under the write lock, so exact).
fn catch_up(client: &mut impl GenericClient, state: &RwLock<State>, rev: u64) -> Result<()> {
    let after = state.read().rev;
    if rev <= after {
        return Ok(());
    }
    let (changed, _) = changed_since(client, after)?;
    let mut state = state.write();
    state.install(changed);
    state.rev = rev;
    Ok(())
}

/// The revision and the last change sequence, in one round trip.
fn head(client: &mut Client) -> Result<(u64, u64)> {
    let row = client.query_one(
        "SELECT coalesce(max(value) FILTER (WHERE key = $1), 0),
                coalesce(max(value) FILTER (WHERE key = $2), 0)
         FROM registry_meta",
        &[&META_REV, &META_LAST_SEQUENCE],
    )?;
    Ok((from_i64(row.get(0))?, from_i64(row.get(1))?))
}

/// Brings memory up to the database's revision between writes (the
/// follower); returns the last change sequence. Takes the writer mutex only
/// when there is something to load, so a replica's own commit (which
/// installs itself) is never loaded twice.
fn catch_up_outside_writes(
    client: &mut Client,
    state: &RwLock<State>,
    writer: &Mutex<()>,
) -> Result<u64> {
    let (rev, sequence) = head(client)?;
    if rev > state.read().rev {
        let _w = writer.lock();
        load_newer(client, state)?;
    }
    Ok(sequence)
}

/// Loads every entity written after memory's revision. The caller holds
/// the writer mutex.
fn load_newer(client: &mut Client, state: &RwLock<State>) -> Result<()> {
    let (rev, _) = head(client)?;
    let after = state.read().rev;
    if rev > after {
        let (changed, newest) = changed_since(client, after)?;
        let mut state = state.write();
        state.install(changed);
        // Rows of a later commit may have been read too (commits are
        // serialised and atomic, so all of its rows were).
        state.rev = rev.max(newest);
    }
    Ok(())
}

/// Every entity and the counters, read in one snapshot.
fn load(client: &mut Client) -> Result<(State, u64)> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let rev = meta(&mut tx, META_REV)?;
    let last = meta(&mut tx, META_LAST_SEQUENCE)?;
    let (entities, _) = changed_since(&mut tx, 0)?;
    tx.commit()?;
    let dense = entities.keys().enumerate().all(|(i, &h)| h as usize == i);
    if !dense {
        return Err(RegistryError::Corrupt(
            "entity handles are not dense".into(),
        ));
    }
    let mut state = State::build(entities.into_values().collect());
    state.rev = rev;
    Ok((state, last))
}

/// "PostgreSQL database dossier at 127.0.0.1:5432": what messages name
/// (never the password).
fn describe_target(config: &Config) -> String {
    use postgres::config::Host;
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
