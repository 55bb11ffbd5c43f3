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
        if variants.iter().any(ChainVariant::possibly_intercepted) {
            saved.notes.push(format!(
                "{} was not saved: its chain may be a TLS-intercepting proxy's",
                host.endpoint
            ));
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(name: &str) -> PresentedChain {
        let certified = rcgen::generate_simple_self_signed(vec![name.to_string()])
            .expect("rcgen makes a certificate");
        PresentedChain::from_der([certified.cert.der().as_ref()]).expect("rcgen's DER reads")
    }

    fn variant(chain: PresentedChain, verification: Verification) -> ChainVariant {
        ChainVariant {
            addresses: vec!["203.0.113.7".into()],
            chain,
            verification,
            via_proxy: false,
            public_addresses: true,
        }
    }

    fn host(name: &str, variants: Vec<ChainVariant>) -> HostObservation {
        HostObservation {
            endpoint: Endpoint::parse(name).expect("valid host"),
            result: Ok(variants),
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_possibly_intercepted_chain_is_never_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let unverified = Verification::Unverified {
            reason: "the chain does not lead to a trusted root".into(),
        };
        let observations = Observations {
            issuers: Vec::new(),
            hosts: vec![host(
                "idp.example",
                vec![variant(chain("idp.example"), unverified)],
            )],
        };

        let saved = save_chains(dir.path(), &observations).expect("the folder is writable");

        assert!(saved.files.is_empty());
        assert!(!dir.path().join("idp.example.pem").exists());
        assert_eq!(
            saved.notes,
            ["idp.example:443 was not saved: its chain may be a TLS-intercepting proxy's"]
        );
    }

    #[test]
    fn a_host_with_several_chains_keeps_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = chain("first.example");
        let observations = Observations {
            issuers: Vec::new(),
            hosts: vec![host(
                "idp.example:8443",
                vec![
                    variant(first.clone(), Verification::Public),
                    variant(chain("second.example"), Verification::Public),
                ],
            )],
        };

        let saved = save_chains(dir.path(), &observations).expect("the folder is writable");

        let text = std::fs::read_to_string(dir.path().join("idp.example_8443.pem"))
            .expect("the chain file is written");
        assert_eq!(text, first.to_pem());
        assert_eq!(
            saved.notes,
            ["idp.example:8443 presents 2 distinct chains; only the first was saved"]
        );
    }

    #[test]
    fn saved_discovery_entries_are_kept_when_more_are_added() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(DISCOVERY_FILE),
            r#"{"https://old.example": "https://old.example/keys"}"#,
        )
        .expect("write");
        let endpoint = Endpoint::parse("new.example").expect("valid host");
        let observations = Observations {
            issuers: vec![IssuerObservation {
                issuer: "https://new.example".into(),
                discovery: Ok(Discovery {
                    issuer_endpoint: endpoint.clone(),
                    jwks_uri: "https://new.example/jwks".into(),
                    jwks_endpoint: endpoint,
                }),
            }],
            hosts: Vec::new(),
        };

        save_chains(dir.path(), &observations).expect("the folder is writable");

        let saved = read_discovery_file(dir.path()).expect("valid discovery.json");
        assert_eq!(saved.len(), 2);
        assert_eq!(saved["https://new.example"], "https://new.example/jwks");
        assert_eq!(saved["https://old.example"], "https://old.example/keys");
    }
}
