//! ListDocuments paging (AIP-158): opaque, versioned cursor tokens bound to
//! the filters they were issued for.
//!
//! A token holds the id of the last document returned. Ids only grow (the
//! writer hands them out in commit order), so resuming strictly after that id
//! never repeats nor skips a document, however many writes happen between
//! pages; deleted documents simply no longer appear.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ulid::Ulid;

use crate::error::{Error, Violation};
use crate::model::{StoredDocument, Timestamp};

/// Page size when the request gives 0.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// Bumped whenever the token's layout changes, so old tokens are refused with
/// a clear message instead of being misread.
const TOKEN_VERSION: u8 = 1;

/// Which documents a List returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Any of these sources; empty means every source.
    pub sources: Vec<String>,
    /// Published at or after.
    pub published_after: Option<Timestamp>,
    /// Published before.
    pub published_before: Option<Timestamp>,
}

impl ListFilter {
    pub fn matches(&self, doc: &StoredDocument) -> bool {
        if !self.sources.is_empty() && !self.sources.contains(&doc.fields.source) {
            return false;
        }
        if self.published_after.is_none() && self.published_before.is_none() {
            return true;
        }
        let Some(published) = doc.fields.published_at else {
            return false;
        };
        self.published_after.is_none_or(|after| published >= after)
            && self
                .published_before
                .is_none_or(|before| published < before)
    }

    /// A fingerprint of the filter, independent of the order of `sources`, so
    /// a token is only accepted with the filters it was issued for.
    pub fn fingerprint(&self) -> u64 {
        let mut sources: Vec<&str> = self.sources.iter().map(String::as_str).collect();
        sources.sort_unstable();
        sources.dedup();
        let mut hasher = Sha256::new();
        for source in sources {
            hasher.update((source.len() as u64).to_be_bytes());
            hasher.update(source.as_bytes());
        }
        for bound in [self.published_after, self.published_before] {
            match bound {
                Some(t) => {
                    hasher.update([1u8]);
                    hasher.update(t.0.to_be_bytes());
                }
                None => hasher.update([0u8]),
            }
        }
        let digest = hasher.finalize();
        u64::from_be_bytes(digest[..8].try_into().unwrap_or_default())
    }
}

/// The decoded content of a page token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct PageToken {
    version: u8,
    last_id: u128,
    filter: u64,
}

/// Encodes the cursor after `last_id` for `filter`.
pub fn encode_token(last_id: Ulid, filter: &ListFilter) -> String {
    let token = PageToken {
        version: TOKEN_VERSION,
        last_id: last_id.0,
        filter: filter.fingerprint(),
    };
    // Serializing a struct of integers into a Vec cannot fail.
    let bytes = postcard::to_allocvec(&token).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a page token for `filter`: `None` for the first page.
pub fn decode_token(token: &str, filter: &ListFilter) -> Result<Option<Ulid>, Error> {
    if token.is_empty() {
        return Ok(None);
    }
    let garbled = || {
        Error::InvalidPageToken(
            "it is not a token this server issued; pass next_page_token unchanged".into(),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| garbled())?;
    let (decoded, rest): (PageToken, _) =
        postcard::take_from_bytes(&bytes).map_err(|_| garbled())?;
    if !rest.is_empty() {
        return Err(garbled());
    }
    if decoded.version != TOKEN_VERSION {
        return Err(Error::InvalidPageToken(format!(
            "token version {} is not supported; start again without a page_token",
            decoded.version
        )));
    }
    if decoded.filter != filter.fingerprint() {
        return Err(Error::InvalidPageToken(
            "it was issued for different filters (sources, published_after, published_before); use the same filters for every page".into(),
        ));
    }
    Ok(Some(Ulid(decoded.last_id)))
}

/// Resolves a requested page size: 0 is the default, larger than `max` is
/// lowered to `max`, negative is invalid.
pub fn page_size(requested: i32, max: usize) -> Result<usize, Violation> {
    match usize::try_from(requested) {
        Err(_) => Err(Violation::invalid(
            "page_size",
            format!(
                "page_size is {requested}; it must be 0 (default {DEFAULT_PAGE_SIZE}) or positive"
            ),
        )),
        Ok(0) => Ok(DEFAULT_PAGE_SIZE.min(max)),
        Ok(n) => Ok(n.min(max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn filter(sources: &[&str]) -> ListFilter {
        ListFilter {
            sources: sources.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn tokens_round_trip_and_are_bound_to_filters() {
        let id = Ulid::from_parts(1_700_000_000_000, 42);
        let f = filter(&["a", "b"]);
        let token = encode_token(id, &f);
        assert_eq!(decode_token(&token, &f).unwrap(), Some(id));
        // Order of sources does not matter.
        assert_eq!(
            decode_token(&token, &filter(&["b", "a"])).unwrap(),
            Some(id)
        );
        let err = decode_token(&token, &filter(&["a"])).unwrap_err();
        assert!(err.to_string().contains("different filters"), "{err}");
        let mut dated = f.clone();
        dated.published_after = Some(Timestamp(5));
        assert!(decode_token(&token, &dated).is_err());
    }

    #[test]
    fn garbled_tokens_are_refused() {
        let f = ListFilter::default();
        assert_eq!(decode_token("", &f).unwrap(), None);
        for bad in ["!!!", "AAAA", "bm90IGEgdG9rZW4", &"A".repeat(200)] {
            let err = decode_token(bad, &f).unwrap_err();
            assert!(matches!(err, Error::InvalidPageToken(_)), "{bad}: {err}");
        }
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(0, 1000).unwrap(), 50);
        assert_eq!(page_size(7, 1000).unwrap(), 7);
        assert_eq!(page_size(5000, 1000).unwrap(), 1000);
        assert!(
            page_size(-1, 1000)
                .unwrap_err()
                .message
                .contains("page_size is -1")
        );
    }

    proptest! {
        #[test]
        fn any_token_round_trips(last in any::<u128>(), sources in proptest::collection::vec("[a-z]{0,8}", 0..4)) {
            let f = ListFilter { sources, ..Default::default() };
            let token = encode_token(Ulid(last), &f);
            prop_assert_eq!(decode_token(&token, &f).unwrap(), Some(Ulid(last)));
        }

        #[test]
        fn arbitrary_strings_never_panic(token in "\\PC{0,64}") {
            let _ = decode_token(&token, &ListFilter::default());
        }
    }
}
