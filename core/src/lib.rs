//! oidc-thumb-core: everything oidc-thumb-check decides, with no network, file system or clock.
//!
//! Data flows one way: file text -> [`Declaration`]s -> hosts -> observations -> findings ->
//! reports. The binary does the I/O at both ends: it reads the files, fetches (or loads) the
//! presented chains and writes the reports. Everything between is here, as plain functions of
//! values, so another tool can embed the checker natively or in WebAssembly (the crate builds
//! for `wasm32-wasip1`).
//!
//! # Example
//!
//! A Terraform file judged against the chain its provider presents, rendered as JSON:
//!
//! ```
//! use oidc_thumb_core::readers::{read_terraform_module, ReadContext, SourceFile};
//! use oidc_thumb_core::report::json;
//! use oidc_thumb_core::{
//!     evaluate, plan_observations, ChainVariant, Discovery, HostObservation, HttpsUrl,
//!     IssuerObservation, Observations, Policy, PresentedChain, Status, Timestamp, Verification,
//! };
//!
//! // The declarations in a file's text (the caller reads the file).
//! let text = r#"
//! resource "aws_iam_openid_connect_provider" "idp" {
//!   url             = "https://idp.example.com"
//!   client_id_list  = ["sts.amazonaws.com"]
//!   thumbprint_list = ["7138f99767e00cef928087558b8629116ceddf11"]
//! }
//! "#;
//! let file = SourceFile { path: "infra/iam.tf", text };
//! let declarations: Vec<_> = read_terraform_module(&[file], &ReadContext::default())
//!     .into_iter()
//!     .flat_map(|report| report.declarations)
//!     .collect();
//!
//! // What must be observed: each issuer once. The caller fetches the discovery document
//! // and the presented chain; here the chain is PEM text, as a saved chain is.
//! let plan = plan_observations(&declarations);
//! assert_eq!(plan.issuers, ["https://idp.example.com"]);
//! let issuer = HttpsUrl::parse(&plan.issuers[0])?;
//! let chain = PresentedChain::from_pem(PRESENTED_CHAIN)?;
//! let observations = Observations {
//!     issuers: vec![IssuerObservation {
//!         issuer: plan.issuers[0].clone(),
//!         discovery: Ok(Discovery {
//!             issuer_endpoint: issuer.endpoint.clone(),
//!             jwks_uri: "https://idp.example.com/keys".to_string(),
//!             jwks_endpoint: issuer.endpoint.clone(),
//!         }),
//!     }],
//!     hosts: vec![HostObservation {
//!         endpoint: issuer.endpoint,
//!         result: Ok(vec![ChainVariant {
//!             addresses: Vec::new(),
//!             chain,
//!             verification: Verification::Saved,
//!             via_proxy: false,
//!             public_addresses: false,
//!         }]),
//!         notes: Vec::new(),
//!     }],
//! };
//!
//! // Judged at a given instant (core reads no clock) under the default policy.
//! let now = Timestamp::parse("2027-06-01").ok_or("not a date")?;
//! let report = evaluate(&declarations, Vec::new(), &observations, &Policy::default(), now);
//! assert_eq!(report.results[0].status, Status::Pass);
//! assert!(!report.gate_failed());
//!
//! let output: serde_json::Value = serde_json::from_str(&json::render(&report))?;
//! assert_eq!(output["results"][0]["file"], "infra/iam.tf");
//! assert_eq!(output["results"][0]["status"], "pass");
//!
//! // A self-signed certificate, valid until 2100, whose SHA-1 the file pins.
//! const PRESENTED_CHAIN: &str = "\
//! -----BEGIN CERTIFICATE-----
//! MIIBVzCCAQmgAwIBAgIUDgz38qYcqaKbhcZx7aEA97kkw9MwBQYDK2VwMCAxHjAc
//! BgNVBAMMFUV4YW1wbGUgSWRlbnRpdHkgUm9vdDAgFw0yNjEyMDMxNzI5MzlaGA8y
//! MTAwMTEwNTE3MjkzOVowIDEeMBwGA1UEAwwVRXhhbXBsZSBJZGVudGl0eSBSb290
//! MCowBQYDK2VwAyEAkh/065uAcz2tqELa1GL/t+2pXRWvU5KJ6n63bNdlUjujUzBR
//! MB0GA1UdDgQWBBS4h5yTk/srRSKovSUrHhhUopVyTTAfBgNVHSMEGDAWgBS4h5yT
//! k/srRSKovSUrHhhUopVyTTAPBgNVHRMBAf8EBTADAQH/MAUGAytlcANBAKD5N7Qz
//! 2UKKk/9Nq+Oi3oeAOsKDfysC95zQWinNZUUou0eTGp4UQ6gNjUrk+lEqgJKKofml
//! pZzfiqcmipy6WgQ=
//! -----END CERTIFICATE-----
//! ";
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod account;
mod cert;
mod chain;
mod declaration;
mod drift;
mod endpoint;
mod evaluate;
mod finding;
pub mod fix;
pub mod limits;
mod observation;
mod policy;
pub mod readers;
pub mod report;
mod suppression;
mod thumbprint;
mod time;
mod tree;

pub use cert::{CertError, CertFacts};
pub use chain::{pem_block, pem_certificates, ChainError, PresentedChain, MAX_CHAIN_LEN};
pub use declaration::{
    line_column, Declaration, DeclaredThumbprint, FileReport, Format, IssuerUrl, ReadNotice, Span,
    Suppression, ThumbprintList,
};
pub use drift::add_drift;
pub use endpoint::{
    canonical_ip, non_public_reason, AddressPolicy, Cidr, Endpoint, HttpsUrl, UrlError,
};
pub use evaluate::{
    evaluate, evaluate_declaration, plan_observations, plan_thumbprints, resolve_issuers,
    ObservationPlan, MAX_THUMBPRINTS,
};
pub use finding::{
    DeclarationResult, Enforcement, Finding, HostResult, HostRole, Report, Severity, Status,
    Summary, VariantResult,
};
pub use observation::{
    read_discovery_document, ChainVariant, Discovery, DiscoveryError, HostError, HostObservation,
    IssuerObservation, Observations, Verification,
};
pub use policy::{glob_match, Ignore, Policy};
pub use suppression::find_suppressions;
pub use thumbprint::{Thumbprint, ThumbprintError, ThumbprintStyle};
pub use time::Timestamp;
