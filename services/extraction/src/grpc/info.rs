//! GetModelInfo, from the metadata the training command writes into the model.

use std::collections::{BTreeMap, HashMap};

use dossier_proto::v1 as pb;

use super::convert::entity_type_out;
use crate::EntityType;
use crate::language::TAGGED_LANGUAGES;

/// Prefix of the per-type dev scores in the model metadata (`dev_f1_PER`).
const DEV_F1_PREFIX: &str = "dev_f1_";

pub fn model_info(meta: &BTreeMap<String, String>) -> pb::ModelInfo {
    let get = |k: &str| meta.get(k).cloned().unwrap_or_default();
    let score = |k: &str| meta.get(k).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let by_type: HashMap<String, f64> = meta
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(DEV_F1_PREFIX)?, v)))
        .filter(|(k, _)| *k != "overall" && *k != "pass1")
        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
        .collect();
    pb::ModelInfo {
        version: format!("ner-perceptron-{}", get("format_version")),
        training_data_sha256: get("train_sha256"),
        dev_f1: score("dev_f1_overall"),
        dev_f1_by_type: by_type,
        types: EntityType::ALL
            .into_iter()
            .map(|t| entity_type_out(t) as i32)
            .collect(),
        tagged_languages: TAGGED_LANGUAGES.iter().map(|l| l.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_training_metadata() {
        let meta: BTreeMap<String, String> = [
            ("format_version", "1"),
            ("train_sha256", "ab"),
            ("dev_f1_overall", "93.06"),
            ("dev_f1_PER", "95.39"),
            ("dev_f1_pass1", "91.97"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let info = model_info(&meta);
        assert_eq!(info.version, "ner-perceptron-1");
        assert_eq!(info.dev_f1, 93.06);
        assert_eq!(info.dev_f1_by_type.len(), 1);
        assert_eq!(info.dev_f1_by_type["PER"], 95.39);
        assert_eq!(info.types.len(), 14);
        assert_eq!(info.tagged_languages, ["en"]);
    }
}
