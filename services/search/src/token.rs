//! Opaque page tokens: the last hit's sort key, the BM25 statistics the
//! first page used, and a fingerprint of the request they belong to.
//!
//! A token holds no server state, so nothing grows with the number of open
//! cursors, tokens survive restarts, and any hit count can be paged through.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::collect::SortKey;
use crate::error::{Error, Result};
use crate::stats::FrozenStats;

const VERSION: u8 = 1;
/// Longest token we try to decode; real ones are far shorter.
const MAX_TOKEN_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageToken {
    v: u8,
    /// Fingerprint of query, filter, sort and expansion switch.
    f: u64,
    pub after: SortKey,
    #[serde(default)]
    pub stats: FrozenStats,
    /// The first page's count, which later pages report rather than count
    /// again (absent in tokens of earlier versions: those pages count).
    #[serde(default)]
    pub total: Option<Total>,
}

/// A search's count of matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub hits: u64,
    /// At least `hits` match (the count stopped at its bound).
    pub lower_bound: bool,
}

impl PageToken {
    pub fn new(fingerprint: u64, after: SortKey, stats: FrozenStats) -> Self {
        Self {
            v: VERSION,
            f: fingerprint,
            after,
            stats,
            total: None,
        }
    }

    /// The token, carrying the first page's count to the pages after.
    pub fn with_total(self, total: Total) -> Self {
        Self {
            total: Some(total),
            ..self
        }
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes a token and checks it belongs to a request with `fingerprint`.
    pub fn decode(token: &str, fingerprint: u64) -> Result<Self> {
        let bad = |why: &str| Error::InvalidPageToken(why.to_string());
        if token.len() > MAX_TOKEN_BYTES {
            return Err(bad("too long; pass next_page_token unchanged"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| bad("not a token this server issued; pass next_page_token unchanged"))?;
        let parsed: PageToken = serde_json::from_slice(&bytes)
            .map_err(|_| bad("not a token this server issued; pass next_page_token unchanged"))?;
        if parsed.v != VERSION {
            return Err(bad(
                "issued by another server version; start again without a token",
            ));
        }
        if !stats_are_consistent(&parsed.stats) {
            // tantivy's BM25 asserts a term is in no more documents than the
            // index holds; only a forged token says otherwise.
            return Err(bad(
                "not a token this server issued; pass next_page_token unchanged",
            ));
        }
        if parsed.f != fingerprint {
            return Err(bad(
                "issued for a different query, filter or sort; keep them the same while paging",
            ));
        }
        Ok(parsed)
    }
}

/// Whether frozen statistics could have come from an index: a document
/// count whenever there are document frequencies, none of them above it.
fn stats_are_consistent(stats: &FrozenStats) -> bool {
    let Ok(value) = serde_json::to_value(stats) else {
        return false;
    };
    let freqs = value.get("d").and_then(|d| d.as_object());
    let Some(freqs) = freqs.filter(|f| !f.is_empty()) else {
        return true;
    };
    let Some(docs) = value.get("n").and_then(|n| n.as_u64()) else {
        return false;
    };
    freqs
        .values()
        .all(|f| f.as_u64().is_some_and(|f| f <= docs))
}

/// FNV-1a over `bytes`: stable across builds and platforms, unlike std's
/// hasher, so tokens stay valid across restarts.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let key = SortKey {
            primary: -5,
            seq: 42,
        };
        let token = PageToken::new(7, key, FrozenStats::default()).encode();
        assert_eq!(PageToken::decode(&token, 7).unwrap().after, key);
        assert!(matches!(
            PageToken::decode(&token, 8),
            Err(Error::InvalidPageToken(_))
        ));
        assert!(PageToken::decode("garbage!", 7).is_err());
        assert!(PageToken::decode(&URL_SAFE_NO_PAD.encode(b"{}"), 7).is_err());
        let mut chars: Vec<char> = token.chars().collect();
        chars.truncate(chars.len() / 2);
        let cut: String = chars.into_iter().collect();
        assert!(PageToken::decode(&cut, 7).is_err());
    }

    /// Found by the `page_token` fuzz target: a forged token whose term is
    /// in more documents than its index holds panicked inside tantivy.
    #[test]
    fn forged_statistics_are_rejected() {
        let token = |stats: &str| {
            URL_SAFE_NO_PAD.encode(format!(
                r#"{{"v":1,"f":7,"after":{{"primary":0,"seq":1}},"stats":{stats}}}"#
            ))
        };
        for bad in [
            r#"{"n":0,"t":{},"d":{"3:aGFyYm91cg":1}}"#,
            r#"{"t":{},"d":{"3:aGFyYm91cg":1}}"#,
        ] {
            assert!(
                matches!(
                    PageToken::decode(&token(bad), 7),
                    Err(Error::InvalidPageToken(_))
                ),
                "{bad}"
            );
        }
        for good in [r#"{"n":5,"t":{"3":40},"d":{"3:aGFyYm91cg":5}}"#, r#"{}"#] {
            PageToken::decode(&token(good), 7).unwrap();
        }
    }
}
