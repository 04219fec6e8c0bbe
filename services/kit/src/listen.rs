//! Binding listeners. Servers take an already-bound listener so tests can bind
//! port 0 and read the real address back.

use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Binds `addr`, with an error that names the address when it fails.
pub async fn bind(addr: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|err| std::io::Error::new(err.kind(), format!("cannot listen on {addr}: {err}")))
}

/// The `http://host:port` URL a client on this machine uses to reach `addr`.
/// A wildcard address (0.0.0.0 or ::) is reached through loopback.
pub fn client_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_become_loopback() {
        assert_eq!(
            client_url("0.0.0.0:50051".parse().unwrap()),
            "http://127.0.0.1:50051"
        );
        assert_eq!(client_url("[::]:7".parse().unwrap()), "http://[::1]:7");
        assert_eq!(
            client_url("10.1.2.3:9".parse().unwrap()),
            "http://10.1.2.3:9"
        );
    }
}
