//! Where a registry test keeps its registry: a temporary directory (redb)
//! or a database of its own on the PostgreSQL server named by
//! `DOSSIER_TEST_DATABASE_URL` (the same variable storage's tests read;
//! `tests/run` starts a private server and sets it).

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};

use super::Registry;

pub(crate) enum Place {
    Embedded(tempfile::TempDir),
    Postgres(TestDatabase),
}

impl Place {
    pub fn embedded() -> Place {
        Place::Embedded(tempfile::tempdir().unwrap())
    }

    /// A new database, or `None` after saying why the test is skipped.
    pub fn postgres() -> Option<Place> {
        TestDatabase::create().map(Place::Postgres)
    }

    /// A fresh place of the same kind.
    pub fn another(&self) -> Place {
        match self {
            Place::Embedded(_) => Place::embedded(),
            Place::Postgres(_) => Place::postgres().expect("the server answered before"),
        }
    }

    /// Opens (again) the registry kept here: a second call on PostgreSQL
    /// is a second replica of the same registry.
    pub fn open(&self) -> Registry {
        match self {
            Place::Embedded(dir) => Registry::open(dir.path()).unwrap(),
            Place::Postgres(db) => Registry::connect(&db.url).unwrap(),
        }
    }
}

/// A database made for one test, dropped with it.
pub(crate) struct TestDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    pub fn create() -> Option<TestDatabase> {
        let admin_url = admin_url()?;
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "dossier_registry_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = Client::connect(&admin_url, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to DOSSIER_TEST_DATABASE_URL: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        Some(TestDatabase {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&self.admin_url, NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The PostgreSQL server for tests, or `None` after printing why not.
fn admin_url() -> Option<String> {
    match std::env::var("DOSSIER_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() == Ok("1") => panic!(
            "DOSSIER_REQUIRE_TOOLS=1 but DOSSIER_TEST_DATABASE_URL is not set: the PostgreSQL \
             registry tests need a server (tests/run starts one)"
        ),
        _ => {
            eprintln!(
                "SKIPPED: PostgreSQL registry test; set \
                 DOSSIER_TEST_DATABASE_URL=postgres://user:pass@host:port/db \
                 (a role that may CREATE DATABASE) to run it"
            );
            None
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Turns each named `fn(&Place)` into `embedded::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[test]
                fn $name() {
                    super::$name(&super::Place::embedded());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(place) = super::Place::postgres() {
                        super::$name(&place);
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;

#[test]
fn database_names_are_replaced() {
    assert_eq!(
        with_database("postgres://u:p@h:1/db?sslmode=disable", "x"),
        "postgres://u:p@h:1/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
