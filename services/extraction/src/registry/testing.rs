//! Where a registry test keeps its registry: a temporary directory (redb)
//! or a database of its own on the PostgreSQL server named by
//! `DOSSIER_TEST_DATABASE_URL` (the same variable storage's tests read;
//! `tests/run` starts a private server and sets it).

use dossier_tests::postgres::TestDatabase;

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
        TestDatabase::create("PostgreSQL registry test").map(Place::Postgres)
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
