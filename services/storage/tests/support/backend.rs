//! The backend a test runs against: the embedded store in a temporary
//! directory, or a fresh PostgreSQL database on the server named by
//! `DOSSIER_TEST_DATABASE_URL`.
//!
//! `backend_tests!(a, b, …)` turns each `async fn a(store: TestStore)` into
//! two tests, `embedded::a` and `postgres::a`. Without the variable the
//! PostgreSQL ones print `SKIPPED: …` and pass, unless
//! `DOSSIER_REQUIRE_TOOLS=1` (CI), where they fail.

use dossier_storage::{DatabaseUrl, StorageConfig};
use dossier_tests::postgres::TestDatabase;
use tempfile::TempDir;

/// Where the test's server keeps its data. Each PostgreSQL test gets its own
/// database, so tests run in parallel; it is dropped at the end.
pub struct TestStore {
    pub dir: TempDir,
    pub database: Option<TestDatabase>,
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
        let database = TestDatabase::create_async("PostgreSQL storage backend test").await?;
        Some(Self {
            dir: tempfile::tempdir().unwrap(),
            database: Some(database),
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
