//! `get`, `ls`, `rm`.

use std::str::FromStr;

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::{
    DeleteDocumentRequest, Document, DocumentView, GetDocumentRequest, ListDocumentsRequest,
};

use crate::cli::ListArgs;
use crate::exit;
use crate::output::{self, Format, Printed, outln};

/// `get`: the title, metadata and clean text; `raw` prints the stored body
/// instead of the text (the page as it was sent).
pub async fn get(
    mut client: DocumentServiceClient<ClientChannel>,
    id: String,
    raw: bool,
    format: Format,
) -> anyhow::Result<i32> {
    let document = client
        .get_document(GetDocumentRequest { id })
        .await?
        .into_inner();
    if format.is_json() {
        output::print_json(&document)?;
    } else if raw {
        outln!("{}", document.body)?;
    } else {
        print_document(&document)?;
    }
    Ok(exit::OK)
}

pub async fn list(
    mut client: DocumentServiceClient<ClientChannel>,
    args: ListArgs,
    format: Format,
) -> anyhow::Result<i32> {
    let mut request = ListDocumentsRequest {
        page_size: args.page_size,
        page_token: args.page_token,
        sources: args.sources,
        published_after: parse_time("--after", args.after.as_deref())?,
        published_before: parse_time("--before", args.before.as_deref())?,
        view: if args.full {
            DocumentView::Full
        } else {
            DocumentView::Basic
        } as i32,
    };
    let mut all = Vec::new();
    loop {
        let page = client.list_documents(request.clone()).await?.into_inner();
        match format {
            Format::JsonLines => page
                .documents
                .iter()
                .try_for_each(output::print_json_line)?,
            Format::Json => all.extend(page.documents.iter().map(output::to_json)),
            Format::Text => page.documents.iter().try_for_each(print_row)?,
        }
        if !args.all || page.next_page_token.is_empty() {
            if format == Format::Json {
                let body = serde_json::json!({ "documents": all, "next_page_token": page.next_page_token });
                outln!("{}", serde_json::to_string_pretty(&body)?)?;
            } else if format == Format::Text && !page.next_page_token.is_empty() {
                eprintln!("more: --page-token {}", page.next_page_token);
            }
            return Ok(exit::OK);
        }
        request.page_token = page.next_page_token;
    }
}

pub async fn remove(
    mut client: DocumentServiceClient<ClientChannel>,
    id: String,
    format: Format,
) -> anyhow::Result<i32> {
    client
        .delete_document(DeleteDocumentRequest { id: id.clone() })
        .await?;
    if format.is_json() {
        outln!("{}", serde_json::json!({ "deleted": id }))?;
    } else {
        outln!("deleted {id}")?;
    }
    Ok(exit::OK)
}

fn parse_time(flag: &str, value: Option<&str>) -> anyhow::Result<Option<prost_types::Timestamp>> {
    value
        .map(|text| {
            prost_types::Timestamp::from_str(text).map_err(|_| {
                anyhow::anyhow!(
                    "{flag} {text:?} is not an RFC 3339 time such as 2026-03-03T00:00:00Z"
                )
            })
        })
        .transpose()
}

fn print_row(document: &Document) -> Printed {
    outln!(
        "{:<26}  {:>6}  {:<20}  {:<20}  {}",
        document.id,
        document.sequence,
        output::truncate(&document.source, 20),
        output::timestamp(document.published_at.as_ref()),
        output::truncate(&document.title, 60)
    )
}

fn print_document(document: &Document) -> Printed {
    outln!("id:           {}", document.id)?;
    outln!("title:        {}", document.title)?;
    outln!("source:       {}", document.source)?;
    outln!("author:       {}", document.author)?;
    outln!("url:          {}", document.url)?;
    outln!(
        "published_at: {}",
        output::timestamp(document.published_at.as_ref())
    )?;
    outln!("language:     {}", document.language)?;
    outln!("labels:       {}", document.labels.join(", "))?;
    let content_type = if document.content_type.is_empty() {
        "text/plain"
    } else {
        &document.content_type
    };
    outln!("content type: {content_type}")?;
    outln!("text version: {}", document.text_version)?;
    outln!("sequence:     {}", document.sequence)?;
    outln!(
        "created:      {}",
        output::timestamp(document.create_time.as_ref())
    )?;
    outln!("sha256:       {}", document.content_sha256)?;
    outln!()?;
    if document.text_empty {
        outln!("(no article text found; `dossier get --raw` prints the stored body)")
    } else {
        outln!("{}", document.text)
    }
}
