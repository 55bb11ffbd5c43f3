//! Drift: the repository's declarations beside the providers of live AWS accounts, matched by
//! issuer URL.
//!
//! A report judged over both (the account's providers are declarations of format
//! [`Format::AwsAccount`]) gets three kinds of finding: a declaration no provider matches
//! (`drift-absent`), a provider no declaration matches (`drift-undeclared`), and a provider
//! whose thumbprints no matching declaration declares (`drift-thumbprints`, on each matching
//! declaration). Thumbprints are compared as sets of normalised values: IAM keeps them in the
//! order they were given, which says nothing about drift.

use crate::evaluate::{conclude, silence};
use crate::{
    Declaration, DeclarationResult, Finding, Format, HttpsUrl, IssuerUrl, Policy, Report, Status,
    Thumbprint, ThumbprintList, Timestamp,
};
use std::collections::BTreeSet;

/// Adds the drift findings to a report that judged the repository's declarations and the
/// accounts' providers together, and settles each changed result's verdict again.
///
/// `every_account_read` is false when an account could not be read: a declaration may then
/// belong to it, so none is reported absent. A declaration whose issuer URL is unresolved
/// matches nothing and is never reported absent; an EKS declaration known only by its region
/// matches every provider on that region's host. Lists computed at apply time, and absent
/// lists, are not compared.
pub fn add_drift(report: &mut Report, policy: &Policy, every_account_read: bool) {
    let found = drift_of(&report.results, every_account_read);

    let now = report.now;
    let mut changed: Vec<usize> = Vec::new();
    for (index, status, message) in found {
        if let Some(result) = report.results.get_mut(index) {
            add_finding(result, policy, now, status, message);
            changed.push(index);
        }
    }
    changed.sort_unstable();
    changed.dedup();
    for index in changed {
        if let Some(result) = report.results.get_mut(index) {
            conclude(result, now);
        }
    }
}

/// A declaration with the index of its result in the report.
type Indexed<'a> = (usize, &'a Declaration);

/// Each drift finding as the index of the result it goes to, its status and its message.
fn drift_of(
    results: &[DeclarationResult],
    every_account_read: bool,
) -> Vec<(usize, Status, String)> {
    let (accounts, files): (Vec<Indexed<'_>>, Vec<Indexed<'_>>) = results
        .iter()
        .map(|r| &r.declaration)
        .enumerate()
        .partition(|(_, d)| d.format == Format::AwsAccount);
    let unresolved = files
        .iter()
        .filter(|(_, d)| matches!(d.url, IssuerUrl::Unresolved { .. }))
        .count();

    let mut found = Vec::new();
    for (index, declaration) in &files {
        let Some(key) = MatchKey::of_declaration(declaration) else {
            continue;
        };
        let matched = accounts.iter().any(|(_, provider)| key.matches(provider));
        if !matched && every_account_read {
            found.push((*index, Status::DriftAbsent, absent_message(declaration)));
        }
    }
    for (index, provider) in &accounts {
        let matching: Vec<&Indexed<'_>> = files
            .iter()
            .filter(|(_, d)| MatchKey::of_declaration(d).is_some_and(|key| key.matches(provider)))
            .collect();
        if matching.is_empty() {
            let message = undeclared_message(provider, unresolved);
            found.push((*index, Status::DriftUndeclared, message));
            continue;
        }
        let held = values(provider);
        let compared: Vec<&Indexed<'_>> = matching
            .into_iter()
            .filter(|(_, d)| comparable(d))
            .collect();
        if compared.iter().any(|(_, d)| values(d) == held) {
            continue;
        }
        for (file, declaration) in compared {
            let message = thumbprints_message(provider, &held, &values(declaration));
            found.push((*file, Status::DriftThumbprints, message));
        }
    }
    found
}

fn add_finding(
    result: &mut DeclarationResult,
    policy: &Policy,
    now: Timestamp,
    status: Status,
    message: String,
) {
    let severity = policy.severity(status);
    if severity == crate::Severity::Off {
        return;
    }
    let mut finding = Finding {
        status,
        severity,
        message,
        host: None,
        suppressed: None,
    };
    silence(&mut finding, &result.declaration, &policy.ignores, now);
    result.findings.push(finding);
}

/// What a declaration's issuer URL matches among the providers.
enum MatchKey {
    /// One URL: the authority (port left out when 443), then the path without a trailing slash.
    Url(String),
    /// Every provider on this host: an EKS issuer known only by its region.
    Host(String),
}

impl MatchKey {
    fn of_declaration(declaration: &Declaration) -> Option<MatchKey> {
        match &declaration.url {
            IssuerUrl::Known { url, .. } => url_key(url).map(MatchKey::Url),
            IssuerUrl::Eks { region, .. } => Some(MatchKey::Host(format!(
                "oidc.eks.{}.amazonaws.com",
                region.to_ascii_lowercase()
            ))),
            IssuerUrl::Unresolved { .. } => None,
        }
    }

    fn matches(&self, provider: &Declaration) -> bool {
        let Some(url) = provider.url.url() else {
            return false;
        };
        match self {
            MatchKey::Url(key) => url_key(&url).as_ref() == Some(key),
            MatchKey::Host(host) => {
                HttpsUrl::parse(&url).is_ok_and(|u| u.endpoint.authority() == *host)
            }
        }
    }
}

/// `host[:port]/path`, lower-case host, no trailing slash: the form IAM names a provider by.
fn url_key(url: &str) -> Option<String> {
    let parsed = HttpsUrl::parse(url).ok()?;
    let authority = parsed.endpoint.authority().to_ascii_lowercase();
    Some(format!("{authority}{}", parsed.path.trim_end_matches('/')))
}

/// True when the declaration's list is written out, so it can be compared.
fn comparable(declaration: &Declaration) -> bool {
    matches!(declaration.thumbprints, ThumbprintList::Literal { .. })
}

/// The valid thumbprints of a list, normalised; malformed values are reported elsewhere.
fn values(declaration: &Declaration) -> BTreeSet<Thumbprint> {
    declaration
        .thumbprints
        .values()
        .iter()
        .filter_map(|v| v.value.parse().ok())
        .collect()
}

fn absent_message(declaration: &Declaration) -> String {
    let url = declaration
        .url
        .url()
        .unwrap_or_else(|| declaration.resource.clone());
    format!(
        "no provider of the AWS accounts checked has the issuer URL {url}: the code is not \
         applied, or the provider lives in another account (name it with --role-arn)"
    )
}

fn undeclared_message(provider: &Declaration, unresolved: usize) -> String {
    let mut message = format!(
        "the provider {} is declared in no file of the repository: declare it, or delete it if \
         nothing uses it",
        provider.resource
    );
    if unresolved > 0 {
        message.push_str(&format!(
            " ({unresolved} declaration{} with an unresolved issuer URL could not be matched)",
            if unresolved == 1 { "" } else { "s" }
        ));
    }
    message
}

fn thumbprints_message(
    provider: &Declaration,
    held: &BTreeSet<Thumbprint>,
    declared: &BTreeSet<Thumbprint>,
) -> String {
    let only_account: Vec<String> = held.difference(declared).map(|t| t.to_string()).collect();
    let only_file: Vec<String> = declared.difference(held).map(|t| t.to_string()).collect();
    let none = || "none".to_string();
    format!(
        "the account's provider {} holds other thumbprints than this declaration: only in the \
         account: {}; only declared here: {}; apply the code, or bring the file in line with \
         the account",
        provider.file,
        if only_account.is_empty() {
            none()
        } else {
            only_account.join(", ")
        },
        if only_file.is_empty() {
            none()
        } else {
            only_file.join(", ")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{declaration_of, AccountProvider};
    use crate::{evaluate, DeclaredThumbprint, Observations, Span};

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn declared(resource: &str, url: &str, values: &[&str]) -> Declaration {
        Declaration {
            file: "iam.tf".to_string(),
            format: Format::Terraform,
            resource: resource.to_string(),
            location: Span::default(),
            url: IssuerUrl::Known {
                url: url.to_string(),
                expression: None,
            },
            thumbprints: ThumbprintList::Literal {
                values: values
                    .iter()
                    .map(|v| DeclaredThumbprint {
                        value: v.to_string(),
                        span: Span::default(),
                    })
                    .collect(),
                span: Span::default(),
            },
            suppressions: Vec::new(),
        }
    }

    fn held(account: &str, url: &str, values: &[&str]) -> Declaration {
        declaration_of(&AccountProvider {
            arn: format!("arn:aws:iam::{account}:oidc-provider/{url}"),
            url: url.to_string(),
            thumbprints: values.iter().map(ToString::to_string).collect(),
        })
    }

    /// The drift statuses of each result, in the report's order.
    fn drift(declarations: &[Declaration], every_account_read: bool) -> Vec<Vec<Status>> {
        let now = Timestamp::parse("2026-06-01").unwrap();
        let policy = Policy::default();
        let mut report = evaluate(
            declarations,
            Vec::new(),
            &Observations::default(),
            &policy,
            now,
        );
        add_drift(&mut report, &policy, every_account_read);
        report
            .results
            .iter()
            .map(|r| {
                r.findings
                    .iter()
                    .map(|f| f.status)
                    .filter(|s| s.as_str().starts_with("drift-"))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn urls_match_without_scheme_case_default_port_or_trailing_slash() {
        let found = drift(
            &[
                declared("idp", "https://IDP.example.com:443/realm/", &[A]),
                held("1", "idp.example.com/realm", &[A]),
            ],
            true,
        );
        assert_eq!(found, [vec![], vec![]]);
    }

    #[test]
    fn thumbprints_are_compared_as_sets() {
        let found = drift(
            &[
                declared("idp", "https://idp.example.com", &[A, B]),
                held("1", "idp.example.com", &[B, &A.to_uppercase()]),
            ],
            true,
        );
        assert_eq!(found, [vec![], vec![]]);
    }

    #[test]
    fn each_side_without_a_match_is_reported() {
        let found = drift(
            &[
                declared("declared", "https://one.example.com", &[A]),
                held("1", "two.example.com", &[A]),
            ],
            true,
        );
        // The account's provider sorts first: its file is its ARN.
        assert_eq!(
            found,
            [vec![Status::DriftUndeclared], vec![Status::DriftAbsent]]
        );
    }

    #[test]
    fn nothing_is_absent_while_an_account_could_not_be_read() {
        let found = drift(
            &[declared("declared", "https://one.example.com", &[A])],
            false,
        );
        assert_eq!(found, [vec![]]);
    }

    #[test]
    fn a_provider_drifts_only_when_no_declaration_of_its_url_holds_its_list() {
        // Two files declare the issuer for two accounts, each with its own list.
        let in_step = drift(
            &[
                declared("dev", "https://idp.example.com", &[A]),
                declared("prod", "https://idp.example.com", &[B]),
                held("1", "idp.example.com", &[B]),
            ],
            true,
        );
        assert!(in_step.iter().all(Vec::is_empty), "{in_step:?}");

        let drifted = drift(
            &[
                declared("dev", "https://idp.example.com", &[A]),
                held("1", "idp.example.com", &[B]),
            ],
            true,
        );
        assert_eq!(drifted, [vec![], vec![Status::DriftThumbprints]]);
    }

    #[test]
    fn an_eks_declaration_matches_the_providers_of_its_regional_host() {
        let eks = Declaration {
            url: IssuerUrl::Eks {
                region: "eu-west-1".to_string(),
                expression: "module.eks.oidc_issuer".to_string(),
            },
            ..declared("eks", "https://unused.example.com", &[A])
        };
        let found = drift(
            &[
                eks,
                held("1", "oidc.eks.eu-west-1.amazonaws.com/id/ABC", &[A]),
            ],
            true,
        );
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
    }
}
