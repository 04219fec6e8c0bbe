//! Hostile and malformed input against every RPC of the three services
//! (issue 7, "Bad input"), on real servers on loopback.
//!
//! Each row is one request, the status code it must get and a piece of text
//! its message must contain, naming the problem; the tables in `storage`,
//! `extraction` and `search` hold one row per line. Rows cover missing and
//! empty fields, values over our own limits and over the transport's message
//! limit, huge page sizes, negative and out-of-range numbers, garbled,
//! truncated and foreign page tokens, unknown enum values, control
//! characters, NUL and invalid UTF-8, 10,000-character ids and values, long
//! and deeply nested queries, and deadlines that expire during slow work
//! (`deadlines`). After every row the service must still answer a trivial
//! call: a handler panic has to become INTERNAL for that one request, never
//! take the server down. All mismatches are collected and reported together
//! (`harness`).
//!
//! A message over a server's decoding limit is refused by tonic before it
//! reaches a handler; every server rewrites tonic's OUT_OF_RANGE to
//! RESOURCE_EXHAUSTED naming the field and its flag (`dossier_kit::edge`).
//! A code that is the transport's rather than ours: a message protobuf
//! cannot decode (invalid UTF-8 in a string field) gets INTERNAL, as gRPC's
//! status code table prescribes for "error parsing request proto".
//!
//! `DOSSIER_BAD_INPUT_ALL=1` also runs the rows of [`AWAITING_FIX`], to see
//! which fixes have landed.

mod deadlines;
mod extraction;
mod harness;
mod search;
mod seed;
mod storage;

use dossier_tests::TestSystem;
use harness::{Clients, Rows};

/// Rows disabled until the named fix lands: (row name, what is wrong).
/// Every name must match a row, so a stale entry fails the suite.
const AWAITING_FIX: &[(&str, &str)] = &[];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_rpc_answers_bad_input_with_the_documented_status() {
    let system = TestSystem::start().await;
    let clients = Clients::connect(&system).await;
    let seeded = seed::seed_all(&system, &clients).await;

    let mut rows = Rows::default();
    storage::rows(&mut rows, &clients, &seeded);
    extraction::rows(&mut rows, &clients, &seeded);
    search::rows(&mut rows, &clients, &seeded);
    let mut names = rows.names();
    names.extend(deadlines::ROWS.iter().map(|name| name.to_string()));
    harness::check_awaiting_fix(&names);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "row names are unique");

    let count = rows.len();
    let failures = harness::run(&clients, rows).await;
    harness::assert_no_failures(&failures, count);
    system.stop().await;
}
