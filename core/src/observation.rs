//! Observations: what the network (or a saved chain) showed for an issuer and its hosts.

use crate::{Endpoint, PresentedChain};

/// How a presented chain fared against trust anchors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Chains to a publicly trusted root: IAM validates through its CA library and the
    /// thumbprint is only a fallback.
    Public,
    /// Chains only to a CA the user named (`--ca-file`, `SSL_CERT_FILE`, the configuration):
    /// a private PKI, so the thumbprint is enforced.
    NamedCa,
    /// Chains to nothing the tool trusts.
    Unverified {
        /// Why verification failed, for a person.
        reason: String,
    },
    /// Read from a saved chain: no trust decision was made.
    Saved,
}

/// One distinct presented chain, with the addresses that presented it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainVariant {
    /// Addresses (IP literals, or `proxy` when tunnelled) that presented this chain.
    pub addresses: Vec<String>,
    /// The chain itself.
    pub chain: PresentedChain,
    /// The trust outcome.
    pub verification: Verification,
    /// The connection went through an HTTP proxy.
    pub via_proxy: bool,
    /// Every address that presented it is public.
    pub public_addresses: bool,
}

impl ChainVariant {
    /// Rule 8: no public root and no named CA vouches for the chain, yet the host was reached
    /// through a proxy or at public addresses, so a TLS-intercepting proxy may have presented
    /// it. Such a chain's thumbprint is the proxy's: it is neither compared nor written.
    pub fn possibly_intercepted(&self) -> bool {
        matches!(self.verification, Verification::Unverified { .. })
            && (self.via_proxy || self.public_addresses)
    }
}

/// Why a host's chain could not be observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    /// No address answered (resolution failed, connection refused, timed out).
    Unreachable {
        /// What happened, for a person.
        reason: String,
    },
    /// The TLS handshake failed before any certificate was seen.
    Tls {
        /// What happened.
        reason: String,
    },
    /// Every address the host resolves to is refused by the address policy.
    RefusedAddress {
        /// The address.
        address: String,
        /// Why it is not public.
        reason: String,
    },
    /// No saved chain for the host (offline mode).
    NoSavedChain {
        /// The file that was looked for.
        file: String,
    },
    /// A saved chain that could not be read.
    BadSavedChain {
        /// The file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostError::Unreachable { reason } => write!(f, "unreachable: {reason}"),
            HostError::Tls { reason } => write!(f, "TLS handshake failed: {reason}"),
            HostError::RefusedAddress { address, reason } => write!(
                f,
                "refused to connect to {address}: the address is {reason}; use \
                 --allow-private-addresses or allow the host in the configuration"
            ),
            HostError::NoSavedChain { file } => write!(f, "no saved chain {file}"),
            HostError::BadSavedChain { file, reason } => {
                write!(f, "saved chain {file} is unreadable: {reason}")
            }
        }
    }
}

/// Everything seen for one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostObservation {
    /// The host and port.
    pub endpoint: Endpoint,
    /// The distinct chains seen, or why none was.
    pub result: Result<Vec<ChainVariant>, HostError>,
    /// Addresses that failed while another answered, and other remarks (rule 7).
    pub notes: Vec<String>,
}

/// Why an issuer's discovery document gave no usable `jwks_uri`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoveryError {
    /// The issuer host could not be reached or refused.
    Host(HostError),
    /// The server answered with a redirect, which is not followed.
    Redirect {
        /// HTTP status.
        status: u16,
        /// The `Location` header, if any.
        location: Option<String>,
    },
    /// A status other than 200.
    Status {
        /// HTTP status.
        status: u16,
    },
    /// The body is larger than the cap.
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The body is not a JSON object.
    NotJson {
        /// The parser's reason.
        reason: String,
    },
    /// No `jwks_uri` string in the document.
    MissingJwksUri,
    /// `jwks_uri` is not an https URL.
    JwksNotHttps {
        /// The value found.
        jwks_uri: String,
    },
    /// The HTTP exchange itself failed (timeout, malformed response).
    Http {
        /// What happened.
        reason: String,
    },
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoveryError::Host(error) => write!(f, "{error}"),
            DiscoveryError::Redirect { status, location } => match location {
                Some(location) => write!(
                    f,
                    "the discovery document answered {status}, a redirect to {location}; \
                     redirects are not followed: IAM does not follow them either"
                ),
                None => write!(
                    f,
                    "the discovery document answered {status}, a redirect without a Location"
                ),
            },
            DiscoveryError::Status { status } => {
                write!(
                    f,
                    "the discovery document answered HTTP {status}, expected 200"
                )
            }
            DiscoveryError::TooLarge { limit } => {
                write!(f, "the discovery document is larger than {limit} bytes")
            }
            DiscoveryError::NotJson { reason } => {
                write!(f, "the discovery document is not a JSON object: {reason}")
            }
            DiscoveryError::MissingJwksUri => {
                write!(f, "the discovery document has no \"jwks_uri\" string")
            }
            DiscoveryError::JwksNotHttps { jwks_uri } => {
                write!(f, "\"jwks_uri\" is {jwks_uri:?}, not an https:// URL")
            }
            DiscoveryError::Http { reason } => {
                write!(f, "fetching the discovery document failed: {reason}")
            }
        }
    }
}

/// What the discovery document of an issuer said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    /// The issuer's host.
    pub issuer_endpoint: Endpoint,
    /// `jwks_uri` as found.
    pub jwks_uri: String,
    /// The JWKS host.
    pub jwks_endpoint: Endpoint,
}

/// Everything seen for one issuer URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerObservation {
    /// The issuer URL as declared.
    pub issuer: String,
    /// The discovery outcome.
    pub discovery: Result<Discovery, DiscoveryError>,
}

/// Reads a discovery document and returns its `jwks_uri`, checked to be https.
///
/// ```
/// use oidc_thumb_core::read_discovery_document;
/// let doc = br#"{"issuer":"https://a.example","jwks_uri":"https://keys.example/jwks"}"#;
/// assert_eq!(read_discovery_document(doc).unwrap(), "https://keys.example/jwks");
/// assert!(read_discovery_document(b"<html>").is_err());
/// ```
pub fn read_discovery_document(body: &[u8]) -> Result<String, DiscoveryError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| DiscoveryError::NotJson {
            reason: e.to_string(),
        })?;
    let object = value.as_object().ok_or_else(|| DiscoveryError::NotJson {
        reason: "the top level is not an object".to_string(),
    })?;
    let jwks_uri = object
        .get("jwks_uri")
        .and_then(|v| v.as_str())
        .ok_or(DiscoveryError::MissingJwksUri)?;
    crate::HttpsUrl::parse(jwks_uri).map_err(|_| DiscoveryError::JwksNotHttps {
        jwks_uri: jwks_uri.to_string(),
    })?;
    Ok(jwks_uri.to_string())
}

/// Everything observed in one run: each issuer's discovery outcome and each host's chains.
/// Each host appears once however many declarations name it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observations {
    /// One per distinct issuer URL whose discovery document was read.
    pub issuers: Vec<IssuerObservation>,
    /// One per distinct host.
    pub hosts: Vec<HostObservation>,
}

impl Observations {
    /// The discovery outcome of an issuer URL (compared without a trailing slash).
    pub fn issuer(&self, url: &str) -> Option<&IssuerObservation> {
        let wanted = url.trim_end_matches('/');
        self.issuers
            .iter()
            .find(|o| o.issuer.trim_end_matches('/') == wanted)
    }

    /// The observation of a host.
    pub fn host(&self, endpoint: &Endpoint) -> Option<&HostObservation> {
        self.hosts.iter().find(|o| &o.endpoint == endpoint)
    }
}
