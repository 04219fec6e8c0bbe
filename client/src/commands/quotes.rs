//! `quotes`: what one speaker said, newest first, with the words, the
//! speaker as the outlet wrote them and as the registry knows them, the
//! outlet and the date. Pages through ListQuotes up to `--limit`.

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{ListQuotesRequest, ListQuotesResponse, Quote, QuoteRecord};

use super::resolve::{self, Resolved};
use super::time;
use crate::cli::QuotesArgs;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

/// Quotes asked for per page.
const PAGE_SIZE: usize = 100;

pub async fn run(
    mut search: SearchServiceClient<ClientChannel>,
    mut extraction: ExtractionServiceClient<ClientChannel>,
    args: QuotesArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let mut request = ListQuotesRequest {
        entity_id: String::new(),
        query: args.query,
        published_after: time::since("--since", args.since.as_deref())?,
        published_before: time::until("--until", args.until.as_deref())?,
        source: args.source.unwrap_or_default(),
        page_size: 0,
        page_token: String::new(),
        direct_only: args.direct,
    };
    let speaker = resolve::entity(&mut extraction, &args.speaker).await?;
    request.entity_id.clone_from(&speaker.entity.id);
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let mut listed = ListQuotesResponse::default();
    let mut printed = 0;
    loop {
        request.page_size = (limit - printed).min(PAGE_SIZE) as i32;
        let page = search.list_quotes(request.clone()).await?.into_inner();
        if printed == 0 && format == Format::Text {
            print_heading(&speaker, page.total_quotes)?;
        }
        listed.total_quotes = page.total_quotes;
        listed.next_page_token.clone_from(&page.next_page_token);
        for record in page.quotes {
            match format {
                Format::Text => print_quote(&record)?,
                Format::JsonLines => output::print_json_line(&record)?,
                Format::Json => listed.quotes.push(record),
            }
            printed += 1;
        }
        if page.next_page_token.is_empty() || printed >= limit {
            break;
        }
        request.page_token = page.next_page_token;
    }
    match format {
        Format::Json => output::print_json(&listed)?,
        Format::Text if !listed.next_page_token.is_empty() => {
            eprintln!("more: raise --limit (or 0 for all)");
        }
        _ => {}
    }
    Ok(exit::OK)
}

/// Whose quotes these are, and the other entities the name could mean.
fn print_heading(speaker: &Resolved, total: u64) -> Printed {
    let entity = &speaker.entity;
    outln!(
        "{total} quotes by {} ({})",
        entity.canonical_name,
        entity.id
    )?;
    if !speaker.others.is_empty() {
        let others: Vec<String> = speaker
            .others
            .iter()
            .take(5)
            .map(|e| format!("{} ({})", e.canonical_name, e.id))
            .collect();
        eprintln!(
            "the name also fits {}; give an id to choose",
            others.join(", ")
        );
    }
    Ok(())
}

fn print_quote(record: &QuoteRecord) -> Printed {
    let Some(quote) = &record.quote else {
        return Ok(());
    };
    outln!()?;
    outln!(
        "{}  {}  {}",
        output::timestamp(record.published_at.as_ref()),
        record.source,
        record.title
    )?;
    if quote.direct {
        outln!("  “{}”", quote.text.trim())?;
    } else {
        outln!("  (reported) {}", quote.text.trim())?;
    }
    outln!("  — {}  [{}]", attribution(quote), record.document_id)
}

/// "Hrytsenko (Oleksii Hrytsenko), said": the speaker as written, as known,
/// and the cue.
fn attribution(quote: &Quote) -> String {
    let written = quote.speaker_name.trim();
    let known = quote.speaker_canonical_name.trim();
    let mut out = match (written.is_empty(), known.is_empty() || known == written) {
        (true, _) => known.to_string(),
        (false, true) => written.to_string(),
        (false, false) => format!("{written} ({known})"),
    };
    if !quote.cue.is_empty() {
        out.push_str(", ");
        out.push_str(&quote.cue);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speaker_is_shown_as_written_and_as_known() {
        let quote = |written: &str, known: &str, cue: &str| Quote {
            speaker_name: written.into(),
            speaker_canonical_name: known.into(),
            cue: cue.into(),
            ..Quote::default()
        };
        assert_eq!(
            attribution(&quote("Gritsenko", "Oleksii Hrytsenko", "said")),
            "Gritsenko (Oleksii Hrytsenko), said"
        );
        assert_eq!(
            attribution(&quote("Oleksii Hrytsenko", "Oleksii Hrytsenko", "")),
            "Oleksii Hrytsenko"
        );
        assert_eq!(
            attribution(&quote("", "Oleksii Hrytsenko", "according to")),
            "Oleksii Hrytsenko, according to"
        );
    }
}
