//! Screening in `dossier-bench` (#18): a list of names the size of a
//! sanctions list checked against everything indexed, through
//! StreamScreenNames as `dossier screen` sends it.
//!
//! The list looks like a compliance team's: most names are of nobody in
//! the news (invented here from syllables the corpus never uses, with
//! common given names), the rest are people of the corpus in one of their
//! spellings — with or without the given name, sometimes mistyped — and
//! its organisations. How many names of each group found a match is
//! printed beside the time, so a fast but blind run shows.

use std::time::{Duration, Instant};

use anyhow::Context;
use dossier_proto::v1 as pb;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use futures::StreamExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

use crate::corpus::Corpus;
use crate::corpus::news::organisations;

/// Share of the list that names people and organisations of the corpus.
const KNOWN_SHARE: f64 = 0.2;
/// Given names of the invented people (common in several languages).
const GIVEN: &[&str] = &[
    "Anna", "Boris", "Carmen", "David", "Elena", "Farid", "Greta", "Hassan", "Irina", "Jonas",
    "Karim", "Lucia", "Marek", "Nadia", "Oskar", "Paula", "Rustam", "Sofia", "Tomas", "Vera",
];
/// Syllables of the invented surnames: none of them is a syllable of the
/// corpus's people, so these names should match nothing.
const SYLLABLES: &[&str] = &[
    "bwa", "dze", "fio", "gwu", "hje", "kwo", "mbu", "nxa", "pfu", "qua", "tlo", "wex", "xio",
    "zwa",
];

/// One name of the list, and whether the corpus holds it.
#[derive(Debug, Clone)]
pub struct ListedName {
    pub name: pb::ScreenName,
    pub known: bool,
}

/// `n` names, deterministic for `seed`.
pub fn list(corpus: &Corpus, n: usize, seed: u64) -> Vec<ListedName> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5c4e_e11e);
    let people = corpus.people();
    let orgs: Vec<&str> = organisations().collect();
    (0..n)
        .map(|_| {
            if !rng.random_bool(KNOWN_SHARE) {
                let surname: String = (0..rng.random_range(2..=3))
                    .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                    .collect();
                let given = GIVEN[rng.random_range(0..GIVEN.len())];
                return listed(
                    format!("{given} {}", capitalize(&surname)),
                    pb::EntityType::Person,
                    false,
                );
            }
            if rng.random_range(0..10) == 0 {
                let org = orgs[rng.random_range(0..orgs.len())];
                return listed(org.to_string(), pb::EntityType::Org, true);
            }
            let person = &people[rng.random_range(0..people.len())];
            let spellings = person.full_name_variants();
            let mut name = spellings[rng.random_range(0..spellings.len())].to_string();
            match rng.random_range(0..4) {
                0 => name = mistype(&name, &mut rng),
                1 => {
                    name = name
                        .split_once(' ')
                        .map_or(name.clone(), |(_, s)| s.to_string())
                }
                _ => {}
            }
            listed(name, pb::EntityType::Person, true)
        })
        .collect()
}

fn listed(name: String, kind: pb::EntityType, known: bool) -> ListedName {
    ListedName {
        name: pb::ScreenName {
            name,
            r#type: kind as i32,
            ..Default::default()
        },
        known,
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One letter of the surname doubled, as lists mistype names.
fn mistype(name: &str, rng: &mut ChaCha8Rng) -> String {
    let chars: Vec<char> = name.chars().collect();
    let from = name.find(' ').map_or(0, |i| name[..i].chars().count() + 2);
    if from + 1 >= chars.len() {
        return name.to_string();
    }
    let at = rng.random_range(from..chars.len());
    let mut out: String = chars[..=at].iter().collect();
    out.extend(&chars[at..]);
    out
}

/// What one screening run found, and how long it took.
#[derive(Debug)]
pub struct Screened {
    pub names: usize,
    pub known: usize,
    /// Names of the corpus with at least one match.
    pub known_found: usize,
    /// Invented names with a match (should be near none).
    pub unknown_found: usize,
    /// Matches over all names, and their evidence articles.
    pub matches: usize,
    pub evidence: usize,
    pub first_result: Duration,
    pub elapsed: Duration,
}

/// Screens the list in one StreamScreenNames call and counts the results.
pub async fn screen(search: &Channel, names: &[ListedName]) -> anyhow::Result<Screened> {
    let mut client = SearchServiceClient::new(search.clone()).max_decoding_message_size(64 << 20);
    let request = pb::ScreenNamesRequest {
        names: names.iter().map(|n| n.name.clone()).collect(),
        ..Default::default()
    };
    let started = Instant::now();
    let mut stream = client
        .stream_screen_names(request)
        .await
        .context("StreamScreenNames")?
        .into_inner();
    let mut out = Screened {
        names: names.len(),
        known: names.iter().filter(|n| n.known).count(),
        known_found: 0,
        unknown_found: 0,
        matches: 0,
        evidence: 0,
        first_result: Duration::ZERO,
        elapsed: Duration::ZERO,
    };
    let mut results = 0;
    while let Some(result) = stream.next().await {
        let result = result.context("StreamScreenNames result")?;
        if results == 0 {
            out.first_result = started.elapsed();
        }
        results += 1;
        let listed = names
            .get(result.index as usize)
            .context("a result for a position the list does not have")?;
        if !result.matches.is_empty() {
            if listed.known {
                out.known_found += 1;
            } else {
                out.unknown_found += 1;
            }
        }
        out.matches += result.matches.len();
        out.evidence += result
            .matches
            .iter()
            .map(|m| m.evidence.len())
            .sum::<usize>();
    }
    out.elapsed = started.elapsed();
    anyhow::ensure!(
        results == names.len(),
        "{results} results for {} names",
        names.len()
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_deterministic_and_mixed() {
        let corpus = Corpus::new(42);
        let a = list(&corpus, 2_000, 7);
        let b = list(&corpus, 2_000, 7);
        let names = |l: &[ListedName]| l.iter().map(|n| n.name.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        let known = a.iter().filter(|n| n.known).count();
        assert!((300..500).contains(&known), "{known} known names of 2,000");
        assert!(a.iter().all(|n| !n.name.name.trim().is_empty()));
        assert!(
            a.iter()
                .any(|n| n.name.r#type == pb::EntityType::Org as i32)
        );
    }

    #[test]
    fn invented_surnames_share_no_syllable_with_the_corpus() {
        let corpus = Corpus::new(42);
        for person in corpus.people() {
            for spelling in person.full_name_variants() {
                let lower = spelling.to_lowercase();
                for s in SYLLABLES {
                    assert!(!lower.contains(s), "{spelling} holds {s}");
                }
            }
        }
    }

    #[test]
    fn a_mistyped_name_keeps_its_given_name() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..50 {
            let typo = mistype("Oleh Shapovchuk", &mut rng);
            assert!(typo.starts_with("Oleh Sh"), "{typo}");
            assert_eq!(typo.chars().count(), "Oleh Shapovchuk".chars().count() + 1);
        }
    }
}
