//! Query latency over gRPC, one kind at a time, against the real search
//! service. Every query is drawn from the corpus (words at ranks that match
//! a fraction of the documents, phrases that occur in articles, names the
//! corpus spells several ways), so the engine does real work.

use std::time::{Duration, Instant};

use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonic::transport::Channel;

use crate::corpus::{Corpus, DAYS, OUTLETS, T0};
use crate::stats::Latency;

/// The kinds of query measured, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    Term,
    Phrase,
    Boolean,
    Filtered,
    Faceted,
    Entity,
    Variant,
    DeepPage,
    Stories,
    Story,
    Quotes,
    QuotesQuery,
}

impl QueryKind {
    pub const ALL: [QueryKind; 12] = [
        QueryKind::Term,
        QueryKind::Phrase,
        QueryKind::Boolean,
        QueryKind::Filtered,
        QueryKind::Faceted,
        QueryKind::Entity,
        QueryKind::Variant,
        QueryKind::DeepPage,
        QueryKind::Stories,
        QueryKind::Story,
        QueryKind::Quotes,
        QueryKind::QuotesQuery,
    ];

    /// Whether a query of this kind is one Search call (not paging, a
    /// sequence of calls, nor another RPC): what the load test mixes.
    pub fn is_one_search(self) -> bool {
        !matches!(
            self,
            QueryKind::DeepPage
                | QueryKind::Stories
                | QueryKind::Story
                | QueryKind::Quotes
                | QueryKind::QuotesQuery
        )
    }

    /// The name `--kinds` takes.
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Term => "term",
            QueryKind::Phrase => "phrase",
            QueryKind::Boolean => "boolean",
            QueryKind::Filtered => "filtered",
            QueryKind::Faceted => "faceted",
            QueryKind::Entity => "entity",
            QueryKind::Variant => "variant",
            QueryKind::DeepPage => "deep",
            QueryKind::Stories => "stories",
            QueryKind::Story => "story",
            QueryKind::Quotes => "quotes",
            QueryKind::QuotesQuery => "quotes-query",
        }
    }

    /// What the table calls it, with an example of its shape.
    pub fn describe(self) -> &'static str {
        match self {
            QueryKind::Term => "term (`minister`-like word, 1 of ~3,000 mid ranks)",
            QueryKind::Phrase => "phrase (`\"w1 w2\"` from an article)",
            QueryKind::Boolean => "boolean (`(a OR b) AND c AND NOT d`)",
            QueryKind::Filtered => "filtered (term + 1 source + 30-day range, newest first)",
            QueryKind::Faceted => "faceted (term + source, PERSON top 10, weekly histogram)",
            QueryKind::Entity => "entity (`entity:<id>`, top-50 people)",
            QueryKind::Variant => "name variant, expanded (`Chapovtchouk` finds `Shapovchuk`)",
            QueryKind::DeepPage => "deep page (page 11–25 of 20 hits via page tokens)",
            QueryKind::Stories => "ListStories (stories of a term's articles, 20 per page)",
            QueryKind::Story => "GetStory (a listed story with its timeline)",
            QueryKind::Quotes => "ListQuotes (a top-50 person's quotes, 20 per page)",
            QueryKind::QuotesQuery => {
                "ListQuotes (a top-50 person's quotes with a word of rank 40–400)"
            }
        }
    }
}

/// The measured latency of one kind.
pub struct QueryStats {
    pub kind: QueryKind,
    pub latency: Latency,
    /// Mean `total_hits` per measured query.
    pub mean_hits: f64,
    /// Share of measured queries that were expanded with entity variants
    /// (meaningful for [`QueryKind::Variant`]).
    pub expanded: f64,
    /// Share of measured searches whose count stopped at its bound
    /// (`total_hits_is_lower_bound`): their `total_hits` is the bound.
    pub lower_bound: f64,
}

/// Everything a query maker draws from.
pub struct QueryContext<'a> {
    pub corpus: &'a Corpus,
    /// Articles in the index (phrases are taken from them).
    pub docs: u64,
    /// Ids of the most mentioned people, from extraction's registry.
    pub person_ids: &'a [String],
}

impl QueryContext<'_> {
    /// One request of `kind` drawn with `rng`.
    pub fn request(&self, kind: QueryKind, rng: &mut ChaCha8Rng) -> pb::SearchRequest {
        let word = |rng: &mut ChaCha8Rng, ranks: std::ops::Range<usize>| {
            self.corpus.word(rng.random_range(ranks)).to_string()
        };
        let mut request = pb::SearchRequest {
            page_size: 10,
            ..Default::default()
        };
        match kind {
            QueryKind::Term => request.query = word(rng, 100..3_000),
            QueryKind::Phrase => request.query = self.phrase(rng),
            QueryKind::Boolean => {
                request.query = format!(
                    "({} OR {}) AND {} AND NOT {}",
                    word(rng, 100..2_000),
                    word(rng, 100..2_000),
                    word(rng, 40..400),
                    word(rng, 100..3_000)
                )
            }
            QueryKind::Filtered => {
                request.query = word(rng, 100..3_000);
                let from = T0 + rng.random_range(0..DAYS - 30) * 86_400;
                request.filter = Some(pb::SearchFilter {
                    sources: vec![OUTLETS[rng.random_range(0..OUTLETS.len())].into()],
                    published_after: Some(timestamp(from)),
                    published_before: Some(timestamp(from + 30 * 86_400)),
                    ..Default::default()
                });
                request.sort = pb::SortOrder::PublishedDesc as i32;
            }
            QueryKind::Faceted => {
                request.query = word(rng, 100..3_000);
                request.facets = vec![
                    pb::FacetRequest {
                        field: pb::FacetField::Source as i32,
                        limit: 10,
                        ..Default::default()
                    },
                    pb::FacetRequest {
                        field: pb::FacetField::Entity as i32,
                        limit: 10,
                        entity_type: pb::EntityType::Person as i32,
                        ..Default::default()
                    },
                    pb::FacetRequest {
                        field: pb::FacetField::PublishedAt as i32,
                        interval: pb::HistogramInterval::Week as i32,
                        ..Default::default()
                    },
                ];
            }
            QueryKind::Entity => {
                request.query = if self.person_ids.is_empty() {
                    word(rng, 100..3_000)
                } else {
                    let id = &self.person_ids[rng.random_range(0..self.person_ids.len())];
                    format!("entity:{id}")
                }
            }
            QueryKind::Variant => {
                let people = self.corpus.prominent_people(50);
                let person = &people[rng.random_range(0..people.len())];
                // A spelling other than the English one, when there is one.
                let variants = person.surname_variants();
                let others = &variants[1.min(variants.len() - 1)..];
                request.query = others[rng.random_range(0..others.len())].to_string();
            }
            QueryKind::DeepPage => {
                request.query = word(rng, 40..200);
                request.page_size = 20;
            }
            // Not Search requests: see `stories`, `story` and `quotes`.
            QueryKind::Stories | QueryKind::Story => request.query = word(rng, 100..3_000),
            QueryKind::Quotes => {}
            QueryKind::QuotesQuery => request.query = word(rng, 40..400),
        }
        request
    }

    /// A ListQuotes request of `kind` (Quotes or QuotesQuery): one of the
    /// most mentioned people, and for QuotesQuery a word their quotes
    /// must say (ranks 40–400: in many quotes, not in most).
    pub fn quotes_request(&self, kind: QueryKind, rng: &mut ChaCha8Rng) -> pb::ListQuotesRequest {
        let entity_id = match self.person_ids {
            [] => String::new(),
            ids => ids[rng.random_range(0..ids.len())].clone(),
        };
        pb::ListQuotesRequest {
            entity_id,
            query: self.request(kind, rng).query,
            page_size: 20,
            ..Default::default()
        }
    }

    /// Two adjacent lowercase words of a random article, as a phrase query.
    fn phrase(&self, rng: &mut ChaCha8Rng) -> String {
        let body = self
            .corpus
            .article(rng.random_range(0..self.docs.max(1)))
            .body;
        let pairs: Vec<[&str; 2]> = body
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w.iter().all(|x| x.chars().all(|c| c.is_ascii_lowercase())))
            .map(|w| [w[0], w[1]])
            .collect();
        match pairs.get(rng.random_range(0..pairs.len().max(1))) {
            Some([a, b]) => format!("\"{a} {b}\""),
            None => "\"the minister\"".into(),
        }
    }
}

/// The ids of the `n` people with the most mentions in extraction's registry.
pub async fn top_people(channel: &Channel, n: i32) -> anyhow::Result<Vec<String>> {
    let response = ExtractionServiceClient::new(channel.clone())
        .list_entities(pb::ListEntitiesRequest {
            page_size: n,
            r#type: pb::EntityType::Person as i32,
            order_by: pb::EntityOrder::MentionCount as i32,
            ..Default::default()
        })
        .await?
        .into_inner();
    Ok(response.entities.into_iter().map(|e| e.id).collect())
}

/// Runs `per_kind` measured queries of every kind (after a few unmeasured
/// warm-up queries), one at a time on one connection: latency, not
/// throughput, is the point. The `show_slowest` slowest Search requests of
/// each kind are printed to stderr with their hits (where a tail comes
/// from).
pub async fn measure(
    channel: &Channel,
    context: &QueryContext<'_>,
    per_kind: usize,
    seed: u64,
    kinds: &[QueryKind],
    show_slowest: usize,
) -> anyhow::Result<Vec<QueryStats>> {
    let mut client = SearchServiceClient::new(channel.clone());
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e3);
    let mut out = Vec::new();
    for kind in QueryKind::ALL {
        if !kinds.contains(&kind) {
            continue;
        }
        let stats = match kind {
            QueryKind::DeepPage => deep_pages(&mut client, context, per_kind, &mut rng).await?,
            QueryKind::Stories | QueryKind::Story => {
                stories(&mut client, context, kind, per_kind, &mut rng).await?
            }
            QueryKind::Quotes | QueryKind::QuotesQuery => {
                quotes(&mut client, context, kind, per_kind, &mut rng).await?
            }
            _ => {
                let warmup = (per_kind / 10).max(5);
                let mut latency = Latency::new();
                let (mut hits, mut expanded, mut bounded) = (0u64, 0usize, 0usize);
                let mut slowest: Vec<(Duration, String, u64)> = Vec::new();
                for i in 0..warmup + per_kind {
                    let request = context.request(kind, &mut rng);
                    let text = (show_slowest > 0).then(|| request.query.clone());
                    let started = Instant::now();
                    let response = client.search(request).await?.into_inner();
                    if i >= warmup {
                        let took = started.elapsed();
                        latency.record(took);
                        if let Some(text) = text {
                            slowest.push((took, text, response.total_hits));
                        }
                        hits += response.total_hits;
                        expanded += usize::from(!response.expansions.is_empty());
                        bounded += usize::from(response.total_hits_is_lower_bound);
                    }
                }
                slowest.sort_by_key(|(took, _, _)| std::cmp::Reverse(*took));
                for (took, text, hits) in slowest.iter().take(show_slowest) {
                    let ms = took.as_secs_f64() * 1e3;
                    eprintln!("  slow {kind:?}: {ms:.2} ms, {hits} hits: {text}");
                }
                QueryStats {
                    kind,
                    latency,
                    mean_hits: hits as f64 / per_kind.max(1) as f64,
                    expanded: expanded as f64 / per_kind.max(1) as f64,
                    lower_bound: bounded as f64 / per_kind.max(1) as f64,
                }
            }
        };
        eprintln!(
            "  {:?}: p50/p99 {}, mean hits {:.0}",
            kind,
            stats.latency.p50_p99(),
            stats.mean_hits
        );
        out.push(stats);
    }
    Ok(out)
}

/// ListStories for a term (`Stories`), or GetStory of a story such a
/// listing returned (`Story`). `mean_hits` is stories per listing, or
/// articles per story.
async fn stories(
    client: &mut SearchServiceClient<Channel>,
    context: &QueryContext<'_>,
    kind: QueryKind,
    samples: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<QueryStats> {
    let warmup = (samples / 10).max(5);
    let mut latency = Latency::new();
    let mut sizes = 0u64;
    for i in 0..warmup + samples {
        let listing = pb::ListStoriesRequest {
            query: context.request(kind, rng).query,
            ..Default::default()
        };
        let started = Instant::now();
        let response = client.list_stories(listing).await?.into_inner();
        let mut elapsed = started.elapsed();
        let mut size = response.total_stories;
        if kind == QueryKind::Story {
            let Some(story) = response
                .stories
                .get(rng.random_range(0..response.stories.len().max(1)))
            else {
                continue;
            };
            let started = Instant::now();
            let story = client
                .get_story(pb::GetStoryRequest {
                    id: story.id.clone(),
                })
                .await?
                .into_inner();
            elapsed = started.elapsed();
            size = u64::from(story.document_count);
        }
        if i >= warmup {
            latency.record(elapsed);
            sizes += size;
        }
    }
    Ok(QueryStats {
        kind,
        latency,
        mean_hits: sizes as f64 / samples.max(1) as f64,
        expanded: 0.0,
        lower_bound: 0.0,
    })
}

/// ListQuotes of a prominent person (`Quotes`), or of such a person with a
/// word (`QuotesQuery`), first page of 20. `mean_hits` is `total_quotes`.
async fn quotes(
    client: &mut SearchServiceClient<Channel>,
    context: &QueryContext<'_>,
    kind: QueryKind,
    samples: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<QueryStats> {
    let warmup = (samples / 10).max(5);
    let mut latency = Latency::new();
    let mut total = 0u64;
    for i in 0..warmup + samples {
        let request = context.quotes_request(kind, rng);
        let started = Instant::now();
        let response = client.list_quotes(request).await?.into_inner();
        if i >= warmup {
            latency.record(started.elapsed());
            total += response.total_quotes;
        }
    }
    Ok(QueryStats {
        kind,
        latency,
        mean_hits: total as f64 / samples.max(1) as f64,
        expanded: 0.0,
        lower_bound: 0.0,
    })
}

/// Pages 11 to 25 of common-word queries, each fetched with the previous
/// page's token: the cost of going deep with cursor paging.
async fn deep_pages(
    client: &mut SearchServiceClient<Channel>,
    context: &QueryContext<'_>,
    samples: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<QueryStats> {
    const FIRST_MEASURED: usize = 11;
    const LAST: usize = 25;
    let mut latency = Latency::new();
    let mut hits = 0u64;
    let mut walks = 0u64;
    while (latency.count() as usize) < samples {
        let mut request = context.request(QueryKind::DeepPage, rng);
        // The first page (not measured) counts every match, so the mean
        // says how deep the result sets are; later pages carry its count
        // and count nothing themselves.
        request.exact_total_hits = true;
        walks += 1;
        for page in 1..=LAST {
            let started = Instant::now();
            let response = client.search(request.clone()).await?.into_inner();
            if page >= FIRST_MEASURED {
                latency.record(started.elapsed());
            }
            if page == 1 {
                hits += response.total_hits;
            }
            if response.next_page_token.is_empty() {
                break;
            }
            request.page_token = response.next_page_token;
        }
        if walks as usize > samples {
            break; // queries too short to reach the deep pages
        }
    }
    Ok(QueryStats {
        kind: QueryKind::DeepPage,
        latency,
        mean_hits: hits as f64 / walks.max(1) as f64,
        expanded: 0.0,
        lower_bound: 0.0,
    })
}

fn timestamp(seconds: i64) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds, nanos: 0 }
}
