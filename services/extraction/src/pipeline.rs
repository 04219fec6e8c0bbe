//! One extraction request end to end: tag names, recognise values, link the
//! names to registry entities, convert offsets.
//!
//! The work is split in two stages so BatchExtract can parallelise the
//! expensive, independent part and serialise only the cheap, stateful one:
//! [`Extractor::analyze`] (tokenize, tag, type, rules; pure CPU, any thread,
//! any order) and [`Extractor::link`] / [`Extractor::link_batch`] (registry
//! reads and writes, in request order, one fsync per batch).

use std::collections::BTreeSet;

use anyhow::Context;

use crate::EntityType;
use crate::config::ExtractionConfig;
use crate::conventions;
use crate::error::{ExtractionError, Result};
use crate::language;
use crate::link::{DocumentMeta, NameMention};
use crate::offsets::{OffsetUnit, convert};
use crate::quotes;
use crate::registry::{EntitySummary, MAX_DOCUMENT_ID_BYTES, Registry};
use crate::rules::{self, CivilDate};
use crate::tagger::Tagger;

/// Confidence reported for rule spans: the patterns are deterministic, so a
/// match is as certain as the pattern itself.
const RULE_CONFIDENCE: f32 = 1.0;

/// What to extract, already validated for types (the transport checks enums).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtractRequest {
    pub text: String,
    pub offsets: OffsetUnit,
    /// When set, the document's mentions are recorded in the registry.
    pub document_id: Option<String>,
    /// Publication time, Unix seconds: resolves relative dates, dates sightings.
    pub published_at: Option<i64>,
    pub source: Option<String>,
    /// Only mentions of these types are returned (all are linked). Empty: all.
    pub types: Vec<EntityType>,
    pub request_id: String,
    /// The text's BCP 47 language tag; None is unknown, read as English.
    /// Texts in a language without a model get no mentions
    /// ([`crate::language`]).
    pub language: Option<String>,
}

/// One span naming an entity or stating a value, offsets in the request's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: u32,
    pub end: u32,
    pub text: String,
    pub entity_type: EntityType,
    pub confidence: f32,
    pub entity_id: Option<String>,
    pub normalized_value: Option<String>,
}

/// The result of one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtractResponse {
    /// In text order.
    pub mentions: Vec<Mention>,
    /// The distinct entities the returned mentions link to.
    pub entities: Vec<EntitySummary>,
    pub document_id: Option<String>,
    pub request_id: String,
    pub token_count: u32,
    /// In text order.
    pub quotes: Vec<Quote>,
}

/// A quotation or reported statement, offsets in the request's unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quote {
    pub text: String,
    pub start: u32,
    pub end: u32,
    pub direct: bool,
    pub cue: String,
    /// The speaker's entity, when the speaker phrase resolves to a linked
    /// name.
    pub speaker_entity_id: Option<String>,
    pub speaker_canonical_name: String,
    /// The speaker as written, with its span (empty and 0..0 without one).
    pub speaker_name: String,
    pub speaker_start: u32,
    pub speaker_end: u32,
    pub addressee_entity_id: Option<String>,
    pub addressee: String,
}

/// A span in UTF-8 byte offsets, before linking.
#[derive(Debug, Clone, PartialEq)]
struct Span {
    start: usize,
    end: usize,
    entity_type: EntityType,
    confidence: f32,
    value: Option<String>,
}

/// The outcome of [`Extractor::analyze`]: spans found, not yet linked.
#[derive(Debug, Clone)]
pub struct Analysis {
    request: ExtractRequest,
    spans: Vec<Span>,
    token_count: usize,
    /// Speaker and addressee names index the name spans, in order.
    quotes: Vec<quotes::FoundQuote>,
}

impl Analysis {
    /// Names and values found.
    pub fn span_count(&self) -> usize {
        self.spans.len()
    }
}

/// Texts at least this long are analysed on the rayon pool: the rules beside
/// the tagger, and each tagger pass's sentences spread over the cores (a
/// hand-off costs microseconds; a 4 KB article costs most of a millisecond).
const PARALLEL_MIN_BYTES: usize = 2048;

/// The extraction core: the loaded tagger and the entity registry.
pub struct Extractor {
    tagger: Tagger,
    registry: Registry,
    max_text_bytes: usize,
    parallel: bool,
}

impl Extractor {
    pub fn new(tagger: Tagger, registry: Registry, max_text_bytes: usize) -> Extractor {
        Extractor {
            tagger,
            registry,
            max_text_bytes,
            parallel: true,
        }
    }

    /// Whether long texts are analysed on several cores (the default: lower
    /// latency per request, same result). Single-core benchmarks turn it off.
    pub fn with_parallel(mut self, on: bool) -> Extractor {
        self.parallel = on;
        self
    }

    /// Loads the model (the configured file, else the embedded one) and
    /// opens the registry in the data directory, creating it if needed.
    pub fn open(config: &ExtractionConfig) -> anyhow::Result<Extractor> {
        let started = std::time::Instant::now();
        let tagger = match &config.model {
            Some(path) => Tagger::load(path)
                .with_context(|| format!("loading the model {}", path.display()))?,
            None => Tagger::load_default().context("loading the embedded model")?,
        };
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating {}", config.data_dir.display()))?;
        let registry = Registry::open(&config.data_dir).with_context(|| {
            format!(
                "opening the entity registry in {}",
                config.data_dir.display()
            )
        })?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            entities = registry.entity_count(),
            "model and registry loaded"
        );
        Ok(Extractor::new(tagger, registry, config.max_text_bytes))
    }

    /// Whether long texts are analysed on several cores.
    pub fn parallel(&self) -> bool {
        self.parallel
    }

    pub fn tagger(&self) -> &Tagger {
        &self.tagger
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Checks limits and ids before any work is spent on the request.
    pub fn validate(&self, req: &ExtractRequest) -> Result<()> {
        if req.text.len() > self.max_text_bytes {
            return Err(ExtractionError::TextTooLarge {
                bytes: req.text.len(),
                limit: self.max_text_bytes,
            });
        }
        if let Some(id) = &req.document_id
            && id.len() > MAX_DOCUMENT_ID_BYTES
        {
            return Err(ExtractionError::invalid(
                "document_id",
                format!("longer than {MAX_DOCUMENT_ID_BYTES} bytes"),
            ));
        }
        Ok(())
    }

    /// Stage 1: tokenize, tag, type and recognise values. CPU only; never
    /// touches the registry, so any number may run in parallel.
    pub fn analyze(&self, request: ExtractRequest) -> Result<Analysis> {
        self.analyze_with(request, self.parallel)
    }

    /// [`Extractor::analyze`] on the calling thread alone, for callers that
    /// already keep every core busy with one text each (BatchExtract):
    /// splitting a text over cores as well only adds hand-offs.
    pub fn analyze_on_one_core(&self, request: ExtractRequest) -> Result<Analysis> {
        self.analyze_with(request, false)
    }

    fn analyze_with(&self, request: ExtractRequest, parallel: bool) -> Result<Analysis> {
        self.validate(&request)?;
        // The language gate: the English tagger and rules never read a text
        // in another language (a few byte comparisons per request).
        if request.text.is_empty() || !language::is_tagged(request.language.as_deref()) {
            return Ok(Analysis {
                request,
                spans: Vec::new(),
                token_count: 0,
                quotes: Vec::new(),
            });
        }
        let text = request.text.as_str();
        let reference = request.published_at.and_then(CivilDate::from_unix_seconds);
        let parallel = parallel && text.len() >= PARALLEL_MIN_BYTES;
        let tag = || self.tagger.tag_counted_with(text, parallel);
        let recognize = || rules::recognize(text, reference);
        let ((mut names, token_count), values) = if parallel {
            rayon::join(tag, recognize)
        } else {
            (tag(), recognize())
        };
        conventions::apply(text, &self.tagger.model().lex, &mut names);
        let names = names.into_iter().map(|n| Span {
            start: n.start,
            end: n.end,
            entity_type: n.entity_type,
            confidence: n.confidence,
            value: None,
        });
        let values = values.into_iter().map(|v| Span {
            start: match v.entity_type {
                EntityType::Money | EntityType::Percent | EntityType::Quantity => {
                    conventions::values::modifier_start(text, v.start)
                }
                _ => v.start,
            },
            end: v.end,
            entity_type: v.entity_type,
            confidence: RULE_CONFIDENCE,
            value: v.value,
        });
        let spans = merge_spans(text, names.collect(), values.collect());
        let name_refs: Vec<quotes::NameRef> = spans
            .iter()
            .filter(|s| s.entity_type.is_name())
            .map(|s| quotes::NameRef {
                start: s.start,
                end: s.end,
                entity_type: s.entity_type,
            })
            .collect();
        let quotes = quotes::find(text, &name_refs);
        Ok(Analysis {
            request,
            spans,
            token_count,
            quotes,
        })
    }

    /// Stage 2 for one analysis: link names (recording them when the request
    /// has a document id), filter types, convert offsets.
    pub fn link(&self, analysis: Analysis) -> Result<ExtractResponse> {
        let (meta, names) = linking_input(&analysis);
        let linked = self.registry.link(&meta, &names)?;
        Ok(finish(analysis, linked.mention_entities, &linked.entities))
    }

    /// Stage 2 for many analyses in order, with one durable commit for all.
    pub fn link_batch(&self, analyses: Vec<Analysis>) -> Result<Vec<ExtractResponse>> {
        let inputs: Vec<(DocumentMeta, Vec<NameMention>)> =
            analyses.iter().map(linking_input).collect();
        let linked = self.registry.link_batch(&inputs)?;
        Ok(analyses
            .into_iter()
            .zip(linked)
            .map(|(a, l)| finish(a, l.mention_entities, &l.entities))
            .collect())
    }

    /// Both stages.
    pub fn extract(&self, request: ExtractRequest) -> Result<ExtractResponse> {
        self.link(self.analyze(request)?)
    }
}

/// Names win over overlapping values ("Theresa May" over "May" the month),
/// except
/// - a name lying wholly inside a value, or on exactly its words ("Euro"
///   inside "5 billion Euro", "May" in "in May" that the date rules read as
///   a month): the value is the better reading;
/// - a date at the start or end of a longer name ("In October 2020",
///   "June 2025 for the China-Central Asia Summit"): the date stands and the
///   name keeps the rest, if the rest still starts with a capital.
fn merge_spans(text: &str, names: Vec<Span>, values: Vec<Span>) -> Vec<Span> {
    let inside = |n: &Span, v: &Span| v.start <= n.start && n.end <= v.end;
    let overlaps = |a: &Span, b: &Span| a.start < b.end && b.start < a.end;
    let mut kept_names: Vec<Span> = Vec::with_capacity(names.len());
    for mut n in names {
        if values.iter().any(|v| inside(&n, v)) {
            continue;
        }
        let (start, end) = (n.start, n.end);
        for v in values.iter().filter(|v| v.entity_type == EntityType::Date) {
            if v.start == n.start && v.end < n.end {
                n.start = v.end;
            } else if v.end == n.end && v.start > n.start {
                n.end = v.start;
            }
        }
        if (n.start, n.end) != (start, end) && !trim_cut_name(text, &mut n) {
            continue;
        }
        kept_names.push(n);
    }
    let mut out: Vec<Span> = values
        .into_iter()
        .filter(|v| !kept_names.iter().any(|n| overlaps(n, v)))
        .collect();
    out.extend(kept_names);
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// What is left of a name cut by a date: no edge spaces or prepositions,
/// and a capital to start (after "the"); false when nothing like a name is
/// left.
fn trim_cut_name(text: &str, n: &mut Span) -> bool {
    let rest = &text[n.start..n.end];
    let trimmed = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let trimmed = ["for ", "in ", "on ", "at ", "of ", "and "]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p))
        .unwrap_or(trimmed);
    n.start = n.end - trimmed.len();
    let trimmed = text[n.start..n.end].trim_end_matches(|c: char| !c.is_alphanumeric());
    n.end = n.start + trimmed.len();
    let rest = &text[n.start..n.end];
    let starts_capital = rest
        .strip_prefix("the ")
        .unwrap_or(rest)
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let leftover_word = matches!(
        rest,
        "In" | "On"
            | "At"
            | "By"
            | "For"
            | "Since"
            | "Until"
            | "From"
            | "Updated"
            | "Published"
            | "The"
            | "Last"
            | "Next"
            | "Early"
            | "Late"
            | "Mid"
    );
    n.start < n.end && starts_capital && !leftover_word
}

fn linking_input(a: &Analysis) -> (DocumentMeta, Vec<NameMention>) {
    let req = &a.request;
    let meta = DocumentMeta {
        document_id: req.document_id.clone(),
        source: req.source.clone(),
        published_at: req.published_at,
    };
    let names = a
        .spans
        .iter()
        .filter(|s| s.entity_type.is_name())
        .map(|s| {
            // Canonical names and aliases never carry a leading "the".
            let start = conventions::article::without_the(&req.text, s.start, s.end);
            NameMention {
                start,
                end: s.end,
                text: req.text[start..s.end].to_string(),
                entity_type: s.entity_type,
            }
        })
        .collect();
    (meta, names)
}

/// Attaches entity ids (`entities[i]` belongs to the i-th name span), drops
/// unwanted types and converts offsets.
fn finish(
    analysis: Analysis,
    name_entities: Vec<Option<String>>,
    entities: &[EntitySummary],
) -> ExtractResponse {
    let Analysis {
        request,
        spans,
        token_count,
        quotes: found,
    } = analysis;
    let mut ids = name_entities.iter().cloned();
    let mut mentions = Vec::with_capacity(spans.len());
    let mut offsets = Vec::with_capacity(spans.len() * 2);
    for s in spans {
        let entity_id = if s.entity_type.is_name() {
            ids.next().flatten()
        } else {
            None
        };
        if !request.types.is_empty() && !request.types.contains(&s.entity_type) {
            continue;
        }
        offsets.extend([s.start as u32, s.end as u32]);
        mentions.push(Mention {
            start: s.start as u32,
            end: s.end as u32,
            text: request.text[s.start..s.end].to_string(),
            entity_type: s.entity_type,
            confidence: s.confidence,
            entity_id,
            normalized_value: s.value,
        });
    }
    let entity_of =
        |name: Option<usize>| name.and_then(|i| name_entities.get(i).cloned().flatten());
    let mut quotes = Vec::with_capacity(found.len());
    for q in found {
        let speaker = q.speaker.clone().unwrap_or(0..0);
        offsets.extend([
            q.start as u32,
            q.end as u32,
            speaker.start as u32,
            speaker.end as u32,
        ]);
        let speaker_entity_id = entity_of(q.speaker_name);
        let speaker_canonical_name = speaker_entity_id
            .as_deref()
            .and_then(|id| entities.iter().find(|e| e.id == id))
            .map(|e| e.canonical_name.clone())
            .unwrap_or_default();
        quotes.push(Quote {
            text: request.text[q.start..q.end].to_string(),
            start: 0,
            end: 0,
            direct: q.direct,
            cue: q.cue,
            speaker_entity_id,
            speaker_canonical_name,
            speaker_name: request.text[speaker].to_string(),
            speaker_start: 0,
            speaker_end: 0,
            addressee_entity_id: entity_of(q.addressee_name),
            addressee: q
                .addressee
                .map(|a| request.text[a].to_string())
                .unwrap_or_default(),
        });
    }
    convert(&request.text, &mut offsets, request.offsets);
    let (mention_offsets, quote_offsets) = offsets.split_at(mentions.len() * 2);
    for (m, o) in mentions.iter_mut().zip(mention_offsets.chunks_exact(2)) {
        (m.start, m.end) = (o[0], o[1]);
    }
    for (q, o) in quotes.iter_mut().zip(quote_offsets.chunks_exact(4)) {
        (q.start, q.end, q.speaker_start, q.speaker_end) = (o[0], o[1], o[2], o[3]);
    }
    let used: BTreeSet<&str> = mentions
        .iter()
        .filter_map(|m| m.entity_id.as_deref())
        .collect();
    let entities = entities
        .iter()
        .filter(|e| used.contains(e.id.as_str()))
        .cloned()
        .collect();
    ExtractResponse {
        mentions,
        entities,
        document_id: request.document_id,
        request_id: request.request_id,
        token_count: u32::try_from(token_count).unwrap_or(u32::MAX),
        quotes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, t: EntityType) -> Span {
        Span {
            start,
            end,
            entity_type: t,
            confidence: 1.0,
            value: None,
        }
    }

    #[test]
    fn names_beat_overlapping_values_unless_inside_them() {
        let names = vec![
            span(0, 3, EntityType::Person),
            span(12, 16, EntityType::Misc),
        ];
        let values = vec![
            span(0, 8, EntityType::Date),
            span(10, 20, EntityType::Money),
        ];
        let got = merge_spans(&"X".repeat(40), names, values);
        let kinds: Vec<_> = got.iter().map(|s| (s.start, s.entity_type)).collect();
        assert_eq!(kinds, vec![(0, EntityType::Date), (10, EntityType::Money)]);
        let got = merge_spans(
            &"X".repeat(40),
            vec![span(0, 10, EntityType::Person)],
            vec![span(4, 8, EntityType::Date)],
        );
        assert_eq!(got, vec![span(0, 10, EntityType::Person)]);
    }

    #[test]
    fn a_date_at_the_edge_of_a_name_is_cut_out_of_it() {
        let text = "In October 2020 the Summit met; June 2025 for the Central Asia Summit";
        let at = |s: &str| text.find(s).unwrap();
        let names = vec![
            span(0, at(" the Summit"), EntityType::Event),
            span(at("June"), text.len(), EntityType::Event),
        ];
        let values = vec![
            span(at("October"), at(" the Summit"), EntityType::Date),
            span(at("June"), at(" for"), EntityType::Date),
        ];
        let got: Vec<(&str, EntityType)> = merge_spans(text, names, values)
            .iter()
            .map(|s| (&text[s.start..s.end], s.entity_type))
            .collect();
        assert_eq!(
            got,
            vec![
                ("October 2020", EntityType::Date),
                ("June 2025", EntityType::Date),
                ("the Central Asia Summit", EntityType::Event)
            ]
        );
    }

    fn extractor(max: usize) -> Extractor {
        // Limits, rules and offsets do not need a trained model.
        let tagger = Tagger::untrained();
        Extractor::new(tagger, Registry::in_memory().unwrap(), max)
    }

    #[test]
    fn limits_and_empty_text() {
        let ex = extractor(10);
        let big = ExtractRequest {
            text: "x".repeat(11),
            ..Default::default()
        };
        assert!(matches!(
            ex.extract(big),
            Err(ExtractionError::TextTooLarge {
                bytes: 11,
                limit: 10
            })
        ));
        let empty = ex.extract(ExtractRequest::default()).unwrap();
        assert!(empty.mentions.is_empty());
        assert_eq!(empty.token_count, 0);
    }

    #[test]
    fn untagged_languages_get_no_mentions() {
        let text = "Am Dienstag begann der Staatsbesuch von Angela Merkel in Paris; \
                    er kostete $5 million.";
        let ask = |language: Option<&str>| {
            TRAINED
                .extract(ExtractRequest {
                    text: text.into(),
                    language: language.map(str::to_string),
                    ..Default::default()
                })
                .unwrap()
        };
        for language in ["de", "de-DE", "fr"] {
            let r = ask(Some(language));
            assert!(r.mentions.is_empty(), "{language}: {:?}", r.mentions);
            assert_eq!(r.token_count, 0);
        }
        // English, spelled any way, and unknown still read the text.
        for language in [None, Some("en"), Some("en-GB")] {
            let r = ask(language);
            assert!(r.token_count > 0, "{language:?}");
            assert!(
                r.mentions
                    .iter()
                    .any(|m| m.entity_type == EntityType::Money),
                "{language:?}: {:?}",
                r.mentions
            );
        }
    }

    /// The committed model, loaded once for the property test.
    static TRAINED: std::sync::LazyLock<Extractor> = std::sync::LazyLock::new(|| {
        let tagger = Tagger::load_default().expect("the committed model loads (train it first)");
        Extractor::new(tagger, Registry::in_memory().unwrap(), usize::MAX)
    });

    fn slice(text: &str, m: &Mention, unit: OffsetUnit) -> Option<String> {
        let (a, b) = (m.start as usize, m.end as usize);
        match unit {
            OffsetUnit::Utf8 => text.get(a..b).map(str::to_string),
            OffsetUnit::Utf16 => {
                let units: Vec<u16> = text.encode_utf16().collect();
                String::from_utf16(units.get(a..b)?).ok()
            }
            OffsetUnit::Utf32 => Some(text.chars().skip(a).take(b.checked_sub(a)?).collect()),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any text, in any script: no panic, mentions in order, and every
        /// mention's offsets slice exactly its text in every unit.
        #[test]
        fn offsets_slice_the_mention_text(
            text in "(\\PC|[A-Z][a-z]{2,8} |\\$[0-9]{1,3} (million|billion) |[0-9]{1,2}% |👍|Москва |北京 ){0,40}"
        ) {
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::Utf32] {
                let r = TRAINED.extract(ExtractRequest {
                    text: text.clone(),
                    offsets: unit,
                    ..Default::default()
                }).unwrap();
                let mut last = 0;
                for m in &r.mentions {
                    proptest::prop_assert!(m.start < m.end && m.start >= last, "{m:?}");
                    last = m.end;
                    let sliced = slice(&text, m, unit);
                    proptest::prop_assert_eq!(sliced.as_deref(), Some(m.text.as_str()));
                }
            }
        }
    }

    #[test]
    fn values_get_converted_offsets() {
        let ex = extractor(1000);
        let text = "Ё👍 王 paid $5 million on 2024-03-01.";
        let r = ex
            .extract(ExtractRequest {
                text: text.into(),
                offsets: OffsetUnit::Utf16,
                types: vec![EntityType::Money],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.mentions.len(), 1);
        let m = &r.mentions[0];
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let sliced = String::from_utf16(&utf16[m.start as usize..m.end as usize]).unwrap();
        assert_eq!(sliced, "$5 million");
        assert_eq!(m.normalized_value.as_deref(), Some("5000000 USD"));
    }
}
