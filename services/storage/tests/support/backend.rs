//! The backend a test runs against: the embedded store in a temporary
//! directory, or a fresh PostgreSQL database on the server named by
//! `DOSSIER_TEST_DATABASE_URL`.
//!
//! `backend_tests!(a, b, …)` turns each `async fn a(store: TestStore)` into
//! two tests, `embedded::a` and `postgres::a`. Without the variable the
//! PostgreSQL ones print `SKIPPED: …` and pass, unless
//! `DOSSIER_REQUIRE_TOOLS=1` (CI), where they fail.

use dossier_storage::{DatabaseUrl, StorageConfig};
use tempfile::TempDir;

/// Where the test's server keeps its data. Each PostgreSQL test gets its own
/// database, so tests run in parallel; it is dropped at the end.
pub struct TestStore {
    pub dir: TempDir,
    pub database: Option<TestDatabase>,
}

pub struct TestDatabase {
    /// The server's URL with the test's own database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestStore {
    pub fn embedded() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            database: None,
        }
    }

    /// A new database on the test server, or `None` (after saying so) when
    /// no server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = admin_url()?;
        let name = format!(
            "dossier_test_{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let client = connect(&admin_url).await;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|err| panic!("cannot create test database {name}: {err:?}"));
        Some(Self {
            dir: tempfile::tempdir().unwrap(),
            database: Some(TestDatabase {
                url: with_database(&admin_url, &name),
                admin_url,
                name,
            }),
        })
    }

    pub fn is_postgres(&self) -> bool {
        self.database.is_some()
    }

    /// The default config for this backend.
    pub fn config(&self) -> StorageConfig {
        StorageConfig {
            data_dir: self.dir.path().to_path_buf(),
            database_url: self
                .database
                .as_ref()
                .map(|db| DatabaseUrl::new(db.url.clone())),
            ..StorageConfig::default()
        }
    }
}

/// The PostgreSQL server for tests, or `None` after printing why not.
pub fn admin_url() -> Option<String> {
    match std::env::var("DOSSIER_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() == Ok("1") => panic!(
            "DOSSIER_REQUIRE_TOOLS=1 but DOSSIER_TEST_DATABASE_URL is not set: the PostgreSQL \
             storage tests need a server (.ci/run starts one)"
        ),
        _ => {
            eprintln!(
                "SKIPPED: PostgreSQL backend test; set DOSSIER_TEST_DATABASE_URL=postgres://user:pass@host:port/db \
                 (a role that may CREATE DATABASE) to run it"
            );
            None
        }
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|err| panic!("cannot connect to DOSSIER_TEST_DATABASE_URL: {err:?}"));
    tokio::spawn(connection);
    client
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
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

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; use a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let client = connect(&admin_url).await;
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            });
        })
        .join();
    }
}

/// Runs each named `async fn(TestStore)` once per backend.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestStore::embedded()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = $crate::support::TestStore::postgres().await {
                        super::$name(store).await;
                    }
                }
            )*
        }
    };
}

#[test]
fn database_names_are_replaced() {
    assert_eq!(
        with_database("postgres://u:p@h:1/db?sslmode=disable", "x"),
        "postgres://u:p@h:1/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
