//! The HTTP proxy from `HTTPS_PROXY`: a CONNECT tunnel per connection, and the hosts
//! `NO_PROXY` exempts. Spec: RFC 9110 section 9.3.6 (CONNECT).

use super::connect::{seconds, Failure};
use super::{detail, Resolver};
use anyhow::{bail, Context as _};
use base64::Engine;
use oidc_thumb_core::{Cidr, Endpoint};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// An HTTP proxy reached with CONNECT, and the hosts that bypass it.
#[derive(Clone)]
pub struct Proxy {
    endpoint: Endpoint,
    authorization: Option<String>,
    bypass: Vec<Bypass>,
}

/// One `NO_PROXY` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Bypass {
    Everything,
    Domain(String),
    Network(Cidr),
}

impl std::fmt::Debug for Proxy {
    // The credentials stay out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("endpoint", &self.endpoint)
            .field("authorization", &self.authorization.as_ref().map(|_| "..."))
            .field("bypass", &self.bypass)
            .finish()
    }
}

impl Proxy {
    /// The proxy named by `https_proxy` or `HTTPS_PROXY`, with `no_proxy` or `NO_PROXY`.
    pub fn from_env() -> anyhow::Result<Option<Proxy>> {
        let read = |lower: &str, upper: &str| {
            std::env::var(lower)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| std::env::var(upper).ok().filter(|v| !v.trim().is_empty()))
        };
        let Some(url) = read("https_proxy", "HTTPS_PROXY") else {
            return Ok(None);
        };
        let no_proxy = read("no_proxy", "NO_PROXY").unwrap_or_default();
        Proxy::parse(&url, &no_proxy)
            .map(Some)
            .with_context(|| "HTTPS_PROXY cannot be used")
    }

    /// A proxy from its URL (`http://[USER[:PASSWORD]@]HOST[:PORT]`, port 80 by default) and
    /// a `NO_PROXY` list (host names, `.domain` suffixes, IP addresses, CIDR networks, `*`).
    pub fn parse(url: &str, no_proxy: &str) -> anyhow::Result<Proxy> {
        let trimmed = url.trim();
        let rest = match trimmed.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            // A proxy reached over TLS needs TLS inside TLS, which this client does not do.
            Some((scheme, _)) => bail!(
                "the proxy URL {trimmed:?} uses {scheme}://; only http:// proxies are supported"
            ),
            None => trimmed,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (user_info, host_port) = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => (Some(user_info), host_port),
            None => (None, authority),
        };
        let explicit_port = match host_port.rsplit_once(']') {
            Some((_, after)) => after.starts_with(':'),
            None => host_port.contains(':'),
        };
        let mut endpoint = Endpoint::parse(host_port)
            .map_err(|_| anyhow::anyhow!("the proxy URL {trimmed:?} has no valid host and port"))?;
        if !explicit_port {
            endpoint.port = 80;
        }
        let authorization = user_info.map(|info| {
            let credentials = match info.split_once(':') {
                Some((user, password)) => {
                    format!("{}:{}", percent_decode(user), percent_decode(password))
                }
                None => format!("{}:", percent_decode(info)),
            };
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(credentials)
            )
        });
        Ok(Proxy {
            endpoint,
            authorization,
            bypass: parse_no_proxy(no_proxy),
        })
    }

    /// Where the proxy listens.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// True when connections to `target` go through the proxy (`NO_PROXY` does not exempt it).
    pub fn applies_to(&self, target: &Endpoint) -> bool {
        let host = target.host.to_ascii_lowercase();
        !self.bypass.iter().any(|rule| match rule {
            Bypass::Everything => true,
            Bypass::Domain(domain) => {
                host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|prefix| prefix.ends_with('.'))
            }
            Bypass::Network(network) => target.ip().is_some_and(|ip| network.contains(ip)),
        })
    }

    /// Opens a tunnel to `target` through the proxy. The proxy resolves the target's name.
    pub(crate) fn tunnel(
        &self,
        target: &Endpoint,
        timeout: Duration,
        resolve: &Resolver,
    ) -> Result<TcpStream, Failure> {
        let what = format!("the proxy {}", self.endpoint);
        let addresses = match self.endpoint.ip() {
            Some(ip) => vec![ip],
            None => resolve(&self.endpoint.host, self.endpoint.port, timeout)
                .map_err(|reason| Failure::unreachable(format!("{what}: {reason}")))?,
        };
        let mut last = Failure::unreachable(format!("{what} has no address"));
        let mut socket = None;
        for ip in addresses {
            let address = SocketAddr::new(ip, self.endpoint.port);
            detail(|| format!("{target}: connecting to {what} at {address}"));
            match TcpStream::connect_timeout(&address, timeout) {
                Ok(connected) => {
                    socket = Some(connected);
                    break;
                }
                Err(error) => last = Failure::connect(&error, Some(&what), timeout),
            }
        }
        let mut socket = socket.ok_or(last)?;

        let deadline = Instant::now() + timeout;
        let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
        if let Some(authorization) = &self.authorization {
            request.push_str(&format!("Proxy-Authorization: {authorization}\r\n"));
        }
        request.push_str(&format!(
            "User-Agent: oidc-thumb-check/{}\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        ));
        socket
            .set_write_timeout(Some(timeout))
            .and_then(|()| socket.write_all(request.as_bytes()))
            .map_err(|e| Failure::connect(&e, Some(&what), timeout))?;

        let status = read_connect_answer(&mut socket, deadline)
            .map_err(|reason| Failure::unreachable(format!("{what}: {reason}")))?;
        match status {
            200..=299 => {
                detail(|| format!("{target}: tunnel open through {what}"));
                Ok(socket)
            }
            407 => Err(Failure::unreachable(format!(
                "{what} requires authentication (407); put the credentials in HTTPS_PROXY \
                 (http://USER:PASSWORD@HOST:PORT)"
            ))),
            status => Err(Failure::unreachable(format!(
                "{what} answered {status} to CONNECT {target}"
            ))),
        }
    }
}

/// Reads the proxy's answer head byte by byte, so nothing of the tunnel is consumed, and
/// returns its status.
fn read_connect_answer(socket: &mut TcpStream, deadline: Instant) -> Result<u16, String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err("no answer to CONNECT in time".to_string());
        }
        if head.len() > 16 * 1024 {
            return Err("the answer to CONNECT is longer than 16 KiB".to_string());
        }
        socket
            .set_read_timeout(Some(remaining))
            .map_err(|e| e.to_string())?;
        match socket.read(&mut byte) {
            Ok(0) => return Err("closed the connection instead of answering CONNECT".to_string()),
            Ok(_) => head.push(byte[0]),
            Err(e) if super::connect::is_timeout(&e) => {
                return Err(format!(
                    "no answer to CONNECT within {}",
                    seconds(deadline.saturating_duration_since(Instant::now()))
                ))
            }
            Err(e) => return Err(format!("reading the answer to CONNECT failed: {e}")),
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&head) {
        Ok(httparse::Status::Complete(_)) => response
            .code
            .ok_or_else(|| "the answer to CONNECT has no status".to_string()),
        _ => Err("the answer to CONNECT is not HTTP".to_string()),
    }
}

fn parse_no_proxy(list: &str) -> Vec<Bypass> {
    list.split([',', ' ', '\t', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            if entry == "*" {
                return Bypass::Everything;
            }
            if let Some(network) = Cidr::parse(entry.trim_start_matches('[').trim_end_matches(']'))
            {
                return Bypass::Network(network);
            }
            // A port after a name is accepted and ignored.
            let name = match entry.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => entry,
            };
            let name = name.trim_start_matches('*').trim_start_matches('.');
            Bypass::Domain(name.trim_end_matches('.').to_ascii_lowercase())
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(text: &str) -> Endpoint {
        Endpoint::parse(text).expect("the value is valid")
    }

    #[test]
    fn proxy_url_without_port_uses_80() {
        let proxy = Proxy::parse("http://proxy.corp", "").expect("the value is valid");
        assert_eq!(proxy.endpoint(), &endpoint("proxy.corp:80"));
        let proxy = Proxy::parse("proxy.corp:3128", "").expect("the value is valid");
        assert_eq!(proxy.endpoint(), &endpoint("proxy.corp:3128"));
        let proxy = Proxy::parse("http://[::1]:3128/", "").expect("the value is valid");
        assert_eq!(proxy.endpoint(), &endpoint("[::1]:3128"));
    }

    #[test]
    fn user_info_becomes_basic_authorization() {
        let proxy =
            Proxy::parse("http://alice:s%40cret@proxy.corp:3128", "").expect("the value is valid");
        // base64("alice:s@cret")
        assert_eq!(
            proxy.authorization.as_deref(),
            Some("Basic YWxpY2U6c0BjcmV0")
        );
        assert!(!format!("{proxy:?}").contains("YWxp"));
    }

    #[test]
    fn tls_proxies_are_refused_with_a_reason() {
        let error = Proxy::parse("https://proxy.corp", "").expect_err("an error is expected");
        assert!(error.to_string().contains("only http:// proxies"));
    }

    #[test]
    fn no_proxy_exempts_domains_addresses_and_networks() {
        let proxy = Proxy::parse(
            "http://proxy.corp:3128",
            "internal.example, .corp.example,10.0.0.0/8 ,::1,localhost:8443",
        )
        .expect("the value is valid");
        assert!(!proxy.applies_to(&endpoint("internal.example")));
        assert!(!proxy.applies_to(&endpoint("idp.internal.example")));
        assert!(!proxy.applies_to(&endpoint("a.corp.example")));
        assert!(!proxy.applies_to(&endpoint("10.1.2.3:8443")));
        assert!(!proxy.applies_to(&endpoint("[::1]:443")));
        assert!(!proxy.applies_to(&endpoint("localhost")));
        assert!(proxy.applies_to(&endpoint("notinternal.example")));
        assert!(proxy.applies_to(&endpoint("token.actions.githubusercontent.com")));
        assert!(proxy.applies_to(&endpoint("11.0.0.1")));
    }

    #[test]
    fn star_exempts_everything() {
        let proxy = Proxy::parse("http://proxy.corp", "*").expect("the value is valid");
        assert!(!proxy.applies_to(&endpoint("anything.example")));
    }
}
