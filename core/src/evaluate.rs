//! Evaluation: every declaration judged against the observations of its hosts, by IAM's
//! rules, into findings under a policy.

use crate::{
    CertFacts, Declaration, DeclarationResult, Endpoint, Enforcement, Finding, Format, HostError,
    HostResult, HostRole, HttpsUrl, Ignore, IssuerUrl, Observations, Policy, PresentedChain,
    ReadNotice, Report, Severity, Status, Thumbprint, ThumbprintList, Timestamp, VariantResult,
    Verification,
};
use std::collections::BTreeMap;

pub use crate::limits::MAX_THUMBPRINTS;

/// What the network must be asked for a set of declarations: the distinct issuer URLs whose
/// discovery documents to read, and hosts to observe directly (EKS regional hosts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObservationPlan {
    /// Distinct issuer URLs, in first-seen order.
    pub issuers: Vec<String>,
    /// Distinct hosts observed without a discovery document.
    pub hosts: Vec<Endpoint>,
}

/// The issuers and hosts the declarations need observed. Dynamic and unresolved
/// declarations need nothing; each issuer and host appears once.
///
/// ```
/// use oidc_thumb_core::{plan_observations, Declaration, Format, IssuerUrl, Span, ThumbprintList};
/// let declaration = Declaration {
///     file: "iam.tf".into(), format: Format::Terraform, resource: "p".into(),
///     location: Span::default(),
///     url: IssuerUrl::Known { url: "https://token.actions.githubusercontent.com".into(), expression: None },
///     thumbprints: ThumbprintList::Absent, suppressions: vec![],
/// };
/// let plan = plan_observations(&[declaration.clone(), declaration]);
/// assert_eq!(plan.issuers, vec!["https://token.actions.githubusercontent.com"]);
/// ```
pub fn plan_observations(declarations: &[Declaration]) -> ObservationPlan {
    let mut plan = ObservationPlan::default();
    for declaration in declarations {
        if is_dynamic(declaration) {
            continue;
        }
        match &declaration.url {
            IssuerUrl::Known { url, .. } => {
                let url = url.trim().to_string();
                let key = url.trim_end_matches('/');
                if HttpsUrl::parse(&url).is_ok()
                    && !plan.issuers.iter().any(|u| u.trim_end_matches('/') == key)
                {
                    plan.issuers.push(url);
                }
            }
            IssuerUrl::Eks { .. } => {
                if let Some(endpoint) = eks_endpoint(&declaration.url) {
                    if !plan.hosts.contains(&endpoint) {
                        plan.hosts.push(endpoint);
                    }
                }
            }
            IssuerUrl::Unresolved { .. } => {}
        }
    }
    plan
}

/// Replaces unresolved issuer expressions that the configuration maps to a URL.
pub fn resolve_issuers(declarations: &mut [Declaration], map: &BTreeMap<String, String>) {
    for declaration in declarations {
        if let IssuerUrl::Unresolved { expression } = &declaration.url {
            if let Some(url) = map.get(expression.trim()) {
                declaration.url = IssuerUrl::Known {
                    url: url.clone(),
                    expression: Some(expression.clone()),
                };
            }
        }
    }
}

/// The list to declare: the live top thumbprints of every host and chain variant, then the
/// existing values that still match a live certificate, at most five, order stable.
///
/// ```
/// use oidc_thumb_core::{plan_thumbprints, Thumbprint};
/// let old: Thumbprint = "1111111111111111111111111111111111111111".parse().unwrap();
/// // No chain at all: nothing live, so nothing is kept.
/// assert!(plan_thumbprints(&[old], &[]).is_empty());
/// ```
pub fn plan_thumbprints(existing: &[Thumbprint], chains: &[&PresentedChain]) -> Vec<Thumbprint> {
    let mut planned: Vec<Thumbprint> = Vec::new();
    for chain in chains {
        let top = chain.top_thumbprint();
        if !planned.contains(&top) {
            planned.push(top);
        }
    }
    for value in existing {
        let live = chains
            .iter()
            .any(|chain| chain.position_of(value).is_some());
        if live && !planned.contains(value) {
            planned.push(*value);
        }
    }
    planned.truncate(MAX_THUMBPRINTS);
    planned
}

/// Judges every declaration and gathers the report.
pub fn evaluate(
    declarations: &[Declaration],
    notices: Vec<ReadNotice>,
    observations: &Observations,
    policy: &Policy,
    now: Timestamp,
) -> Report {
    let mut results: Vec<DeclarationResult> = declarations
        .iter()
        .map(|declaration| evaluate_declaration(declaration, observations, policy, now))
        .collect();
    results.sort_by(|a, b| {
        let a = &a.declaration;
        let b = &b.declaration;
        (&a.file, a.location.line, a.location.column, &a.resource).cmp(&(
            &b.file,
            b.location.line,
            b.location.column,
            &b.resource,
        ))
    });
    Report {
        results,
        notices,
        now,
        expiry_days: policy.expiry_days,
    }
}

/// Judges one declaration.
pub fn evaluate_declaration(
    declaration: &Declaration,
    observations: &Observations,
    policy: &Policy,
    now: Timestamp,
) -> DeclarationResult {
    let mut judge = Judge::new(declaration, policy, now);

    let declared = judge.check_values();
    let mut hosts = Vec::new();
    let mut enforcement = None;
    let mut expected = None;

    if is_dynamic(declaration) {
        judge.dynamic();
    } else if let Some(url) = judge.checkable_url() {
        hosts = judge.observe_hosts(&url, observations);
        enforcement = enforcement_of(&hosts);
        judge.compare(&declared, &hosts, enforcement);
        expected = expected_list(&declared, &hosts);
    }

    judge.finish(hosts, enforcement, expected)
}

fn is_dynamic(declaration: &Declaration) -> bool {
    match declaration.thumbprints {
        ThumbprintList::Dynamic { .. } => true,
        // CDK computes the thumbprint at deploy time when none is given.
        ThumbprintList::Absent => declaration.format == Format::Cdk,
        ThumbprintList::Literal { .. } => false,
    }
}

fn eks_endpoint(url: &IssuerUrl) -> Option<Endpoint> {
    match url {
        IssuerUrl::Eks { region, .. } => Some(Endpoint {
            host: format!("oidc.eks.{region}.amazonaws.com"),
            port: 443,
        }),
        _ => None,
    }
}

/// Rule 6: CA-validated when every chain of the JWKS host verifies against public roots.
fn enforcement_of(hosts: &[HostResult]) -> Option<Enforcement> {
    let jwks = hosts
        .iter()
        .find(|h| matches!(h.role, HostRole::Jwks | HostRole::IssuerAndJwks))?;
    let compared: Vec<&VariantResult> = jwks.variants.iter().filter(|v| !v.intercepted).collect();
    if compared.is_empty() {
        return None;
    }
    if compared
        .iter()
        .all(|v| v.verification == Verification::Public)
    {
        Some(Enforcement::CaValidated)
    } else {
        Some(Enforcement::ThumbprintEnforced)
    }
}

fn expected_list(declared: &[Thumbprint], hosts: &[HostResult]) -> Option<Vec<Thumbprint>> {
    let observed_all = !hosts.is_empty()
        && hosts.iter().all(|h| {
            h.error.is_none() && !h.variants.is_empty() && h.variants.iter().all(|v| !v.intercepted)
        });
    if !observed_all {
        return None;
    }
    // The JWKS host first: it is the one IAM always checks.
    let mut ordered: Vec<&HostResult> = hosts.iter().collect();
    ordered.sort_by_key(|h| h.role == HostRole::Issuer);
    let chains: Vec<&PresentedChain> = ordered
        .iter()
        .flat_map(|h| h.variants.iter().map(|v| &v.chain))
        .collect();
    Some(plan_thumbprints(declared, &chains))
}

/// How a chain variant is covered by the declared values.
enum Coverage<'a> {
    /// The top certificate is declared.
    Top,
    /// Only lower certificates are declared.
    Lower(Vec<(usize, &'a CertFacts)>),
    /// Nothing of the chain is declared.
    None,
}

fn coverage<'a>(declared: &[Thumbprint], chain: &'a PresentedChain) -> Coverage<'a> {
    if declared.contains(&chain.top_thumbprint()) {
        return Coverage::Top;
    }
    let lower: Vec<(usize, &CertFacts)> = chain
        .certs
        .iter()
        .enumerate()
        .filter(|(_, cert)| declared.contains(&cert.sha1))
        .collect();
    if lower.is_empty() {
        Coverage::None
    } else {
        Coverage::Lower(lower)
    }
}

/// Gathers the findings of one declaration.
struct Judge<'a> {
    declaration: &'a Declaration,
    policy: &'a Policy,
    now: Timestamp,
    findings: Vec<Finding>,
}

impl<'a> Judge<'a> {
    fn new(declaration: &'a Declaration, policy: &'a Policy, now: Timestamp) -> Judge<'a> {
        Judge {
            declaration,
            policy,
            now,
            findings: Vec::new(),
        }
    }

    fn add(&mut self, status: Status, host: Option<&Endpoint>, message: String) {
        self.add_with_severity(status, self.policy.severity(status), host, message);
    }

    fn add_with_severity(
        &mut self,
        status: Status,
        severity: Severity,
        host: Option<&Endpoint>,
        message: String,
    ) {
        let already = self
            .findings
            .iter()
            .any(|f| f.status == status && f.message == message);
        if !already {
            self.findings.push(Finding {
                status,
                severity,
                message,
                host: host.cloned(),
                suppressed: None,
            });
        }
    }

    /// Rules 3 (limits, form, duplicates): the declared values, normalised.
    fn check_values(&mut self) -> Vec<Thumbprint> {
        let values = self.declaration.thumbprints.values();
        let mut declared: Vec<Thumbprint> = Vec::new();

        for value in values {
            let raw = value.value.as_str();
            match Thumbprint::parse_with_style(raw) {
                Ok((thumbprint, style)) => {
                    if style.separators {
                        self.add(
                            Status::Malformed,
                            None,
                            format!(
                                "thumbprint \"{raw}\" has colons or spaces; IAM accepts exactly 40 \
                                 hex digits: write \"{thumbprint}\""
                            ),
                        );
                    } else if style.uppercase {
                        self.add(
                            Status::Style,
                            None,
                            format!(
                                "thumbprint \"{raw}\" is upper case; IAM stores \"{thumbprint}\", \
                                 write it that way to avoid a perpetual diff"
                            ),
                        );
                    }
                    if declared.contains(&thumbprint) {
                        self.add(
                            Status::Duplicate,
                            None,
                            format!("thumbprint {thumbprint} is declared more than once"),
                        );
                    } else {
                        declared.push(thumbprint);
                    }
                }
                Err(error) => self.add(
                    Status::Malformed,
                    None,
                    format!("thumbprint \"{raw}\" is not a thumbprint: {error}"),
                ),
            }
        }

        if values.len() > MAX_THUMBPRINTS {
            self.add(
                Status::TooMany,
                None,
                format!(
                    "{} thumbprints are declared; IAM accepts at most {MAX_THUMBPRINTS}",
                    values.len()
                ),
            );
        }
        declared
    }

    fn dynamic(&mut self) {
        let message = match &self.declaration.thumbprints {
            ThumbprintList::Dynamic { expression } => format!(
                "the thumbprint list is computed at apply time ({}); not checked",
                one_line(expression)
            ),
            _ => "no thumbprints are declared; CDK computes them at deploy time; not checked"
                .to_string(),
        };
        self.add(Status::Dynamic, None, message);
    }

    /// Rule 10: the URL to check, or a finding saying why there is none.
    fn checkable_url(&mut self) -> Option<IssuerUrl> {
        match &self.declaration.url {
            IssuerUrl::Unresolved { expression } => {
                self.add(
                    Status::Unresolved,
                    None,
                    format!(
                        "the issuer URL {} could not be resolved statically; map it to a URL under \
                         [issuers] in .oidc-thumb-check.toml to check it",
                        one_line(expression)
                    ),
                );
                None
            }
            IssuerUrl::Known { url, .. } => match HttpsUrl::parse(url) {
                Ok(_) => Some(self.declaration.url.clone()),
                Err(error) => {
                    self.add(
                        Status::Malformed,
                        None,
                        format!(
                            "the issuer URL is unusable: {error}; IAM requires an https:// URL"
                        ),
                    );
                    None
                }
            },
            IssuerUrl::Eks { .. } => Some(self.declaration.url.clone()),
        }
    }

    /// Rule 2: the issuer host and the JWKS host, each with what was observed.
    fn observe_hosts(&mut self, url: &IssuerUrl, observations: &Observations) -> Vec<HostResult> {
        let (issuer_endpoint, jwks_endpoint) = match url {
            IssuerUrl::Eks { .. } => {
                let endpoint = eks_endpoint(url);
                (endpoint.clone(), endpoint)
            }
            IssuerUrl::Known { url, .. } => {
                let issuer_endpoint = HttpsUrl::parse(url).ok().map(|u| u.endpoint);
                let jwks_endpoint = match observations.issuer(url) {
                    Some(observation) => match &observation.discovery {
                        Ok(discovery) => Some(discovery.jwks_endpoint.clone()),
                        Err(crate::DiscoveryError::Host(_))
                            if issuer_endpoint
                                .as_ref()
                                .and_then(|e| observations.host(e))
                                .is_some_and(|host| host.result.is_err()) =>
                        {
                            // The issuer host's own result names the failure; once is enough.
                            None
                        }
                        Err(error) => {
                            let status = match error {
                                crate::DiscoveryError::Host(host_error) => host_status(host_error),
                                _ => Status::Unreachable,
                            };
                            self.add(
                                status,
                                issuer_endpoint.as_ref(),
                                format!(
                                    "the discovery document of {url} gave no JWKS host: {error}"
                                ),
                            );
                            None
                        }
                    },
                    None => issuer_endpoint.clone(),
                };
                (issuer_endpoint, jwks_endpoint)
            }
            IssuerUrl::Unresolved { .. } => (None, None),
        };

        let mut roles: Vec<(Endpoint, HostRole)> = Vec::new();
        match (issuer_endpoint, jwks_endpoint) {
            (Some(issuer), Some(jwks)) if issuer == jwks => {
                roles.push((issuer, HostRole::IssuerAndJwks))
            }
            (issuer, jwks) => {
                roles.extend(jwks.map(|e| (e, HostRole::Jwks)));
                roles.extend(issuer.map(|e| (e, HostRole::Issuer)));
            }
        }

        roles
            .into_iter()
            .map(|(endpoint, role)| self.host_result(endpoint, role, observations))
            .collect()
    }

    fn host_result(
        &mut self,
        endpoint: Endpoint,
        role: HostRole,
        observations: &Observations,
    ) -> HostResult {
        let mut result = HostResult {
            endpoint: endpoint.clone(),
            role,
            variants: Vec::new(),
            error: None,
            notes: Vec::new(),
        };
        let Some(observation) = observations.host(&endpoint) else {
            let message = format!("{} was not observed", endpoint.authority());
            self.add(Status::Unreachable, Some(&endpoint), message.clone());
            result.error = Some(message);
            return result;
        };
        result.notes = observation.notes.clone();

        match &observation.result {
            Err(error) => {
                self.add(
                    host_status(error),
                    Some(&endpoint),
                    format!("{}: {error}", endpoint.authority()),
                );
                result.error = Some(error.to_string());
            }
            Ok(variants) => {
                for variant in variants {
                    let intercepted =
                        matches!(variant.verification, Verification::Unverified { .. })
                            && (variant.via_proxy || variant.public_addresses);
                    if intercepted {
                        self.interception(&endpoint, variant);
                    }
                    result.variants.push(VariantResult {
                        addresses: variant.addresses.clone(),
                        chain: variant.chain.clone(),
                        verification: variant.verification.clone(),
                        intercepted,
                    });
                }
            }
        }
        result
    }

    /// Rule 8: a chain no trusted root vouches for, on a public or proxied path.
    fn interception(&mut self, endpoint: &Endpoint, variant: &crate::ChainVariant) {
        let reason = match &variant.verification {
            Verification::Unverified { reason } => reason.as_str(),
            _ => "",
        };
        let path = if variant.via_proxy {
            "through a proxy"
        } else {
            "at public addresses"
        };
        self.add(
            Status::Interception,
            Some(endpoint),
            format!(
                "the chain {} presents {path} (top: {}) verifies against no public root and no \
                 CA you named ({reason}); a TLS-intercepting proxy may be in the way, so its \
                 thumbprint is not compared; name your private CA with --ca-file if the \
                 provider uses one",
                endpoint.authority(),
                variant.chain.top().display_name()
            ),
        );
    }

    /// Rules 1, 2, 4, 5 and 7: the declared values against every host and chain variant.
    fn compare(
        &mut self,
        declared: &[Thumbprint],
        hosts: &[HostResult],
        enforcement: Option<Enforcement>,
    ) {
        let compared: Vec<(&HostResult, &VariantResult)> = hosts
            .iter()
            .flat_map(|h| {
                h.variants
                    .iter()
                    .filter(|v| !v.intercepted)
                    .map(move |v| (h, v))
            })
            .collect();
        if compared.is_empty() {
            return;
        }

        let absent = self.declaration.thumbprints.values().is_empty();
        let coverages: Vec<Coverage<'_>> = compared
            .iter()
            .map(|(_, v)| coverage(declared, &v.chain))
            .collect();
        let any_covered = coverages.iter().any(|c| !matches!(c, Coverage::None));

        for ((host, variant), covered) in compared.iter().zip(&coverages) {
            match covered {
                Coverage::Top => {
                    let top = variant.chain.certs.len() - 1;
                    self.check_expiry(host, variant, top);
                    self.expired_anywhere(host, variant, &[top]);
                }
                Coverage::Lower(pins) => {
                    for (position, cert) in pins {
                        self.fragile_pin(host, variant, *position, cert);
                        self.check_expiry(host, variant, *position);
                    }
                    let pinned: Vec<usize> = pins.iter().map(|(p, _)| *p).collect();
                    self.expired_anywhere(host, variant, &pinned);
                }
                Coverage::None if absent => {
                    if enforcement != Some(Enforcement::CaValidated) {
                        self.missing(Status::Incomplete, host, variant, declared, enforcement);
                    }
                }
                Coverage::None if any_covered => {
                    self.missing(Status::Incomplete, host, variant, declared, enforcement)
                }
                Coverage::None => {
                    self.missing(Status::Mismatch, host, variant, declared, enforcement)
                }
            }
            if matches!(covered, Coverage::None) {
                self.expired_anywhere(host, variant, &[]);
            }
        }
    }

    fn missing(
        &mut self,
        status: Status,
        host: &HostResult,
        variant: &VariantResult,
        declared: &[Thumbprint],
        enforcement: Option<Enforcement>,
    ) {
        let top = variant.top();
        let what = if declared.is_empty() {
            if self.declaration.thumbprints.values().is_empty() {
                "no thumbprint is declared, and nothing declared matches".to_string()
            } else {
                "no valid thumbprint is declared, so nothing matches".to_string()
            }
        } else if status == Status::Incomplete {
            "no declared thumbprint matches".to_string()
        } else {
            let list: Vec<String> = declared
                .iter()
                .map(|t| format!("\"{}\"", t.short()))
                .collect();
            let verb = if declared.len() == 1 { "does" } else { "do" };
            format!("thumbprint {} {verb} not match", list.join(", "))
        };
        let variant_note = if host.variants.len() > 1 {
            format!(" as presented by {}", variant.addresses.join(", "))
        } else {
            String::new()
        };
        let message = format!(
            "{what} the top certificate of {}{variant_note} ({}, expires {}); expected {}. {}",
            describe_host(host),
            top.display_name(),
            top.not_after.date(),
            top.sha1,
            enforcement_sentence(enforcement, &variant.verification),
        );
        let severity = match (enforcement, self.policy.ca_validated_mismatch) {
            (Some(Enforcement::CaValidated), Some(softened)) => softened,
            _ => self.policy.severity(status),
        };
        self.add_with_severity(status, severity, Some(&host.endpoint), message);
    }

    fn fragile_pin(
        &mut self,
        host: &HostResult,
        variant: &VariantResult,
        position: usize,
        cert: &CertFacts,
    ) {
        let kind = if position == 0 {
            "leaf"
        } else {
            "intermediate"
        };
        let top = variant.top();
        self.add(
            Status::FragilePin,
            Some(&host.endpoint),
            format!(
                "thumbprint \"{}\" pins the {kind} certificate {} (position {} of {}) of {}, which \
                 expires {}; it breaks when that certificate rotates: pin the top certificate {} \
                 instead: {}",
                cert.sha1.short(),
                cert.display_name(),
                position + 1,
                variant.chain.certs.len(),
                describe_host(host),
                cert.not_after.date(),
                top.display_name(),
                top.sha1,
            ),
        );
    }

    /// Rule 5: the pinned certificate's expiry against the window.
    fn check_expiry(&mut self, host: &HostResult, variant: &VariantResult, position: usize) {
        let Some(cert) = variant.chain.certs.get(position) else {
            return;
        };
        if cert.is_expired(self.now) {
            self.add(
                Status::Expired,
                Some(&host.endpoint),
                format!(
                    "the pinned certificate {} of {} ({}) expired {}; the host still presents it, \
                     so the provider needs a new certificate and then a new thumbprint",
                    cert.display_name(),
                    describe_host(host),
                    cert.sha1,
                    cert.not_after.date(),
                ),
            );
            return;
        }
        let window_end = self.now.plus_days(i64::from(self.policy.expiry_days));
        if cert.not_after <= window_end {
            let days = cert.days_left(self.now);
            self.add(
                Status::Expiring,
                Some(&host.endpoint),
                format!(
                    "the pinned certificate {} of {} ({}) expires {}, in {days} day{}, within the \
                     {}-day window; its successor will have another thumbprint: add it before then",
                    cert.display_name(),
                    describe_host(host),
                    cert.sha1,
                    cert.not_after.date(),
                    if days == 1 { "" } else { "s" },
                    self.policy.expiry_days,
                ),
            );
        }
    }

    /// Rule 5: expired certificates of the chain other than the pinned ones (reported by
    /// `check_expiry`).
    fn expired_anywhere(&mut self, host: &HostResult, variant: &VariantResult, pinned: &[usize]) {
        for (position, cert) in variant.chain.certs.iter().enumerate() {
            if cert.is_expired(self.now) && !pinned.contains(&position) {
                self.add(
                    Status::Expired,
                    Some(&host.endpoint),
                    format!(
                        "certificate {} (position {} of {}) presented by {} expired {} ({})",
                        cert.display_name(),
                        position + 1,
                        variant.chain.certs.len(),
                        describe_host(host),
                        cert.not_after.date(),
                        cert.sha1,
                    ),
                );
            }
        }
    }

    /// Applies ignores and suppression comments, orders the findings and picks the verdict.
    fn finish(
        mut self,
        hosts: Vec<HostResult>,
        enforcement: Option<Enforcement>,
        expected: Option<Vec<Thumbprint>>,
    ) -> DeclarationResult {
        self.findings.retain(|f| f.severity != Severity::Off);
        for finding in &mut self.findings {
            silence(finding, self.declaration, &self.policy.ignores, self.now);
        }
        let mut result = DeclarationResult {
            declaration: self.declaration.clone(),
            status: Status::Pass,
            severity: Severity::Off,
            message: String::new(),
            findings: self.findings,
            enforcement,
            expected,
            hosts,
        };
        conclude(&mut result, self.now);
        result
    }
}

/// Orders a result's findings, most severe first, and takes the verdict from the first one
/// that counts (or a pass). Run again when findings are added to a judged result.
pub(crate) fn conclude(result: &mut DeclarationResult, now: Timestamp) {
    result.findings.sort_by_key(|f| {
        let rank = Status::ALL.iter().position(|s| *s == f.status).unwrap_or(0);
        (std::cmp::Reverse(f.effective_severity()), rank)
    });

    let (status, severity, message) = match result.findings.first() {
        Some(first) if first.effective_severity() > Severity::Off => (
            first.status,
            first.effective_severity(),
            first.message.clone(),
        ),
        _ => (
            Status::Pass,
            Severity::Off,
            pass_message(&result.hosts, now),
        ),
    };
    result.status = status;
    result.severity = severity;
    result.message = message;
}

/// Marks a finding suppressed by an inline comment or an ignore in force, or notes why a
/// matching one does not apply.
pub(crate) fn silence(
    finding: &mut Finding,
    declaration: &Declaration,
    ignores: &[Ignore],
    now: Timestamp,
) {
    let name = finding.status.as_str();
    for suppression in &declaration.suppressions {
        let covers =
            suppression.statuses.is_empty() || suppression.statuses.iter().any(|s| s == name);
        if !covers {
            continue;
        }
        match &suppression.reason {
            Some(reason) => {
                finding.suppressed = Some(format!("suppressed on line {}: {reason}", suppression.line));
                return;
            }
            None => finding.message.push_str(&format!(
                " (the suppression comment on line {} has no reason after `--`, so it is not honoured)",
                suppression.line
            )),
        }
    }
    for ignore in ignores {
        if !ignore.matches(declaration) || !ignore.covers(finding.status) {
            continue;
        }
        match ignore.until {
            Some(until) if ignore.has_expired(now) => finding.message.push_str(&format!(
                " (an ignore ended on {} and no longer applies: {})",
                until.date(),
                ignore.reason
            )),
            _ => {
                finding.suppressed =
                    Some(format!("ignored by the configuration: {}", ignore.reason));
                return;
            }
        }
    }
}

fn host_status(error: &HostError) -> Status {
    match error {
        HostError::Tls { .. } => Status::TlsError,
        HostError::RefusedAddress { .. } => Status::RefusedAddress,
        HostError::Unreachable { .. }
        | HostError::NoSavedChain { .. }
        | HostError::BadSavedChain { .. } => Status::Unreachable,
    }
}

fn describe_host(host: &HostResult) -> String {
    let role = match host.role {
        HostRole::Issuer => "issuer host ",
        HostRole::Jwks => "JWKS host ",
        HostRole::IssuerAndJwks => "",
    };
    format!("{role}{}", host.endpoint.authority())
}

fn enforcement_sentence(
    enforcement: Option<Enforcement>,
    verification: &Verification,
) -> &'static str {
    match (enforcement, verification) {
        (Some(Enforcement::CaValidated), _) => {
            "The chain is publicly trusted, so IAM validates it through its CA library and the \
             thumbprints are only a fallback."
        }
        (_, Verification::Saved) => {
            "Judged from a saved chain, whose trust was not evaluated: as if IAM enforced the \
             thumbprints."
        }
        _ => {
            "IAM cannot validate this chain through its CA library, so it enforces the \
             thumbprints: federated logins fail with InvalidIdentityToken until the list is fixed."
        }
    }
}

fn pass_message(hosts: &[HostResult], now: Timestamp) -> String {
    let tops: Vec<String> = hosts
        .iter()
        .flat_map(|h| {
            h.variants.iter().filter(|v| !v.intercepted).map(move |v| {
                let top = v.top();
                format!(
                    "{} ({}, expires {}, {} days)",
                    h.endpoint.authority(),
                    top.display_name(),
                    top.not_after.date(),
                    top.days_left(now)
                )
            })
        })
        .collect();
    if tops.is_empty() {
        "nothing to check".to_string()
    } else {
        format!(
            "thumbprints match the top certificate of {}",
            tops.join("; ")
        )
    }
}

fn one_line(expression: &str) -> String {
    let joined: String = expression.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = joined.chars().take(120).collect();
    if short.len() < joined.len() {
        short.push_str("...");
    }
    format!("`{short}`")
}
