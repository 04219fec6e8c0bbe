//! The `annotate` subcommand's core: run the whole extraction pipeline over
//! a file of articles and write the mentions as JSON lines.
//!
//! It exists so that benchmarks outside Rust (the modern-news benchmark,
//! `scripts/news_bench.py`, which scores Dossier beside spaCy with one
//! scorer) see exactly what a served request returns: the same
//! [`Extractor`], both stages (analysis, then linking with its
//! document-level steps), `published_at` resolving relative dates, offsets in
//! code points as Python slices strings. No document id is sent, so nothing
//! is recorded in the registry and every pass gives the same answer.
//!
//! Input, one JSON object a line (blank lines are skipped):
//! `{"id": "001", "text": "...", "published_at": "2026-10-14T08:30:00Z"}`
//! (`published_at` may be null or absent). Output, one line per input, in
//! input order: `{"id": "001", "mentions": [{"start": 0, "end": 6, "type":
//! "GPE", "text": "Ankara", "value": null}]}`.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::Extractor;
use crate::offsets::OffsetUnit;
use crate::pipeline::{ExtractRequest, ExtractResponse};

/// One input article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDoc {
    pub id: String,
    pub text: String,
    /// RFC 3339, e.g. `2026-10-14T08:30:00Z` or `2026-10-14T10:30:00+02:00`.
    #[serde(default)]
    pub published_at: Option<String>,
}

/// An input article ready for the extractor.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub id: String,
    pub text: String,
    /// Unix seconds.
    pub published_at: Option<i64>,
}

/// Reads JSON lines; an error names the line (1-based) and what is wrong.
pub fn read_docs(input: impl BufRead) -> anyhow::Result<Vec<Doc>> {
    let mut docs = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let line = line.with_context(|| format!("reading input line {n}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let raw: InputDoc = serde_json::from_str(&line).with_context(|| {
            format!(
                "input line {n} is not an object {{\"id\": str, \"text\": str, \"published_at\": RFC 3339 str or null}}"
            )
        })?;
        let published_at =
            match raw.published_at.as_deref() {
                None => None,
                Some(s) => Some(rfc3339_seconds(s).with_context(|| {
                    format!("input line {n} (id {:?}): bad published_at", raw.id)
                })?),
            };
        docs.push(Doc {
            id: raw.id,
            text: raw.text,
            published_at,
        });
    }
    Ok(docs)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` → Unix seconds (the fraction
/// is dropped). A lowercase `t`/`z` or a space for `T` is accepted, as RFC
/// 3339 allows.
pub fn rfc3339_seconds(s: &str) -> anyhow::Result<i64> {
    let b = s.as_bytes();
    let shape_ok = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !shape_ok {
        bail!("{s:?} is not RFC 3339 (expected e.g. 2026-10-14T08:30:00Z)");
    }
    let num = |range: std::ops::Range<usize>| -> anyhow::Result<i64> {
        let part = &s[range];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            bail!("{s:?} is not RFC 3339: {part:?} is not a number");
        }
        Ok(part.parse()?)
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > i64::from(dossier_kit::civil::days_in_month(year, month as u32))
        || hour > 23
        || minute > 59
        || second > 60
    {
        bail!("{s:?} is not a valid date and time");
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            bail!("{s:?} is not RFC 3339: empty fraction of a second");
        }
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) =>
        {
            let h = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
            let m = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
            if h > 23 || m > 59 {
                bail!("{s:?}: bad UTC offset");
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'+' { secs } else { -secs }
        }
        _ => bail!("{s:?} is not RFC 3339: expected Z or ±HH:MM at the end"),
    };
    let days = dossier_kit::civil::days_from_civil(year, month as u32, day as u32);
    Ok(days * 86_400 + hour * 3_600 + minute * 60 + second.min(59) - offset)
}

/// What [`annotate`] measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    pub passes: usize,
    /// Tokens of all passes (`ExtractResponse::token_count` summed).
    pub tokens: u64,
    /// Time in `analyze` + `link`, all passes, on the calling thread.
    pub elapsed: Duration,
}

impl Timing {
    pub fn tokens_per_sec(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.tokens as f64 / secs
        } else {
            0.0
        }
    }
}

/// The request a served call for `doc` would be: code-point offsets,
/// English, no document id (nothing recorded).
fn request(doc: &Doc) -> ExtractRequest {
    ExtractRequest {
        text: doc.text.clone(),
        offsets: OffsetUnit::Utf32,
        document_id: None,
        published_at: doc.published_at,
        language: Some("en".into()),
        request_id: doc.id.clone(),
        ..Default::default()
    }
}

/// Runs every document through both stages `passes` times (at least once),
/// one document after another on the calling thread. Returns the first
/// pass's responses (the passes agree: nothing is recorded) and the timing
/// of the analysis alone (request building is outside it).
pub fn annotate(
    extractor: &Extractor,
    docs: &[Doc],
    passes: usize,
) -> anyhow::Result<(Vec<ExtractResponse>, Timing)> {
    let passes = passes.max(1);
    let mut timing = Timing {
        passes,
        ..Default::default()
    };
    let mut first = Vec::new();
    for pass in 0..passes {
        let requests: Vec<ExtractRequest> = docs.iter().map(request).collect();
        let mut responses = Vec::with_capacity(docs.len());
        let started = Instant::now();
        for (req, doc) in requests.into_iter().zip(docs) {
            let analysis = extractor
                .analyze(req)
                .with_context(|| format!("analysing document {:?}", doc.id))?;
            let response = extractor
                .link(analysis)
                .with_context(|| format!("linking document {:?}", doc.id))?;
            responses.push(response);
        }
        timing.elapsed += started.elapsed();
        timing.tokens += responses
            .iter()
            .map(|r| u64::from(r.token_count))
            .sum::<u64>();
        if pass == 0 {
            first = responses;
        }
    }
    Ok((first, timing))
}

/// Writes one JSON line per response, in order.
pub fn write_mentions(
    out: &mut impl Write,
    docs: &[Doc],
    responses: &[ExtractResponse],
) -> anyhow::Result<()> {
    for (doc, r) in docs.iter().zip(responses) {
        let mentions: Vec<serde_json::Value> = r
            .mentions
            .iter()
            .map(|m| {
                serde_json::json!({
                    "start": m.start,
                    "end": m.end,
                    "type": m.entity_type.as_str(),
                    "text": m.text,
                    "value": m.normalized_value,
                })
            })
            .collect();
        let line = serde_json::json!({ "id": doc.id, "mentions": mentions });
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tagger;
    use crate::registry::Registry;

    #[test]
    fn rfc3339_forms() {
        assert_eq!(rfc3339_seconds("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(
            rfc3339_seconds("2026-10-14T08:30:00Z").unwrap(),
            rfc3339_seconds("2026-10-14T10:30:00.250+02:00").unwrap()
        );
        assert_eq!(
            rfc3339_seconds("2000-03-01t00:00:00z").unwrap(),
            951_868_800
        );
        assert_eq!(rfc3339_seconds("1969-12-31T19:00:00-05:00").unwrap(), 0);
        for bad in [
            "",
            "2026-10-14",
            "2026-10-14T08:30:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-10-14T08:30:00+0200",
            "2026-1x-14T08:30:00Z",
            "2026-10-14T08:30:00.Z",
            "2026-10-14T08:30:00Zjunk",
        ] {
            assert!(rfc3339_seconds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bad_lines_name_their_line_number() {
        let input = "{\"id\":\"a\",\"text\":\"x\",\"published_at\":null}\n\n{\"id\":\"b\"}\n";
        let err = format!("{:#}", read_docs(input.as_bytes()).unwrap_err());
        assert!(err.contains("line 3"), "{err}");
        let input = "{\"id\":\"a\",\"text\":\"x\",\"published_at\":\"yesterday\"}\n";
        let err = format!("{:#}", read_docs(input.as_bytes()).unwrap_err());
        assert!(
            err.contains("line 1") && err.contains("published_at"),
            "{err}"
        );
        let docs = read_docs(
            "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\",\"published_at\":\"1970-01-02T00:00:00Z\"}"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(docs[0].published_at, None);
        assert_eq!(docs[1].published_at, Some(86_400));
    }

    #[test]
    fn code_point_offsets_values_and_passes() {
        // Values come from the rules, so an untrained tagger is enough.
        let ex = Extractor::new(Tagger::untrained(), Registry::in_memory().unwrap(), 1 << 20)
            .with_parallel(false);
        let docs = vec![Doc {
            id: "d1".into(),
            text: "Ёж 👍 paid $5 million on 2024-03-01.".into(),
            published_at: Some(rfc3339_seconds("2024-03-05T00:00:00Z").unwrap()),
        }];
        let (responses, timing) = annotate(&ex, &docs, 3).unwrap();
        assert_eq!(timing.passes, 3);
        assert_eq!(timing.tokens, 3 * u64::from(responses[0].token_count));
        let mut out = Vec::new();
        write_mentions(&mut out, &docs, &responses).unwrap();
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["id"], "d1");
        let chars: Vec<char> = docs[0].text.chars().collect();
        let money = line["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["type"] == "MONEY")
            .expect("a MONEY mention");
        let (a, b) = (
            money["start"].as_u64().unwrap() as usize,
            money["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(chars[a..b].iter().collect::<String>(), "$5 million");
        assert_eq!(money["text"], "$5 million");
        assert_eq!(money["value"], "5000000 USD");
    }
}
