//! `screen`: check a list of names (a sanctions list, a client list)
//! against everything indexed. Reads CSV with a header (a `name` column;
//! optional `type`, `country` and `aliases` — aliases separated by `;`) or
//! JSON lines ({"name", "type", "country", "aliases": [...]}), streams the
//! list through StreamScreenNames, and prints each name with the entities it
//! matched, the spellings, the article count and the evidence.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use dossier_kit::client::ClientChannel;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{
    EntityType, ScreenName, ScreenNamesRequest, ScreenNamesResponse, ScreenResult,
};
use futures::StreamExt;

use crate::cli::ScreenArgs;
use crate::exit;
use crate::output::{self, Format, outln};

pub async fn run(
    mut search: SearchServiceClient<ClientChannel>,
    args: ScreenArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let names = read_list(&args.list)?;
    if names.is_empty() {
        bail!("{}: no names in the list", args.list.display());
    }
    let request = ScreenNamesRequest {
        names,
        min_score: args.min_score.unwrap_or(0.0),
        max_matches_per_name: args.max_matches,
        evidence_per_match: args.evidence,
    };
    let mut stream = search.stream_screen_names(request).await?.into_inner();
    let (mut listed, mut found) = (0usize, 0usize);
    let mut all = Vec::new();
    while let Some(result) = stream.next().await {
        let result = result?;
        listed += 1;
        if !result.matches.is_empty() {
            found += 1;
        }
        match format {
            Format::Text => print_result(&result, args.all)?,
            Format::JsonLines => output::print_json_line(&result)?,
            Format::Json => all.push(result),
        }
    }
    match format {
        Format::Json => output::print_json(&ScreenNamesResponse { results: all })?,
        Format::Text => outln!("{found} of {listed} names found in the articles")?,
        Format::JsonLines => {}
    }
    Ok(exit::OK)
}

fn print_result(r: &ScreenResult, all: bool) -> anyhow::Result<()> {
    if r.matches.is_empty() {
        if all {
            outln!("{}  (no match)", r.name)?;
        }
        return Ok(());
    }
    outln!("{}", r.name)?;
    for m in &r.matches {
        outln!(
            "  {:.2}  {} ({})  {} articles  spelled: {}",
            m.score,
            m.canonical_name,
            m.entity_id,
            m.document_count,
            m.matched_spellings.join(", ")
        )?;
        if !m.explanation.is_empty() {
            outln!("        why: {}", m.explanation)?;
        }
        for e in &m.evidence {
            let date: String = output::timestamp(e.published_at.as_ref())
                .chars()
                .take(10)
                .collect();
            outln!(
                "        {date}  {}  {}  {}",
                e.source,
                e.document_id,
                e.title
            )?;
        }
    }
    Ok(())
}

/// A list file as names: JSON lines when it ends in .jsonl or .ndjson (or
/// its first character is `{`), CSV otherwise; `-` reads stdin.
pub fn read_list(path: &Path) -> anyhow::Result<Vec<ScreenName>> {
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the list from stdin")?;
    } else {
        text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    }
    let jsonl = path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson")
        || text.trim_start().starts_with('{');
    let names = if jsonl {
        from_jsonl(&text)
    } else {
        from_csv(&text)
    };
    names.with_context(|| format!("reading the list {}", path.display()))
}

#[derive(serde::Deserialize)]
struct JsonName {
    name: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    aliases: Vec<String>,
}

fn from_jsonl(text: &str) -> anyhow::Result<Vec<ScreenName>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let n: JsonName = serde_json::from_str(l).with_context(|| format!("line {}", i + 1))?;
            name(n.name, &n.kind, n.country, n.aliases).with_context(|| format!("line {}", i + 1))
        })
        .collect()
}

fn from_csv(text: &str) -> anyhow::Result<Vec<ScreenName>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |want: &str| headers.iter().position(|h| h == want);
    let Some(name_col) = column("name") else {
        bail!("the CSV needs a header row with a `name` column (optional: type, country, aliases)");
    };
    let (type_col, country_col, aliases_col) =
        (column("type"), column("country"), column("aliases"));
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("row {}", i + 2))?;
        let field = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let aliases = field(aliases_col)
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect();
        let n = field(Some(name_col));
        if n.is_empty() {
            continue;
        }
        out.push(
            name(n, &field(type_col), field(country_col), aliases)
                .with_context(|| format!("row {}", i + 2))?,
        );
    }
    Ok(out)
}

fn name(
    name: String,
    kind: &str,
    country: String,
    aliases: Vec<String>,
) -> anyhow::Result<ScreenName> {
    let kind = match kind.trim().to_uppercase().as_str() {
        "" | "ANY" => EntityType::Unspecified,
        "PERSON" | "PER" | "INDIVIDUAL" => EntityType::Person,
        "ORG" | "ORGANIZATION" | "ORGANISATION" | "ENTITY" | "COMPANY" => EntityType::Org,
        other => EntityType::from_str_name(other).ok_or_else(|| {
            anyhow::anyhow!("unknown type {other:?}; use PERSON, ORG or another entity type")
        })?,
    };
    Ok(ScreenName {
        name,
        r#type: kind as i32,
        country,
        aliases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_types_countries_and_aliases() {
        let csv = "Name,Type,Country,Aliases\n\"GRITSENKO, Alexei\",individual,UA,Oleksii Hrytsenko; Olexij Hryzenko\nNorvik Shipping,company,,\n,,,\n";
        let names = from_csv(csv).unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0].name, "GRITSENKO, Alexei");
        assert_eq!(names[0].r#type, EntityType::Person as i32);
        assert_eq!(
            names[0].aliases,
            vec!["Oleksii Hrytsenko", "Olexij Hryzenko"]
        );
        assert_eq!(names[1].r#type, EntityType::Org as i32);
        assert!(
            from_csv("who,what\nx,y\n")
                .unwrap_err()
                .to_string()
                .contains("`name` column")
        );
        assert!(from_csv("name,type\nx,planet\n").is_err());
    }

    #[test]
    fn json_lines() {
        let names = from_jsonl("{\"name\": \"Selin Karaagac\", \"type\": \"PERSON\", \"country\": \"Turkey\"}\n\n{\"name\": \"Lumora Labs\"}\n").unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0].country, "Turkey");
        assert_eq!(names[1].r#type, EntityType::Unspecified as i32);
        assert!(from_jsonl("{\"nom\": 1}").is_err());
    }
}
