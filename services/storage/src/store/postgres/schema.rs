//! The PostgreSQL schema and its versioned migrations, applied at start-up.
//!
//! Each migration runs once, in its own transaction, in version order, and is
//! recorded in `dossier_schema_migrations`. A transaction-scoped advisory
//! lock serialises start-ups, so several storage replicas starting together
//! migrate once. Migrations are append-only: never edit one that has shipped;
//! add the next version instead.
//!
//! | table          | what                                                     |
//! |----------------|----------------------------------------------------------|
//! | dossier_head   | one row: newest sequence, largest id, document count; its row lock serialises writers so sequences follow commit order |
//! | documents      | id (ULID, 16 bytes big-endian so byte order is id order), fields; unique (source, content_sha256) is the dedup rule |
//! | changes        | the change log: sequence, kind (0 created, 1 deleted, 2 text updated), document id |
//!
//! Version 2 adds the derived article to `documents`: content_type (0 plain,
//! 1 HTML), text (NULL for a document stored before version 2: it reads as
//! body with text_version 0 until re-derived), text_version, text_empty and
//! derived (the bit set of metadata fields taken from the page), plus an
//! index on (text_version, id) for the background re-derivation.
//! | requests       | remembered request_ids and their results, pruned after the retention |
//!
//! Free text (title, body, url, author) is `bytea` holding UTF-8: PostgreSQL
//! `text` cannot hold NUL, which the API accepts in those fields.

use tokio_postgres::Client;

/// (version, name, SQL), in version order.
pub(super) const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "documents, change log, request ids",
        r"
CREATE TABLE dossier_head (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_sequence  bigint  NOT NULL,
    last_id        bytea   NOT NULL,
    document_count bigint  NOT NULL
);
INSERT INTO dossier_head VALUES (true, 0, '\x00000000000000000000000000000000', 0);

CREATE TABLE documents (
    id              bytea   PRIMARY KEY,
    sequence        bigint  NOT NULL,
    create_time_ns  bigint  NOT NULL,
    content_sha256  bytea   NOT NULL,
    source          text    NOT NULL,
    title           bytea   NOT NULL,
    body            bytea   NOT NULL,
    url             bytea   NOT NULL,
    author          bytea   NOT NULL,
    published_at_ns bigint,
    language        text    NOT NULL,
    labels          text[]  NOT NULL,
    UNIQUE (source, content_sha256)
);
CREATE INDEX documents_source_id ON documents (source, id);

CREATE TABLE changes (
    sequence       bigint   PRIMARY KEY,
    kind           smallint NOT NULL,
    document_id    bytea    NOT NULL,
    commit_time_ns bigint   NOT NULL
);

CREATE TABLE requests (
    request_id  text     PRIMARY KEY,
    outcome     smallint NOT NULL,
    document_id bytea    NOT NULL,
    sequence    bigint   NOT NULL,
    recorded_ms bigint   NOT NULL
);
CREATE INDEX requests_recorded ON requests (recorded_ms);
",
    ),
    (
        2,
        "derived article text",
        r"
ALTER TABLE documents
    ADD COLUMN content_type smallint NOT NULL DEFAULT 0,
    ADD COLUMN text         bytea,
    ADD COLUMN text_version integer  NOT NULL DEFAULT 0,
    ADD COLUMN text_empty   boolean  NOT NULL DEFAULT false,
    ADD COLUMN derived      smallint NOT NULL DEFAULT 0;
CREATE INDEX documents_text_version ON documents (text_version, id);
",
    ),
];

/// Any number: it only has to be the same for every replica.
const MIGRATION_LOCK: i64 = 0x0064_6f73_7369_6572; // "dossier"

/// Applies the migrations this database lacks; returns the schema version.
pub(super) async fn migrate(client: &mut Client) -> Result<i32, tokio_postgres::Error> {
    let txn = client.transaction().await?;
    txn.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    txn.batch_execute(
        "CREATE TABLE IF NOT EXISTS dossier_schema_migrations (
             version    integer     PRIMARY KEY,
             name       text        NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let applied: i32 = txn
        .query_one(
            "SELECT coalesce(max(version), 0) FROM dossier_schema_migrations",
            &[],
        )
        .await?
        .get(0);
    let mut version = applied;
    for &(number, name, sql) in MIGRATIONS.iter().filter(|(n, ..)| *n > applied) {
        tracing::info!(version = number, name, "applying schema migration");
        txn.batch_execute(sql).await?;
        txn.execute(
            "INSERT INTO dossier_schema_migrations (version, name) VALUES ($1, $2)",
            &[&number, &name],
        )
        .await?;
        version = number;
    }
    txn.commit().await?;
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
