//! The status page: whether each service answers its health check, where
//! the index stands against storage (stored vs indexed sequence, lag), and
//! the extraction model. It renders whatever it could learn: a service that
//! is down is a row that says so (and the page's status is 503), not an
//! error page.

use std::time::Duration;

use axum::http::StatusCode;
use dossier_proto::v1::{
    GetIndexStatusRequest, GetModelInfoRequest, GetStorageStatusRequest, IndexStatus, ModelInfo,
    StorageStatus,
};
use maud::{Markup, html};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

use crate::context::{Ctx, Page};
use crate::error::WebError;
use crate::grpc::{ApiError, Named};
use crate::html as h;

const SERVICES: [&str; 3] = ["storage", "extraction", "search"];
/// The status page answers quickly even when a service hangs.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the page learned.
pub struct StatusView {
    /// Per service: its health status name, or the error.
    pub health: Vec<(&'static str, Result<String, ApiError>)>,
    pub storage: Result<StorageStatus, ApiError>,
    pub index: Result<IndexStatus, ApiError>,
    pub model: Result<ModelInfo, ApiError>,
}

impl StatusView {
    fn all_serving(&self) -> bool {
        self.health
            .iter()
            .all(|(_, h)| matches!(h, Ok(s) if s == "SERVING"))
    }
}

fn probe<T>(request: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(request);
    request.set_timeout(PROBE_TIMEOUT);
    request
}

pub async fn handle(ctx: &Ctx) -> Result<Page, WebError> {
    let health = SERVICES.map(|service| {
        let mut client = ctx.services().health(service);
        async move {
            let answer = client
                .check(probe(HealthCheckRequest {
                    service: String::new(),
                }))
                .await
                .named(service)?;
            Ok::<_, ApiError>(
                ServingStatus::try_from(answer.status)
                    .map(|s| s.as_str_name().to_string())
                    .unwrap_or_else(|_| "UNKNOWN".into()),
            )
        }
    });
    let mut storage = ctx.services().storage(ctx.token());
    let mut search = ctx.services().search(ctx.token());
    let mut extraction = ctx.services().extraction(ctx.token());
    let (health, storage, index, model) = ctx
        .call(async {
            futures::join!(
                futures::future::join_all(health),
                storage.get_storage_status(probe(GetStorageStatusRequest {})),
                search.get_index_status(probe(GetIndexStatusRequest {})),
                extraction.get_model_info(probe(GetModelInfoRequest {})),
            )
        })
        .await;
    let view = StatusView {
        health: SERVICES.into_iter().zip(health).collect(),
        storage: storage.named("storage"),
        index: index.named("search"),
        model: model.named("extraction"),
    };
    let status = if view.all_serving() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok(Page::new("Status", "/status", render(&view)).with_status(status))
}

pub fn render(view: &StatusView) -> Markup {
    html! {
        h1 { "Status" }
        p role="status" { @if view.all_serving() { "All three services are serving." } @else { "A service is not serving." } }
        div.table-wrap { table {
            caption { "Health checks" }
            thead { tr { th scope="col" { "Service" } th scope="col" { "Health" } } }
            tbody { @for (service, health) in &view.health {
                tr { th scope="row" { (service) } td { @match health {
                    Ok(status) => { span class={ "health " (status.to_ascii_lowercase()) } { (status) } }
                    Err(err) => { span.health.down { "DOWN" } " " (err.message) }
                } } }
            } }
        } }
        h2 { "Index" }
        dl.meta-list {
            @match (&view.storage, &view.index) {
                (Ok(storage), Ok(index)) => {
                    dt { "Stored sequence" } dd { (h::count(storage.last_sequence)) }
                    dt { "Indexed sequence" } dd { (h::count(index.indexed_sequence)) }
                    dt { "Lag" } dd { (h::count(storage.last_sequence.saturating_sub(index.indexed_sequence)))
                        @if index.catching_up { " (catching up)" } @else if index.lag == 0 { " (up to date)" } }
                    dt { "Documents stored" } dd { (h::count(storage.document_count)) }
                    dt { "Documents indexed" } dd { (h::count(index.document_count)) }
                    dt { "Segments" } dd { (index.segment_count) }
                    dt { "Entity changes applied" } dd { (index.entity_sequence) }
                    dt { "Last commit" } dd { (h::date_time(index.last_commit_time.as_ref())) }
                    @if !index.last_error.is_empty() {
                        dt { "Last indexer error" } dd { (index.last_error) " (" (h::date_time(index.last_error_time.as_ref())) ")" }
                    }
                }
                (storage, index) => {
                    @if let Err(err) = storage { dt { "Storage" } dd { (err.message) } }
                    @if let Err(err) = index { dt { "Search" } dd { (err.message) } }
                }
            }
        }
        h2 { "Extraction model" }
        @match &view.model {
            Ok(model) => {
                dl.meta-list {
                    dt { "Version" } dd { (model.version) }
                    dt { "Development F1" } dd { (format!("{:.1}", model.dev_f1)) "%" }
                    dt { "Languages tagged" } dd { (model.tagged_languages.join(", ")) }
                }
            }
            Err(err) => { p { (err.message) } }
        }
    }
}
