//! Evaluation of declarations against observations, by IAM's rules.

#![allow(clippy::unwrap_used)]

use oidc_thumb_core::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

const NOW: &str = "2026-06-01T00:00:00Z";

fn now() -> Timestamp {
    Timestamp::parse(NOW).unwrap()
}

fn params(name: &str, ca: bool, not_after: &str) -> CertificateParams {
    let mut params =
        CertificateParams::new(vec![format!("{}.example", name.to_lowercase())]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    let end = Timestamp::parse(not_after).unwrap().date();
    let mut parts = end.split('-').map(|p| p.parse::<i32>().unwrap());
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    params.not_after = rcgen::date_time_ymd(y, m as u8, d as u8);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params
}

/// A presented chain leaf, intermediate, root with the given end dates.
fn chain(
    prefix: &str,
    leaf_end: &str,
    intermediate_end: &str,
    root_end: &str,
    with_root: bool,
) -> PresentedChain {
    let root_key = KeyPair::generate().unwrap();
    let root_params = params(&format!("{prefix} Root"), true, root_end);
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);

    let inter_key = KeyPair::generate().unwrap();
    let inter_params = params(&format!("{prefix} Intermediate"), true, intermediate_end);
    let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
    let inter_issuer = Issuer::new(inter_params, inter_key);

    let leaf_key = KeyPair::generate().unwrap();
    let leaf = params(&format!("{prefix} Leaf"), false, leaf_end)
        .signed_by(&leaf_key, &inter_issuer)
        .unwrap();

    let mut ders = vec![leaf.der().to_vec(), inter.der().to_vec()];
    if with_root {
        ders.push(root.der().to_vec());
    }
    PresentedChain::from_der(ders.iter().map(Vec::as_slice)).unwrap()
}

fn standard_chain() -> PresentedChain {
    chain("Acme", "2026-12-01", "2030-01-01", "2035-01-01", true)
}

fn declaration(url: &str, values: &[&str]) -> Declaration {
    Declaration {
        file: "infra/iam.tf".into(),
        format: Format::Terraform,
        resource: "aws_iam_openid_connect_provider.main".into(),
        location: Span {
            line: 14,
            column: 3,
            ..Span::default()
        },
        url: IssuerUrl::Known {
            url: url.into(),
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
        suppressions: vec![],
    }
}

fn endpoint(host: &str) -> Endpoint {
    Endpoint {
        host: host.into(),
        port: 443,
    }
}

fn variant(chain: PresentedChain, verification: Verification) -> ChainVariant {
    ChainVariant {
        addresses: vec!["192.0.2.1".into()],
        chain,
        verification,
        via_proxy: false,
        public_addresses: true,
    }
}

/// Observations where the issuer at `https://HOST` serves its JWKS on `jwks_host`.
fn observed(host: &str, jwks_host: &str, hosts: Vec<(&str, Vec<ChainVariant>)>) -> Observations {
    Observations {
        issuers: vec![IssuerObservation {
            issuer: format!("https://{host}"),
            discovery: Ok(Discovery {
                issuer_endpoint: endpoint(host),
                jwks_uri: format!("https://{jwks_host}/keys"),
                jwks_endpoint: endpoint(jwks_host),
            }),
        }],
        hosts: hosts
            .into_iter()
            .map(|(h, variants)| HostObservation {
                endpoint: endpoint(h),
                result: Ok(variants),
                notes: vec![],
            })
            .collect(),
    }
}

fn judge(declaration: &Declaration, observations: &Observations) -> DeclarationResult {
    evaluate_declaration(declaration, observations, &Policy::default(), now())
}

fn statuses(result: &DeclarationResult) -> Vec<Status> {
    result.findings.iter().map(|f| f.status).collect()
}

#[test]
fn top_certificate_declared_passes() {
    let chain = standard_chain();
    let top = chain.top_thumbprint().to_string();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let result = judge(&declaration("https://idp.example", &[&top]), &obs);
    assert_eq!(result.status, Status::Pass, "{:?}", result.findings);
    assert_eq!(result.enforcement, Some(Enforcement::CaValidated));
    assert!(result
        .message
        .contains("thumbprints match the top certificate of idp.example"));
    assert_eq!(
        result.expected.unwrap(),
        vec![top.parse::<Thumbprint>().unwrap()]
    );
}

#[test]
fn without_the_root_the_intermediate_is_the_top() {
    let chain = chain("Acme", "2026-12-01", "2030-01-01", "2035-01-01", false);
    let intermediate = chain.certs[1].sha1.to_string();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    assert_eq!(
        judge(&declaration("https://idp.example", &[&intermediate]), &obs).status,
        Status::Pass
    );
}

#[test]
fn unmatched_value_is_a_mismatch_naming_the_expected_value() {
    let chain = standard_chain();
    let top = chain.top_thumbprint();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![(
            "idp.example",
            vec![variant(
                chain,
                Verification::Unverified {
                    reason: "unknown issuer".into(),
                },
            )],
        )],
    );
    let mut obs = obs;
    if let Ok(v) = &mut obs.hosts[0].result {
        v[0].public_addresses = false;
    }
    let result = judge(
        &declaration(
            "https://idp.example",
            &["6938fd4d98bab03faadb97b34396831e3780aea1"],
        ),
        &obs,
    );
    assert_eq!(result.status, Status::Mismatch);
    assert_eq!(result.severity, Severity::Error);
    assert_eq!(result.enforcement, Some(Enforcement::ThumbprintEnforced));
    assert!(result.message.contains("\"6938fd4d...aea1\" does not match the top certificate of idp.example (Acme Root, expires 2035-01-01)"), "{}", result.message);
    assert!(result.message.contains(&format!("expected {top}")));
    assert!(result.message.contains("InvalidIdentityToken"));
}

#[test]
fn leaf_pin_is_fragile_and_names_its_expiry() {
    let chain = standard_chain();
    let leaf = chain.certs[0].sha1.to_string();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let result = judge(&declaration("https://idp.example", &[&leaf]), &obs);
    assert_eq!(result.status, Status::FragilePin);
    assert!(result.message.contains("leaf certificate Acme Leaf"));
    assert!(result.message.contains("expires 2026-12-01"));
}

#[test]
fn leaf_pin_expiring_within_the_window_fails() {
    let chain = chain("Acme", "2026-06-20", "2030-01-01", "2035-01-01", true);
    let leaf = chain.certs[0].sha1.to_string();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let result = judge(&declaration("https://idp.example", &[&leaf]), &obs);
    assert_eq!(result.status, Status::Expiring);
    assert!(statuses(&result).contains(&Status::FragilePin));
}

#[test]
fn missing_jwks_host_thumbprint_is_incomplete() {
    let issuer_chain = chain("Issuer", "2027-01-01", "2030-01-01", "2035-01-01", true);
    let jwks_chain = chain("Keys", "2027-01-01", "2030-01-01", "2035-01-01", true);
    let jwks_top = jwks_chain.top_thumbprint();
    let issuer_top = issuer_chain.top_thumbprint().to_string();
    let obs = observed(
        "idp.example",
        "keys.example",
        vec![
            (
                "idp.example",
                vec![variant(issuer_chain, Verification::Public)],
            ),
            (
                "keys.example",
                vec![variant(jwks_chain, Verification::Public)],
            ),
        ],
    );
    let result = judge(&declaration("https://idp.example", &[&issuer_top]), &obs);
    assert_eq!(result.status, Status::Incomplete);
    assert!(result.message.contains("JWKS host keys.example"));
    let expected = result.expected.unwrap();
    assert_eq!(
        expected[0], jwks_top,
        "the JWKS host's thumbprint comes first"
    );
    assert_eq!(expected[1].to_string(), issuer_top);
}

#[test]
fn every_chain_variant_must_be_covered() {
    let first = chain("Old", "2027-01-01", "2030-01-01", "2035-01-01", true);
    let second = chain("New", "2027-01-01", "2030-01-01", "2035-01-01", true);
    let first_top = first.top_thumbprint().to_string();
    let mut v2 = variant(second, Verification::Public);
    v2.addresses = vec!["2001:db8::1".into()];
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![(
            "idp.example",
            vec![variant(first, Verification::Public), v2],
        )],
    );
    let result = judge(&declaration("https://idp.example", &[&first_top]), &obs);
    assert_eq!(result.status, Status::Incomplete);
    assert!(
        result.message.contains("as presented by 2001:db8::1"),
        "{}",
        result.message
    );
    assert_eq!(result.expected.unwrap().len(), 2);
}

#[test]
fn expiry_window_is_inclusive_of_its_last_day() {
    // 30 days after NOW is 2026-07-01.
    for (end, expiring) in [("2026-07-01", true), ("2026-07-02", false)] {
        let chain = chain("Acme", "2026-12-01", "2030-01-01", end, true);
        let top = chain.top_thumbprint().to_string();
        let obs = observed(
            "idp.example",
            "idp.example",
            vec![("idp.example", vec![variant(chain, Verification::Public)])],
        );
        let result = judge(&declaration("https://idp.example", &[&top]), &obs);
        assert_eq!(
            result.status == Status::Expiring,
            expiring,
            "root ending {end}: {:?}",
            result.findings
        );
    }
}

#[test]
fn expired_certificate_anywhere_is_reported() {
    let chain = chain("Acme", "2026-12-01", "2026-05-01", "2035-01-01", true);
    let top = chain.top_thumbprint().to_string();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let result = judge(&declaration("https://idp.example", &[&top]), &obs);
    assert_eq!(result.status, Status::Expired);
    assert!(result
        .message
        .contains("Acme Intermediate (position 2 of 3)"));
}

#[test]
fn value_checks_report_form_case_duplicates_and_count() {
    let chain = standard_chain();
    let top = chain.top_thumbprint().to_string();
    let upper = top.to_uppercase();
    let colons: String = top
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );

    let result = judge(&declaration("https://idp.example", &[&upper]), &obs);
    assert_eq!(result.status, Status::Style);
    assert_eq!(result.severity, Severity::Notice);

    let result = judge(&declaration("https://idp.example", &[&colons]), &obs);
    assert_eq!(result.status, Status::Malformed);
    assert!(result.message.contains(&format!("write \"{top}\"")));

    let result = judge(&declaration("https://idp.example", &[&top, &top]), &obs);
    assert_eq!(result.status, Status::Duplicate);

    let result = judge(&declaration("https://idp.example", &[&top, "abc"]), &obs);
    assert_eq!(result.status, Status::Malformed);
    assert!(result.message.contains("3 hex digits"));

    let six = ["1", "2", "3", "4", "5"].map(|d| d.repeat(40));
    let mut values: Vec<&str> = six.iter().map(String::as_str).collect();
    values.push(&top);
    let result = judge(&declaration("https://idp.example", &values), &obs);
    assert!(statuses(&result).contains(&Status::TooMany));
}

#[test]
fn dynamic_lists_and_cdk_without_thumbprints_are_skipped() {
    let mut d = declaration("https://idp.example", &[]);
    d.thumbprints = ThumbprintList::Dynamic {
        expression: "data.tls_certificate.x.certificates[*].sha1_fingerprint".into(),
    };
    let result = judge(&d, &Observations::default());
    assert_eq!(result.status, Status::Dynamic);
    assert!(plan_observations(&[d]).issuers.is_empty());

    let mut cdk = declaration("https://idp.example", &[]);
    cdk.format = Format::Cdk;
    cdk.thumbprints = ThumbprintList::Absent;
    assert_eq!(
        judge(&cdk, &Observations::default()).status,
        Status::Dynamic
    );
}

#[test]
fn unresolved_url_is_reported_and_can_be_mapped() {
    let mut d = declaration("https://idp.example", &[]);
    d.url = IssuerUrl::Unresolved {
        expression: "module.idp.issuer".into(),
    };
    let result = judge(&d, &Observations::default());
    assert_eq!(result.status, Status::Unresolved);
    assert!(result.message.contains("`module.idp.issuer`"));

    let mut map = std::collections::BTreeMap::new();
    map.insert(
        "module.idp.issuer".to_string(),
        "https://idp.example".to_string(),
    );
    let mut ds = vec![d];
    resolve_issuers(&mut ds, &map);
    assert_eq!(ds[0].url.url().as_deref(), Some("https://idp.example"));
}

#[test]
fn absent_list_passes_when_ca_validated_and_is_incomplete_otherwise() {
    let chain = standard_chain();
    let mut d = declaration("https://idp.example", &[]);
    d.thumbprints = ThumbprintList::Absent;
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![(
            "idp.example",
            vec![variant(chain.clone(), Verification::Public)],
        )],
    );
    assert_eq!(judge(&d, &obs).status, Status::Pass);

    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::NamedCa)])],
    );
    let result = judge(&d, &obs);
    assert_eq!(result.status, Status::Incomplete);
    assert!(result.message.contains("no thumbprint is declared"));
}

#[test]
fn unverified_public_chain_is_interception_and_never_compared() {
    let chain = standard_chain();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![(
            "idp.example",
            vec![variant(
                chain,
                Verification::Unverified {
                    reason: "unknown issuer".into(),
                },
            )],
        )],
    );
    let result = judge(
        &declaration(
            "https://idp.example",
            &["1111111111111111111111111111111111111111"],
        ),
        &obs,
    );
    assert_eq!(result.status, Status::Interception);
    assert!(!statuses(&result).contains(&Status::Mismatch));
    assert_eq!(
        result.expected, None,
        "an intercepted thumbprint is never proposed"
    );
}

#[test]
fn unverified_chain_on_an_allowed_private_address_is_judged_normally() {
    let chain = standard_chain();
    let top = chain.top_thumbprint().to_string();
    let mut v = variant(
        chain,
        Verification::Unverified {
            reason: "self-signed".into(),
        },
    );
    v.public_addresses = false;
    let obs = observed(
        "idp.internal",
        "idp.internal",
        vec![("idp.internal", vec![v])],
    );
    let result = judge(&declaration("https://idp.internal", &[&top]), &obs);
    assert_eq!(result.status, Status::Pass);
    assert_eq!(result.enforcement, Some(Enforcement::ThumbprintEnforced));
}

#[test]
fn host_errors_become_their_statuses() {
    for (error, status) in [
        (
            HostError::RefusedAddress {
                address: "10.0.0.5".into(),
                reason: "private (10.0.0.0/8)".into(),
            },
            Status::RefusedAddress,
        ),
        (
            HostError::Tls {
                reason: "alert".into(),
            },
            Status::TlsError,
        ),
        (
            HostError::Unreachable {
                reason: "connection refused".into(),
            },
            Status::Unreachable,
        ),
    ] {
        let mut obs = observed("idp.example", "idp.example", vec![]);
        obs.hosts.push(HostObservation {
            endpoint: endpoint("idp.example"),
            result: Err(error),
            notes: vec![],
        });
        let result = judge(
            &declaration(
                "https://idp.example",
                &["1111111111111111111111111111111111111111"],
            ),
            &obs,
        );
        assert_eq!(result.status, status);
        assert_eq!(result.expected, None);
    }
}

#[test]
fn issuer_host_failure_is_reported_once_not_again_as_a_discovery_failure() {
    let error = HostError::Tls {
        reason: "the server sent the fatal TLS alert HandshakeFailure".into(),
    };
    let obs = Observations {
        issuers: vec![IssuerObservation {
            issuer: "https://idp.example".into(),
            discovery: Err(DiscoveryError::Host(error.clone())),
        }],
        hosts: vec![HostObservation {
            endpoint: endpoint("idp.example"),
            result: Err(error),
            notes: vec![],
        }],
    };
    let result = judge(
        &declaration(
            "https://idp.example",
            &["1111111111111111111111111111111111111111"],
        ),
        &obs,
    );
    assert_eq!(result.status, Status::TlsError);
    assert_eq!(result.findings.len(), 1, "{:#?}", result.findings);
    assert!(
        result.message.contains("HandshakeFailure"),
        "{}",
        result.message
    );
    assert_eq!(result.hosts.len(), 1);
}

#[test]
fn discovery_failure_names_the_reason() {
    let obs = Observations {
        issuers: vec![IssuerObservation {
            issuer: "https://idp.example".into(),
            discovery: Err(DiscoveryError::Redirect {
                status: 302,
                location: Some("https://login.example/".into()),
            }),
        }],
        hosts: vec![],
    };
    let result = judge(
        &declaration(
            "https://idp.example",
            &["1111111111111111111111111111111111111111"],
        ),
        &obs,
    );
    assert_eq!(result.status, Status::Unreachable);
    assert!(result
        .message
        .contains("redirect to https://login.example/"));
}

#[test]
fn suppression_with_a_reason_silences_and_without_is_not_honoured() {
    let chain = standard_chain();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::NamedCa)])],
    );
    let mut d = declaration(
        "https://idp.example",
        &["1111111111111111111111111111111111111111"],
    );
    d.suppressions = vec![Suppression {
        statuses: vec!["mismatch".into()],
        reason: Some("rotation in progress".into()),
        line: 13,
    }];
    let result = judge(&d, &obs);
    assert_eq!(result.status, Status::Pass);
    assert_eq!(
        result.findings[0].suppressed.as_deref(),
        Some("suppressed on line 13: rotation in progress")
    );

    d.suppressions[0].reason = None;
    let result = judge(&d, &obs);
    assert_eq!(result.status, Status::Mismatch);
    assert!(result.message.contains("has no reason"));
}

#[test]
fn ignores_apply_until_their_end_date() {
    let chain = standard_chain();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::NamedCa)])],
    );
    let d = declaration(
        "https://idp.example",
        &["1111111111111111111111111111111111111111"],
    );
    let ignore = |until: &str| Ignore {
        file: Some("infra/**".into()),
        resource: None,
        url: None,
        statuses: vec![Status::Mismatch],
        reason: "IdP migration".into(),
        until: Timestamp::parse(until),
    };
    let mut policy = Policy {
        ignores: vec![ignore("2026-07-01")],
        ..Policy::default()
    };
    assert_eq!(
        evaluate_declaration(&d, &obs, &policy, now()).status,
        Status::Pass
    );

    policy.ignores = vec![ignore("2026-05-01")];
    let result = evaluate_declaration(&d, &obs, &policy, now());
    assert_eq!(result.status, Status::Mismatch);
    assert!(result.message.contains("ended on 2026-05-01"));
}

#[test]
fn policy_can_soften_mismatch_for_ca_validated_providers() {
    let chain = standard_chain();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let d = declaration(
        "https://idp.example",
        &["1111111111111111111111111111111111111111"],
    );
    let policy = Policy {
        ca_validated_mismatch: Some(Severity::Warning),
        ..Policy::default()
    };
    let result = evaluate_declaration(&d, &obs, &policy, now());
    assert_eq!(
        (result.status, result.severity),
        (Status::Mismatch, Severity::Warning)
    );
    assert!(result.message.contains("only a fallback"));
}

#[test]
fn off_severity_drops_the_finding() {
    let chain = standard_chain();
    let top = chain.top_thumbprint().to_string().to_uppercase();
    let obs = observed(
        "idp.example",
        "idp.example",
        vec![("idp.example", vec![variant(chain, Verification::Public)])],
    );
    let mut policy = Policy::default();
    policy.severities.insert(Status::Style, Severity::Off);
    let result = evaluate_declaration(
        &declaration("https://idp.example", &[&top]),
        &obs,
        &policy,
        now(),
    );
    assert_eq!(result.status, Status::Pass);
    assert!(result.findings.is_empty());
}

#[test]
fn planned_list_keeps_live_values_and_caps_at_five() {
    let a = standard_chain();
    let b = chain("B", "2027-01-01", "2030-01-01", "2035-01-01", true);
    let leaf = a.certs[0].sha1;
    let stale: Thumbprint = "1111111111111111111111111111111111111111".parse().unwrap();
    let planned = plan_thumbprints(&[stale, leaf], &[&a, &b]);
    assert_eq!(planned, vec![a.top_thumbprint(), b.top_thumbprint(), leaf]);

    let chains: Vec<PresentedChain> = (0..7)
        .map(|i| {
            chain(
                &format!("C{i}"),
                "2027-01-01",
                "2030-01-01",
                "2035-01-01",
                true,
            )
        })
        .collect();
    let refs: Vec<&PresentedChain> = chains.iter().collect();
    assert_eq!(plan_thumbprints(&[], &refs).len(), 5);
}

#[test]
fn eks_issuer_is_checked_on_its_regional_host() {
    let chain = standard_chain();
    let top = chain.top_thumbprint().to_string();
    let mut d = declaration("https://unused", &[&top]);
    d.url = IssuerUrl::Eks {
        region: "eu-west-1".into(),
        expression: "aws_eks_cluster.main.identity[0].oidc[0].issuer".into(),
    };
    let plan = plan_observations(std::slice::from_ref(&d));
    assert_eq!(
        plan.hosts,
        vec![endpoint("oidc.eks.eu-west-1.amazonaws.com")]
    );
    assert!(plan.issuers.is_empty());
    let obs = Observations {
        issuers: vec![],
        hosts: vec![HostObservation {
            endpoint: endpoint("oidc.eks.eu-west-1.amazonaws.com"),
            result: Ok(vec![variant(chain, Verification::Public)]),
            notes: vec![],
        }],
    };
    assert_eq!(judge(&d, &obs).status, Status::Pass);
}

#[test]
fn report_orders_results_and_fails_the_gate_on_errors() {
    let mut late = declaration("https://idp.example", &[]);
    late.location.line = 40;
    late.thumbprints = ThumbprintList::Dynamic {
        expression: "x".into(),
    };
    let mut early = declaration("https://idp.example", &[]);
    early.url = IssuerUrl::Unresolved {
        expression: "y".into(),
    };
    let report = evaluate(
        &[late, early],
        vec![],
        &Observations::default(),
        &Policy::default(),
        now(),
    );
    assert_eq!(report.results[0].declaration.location.line, 14);
    assert!(
        !report.gate_failed(),
        "dynamic and unresolved do not fail the gate"
    );
    let summary = report.summary();
    assert_eq!(
        (summary.declarations, summary.warnings, summary.passed),
        (2, 1, 1)
    );
}
