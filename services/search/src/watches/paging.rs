//! ListWatches page tokens: the last id of the page, so a token survives
//! restarts and deletions (the next page starts after that id whether or
//! not the watch still exists).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Told apart from Search's and storage's tokens, so a token of another
/// listing is refused rather than misread.
const KIND: &str = "watches";
const MAX_TOKEN_BYTES: usize = 1_024;

#[derive(Serialize, Deserialize)]
struct Token {
    k: String,
    after: String,
}

pub fn encode(after: &str) -> String {
    let token = Token {
        k: KIND.into(),
        after: after.into(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default())
}

/// The id a token continues after; None for no token.
pub fn decode(token: &str) -> Result<Option<String>> {
    if token.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Error::InvalidPageToken(
            "not a ListWatches token this server issued; pass next_page_token unchanged".into(),
        )
    };
    if token.len() > MAX_TOKEN_BYTES {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if token.k != KIND {
        return Err(bad());
    }
    Ok(Some(token.after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_strangers_are_refused() {
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode(&encode("wt-01")).unwrap().as_deref(), Some("wt-01"));
        for bad in ["%%%", "e30", &"A".repeat(5_000)] {
            assert!(
                matches!(decode(bad), Err(Error::InvalidPageToken(_))),
                "{bad}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn no_token_panics(token in ".{0,200}") {
            let _ = decode(&token);
        }
    }
}
