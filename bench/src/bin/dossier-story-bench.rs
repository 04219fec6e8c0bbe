//! `dossier-story-bench`: how well the search service's story tracker
//! groups a news stream into stories and marks wire copies, and how fast.
//!
//! The stream (`corpus::stories`) carries the true story of every article
//! and the true original of every copy. Each article goes through the real
//! extraction in-process (tagger, value rules, then the entity registry's
//! linker in arrival order, as BatchExtract runs it), and its canonical
//! entity ids and normalised DATE/MONEY values feed the tracker in arrival
//! order. Reported: B³ precision/recall/F1 of the stories (merged stories
//! resolved to their survivors at the end), copy precision and recall, the
//! tracker's time per document, and extraction's separately.
//!
//! ```text
//! cargo build --release -p dossier-bench --bin dossier-story-bench
//! target/release/dossier-story-bench --docs 20000 --seed 1 --sweep
//! ```

// The allocator of the service binaries, so the figures are theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use dossier_bench::corpus::stories::{BCubed, StoryArticle, StoryKind, b_cubed, stream};
use dossier_extraction::EntityType;
use dossier_extraction::pipeline::{ExtractRequest, Extractor};
use dossier_extraction::registry::Registry;
use dossier_extraction::tooling::commands::load;
use dossier_search::stories::{StoryDoc, StorySettings, StoryTracker};

/// Measure story grouping and copy detection on a synthetic news stream.
#[derive(Debug, Clone, Parser)]
#[command(name = "dossier-story-bench")]
struct Args {
    /// Articles in the stream.
    #[arg(long, default_value_t = 20_000)]
    docs: usize,
    /// Seed of the stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The extraction model (default: the embedded one).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print one JSON object instead of the text report.
    #[arg(long)]
    json: bool,
    /// Also run the tracker with several join and merge thresholds.
    #[arg(long)]
    sweep: bool,
    /// Join threshold (default: the tracker's).
    #[arg(long)]
    join: Option<f32>,
    /// Merge threshold (default: the tracker's).
    #[arg(long)]
    merge: Option<f32>,
    /// Least content-word similarity of one story (default: the tracker's).
    #[arg(long)]
    min_words: Option<f32>,
}

/// What extraction gave one article.
struct Features {
    entities: Vec<String>,
    values: Vec<String>,
}

/// Requests linked per registry batch, as BatchExtract groups them.
const LINK_BATCH: usize = 64;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let docs = stream(args.seed, args.docs);
    let generation = started.elapsed();
    let (features, extraction) = extract(&docs, &args.model)?;

    let base = StorySettings::default();
    let defaults = StorySettings {
        join_threshold: args.join.unwrap_or(base.join_threshold),
        merge_threshold: args.merge.unwrap_or(base.merge_threshold),
        min_word_similarity: args.min_words.unwrap_or(base.min_word_similarity),
        ..base
    };
    let run = track(&docs, &features, &defaults);
    let quality = score(&docs, &run);
    let mut sweep = Vec::new();
    if args.sweep {
        for join in [0.10f32, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40] {
            let settings = StorySettings {
                join_threshold: join,
                ..defaults.clone()
            };
            sweep.push((
                join,
                settings.merge_threshold,
                sweep_point(&docs, &features, settings),
            ));
        }
        for merge in [0.40f32, 0.60, 0.70, 2.0] {
            let settings = StorySettings {
                merge_threshold: merge,
                ..defaults.clone()
            };
            sweep.push((
                settings.join_threshold,
                merge,
                sweep_point(&docs, &features, settings),
            ));
        }
    }
    let report = Report {
        args: &args,
        docs: &docs,
        features: &features,
        generation,
        extraction,
        run: &run,
        quality: &quality,
        sweep: &sweep,
        settings: &defaults,
    };
    if args.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    Ok(())
}

/// Runs the whole extraction on every article in arrival order: analysis
/// on this thread, then linking in batches of [`LINK_BATCH`] with document
/// ids, so the registry learns the names as the service's would.
fn extract(
    docs: &[StoryArticle],
    model: &Option<PathBuf>,
) -> anyhow::Result<(Vec<Features>, Duration)> {
    let extractor =
        Extractor::new(load(model)?, Registry::in_memory()?, usize::MAX).with_parallel(false);
    let started = Instant::now();
    let mut out = Vec::with_capacity(docs.len());
    for chunk in docs.chunks(LINK_BATCH) {
        let analyses = chunk
            .iter()
            .map(|d| {
                extractor.analyze_on_one_core(ExtractRequest {
                    // Headline, blank line, text: what search sends.
                    text: format!("{}\n\n{}", d.title, d.body),
                    document_id: Some(d.id.clone()),
                    published_at: Some(d.published_at),
                    source: Some(d.source.clone()),
                    request_id: d.id.clone(),
                    language: Some("en".into()),
                    ..ExtractRequest::default()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for response in extractor.link_batch(analyses)? {
            let mut entities = Vec::new();
            let mut values = Vec::new();
            for m in response.mentions {
                match (m.entity_type, m.entity_id, m.normalized_value) {
                    (_, Some(id), _) if !id.is_empty() => entities.push(id),
                    (EntityType::Date | EntityType::Money, _, Some(v)) if !v.is_empty() => {
                        values.push(v)
                    }
                    _ => {}
                }
            }
            out.push(Features { entities, values });
        }
    }
    Ok((out, started.elapsed()))
}

/// One pass of the tracker over the stream.
struct Run {
    /// Each article's story, resolved through the merges at the end.
    stories: Vec<String>,
    /// Each article's predicted original.
    duplicate_of: Vec<Option<String>>,
    times: Vec<Duration>,
    total: Duration,
    merges: usize,
    /// Articles in the tracker's window after the last one.
    window_docs: usize,
    /// The window's heap bytes then (`StoryTracker::heap_bytes`).
    window_bytes: usize,
}

fn track(docs: &[StoryArticle], features: &[Features], settings: &StorySettings) -> Run {
    let mut tracker = StoryTracker::new(settings.clone());
    let mut stories = Vec::with_capacity(docs.len());
    let mut duplicate_of = Vec::with_capacity(docs.len());
    let mut times = Vec::with_capacity(docs.len());
    let mut merges = 0;
    let started = Instant::now();
    for (d, f) in docs.iter().zip(features) {
        let t0 = Instant::now();
        let a = tracker.assign(&StoryDoc {
            id: &d.id,
            sequence: d.sequence,
            published_at: Some(d.published_at),
            title: &d.title,
            text: &d.body,
            entities: &f.entities,
            values: &f.values,
        });
        times.push(t0.elapsed());
        merges += a.merged.len();
        stories.push(a.story_id);
        duplicate_of.push(a.duplicate_of.map(|(id, _)| id));
    }
    let total = started.elapsed();
    let stories = stories
        .iter()
        .map(|s| tracker.resolve(s).to_string())
        .collect();
    Run {
        window_docs: tracker.window_docs(),
        window_bytes: tracker.heap_bytes(),
        stories,
        duplicate_of,
        times,
        total,
        merges,
    }
}

/// How one kind of true story fared.
#[derive(Default, Clone, Copy)]
struct KindStats {
    stories: usize,
    articles: usize,
    /// Stories whose articles went to more than one predicted story.
    split: usize,
    /// Predicted pieces over all stories of the kind.
    pieces: usize,
    /// Stories sharing a predicted story with another true story.
    merged: usize,
}

/// Quality figures of one run.
struct Quality {
    b3: BCubed,
    true_stories: usize,
    predicted_stories: usize,
    /// Predicted duplicates, and those correct.
    dup_predicted: usize,
    dup_correct: usize,
    /// True copies (not the first of their group to arrive), and those found.
    dup_true: usize,
    dup_found: usize,
    /// Wrong duplicates within one true story (quoted wire sentences, briefs)
    /// and across stories.
    dup_wrong_same_story: usize,
    dup_wrong_other_story: usize,
    kinds: BTreeMap<StoryKind, KindStats>,
    /// Sibling events in one predicted story with the event they borrow from.
    siblings_with_parent: usize,
    siblings_with_parent_in_stream: usize,
    /// Predicted stories holding more than one true story, by the kinds
    /// they mix (sorted pair of the two largest true stories).
    impure: BTreeMap<(StoryKind, StoryKind), usize>,
    /// Articles in predicted stories larger than 100.
    in_giant_stories: usize,
}

fn score(docs: &[StoryArticle], run: &Run) -> Quality {
    let truth: Vec<u32> = docs.iter().map(|d| d.story).collect();
    let b3 = b_cubed(&run.stories, &truth);
    let true_stories = truth.iter().collect::<HashSet<_>>().len();
    let predicted_stories = run.stories.iter().collect::<HashSet<_>>().len();

    // Copies: a predicted original is right when it is the true one or in
    // the same copy group; a true copy is any member of a group after the
    // first of the group to arrive.
    let by_id: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut first_of_group: HashMap<u32, usize> = HashMap::new();
    let (mut dup_predicted, mut dup_correct, mut dup_true, mut dup_found) = (0, 0, 0, 0);
    let (mut dup_wrong_same_story, mut dup_wrong_other_story) = (0, 0);
    for (i, d) in docs.iter().enumerate() {
        let is_copy = match d.copy_group {
            Some(g) => {
                let seen = first_of_group.contains_key(&g);
                first_of_group.entry(g).or_insert(i);
                seen
            }
            None => false,
        };
        let predicted = run.duplicate_of[i]
            .as_deref()
            .and_then(|id| by_id.get(id).copied());
        let correct = predicted.is_some_and(|o| {
            docs[o].id.as_str() == d.original.as_deref().unwrap_or_default()
                || (d.copy_group.is_some() && docs[o].copy_group == d.copy_group)
        });
        if let Some(o) = predicted {
            dup_predicted += 1;
            if correct {
                dup_correct += 1;
            } else if docs[o].story == d.story {
                dup_wrong_same_story += 1;
            } else {
                dup_wrong_other_story += 1;
            }
        }
        if is_copy {
            dup_true += 1;
            if correct {
                dup_found += 1;
            }
        }
    }

    // Splits and merges by kind.
    let mut pieces: HashMap<u32, HashSet<&str>> = HashMap::new();
    let mut members: HashMap<&str, HashMap<u32, usize>> = HashMap::new();
    let mut kind_of: HashMap<u32, StoryKind> = HashMap::new();
    for (d, p) in docs.iter().zip(&run.stories) {
        pieces.entry(d.story).or_default().insert(p);
        *members.entry(p).or_default().entry(d.story).or_default() += 1;
        kind_of.insert(d.story, d.kind);
    }
    let mut kinds: BTreeMap<StoryKind, KindStats> = BTreeMap::new();
    for d in docs {
        kinds.entry(d.kind).or_default().articles += 1;
    }
    for (story, p) in &pieces {
        let k = kinds.entry(kind_of[story]).or_default();
        k.stories += 1;
        k.pieces += p.len();
        if p.len() > 1 {
            k.split += 1;
        }
        if p.iter().any(|pred| members[pred].len() > 1) {
            k.merged += 1;
        }
    }
    let mut impure: BTreeMap<(StoryKind, StoryKind), usize> = BTreeMap::new();
    let mut in_giant_stories = 0;
    for m in members.values() {
        let size: usize = m.values().sum();
        if size > 100 {
            in_giant_stories += size;
        }
        if m.len() > 1 {
            let mut top: Vec<(usize, u32)> = m.iter().map(|(s, n)| (*n, *s)).collect();
            top.sort_unstable_by(|a, b| b.cmp(a));
            let (a, b) = (kind_of[&top[0].1], kind_of[&top[1].1]);
            *impure.entry((a.min(b), a.max(b))).or_default() += 1;
        }
    }
    // Sibling events: in the predicted story of their parent, by majority.
    let mut majority: HashMap<u32, &str> = HashMap::new();
    for (story, p) in &pieces {
        let best = p
            .iter()
            .max_by_key(|pred| (members[*pred][story], std::cmp::Reverse(**pred)))
            .copied()
            .unwrap_or_default();
        majority.insert(*story, best);
    }
    let mut siblings = HashMap::new();
    for d in docs {
        if let Some(parent) = d.sibling_of {
            siblings.insert(d.story, parent);
        }
    }
    let (mut siblings_with_parent, mut siblings_with_parent_in_stream) = (0, 0);
    for (story, parent) in &siblings {
        if let Some(pm) = majority.get(parent) {
            siblings_with_parent_in_stream += 1;
            if majority[story] == *pm {
                siblings_with_parent += 1;
            }
        }
    }
    Quality {
        b3,
        true_stories,
        predicted_stories,
        dup_predicted,
        dup_correct,
        dup_true,
        dup_found,
        dup_wrong_same_story,
        dup_wrong_other_story,
        kinds,
        siblings_with_parent,
        siblings_with_parent_in_stream,
        impure,
        in_giant_stories,
    }
}

/// B³ and story count for one setting of the sweep.
struct SweepPoint {
    b3: BCubed,
    predicted_stories: usize,
    dup_precision: f64,
    dup_recall: f64,
    /// Predicted pieces per long-running story, and true stories sharing
    /// a predicted story with another.
    running_pieces: f64,
    merged_stories: usize,
}

fn sweep_point(docs: &[StoryArticle], features: &[Features], s: StorySettings) -> SweepPoint {
    let run = track(docs, features, &s);
    let q = score(docs, &run);
    SweepPoint {
        b3: q.b3,
        predicted_stories: q.predicted_stories,
        dup_precision: ratio(q.dup_correct, q.dup_predicted),
        dup_recall: ratio(q.dup_found, q.dup_true),
        running_pieces: q
            .kinds
            .get(&StoryKind::Running)
            .map_or(0.0, |k| k.pieces as f64 / k.stories.max(1) as f64),
        merged_stories: q.kinds.values().map(|k| k.merged).sum(),
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The microseconds at quantile `q` of sorted durations.
fn quantile_us(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6
}

struct Report<'a> {
    args: &'a Args,
    docs: &'a [StoryArticle],
    features: &'a [Features],
    generation: Duration,
    extraction: Duration,
    run: &'a Run,
    quality: &'a Quality,
    sweep: &'a [(f32, f32, SweepPoint)],
    settings: &'a StorySettings,
}

impl Report<'_> {
    fn timing(&self) -> (f64, f64, f64, f64) {
        let mut times = self.run.times.clone();
        times.sort_unstable();
        let n = self.docs.len().max(1) as f64;
        (
            quantile_us(&times, 0.5),
            quantile_us(&times, 0.99),
            n / self.run.total.as_secs_f64().max(1e-9),
            self.extraction.as_secs_f64() * 1e3 / n,
        )
    }

    fn copies(&self) -> usize {
        self.docs.iter().filter(|d| d.original.is_some()).count()
    }

    fn mean_features(&self) -> (f64, f64) {
        let n = self.features.len().max(1) as f64;
        (
            self.features
                .iter()
                .map(|f| f.entities.len())
                .sum::<usize>() as f64
                / n,
            self.features.iter().map(|f| f.values.len()).sum::<usize>() as f64 / n,
        )
    }

    fn text(&self) -> String {
        let q = self.quality;
        let (p50, p99, per_s, extract_ms) = self.timing();
        let (ents, vals) = self.mean_features();
        let mut o = String::new();
        let mut line = |s: String| {
            o.push_str(&s);
            o.push('\n');
        };
        line(format!(
            "story stream: {} articles (seed {}), {} true stories, {} copies ({:.1}%), generated in {:.1} s",
            self.docs.len(),
            self.args.seed,
            q.true_stories,
            self.copies(),
            100.0 * self.copies() as f64 / self.docs.len().max(1) as f64,
            self.generation.as_secs_f64()
        ));
        line(format!(
            "extraction (one thread, analysis + registry linking): {:.2} ms/article, {:.0} articles/s; \
             {ents:.1} linked entity mentions and {vals:.1} DATE/MONEY values per article",
            extract_ms,
            1e3 / extract_ms.max(1e-9)
        ));
        line(format!(
            "tracker (join {:.2}, merge {:.2}, window {} d): {:.0} µs p50, {:.0} µs p99 per article, {:.0} articles/s, {} merges",
            self.settings.join_threshold,
            self.settings.merge_threshold,
            self.settings.window_secs / 86_400,
            p50,
            p99,
            per_s,
            self.run.merges
        ));
        line(format!(
            "window after the last article: {} articles in {:.1} MB of heap, {:.2} KB an article",
            self.run.window_docs,
            self.run.window_bytes as f64 / 1e6,
            self.run.window_bytes as f64 / 1e3 / self.run.window_docs.max(1) as f64
        ));
        line(format!(
            "stories: B³ precision {:.3}, recall {:.3}, F1 {:.3} (target F1 >= 0.90); {} predicted vs {} true",
            q.b3.precision, q.b3.recall, q.b3.f1, q.predicted_stories, q.true_stories
        ));
        line(format!(
            "copies: precision {:.3} ({} of {} marked; target >= 0.98), recall {:.3} ({} of {}; target >= 0.95); \
             wrong marks: {} within one story, {} across stories",
            ratio(q.dup_correct, q.dup_predicted),
            q.dup_correct,
            q.dup_predicted,
            ratio(q.dup_found, q.dup_true),
            q.dup_found,
            q.dup_true,
            q.dup_wrong_same_story,
            q.dup_wrong_other_story
        ));
        line("by kind of true story: stories, articles, split (pieces per story), sharing a predicted story with another".into());
        for (kind, k) in &q.kinds {
            line(format!(
                "  {:<14} {:>6} stories {:>6} articles  split {:>5} ({:.2} pieces/story)  merged {:>5}",
                kind.name(),
                k.stories,
                k.articles,
                k.split,
                k.pieces as f64 / k.stories.max(1) as f64,
                k.merged
            ));
        }
        line(format!(
            "sibling events grouped with the event whose people and place they share: {} of {}",
            q.siblings_with_parent, q.siblings_with_parent_in_stream
        ));
        let impure: Vec<String> = q
            .impure
            .iter()
            .map(|((a, b), n)| format!("{} + {}: {n}", a.name(), b.name()))
            .collect();
        line(format!(
            "predicted stories mixing true stories (two largest kinds): {}; articles in predicted stories of >100: {}",
            if impure.is_empty() {
                "none".into()
            } else {
                impure.join(", ")
            },
            q.in_giant_stories
        ));
        if !self.sweep.is_empty() {
            line("sweep: join  merge  B³ P   B³ R   B³ F1  predicted  copy P  copy R  long-running pieces/story  stories merged with another".into());
            for (join, merge, s) in self.sweep {
                line(format!(
                    "       {join:.2}  {:>5}  {:.3}  {:.3}  {:.3}  {:>9}  {:.3}   {:.3}   {:>5.2}  {:>5}",
                    if *merge > 1.0 {
                        "off".to_string()
                    } else {
                        format!("{merge:.2}")
                    },
                    s.b3.precision,
                    s.b3.recall,
                    s.b3.f1,
                    s.predicted_stories,
                    s.dup_precision,
                    s.dup_recall,
                    s.running_pieces,
                    s.merged_stories
                ));
            }
        }
        o
    }

    fn json(&self) -> String {
        let q = self.quality;
        let (p50, p99, per_s, extract_ms) = self.timing();
        let kinds: Vec<String> = q
            .kinds
            .iter()
            .map(|(kind, k)| {
                format!(
                    "{{\"kind\":\"{}\",\"stories\":{},\"articles\":{},\"split\":{},\"pieces\":{},\"merged\":{}}}",
                    kind.name(),
                    k.stories,
                    k.articles,
                    k.split,
                    k.pieces,
                    k.merged
                )
            })
            .collect();
        let sweep: Vec<String> = self
            .sweep
            .iter()
            .map(|(join, merge, s)| {
                format!(
                    "{{\"join_threshold\":{join},\"merge_threshold\":{merge},\"b3_precision\":{:.4},\"b3_recall\":{:.4},\"b3_f1\":{:.4},\"predicted_stories\":{},\"duplicate_precision\":{:.4},\"duplicate_recall\":{:.4},\"running_pieces_per_story\":{:.3},\"merged_stories\":{}}}",
                    s.b3.precision, s.b3.recall, s.b3.f1, s.predicted_stories, s.dup_precision, s.dup_recall, s.running_pieces, s.merged_stories
                )
            })
            .collect();
        format!(
            "{{\"docs\":{},\"seed\":{},\"copies\":{},\"true_stories\":{},\"predicted_stories\":{},\
             \"b3_precision\":{:.4},\"b3_recall\":{:.4},\"b3_f1\":{:.4},\
             \"duplicate_precision\":{:.4},\"duplicate_recall\":{:.4},\"duplicates_marked\":{},\"true_copies\":{},\
             \"tracker_us_p50\":{p50:.1},\"tracker_us_p99\":{p99:.1},\"tracker_docs_per_s\":{per_s:.0},\"merges\":{},\
             \"window_docs\":{},\"window_bytes\":{},\
             \"extraction_ms_per_doc\":{extract_ms:.3},\"join_threshold\":{},\"merge_threshold\":{},\
             \"siblings_with_parent\":{},\"siblings\":{},\"kinds\":[{}],\"sweep\":[{}]}}",
            self.docs.len(),
            self.args.seed,
            self.copies(),
            q.true_stories,
            q.predicted_stories,
            q.b3.precision,
            q.b3.recall,
            q.b3.f1,
            ratio(q.dup_correct, q.dup_predicted),
            ratio(q.dup_found, q.dup_true),
            q.dup_predicted,
            q.dup_true,
            self.run.merges,
            self.run.window_docs,
            self.run.window_bytes,
            self.settings.join_threshold,
            self.settings.merge_threshold,
            q.siblings_with_parent,
            q.siblings_with_parent_in_stream,
            kinds.join(","),
            sweep.join(",")
        )
    }
}
