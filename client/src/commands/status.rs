//! `status`: is each service up, and how far behind is the index?

use std::time::Duration;

use dossier_kit::client::ClientChannel;
use dossier_proto::v1::search_service_client::SearchServiceClient;
use dossier_proto::v1::{GetIndexStatusRequest, GetStorageStatusRequest};

use dossier_kit::security::ClientSecurity;

use crate::cli::GlobalArgs;
use crate::connect::connect;
use crate::exit;
use crate::output::{Format, outln};

const SERVICES: [(&str, &str); 3] = [
    ("storage", "dossier.v1.DocumentService"),
    ("extraction", "dossier.v1.ExtractionService"),
    ("search", "dossier.v1.SearchService"),
];

pub async fn run(
    global: &GlobalArgs,
    security: &ClientSecurity,
    format: Format,
) -> anyhow::Result<i32> {
    let mut report = serde_json::Map::new();
    let mut all_up = true;
    for (name, service) in SERVICES {
        let url = match name {
            "storage" => &global.storage,
            "extraction" => &global.extraction,
            _ => &global.search,
        };
        let mut entry = serde_json::json!({ "address": url });
        match connect(name, url, security).await {
            Ok(channel) => {
                let health = health_of(channel.clone(), service).await;
                entry["health"] = serde_json::Value::String(health.clone());
                all_up &= health == "SERVING";
                add_details(name, channel, &mut entry).await;
            }
            Err(err) => {
                all_up = false;
                entry["health"] = "UNREACHABLE".into();
                entry["error"] = err.to_string().into();
            }
        }
        report.insert(name.to_string(), entry);
    }
    if format.is_json() {
        outln!("{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        for (name, entry) in &report {
            let extra: Vec<String> = entry
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(key, _)| !matches!(key.as_str(), "address" | "health"))
                .map(|(key, value)| {
                    format!(
                        "{key}={}",
                        value
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| value.to_string())
                    )
                })
                .collect();
            outln!(
                "{name:<11} {:<12} {:<24} {}",
                entry["health"].as_str().unwrap_or("?"),
                entry["address"].as_str().unwrap_or(""),
                extra.join(" ")
            )?;
        }
    }
    Ok(if all_up { exit::OK } else { exit::UNAVAILABLE })
}

/// Storage's head sequence, count and (while a newer cleaner re-derives
/// older documents) how many await new text; search's indexed sequence and lag.
async fn add_details(name: &str, channel: ClientChannel, entry: &mut serde_json::Value) {
    match name {
        "storage" => {
            let status = super::documents_client(channel)
                .get_storage_status(GetStorageStatusRequest {})
                .await;
            if let Ok(status) = status.map(tonic::Response::into_inner) {
                entry["last_sequence"] = status.last_sequence.into();
                entry["document_count"] = status.document_count.into();
                if status.documents_awaiting_text > 0 {
                    entry["documents_awaiting_text"] = status.documents_awaiting_text.into();
                }
            }
        }
        "search" => {
            let status = SearchServiceClient::new(channel)
                .get_index_status(GetIndexStatusRequest {})
                .await;
            if let Ok(status) = status.map(tonic::Response::into_inner) {
                entry["indexed_sequence"] = status.indexed_sequence.into();
                entry["stored_sequence"] = status.stored_sequence.into();
                entry["lag"] = status.lag.into();
                entry["document_count"] = status.document_count.into();
                if !status.last_error.is_empty() {
                    entry["last_error"] = status.last_error.into();
                }
            }
        }
        _ => {}
    }
}

pub async fn health_of(channel: ClientChannel, service: &str) -> String {
    use tonic_health_proto::{HealthCheckRequest, health_client::HealthClient};
    let mut client = HealthClient::new(channel);
    let mut request = tonic::Request::new(HealthCheckRequest {
        service: service.to_string(),
    });
    request.set_timeout(Duration::from_secs(3));
    match client.check(request).await {
        Ok(response) => match response.into_inner().status {
            1 => "SERVING".into(),
            2 => "NOT_SERVING".into(),
            3 => "SERVICE_UNKNOWN".into(),
            _ => "UNKNOWN".into(),
        },
        Err(status) if status.code() == tonic::Code::NotFound => "NOT_FOUND".into(),
        Err(status) => format!("ERROR: {}", status.message()),
    }
}

/// The health client, from tonic-health's generated code.
mod tonic_health_proto {
    pub use tonic_health::pb::*;
}
