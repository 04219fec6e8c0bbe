//! Connections for the bench and load commands, which only ever talk to
//! loopback: a load generator pointed at someone else's server by a typo is
//! an attack, so non-loopback targets are refused before any traffic.

use std::time::Duration;

use anyhow::{Context, bail};
use tonic::transport::Channel;

/// A gRPC channel to `url`, connected now (so a wrong address fails here,
/// not in the first measured call), after checking it is loopback.
pub async fn connect(url: &str) -> anyhow::Result<Channel> {
    ensure_loopback(url).await?;
    tonic::transport::Endpoint::from_shared(url.to_string())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("connect to {url}"))
}

/// Fails unless every address `url`'s host resolves to is a loopback one.
pub async fn ensure_loopback(url: &str) -> anyhow::Result<()> {
    let authority = host_port(url).with_context(|| format!("{url:?} is not an http(s) URL"))?;
    let addrs: Vec<_> = tokio::net::lookup_host(&authority)
        .await
        .with_context(|| format!("resolve {authority}"))?
        .collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        bail!(
            "{url} is not a loopback address; the bench and load commands only target 127.0.0.1 / ::1"
        );
    }
    Ok(())
}

/// "http://127.0.0.1:50051/" → "127.0.0.1:50051" (the port defaulting by scheme).
fn host_port(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split('/').next()?;
    if authority.is_empty() {
        return None;
    }
    // "[::1]" has colons but no port; "[::1]:7" and "host:7" have one.
    let has_port = authority.rsplit_once(':').is_some_and(|(host, port)| {
        !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && (!host.starts_with('[') || host.ends_with(']'))
    });
    Some(if has_port {
        authority.to_string()
    } else {
        format!("{authority}:{default_port}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_authorities() {
        assert_eq!(
            host_port("http://127.0.0.1:50051").as_deref(),
            Some("127.0.0.1:50051")
        );
        assert_eq!(host_port("http://[::1]:7/x").as_deref(), Some("[::1]:7"));
        assert_eq!(
            host_port("https://localhost").as_deref(),
            Some("localhost:443")
        );
        assert_eq!(host_port("127.0.0.1:5"), None);
    }

    #[tokio::test]
    async fn refuses_remote_addresses() {
        assert!(ensure_loopback("http://127.0.0.1:1").await.is_ok());
        assert!(ensure_loopback("http://[::1]:1").await.is_ok());
        assert!(ensure_loopback("http://192.0.2.1:1").await.is_err());
    }
}
