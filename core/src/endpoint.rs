//! Hosts and ports: issuer URLs taken apart, saved-chain file names, and the address policy
//! that keeps the tool away from loopback, private and metadata addresses.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A TLS endpoint: a host name or IP literal (IPv6 without brackets), and a port.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// Lowercase host name, or an IP literal without brackets.
    pub host: String,
    /// The TCP port, 443 unless the URL says otherwise.
    pub port: u16,
}

/// Why a URL cannot name an OIDC issuer or JWKS document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not `https://`.
    #[error("{url:?} is not an https:// URL")]
    NotHttps {
        /// The URL as given.
        url: String,
    },
    /// The host part is missing or not a valid name.
    #[error("{url:?} has no valid host")]
    BadHost {
        /// The URL as given.
        url: String,
    },
    /// The port is not a number from 1 to 65535.
    #[error("{url:?} has an invalid port")]
    BadPort {
        /// The URL as given.
        url: String,
    },
}

/// An https URL taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpsUrl {
    /// Where to connect.
    pub endpoint: Endpoint,
    /// The path and query, starting with `/` (just `/` when absent).
    pub path: String,
}

impl HttpsUrl {
    /// Parses an `https://` URL. IPv6 literals go in brackets; user info is refused as a bad
    /// host, since the tool never sends credentials to an issuer.
    pub fn parse(url: &str) -> Result<HttpsUrl, UrlError> {
        let trimmed = url.trim();
        let rest =
            strip_prefix_ignore_case(trimmed, "https://").ok_or_else(|| UrlError::NotHttps {
                url: url.to_string(),
            })?;
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let path = path.split('#').next().unwrap_or("");
        let path = if path.is_empty() || path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_string()
        };
        let endpoint = parse_authority(authority, 443).map_err(|kind| match kind {
            AuthorityError::Host => UrlError::BadHost {
                url: url.to_string(),
            },
            AuthorityError::Port => UrlError::BadPort {
                url: url.to_string(),
            },
        })?;
        Ok(HttpsUrl { endpoint, path })
    }

    /// The URL of the issuer's discovery document: the issuer with
    /// `/.well-known/openid-configuration` appended to its path.
    pub fn discovery(issuer: &str) -> Result<HttpsUrl, UrlError> {
        let mut parsed = HttpsUrl::parse(issuer)?;
        let path = parsed
            .path
            .split('?')
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        parsed.path = format!("{path}/.well-known/openid-configuration");
        Ok(parsed)
    }
}

impl fmt::Display for HttpsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "https://{}{}", self.endpoint.authority(), self.path)
    }
}

enum AuthorityError {
    Host,
    Port,
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn parse_authority(authority: &str, default_port: u16) -> Result<Endpoint, AuthorityError> {
    if authority.contains('@') {
        return Err(AuthorityError::Host);
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let close = rest.find(']').ok_or(AuthorityError::Host)?;
        let host = &rest[..close];
        host.parse::<Ipv6Addr>().map_err(|_| AuthorityError::Host)?;
        let after = &rest[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err(AuthorityError::Host),
        };
        (host.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        None => default_port,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => return Err(AuthorityError::Port),
        },
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !valid_host(&host) {
        return Err(AuthorityError::Host);
    }
    Ok(Endpoint { host, port })
}

fn valid_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

impl Endpoint {
    /// Parses `HOST`, `HOST:PORT`, `[V6]:PORT` or an https URL into an endpoint.
    ///
    /// ```
    /// use oidc_thumb_core::Endpoint;
    /// let e = Endpoint::parse("[::1]:8443").unwrap();
    /// assert_eq!((e.host.as_str(), e.port), ("::1", 8443));
    /// assert_eq!(Endpoint::parse("token.actions.githubusercontent.com").unwrap().port, 443);
    /// ```
    pub fn parse(text: &str) -> Result<Endpoint, UrlError> {
        if text.contains("://") {
            return HttpsUrl::parse(text).map(|url| url.endpoint);
        }
        if text.parse::<Ipv6Addr>().is_ok() {
            return Ok(Endpoint {
                host: text.to_string(),
                port: 443,
            });
        }
        parse_authority(text, 443).map_err(|kind| match kind {
            AuthorityError::Host => UrlError::BadHost {
                url: text.to_string(),
            },
            AuthorityError::Port => UrlError::BadPort {
                url: text.to_string(),
            },
        })
    }

    /// `host:port` with IPv6 literals bracketed; the port is left out when it is 443.
    pub fn authority(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 443 {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The saved-chain file name: `HOST.pem`, or `HOST_PORT.pem` for a port other than 443.
    /// IPv6 literals are bracketed with their colons written as `-`, so the name is valid on
    /// every file system.
    pub fn chain_file_name(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host.replace(':', "-"))
        } else {
            self.host.clone()
        };
        if self.port == 443 {
            format!("{host}.pem")
        } else {
            format!("{host}_{}.pem", self.port)
        }
    }

    /// The IP address when the host is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "{host}:{}", self.port)
    }
}

/// An IP network in CIDR form, such as `10.0.0.0/8` or `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `ADDRESS/PREFIX`; a bare address is a single-address network.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.trim().parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Cidr { network, prefix })
    }

    /// True when `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical_ip(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_match(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_match(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn prefix_match(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let bits = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if bits == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - bits);
    (a[full] & mask) == (b[full] & mask)
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it stands for.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// Why an address is not public, or `None` when it is.
///
/// ```
/// use oidc_thumb_core::non_public_reason;
/// assert_eq!(non_public_reason("169.254.169.254".parse().unwrap()), Some("link-local (cloud metadata)"));
/// assert_eq!(non_public_reason("::ffff:127.0.0.1".parse().unwrap()), Some("loopback"));
/// assert_eq!(non_public_reason("52.94.76.10".parse().unwrap()), None);
/// ```
pub fn non_public_reason(ip: IpAddr) -> Option<&'static str> {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    let reason = match o {
        [0, ..] => "unspecified (0.0.0.0/8)",
        [127, ..] => "loopback",
        [10, ..] => "private (10.0.0.0/8)",
        [172, b, ..] if (16..=31).contains(&b) => "private (172.16.0.0/12)",
        [192, 168, ..] => "private (192.168.0.0/16)",
        [169, 254, ..] => "link-local (cloud metadata)",
        [100, b, ..] if (64..=127).contains(&b) => "shared address space (100.64.0.0/10)",
        [192, 0, 0, _] => "IETF protocol assignment (192.0.0.0/24)",
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => "documentation range",
        [198, b, ..] if b == 18 || b == 19 => "benchmarking (198.18.0.0/15)",
        [a, ..] if (224..=239).contains(&a) => "multicast",
        [a, ..] if a >= 240 => "reserved (240.0.0.0/4)",
        _ => return None,
    };
    Some(reason)
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified (::)");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4
    // address that decides.
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        return v4_reason(embedded_v4(s[6], s[7])).or(Some("IPv4-compatible (deprecated)"));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return v4_reason(embedded_v4(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return v4_reason(embedded_v4(s[1], s[2]));
    }
    let reason = match s[0] {
        a if a & 0xfe00 == 0xfc00 => "unique local (fc00::/7)",
        a if a & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        a if a & 0xffc0 == 0xfec0 => "site-local (fec0::/10)",
        a if a & 0xff00 == 0xff00 => "multicast",
        0x2001 if s[1] == 0x0db8 => "documentation range (2001:db8::/32)",
        0x0100 if s[1..4] == [0, 0, 0] => "discard-only (100::/64)",
        _ => return None,
    };
    Some(reason)
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// Which non-public addresses the user opened (rule 9): all of them, or named hosts and
/// networks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// `--allow-private-addresses`: every address is allowed.
    pub allow_all: bool,
    /// Host names whose addresses are allowed whatever they are.
    pub hosts: Vec<String>,
    /// Networks whose addresses are allowed.
    pub networks: Vec<Cidr>,
}

impl AddressPolicy {
    /// `Err(reason)` when connecting to `ip` for `host` is refused.
    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), &'static str> {
        if self.allow_all {
            return Ok(());
        }
        let Some(reason) = non_public_reason(ip) else {
            return Ok(());
        };
        let host_allowed = self
            .hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host.trim_end_matches('.')));
        if host_allowed || self.networks.iter().any(|net| net.contains(ip)) {
            return Ok(());
        }
        Err(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> Option<&'static str> {
        non_public_reason(text.parse().unwrap())
    }

    #[test]
    fn discovery_url_appends_well_known() {
        let url = HttpsUrl::discovery("https://token.actions.githubusercontent.com").unwrap();
        assert_eq!(url.path, "/.well-known/openid-configuration");
        let url = HttpsUrl::discovery("https://oidc.eks.us-east-1.amazonaws.com/id/ABC/").unwrap();
        assert_eq!(url.path, "/id/ABC/.well-known/openid-configuration");
    }

    #[test]
    fn ports_and_ipv6_literals_parse() {
        let url = HttpsUrl::parse("https://[::1]:8443/realms/x").unwrap();
        assert_eq!(
            url.endpoint,
            Endpoint {
                host: "::1".into(),
                port: 8443
            }
        );
        assert_eq!(url.to_string(), "https://[::1]:8443/realms/x");
        let url = HttpsUrl::parse("HTTPS://Example.COM.").unwrap();
        assert_eq!(url.endpoint.host, "example.com");
        assert_eq!(url.path, "/");
    }

    #[test]
    fn non_https_and_bad_ports_are_refused() {
        assert!(matches!(
            HttpsUrl::parse("http://example.com"),
            Err(UrlError::NotHttps { .. })
        ));
        assert!(matches!(
            HttpsUrl::parse("https://example.com:0/"),
            Err(UrlError::BadPort { .. })
        ));
        assert!(matches!(
            HttpsUrl::parse("https://user:pw@example.com/"),
            Err(UrlError::BadHost { .. })
        ));
        assert!(matches!(
            HttpsUrl::parse("https:///x"),
            Err(UrlError::BadHost { .. })
        ));
    }

    #[test]
    fn chain_file_names_follow_the_layout() {
        let e = Endpoint {
            host: "example.com".into(),
            port: 443,
        };
        assert_eq!(e.chain_file_name(), "example.com.pem");
        let e = Endpoint {
            host: "example.com".into(),
            port: 8443,
        };
        assert_eq!(e.chain_file_name(), "example.com_8443.pem");
        let e = Endpoint {
            host: "::1".into(),
            port: 8443,
        };
        assert_eq!(e.chain_file_name(), "[--1]_8443.pem");
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        assert_eq!(reason("10.1.2.3"), Some("private (10.0.0.0/8)"));
        assert_eq!(reason("172.31.255.255"), Some("private (172.16.0.0/12)"));
        assert_eq!(reason("172.32.0.1"), None);
        assert_eq!(reason("192.168.1.1"), Some("private (192.168.0.0/16)"));
        assert_eq!(
            reason("100.100.100.200"),
            Some("shared address space (100.64.0.0/10)")
        );
        assert_eq!(reason("0.0.0.0"), Some("unspecified (0.0.0.0/8)"));
        assert_eq!(reason("fd00:ec2::254"), Some("unique local (fc00::/7)"));
        assert_eq!(reason("fe80::1"), Some("link-local (fe80::/10)"));
        assert_eq!(reason("::ffff:10.0.0.1"), Some("private (10.0.0.0/8)"));
        assert_eq!(
            reason("64:ff9b::a9fe:a9fe"),
            Some("link-local (cloud metadata)")
        );
        assert_eq!(reason("2002:7f00:0001::"), Some("loopback"));
        assert_eq!(reason("2606:4700::1111"), None);
        assert_eq!(reason("1.1.1.1"), None);
    }

    #[test]
    fn policy_opens_named_hosts_and_networks() {
        let policy = AddressPolicy {
            allow_all: false,
            hosts: vec!["idp.internal".into()],
            networks: vec![Cidr::parse("10.20.0.0/16").unwrap()],
        };
        let ip: IpAddr = "10.20.3.4".parse().unwrap();
        assert!(policy.check("other", ip).is_ok());
        assert!(policy.check("other", "10.21.0.1".parse().unwrap()).is_err());
        assert!(policy
            .check("IDP.internal", "127.0.0.1".parse().unwrap())
            .is_ok());
        assert!(policy
            .check("x", "::ffff:10.20.0.9".parse().unwrap())
            .is_ok());
    }

    #[test]
    fn cidr_parsing_rejects_nonsense() {
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("nope/8").is_none());
        assert_eq!(Cidr::parse("fd00::/8").unwrap().to_string(), "fd00::/8");
    }
}
