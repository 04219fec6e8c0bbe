//! The registry's PostgreSQL schema and its versioned migrations, applied
//! at start-up, as storage does with its own: each migration runs once, in
//! one transaction, in version order, recorded in
//! `dossier_registry_migrations`; a transaction-scoped advisory lock makes
//! replicas starting together migrate once. Append-only: never edit a
//! shipped migration, add the next version.
//!
//! The tables carry a `registry_` prefix so the registry can share
//! storage's database. Records are the same postcard bytes the embedded
//! store keeps; ids and counters are columns, so the constraints hold
//! whatever a replica does.
//!
//! | table                  | what |
//! |------------------------|------|
//! | registry_entities      | handle (the id: `ent_` + handle + 1), rev (the write that last changed it: replicas catch up by rev), record |
//! | registry_docs          | document id (bytea: ids may hold any UTF-8, NUL included) → recorded contribution |
//! | registry_entity_docs   | (handle, document id): who to re-aggregate on curation |
//! | registry_curations     | curation number → record (for undo) |
//! | registry_requests      | curation request id → curation number |
//! | registry_changes       | the entity change log: sequence → change |
//! | registry_meta          | counters: rev, last_sequence, next_curation |

use postgres::Client;

/// (version, name, SQL), in version order.
pub(super) const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "entity registry",
    r"
CREATE TABLE registry_entities (
    handle bigint PRIMARY KEY CHECK (handle >= 0 AND handle < 4294967295),
    rev    bigint NOT NULL,
    record bytea  NOT NULL
);
CREATE INDEX registry_entities_rev ON registry_entities (rev);

CREATE TABLE registry_docs (
    id     bytea PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE registry_entity_docs (
    handle bigint NOT NULL,
    doc_id bytea  NOT NULL,
    PRIMARY KEY (handle, doc_id)
);

CREATE TABLE registry_curations (
    id     bigint PRIMARY KEY,
    record bytea  NOT NULL
);

CREATE TABLE registry_requests (
    request_id bytea  PRIMARY KEY,
    curation   bigint NOT NULL
);

CREATE TABLE registry_changes (
    sequence bigint PRIMARY KEY,
    record   bytea  NOT NULL
);

CREATE TABLE registry_meta (
    key   text   PRIMARY KEY,
    value bigint NOT NULL CHECK (value >= 0)
);
INSERT INTO registry_meta VALUES ('rev', 0), ('last_sequence', 0), ('next_curation', 0);
",
)];

/// Any number, the same for every replica, distinct from storage's.
const MIGRATION_LOCK: i64 = 0x0064_6f73_7265_6769; // "dosregi"

/// Applies the migrations this database lacks; returns the schema version.
pub(super) fn migrate(client: &mut Client) -> Result<i32, postgres::Error> {
    let mut txn = client.transaction()?;
    txn.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    txn.batch_execute(
        "CREATE TABLE IF NOT EXISTS dossier_registry_migrations (
             version    integer     PRIMARY KEY,
             name       text        NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let applied: i32 = txn
        .query_one(
            "SELECT coalesce(max(version), 0) FROM dossier_registry_migrations",
            &[],
        )?
        .get(0);
    let mut version = applied;
    for &(number, name, sql) in MIGRATIONS.iter().filter(|(n, ..)| *n > applied) {
        tracing::info!(version = number, name, "applying registry schema migration");
        txn.batch_execute(sql)?;
        txn.execute(
            "INSERT INTO dossier_registry_migrations (version, name) VALUES ($1, $2)",
            &[&number, &name],
        )?;
        version = number;
    }
    txn.commit()?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, (version, ..)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(usize::try_from(*version).unwrap(), i + 1);
        }
    }
}
