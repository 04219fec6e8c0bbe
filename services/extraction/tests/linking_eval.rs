//! Pairwise precision and recall of the linker on the project's own gold
//! linking set (invented articles, several outlets, spelling variants and
//! hard negatives). Thresholds sit just under the measured scores, so a
//! regression fails here; `cargo test --test linking_eval -- --nocapture`
//! prints the numbers the README quotes.

use dossier_extraction::tooling::linking::measure_linking;

#[test]
fn linking_set_precision_and_recall() {
    let json = include_str!("../testdata/linking/articles.json");
    let report = measure_linking(json).expect("gold set loads");
    println!("{report}");
    assert!(report.precision >= 0.97, "{report}");
    assert!(report.recall >= 0.93, "{report}");
}

/// Prints gold entities split over several predicted ones, and predicted
/// entities spanning several gold ones (run with --nocapture).
#[test]
fn linking_set_error_analysis() {
    use std::collections::BTreeMap;
    let json = include_str!("../testdata/linking/articles.json");
    let rows = dossier_extraction::tooling::linking::link_gold_set(json).unwrap();
    let mut by_gold: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    let mut by_pred: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for r in &rows {
        by_gold
            .entry(&r.gold)
            .or_default()
            .entry(&r.predicted)
            .or_default()
            .push(&r.text);
        by_pred
            .entry(&r.predicted)
            .or_default()
            .entry(&r.gold)
            .or_default()
            .push(&r.text);
    }
    for (g, preds) in by_gold.iter().filter(|(_, p)| p.len() > 1) {
        println!("split {g}: {preds:?}");
    }
    for (p, golds) in by_pred.iter().filter(|(_, g)| g.len() > 1) {
        println!("joined {p}: {golds:?}");
    }
}
