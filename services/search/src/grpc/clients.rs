//! The indexer's upstream traits over the real gRPC services.

use std::time::Duration;

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::{
    Change, Document, EntityChange, ExtractRequest, ForgetDocumentRequest, GetStorageStatusRequest,
    MatchNamesRequest, NameToMatch, OffsetEncoding, WatchChangesRequest, WatchEntityChangesRequest,
};
use futures::StreamExt;

use crate::indexer::upstream::{
    BatchExtraction, ChangeFeed, Extractor, UpstreamError, UpstreamStream,
};
use crate::model::extraction_text;
use crate::screening::{Candidate, MatchFuture, NameMatcher, ScreenName};

/// Deadline of unary upstream calls; streams have none (they are long-lived).
const UNARY_TIMEOUT: Duration = Duration::from_secs(10);
/// Deadline of one BatchExtract call (a batch of up to a few hundred articles).
const BATCH_TIMEOUT: Duration = Duration::from_secs(120);
/// Largest message accepted from upstream (documents are at most 1 MiB).
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// A channel that connects on first use, so search starts (and serves
/// queries) while its upstreams are still down. It carries the process's
/// upstream TLS trust and bearer token (`--upstream-tls-ca`,
/// `--upstream-auth-token-file`), installed by the binary at start.
pub fn lazy_channel(url: &str) -> anyhow::Result<ClientChannel> {
    Ok(dossier_kit::client::lazy_channel(url)?)
}

fn describe(status: &tonic::Status) -> String {
    format!("{:?}: {}", status.code(), status.message())
}

/// Storage's change feed over gRPC.
#[derive(Clone)]
pub struct GrpcFeed {
    client: DocumentServiceClient<ClientChannel>,
}

impl GrpcFeed {
    pub fn new(channel: ClientChannel) -> Self {
        Self {
            client: DocumentServiceClient::new(channel)
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
        }
    }
}

impl ChangeFeed for GrpcFeed {
    async fn watch(&self, after: u64) -> Result<UpstreamStream<Change>, UpstreamError> {
        let request = WatchChangesRequest {
            after_sequence: after,
            omit_documents: false,
        };
        let stream = self
            .client
            .clone()
            .watch_changes(request)
            .await
            .map_err(|s| UpstreamError::storage(describe(&s)))?
            .into_inner();
        Ok(Box::pin(stream.map(|item| {
            item.map_err(|s| UpstreamError::storage(describe(&s)))
        })))
    }

    async fn head(&self) -> Result<u64, UpstreamError> {
        let mut client = self.client.clone();
        let call = client.get_storage_status(GetStorageStatusRequest {});
        match tokio::time::timeout(UNARY_TIMEOUT, call).await {
            Ok(Ok(response)) => Ok(response.into_inner().last_sequence),
            Ok(Err(status)) => Err(UpstreamError::storage(describe(&status))),
            Err(_) => Err(UpstreamError::storage("GetStorageStatus timed out")),
        }
    }
}

/// Extraction over gRPC.
#[derive(Clone)]
pub struct GrpcExtractor {
    client: ExtractionServiceClient<ClientChannel>,
}

impl GrpcExtractor {
    pub fn new(channel: ClientChannel) -> Self {
        Self {
            client: ExtractionServiceClient::new(channel)
                .max_decoding_message_size(MAX_MESSAGE_BYTES),
        }
    }
}

/// Deadline of one MatchNames call (a part of a screening list).
const MATCH_TIMEOUT: Duration = Duration::from_secs(60);

impl NameMatcher for GrpcExtractor {
    fn match_names(
        &self,
        names: Vec<ScreenName>,
        min_score: f32,
        max_matches: usize,
    ) -> MatchFuture {
        let mut client = self.client.clone();
        Box::pin(async move {
            let count = names.len();
            let request = MatchNamesRequest {
                names: names
                    .into_iter()
                    .map(|n| NameToMatch {
                        name: n.name,
                        r#type: n.entity_type,
                        aliases: n.aliases,
                    })
                    .collect(),
                min_score,
                max_matches_per_name: u32::try_from(max_matches).unwrap_or(u32::MAX),
            };
            let mut request = tonic::Request::new(request);
            request.set_timeout(MATCH_TIMEOUT);
            let answer = client
                .match_names(request)
                .await
                .map_err(|s| UpstreamError::extraction(describe(&s)))?
                .into_inner();
            if answer.results.len() != count {
                return Err(UpstreamError::extraction(format!(
                    "MatchNames answered {} results for {count} names",
                    answer.results.len()
                )));
            }
            Ok(answer
                .results
                .into_iter()
                .map(|r| {
                    r.matches
                        .into_iter()
                        .map(|m| {
                            let entity = m.entity.unwrap_or_default();
                            Candidate {
                                entity_id: entity.id,
                                canonical_name: entity.canonical_name,
                                entity_type: entity.r#type,
                                score: m.score,
                                matched_spellings: m.matched_spellings,
                                explanation: m.explanation,
                            }
                        })
                        .collect()
                })
                .collect())
        })
    }
}

/// The request for one document: its text as [`extraction_text`] builds it.
fn extract_request(doc: Document) -> ExtractRequest {
    let text = extraction_text(&doc);
    ExtractRequest {
        text,
        offset_encoding: OffsetEncoding::Utf8 as i32,
        document_id: doc.id.clone(),
        published_at: doc.published_at,
        source: doc.source,
        types: Vec::new(),
        request_id: doc.id,
        // Extraction's language gate: only tagged languages are read.
        language: doc.language,
    }
}

/// Whether a status ending a BatchExtract stream refuses one request for
/// good, rather than reporting a failure that may pass.
///
/// These codes are about the request that was being read when the stream
/// ended (too large, malformed, a precondition of that document), so sending
/// it again can never succeed. Everything else — UNAVAILABLE,
/// DEADLINE_EXCEEDED, lost connections (UNKNOWN, CANCELLED), INTERNAL,
/// authentication — is retried with backoff, because it says nothing about
/// the document.
fn refuses_the_request(code: tonic::Code) -> bool {
    matches!(
        code,
        tonic::Code::InvalidArgument
            | tonic::Code::ResourceExhausted
            | tonic::Code::FailedPrecondition
            // tonic's own "decoded message length too large" on the server.
            | tonic::Code::OutOfRange
    )
}

impl Extractor for GrpcExtractor {
    async fn extract(&self, docs: Vec<Document>) -> Result<BatchExtraction, UpstreamError> {
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let requests = futures::stream::iter(docs.into_iter().map(extract_request));
        let mut client = self.client.clone();
        let call = async move {
            let mut out = Vec::new();
            // A refusal may come at the call itself (the first request) or
            // as the status ending the stream after some responses.
            let mut stream = match client.batch_extract(requests).await {
                Ok(response) => response.into_inner(),
                Err(status) => return (out, Some(status)),
            };
            loop {
                match stream.message().await {
                    Ok(Some(response)) => out.push(response),
                    Ok(None) => return (out, None),
                    Err(status) => return (out, Some(status)),
                }
            }
        };
        let (responses, ended_by) = match tokio::time::timeout(BATCH_TIMEOUT, call).await {
            Ok(result) => result,
            Err(_) => return Err(UpstreamError::extraction("BatchExtract timed out")),
        };
        let refused = match ended_by {
            None => None,
            // A refusal only names a document when one was left unanswered.
            Some(status) if refuses_the_request(status.code()) && responses.len() < ids.len() => {
                Some(describe(&status))
            }
            Some(status) => return Err(UpstreamError::extraction(describe(&status))),
        };
        // Responses come in request order; a mismatch means a broken peer.
        let in_order = (responses.len() == ids.len() || refused.is_some())
            && responses
                .iter()
                .zip(&ids)
                .all(|(r, id)| r.request_id.is_empty() || r.request_id == *id);
        if !in_order {
            return Err(UpstreamError::extraction(
                "BatchExtract responses do not match the requests",
            ));
        }
        Ok(BatchExtraction { responses, refused })
    }

    async fn forget(&self, ids: Vec<String>) -> Result<(), UpstreamError> {
        for document_id in ids {
            let mut client = self.client.clone();
            let call = client.forget_document(ForgetDocumentRequest { document_id });
            match tokio::time::timeout(UNARY_TIMEOUT, call).await {
                Ok(Ok(_)) => {}
                // Never extracted (or already forgotten): nothing to undo.
                Ok(Err(status)) if status.code() == tonic::Code::NotFound => {}
                Ok(Err(status)) => return Err(UpstreamError::extraction(describe(&status))),
                Err(_) => return Err(UpstreamError::extraction("ForgetDocument timed out")),
            }
        }
        Ok(())
    }

    async fn watch_entities(
        &self,
        after: u64,
    ) -> Result<UpstreamStream<EntityChange>, UpstreamError> {
        let stream = self
            .client
            .clone()
            .watch_entity_changes(WatchEntityChangesRequest {
                after_sequence: after,
            })
            .await
            .map_err(|s| UpstreamError::extraction(describe(&s)))?
            .into_inner();
        Ok(Box::pin(stream.map(|item| {
            item.map_err(|s| UpstreamError::extraction(describe(&s)))
        })))
    }
}
