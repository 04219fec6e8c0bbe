//! A PostgreSQL database of its own for one test, on the server named by
//! `DOSSIER_TEST_DATABASE_URL` (`tests/run` starts a private server and sets
//! it). Without the variable a test prints SKIPPED and passes, unless
//! `DOSSIER_REQUIRE_TOOLS=1` (CI), where it fails. Storage's, extraction's
//! (unit and integration) and the server's tests share this one helper.

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};

/// A database made for one test, dropped with it.
pub struct TestDatabase {
    /// The server's URL naming this database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A new database, or `None` after saying that `what` is skipped and
    /// how to run it. Blocking: on an async runtime use [`Self::create_async`].
    pub fn create(what: &str) -> Option<TestDatabase> {
        let admin_url = admin_url(what)?;
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "dossier_test_{}_{}_{nanos}",
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

    /// [`Self::create`] from async code.
    pub async fn create_async(what: &'static str) -> Option<TestDatabase> {
        tokio::task::spawn_blocking(move || Self::create(what))
            .await
            .expect("creating the test database panicked")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Possibly inside a runtime: the blocking client gets a thread of its own.
        let _ = std::thread::spawn(move || {
            if let Ok(mut client) = Client::connect(&admin_url, NoTls) {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}

/// The test server's URL, or `None` after printing why `what` is skipped.
fn admin_url(what: &str) -> Option<String> {
    match std::env::var("DOSSIER_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() == Ok("1") => panic!(
            "DOSSIER_REQUIRE_TOOLS=1 but DOSSIER_TEST_DATABASE_URL is not set: {what} needs a \
             PostgreSQL server (tests/run starts one)"
        ),
        _ => {
            eprintln!(
                "SKIPPED: {what}; set DOSSIER_TEST_DATABASE_URL=postgres://user:pass@host:port/db \
                 (a role that may CREATE DATABASE) to run it"
            );
            None
        }
    }
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

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_options_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/admin?sslmode=disable", "t1"),
            "postgres://u:p@h:5432/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t2"), "postgres://u@h/t2");
    }
}
