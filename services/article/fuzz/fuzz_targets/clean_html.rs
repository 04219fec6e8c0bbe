//! Any bytes as a saved page: the cleaner must return (never panic, never
//! hang — libFuzzer's -timeout catches slow inputs) and give text without
//! NUL bytes.
#![no_main]
use dossier_article::{ContentType, Limits, clean};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_input_bytes: 1 << 20, ..Limits::default() };
    if let Ok(article) = clean(data, ContentType::Html, &limits) {
        assert!(!article.text.contains('\0'));
    }
});
