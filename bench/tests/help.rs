//! Every benchmark binary starts and describes its flags. Besides catching a
//! broken argument parser, this test makes cargo build the package's
//! binaries with the tests (an integration test gets `CARGO_BIN_EXE_*`), so
//! `tests/tests/readme.rs` finds `dossier-extraction-bench` beside it.

use std::process::Command;

const BINARIES: &[(&str, &str)] = &[
    ("dossier-bench", env!("CARGO_BIN_EXE_dossier-bench")),
    ("dossier-load", env!("CARGO_BIN_EXE_dossier-load")),
    (
        "dossier-storage-bench",
        env!("CARGO_BIN_EXE_dossier-storage-bench"),
    ),
    (
        "dossier-search-bench",
        env!("CARGO_BIN_EXE_dossier-search-bench"),
    ),
    (
        "dossier-extraction-bench",
        env!("CARGO_BIN_EXE_dossier-extraction-bench"),
    ),
    (
        "dossier-extraction-grpc-bench",
        env!("CARGO_BIN_EXE_dossier-extraction-grpc-bench"),
    ),
    (
        "dossier-query-parse-bench",
        env!("CARGO_BIN_EXE_dossier-query-parse-bench"),
    ),
    (
        "dossier-story-bench",
        env!("CARGO_BIN_EXE_dossier-story-bench"),
    ),
];

#[test]
fn every_bench_binary_prints_its_help() {
    for (name, path) in BINARIES {
        let output = Command::new(path).arg("--help").output().expect(name);
        assert!(output.status.success(), "{name} --help failed");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Usage"), "{name} --help: {help}");
    }
}
