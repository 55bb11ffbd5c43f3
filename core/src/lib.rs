//! oidc-thumb-core: everything oidc-thumb-check decides, with no network, file system or clock.
//!
//! Data flows one way: file text -> [`Declaration`]s -> hosts -> observations -> findings ->
//! reports. The binary does the I/O at both ends.

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
