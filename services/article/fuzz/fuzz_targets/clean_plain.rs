//! Any bytes as scraped text: the cleaner must return and be deterministic.
#![no_main]
use dossier_article::{ContentType, Limits, clean};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let a = clean(data, ContentType::PlainText, &limits);
    let b = clean(data, ContentType::PlainText, &limits);
    assert_eq!(a, b);
});
