//! Scoring screening (`Registry::match_names`) on the project's screening
//! set (testdata/screening, described in its README.md): the corpus is
//! extracted into a fresh registry, recorded under its ids as in service,
//! then the names are matched and every reported match is judged.
//!
//! A match is right when its entity is the one the corpus writes as the
//! name's `expect` spelling: an entity holding that spelling (or another
//! corpus spelling of the same entity, from entities.jsonl, or a cut of
//! one the tagger made) as an alias. A name whose `expect` is null must
//! match nothing. Precision is right matches over all
//! reported matches (each one an alert an analyst reads), recall right
//! matches over names that should match.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::EntityType;
use crate::offsets::OffsetUnit;
use crate::pipeline::{ExtractRequest, Extractor};
use crate::registry::{DEFAULT_MIN_SCORE, ListQuery, MatchOptions, NameMatch, NameQuery, Registry};

/// Lowest threshold of the curve; matches are fetched down to it once.
pub const CURVE_FROM: f64 = 0.70;

/// One article of the corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Article {
    pub id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub published_at: Option<String>,
    pub text: String,
}

/// One name to screen, with the truth.
#[derive(Debug, Clone, Deserialize)]
pub struct NameRow {
    pub name: String,
    #[serde(default, rename = "type")]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The corpus spelling of the entity it should match, or null.
    pub expect: Option<String>,
    /// variant, identical, decoy or absent (for the breakdown).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl NameRow {
    pub(crate) fn query(&self) -> Result<NameQuery, String> {
        let entity_type = match &self.entity_type {
            None => None,
            Some(t) => Some(
                t.parse::<EntityType>()
                    .map_err(|e| format!("{}: {e}", self.name))?,
            ),
        };
        Ok(NameQuery {
            name: self.name.clone(),
            entity_type,
            aliases: self.aliases.clone(),
        })
    }

    fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or(match self.expect {
            Some(_) => "variant",
            None => "absent",
        })
    }
}

/// One entity of the corpus truth: the spellings the corpus writes it with.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub spellings: Vec<String>,
}

/// Reads JSON lines (blank lines skipped).
pub fn read_jsonl<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Extracts every article, recorded under its id (so names link across
/// articles as in service). Returns the time taken.
pub fn link_corpus(extractor: &Extractor, corpus: &[Article]) -> Result<Duration, String> {
    let t0 = Instant::now();
    for a in corpus {
        let published_at = a
            .published_at
            .as_deref()
            .and_then(|s| crate::tooling::annotate::rfc3339_seconds(s).ok());
        extractor
            .extract(ExtractRequest {
                text: a.text.clone(),
                offsets: OffsetUnit::Utf8,
                document_id: Some(a.id.clone()),
                published_at,
                source: Some(a.source.clone()).filter(|s| !s.is_empty()),
                ..ExtractRequest::default()
            })
            .map_err(|e| format!("{}: {e}", a.id))?;
    }
    Ok(t0.elapsed())
}

/// Precision and recall at one threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point {
    pub threshold: f64,
    /// Reported matches that are right.
    pub right: usize,
    /// All reported matches.
    pub reported: usize,
    /// Names that should match and did (a name whose entity the linker
    /// split may rightly match both parts: one name found).
    pub found: usize,
    /// Names that should match.
    pub positives: usize,
}

impl Point {
    pub fn precision(&self) -> f64 {
        if self.reported == 0 {
            1.0
        } else {
            self.right as f64 / self.reported as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.positives == 0 {
            0.0
        } else {
            self.found as f64 / self.positives as f64
        }
    }
}

/// The figures of one names file.
#[derive(Debug, Clone, Default)]
pub struct ScreenReport {
    pub names: usize,
    /// Names per kind.
    pub kinds: BTreeMap<String, usize>,
    /// At the default threshold.
    pub at_default: Point,
    /// Per kind at the default threshold: (names found, wrong matches) —
    /// for decoys and absent names every match is wrong.
    pub by_kind: BTreeMap<String, (usize, usize)>,
    pub curve: Vec<Point>,
    /// Names whose `expect` spelling no entity holds (the tagger or linker
    /// lost it): counted as misses.
    pub unresolved: Vec<String>,
    /// Time to match all names (one call, one thread).
    pub elapsed: Duration,
    /// One line per wrong or missing match at the default threshold.
    pub errors: Vec<String>,
}

impl ScreenReport {
    pub fn names_per_sec(&self) -> f64 {
        self.names as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for ScreenReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds: Vec<String> = self.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(f, "names: {} ({})", self.names, kinds.join(", "))?;
        let p = &self.at_default;
        writeln!(
            f,
            "at the default threshold {DEFAULT_MIN_SCORE}: precision {:.3} ({}/{}), recall {:.3} ({}/{})",
            p.precision(),
            p.right,
            p.reported,
            p.recall(),
            p.found,
            p.positives
        )?;
        for (kind, (found, wrong)) in &self.by_kind {
            let n = self.kinds.get(kind).copied().unwrap_or(0);
            if matches!(kind.as_str(), "decoy" | "absent") {
                writeln!(f, "  {kind:>9}: {wrong} false alarms on {n} names")?;
            } else {
                writeln!(f, "  {kind:>9}: {found}/{n} found, {wrong} wrong alarms")?;
            }
        }
        if !self.unresolved.is_empty() {
            writeln!(
                f,
                "  {} expected spellings held by no entity (counted as misses): {:?}",
                self.unresolved.len(),
                self.unresolved
            )?;
        }
        writeln!(f, "curve (threshold: precision recall reported):")?;
        for p in &self.curve {
            writeln!(
                f,
                "  {:.2}: P {:.3}  R {:.3}  {:>4}",
                p.threshold,
                p.precision(),
                p.recall(),
                p.reported
            )?;
        }
        writeln!(
            f,
            "speed: {} names in {:.1} ms, {:.0} names/s (one thread)",
            self.names,
            self.elapsed.as_secs_f64() * 1e3,
            self.names_per_sec()
        )
    }
}

/// Every entity holding `spelling` as an alias, or a cut of it the tagger
/// made: for a person its first two or more words; for an organisation
/// any run of its first or last words ("Redcliffe Partners" of "Redcliffe
/// Partners LLP", "Kamneftekhimtorg" of "PAO Kamneftekhimtorg"). The
/// linker may also keep one spelling in two entities when the tagger typed
/// it two ways.
fn entities_holding(
    registry: &Registry,
    spelling: &str,
    organisation: bool,
) -> Result<Vec<String>, String> {
    let words: Vec<&str> = spelling.split_whitespace().collect();
    let held = |alias: &str| {
        if alias == spelling {
            return true;
        }
        let n = alias.split_whitespace().count();
        let prefix = spelling
            .strip_prefix(alias)
            .is_some_and(|rest| rest.starts_with(' '));
        let suffix = spelling
            .strip_suffix(alias)
            .is_some_and(|rest| rest.ends_with(' '));
        if organisation {
            alias.len() >= 4 && (prefix || suffix)
        } else {
            n >= 2 && prefix
        }
    };
    let starts: Vec<&str> = if organisation {
        words.clone()
    } else {
        words.iter().take(1).copied().collect()
    };
    let mut ids = Vec::new();
    for start in starts {
        let mut token = None;
        loop {
            let page = registry
                .list_entities(&ListQuery {
                    page_size: 1000,
                    page_token: token,
                    name_prefix: Some(start.to_string()),
                    ..ListQuery::default()
                })
                .map_err(|e| e.to_string())?;
            for e in &page.entities {
                if e.aliases.iter().any(|a| held(&a.name)) && !ids.contains(&e.id) {
                    ids.push(e.id.clone());
                }
            }
            token = page.next_page_token;
            if token.is_none() {
                break;
            }
        }
    }
    Ok(ids)
}

/// The registry entities that are the gold entity written `spelling`: those
/// holding any of its corpus spellings (one entity, unless the linker split
/// the spellings of one person; a match on either part is right).
fn entities_of(
    registry: &Registry,
    spelling: &str,
    gold: &[GoldEntity],
) -> Result<Vec<String>, String> {
    let entity = gold
        .iter()
        .find(|g| g.spellings.iter().any(|s| s == spelling));
    let spellings: Vec<&str> = entity
        .map(|g| g.spellings.iter().map(String::as_str).collect())
        .unwrap_or_else(|| vec![spelling]);
    let organisation = entity.is_some_and(|g| g.entity_type == "ORG");
    let mut ids = Vec::new();
    for s in spellings {
        for id in entities_holding(registry, s, organisation)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// Matches `rows` against `registry` and judges every match; `gold` lists
/// the corpus spellings of each entity (may be empty: then only `expect`).
pub fn evaluate(
    registry: &Registry,
    rows: &[NameRow],
    gold: &[GoldEntity],
    errors: bool,
) -> Result<ScreenReport, String> {
    let queries = rows
        .iter()
        .map(NameRow::query)
        .collect::<Result<Vec<_>, _>>()?;
    let mut report = ScreenReport {
        names: rows.len(),
        ..ScreenReport::default()
    };
    let mut expected: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for r in rows {
        *report.kinds.entry(r.kind().to_string()).or_default() += 1;
        let ids = match &r.expect {
            Some(spelling) => {
                let ids = entities_of(registry, spelling, gold)?;
                if ids.is_empty() {
                    report.unresolved.push(spelling.clone());
                }
                ids
            }
            None => Vec::new(),
        };
        expected.push(ids);
    }
    let options = MatchOptions {
        min_score: CURVE_FROM,
        max_matches: 5,
    };
    let t0 = Instant::now();
    let results = registry
        .match_names(&queries, &options)
        .map_err(|e| e.to_string())?;
    report.elapsed = t0.elapsed();
    let at = |t: f64| point(rows, &expected, &results, t);
    report.at_default = at(DEFAULT_MIN_SCORE);
    report.curve = (0..=29)
        .map(|i| at(CURVE_FROM + i as f64 * 0.01))
        .filter(|p| p.threshold <= 0.991)
        .collect();
    for ((r, want), got) in rows.iter().zip(&expected).zip(&results) {
        let reported: Vec<&NameMatch> = got
            .iter()
            .filter(|m| m.score >= DEFAULT_MIN_SCORE)
            .collect();
        let right = reported
            .iter()
            .filter(|m| want.contains(&m.entity.id))
            .count();
        let entry = report.by_kind.entry(r.kind().to_string()).or_default();
        entry.0 += usize::from(right > 0);
        entry.1 += reported.len() - right;
        if errors {
            describe_errors(registry, r, want, got, &mut report.errors);
        }
    }
    Ok(report)
}

fn point(
    rows: &[NameRow],
    expected: &[Vec<String>],
    results: &[Vec<NameMatch>],
    threshold: f64,
) -> Point {
    let threshold = (threshold * 100.0).round() / 100.0;
    let mut p = Point {
        threshold,
        ..Point::default()
    };
    for ((r, want), got) in rows.iter().zip(expected).zip(results) {
        if r.expect.is_some() {
            p.positives += 1;
        }
        let mut found = false;
        for m in got.iter().filter(|m| m.score >= threshold) {
            p.reported += 1;
            if want.contains(&m.entity.id) {
                p.right += 1;
                found = true;
            }
        }
        p.found += usize::from(found && r.expect.is_some());
    }
    p
}

fn describe_errors(
    registry: &Registry,
    r: &NameRow,
    want: &[String],
    got: &[NameMatch],
    out: &mut Vec<String>,
) {
    let kind = r.kind();
    let note = r
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let hit = |m: &NameMatch| want.contains(&m.entity.id);
    for m in got
        .iter()
        .filter(|m| m.score >= DEFAULT_MIN_SCORE && !hit(m))
    {
        out.push(format!(
            "FALSE {kind} {:?}{note} -> {:?} {:.3}: {}",
            r.name, m.entity.canonical_name, m.score, m.explanation
        ));
    }
    if let Some(expect) = &r.expect
        && !got.iter().any(|m| m.score >= DEFAULT_MIN_SCORE && hit(m))
    {
        let near = got
            .iter()
            .find(|m| hit(m))
            .map(|m| format!("; scored {:.3}: {}", m.score, m.explanation))
            .unwrap_or_default();
        let held: Vec<String> = want
            .iter()
            .filter_map(|id| registry.get_entity(id).ok())
            .map(|e| {
                let aliases: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
                format!("{} {:?}", e.entity_type, aliases)
            })
            .collect();
        let why = if want.is_empty() {
            " (no entity holds that spelling)".to_string()
        } else {
            format!(" [{}]", held.join(" | "))
        };
        out.push(format!(
            "MISSED {kind} {:?} -> {expect:?}{why}{near}",
            r.name
        ));
    }
}
