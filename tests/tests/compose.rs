//! Runs tests/compose/e2e.sh (the compose deployment end to end), on the
//! embedded store, on PostgreSQL and with two extraction replicas, wherever `docker info` answers;
//! elsewhere it says it skipped. The two share images, so nextest runs them
//! one after the other (test group `compose` in .config/nextest.toml).

use std::process::Command;

#[test]
fn compose_deployment_end_to_end() {
    run_compose_e2e(Variant::Embedded);
}

/// The same with storage on PostgreSQL (deploy/compose.postgres.yml, with
/// the PostgreSQL image built locally from Debian's packages).
#[test]
fn compose_deployment_on_postgres_end_to_end() {
    run_compose_e2e(Variant::Postgres);
}

/// Two extraction replicas on the registry in PostgreSQL
/// (deploy/compose.replicas.yml), search sending its batches to both.
#[test]
fn compose_deployment_with_two_extraction_replicas_end_to_end() {
    run_compose_e2e(Variant::Replicas);
}

#[derive(PartialEq)]
enum Variant {
    Embedded,
    Postgres,
    Replicas,
}

fn run_compose_e2e(variant: Variant) {
    let docker_up = Command::new("docker")
        .arg("info")
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false);
    if !docker_up {
        eprintln!(
            "SKIPPED: docker info does not answer on this machine; the compose test needs Docker"
        );
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("compose/e2e.sh");
    // The test run has just built every binary (each crate's integration
    // tests need them), so the image takes those rather than a second build
    // with another feature set.
    let status = Command::new("bash")
        .arg(script)
        .env("DOSSIER_PROFILE", "debug")
        .env("DOSSIER_SKIP_BUILD", "1")
        .env(
            "DOSSIER_COMPOSE_POSTGRES",
            if variant == Variant::Postgres {
                "1"
            } else {
                "0"
            },
        )
        .env(
            "DOSSIER_COMPOSE_REPLICAS",
            if variant == Variant::Replicas {
                "1"
            } else {
                "0"
            },
        )
        .status()
        .unwrap();
    assert!(status.success(), "tests/compose/e2e.sh failed: {status}");
}
