//! Page tokens from clients: arbitrary bytes decode to a token or a clean
//! InvalidPageToken; and a well-formed token carrying arbitrary sort keys and
//! BM25 statistics (anyone can compute the fingerprint) pages a search
//! without a panic.

#![no_main]

mod common;

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use dossier_search::collect::Sort;
use dossier_search::search::{PageRequest, SearchQuery, search};
use dossier_search::token::PageToken;
use dossier_search::Error;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Input {
    /// Whatever a client sends as page_token.
    Raw(Vec<u8>),
    /// A token this server could have issued, with hostile contents.
    Forged {
        text: u8,
        sort: u8,
        primary: i64,
        seq: u64,
        docs: Option<u64>,
        tokens: Vec<(u8, u64)>,
        doc_freqs: Vec<(u8, u8, u64)>,
        page_size: u8,
    },
}

const QUERIES: [&str; 4] = ["harbour", "chapovtchouk", "ferry OR nato", "\"yuri shapovchuk\""];
const WORDS: [&str; 6] = ["harbour", "ferry", "chapovtchouk", "shapovchuk", "nato", "e_shap"];

fuzz_target!(|input: Input| {
    match input {
        Input::Raw(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            for fingerprint in [0, 7, u64::MAX] {
                match PageToken::decode(&text, fingerprint) {
                    Ok(token) => assert_eq!(
                        PageToken::decode(&token.encode(), fingerprint).ok(),
                        Some(token)
                    ),
                    Err(Error::InvalidPageToken(m)) => assert!(!m.is_empty()),
                    Err(other) => panic!("{text:?} gave {other}"),
                }
            }
            let query = SearchQuery {
                text: "harbour".into(),
                expand_entities: true,
                ..Default::default()
            };
            let page = PageRequest {
                page_size: 2,
                page_token: text.into_owned(),
                ..Default::default()
            };
            match search(common::index(), &query, &page) {
                Ok(_) | Err(Error::InvalidPageToken(_)) => {}
                Err(other) => panic!("gave {other}"),
            }
        }
        Input::Forged { text, sort, primary, seq, docs, tokens, doc_freqs, page_size } => {
            let query = SearchQuery {
                text: QUERIES[usize::from(text) % QUERIES.len()].into(),
                sort: [Sort::Relevance, Sort::PublishedDesc, Sort::PublishedAsc][usize::from(sort) % 3],
                expand_entities: true,
                ..Default::default()
            };
            // The statistics as FrozenStats serialises them: field ids (2 is
            // title, 3 body) and "field:base64(term)" document frequencies.
            let t: serde_json::Map<String, serde_json::Value> = tokens
                .iter()
                .map(|(field, n)| ((field % 24).to_string(), (*n).into()))
                .collect();
            let d: serde_json::Map<String, serde_json::Value> = doc_freqs
                .iter()
                .map(|(field, word, n)| {
                    let word = WORDS[usize::from(*word) % WORDS.len()];
                    (format!("{}:{}", field % 24, STANDARD_NO_PAD.encode(word)), (*n).into())
                })
                .collect();
            let mut stats = serde_json::json!({ "t": t, "d": d });
            if let Some(n) = docs {
                stats["n"] = n.into();
            }
            let json = serde_json::json!({
                "v": 1,
                "f": query.fingerprint(),
                "after": { "primary": primary, "seq": seq },
                "stats": stats,
            });
            let token = URL_SAFE_NO_PAD.encode(json.to_string());
            let page = PageRequest {
                page_size: usize::from(page_size).clamp(1, 50),
                page_token: token,
                ..Default::default()
            };
            match search(common::index(), &query, &page) {
                // Statistics no index could have (a term in more documents
                // than the count) are refused at decode.
                Ok(_) | Err(Error::InvalidPageToken(_)) => {}
                Err(err) => panic!("a well-formed token gave {err}"),
            }
        }
    }
});
