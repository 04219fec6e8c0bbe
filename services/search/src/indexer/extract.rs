//! Extracting a batch of documents so that one poison document cannot stall
//! the indexer.
//!
//! Extraction may refuse a document for good — its text is over
//! extraction's `--max-text-bytes`, or it is otherwise malformed. Retrying
//! the batch would fail at the same document forever, so a refused document
//! is indexed with its text and metadata but no entities, the refusal is
//! reported (status `last_error` and a log line), and the rest of the batch
//! goes on. Failures that may pass (extraction down, deadlines) are still
//! errors: the caller backs off and retries the whole batch.
//!
//! Two checks keep a refusal from being blamed on a document when the fault
//! is extraction's own:
//! - a refused document is sent once more on its own, so a refusal reported
//!   at its position for some other reason (a registry failure while linking
//!   several documents together) does not cost it its entities;
//! - if no document of the batch was answered, a tiny empty request asks
//!   whether extraction answers anything at all; if it is refused too, the
//!   refusals are extraction's state, not the documents', and the batch is
//!   retried with backoff instead of being indexed without entities.

use dossier_proto::v1::{Document, ExtractResponse};

use super::upstream::{BatchExtraction, Extractor, UpstreamError};

/// A document indexed without entities because extraction refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub document_id: String,
    /// Extraction's status, e.g. "ResourceExhausted: text is ... bytes".
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "extraction refused document {:?}; indexed without entities: {}",
            self.document_id, self.reason
        )
    }
}

/// The entities of every document of a batch.
#[derive(Debug, Default)]
pub struct Extracted {
    /// One per document, in order; empty for refused documents.
    pub responses: Vec<ExtractResponse>,
    pub refusals: Vec<Refusal>,
}

/// Extracts `docs`, resuming after each document extraction refuses.
pub async fn extract_all<X: Extractor>(
    extractor: &X,
    docs: &[Document],
) -> Result<Extracted, UpstreamError> {
    let mut out = Extracted {
        responses: Vec::with_capacity(docs.len()),
        refusals: Vec::new(),
    };
    let mut answered_any = false;
    let mut rest = docs;
    while !rest.is_empty() {
        let answer = checked(extractor.extract(rest.to_vec()).await?, rest.len())?;
        let answered = answer.responses.len();
        answered_any |= answered > 0;
        out.responses.extend(answer.responses);
        let Some(reason) = answer.refused else {
            break;
        };
        let doc = &rest[answered];
        let alone = checked(extractor.extract(vec![doc.clone()]).await?, 1)?;
        match alone.responses.into_iter().next() {
            Some(response) => {
                answered_any = true;
                out.responses.push(response);
            }
            None => {
                out.responses.push(ExtractResponse {
                    document_id: doc.id.clone(),
                    ..ExtractResponse::default()
                });
                out.refusals.push(Refusal {
                    document_id: doc.id.clone(),
                    reason: alone.refused.unwrap_or(reason),
                });
            }
        }
        rest = &rest[answered + 1..];
    }
    if !out.refusals.is_empty() && !answered_any {
        let probe = checked(extractor.extract(vec![Document::default()]).await?, 1)?;
        if let Some(reason) = probe.refused {
            return Err(UpstreamError::extraction(format!(
                "refuses every request, even an empty one ({reason}); \
                 retrying rather than indexing documents without entities"
            )));
        }
    }
    Ok(out)
}

/// Rejects answers that cannot come from a BatchExtract of `sent` documents.
fn checked(answer: BatchExtraction, sent: usize) -> Result<BatchExtraction, UpstreamError> {
    let n = answer.responses.len();
    let consistent = match answer.refused {
        None => n == sent,
        Some(_) => n < sent,
    };
    if consistent {
        Ok(answer)
    } else {
        Err(UpstreamError::extraction(format!(
            "BatchExtract answered {n} of {sent} documents{}",
            if answer.refused.is_some() {
                " and then refused one"
            } else {
                ""
            }
        )))
    }
}
