//! Reads CloudFormation and SAM templates, YAML or JSON, CDK's synthesized templates included.
//! Resource reference: <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html>

use super::{ReadContext, SourceFile};
use crate::tree::{self, Entry, Node, Value};
use crate::{
    find_suppressions, Declaration, FileReport, Format, IssuerUrl, ReadNotice, ThumbprintList,
};

/// The resource types that declare an OIDC provider: IAM's own, and the custom resource CDK's
/// `OpenIdConnectProvider` (and `eks.Cluster`) synthesizes.
pub const PROVIDER_TYPES: [&str; 2] = [
    "AWS::IAM::OIDCProvider",
    "Custom::AWSCDKOpenIdConnectProvider",
];

const CDK_PROVIDER_TYPE: &str = "Custom::AWSCDKOpenIdConnectProvider";

/// The resource types whose `OpenIdConnectIssuerUrl` attribute is an EKS cluster's issuer.
const EKS_CLUSTER_TYPES: [&str; 2] = ["AWS::EKS::Cluster", "Custom::AWSCDK-EKS-Cluster"];

const EKS_ISSUER_ATTRIBUTE: &str = "OpenIdConnectIssuerUrl";

const EKS_PREFIX: &str = "https://oidc.eks.";
const EKS_SUFFIX: &str = ".amazonaws.com/id/";

/// True when a text may be a CloudFormation template: it names the template format version,
/// or has a top-level `Resources` and a `::` type name.
///
/// ```
/// use oidc_thumb_core::readers::cloudformation::looks_like_cloudformation;
/// assert!(looks_like_cloudformation("Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n"));
/// assert!(!looks_like_cloudformation("apiVersion: v1\nkind: ConfigMap\n"));
/// ```
pub fn looks_like_cloudformation(text: &str) -> bool {
    let yaml_resources = text.lines().any(|line| {
        line.trim_start_matches('\u{feff}')
            .starts_with("Resources:")
    });
    let json_resources = text.contains("\"Resources\"");
    text.contains("AWSTemplateFormatVersion")
        || ((yaml_resources || json_resources) && text.contains("::"))
}

/// The OIDC providers a CloudFormation template declares, with the problems met reading it.
///
/// ```
/// use oidc_thumb_core::readers::{cloudformation::read_cloudformation, ReadContext, SourceFile};
/// let text = "Resources:\n  GitHub:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
///             Url: https://token.actions.githubusercontent.com\n      \
///             ThumbprintList: [6938fd4d98bab03faadb97b34396831e3780aea1]\n";
/// let report = read_cloudformation(SourceFile { path: "t.yaml", text }, &ReadContext::default());
/// assert_eq!(report.declarations[0].resource, "GitHub");
/// assert_eq!(report.declarations[0].thumbprints.values().len(), 1);
/// ```
pub fn read_cloudformation(file: SourceFile<'_>, ctx: &ReadContext) -> FileReport {
    let parsed = tree::parse(file.text);

    let mut report = FileReport::default();
    for root in &parsed.documents {
        let template = Template {
            file,
            parameters: root.get_value("Parameters"),
            resources: root.get_value("Resources"),
        };
        template.read(ctx, &mut report);
    }
    if let Some(error) = &parsed.error {
        report.notices.push(tree::notice(file, error));
    }
    report
}

/// One template: what its intrinsic functions may refer to.
struct Template<'a> {
    file: SourceFile<'a>,
    parameters: Option<&'a Node>,
    resources: Option<&'a Node>,
}

/// A part of a string worked out from an intrinsic function.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Known text.
    Text(String),
    /// The stack's region (`AWS::Region`).
    Region,
    /// A whole EKS cluster issuer URL (`Fn::GetAtt Cluster.OpenIdConnectIssuerUrl`).
    EksIssuer,
    /// Anything known only at deploy time.
    Unknown,
}

impl Template<'_> {
    fn read(&self, ctx: &ReadContext, report: &mut FileReport) {
        let Some(Value::Mapping(resources)) = self.resources.map(|node| &node.value) else {
            return;
        };
        for resource in resources {
            let kind = resource.value.get_value("Type").and_then(Node::string);
            let Some(kind) = kind.filter(|kind| PROVIDER_TYPES.contains(kind)) else {
                continue;
            };
            match self.declaration(resource, kind, ctx) {
                Ok(declaration) => report.declarations.push(declaration),
                Err(notice) => report.notices.push(notice),
            }
        }
    }

    fn declaration(
        &self,
        resource: &Entry,
        kind: &str,
        ctx: &ReadContext,
    ) -> Result<Declaration, ReadNotice> {
        let text = self.file.text;
        let id = resource.key.scalar().unwrap_or_default();
        let properties = resource.value.get_value("Properties");
        let key_span = resource.key.span(text);

        let Some(url) = properties.and_then(|p| p.get_value("Url")) else {
            return Err(ReadNotice {
                file: self.file.path.to_string(),
                line: Some(key_span.line),
                column: Some(key_span.column),
                message: format!(
                    "resource {id} of type {kind} has no Properties.Url; expected the issuer \
                     URL, so the provider is not checked"
                ),
            });
        };
        let url = self.issuer_url(url, ctx);

        let list = properties.and_then(|p| p.get("ThumbprintList"));
        let mut thumbprints = list.map_or(ThumbprintList::Absent, |entry| {
            tree::thumbprint_list(&entry.value, text, |node| intrinsic(node).is_some())
        });
        if thumbprints == ThumbprintList::Absent && kind == CDK_PROVIDER_TYPE {
            thumbprints = ThumbprintList::Dynamic {
                expression: "no ThumbprintList: the CDK provider fetches it at deploy time"
                    .to_string(),
            };
        }

        let last_line = resource.value.span(text).end_line;
        Ok(Declaration {
            file: self.file.path.to_string(),
            format: Format::Cloudformation,
            resource: id.to_string(),
            location: list.map_or(key_span, |entry| entry.key.span(text)),
            url,
            thumbprints,
            suppressions: find_suppressions(text, key_span.line, last_line),
        })
    }

    fn issuer_url(&self, node: &Node, ctx: &ReadContext) -> IssuerUrl {
        let expression = node.source(self.file.text).to_string();
        if intrinsic(node).is_none() {
            if let Some(url) = node.scalar() {
                return IssuerUrl::Known {
                    url: url.to_string(),
                    expression: None,
                };
            }
            return IssuerUrl::Unresolved { expression };
        }

        let mut pieces = Vec::new();
        self.pieces(node, &mut pieces);
        classify(merge(pieces), expression, ctx)
    }

    /// The pieces of the string a node stands for, appended to `out`.
    fn pieces(&self, node: &Node, out: &mut Vec<Piece>) {
        let Some((function, argument)) = intrinsic(node) else {
            out.push(
                node.scalar()
                    .map_or(Piece::Unknown, |s| Piece::Text(s.to_string())),
            );
            return;
        };
        match function {
            Function::Ref => out.push(
                argument
                    .scalar()
                    .map_or(Piece::Unknown, |name| self.reference(name)),
            ),
            Function::Sub => self.sub(argument, out),
            Function::Join => self.join(argument, out),
            Function::GetAtt => out.push(self.get_att(argument)),
            Function::Other => out.push(Piece::Unknown),
        }
    }

    /// `Ref`: a parameter's default, the region, or unknown.
    fn reference(&self, name: &str) -> Piece {
        if name == "AWS::Region" {
            return Piece::Region;
        }
        self.parameters
            .and_then(|parameters| parameters.get_value(name))
            .and_then(|parameter| parameter.get_value("Default"))
            .and_then(Node::scalar)
            .map_or(Piece::Unknown, |default| Piece::Text(default.to_string()))
    }

    /// `Fn::Sub`: a template string, with or without a map of variables.
    fn sub(&self, argument: &Node, out: &mut Vec<Piece>) {
        let (template, variables) = match &argument.value {
            Value::Scalar(template, _) => (template.as_str(), None),
            Value::Sequence(items) => match items.as_slice() {
                [template, variables] => match template.string() {
                    Some(template) => (template, Some(variables)),
                    None => return out.push(Piece::Unknown),
                },
                _ => return out.push(Piece::Unknown),
            },
            _ => return out.push(Piece::Unknown),
        };

        let mut rest = template;
        while let Some(open) = rest.find("${") {
            out.push(Piece::Text(rest[..open].to_string()));
            let after = &rest[open + 2..];
            let Some(close) = after.find('}') else {
                rest = &rest[open..];
                break;
            };
            let name = &after[..close];
            if let Some(literal) = name.strip_prefix('!') {
                out.push(Piece::Text(format!("${{{literal}}}")));
            } else if let Some(value) = variables.and_then(|v| v.get_value(name)) {
                self.pieces(value, out);
            } else if let Some((resource, attribute)) = name.split_once('.') {
                out.push(self.attribute(resource, attribute));
            } else {
                out.push(self.reference(name));
            }
            rest = &after[close + 1..];
        }
        out.push(Piece::Text(rest.to_string()));
    }

    /// `Fn::Join`: a delimiter and a list of parts.
    fn join(&self, argument: &Node, out: &mut Vec<Piece>) {
        let Value::Sequence(items) = &argument.value else {
            return out.push(Piece::Unknown);
        };
        let [delimiter, list] = items.as_slice() else {
            return out.push(Piece::Unknown);
        };
        let (Some(delimiter), Value::Sequence(parts)) = (delimiter.string(), &list.value) else {
            return out.push(Piece::Unknown);
        };
        if intrinsic(list).is_some() {
            return out.push(Piece::Unknown);
        }
        for (index, part) in parts.iter().enumerate() {
            if index > 0 {
                out.push(Piece::Text(delimiter.to_string()));
            }
            self.pieces(part, out);
        }
    }

    /// `Fn::GetAtt`: `Resource.Attribute` or `[Resource, Attribute]`.
    fn get_att(&self, argument: &Node) -> Piece {
        match &argument.value {
            Value::Scalar(name, _) => match name.split_once('.') {
                Some((resource, attribute)) => self.attribute(resource, attribute),
                None => Piece::Unknown,
            },
            Value::Sequence(items) => match items.as_slice() {
                [resource, attribute] => match (resource.string(), attribute.string()) {
                    (Some(resource), Some(attribute)) => self.attribute(resource, attribute),
                    _ => Piece::Unknown,
                },
                _ => Piece::Unknown,
            },
            _ => Piece::Unknown,
        }
    }

    fn attribute(&self, resource: &str, attribute: &str) -> Piece {
        let kind = self
            .resources
            .and_then(|resources| resources.get_value(resource))
            .and_then(|resource| resource.get_value("Type"))
            .and_then(Node::string);
        match kind {
            Some(kind)
                if EKS_CLUSTER_TYPES.contains(&kind) && attribute == EKS_ISSUER_ATTRIBUTE =>
            {
                Piece::EksIssuer
            }
            _ => Piece::Unknown,
        }
    }
}

/// The intrinsic functions whose result can be worked out statically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    Ref,
    Sub,
    Join,
    GetAtt,
    Other,
}

/// The intrinsic function a node calls, short form (`!Sub x`) or long form (`Fn::Sub: x`),
/// and its argument (for the short form, the node itself with its tag set aside).
fn intrinsic(node: &Node) -> Option<(Function, &Node)> {
    if let Some(tag) = node.tag.as_deref().filter(|tag| !tag.starts_with("!!")) {
        let name = tag.strip_prefix('!').unwrap_or(tag);
        return Some((function(name), node));
    }
    let Value::Mapping(entries) = &node.value else {
        return None;
    };
    let [entry] = entries.as_slice() else {
        return None;
    };
    let key = entry.key.string()?;
    let name = match key.strip_prefix("Fn::") {
        Some(name) => name,
        None if key == "Ref" || key == "Condition" => key,
        None => return None,
    };
    Some((function(name), &entry.value))
}

fn function(name: &str) -> Function {
    match name {
        "Ref" => Function::Ref,
        "Sub" => Function::Sub,
        "Join" => Function::Join,
        "GetAtt" => Function::GetAtt,
        _ => Function::Other,
    }
}

/// The pieces with neighbouring texts joined and empty texts dropped.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (merged.last_mut(), piece) {
            (_, Piece::Text(text)) if text.is_empty() => {}
            (Some(Piece::Text(previous)), Piece::Text(text)) => previous.push_str(&text),
            (_, piece) => merged.push(piece),
        }
    }
    merged
}

/// The issuer URL worked out from an intrinsic function's pieces.
fn classify(pieces: Vec<Piece>, expression: String, ctx: &ReadContext) -> IssuerUrl {
    let in_region = |region: Option<&str>, expression: String| match region {
        Some(region) => IssuerUrl::Eks {
            region: region.to_string(),
            expression,
        },
        None => IssuerUrl::Unresolved { expression },
    };
    let stack_region = ctx.aws_region.as_deref();

    match pieces.as_slice() {
        [Piece::Text(url)] => IssuerUrl::Known {
            url: url.clone(),
            expression: Some(expression),
        },
        [Piece::EksIssuer] => in_region(stack_region, expression),
        [Piece::Text(prefix), Piece::Region, Piece::Text(suffix), ..]
            if prefix == EKS_PREFIX && suffix.starts_with(EKS_SUFFIX) =>
        {
            in_region(stack_region, expression)
        }
        [Piece::Text(start), ..] => match literal_eks_region(start) {
            Some(region) => in_region(Some(region), expression),
            None => IssuerUrl::Unresolved { expression },
        },
        _ => IssuerUrl::Unresolved { expression },
    }
}

/// The region written in `https://oidc.eks.REGION.amazonaws.com/id/...`.
fn literal_eks_region(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(EKS_PREFIX)?;
    let (region, _) = rest.split_once(EKS_SUFFIX)?;
    let valid = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::testing::{self, slice, values};

    const GITHUB: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";

    fn read(text: &str) -> FileReport {
        read_with(text, None)
    }

    fn read_with(text: &str, region: Option<&str>) -> FileReport {
        testing::read(read_cloudformation, "infra/template.yaml", text, region)
    }

    fn only(report: &FileReport) -> &Declaration {
        assert_eq!(report.notices, vec![], "unexpected notices");
        assert_eq!(report.declarations.len(), 1, "{:#?}", report.declarations);
        &report.declarations[0]
    }

    fn provider(url: &str, list: &str) -> String {
        format!(
            "Resources:\n  Provider:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
             Url: {url}\n      ThumbprintList: {list}\n"
        )
    }

    #[test]
    fn yaml_provider_with_flow_list_is_read() {
        let text = provider(
            "https://token.actions.githubusercontent.com",
            &format!("[{GITHUB}]"),
        );
        let report = read(&text);
        let declaration = only(&report);
        assert_eq!(declaration.format, Format::Cloudformation);
        assert_eq!(declaration.resource, "Provider");
        assert_eq!(declaration.file, "infra/template.yaml");
        assert_eq!(
            declaration.url,
            IssuerUrl::Known {
                url: "https://token.actions.githubusercontent.com".into(),
                expression: None
            }
        );
        assert_eq!(values(declaration), [GITHUB]);
        let ThumbprintList::Literal { span, .. } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(slice(&text, *span), format!("[{GITHUB}]"));
        assert_eq!(slice(&text, declaration.location), "ThumbprintList");
        assert_eq!(
            (declaration.location.line, declaration.location.column),
            (6, 7)
        );
    }

    #[test]
    fn block_list_with_comments_spans_first_dash_to_last_item() {
        let text = "Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
                    Url: https://issuer.example.com\n      ThumbprintList:\n        \
                    # the current root\n        - \"AAAA\"   # quoted\n        # the next one\n        \
                    - 'bb:cc'\n      ClientIdList: [sts.amazonaws.com]\n";
        let report = read(text);
        let declaration = only(&report);
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(
            slice(text, *span),
            "- \"AAAA\"   # quoted\n        # the next one\n        - 'bb:cc'"
        );
        assert_eq!(slice(text, values[0].span), "\"AAAA\"");
        assert_eq!(slice(text, values[1].span), "'bb:cc'");
    }

    #[test]
    fn upper_case_and_colon_thumbprints_are_kept_as_written() {
        let upper = "69:38:FD:4D:98:BA:B0:3F:AA:DB:97:B3:43:96:83:1E:37:80:AE:A1";
        let text = provider("https://x.example.com", &format!("[\"{upper}\", ABCDEF]"));
        let report = read(&text);
        assert_eq!(values(only(&report)), [upper, "ABCDEF"]);
    }

    #[test]
    fn flow_list_spread_over_lines_keeps_exact_spans() {
        let text = "Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
                    Url: https://x.example.com\n      ThumbprintList: [\n        aaaa,\n        \
                    \"bbbb\"\n      ]\n";
        let report = read(text);
        let declaration = only(&report);
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(
            slice(text, *span),
            "[\n        aaaa,\n        \"bbbb\"\n      ]"
        );
        assert_eq!((values[1].span.line, values[1].span.column), (8, 9));
        assert_eq!(slice(text, values[1].span), "\"bbbb\"");
    }

    #[test]
    fn crlf_template_with_a_byte_order_mark_keeps_byte_offsets() {
        let text = format!(
            "\u{feff}{}",
            provider(
                "https://x.example.com",
                "\r\n        - 'aaaa'\r\n        - bbbb\r\n"
            )
        )
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
        let report = read(&text);
        let declaration = only(&report);
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(slice(&text, *span), "- 'aaaa'\r\n        - bbbb");
        assert_eq!(slice(&text, values[0].span), "'aaaa'");
        assert_eq!(slice(&text, values[1].span), "bbbb");
        assert_eq!(values[1].span.line, 8);
    }

    #[test]
    fn missing_thumbprint_list_is_absent_at_the_resource_key() {
        let text =
            "Resources:\n  NoList:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
                    Url: https://x.example.com\n";
        let report = read(text);
        let declaration = only(&report);
        assert_eq!(declaration.thumbprints, ThumbprintList::Absent);
        assert_eq!(slice(text, declaration.location), "NoList");
    }

    /// The issuer URL of a template: `extra` (parameters, other resources) around a
    /// provider whose `Url` is `url`.
    fn url_of(extra: &str, url: &str, region: Option<&str>) -> IssuerUrl {
        let template = provider(url, "[aaaa]").replace("Resources:\n", extra);
        only(&read_with(&template, region)).url.clone()
    }

    fn unresolved(expression: &str) -> IssuerUrl {
        IssuerUrl::Unresolved {
            expression: expression.into(),
        }
    }

    fn eks(region: &str, expression: &str) -> IssuerUrl {
        IssuerUrl::Eks {
            region: region.into(),
            expression: expression.into(),
        }
    }

    fn known(url: &str, expression: &str) -> IssuerUrl {
        IssuerUrl::Known {
            url: url.into(),
            expression: Some(expression.into()),
        }
    }

    const ISSUER_PARAMETER: &str = "Parameters:\n  IssuerUrl:\n    Type: String\n";
    const EKS_CLUSTER: &str = "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n";

    #[test]
    fn ref_to_a_parameter_uses_its_default() {
        let extra =
            format!("{ISSUER_PARAMETER}    Default: https://gitlab.example.com\nResources:\n");
        assert_eq!(
            url_of(&extra, "!Ref IssuerUrl", None),
            known("https://gitlab.example.com", "!Ref IssuerUrl")
        );
    }

    #[test]
    fn ref_to_a_parameter_without_default_is_unresolved() {
        let extra = format!("{ISSUER_PARAMETER}Resources:\n");
        assert_eq!(
            url_of(&extra, "!Ref IssuerUrl", None),
            unresolved("!Ref IssuerUrl")
        );
    }

    #[test]
    fn sub_substitutes_parameter_defaults() {
        let extra = "Parameters:\n  Domain:\n    Default: example.com\nResources:\n";
        let expression = "!Sub 'https://auth.${Domain}/realms/${!literal}'";
        assert_eq!(
            url_of(extra, expression, None),
            known("https://auth.example.com/realms/${literal}", expression)
        );
    }

    #[test]
    fn long_form_sub_with_variables_is_resolved() {
        let text = "{\"Resources\": {\"P\": {\"Type\": \"AWS::IAM::OIDCProvider\", \"Properties\": {\
                    \"Url\": {\"Fn::Sub\": [\"https://${Host}/x\", {\"Host\": \"id.example.com\"}]}, \
                    \"ThumbprintList\": [\"aaaa\"]}}}}";
        let report = read(text);
        assert_eq!(
            only(&report).url.url().as_deref(),
            Some("https://id.example.com/x")
        );
    }

    #[test]
    fn join_of_resolvable_parts_is_resolved() {
        let extra = "Parameters:\n  Tenant:\n    Default: acme\nResources:\n";
        let expression = "!Join ['', ['https://', !Ref Tenant, '.auth0.com/']]";
        assert_eq!(
            url_of(extra, expression, None),
            known("https://acme.auth0.com/", expression)
        );
    }

    #[test]
    fn eks_sub_with_a_region_from_the_context_is_eks() {
        let expression = "!Sub 'https://oidc.eks.${AWS::Region}.amazonaws.com/id/${ClusterId}'";
        assert_eq!(
            url_of("Resources:\n", expression, Some("eu-west-1")),
            eks("eu-west-1", expression)
        );
    }

    #[test]
    fn eks_sub_without_a_region_is_unresolved() {
        let expression = "!Sub 'https://oidc.eks.${AWS::Region}.amazonaws.com/id/ABCDEF'";
        assert_eq!(
            url_of("Resources:\n", expression, None),
            unresolved(expression)
        );
    }

    #[test]
    fn eks_url_with_a_literal_region_is_known() {
        let url = "https://oidc.eks.us-east-2.amazonaws.com/id/ABCDEF";
        let expression = format!("!Sub '{url}'");
        assert_eq!(
            url_of("Resources:\n", &expression, None),
            known(url, &expression)
        );
    }

    #[test]
    fn eks_url_with_a_literal_region_and_an_unknown_id_is_eks_in_that_region() {
        let expression = "!Sub 'https://oidc.eks.us-east-2.amazonaws.com/id/${ClusterId}'";
        assert_eq!(
            url_of("Resources:\n", expression, Some("eu-west-1")),
            eks("us-east-2", expression)
        );
    }

    #[test]
    fn eks_join_with_the_region_reference_is_eks() {
        let expression =
            "!Join ['', ['https://oidc.eks.', !Ref 'AWS::Region', '.amazonaws.com/id/', !Ref Id]]";
        assert_eq!(
            url_of("Resources:\n", expression, Some("ap-south-1")),
            eks("ap-south-1", expression)
        );
    }

    #[test]
    fn get_att_of_an_eks_cluster_issuer_is_eks() {
        let expression = "!GetAtt Cluster.OpenIdConnectIssuerUrl";
        assert_eq!(
            url_of(EKS_CLUSTER, expression, Some("us-west-2")),
            eks("us-west-2", expression)
        );
        assert_eq!(
            url_of(EKS_CLUSTER, expression, None),
            unresolved(expression)
        );
    }

    #[test]
    fn get_att_of_another_resource_is_unresolved() {
        let extra = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
        let expression = "!GetAtt [Bucket, WebsiteURL]";
        assert_eq!(
            url_of(extra, expression, Some("us-west-2")),
            unresolved(expression)
        );
    }

    #[test]
    fn other_intrinsics_are_unresolved_with_their_text() {
        let expression = "!ImportValue shared-issuer";
        assert_eq!(
            url_of("Resources:\n", expression, None),
            unresolved(expression)
        );
    }

    #[test]
    fn intrinsic_thumbprint_list_is_dynamic() {
        let text = provider("https://x.example.com", "!Split [',', !Ref Thumbprints]");
        let report = read(&text);
        assert_eq!(
            only(&report).thumbprints,
            ThumbprintList::Dynamic {
                expression: "!Split [',', !Ref Thumbprints]".into()
            }
        );
    }

    #[test]
    fn list_containing_an_intrinsic_is_dynamic() {
        let text = provider("https://x.example.com", "[aaaa, {\"Ref\": \"Other\"}]");
        let report = read(&text);
        assert!(matches!(
            only(&report).thumbprints,
            ThumbprintList::Dynamic { .. }
        ));
    }

    #[test]
    fn cdk_synthesized_custom_resource_json_is_read() {
        let text = r#"{
 "Resources": {
  "ClusterOpenIdConnectProviderE7EB0530": {
   "Type": "Custom::AWSCDKOpenIdConnectProvider",
   "Properties": {
    "ServiceToken": {"Fn::GetAtt": ["CustomAWSCDKOpenIdConnectProviderCustomResourceProviderHandlerF2C543E0", "Arn"]},
    "ClientIDList": ["sts.amazonaws.com"],
    "ThumbprintList": ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    "Url": {"Fn::GetAtt": ["Cluster9EE0221C", "OpenIdConnectIssuerUrl"]},
    "CodeHash": "abc"
   },
   "UpdateReplacePolicy": "Delete"
  },
  "Cluster9EE0221C": {"Type": "Custom::AWSCDK-EKS-Cluster", "Properties": {}}
 }
}"#;
        let report = read_with(text, Some("eu-central-1"));
        let declaration = only(&report);
        assert_eq!(declaration.resource, "ClusterOpenIdConnectProviderE7EB0530");
        assert!(matches!(
            &declaration.url,
            IssuerUrl::Eks { region, .. } if region == "eu-central-1"
        ));
        let ThumbprintList::Literal { values, .. } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(
            slice(text, values[0].span),
            "\"9e99a48a9960b14926bb7f3b02e22da2b0ab7280\""
        );
        assert_eq!(slice(text, declaration.location), "\"ThumbprintList\"");
    }

    #[test]
    fn cdk_custom_resource_without_thumbprints_is_dynamic() {
        let text = "Resources:\n  P:\n    Type: Custom::AWSCDKOpenIdConnectProvider\n    \
                    Properties:\n      Url: https://x.example.com\n";
        let report = read(text);
        assert!(matches!(
            only(&report).thumbprints,
            ThumbprintList::Dynamic { .. }
        ));
    }

    #[test]
    fn json_template_with_tabs_and_unicode_escapes_keeps_exact_spans() {
        let text = "{\r\n\t\"Description\": \"caf\\u00e9 \\ud83d\\ude00\",\r\n\t\"Resources\": {\r\n\t\t\
                    \"P\": {\r\n\t\t\t\"Type\": \"AWS::IAM::OIDCProvider\",\r\n\t\t\t\"Properties\": {\r\n\t\t\t\t\
                    \"Url\": \"https:\\/\\/x.example.com\",\r\n\t\t\t\t\"ThumbprintList\": [\"AAAA\", \"bbbb\"]\r\n\
                    \t\t\t}\r\n\t\t}\r\n\t}\r\n}\r\n";
        let report = read(text);
        let declaration = only(&report);
        assert_eq!(
            declaration.url.url().as_deref(),
            Some("https://x.example.com")
        );
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert_eq!(slice(text, *span), "[\"AAAA\", \"bbbb\"]");
        assert_eq!(slice(text, values[1].span), "\"bbbb\"");
        assert_eq!((values[1].span.line, values[1].span.column), (8, 32));
    }

    #[test]
    fn sam_template_is_read_like_any_other() {
        let text = format!(
            "Transform: AWS::Serverless-2016-10-31\n{}",
            provider("https://x.example.com", "[aaaa]")
        );
        assert_eq!(read(&text).declarations.len(), 1);
    }

    #[test]
    fn suppression_comment_above_the_resource_is_attached() {
        let text = "Resources:\n  # oidc-thumb-check: ignore expiring -- renewal booked\n  P:\n    \
                    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: https://x.example.com\n";
        let report = read(text);
        let suppressions = &only(&report).suppressions;
        assert_eq!(suppressions.len(), 1);
        assert_eq!(suppressions[0].statuses, ["expiring"]);
        assert_eq!(suppressions[0].reason.as_deref(), Some("renewal booked"));
        assert_eq!(suppressions[0].line, 2);
    }

    #[test]
    fn provider_without_url_is_a_notice() {
        let text = "Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
                    ThumbprintList: [aaaa]\n";
        let report = read(text);
        assert!(report.declarations.is_empty());
        assert_eq!(report.notices.len(), 1);
        assert_eq!(report.notices[0].line, Some(2));
        assert!(report.notices[0].message.contains("Properties.Url"));
    }

    #[test]
    fn other_resource_types_are_ignored() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      \
                    Url: https://x.example.com\n";
        assert_eq!(read(text), FileReport::default());
    }

    #[test]
    fn malformed_yaml_is_a_notice_with_its_place() {
        let text = "Resources:\n  P:\n    Type: [unclosed\n";
        let report = read(text);
        assert!(report.declarations.is_empty());
        let notice = &report.notices[0];
        assert_eq!(notice.file, "infra/template.yaml");
        assert!(notice.line.is_some() && notice.column.is_some());
    }

    #[test]
    fn malformed_json_is_a_notice_with_its_place() {
        let text = "{\n  \"Resources\": {\n    \"P\": {\"Type\": \"AWS::IAM::OIDCProvider\" \"Properties\": {}}\n  }\n}\n";
        let report = read(text);
        let notice = &report.notices[0];
        assert_eq!(notice.line, Some(3));
        assert!(notice.message.contains("JSON"), "{}", notice.message);
    }

    #[test]
    fn scalar_or_list_at_top_level_declares_nothing() {
        for text in ["just a string\n", "- a\n- b\n", "[1, 2]", "\"x\"", ""] {
            assert_eq!(read(text), FileReport::default(), "{text:?}");
        }
    }

    #[test]
    fn non_oidc_yaml_declares_nothing() {
        let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n";
        let compose = "services:\n  web:\n    image: nginx\n";
        let values = "replicaCount: 1\nResources: {limits: {cpu: 1}}\n";
        for text in [workflow, compose, values] {
            assert_eq!(read(text), FileReport::default(), "{text}");
        }
    }

    #[test]
    fn deeply_nested_json_is_a_notice() {
        let text = "[".repeat(100_000);
        let report = read(&text);
        assert_eq!(report.notices.len(), 1);
    }

    #[test]
    fn sniff_tells_templates_from_other_yaml() {
        assert!(looks_like_cloudformation(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
        ));
        assert!(looks_like_cloudformation(
            "{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\"}}}"
        ));
        assert!(!looks_like_cloudformation(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        ));
        assert!(!looks_like_cloudformation(
            "resources:\n  p:\n    type: aws:iam:OpenIdConnectProvider\n"
        ));
    }
}
