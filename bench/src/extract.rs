//! Extraction figures: pipeline throughput on one core (in-process library
//! call, no transport) and Extract latency over gRPC for one article.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_extraction::pipeline::ExtractRequest;
use dossier_extraction::registry::Registry;
use dossier_extraction::{Extractor, Tagger};
use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use tonic::transport::Channel;

use crate::corpus::Corpus;
use crate::stats::Latency;

/// Single-thread throughput of the whole extraction pipeline.
pub struct Throughput {
    pub tokens: u64,
    pub articles: usize,
    /// Time in tokenize, tag, type and value rules.
    pub analysing: Duration,
    /// Time linking mentions to the (in-memory) registry.
    pub linking: Duration,
}

impl Throughput {
    /// Tokens per second of the whole pipeline.
    pub fn tokens_per_second(&self) -> f64 {
        self.tokens as f64 / (self.analysing + self.linking).as_secs_f64().max(1e-9)
    }

    /// Tokens per second of analysis alone (what `dossier-extraction bench` reports).
    pub fn analysis_tokens_per_second(&self) -> f64 {
        self.tokens as f64 / self.analysing.as_secs_f64().max(1e-9)
    }
}

/// Runs the `Extractor` pipeline (tokenize, tag, type, value rules, then link
/// to an in-memory registry) over `articles` corpus articles on one thread, with
/// parallel sentence preparation off, after one unmeasured pass: tokens per
/// second per core, the figure that sizes an extraction deployment.
pub async fn tokens_per_core(corpus: Arc<Corpus>, articles: usize) -> anyhow::Result<Throughput> {
    tokio::task::spawn_blocking(move || {
        let extractor = Extractor::new(Tagger::load_default()?, Registry::in_memory()?, usize::MAX)
            .with_parallel(false);
        // Articles from the far end of the corpus so they are not the ones
        // just imported (irrelevant to speed, but keeps the runs independent).
        let texts: Vec<String> = (0..articles as u64)
            .map(|n| corpus.article(1_000_000_000 + n).body)
            .collect();
        // Analysis (tokenize, tag, type, value rules) and linking timed
        // apart: linking grows with the registry, analysis does not.
        let run = |texts: &[String]| -> anyhow::Result<(u64, Duration, Duration)> {
            let (mut tokens, mut analysing, mut linking) = (0u64, Duration::ZERO, Duration::ZERO);
            for text in texts {
                let started = Instant::now();
                let analysis = extractor.analyze(ExtractRequest {
                    text: text.clone(),
                    ..Default::default()
                })?;
                let analysed = Instant::now();
                let response = extractor.link(analysis)?;
                linking += analysed.elapsed();
                analysing += analysed - started;
                tokens += u64::from(response.token_count);
            }
            Ok((tokens, analysing, linking))
        };
        run(&texts[..texts.len().min(20)])?;
        let (tokens, analysing, linking) = run(&texts)?;
        Ok(Throughput {
            tokens,
            articles: texts.len(),
            analysing,
            linking,
        })
    })
    .await?
}

/// Sequential Extract calls, each a different ~4 KB article, not recorded in
/// the registry (no document id): the latency a client sees for one article.
pub async fn grpc_latency(
    channel: &Channel,
    corpus: &Corpus,
    calls: usize,
) -> anyhow::Result<(Latency, f64)> {
    let mut client = ExtractionServiceClient::new(channel.clone());
    let warmup = (calls / 10).max(5);
    let mut latency = Latency::new();
    let mut bytes = 0usize;
    for i in 0..warmup + calls {
        let text = corpus.article(2_000_000_000 + i as u64).body;
        let size = text.len();
        let started = Instant::now();
        client
            .extract(pb::ExtractRequest {
                text,
                ..Default::default()
            })
            .await?;
        if i >= warmup {
            latency.record(started.elapsed());
            bytes += size;
        }
    }
    Ok((latency, bytes as f64 / calls.max(1) as f64))
}
