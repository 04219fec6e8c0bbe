//! The gRPC adapter: `dossier.v1.ExtractionService` over the core. Handlers
//! convert, call the core (CPU and fsync work on the blocking pool), and
//! convert back; errors become statuses in `status`.

mod batch;
mod convert;
mod cpu;
mod deadline;
mod info;
mod oversize;
mod status;
mod watch;

use std::sync::Arc;

use anyhow::Context;
use cpu::run_on_cpu_pool;
use dossier_kit::{ServerHost, Shutdown, run_blocking};
use dossier_proto::service_names;
use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_server::{ExtractionService, ExtractionServiceServer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use tonic::service::Routes;
use tonic::service::interceptor::InterceptedService;
use tonic::{Request, Response, Status, Streaming};

use crate::config::ExtractionConfig;
use crate::error::ExtractionError;
use crate::pipeline::Extractor;

/// Room for the other fields of an ExtractRequest beside a maximal text, so
/// an oversized text gets our RESOURCE_EXHAUSTED naming the flag rather than
/// the transport's generic message-size error.
const MESSAGE_OVERHEAD: usize = 64 * 1024;

/// Opens the registry and the model, serves `dossier.v1.ExtractionService`
/// plus health and reflection on `listener` until `shutdown` triggers, then
/// drains in-flight RPCs and returns (the registry commits every write, so
/// there is nothing left to flush).
pub async fn serve(
    config: ExtractionConfig,
    listener: TcpListener,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    tracing::debug!(?config, "extraction config");
    disable_nagle(&listener);
    let max_text_bytes = config.max_text_bytes;
    let max_message = max_text_bytes.saturating_add(MESSAGE_OVERHEAD);
    let read_ahead = config.batch_read_ahead;
    let core = run_blocking(move || Extractor::open(&config))
        .await
        .context("opening the extraction core")??;
    let mut service = ExtractionGrpc::new(Arc::new(core), read_ahead, shutdown.clone());
    service.max_text_bytes = max_text_bytes;
    let server = ExtractionServiceServer::new(service)
        .max_decoding_message_size(max_message.max(4 * 1024 * 1024))
        .max_encoding_message_size(usize::MAX)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    // Stamps each call's arrival, from which its deadline counts.
    let server = InterceptedService::new(server, deadline::stamp);
    let server = oversize::Oversize::new(server, max_text_bytes);
    ServerHost::new(&[service_names::EXTRACTION])
        .serve(listener, Routes::new(server), shutdown)
        .await?;
    Ok(())
}

/// Sets TCP_NODELAY on the listening socket; Linux copies it to every
/// accepted connection. Without it a small response frame written while
/// the previous one is unacknowledged waits for the client's delayed ACK,
/// which turns a 1 ms Extract into a 40 ms one.
fn disable_nagle(listener: &TcpListener) {
    if let Err(e) = socket2::SockRef::from(listener).set_tcp_nodelay(true) {
        tracing::warn!(error = %e, "cannot set TCP_NODELAY; small responses may be delayed");
    }
}

/// The service implementation: cheap to clone, shared by every connection.
#[derive(Clone)]
pub struct ExtractionGrpc {
    core: Arc<Extractor>,
    model_info: pb::ModelInfo,
    read_ahead: usize,
    /// One permit per core: BatchExtract analyses wait for one, so a big
    /// batch cannot park dozens of threads on two cores.
    cpu: Arc<Semaphore>,
    shutdown: Shutdown,
    /// For the message of a request over the transport's size limit.
    max_text_bytes: usize,
}

impl ExtractionGrpc {
    pub fn new(core: Arc<Extractor>, read_ahead: usize, shutdown: Shutdown) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ExtractionGrpc {
            model_info: info::model_info(core.tagger().meta()),
            core,
            read_ahead,
            cpu: Arc::new(Semaphore::new(cores)),
            shutdown,
            max_text_bytes: crate::config::DEFAULT_MAX_TEXT_BYTES,
        }
    }

    /// Runs `work` against the core on the blocking pool.
    async fn blocking<T, F>(&self, work: F) -> Result<T, Status>
    where
        F: FnOnce(&Extractor) -> Result<T, ExtractionError> + Send + 'static,
        T: Send + 'static,
    {
        let core = self.core.clone();
        let result = run_blocking(move || work(&core)).await;
        Ok(result.map_err(ExtractionError::from)??)
    }

    /// Runs CPU-only `work` (no disk, no waiting) against the core on the
    /// rayon pool: see `cpu`.
    async fn on_cpu<T, F>(&self, work: F) -> Result<T, Status>
    where
        F: FnOnce(&Extractor) -> Result<T, ExtractionError> + Send + 'static,
        T: Send + 'static,
    {
        let core = self.core.clone();
        let result = run_on_cpu_pool(move || work(&core)).await;
        Ok(result.map_err(ExtractionError::from)??)
    }
}

type ResponseStream<T> = ReceiverStream<Result<T, Status>>;

#[tonic::async_trait]
impl ExtractionService for ExtractionGrpc {
    async fn extract(
        &self,
        request: Request<pb::ExtractRequest>,
    ) -> Result<Response<pb::ExtractResponse>, Status> {
        let deadline = deadline::unary_deadline(&request);
        let req = convert::extract_request(request.into_inner())?;
        self.core.validate(&req)?;
        let resp = deadline::within("Extract", deadline, async {
            if req.document_id.is_none() {
                // Linking only reads memory then: one hand-off for both stages.
                return self.on_cpu(move |core| core.extract(req)).await;
            }
            let analysis = self.on_cpu(move |core| core.analyze(req)).await?;
            // Past the deadline nobody reads the answer: skip recording.
            if deadline::passed(deadline) {
                return Err(deadline::exceeded("Extract"));
            }
            self.blocking(move |core| core.link(analysis)).await
        })
        .await?;
        Ok(Response::new(convert::extract_response(resp)))
    }

    type BatchExtractStream = batch::Responses;

    async fn batch_extract(
        &self,
        request: Request<Streaming<pb::ExtractRequest>>,
    ) -> Result<Response<Self::BatchExtractStream>, Status> {
        let deadline = deadline::stream_deadline(&request);
        let stream = batch::start(
            self.core.clone(),
            request.into_inner(),
            self.read_ahead,
            self.cpu.clone(),
            self.shutdown.clone(),
            deadline,
            self.max_text_bytes,
        );
        Ok(Response::new(stream))
    }

    async fn forget_document(
        &self,
        request: Request<pb::ForgetDocumentRequest>,
    ) -> Result<Response<pb::ForgetDocumentResponse>, Status> {
        let id = convert::required("document_id", request.into_inner().document_id)?;
        let entity_ids = self
            .blocking(move |core| Ok(core.registry().forget_document(&id)?))
            .await?;
        Ok(Response::new(pb::ForgetDocumentResponse { entity_ids }))
    }

    async fn get_entity(
        &self,
        request: Request<pb::GetEntityRequest>,
    ) -> Result<Response<pb::Entity>, Status> {
        let id = convert::required("id", request.into_inner().id)?;
        let entity = self
            .core
            .registry()
            .get_entity(&id)
            .map_err(ExtractionError::from)?;
        Ok(Response::new(convert::entity(entity)))
    }

    async fn list_entities(
        &self,
        request: Request<pb::ListEntitiesRequest>,
    ) -> Result<Response<pb::ListEntitiesResponse>, Status> {
        let query = convert::list_query(request.into_inner())?;
        let page = self
            .blocking(move |core| Ok(core.registry().list_entities(&query)?))
            .await?;
        Ok(Response::new(pb::ListEntitiesResponse {
            entities: page.entities.into_iter().map(convert::entity).collect(),
            next_page_token: page.next_page_token.unwrap_or_default(),
        }))
    }

    async fn merge_entities(
        &self,
        request: Request<pb::MergeEntitiesRequest>,
    ) -> Result<Response<pb::CurationResponse>, Status> {
        let pb::MergeEntitiesRequest {
            entity_ids,
            request_id,
            note,
        } = request.into_inner();
        let request_id = convert::curation_text(request_id, &note)?;
        let done = self
            .blocking(move |core| {
                Ok(core
                    .registry()
                    .merge(&entity_ids, request_id.as_deref(), &note)?)
            })
            .await?;
        Ok(Response::new(convert::curation(done)))
    }

    async fn split_entity(
        &self,
        request: Request<pb::SplitEntityRequest>,
    ) -> Result<Response<pb::CurationResponse>, Status> {
        let pb::SplitEntityRequest {
            entity_id,
            aliases,
            request_id,
            note,
        } = request.into_inner();
        let entity_id = convert::required("entity_id", entity_id)?;
        let request_id = convert::curation_text(request_id, &note)?;
        let done = self
            .blocking(move |core| {
                Ok(core
                    .registry()
                    .split(&entity_id, &aliases, request_id.as_deref(), &note)?)
            })
            .await?;
        Ok(Response::new(convert::curation(done)))
    }

    async fn mark_distinct(
        &self,
        request: Request<pb::MarkDistinctRequest>,
    ) -> Result<Response<pb::CurationResponse>, Status> {
        let pb::MarkDistinctRequest {
            entity_ids,
            request_id,
            note,
        } = request.into_inner();
        let request_id = convert::curation_text(request_id, &note)?;
        let done = self
            .blocking(move |core| {
                Ok(core
                    .registry()
                    .mark_distinct(&entity_ids, request_id.as_deref(), &note)?)
            })
            .await?;
        Ok(Response::new(convert::curation(done)))
    }

    async fn undo_curation(
        &self,
        request: Request<pb::UndoCurationRequest>,
    ) -> Result<Response<pb::CurationResponse>, Status> {
        let id = convert::required("curation_id", request.into_inner().curation_id)?;
        let done = self
            .blocking(move |core| Ok(core.registry().undo(&id)?))
            .await?;
        Ok(Response::new(convert::curation(done)))
    }

    type WatchEntityChangesStream = ResponseStream<pb::EntityChange>;

    async fn watch_entity_changes(
        &self,
        request: Request<pb::WatchEntityChangesRequest>,
    ) -> Result<Response<Self::WatchEntityChangesStream>, Status> {
        let after = request.into_inner().after_sequence;
        let stream = watch::start(self.core.clone(), after, self.shutdown.clone());
        Ok(Response::new(stream))
    }

    async fn get_model_info(
        &self,
        _request: Request<pb::GetModelInfoRequest>,
    ) -> Result<Response<pb::ModelInfo>, Status> {
        Ok(Response::new(self.model_info.clone()))
    }
}
