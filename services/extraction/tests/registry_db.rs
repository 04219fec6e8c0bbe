//! A PostgreSQL database of its own for one registry test, on the server
//! named by `DOSSIER_TEST_DATABASE_URL` (the variable storage's tests read;
//! `tests/run` starts a private server and sets it). Without it the tests
//! print SKIPPED and pass, unless `DOSSIER_REQUIRE_TOOLS=1`, where they fail.
//!
//! Included by `registry_replicas.rs` and `grpc_registry.rs` as a module
//! (compiled alone it holds no test).

#![allow(dead_code)] // each including test uses a different subset

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::{Client, NoTls};

/// A database made for one test, dropped with it.
pub struct TestDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A new database, or `None` after saying why the test is skipped.
    /// Blocking: call it off the async runtime.
    pub fn create() -> Option<TestDatabase> {
        let admin_url = match std::env::var("DOSSIER_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("DOSSIER_REQUIRE_TOOLS").as_deref() == Ok("1") => panic!(
                "DOSSIER_REQUIRE_TOOLS=1 but DOSSIER_TEST_DATABASE_URL is not set: the \
                 PostgreSQL registry tests need a server (tests/run starts one)"
            ),
            _ => {
                eprintln!(
                    "SKIPPED: PostgreSQL registry replicas; set \
                     DOSSIER_TEST_DATABASE_URL=postgres://user:pass@host:port/db \
                     (a role that may CREATE DATABASE) to run it"
                );
                return None;
            }
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "dossier_replicas_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = Client::connect(&admin_url, NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to DOSSIER_TEST_DATABASE_URL: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url.as_str(), None), |(b, q)| (b, Some(q)));
        let authority = base.find("://").map_or(0, |i| i + 3);
        let path = base[authority..]
            .find('/')
            .map_or(base.len(), |i| authority + i);
        let mut url = format!("{}/{name}", &base[..path]);
        if let Some(query) = query {
            url = format!("{url}?{query}");
        }
        Some(TestDatabase {
            url,
            admin_url,
            name,
        })
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
