//! The document page: title, metadata, the clean article text with each
//! entity mention marked by type and linked to its entity, the quotes in
//! it and its story. Mentions come from Extract run on the stored clean
//! text without a document id, so viewing a page never writes to the
//! registry.

use dossier_proto::v1::{
    Document, ExtractRequest, ExtractResponse, GetDocumentRequest, Mention, SearchHit,
    SearchRequest,
};
use maud::{Markup, html};

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::Named;
use crate::html as h;

/// The document page.
pub async fn handle(ctx: &Ctx, id: &str) -> Result<Page, WebError> {
    let document = ctx
        .call(
            ctx.services()
                .storage(ctx.token())
                .get_document(GetDocumentRequest { id: id.to_string() }),
        )
        .await
        .named("storage")?;
    let extract = ExtractRequest {
        text: document.text.clone(),
        published_at: document.published_at,
        source: document.source.clone(),
        language: document.language.clone(),
        ..Default::default()
    };
    let lookup = SearchRequest {
        query: format!("id:\"{}\"", document.id.replace('"', "")),
        page_size: 1,
        ..Default::default()
    };
    let mut extraction = ctx.services().extraction(ctx.token());
    let mut search = ctx.services().search(ctx.token());
    let (extracted, found) = ctx
        .call(async { futures::join!(extraction.extract(extract), search.search(lookup)) })
        .await;
    let extracted = extracted.named("extraction")?;
    // The index may lag storage or be rebuilding: the page is whole without it.
    let hit = found
        .ok()
        .and_then(|r| r.into_inner().hits.into_iter().next());
    let title = display_title(&document).to_string();
    Ok(Page::new(
        title,
        "",
        render(&document, &extracted, hit.as_ref()),
    ))
}

fn display_title(document: &Document) -> &str {
    if document.title.is_empty() {
        "(untitled)"
    } else {
        &document.title
    }
}

/// The page's content.
pub fn render(document: &Document, extracted: &ExtractResponse, hit: Option<&SearchHit>) -> Markup {
    html! {
        article.document {
            h1 { (display_title(document)) }
            (metadata(document, hit))
            section aria-labelledby="text-title" {
                h2 #text-title { "Text" }
                @if document.text.is_empty() {
                    p.notice { "Cleaning found no article text in this page; it is indexed by title and metadata only." }
                } @else {
                    p.legend { "Names are marked with their type; each linked name leads to its entity." }
                    div.article-text { (marked_text(&document.text, &extracted.mentions)) }
                }
            }
            @if !extracted.quotes.is_empty() {
                section aria-labelledby="quotes-title" {
                    h2 #quotes-title { "Quotes" }
                    ul.quotes { @for q in &extracted.quotes {
                        li {
                            blockquote { (q.text) }
                            p.meta {
                                @if q.speaker_entity_id.is_empty() {
                                    (if q.speaker_name.is_empty() { "unattributed" } else { &q.speaker_name })
                                } @else {
                                    a href=(h::entity_href(&q.speaker_entity_id)) {
                                        (if q.speaker_canonical_name.is_empty() { &q.speaker_name } else { &q.speaker_canonical_name })
                                    }
                                }
                                @if !q.cue.is_empty() { " · " (q.cue) }
                                " · " (if q.direct { "direct" } else { "reported" })
                            }
                        }
                    } }
                }
            }
            @if !extracted.entities.is_empty() {
                section aria-labelledby="entities-title" {
                    h2 #entities-title { "Named" }
                    ul.entities { @for e in &extracted.entities {
                        li { a href=(h::entity_href(&e.id)) { (e.canonical_name) } " " (h::type_badge(e.r#type)) }
                    } }
                }
            }
        }
    }
}

fn metadata(document: &Document, hit: Option<&SearchHit>) -> Markup {
    html! {
        dl.meta-list {
            dt { "Outlet" } dd { a href=(h::query_url("/search", &[("source", &document.source)])) { (document.source) } }
            @if !document.author.is_empty() { dt { "Author" } dd { (document.author) } }
            dt { "Published" } dd { (h::date_time(document.published_at.as_ref())) }
            @if !document.language.is_empty() { dt { "Language" } dd { (document.language) } }
            @if !document.url.is_empty() {
                dt { "Address" }
                dd {
                    // Only web addresses become links: a `javascript:` URL stays text.
                    @if is_web_url(&document.url) {
                        a href=(document.url) rel="noopener noreferrer nofollow" { (document.url) }
                    } @else { (document.url) }
                }
            }
            @if !document.labels.is_empty() { dt { "Labels" } dd { (document.labels.join(", ")) } }
            @if let Some(hit) = hit {
                @if !hit.story_id.is_empty() {
                    dt { "Story" } dd { a href=(h::story_href(&hit.story_id)) { (hit.story_id) } }
                }
                @if !hit.duplicate_of.is_empty() {
                    dt { "Copy of" } dd { a href=(h::document_href(&hit.duplicate_of)) { (hit.duplicate_of) } }
                }
            }
            dt { "Id" } dd { code { (document.id) } " · sequence " (document.sequence) }
        }
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The text with its mentions marked. Mentions are in text order; one that
/// overlaps the previous or does not fall on character boundaries is left
/// unmarked rather than trusted.
pub fn marked_text(text: &str, mentions: &[Mention]) -> Markup {
    let mut parts: Vec<Markup> = Vec::with_capacity(mentions.len() * 2 + 1);
    let mut at = 0usize;
    for m in mentions {
        let (start, end) = (m.start as usize, m.end as usize);
        if start < at || end <= start {
            continue;
        }
        let (Some(before), Some(span)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        parts.push(html! { (before) });
        parts.push(mention(span, m));
        at = end;
    }
    parts.push(html! { (text.get(at..).unwrap_or_default()) });
    html! { @for part in parts { (part) } }
}

fn mention(span: &str, m: &Mention) -> Markup {
    let class = format!("m {}", h::type_class(m.r#type));
    html! {
        @if m.entity_id.is_empty() {
            span class=(class) { (span) span.tl { (h::type_name(m.r#type)) } }
        } @else {
            a class=(class) href=(h::entity_href(&m.entity_id)) { (span) span.tl { (h::type_name(m.r#type)) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_proto::v1::EntityType;

    #[test]
    fn mentions_are_marked_and_text_escaped() {
        let text = "<b>Ana Pop</b> met Kyiv.";
        let mentions = vec![
            Mention {
                start: 3,
                end: 10,
                r#type: EntityType::Person as i32,
                entity_id: "e1".into(),
                ..Default::default()
            },
            Mention {
                start: 5,
                end: 9,
                ..Default::default()
            },
            Mention {
                start: 19,
                end: 23,
                r#type: EntityType::Gpe as i32,
                ..Default::default()
            },
        ];
        let out = marked_text(text, &mentions).into_string();
        assert_eq!(
            out,
            "&lt;b&gt;<a class=\"m t-person\" href=\"/entities/e1\">Ana Pop<span class=\"tl\">PERSON</span></a>&lt;/b&gt; met \
             <span class=\"m t-gpe\">Kyiv<span class=\"tl\">GPE</span></span>."
        );
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_web_url("https://example.invalid/a"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" JAVASCRIPT:alert(1)"));
    }
}
