//! Reads Pulumi YAML programs: `aws:iam:OpenIdConnectProvider` resources and their properties.
//! Language reference: <https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/>

use super::{ReadContext, SourceFile};
use crate::tree::{self, Entry, Node, Value};
use crate::{
    find_suppressions, Declaration, FileReport, Format, IssuerUrl, ReadNotice, ThumbprintList,
};

/// The type tokens of an IAM OIDC provider: the short form and the full one.
pub const PROVIDER_TYPES: [&str; 2] = [
    "aws:iam:OpenIdConnectProvider",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
];

/// The type tokens of an EKS cluster, whose `identities[0].oidcs[0].issuer` is its issuer.
const EKS_CLUSTER_TYPES: [&str; 2] = ["aws:eks:Cluster", "aws:eks/cluster:Cluster"];

const EKS_ISSUER_PATH: &str = ".identities[0].oidcs[0].issuer";

/// True when a text may be a Pulumi YAML program declaring an IAM resource.
///
/// ```
/// use oidc_thumb_core::readers::pulumi_yaml::looks_like_pulumi_yaml;
/// assert!(looks_like_pulumi_yaml("resources:\n  p:\n    type: aws:iam:OpenIdConnectProvider\n"));
/// assert!(!looks_like_pulumi_yaml("apiVersion: v1\nkind: ConfigMap\n"));
/// ```
pub fn looks_like_pulumi_yaml(text: &str) -> bool {
    text.contains("resources") && text.contains("aws:iam")
}

/// The OIDC providers a Pulumi YAML program declares, with the problems met reading it.
///
/// ```
/// use oidc_thumb_core::readers::{pulumi_yaml::read_pulumi_yaml, ReadContext, SourceFile};
/// let text = "name: ci\nruntime: yaml\nresources:\n  github:\n    \
///             type: aws:iam:OpenIdConnectProvider\n    properties:\n      \
///             url: https://token.actions.githubusercontent.com\n      \
///             thumbprintLists: [6938fd4d98bab03faadb97b34396831e3780aea1]\n";
/// let report = read_pulumi_yaml(SourceFile { path: "Pulumi.yaml", text }, &ReadContext::default());
/// assert_eq!(report.declarations[0].resource, "github");
/// ```
pub fn read_pulumi_yaml(file: SourceFile<'_>, ctx: &ReadContext) -> FileReport {
    let parsed = tree::parse(file.text);

    let mut report = FileReport::default();
    for root in &parsed.documents {
        let Some(Value::Mapping(resources)) = root.get_value("resources").map(|n| &n.value) else {
            continue;
        };
        for resource in resources {
            let kind = resource.value.get_value("type").and_then(Node::string);
            if !kind.is_some_and(|kind| PROVIDER_TYPES.contains(&kind)) {
                continue;
            }
            // `get:` reads a provider that exists elsewhere; it declares nothing.
            if resource.value.get("get").is_some() {
                continue;
            }
            match declaration(file, resources, resource, ctx) {
                Ok(declaration) => report.declarations.push(declaration),
                Err(notice) => report.notices.push(notice),
            }
        }
    }
    if let Some(error) = &parsed.error {
        report.notices.push(tree::notice(file, error));
    }
    report
}

fn declaration(
    file: SourceFile<'_>,
    resources: &[Entry],
    resource: &Entry,
    ctx: &ReadContext,
) -> Result<Declaration, ReadNotice> {
    let text = file.text;
    let name = resource.key.scalar().unwrap_or_default();
    let key_span = resource.key.span(text);
    let properties = resource.value.get_value("properties");

    let Some(url) = properties.and_then(|p| p.get_value("url")) else {
        return Err(ReadNotice {
            file: file.path.to_string(),
            line: Some(key_span.line),
            column: Some(key_span.column),
            message: format!(
                "resource {name} has no properties.url; expected the issuer URL, so the provider \
                 is not checked"
            ),
        });
    };
    let url = issuer_url(text, url, resources, ctx);

    let list = properties.and_then(|p| p.get("thumbprintLists"));
    let thumbprints = list.map_or(ThumbprintList::Absent, |entry| {
        tree::thumbprint_list(&entry.value, text, |node| {
            node.scalar().is_some_and(interpolates)
        })
    });

    let last_line = resource.value.span(text).end_line;
    Ok(Declaration {
        file: file.path.to_string(),
        format: Format::Pulumi,
        resource: name.to_string(),
        location: list.map_or(key_span, |entry| entry.key.span(text)),
        url,
        thumbprints,
        suppressions: find_suppressions(text, key_span.line, last_line),
    })
}

// Config defaults and `variables:` are not followed; an interpolated URL stays unresolved.
fn issuer_url(text: &str, node: &Node, resources: &[Entry], ctx: &ReadContext) -> IssuerUrl {
    let expression = node.source(text).to_string();
    let Some(url) = node.string() else {
        return IssuerUrl::Unresolved { expression };
    };
    if !interpolates(url) {
        return IssuerUrl::Known {
            url: url.replace("$${", "${"),
            expression: None,
        };
    }

    let cluster = url
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .and_then(|inner| inner.strip_suffix(EKS_ISSUER_PATH));
    let is_cluster = |name: &str| {
        resources.iter().any(|entry| {
            entry.key.scalar() == Some(name)
                && entry
                    .value
                    .get_value("type")
                    .and_then(Node::string)
                    .is_some_and(|kind| EKS_CLUSTER_TYPES.contains(&kind))
        })
    };
    match (cluster, &ctx.aws_region) {
        (Some(cluster), Some(region)) if is_cluster(cluster) => IssuerUrl::Eks {
            region: region.clone(),
            expression,
        },
        _ => IssuerUrl::Unresolved { expression },
    }
}

/// True when a string holds a `${...}` interpolation (`$${` is an escaped, literal `${`).
fn interpolates(text: &str) -> bool {
    text.match_indices("${")
        .any(|(at, _)| !text[..at].ends_with('$'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::testing::{self, slice};

    const PROGRAM: &str = "name: identity
runtime: yaml
config:
  issuer:
    type: string
resources:
  # oidc-thumb-check: ignore expiring -- rotation planned
  github:
    type: aws:iam:OpenIdConnectProvider
    properties:
      url: https://token.actions.githubusercontent.com
      clientIdLists: [sts.amazonaws.com]
      thumbprintLists:
        - '6938FD4D98BAB03FAADB97B34396831E3780AEA1' # upper case
  bucket:
    type: aws:s3:Bucket
";

    fn read_with(text: &str, region: Option<&str>) -> FileReport {
        testing::read(read_pulumi_yaml, "Pulumi.yaml", text, region)
    }

    fn read(text: &str) -> FileReport {
        read_with(text, None)
    }

    #[test]
    fn provider_resource_is_read() {
        let report = read(PROGRAM);
        assert_eq!(report.notices, vec![]);
        assert_eq!(report.declarations.len(), 1);
        let declaration = &report.declarations[0];
        assert_eq!(declaration.format, Format::Pulumi);
        assert_eq!(declaration.resource, "github");
        assert_eq!(
            declaration.url.url().as_deref(),
            Some("https://token.actions.githubusercontent.com")
        );
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(values[0].value, "6938FD4D98BAB03FAADB97B34396831E3780AEA1");
        assert_eq!(
            slice(PROGRAM, *span),
            "- '6938FD4D98BAB03FAADB97B34396831E3780AEA1'"
        );
        assert_eq!(slice(PROGRAM, declaration.location), "thumbprintLists");
    }

    #[test]
    fn full_type_token_is_read() {
        let text = PROGRAM.replace(
            "aws:iam:OpenIdConnectProvider",
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        );
        assert_eq!(read(&text).declarations.len(), 1);
    }

    #[test]
    fn suppression_comment_above_the_resource_is_attached() {
        let report = read(PROGRAM);
        let suppressions = &report.declarations[0].suppressions;
        assert_eq!(suppressions.len(), 1);
        assert_eq!(suppressions[0].line, 7);
        assert_eq!(suppressions[0].reason.as_deref(), Some("rotation planned"));
    }

    #[test]
    fn interpolated_url_is_unresolved() {
        let text = PROGRAM.replace(
            "url: https://token.actions.githubusercontent.com",
            "url: https://${issuer}/",
        );
        let report = read(&text);
        assert_eq!(
            report.declarations[0].url,
            IssuerUrl::Unresolved {
                expression: "https://${issuer}/".into()
            }
        );
    }

    #[test]
    fn escaped_interpolation_is_literal() {
        let text = PROGRAM.replace(
            "url: https://token.actions.githubusercontent.com",
            "url: https://x.example.com/$${path}",
        );
        let report = read(&text);
        assert_eq!(
            report.declarations[0].url.url().as_deref(),
            Some("https://x.example.com/${path}")
        );
    }

    #[test]
    fn interpolated_thumbprint_list_is_dynamic() {
        let text = PROGRAM.replace(
            "        - '6938FD4D98BAB03FAADB97B34396831E3780AEA1' # upper case\n",
            "        - ${cert.certificates[0].sha1Fingerprint}\n",
        );
        let report = read(&text);
        assert_eq!(
            report.declarations[0].thumbprints,
            ThumbprintList::Dynamic {
                expression: "- ${cert.certificates[0].sha1Fingerprint}".into()
            }
        );
    }

    #[test]
    fn function_call_url_is_unresolved_with_its_text() {
        let text = PROGRAM.replace(
            "url: https://token.actions.githubusercontent.com",
            "url:\n        fn::invoke:\n          function: aws:eks:getCluster",
        );
        let report = read(&text);
        let IssuerUrl::Unresolved { expression } = &report.declarations[0].url else {
            panic!("not unresolved")
        };
        assert!(expression.starts_with("fn::invoke:"), "{expression}");
    }

    #[test]
    fn eks_cluster_issuer_is_eks_with_a_region() {
        let text = PROGRAM
            .replace(
                "url: https://token.actions.githubusercontent.com",
                "url: ${cluster.identities[0].oidcs[0].issuer}",
            )
            .replace(
                "  bucket:\n    type: aws:s3:Bucket",
                "  cluster:\n    type: aws:eks:Cluster",
            );
        let with_region = read_with(&text, Some("eu-north-1"));
        assert!(matches!(
            &with_region.declarations[0].url,
            IssuerUrl::Eks { region, .. } if region == "eu-north-1"
        ));
        let without = read(&text);
        assert!(matches!(
            without.declarations[0].url,
            IssuerUrl::Unresolved { .. }
        ));
    }

    #[test]
    fn lookup_of_an_existing_provider_declares_nothing() {
        let text =
            "resources:\n  existing:\n    type: aws:iam:OpenIdConnectProvider\n    get:\n      \
                    id: arn:aws:iam::123456789012:oidc-provider/x\n";
        assert_eq!(read(text), FileReport::default());
    }

    #[test]
    fn provider_without_url_is_a_notice() {
        let text =
            "resources:\n  p:\n    type: aws:iam:OpenIdConnectProvider\n    properties:\n      \
                    thumbprintLists: [aaaa]\n";
        let report = read(text);
        assert!(report.declarations.is_empty());
        assert_eq!(report.notices[0].line, Some(2));
    }

    #[test]
    fn missing_thumbprint_list_is_absent_at_the_resource_key() {
        let text =
            "resources:\n  p:\n    type: aws:iam:OpenIdConnectProvider\n    properties:\n      \
                    url: https://x.example.com\n";
        let report = read(text);
        let declaration = &report.declarations[0];
        assert_eq!(declaration.thumbprints, ThumbprintList::Absent);
        assert_eq!(slice(text, declaration.location), "p");
    }

    #[test]
    fn sniff_needs_resources_and_an_iam_type() {
        assert!(looks_like_pulumi_yaml(PROGRAM));
        assert!(!looks_like_pulumi_yaml(
            "resources:\n  b:\n    type: aws:s3:Bucket\n"
        ));
    }
}
