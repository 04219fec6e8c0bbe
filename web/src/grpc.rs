//! The console's side of gRPC: one lazily connected channel per service,
//! shared by every request, and the bearer token added per call — the
//! console's own (from its token file) or, when it has none, the one the
//! analyst typed into the token page (a cookie), so two analysts may use
//! one console with different tokens.

use std::time::Duration;

use dossier_kit::client::{self, BearerAuth};
use dossier_kit::security::{AuthToken, ClientSecurity};
use dossier_proto::v1::document_service_client::DocumentServiceClient;
use dossier_proto::v1::extraction_service_client::ExtractionServiceClient;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic_health::pb::health_client::HealthClient;

/// How long one call may take before the page gives up on it (504).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Responses larger than this are refused by the client: a page never needs
/// more (the largest is a search page of 100 hits with facets).
const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Where the three services are and how to reach them.
#[derive(Debug, Clone)]
pub struct Upstreams {
    pub storage_url: String,
    pub extraction_url: String,
    pub search_url: String,
    /// TLS trust, and the console's own token when it was given one.
    pub security: ClientSecurity,
}

/// A call to a service failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{service}: {message}")]
pub struct ApiError {
    pub service: &'static str,
    pub code: tonic::Code,
    pub message: String,
}

impl ApiError {
    pub fn from_status(service: &'static str, status: tonic::Status) -> Self {
        Self {
            service,
            code: status.code(),
            message: status.message().to_string(),
        }
    }
}

type Authed = InterceptedService<Channel, BearerAuth>;

/// The channels, cheap to clone (each is a handle to one connection).
#[derive(Clone)]
pub struct Services {
    storage: Channel,
    extraction: Channel,
    search: Channel,
    fixed_token: Option<AuthToken>,
}

impl Services {
    /// Channels that connect on first use, so the console starts (and shows
    /// its status page) while a service is still down.
    pub fn connect_lazy(upstreams: &Upstreams) -> Result<Self, client::ClientError> {
        let channel = |url: &str| {
            Ok::<_, client::ClientError>(
                client::endpoint(url, &upstreams.security)?
                    .connect_timeout(Duration::from_secs(2))
                    .timeout(CALL_TIMEOUT)
                    .connect_lazy(),
            )
        };
        Ok(Self {
            storage: channel(&upstreams.storage_url)?,
            extraction: channel(&upstreams.extraction_url)?,
            search: channel(&upstreams.search_url)?,
            fixed_token: upstreams.security.auth_token.clone(),
        })
    }

    /// Whether the console was started with its own token (then the token
    /// page is never shown).
    pub fn has_fixed_token(&self) -> bool {
        self.fixed_token.is_some()
    }

    fn auth(&self, session: Option<&AuthToken>) -> BearerAuth {
        let auth_token = self.fixed_token.clone().or_else(|| session.cloned());
        BearerAuth::new(&ClientSecurity {
            auth_token,
            ..Default::default()
        })
    }

    pub fn storage(&self, session: Option<&AuthToken>) -> DocumentServiceClient<Authed> {
        DocumentServiceClient::new(InterceptedService::new(
            self.storage.clone(),
            self.auth(session),
        ))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
    }

    pub fn extraction(&self, session: Option<&AuthToken>) -> ExtractionServiceClient<Authed> {
        ExtractionServiceClient::new(InterceptedService::new(
            self.extraction.clone(),
            self.auth(session),
        ))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
    }

    pub fn search(&self, session: Option<&AuthToken>) -> SearchServiceClient<Authed> {
        SearchServiceClient::new(InterceptedService::new(
            self.search.clone(),
            self.auth(session),
        ))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
    }

    /// Health needs no token (servers exempt it), so the status page works
    /// before anyone has logged in.
    pub fn health(&self, service: &str) -> HealthClient<Channel> {
        let channel = match service {
            "storage" => &self.storage,
            "extraction" => &self.extraction,
            _ => &self.search,
        };
        HealthClient::new(channel.clone())
    }
}

/// Turns a tonic result into the console's error, naming the service.
pub trait Named<T> {
    fn named(self, service: &'static str) -> Result<T, ApiError>;
}

impl<T> Named<T> for Result<tonic::Response<T>, tonic::Status> {
    fn named(self, service: &'static str) -> Result<T, ApiError> {
        self.map(tonic::Response::into_inner)
            .map_err(|status| ApiError::from_status(service, status))
    }
}
