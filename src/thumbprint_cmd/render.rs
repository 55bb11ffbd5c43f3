//! What `thumbprint` prints: the thumbprints first, then each host's chains, as text; or
//! versioned JSON built from output types of its own.

use super::Target;
use oidc_thumb_core::{
    CertFacts, ChainVariant, DiscoveryError, HostObservation, Observations, Thumbprint, Timestamp,
    Verification,
};
use serde::Serialize;
use std::fmt::Write as _;

/// One target's share of the observations.
pub(super) struct TargetReport<'a> {
    /// The issuer URL, for issuer targets.
    pub(super) issuer: Option<&'a str>,
    /// `jwks_uri` from the discovery document, when read (empty when unknown offline).
    pub(super) jwks_uri: Option<&'a str>,
    /// Why the discovery document gave no JWKS host.
    pub(super) error: Option<String>,
    /// The error is the issuer host's own, shown with that host.
    pub(super) error_shown_by_host: bool,
    /// The hosts to show, each with its role.
    pub(super) hosts: Vec<(&'static str, &'a HostObservation)>,
}

impl<'a> TargetReport<'a> {
    pub(super) fn new(target: &Target, observations: &'a Observations) -> TargetReport<'a> {
        let issuer_url = match target {
            Target::Host(endpoint) => {
                return TargetReport {
                    issuer: None,
                    jwks_uri: None,
                    error: None,
                    error_shown_by_host: false,
                    hosts: observations
                        .host(endpoint)
                        .map(|host| ("host", host))
                        .into_iter()
                        .collect(),
                }
            }
            Target::Issuer(url) => url,
        };

        let Some(observation) = observations.issuer(issuer_url) else {
            return TargetReport {
                issuer: None,
                jwks_uri: None,
                error: Some("the issuer was not observed".to_string()),
                error_shown_by_host: false,
                hosts: Vec::new(),
            };
        };
        let issuer_endpoint = oidc_thumb_core::HttpsUrl::parse(issuer_url)
            .ok()
            .map(|url| url.endpoint);
        let mut hosts = Vec::new();
        let (jwks_uri, error) = match &observation.discovery {
            Ok(discovery) => {
                if discovery.jwks_endpoint == discovery.issuer_endpoint {
                    hosts.extend(
                        observations
                            .host(&discovery.issuer_endpoint)
                            .map(|h| ("issuer and JWKS host", h)),
                    );
                } else {
                    hosts.extend(
                        observations
                            .host(&discovery.issuer_endpoint)
                            .map(|h| ("issuer host", h)),
                    );
                    hosts.extend(
                        observations
                            .host(&discovery.jwks_endpoint)
                            .map(|h| ("JWKS host", h)),
                    );
                }
                (Some(discovery.jwks_uri.as_str()), None)
            }
            Err(error) => {
                hosts.extend(
                    issuer_endpoint
                        .as_ref()
                        .and_then(|e| observations.host(e))
                        .map(|h| ("issuer host", h)),
                );
                (None, Some(error.to_string()))
            }
        };
        let error_shown_by_host = matches!(observation.discovery, Err(DiscoveryError::Host(_)))
            && hosts.iter().any(|(_, host)| host.result.is_err());
        TargetReport {
            issuer: Some(observation.issuer.as_str()),
            jwks_uri,
            error,
            error_shown_by_host,
            hosts,
        }
    }

    /// The target as the user named it.
    pub(super) fn title(&self) -> String {
        match (self.issuer, self.hosts.first()) {
            (Some(issuer), _) => issuer.to_string(),
            (None, Some((_, host))) => host.endpoint.authority(),
            (None, None) => "target".to_string(),
        }
    }

    /// True when the discovery document was read and every host showed a chain.
    pub(super) fn checked(&self) -> bool {
        self.error.is_none()
            && !self.hosts.is_empty()
            && self.hosts.iter().all(|(_, host)| {
                host.result
                    .as_ref()
                    .is_ok_and(|variants| variants.iter().all(|v| !v.possibly_intercepted()))
            })
    }
}

/// The thumbprint of each distinct top certificate, one per line.
pub(super) fn thumbprints_only(reports: &[TargetReport<'_>]) -> String {
    let mut seen: Vec<Thumbprint> = Vec::new();
    for (_, host) in reports.iter().flat_map(|r| &r.hosts) {
        for variant in host.result.iter().flatten() {
            if variant.possibly_intercepted() {
                continue;
            }
            let thumbprint = variant.chain.top_thumbprint();
            if !seen.contains(&thumbprint) {
                seen.push(thumbprint);
            }
        }
    }
    seen.iter().map(|t| format!("{t}\n")).collect()
}

/// Readable text: `HOST  THUMBPRINT` lines, then each target's hosts and chains.
pub(super) fn text(reports: &[TargetReport<'_>], now: Timestamp) -> String {
    let mut out = String::new();
    let mut summary: Vec<String> = Vec::new();
    for (_, host) in reports.iter().flat_map(|r| &r.hosts) {
        let authority = host.endpoint.authority();
        let lines = match &host.result {
            Ok(variants) => variants
                .iter()
                .map(|v| match v.possibly_intercepted() {
                    true => format!("{authority}  (no thumbprint: possible TLS interception)"),
                    false => format!("{authority}  {}", v.chain.top_thumbprint()),
                })
                .collect(),
            Err(error) => vec![format!("{authority}  (no thumbprint: {error})")],
        };
        for line in lines {
            if !summary.contains(&line) {
                summary.push(line);
            }
        }
    }
    for line in &summary {
        let _ = writeln!(out, "{line}");
    }

    for report in reports {
        out.push('\n');
        target_text(&mut out, report, now);
    }
    out
}

fn target_text(out: &mut String, report: &TargetReport<'_>, now: Timestamp) {
    if let Some(issuer) = report.issuer {
        let _ = writeln!(out, "{issuer}");
        match report.jwks_uri {
            Some("") => {
                let _ = writeln!(
                    out,
                    "  jwks_uri: unknown (no saved discovery document); the JWKS host is \
                     taken to be the issuer host"
                );
            }
            Some(jwks_uri) => {
                let _ = writeln!(out, "  jwks_uri: {jwks_uri}");
            }
            None => {}
        }
        if let Some(error) = report
            .error
            .as_ref()
            .filter(|_| !report.error_shown_by_host)
        {
            let _ = writeln!(out, "  error: {error}");
        }
    }
    let indent = if report.issuer.is_some() { "  " } else { "" };
    for (role, host) in &report.hosts {
        host_text(out, indent, role, host, now);
    }
}

fn host_text(out: &mut String, indent: &str, role: &str, host: &HostObservation, now: Timestamp) {
    let authority = host.endpoint.authority();
    match &host.result {
        Err(error) => {
            let _ = writeln!(out, "{indent}{authority} ({role})");
            let _ = writeln!(out, "{indent}  error: {error}");
        }
        Ok(variants) => {
            for (index, variant) in variants.iter().enumerate() {
                let of = if variants.len() > 1 {
                    format!(", chain {} of {}", index + 1, variants.len())
                } else {
                    String::new()
                };
                let _ = writeln!(out, "{indent}{authority} ({role}){of}");
                variant_text(out, &format!("{indent}  "), variant, now);
            }
        }
    }
    for note in &host.notes {
        let _ = writeln!(out, "{indent}  note: {note}");
    }
}

fn variant_text(out: &mut String, indent: &str, variant: &ChainVariant, now: Timestamp) {
    match variant.possibly_intercepted() {
        true => {
            let _ = writeln!(
                out,
                "{indent}thumbprint: withheld: {}",
                interception(variant)
            );
        }
        false => {
            let _ = writeln!(
                out,
                "{indent}thumbprint: {}",
                variant.chain.top_thumbprint()
            );
        }
    }
    let _ = writeln!(out, "{indent}addresses: {}", addresses(variant));
    let _ = writeln!(
        out,
        "{indent}verification: {}",
        verification_text(&variant.verification)
    );
    let _ = writeln!(out, "{indent}chain, as presented:");
    let last = variant.chain.certs.len().saturating_sub(1);
    for (position, cert) in variant.chain.certs.iter().enumerate() {
        let top = if position == last {
            "  <- top certificate"
        } else {
            ""
        };
        let _ = writeln!(out, "{indent}  {}. {}{top}", position + 1, cert.subject);
        let _ = writeln!(out, "{indent}     issuer:  {}", cert.issuer);
        let _ = writeln!(out, "{indent}     sha1:    {}", cert.sha1);
        let _ = writeln!(out, "{indent}     expires: {}", expiry(cert, now));
    }
}

/// Why a chain's thumbprint is withheld (rule 8).
pub(super) fn interception(variant: &ChainVariant) -> String {
    let path = if variant.via_proxy {
        "through a proxy"
    } else {
        "at public addresses"
    };
    let reason = match &variant.verification {
        Verification::Unverified { reason } => reason.as_str(),
        _ => "",
    };
    format!(
        "possible TLS interception: the chain presented {path} verifies against no public root \
         and no CA you named ({reason}), so its top certificate may be a proxy's rather than \
         the provider's; name the provider's private CA with --ca-file if it has one"
    )
}

/// The addresses that presented a chain, for people.
pub(super) fn addresses(variant: &ChainVariant) -> String {
    if variant.addresses.is_empty() {
        "saved chain".to_string()
    } else {
        variant.addresses.join(", ")
    }
}

fn verification_text(verification: &Verification) -> String {
    match verification {
        Verification::Public => {
            "chains to a public root (IAM validates it; the thumbprint is a fallback)".to_string()
        }
        Verification::NamedCa => {
            "chains to a CA you named (--ca-file, SSL_CERT_FILE); the thumbprint is enforced"
                .to_string()
        }
        Verification::Unverified { reason } => {
            format!("not verified: {reason}; the thumbprint is enforced")
        }
        Verification::Saved => "not checked (saved chain)".to_string(),
    }
}

fn expiry(cert: &CertFacts, now: Timestamp) -> String {
    let days = cert.days_left(now);
    let date = cert.not_after.date();
    match days {
        _ if cert.is_expired(now) => {
            let ago = now.days_until(cert.not_after).unsigned_abs();
            format!("{date} (expired {ago} days ago)")
        }
        1 => format!("{date} (1 day left)"),
        days => format!("{date} ({days} days left)"),
    }
}

/// The JSON format's version.
const JSON_VERSION: u32 = 1;

/// One target in `thumbprint --format json`.
#[derive(Serialize)]
struct JsonTarget {
    version: u32,
    issuer: Option<String>,
    jwks_uri: Option<String>,
    hosts: Vec<JsonHost>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// One host and distinct chain, or one host that showed none.
#[derive(Serialize)]
struct JsonHost {
    host: String,
    port: u16,
    role: &'static str,
    addresses: Vec<String>,
    thumbprint: Option<String>,
    /// `public`, `named-ca`, `unverified` or `saved`; null when no chain was seen.
    verified: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unverified_reason: Option<String>,
    chain: Vec<JsonCert>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonCert {
    subject: String,
    issuer: String,
    sha1: String,
    sha256: String,
    not_before: String,
    not_after: String,
    is_ca: bool,
    self_signed: bool,
}

/// `thumbprint --format json`: an array with one entry per target.
pub(super) fn json(reports: &[TargetReport<'_>]) -> anyhow::Result<String> {
    let targets: Vec<JsonTarget> = reports.iter().map(json_target).collect();
    Ok(serde_json::to_string_pretty(&targets)? + "\n")
}

fn json_target(report: &TargetReport<'_>) -> JsonTarget {
    JsonTarget {
        version: JSON_VERSION,
        issuer: report.issuer.map(str::to_string),
        jwks_uri: report
            .jwks_uri
            .filter(|uri| !uri.is_empty())
            .map(str::to_string),
        hosts: report
            .hosts
            .iter()
            .flat_map(|(role, host)| json_hosts(role, host))
            .collect(),
        error: report.error.clone(),
    }
}

fn json_hosts(role: &'static str, host: &HostObservation) -> Vec<JsonHost> {
    let empty = |error: Option<String>| JsonHost {
        host: host.endpoint.host.clone(),
        port: host.endpoint.port,
        role,
        addresses: Vec::new(),
        thumbprint: None,
        verified: None,
        unverified_reason: None,
        chain: Vec::new(),
        notes: host.notes.clone(),
        error,
    };
    let variants = match &host.result {
        Ok(variants) => variants,
        Err(error) => return vec![empty(Some(error.to_string()))],
    };
    variants
        .iter()
        .map(|variant| {
            let (verified, unverified_reason) = match &variant.verification {
                Verification::Public => ("public", None),
                Verification::NamedCa => ("named-ca", None),
                Verification::Unverified { reason } => ("unverified", Some(reason.clone())),
                Verification::Saved => ("saved", None),
            };
            let intercepted = variant.possibly_intercepted();
            JsonHost {
                addresses: variant.addresses.clone(),
                thumbprint: (!intercepted).then(|| variant.chain.top_thumbprint().to_string()),
                verified: Some(verified),
                unverified_reason,
                chain: variant.chain.certs.iter().map(json_cert).collect(),
                ..empty(intercepted.then(|| interception(variant)))
            }
        })
        .collect()
}

fn json_cert(cert: &CertFacts) -> JsonCert {
    JsonCert {
        subject: cert.subject.clone(),
        issuer: cert.issuer.clone(),
        sha1: cert.sha1.to_string(),
        sha256: cert.sha256.clone(),
        not_before: cert.not_before.rfc3339(),
        not_after: cert.not_after.rfc3339(),
        is_ca: cert.is_ca,
        self_signed: cert.self_signed,
    }
}
