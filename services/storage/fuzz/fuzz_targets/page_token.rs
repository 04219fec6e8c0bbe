//! Any string as a ListDocuments page_token, with any filter: decoding never
//! panics, refuses with InvalidPageToken rather than anything else, and a
//! token it accepts re-encodes to a token that decodes to the same id. Any
//! id and filter round-trip through encode and decode.

#![no_main]

use dossier_storage::Error;
use dossier_storage::model::Timestamp;
use dossier_storage::paging::{ListFilter, decode_token, encode_token};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ulid::Ulid;

fn filter(u: &mut Unstructured<'_>) -> Result<ListFilter> {
    Ok(ListFilter {
        sources: u.arbitrary()?,
        published_after: u.arbitrary::<Option<i64>>()?.map(Timestamp),
        published_before: u.arbitrary::<Option<i64>>()?.map(Timestamp),
    })
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let filter = filter(u)?;
    let token: String = u.arbitrary()?;
    match decode_token(&token, &filter) {
        Ok(None) => assert!(token.is_empty()),
        Ok(Some(id)) => {
            let again = encode_token(id, &filter);
            assert_eq!(decode_token(&again, &filter).unwrap(), Some(id));
        }
        Err(Error::InvalidPageToken(reason)) => assert!(reason.len() < 512),
        Err(other) => panic!("{token:?}: {other:?}"),
    }
    let id = Ulid(u.arbitrary()?);
    let token = encode_token(id, &filter);
    assert_eq!(decode_token(&token, &filter).unwrap(), Some(id));
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
