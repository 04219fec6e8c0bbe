//! `extract`: the entities of a text, marked inline or as JSON.

use std::io::{IsTerminal, Read};

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::{EntityType, ExtractRequest, OffsetEncoding};

use crate::cli::ExtractArgs;
use crate::exit;
use crate::input::InputError;
use crate::output::{self, Format, outln};

pub async fn run(
    mut client: ExtractionServiceClient<ClientChannel>,
    args: ExtractArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let text = read_text(args.file.as_deref())?;
    let types = args
        .types
        .iter()
        .map(|t| parse_type(t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let offset_encoding = match args.offsets.as_str() {
        "utf16" => OffsetEncoding::Utf16,
        "utf32" => OffsetEncoding::Utf32,
        _ => OffsetEncoding::Utf8,
    };
    // Inline marking slices the text by byte offsets, so ask for UTF-8 then.
    let offset_encoding = if format.is_json() {
        offset_encoding
    } else {
        OffsetEncoding::Utf8
    };
    let request = ExtractRequest {
        text: text.clone(),
        offset_encoding: offset_encoding as i32,
        types,
        ..ExtractRequest::default()
    };
    let response = client.extract(request).await?.into_inner();
    if format.is_json() {
        output::print_json(&response)?;
        return Ok(exit::OK);
    }
    let colour = std::io::stdout().is_terminal();
    let mut marked = String::with_capacity(text.len() + response.mentions.len() * 16);
    let mut at = 0usize;
    for mention in &response.mentions {
        let (start, end) = (mention.start as usize, mention.end as usize);
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        marked.push_str(&text[at..start]);
        let label = EntityType::try_from(mention.r#type)
            .map(|t| t.as_str_name())
            .unwrap_or("?");
        if colour {
            marked.push_str(&format!(
                "\x1b[1;36m[{}]\x1b[0m\x1b[2m{{{label}}}\x1b[0m",
                &text[start..end]
            ));
        } else {
            marked.push_str(&format!("[{}]{{{label}}}", &text[start..end]));
        }
        at = end;
    }
    marked.push_str(&text[at..]);
    outln!("{marked}")?;
    for entity in &response.entities {
        let label = EntityType::try_from(entity.r#type)
            .map(|t| t.as_str_name())
            .unwrap_or("?");
        outln!("  {:<8} {:<30} {}", label, entity.canonical_name, entity.id)?;
    }
    Ok(exit::OK)
}

fn read_text(file: Option<&std::path::Path>) -> Result<String, InputError> {
    let mut text = String::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            text = std::fs::read_to_string(path).map_err(|err| InputError::Unreadable {
                path: path.display().to_string(),
                reason: err.to_string(),
            })?;
        }
        _ => {
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|err| InputError::Unreadable {
                    path: "<stdin>".into(),
                    reason: err.to_string(),
                })?;
        }
    }
    Ok(text)
}

/// Parses an entity type name such as `PERSON` (any case).
pub fn parse_type(name: &str) -> anyhow::Result<i32> {
    EntityType::from_str_name(&name.to_ascii_uppercase())
        .filter(|t| *t != EntityType::Unspecified)
        .map(|t| t as i32)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "unknown entity type {name:?}; use PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, LAW, DATE, MONEY, PERCENT, QUANTITY or MISC"
            )
        })
}
