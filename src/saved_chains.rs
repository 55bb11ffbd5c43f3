//! Saved chains: observations read from a folder of PEM files instead of the network, and
//! written there by `thumbprint --save-chains`.
//!
//! `DIR/HOST.pem` (or `DIR/HOST_PORT.pem`) holds the chain a host presents, in presented
//! order; `DIR/discovery.json` maps issuer URLs to their `jwks_uri`.

use anyhow::Context as _;
use oidc_thumb_core::{
    ChainVariant, Discovery, DiscoveryError, Endpoint, HostError, HostObservation, HttpsUrl,
    IssuerObservation, Observations, PresentedChain, Verification,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file that maps issuer URLs to their `jwks_uri`.
pub const DISCOVERY_FILE: &str = "discovery.json";

/// Observations from saved chains: each issuer's JWKS host from `DIR/discovery.json` (the
/// issuer host itself when the file has no entry), and each host's chain from its PEM file.
pub fn observe_saved(dir: &Path, issuers: &[String], extra_hosts: &[Endpoint]) -> Observations {
    let jwks_uris = read_discovery_file(dir);

    let mut observed_issuers = Vec::new();
    let mut hosts: Vec<Endpoint> = Vec::new();
    for issuer in issuers {
        if observed_issuers
            .iter()
            .any(|o: &IssuerObservation| same_issuer(&o.issuer, issuer))
        {
            continue;
        }
        let discovery = saved_discovery(issuer, &jwks_uris);
        if let Ok(found) = &discovery {
            push_unique(&mut hosts, &found.issuer_endpoint);
            push_unique(&mut hosts, &found.jwks_endpoint);
        }
        observed_issuers.push(IssuerObservation {
            issuer: issuer.clone(),
            discovery,
        });
    }
    for endpoint in extra_hosts {
        push_unique(&mut hosts, endpoint);
    }

    Observations {
        issuers: observed_issuers,
        hosts: hosts.iter().map(|e| saved_host(dir, e)).collect(),
    }
}

fn same_issuer(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

fn push_unique(hosts: &mut Vec<Endpoint>, endpoint: &Endpoint) {
    if !hosts.contains(endpoint) {
        hosts.push(endpoint.clone());
    }
}

/// The entries of `DIR/discovery.json`, or why it cannot be read (a missing file is empty).
fn read_discovery_file(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = dir.join(DISCOVERY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: {e}; expected an object of issuer URL to jwks_uri strings",
            path.display()
        )
    })
}

fn saved_discovery(
    issuer: &str,
    jwks_uris: &Result<BTreeMap<String, String>, String>,
) -> Result<Discovery, DiscoveryError> {
    let issuer_url = HttpsUrl::parse(issuer).map_err(|e| DiscoveryError::Http {
        reason: e.to_string(),
    })?;
    let jwks_uris = jwks_uris
        .as_ref()
        .map_err(|reason| DiscoveryError::NotJson {
            reason: reason.clone(),
        })?;
    let entry = jwks_uris
        .iter()
        .find(|(saved, _)| same_issuer(saved, issuer))
        .map(|(_, jwks_uri)| jwks_uri);
    let (jwks_uri, jwks_endpoint) = match entry {
        Some(jwks_uri) => {
            let url = HttpsUrl::parse(jwks_uri).map_err(|_| DiscoveryError::JwksNotHttps {
                jwks_uri: jwks_uri.clone(),
            })?;
            (jwks_uri.clone(), url.endpoint)
        }
        // No saved discovery document: the JWKS host is taken to be the issuer host, and the
        // `jwks_uri` stays unknown (empty).
        None => (String::new(), issuer_url.endpoint.clone()),
    };
    Ok(Discovery {
        issuer_endpoint: issuer_url.endpoint,
        jwks_uri,
        jwks_endpoint,
    })
}

fn saved_host(dir: &Path, endpoint: &Endpoint) -> HostObservation {
    let path = dir.join(endpoint.chain_file_name());
    let file = path.display().to_string();
    let result = match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(HostError::NoSavedChain { file }),
        Err(e) => Err(HostError::BadSavedChain {
            file,
            reason: e.to_string(),
        }),
        Ok(text) => match PresentedChain::from_pem(&text) {
            Ok(chain) => Ok(vec![ChainVariant {
                addresses: Vec::new(),
                chain,
                verification: Verification::Saved,
                via_proxy: false,
                public_addresses: false,
            }]),
            Err(e) => Err(HostError::BadSavedChain {
                file,
                reason: e.to_string(),
            }),
        },
    };
    HostObservation {
        endpoint: endpoint.clone(),
        result,
        notes: Vec::new(),
    }
}

/// Writes each observed chain to `DIR/HOST[_PORT].pem` and adds each issuer's `jwks_uri` to
/// `DIR/discovery.json` (entries already there are kept). Returns the files written and
/// notes for a person (hosts with several chains).
pub fn save_chains(dir: &Path, observations: &Observations) -> anyhow::Result<SavedFiles> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let mut saved = SavedFiles::default();

    for host in &observations.hosts {
        let Ok(variants) = &host.result else { continue };
        let Some(first) = variants.first() else {
            continue;
        };
        // One file holds one chain: a host that presents several keeps only the first.
        if variants.len() > 1 {
            saved.notes.push(format!(
                "{} presents {} distinct chains; only the first was saved",
                host.endpoint,
                variants.len()
            ));
        }
        let path = dir.join(host.endpoint.chain_file_name());
        std::fs::write(&path, first.chain.to_pem())
            .with_context(|| format!("cannot write {}", path.display()))?;
        saved.files.push(path);
    }

    let found: Vec<(&str, &str)> = observations
        .issuers
        .iter()
        .filter_map(|o| {
            let discovery = o.discovery.as_ref().ok()?;
            (!discovery.jwks_uri.is_empty())
                .then_some((o.issuer.as_str(), discovery.jwks_uri.as_str()))
        })
        .collect();
    if !found.is_empty() {
        let path = dir.join(DISCOVERY_FILE);
        let mut entries = read_discovery_file(dir)
            .map_err(|reason| anyhow::anyhow!("cannot add to {}: {reason}", path.display()))?;
        for (issuer, jwks_uri) in found {
            entries.insert(issuer.to_string(), jwks_uri.to_string());
        }
        let text = serde_json::to_string_pretty(&entries)? + "\n";
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        saved.files.push(path);
    }
    Ok(saved)
}

/// What `save_chains` wrote.
#[derive(Debug, Default)]
pub struct SavedFiles {
    /// Every file written.
    pub files: Vec<PathBuf>,
    /// Remarks for a person.
    pub notes: Vec<String>,
}
