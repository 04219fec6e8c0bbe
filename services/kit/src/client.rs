//! Channels from a Dossier client (the CLI, search's upstream connections)
//! to a Dossier server, with the TLS and bearer token of a
//! [`ClientSecurity`].

use std::time::Duration;

use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::security::{self, ClientSecurity};

/// A channel that adds the bearer token to every call. Generated clients
/// take it like a plain `Channel`: `DocumentServiceClient<ClientChannel>`.
pub type ClientChannel = InterceptedService<Channel, BearerAuth>;

/// An address that cannot be turned into an endpoint.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid address {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
}

/// Adds `authorization: Bearer <token>` to each request when a token is set.
#[derive(Clone, Default)]
pub struct BearerAuth {
    header: Option<AsciiMetadataValue>,
}

impl BearerAuth {
    pub fn new(security: &ClientSecurity) -> Self {
        let header = security.auth_token.as_ref().and_then(|token| {
            // Tokens are printable ASCII by construction, so this succeeds;
            // sensitive keeps the value out of `Debug` output of requests.
            let mut value = MetadataValue::try_from(token.bearer_header()).ok()?;
            value.set_sensitive(true);
            Some(value)
        });
        Self { header }
    }
}

impl Interceptor for BearerAuth {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(header) = &self.header {
            request
                .metadata_mut()
                .insert("authorization", header.clone());
        }
        Ok(request)
    }
}

impl std::fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuth")
            .field("token", &self.header.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The endpoint for `url` under `security`. An address without a scheme
/// gets `http://`, or `https://` when a CA is configured; a configured CA
/// also upgrades an explicit `http://`, so a bearer token never crosses the
/// network in plaintext because of a forgotten `s`.
pub fn endpoint(url: &str, security: &ClientSecurity) -> Result<Endpoint, ClientError> {
    let url = effective_url(url, security.tls.has_ca());
    let endpoint = Endpoint::from_shared(url.clone()).map_err(|err| ClientError::BadUrl {
        url: url.clone(),
        reason: err.to_string(),
    })?;
    let endpoint = if url.starts_with("https://") {
        endpoint
            .tls_config(security.tls.config())
            .map_err(|err| ClientError::BadUrl {
                url,
                reason: err.to_string(),
            })?
    } else {
        endpoint
    };
    Ok(endpoint.tcp_nodelay(true))
}

/// Wraps a connected channel so every call carries the token.
pub fn with_auth(channel: Channel, security: &ClientSecurity) -> ClientChannel {
    InterceptedService::new(channel, BearerAuth::new(security))
}

/// A channel that connects on first use (so a service can start while its
/// upstream is down), secured as this process's installed
/// [`security::Security::upstream`] says.
pub fn lazy_channel(url: &str) -> Result<ClientChannel, ClientError> {
    let security = security::installed().upstream;
    let channel = endpoint(url, &security)?
        .connect_timeout(Duration::from_secs(2))
        .connect_lazy();
    Ok(with_auth(channel, &security))
}

/// One lazy channel over several replicas of a service (`urls`, e.g.
/// extraction replicas on one PostgreSQL registry): each call goes to one
/// of them (tower's power-of-two-choices balancer, which prefers the less
/// loaded), so calls out at once spread over the replicas. One URL gives
/// [`lazy_channel`]'s channel.
pub fn lazy_balanced_channel(urls: &[&str]) -> Result<ClientChannel, ClientError> {
    match urls {
        [] => Err(ClientError::BadUrl {
            url: String::new(),
            reason: "no address given".into(),
        }),
        [url] => lazy_channel(url),
        several => {
            let security = security::installed().upstream;
            let endpoints = several
                .iter()
                .map(|url| Ok(endpoint(url, &security)?.connect_timeout(Duration::from_secs(2))))
                .collect::<Result<Vec<_>, ClientError>>()?;
            Ok(with_auth(
                Channel::balance_list(endpoints.into_iter()),
                &security,
            ))
        }
    }
}

/// The addresses of a comma-separated list (`--extraction a,b`), trimmed.
pub fn url_list(urls: &str) -> Vec<&str> {
    urls.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect()
}

fn effective_url(url: &str, tls: bool) -> String {
    match url.split_once("://") {
        None if tls => format!("https://{url}"),
        None => format!("http://{url}"),
        Some(("http", rest)) if tls => format!("https://{rest}"),
        Some(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_urls_is_split_and_trimmed() {
        assert_eq!(url_list("http://a:1"), vec!["http://a:1"]);
        assert_eq!(
            url_list(" http://a:1 , http://b:2,"),
            vec!["http://a:1", "http://b:2"]
        );
        assert!(url_list(" , ").is_empty());
    }

    #[tokio::test]
    async fn several_urls_make_one_channel_and_none_is_an_error() {
        assert!(lazy_balanced_channel(&[]).is_err());
        assert!(lazy_balanced_channel(&["http://127.0.0.1:1"]).is_ok());
        assert!(lazy_balanced_channel(&["http://127.0.0.1:1", "http://127.0.0.1:2"]).is_ok());
        assert!(lazy_balanced_channel(&["http://127.0.0.1:1", "not a url at all"]).is_err());
    }

    #[test]
    fn a_ca_means_tls_whatever_the_scheme() {
        assert_eq!(effective_url("127.0.0.1:1", false), "http://127.0.0.1:1");
        assert_eq!(effective_url("127.0.0.1:1", true), "https://127.0.0.1:1");
        assert_eq!(effective_url("http://h:1", true), "https://h:1");
        assert_eq!(effective_url("http://h:1", false), "http://h:1");
        assert_eq!(effective_url("https://h:1", false), "https://h:1");
    }

    #[test]
    fn the_interceptor_adds_a_sensitive_header() {
        let security = ClientSecurity {
            auth_token: Some(security::AuthToken::parse("abcdefghijklmnopqrstuvwxyz").unwrap()),
            ..Default::default()
        };
        let mut auth = BearerAuth::new(&security);
        let request = auth.call(tonic::Request::new(())).unwrap();
        let header = request.metadata().get("authorization").unwrap();
        assert_eq!(header, "Bearer abcdefghijklmnopqrstuvwxyz");
        assert!(!format!("{auth:?}").contains("abcdef"));
        assert!(!format!("{header:?}").contains("abcdef"));
    }
}
