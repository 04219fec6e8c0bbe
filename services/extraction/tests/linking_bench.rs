//! Link timing against a large synthetic registry. Ignored by default
//! (building 100k entities takes a while in debug); run in release with
//! `cargo test --release -p dossier-extraction --test linking_bench -- --ignored --nocapture`.

use dossier_extraction::tooling::linking::bench_linking;

#[test]
#[ignore = "benchmark: run in release with --ignored"]
fn link_against_100k_entities() {
    let b = bench_linking(100_000, 500).expect("bench runs");
    println!("{b}");
    assert!(b.p50_micros < 1_000.0, "{b}");
}
