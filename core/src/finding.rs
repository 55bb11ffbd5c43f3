//! Findings and results: what evaluation concludes about each declaration, and the policy
//! that decides how much each conclusion weighs.

use crate::{CertFacts, Declaration, Endpoint, ReadNotice, Thumbprint, Timestamp, Verification};
use serde::Serialize;
use std::collections::BTreeMap;

/// The verdict of a finding, and of a result (the most severe of its findings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every check passed.
    Pass,
    /// No declared thumbprint matches the presented chain.
    Mismatch,
    /// A host's or a chain variant's thumbprint is missing while another is declared.
    Incomplete,
    /// A declared value matches a lower certificate (leaf or lower intermediate).
    FragilePin,
    /// The pinned certificate expires within the window.
    Expiring,
    /// A certificate of the chain has expired.
    Expired,
    /// A declared value is not 40 hex digits (or has separators IAM refuses).
    Malformed,
    /// More than five thumbprints.
    TooMany,
    /// The same thumbprint declared twice.
    Duplicate,
    /// A valid value written in upper case: IAM stores lower case.
    Style,
    /// The issuer or a host could not be reached, or its discovery document was unusable.
    Unreachable,
    /// The TLS handshake failed.
    TlsError,
    /// The chain verifies against nothing trusted on a public or proxied path: possibly a
    /// TLS-intercepting proxy; not compared.
    Interception,
    /// The host resolves to addresses the address policy refuses.
    RefusedAddress,
    /// Declared in the repository, absent from every AWS account checked.
    DriftAbsent,
    /// Present in an AWS account, declared nowhere in the repository.
    DriftUndeclared,
    /// Declared and present, with thumbprints that differ between the two.
    DriftThumbprints,
    /// The thumbprint list is computed at apply time: skipped.
    Dynamic,
    /// The issuer URL is an expression that could not be resolved.
    Unresolved,
}

impl Status {
    /// Every status, in the order of the design.
    pub const ALL: [Status; 19] = [
        Status::Pass,
        Status::Mismatch,
        Status::Incomplete,
        Status::FragilePin,
        Status::Expiring,
        Status::Expired,
        Status::Malformed,
        Status::TooMany,
        Status::Duplicate,
        Status::Style,
        Status::Unreachable,
        Status::TlsError,
        Status::Interception,
        Status::RefusedAddress,
        Status::DriftAbsent,
        Status::DriftUndeclared,
        Status::DriftThumbprints,
        Status::Dynamic,
        Status::Unresolved,
    ];

    /// The name used in every output and in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Mismatch => "mismatch",
            Status::Incomplete => "incomplete",
            Status::FragilePin => "fragile-pin",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Malformed => "malformed",
            Status::TooMany => "too-many",
            Status::Duplicate => "duplicate",
            Status::Style => "style",
            Status::Unreachable => "unreachable",
            Status::TlsError => "tls-error",
            Status::Interception => "interception",
            Status::RefusedAddress => "refused-address",
            Status::DriftAbsent => "drift-absent",
            Status::DriftUndeclared => "drift-undeclared",
            Status::DriftThumbprints => "drift-thumbprints",
            Status::Dynamic => "dynamic",
            Status::Unresolved => "unresolved",
        }
    }

    /// Parses a status name.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The severity a status has unless the policy says otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            Status::Pass => Severity::Off,
            Status::Mismatch
            | Status::Incomplete
            | Status::Expiring
            | Status::Expired
            | Status::Malformed
            | Status::TooMany
            | Status::Unreachable
            | Status::TlsError
            | Status::RefusedAddress
            | Status::DriftThumbprints => Severity::Error,
            Status::FragilePin
            | Status::Duplicate
            | Status::Interception
            | Status::Unresolved
            | Status::DriftAbsent
            | Status::DriftUndeclared => Severity::Warning,
            Status::Style | Status::Dynamic => Severity::Notice,
        }
    }

    /// One sentence on what the status means: rule help in SARIF, titles in annotations.
    pub fn title(self) -> &'static str {
        match self {
            Status::Pass => "Thumbprints match the live certificate chain",
            Status::Mismatch => "Declared thumbprints do not match the live certificate chain",
            Status::Incomplete => "A host or chain variant has no declared thumbprint",
            Status::FragilePin => "Thumbprint pins a certificate below the top of the chain",
            Status::Expiring => "The pinned certificate expires soon",
            Status::Expired => "A certificate of the chain has expired",
            Status::Malformed => "A declared thumbprint is not 40 hex digits",
            Status::TooMany => "More than five thumbprints",
            Status::Duplicate => "The same thumbprint is declared twice",
            Status::Style => "Thumbprint written in upper case",
            Status::Unreachable => "The provider could not be checked",
            Status::TlsError => "The TLS handshake with the provider failed",
            Status::Interception => "The chain looks intercepted by a TLS proxy",
            Status::RefusedAddress => "The provider resolves to a non-public address",
            Status::DriftAbsent => "Declared in the repository, absent from the AWS account",
            Status::DriftUndeclared => "Present in the AWS account, declared nowhere",
            Status::DriftThumbprints => {
                "The AWS account holds other thumbprints than the repository declares"
            }
            Status::Dynamic => "Thumbprints are computed at apply time",
            Status::Unresolved => "The issuer URL could not be resolved statically",
        }
    }

    /// What to do about it: rule help in SARIF and the README.
    pub fn help(self) -> &'static str {
        match self {
            Status::Pass => "Nothing to do.",
            Status::Mismatch => {
                "IAM compares the SHA-1 of the top certificate the JWKS host presents with the \
                 declared thumbprints. Replace the list with the expected values in the message \
                 (or run `oidc-thumb-check fix`)."
            }
            Status::Incomplete => {
                "When the issuer and JWKS hosts differ, or a host serves several chains, IAM \
                 needs a thumbprint for each. Add the missing values named in the message."
            }
            Status::FragilePin => {
                "The value matches a leaf or lower intermediate certificate, which rotates far \
                 more often than the top of the chain. Pin the top certificate instead."
            }
            Status::Expiring => {
                "When the pinned certificate is replaced, the thumbprint changes. Add the \
                 successor's thumbprint before the date in the message."
            }
            Status::Expired => {
                "Renew or replace the expired certificate; re-check the thumbprint after."
            }
            Status::Malformed => {
                "IAM accepts exactly 40 hex digits without colons or spaces. Write the value \
                 as the message shows."
            }
            Status::TooMany => {
                "IAM accepts at most five thumbprints per provider. Remove stale values."
            }
            Status::Duplicate => "Remove the repeated value.",
            Status::Style => {
                "IAM stores thumbprints in lower case; an upper-case value causes a perpetual \
                 diff in some tools. Write it in lower case."
            }
            Status::Unreachable => {
                "Check the issuer URL, the discovery document and the network path; the \
                 message says what failed."
            }
            Status::TlsError => {
                "Check the provider's TLS configuration; the message says what failed."
            }
            Status::Interception => {
                "The chain verifies against no public root and no CA you named, over a public \
                 or proxied path: a corporate proxy may be intercepting TLS. Its thumbprint \
                 would be the proxy's, so it is not compared. Run from a network without \
                 interception, or name your private CA with --ca-file."
            }
            Status::RefusedAddress => {
                "The tool connects only to public addresses by default. For an internal \
                 identity provider, allow its host or network in the configuration or pass \
                 --allow-private-addresses."
            }
            Status::DriftAbsent => {
                "No provider of the AWS accounts checked has this issuer URL. Apply the \
                 infrastructure code, or check the account with --role-arn if it lives in \
                 another one."
            }
            Status::DriftUndeclared => {
                "A provider exists in the account that no file of the repository declares: it \
                 was created by hand or elsewhere. Declare it, or delete it if nothing uses it."
            }
            Status::DriftThumbprints => {
                "The account's thumbprint list differs from the declared one: it was changed by \
                 hand, or the code was not applied. Apply the code, or bring the repository in \
                 line with the account."
            }
            Status::Dynamic => "Nothing to check before apply: the list is computed then.",
            Status::Unresolved => {
                "Map the expression to a URL under [issuers] in .oidc-thumb-check.toml so it \
                 can be checked."
            }
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a finding weighs: errors fail the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Not reported.
    Off,
    /// Reported for information.
    Notice,
    /// Reported; does not fail the gate.
    Warning,
    /// Fails the gate.
    Error,
}

impl Severity {
    /// The name used in outputs and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a severity name.
    pub fn parse(name: &str) -> Option<Severity> {
        [
            Severity::Off,
            Severity::Notice,
            Severity::Warning,
            Severity::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// Whether IAM validates the provider through its CA library or relies on the thumbprints
/// (rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    /// The JWKS host's chain verifies against public roots: thumbprints are a fallback.
    CaValidated,
    /// Private CA, self-signed, unverifiable, or read from a saved chain: thumbprints decide.
    ThumbprintEnforced,
}

/// One conclusion about a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The verdict.
    pub status: Status,
    /// Its weight under the policy (before suppression).
    pub severity: Severity,
    /// What was declared, what is live, and what to do.
    pub message: String,
    /// The host it concerns, if any.
    pub host: Option<Endpoint>,
    /// Set when an ignore or a suppression comment silences it: the reason given.
    pub suppressed: Option<String>,
}

impl Finding {
    /// The weight that counts: `Off` once suppressed.
    pub fn effective_severity(&self) -> Severity {
        if self.suppressed.is_some() {
            Severity::Off
        } else {
            self.severity
        }
    }
}

/// Which role a host plays for a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostRole {
    /// The issuer's host.
    Issuer,
    /// The `jwks_uri` host.
    Jwks,
    /// The issuer and JWKS host are the same.
    IssuerAndJwks,
}

/// One distinct chain a host presented, as judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantResult {
    /// Addresses that presented it.
    pub addresses: Vec<String>,
    /// The presented chain, leaf first.
    pub chain: crate::PresentedChain,
    /// Trust outcome.
    pub verification: Verification,
    /// Possibly intercepted: not compared.
    pub intercepted: bool,
}

impl VariantResult {
    /// The top certificate.
    pub fn top(&self) -> &CertFacts {
        self.chain.top()
    }
}

/// A host as judged for one declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostResult {
    /// The host.
    pub endpoint: Endpoint,
    /// Its role.
    pub role: HostRole,
    /// Distinct chains seen (empty when the observation failed).
    pub variants: Vec<VariantResult>,
    /// Why it could not be observed.
    pub error: Option<String>,
    /// Addresses that failed while another answered, and other remarks.
    pub notes: Vec<String>,
}

/// Everything concluded about one declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationResult {
    /// The declaration judged.
    pub declaration: Declaration,
    /// The most severe finding's status (`Pass` when none counts).
    pub status: Status,
    /// Its effective severity.
    pub severity: Severity,
    /// The headline: the most severe finding's message, or what passed.
    pub message: String,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
    /// CA-validated or thumbprint-enforced, when the JWKS host was observed.
    pub enforcement: Option<Enforcement>,
    /// The exact list to declare, when every host was observed: live top thumbprints first,
    /// then existing values that still match a live certificate, at most five.
    pub expected: Option<Vec<Thumbprint>>,
    /// The hosts behind the declaration.
    pub hosts: Vec<HostResult>,
}

/// Counts over a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Declarations judged.
    pub declarations: usize,
    /// Results whose effective severity is error.
    pub failed: usize,
    /// Results whose effective severity is warning.
    pub warnings: usize,
    /// Results that passed or carry only notices.
    pub passed: usize,
    /// Results per status.
    pub by_status: BTreeMap<String, usize>,
    /// Files that could not be read (notices).
    pub unreadable_files: usize,
}

/// The outcome of a run: every result, the files that could not be read, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Results in file, line order.
    pub results: Vec<DeclarationResult>,
    /// Problems reading files.
    pub notices: Vec<ReadNotice>,
    /// The instant the report judged at.
    pub now: Timestamp,
    /// The expiry window in days.
    pub expiry_days: u32,
}

impl Report {
    /// True when any result is at error level: the gate fails.
    pub fn gate_failed(&self) -> bool {
        self.results.iter().any(|r| r.severity == Severity::Error)
    }

    /// Counts for summaries.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            declarations: self.results.len(),
            unreadable_files: self.notices.len(),
            ..Summary::default()
        };
        for result in &self.results {
            match result.severity {
                Severity::Error => summary.failed += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Notice | Severity::Off => summary.passed += 1,
            }
            *summary
                .by_status
                .entry(result.status.as_str().to_string())
                .or_default() += 1;
        }
        summary
    }
}
