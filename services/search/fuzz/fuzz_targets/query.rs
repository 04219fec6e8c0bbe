//! Any query string, filter, sort, facets and page size: the search core
//! answers or says INVALID_ARGUMENT — never a panic, never another error.

#![no_main]

mod common;

use arbitrary::Arbitrary;
use dossier_search::collect::Sort;
use dossier_search::dates::Interval;
use dossier_search::facets::FacetSpec;
use dossier_search::query::{Filter, Syntax};
use dossier_search::search::{PageRequest, SearchQuery, search};
use dossier_search::Error;
use libfuzzer_sys::fuzz_target;

/// The gRPC layer's default limits (`--max-query-bytes`, `--max-page-size`).
const MAX_QUERY_BYTES: usize = 4096;
const MAX_PAGE_SIZE: usize = 1000;

#[derive(Debug, Arbitrary)]
struct Input {
    text: String,
    sources: Vec<String>,
    published_after: Option<i64>,
    published_before: Option<i64>,
    entity_ids: Vec<String>,
    entity_types: Vec<i32>,
    labels: Vec<String>,
    languages: Vec<String>,
    sort: u8,
    expand: bool,
    page_size: u16,
    facets: Vec<(u8, u16, i32)>,
    highlight: bool,
    /// Count exactly up to this many matches, then prune (None: count
    /// all); small bounds reach the pruned paths on the small index.
    count_up_to: Option<u8>,
    /// Follow next_page_token this many times.
    pages: u8,
}

fuzz_target!(|input: Input| {
    if input.text.len() > MAX_QUERY_BYTES {
        return; // refused before the core by the gRPC layer
    }
    let query = SearchQuery {
        text: input.text,
        filter: Filter {
            sources: input.sources,
            published_after: input.published_after,
            published_before: input.published_before,
            entity_ids: input.entity_ids,
            entity_types: input.entity_types,
            labels: input.labels,
            languages: input.languages,
        },
        sort: match input.sort % 3 {
            0 => Sort::Relevance,
            1 => Sort::PublishedDesc,
            _ => Sort::PublishedAsc,
        },
        expand_entities: input.expand,
        // The sort byte's spare bit picks the syntax: both are fuzzed.
        syntax: if input.sort & 0x80 == 0 {
            Syntax::Lenient
        } else {
            Syntax::Strict
        },
    };
    let facets = input
        .facets
        .iter()
        .take(8)
        .map(|&(kind, limit, entity_type)| {
            let limit = usize::from(limit) % 1001;
            match kind % 5 {
                0 => FacetSpec::Source { limit },
                1 => FacetSpec::Label { limit },
                2 => FacetSpec::Language { limit },
                3 => FacetSpec::Entity { limit, entity_type },
                _ => FacetSpec::PublishedAt {
                    interval: [Interval::Day, Interval::Week, Interval::Month]
                        [usize::from(limit) % 3],
                },
            }
        })
        .collect();
    let mut page = PageRequest {
        page_size: usize::from(input.page_size).clamp(1, MAX_PAGE_SIZE),
        page_token: String::new(),
        facets,
        highlight: input.highlight,
        include_body: false,
        collapse_duplicates: false,
        count_up_to: input.count_up_to.map(u64::from),
    };
    let index = common::index();
    for _ in 0..=input.pages.min(4) {
        match search(index, &query, &page) {
            Ok(result) => {
                assert!(result.hits.len() <= page.page_size);
                if result.next_page_token.is_empty() {
                    break;
                }
                page.page_token = result.next_page_token;
            }
            Err(Error::InvalidQuery(m) | Error::InvalidArgument { message: m, .. }) => {
                assert!(!m.is_empty());
                break;
            }
            Err(other) => panic!("{query:?} gave {other}"),
        }
    }
});
