//! The gRPC adapter: `dossier.v1.ExtractionService` over the core. Handlers
//! convert, call the core (CPU and fsync work on the blocking pool), and
//! convert back; errors become statuses in `status`.

mod batch;
mod convert;
mod cpu;
mod info;
mod status;
mod watch;

use std::sync::Arc;

use cpu::run_on_cpu_pool;
use dossier_kit::deadline;
use dossier_kit::{MessageLimit, Shutdown, run_blocking};
use dossier_proto::v1 as pb;
use dossier_proto::v1::extraction_service_server::ExtractionService;
use tokio::sync::Semaphore;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::error::ExtractionError;
use crate::pipeline::Extractor;

/// What a client whose texts outlast its deadline can do.
const DEADLINE_ADVICE: &str = "allow more time, or send smaller or fewer texts per call";

/// What a client whose name list outlasts its deadline can do.
const MATCH_ADVICE: &str = "allow more time, or send fewer names per call";

/// What a request over the transport's decoding limit is told: only
/// Extract's and BatchExtract's requests are mostly a text.
pub fn message_limit(max_text_bytes: usize) -> MessageLimit {
    MessageLimit {
        rpcs: &["Extract", "BatchExtract"],
        field: "text",
        max_bytes: max_text_bytes,
        flag: "--max-text-bytes",
        advice: "split the document",
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
    limit: MessageLimit,
}

impl ExtractionGrpc {
    pub fn new(
        core: Arc<Extractor>,
        read_ahead: usize,
        shutdown: Shutdown,
        limit: MessageLimit,
    ) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ExtractionGrpc {
            model_info: info::model_info(core.tagger().meta()),
            core,
            read_ahead,
            cpu: Arc::new(Semaphore::new(cores)),
            shutdown,
            limit,
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
        let resp = deadline::within("Extract", DEADLINE_ADVICE, deadline, async {
            if req.document_id.is_none() {
                // Linking only reads memory then: one hand-off for both stages.
                return self.on_cpu(move |core| core.extract(req)).await;
            }
            let analysis = self.on_cpu(move |core| core.analyze(req)).await?;
            // Past the deadline nobody reads the answer: skip recording.
            if deadline::passed(deadline) {
                return Err(deadline::exceeded_with("Extract", DEADLINE_ADVICE));
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
            self.limit,
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

    async fn match_names(
        &self,
        request: Request<pb::MatchNamesRequest>,
    ) -> Result<Response<pb::MatchNamesResponse>, Status> {
        let deadline = deadline::unary_deadline(&request);
        let (names, options) = convert::match_names_request(request.into_inner())?;
        // Up to seconds of CPU for a long list: the blocking pool, not
        // rayon, so Extract's analyses are not queued behind it.
        let work = self.blocking(move |core| core.registry().match_names(&names, &options));
        let results = deadline::within("MatchNames", MATCH_ADVICE, deadline, work).await?;
        Ok(Response::new(convert::match_names_response(results)))
    }
}
