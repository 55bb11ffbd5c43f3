//! One report that holds every kind of result, built by hand from certificates with fixed
//! keys and dates, so every rendering of it is the same from run to run.

use oidc_thumb_core::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

pub const NOW: &str = "2026-06-01T00:00:00Z";

pub fn now() -> Timestamp {
    Timestamp::parse(NOW).unwrap()
}

/// An Ed25519 key from a fixed seed: Ed25519 signatures are deterministic, so the
/// certificates (and their thumbprints) are the same on every run.
fn key(seed: u8) -> KeyPair {
    let mut pkcs8 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    pkcs8.extend([seed; 32]);
    KeyPair::try_from(pkcs8).unwrap()
}

fn params(name: &str, ca: bool, not_after: (i32, u8, u8)) -> CertificateParams {
    let mut params = CertificateParams::new(vec![name.to_lowercase().replace(' ', "-")]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Example Trust");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params
}

/// Leaf, intermediate and root, as a server presents them; `seed` picks the keys and
/// `root_end` the root's end of validity.
pub fn chain(prefix: &str, seed: u8, root_end: (i32, u8, u8)) -> PresentedChain {
    let root_params = params(&format!("{prefix} Root CA"), true, root_end);
    let root_key = key(seed);
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);

    let inter_params = params(&format!("{prefix} Intermediate CA"), true, (2030, 1, 1));
    let inter_key = key(seed + 1);
    let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
    let inter_issuer = Issuer::new(inter_params, inter_key);

    let leaf = params(
        &format!("{}.example", prefix.to_lowercase()),
        false,
        (2026, 12, 1),
    )
    .signed_by(&key(seed + 2), &inter_issuer)
    .unwrap();

    let ders = [
        leaf.der().to_vec(),
        inter.der().to_vec(),
        root.der().to_vec(),
    ];
    PresentedChain::from_der(ders.iter().map(Vec::as_slice)).unwrap()
}

pub fn endpoint(host: &str) -> Endpoint {
    Endpoint {
        host: host.into(),
        port: 443,
    }
}

pub fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
    Span {
        start: 0,
        end: 0,
        line,
        column,
        end_line,
        end_column,
    }
}

/// A Terraform declaration at `line`, its literal thumbprint list on the same line.
pub fn declaration(
    file: &str,
    line: u32,
    resource: &str,
    url: &str,
    values: &[&str],
) -> Declaration {
    let list_end = 20 + values.iter().map(|v| v.len() as u32 + 4).sum::<u32>();
    Declaration {
        file: file.into(),
        format: Format::Terraform,
        resource: resource.into(),
        location: span(line, 3, line, 18),
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
            span: span(line, 21, line, list_end),
        },
        suppressions: vec![],
    }
}

pub fn host(name: &str, role: HostRole, variants: Vec<VariantResult>) -> HostResult {
    HostResult {
        endpoint: endpoint(name),
        role,
        variants,
        error: None,
        notes: vec![],
    }
}

pub fn variant(chain: PresentedChain, verification: Verification) -> VariantResult {
    VariantResult {
        addresses: vec!["192.0.2.10".into()],
        chain,
        verification,
        intercepted: false,
    }
}

pub fn finding(status: Status, host: Option<&str>, message: &str) -> Finding {
    Finding {
        status,
        severity: status.default_severity(),
        message: message.into(),
        host: host.map(endpoint),
        suppressed: None,
    }
}

/// A result whose status, severity and message come from its first reported finding, as
/// evaluation orders them.
pub fn result(
    declaration: Declaration,
    findings: Vec<Finding>,
    hosts: Vec<HostResult>,
    enforcement: Option<Enforcement>,
    expected: Option<Vec<Thumbprint>>,
    pass_message: &str,
) -> DeclarationResult {
    let (status, severity, message) = match findings.iter().find(|f| f.suppressed.is_none()) {
        Some(first) => (first.status, first.severity, first.message.clone()),
        None => (Status::Pass, Severity::Off, pass_message.to_string()),
    };
    DeclarationResult {
        declaration,
        status,
        severity,
        message,
        findings,
        enforcement,
        expected,
        hosts,
    }
}

/// Every kind of result: a pass, a mismatch with the expected list, a fragile pin, an
/// expiring top certificate, an unreachable host, dynamic thumbprints, an unresolved issuer
/// URL, a suppressed finding, and a file that could not be read.
pub fn sample() -> Report {
    let github = chain("Actions", 10, (2035, 1, 1));
    let github_top = github.top_thumbprint();
    let eks = chain("Amazon", 20, (2034, 6, 28));
    let eks_top = eks.top_thumbprint();
    let eks_leaf = eks.certs[0].sha1;
    let gitlab = chain("Gitlab", 30, (2026, 6, 15));
    let gitlab_top = gitlab.top_thumbprint();
    let sso = chain("Sso", 40, (2036, 3, 1));
    let keys = chain("Keys", 50, (2036, 3, 1));
    let stale = "6938fd4d98bab03faadb97b34396831e3780aea1";

    let mut pass_host = host(
        "token.actions.example",
        HostRole::IssuerAndJwks,
        vec![variant(github.clone(), Verification::Public)],
    );
    pass_host.notes =
        vec!["2001:db8::10 could not be reached (network unreachable); 192.0.2.10 answered".into()];
    let pass = result(
        declaration(
            "infra/github.tf",
            3,
            "aws_iam_openid_connect_provider.github",
            "https://token.actions.example",
            &[&github_top.to_string()],
        ),
        vec![],
        vec![pass_host],
        Some(Enforcement::CaValidated),
        Some(vec![github_top]),
        "thumbprints match the top certificate of token.actions.example (Actions Root CA, \
         expires 2035-01-01, 3136 days)",
    );

    let mismatch = result(
        declaration(
            "infra/github.tf",
            20,
            "aws_iam_openid_connect_provider.legacy",
            "https://legacy.example",
            &[stale],
        ),
        vec![finding(
            Status::Mismatch,
            Some("legacy.example"),
            &format!(
                "thumbprint \"6938fd4d...aea1\" does not match the top certificate of \
                 legacy.example (Actions Root CA, expires 2035-01-01); expected {github_top}. \
                 IAM cannot validate this chain through its CA library, so it enforces the \
                 thumbprints: federated logins fail with InvalidIdentityToken until the list \
                 is fixed."
            ),
        )],
        vec![host(
            "legacy.example",
            HostRole::IssuerAndJwks,
            vec![variant(github.clone(), Verification::NamedCa)],
        )],
        Some(Enforcement::ThumbprintEnforced),
        Some(vec![github_top]),
        "",
    );

    let mut fragile_declaration = declaration(
        "infra/eks.tf",
        5,
        "aws_iam_openid_connect_provider.eks",
        "",
        &[&eks_leaf.to_string()],
    );
    fragile_declaration.url = IssuerUrl::Eks {
        region: "eu-west-1".into(),
        expression: "aws_eks_cluster.main.identity[0].oidc[0].issuer".into(),
    };
    let fragile = result(
        fragile_declaration,
        vec![finding(
            Status::FragilePin,
            Some("oidc.eks.eu-west-1.amazonaws.com"),
            &format!(
                "thumbprint \"{}\" pins the leaf certificate amazon.example (position 1 of 3) \
                 of oidc.eks.eu-west-1.amazonaws.com, which expires 2026-12-01; it breaks when \
                 that certificate rotates: pin the top certificate Amazon Root CA instead: \
                 {eks_top}",
                eks_leaf.short()
            ),
        )],
        vec![host(
            "oidc.eks.eu-west-1.amazonaws.com",
            HostRole::IssuerAndJwks,
            vec![variant(eks.clone(), Verification::Public)],
        )],
        Some(Enforcement::CaValidated),
        Some(vec![eks_top, eks_leaf]),
        "",
    );

    let mut expiring_declaration = declaration(
        "cloudformation/oidc.yaml",
        12,
        "GitLabProvider",
        "https://gitlab.example",
        &[&gitlab_top.to_string()],
    );
    expiring_declaration.format = Format::Cloudformation;
    let expiring = result(
        expiring_declaration,
        vec![finding(
            Status::Expiring,
            Some("gitlab.example"),
            &format!(
                "the pinned certificate Gitlab Root CA of gitlab.example ({gitlab_top}) expires \
                 2026-06-15, in 14 days, within the 30-day window; its successor will have \
                 another thumbprint: add it before then"
            ),
        )],
        vec![host(
            "gitlab.example",
            HostRole::IssuerAndJwks,
            vec![variant(gitlab, Verification::NamedCa)],
        )],
        Some(Enforcement::ThumbprintEnforced),
        Some(vec![gitlab_top]),
        "",
    );

    let mut suppressed_declaration = declaration(
        "infra/keycloak.tf",
        4,
        "aws_iam_openid_connect_provider.keycloak",
        "https://sso.keycloak.example/realms/main",
        &[&keys.top_thumbprint().to_string()],
    );
    suppressed_declaration.suppressions = vec![Suppression {
        statuses: vec!["incomplete".into()],
        reason: Some("the issuer host is publicly trusted".into()),
        line: 2,
    }];
    let mut incomplete = finding(
        Status::Incomplete,
        Some("sso.keycloak.example"),
        &format!(
            "no declared thumbprint matches the top certificate of issuer host \
             sso.keycloak.example (Sso Root CA, expires 2036-03-01); expected {}.",
            sso.top_thumbprint()
        ),
    );
    incomplete.suppressed =
        Some("suppressed on line 2: the issuer host is publicly trusted".into());
    let suppressed = result(
        suppressed_declaration,
        vec![incomplete],
        vec![
            host(
                "keys.keycloak.example",
                HostRole::Jwks,
                vec![variant(keys.clone(), Verification::Public)],
            ),
            host(
                "sso.keycloak.example",
                HostRole::Issuer,
                vec![variant(sso.clone(), Verification::Public)],
            ),
        ],
        Some(Enforcement::CaValidated),
        Some(vec![keys.top_thumbprint(), sso.top_thumbprint()]),
        "thumbprints match the top certificate of keys.keycloak.example (Keys Root CA, expires \
         2036-03-01, 3561 days)",
    );

    let mut unreachable_declaration = declaration(
        "pulumi/Pulumi.yaml",
        8,
        "oidcProvider",
        "https://auth.example",
        &[&github_top.to_string()],
    );
    unreachable_declaration.format = Format::Pulumi;
    let mut unreachable_host = host("auth.example", HostRole::IssuerAndJwks, vec![]);
    unreachable_host.error = Some("unreachable: connection timed out after 10 s".into());
    let unreachable = result(
        unreachable_declaration,
        vec![finding(
            Status::Unreachable,
            Some("auth.example"),
            "auth.example: unreachable: connection timed out after 10 s",
        )],
        vec![unreachable_host],
        None,
        None,
        "",
    );

    let mut dynamic_declaration = declaration(
        "infra/eks.tf",
        30,
        "aws_iam_openid_connect_provider.computed",
        "https://oidc.computed.example",
        &[],
    );
    dynamic_declaration.thumbprints = ThumbprintList::Dynamic {
        expression: "[data.tls_certificate.eks.certificates[0].sha1_fingerprint]".into(),
    };
    let dynamic = result(
        dynamic_declaration,
        vec![finding(
            Status::Dynamic,
            None,
            "the thumbprint list is computed at apply time \
             (`[data.tls_certificate.eks.certificates[0].sha1_fingerprint]`); not checked",
        )],
        vec![],
        None,
        None,
        "",
    );

    let mut unresolved_declaration = declaration(
        "infra/modules/oidc/main.tf",
        4,
        "aws_iam_openid_connect_provider.this",
        "",
        &[&github_top.to_string()],
    );
    unresolved_declaration.url = IssuerUrl::Unresolved {
        expression: "var.issuer_url".into(),
    };
    let unresolved = result(
        unresolved_declaration,
        vec![finding(
            Status::Unresolved,
            None,
            "the issuer URL `var.issuer_url` could not be resolved statically; map it to a URL \
             under [issuers] in .oidc-thumb-check.toml to check it",
        )],
        vec![],
        None,
        None,
        "",
    );

    Report {
        results: vec![
            expiring,
            fragile,
            dynamic,
            pass,
            mismatch,
            suppressed,
            unresolved,
            unreachable,
        ],
        notices: vec![ReadNotice {
            file: "cloudformation/broken.yaml".into(),
            line: Some(7),
            column: Some(3),
            message: "did not find expected key while parsing a block mapping".into(),
        }],
        now: now(),
        expiry_days: 30,
    }
}

/// A run that found nothing.
pub fn empty() -> Report {
    Report {
        results: vec![],
        notices: vec![],
        now: now(),
        expiry_days: 30,
    }
}

/// The declarations of the sample report, for `list`.
pub fn declarations() -> Vec<Declaration> {
    sample()
        .results
        .into_iter()
        .map(|r| r.declaration)
        .collect()
}

/// A provider whose chain verifies against nothing trusted at public addresses: possibly a
/// TLS-intercepting proxy, whose thumbprints no report may show.
pub fn intercepted() -> Report {
    let proxy = chain("Proxy", 60, (2030, 6, 1));
    let mut variant = variant(
        proxy,
        Verification::Unverified {
            reason: "unknown issuer".into(),
        },
    );
    variant.intercepted = true;
    let mut report = empty();
    report.results.push(result(
        declaration(
            "infra/corp.tf",
            2,
            "aws_iam_openid_connect_provider.corp",
            "https://idp.corp.example",
            &["6938fd4d98bab03faadb97b34396831e3780aea1"],
        ),
        vec![finding(
            Status::Interception,
            Some("idp.corp.example"),
            "the chain idp.corp.example presents at public addresses (top: Proxy Root CA) \
             verifies against no public root and no CA you named (unknown issuer); a \
             TLS-intercepting proxy may be in the way, so its thumbprint is not compared",
        )],
        vec![host(
            "idp.corp.example",
            HostRole::IssuerAndJwks,
            vec![variant],
        )],
        None,
        None,
        "",
    ));
    report
}

/// Every thumbprint of every chain in the report, as hex.
pub fn all_chain_thumbprints(report: &Report) -> Vec<String> {
    report
        .results
        .iter()
        .flat_map(|r| &r.hosts)
        .flat_map(|h| &h.variants)
        .flat_map(|v| &v.chain.certs)
        .map(|c| c.sha1.to_string())
        .collect()
}
