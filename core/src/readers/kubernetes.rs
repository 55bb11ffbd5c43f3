//! Reads Kubernetes manifests: Crossplane's and ACK's `OpenIDConnectProvider` resources, in
//! multi-document YAML, Helm templates included.
//! Crossplane: <https://marketplace.upbound.io/providers/upbound/provider-aws-iam/latest/resources/iam.aws.upbound.io/OpenIDConnectProvider/v1beta1>
//! ACK: <https://aws-controllers-k8s.github.io/community/reference/iam/v1alpha1/openidconnectprovider/>

use super::{ReadContext, SourceFile};
use crate::tree::{self, Entry, Node, Value};
use crate::{
    find_suppressions, Declaration, FileReport, Format, IssuerUrl, ReadNotice, ThumbprintList,
};
use std::borrow::Cow;

/// The kind both Crossplane and ACK give an OIDC provider.
pub const PROVIDER_KIND: &str = "OpenIDConnectProvider";

/// Crossplane's API groups for IAM: cluster-scoped and namespaced.
const CROSSPLANE_GROUPS: [&str; 2] = ["iam.aws.upbound.io", "iam.aws.m.upbound.io"];

/// ACK's API group for IAM.
const ACK_GROUP: &str = "iam.services.k8s.aws";

/// True when a text may hold Kubernetes objects: it has both `apiVersion` and `kind`.
///
/// ```
/// use oidc_thumb_core::readers::kubernetes::looks_like_kubernetes;
/// assert!(looks_like_kubernetes("apiVersion: v1\nkind: ConfigMap\n"));
/// assert!(!looks_like_kubernetes("services:\n  web:\n    image: nginx\n"));
/// ```
pub fn looks_like_kubernetes(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

/// The OIDC providers the Kubernetes objects of a file declare, one per document (and per
/// item of a `List`), with the problems met reading it.
///
/// Template actions (`{{ ... }}`) are masked before parsing, keeping every byte offset, so a
/// Helm template reads as YAML; a value holding one is unresolved (URL) or dynamic (list).
///
/// ```
/// use oidc_thumb_core::readers::{kubernetes::read_kubernetes, ReadContext, SourceFile};
/// let text = "apiVersion: iam.services.k8s.aws/v1alpha1\nkind: OpenIDConnectProvider\n\
///             metadata:\n  name: github\nspec:\n  url: https://token.actions.githubusercontent.com\n\
///             \x20 thumbprints: [6938fd4d98bab03faadb97b34396831e3780aea1]\n";
/// let report = read_kubernetes(SourceFile { path: "oidc.yaml", text }, &ReadContext::default());
/// assert_eq!(report.declarations[0].resource, "OpenIDConnectProvider/github");
/// ```
pub fn read_kubernetes(file: SourceFile<'_>, _ctx: &ReadContext) -> FileReport {
    let masked = mask_template_actions(file.text);
    let parsed = tree::parse(&masked);

    let mut report = FileReport::default();
    for root in &parsed.documents {
        read_object(file, root, &mut report);
    }
    if let Some(error) = &parsed.error {
        report.notices.push(tree::notice(file, error));
    }
    report
}

fn read_object(file: SourceFile<'_>, object: &Node, report: &mut FileReport) {
    let kind = object.get_value("kind").and_then(Node::string);
    if kind == Some("List") {
        if let Some(Value::Sequence(items)) = object.get_value("items").map(|n| &n.value) {
            for item in items {
                read_object(file, item, report);
            }
        }
        return;
    }
    if kind != Some(PROVIDER_KIND) {
        return;
    }

    let api_version = object.get_value("apiVersion").and_then(Node::string);
    let group = api_version.and_then(|v| v.split('/').next());
    let format = match group {
        Some(group) if CROSSPLANE_GROUPS.contains(&group) => Format::Crossplane,
        Some(ACK_GROUP) => Format::Ack,
        _ => return,
    };
    match declaration(file, object, format) {
        Ok(declaration) => report.declarations.push(declaration),
        Err(notice) => report.notices.push(notice),
    }
}

fn declaration(
    file: SourceFile<'_>,
    object: &Node,
    format: Format,
) -> Result<Declaration, ReadNotice> {
    let text = file.text;
    let metadata = object.get_value("metadata");
    let name = metadata.and_then(|m| m.get("name"));
    let resource = resource_name(text, metadata);
    let anchor = name
        .or_else(|| object.get("kind"))
        .map_or_else(|| object.span(text), |entry| entry.key.span(text));

    let spec = object.get_value("spec");
    let (url, list) = match format {
        Format::Crossplane => (
            crossplane_field(spec, "url"),
            crossplane_field(spec, "thumbprintList"),
        ),
        _ => (
            spec.and_then(|s| s.get("url")),
            spec.and_then(|s| s.get("thumbprints")),
        ),
    };

    let Some(url) = url.filter(|entry| !entry.value.is_null()) else {
        let expected = match format {
            Format::Crossplane => "spec.forProvider.url or spec.initProvider.url",
            _ => "spec.url",
        };
        return Err(ReadNotice {
            file: file.path.to_string(),
            line: Some(anchor.line),
            column: Some(anchor.column),
            message: format!(
                "{resource} has no {expected}; expected the issuer URL, so the provider is not \
                 checked"
            ),
        });
    };
    let url = issuer_url(text, &url.value);
    let thumbprints = list.map_or(ThumbprintList::Absent, |entry| {
        tree::thumbprint_list(&entry.value, text, |node| templated(text, node))
    });

    let whole = object.span(text);
    Ok(Declaration {
        file: file.path.to_string(),
        format,
        resource,
        location: list.map_or(anchor, |entry| entry.key.span(text)),
        url,
        thumbprints,
        suppressions: find_suppressions(text, whole.line, whole.end_line),
    })
}

/// A Crossplane field: from `spec.forProvider`, or from `spec.initProvider` when
/// `forProvider` does not set it.
fn crossplane_field<'a>(spec: Option<&'a Node>, field: &str) -> Option<&'a Entry> {
    let set = |block: &str| {
        spec.and_then(|s| s.get_value(block))
            .and_then(|b| b.get(field))
            .filter(|entry| !entry.value.is_null())
    };
    set("forProvider").or_else(|| set("initProvider"))
}

/// `Kind/namespace/name`, or `Kind/name` without a namespace.
fn resource_name(text: &str, metadata: Option<&Node>) -> String {
    let field = |key: &str| {
        metadata
            .and_then(|m| m.get_value(key))
            .map(|node| match node.string() {
                Some(value) if !templated(text, node) => value.to_string(),
                _ => node.source(text).to_string(),
            })
    };
    let name = field("name")
        .or_else(|| field("generateName"))
        .unwrap_or_else(|| "(no name)".to_string());
    match field("namespace") {
        Some(namespace) => format!("{PROVIDER_KIND}/{namespace}/{name}"),
        None => format!("{PROVIDER_KIND}/{name}"),
    }
}

fn issuer_url(text: &str, node: &Node) -> IssuerUrl {
    match node.string() {
        Some(url) if !templated(text, node) => IssuerUrl::Known {
            url: url.to_string(),
            expression: None,
        },
        _ => IssuerUrl::Unresolved {
            expression: node.source(text).to_string(),
        },
    }
}

/// True when the node's text holds a template action.
fn templated(text: &str, node: &Node) -> bool {
    node.source(text).contains("{{")
}

/// The text with every template action (`{{ ... }}`) masked, byte for byte: an action alone
/// on its lines becomes blanks, one inside a value becomes `_`s (so the value stays a plain
/// scalar). Line breaks are kept, so are offsets, lines and the text around the actions.
fn mask_template_actions(text: &str) -> Cow<'_, str> {
    if !text.contains("{{") {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|rest| rest.find("{{")) {
        let start = from + open;
        let Some(close) = text.get(start + 2..).and_then(|rest| rest.find("}}")) else {
            break;
        };
        let end = start + 2 + close + 2;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let alone =
            text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
        let fill = if alone { b' ' } else { b'_' };
        for byte in bytes.get_mut(start..end).into_iter().flatten() {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = fill;
            }
        }
        from = end;
    }
    // Only whole characters were replaced, by ASCII: the text is still UTF-8.
    String::from_utf8(bytes).map_or(Cow::Borrowed(text), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::testing::{self, slice, values};

    fn read(text: &str) -> FileReport {
        testing::read(read_kubernetes, "deploy/oidc.yaml", text, None)
    }

    const CROSSPLANE: &str = "apiVersion: iam.aws.upbound.io/v1beta1
kind: OpenIDConnectProvider
metadata:
  name: github
spec:
  forProvider:
    url: https://token.actions.githubusercontent.com
    clientIdList: [sts.amazonaws.com]
    thumbprintList:
      - 6938fd4d98bab03faadb97b34396831e3780aea1
      - \"1c58a3a8518e8759bf075b76b750d4f2df264fcd\"
";

    #[test]
    fn crossplane_provider_is_read() {
        let report = read(CROSSPLANE);
        assert_eq!(report.notices, vec![]);
        let declaration = &report.declarations[0];
        assert_eq!(declaration.format, Format::Crossplane);
        assert_eq!(declaration.resource, "OpenIDConnectProvider/github");
        assert_eq!(
            declaration.url.url().as_deref(),
            Some("https://token.actions.githubusercontent.com")
        );
        assert_eq!(
            values(declaration),
            [
                "6938fd4d98bab03faadb97b34396831e3780aea1",
                "1c58a3a8518e8759bf075b76b750d4f2df264fcd"
            ]
        );
        assert_eq!(slice(CROSSPLANE, declaration.location), "thumbprintList");
        let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
            panic!("not literal")
        };
        assert!(slice(CROSSPLANE, *span).starts_with("- 6938"));
        assert!(slice(CROSSPLANE, *span).ends_with("fcd\""));
        assert_eq!(
            slice(CROSSPLANE, values[1].span),
            "\"1c58a3a8518e8759bf075b76b750d4f2df264fcd\""
        );
    }

    #[test]
    fn namespaced_crossplane_group_is_read_with_its_namespace() {
        let text = CROSSPLANE
            .replace("iam.aws.upbound.io/v1beta1", "iam.aws.m.upbound.io/v1beta1")
            .replace(
                "  name: github\n",
                "  name: github\n  namespace: platform\n",
            );
        let report = read(&text);
        assert_eq!(
            report.declarations[0].resource,
            "OpenIDConnectProvider/platform/github"
        );
        assert_eq!(report.declarations[0].format, Format::Crossplane);
    }

    #[test]
    fn crossplane_for_provider_wins_over_init_provider() {
        let text = "apiVersion: iam.aws.upbound.io/v1beta1
kind: OpenIDConnectProvider
metadata:
  name: p
spec:
  initProvider:
    url: https://init.example.com
    thumbprintList: [bbbb]
  forProvider:
    url: https://for.example.com
    thumbprintList: [aaaa]
";
        let report = read(text);
        let declaration = &report.declarations[0];
        assert_eq!(
            declaration.url.url().as_deref(),
            Some("https://for.example.com")
        );
        assert_eq!(values(declaration), ["aaaa"]);
    }

    #[test]
    fn crossplane_init_provider_fills_what_for_provider_lacks() {
        let text = "apiVersion: iam.aws.upbound.io/v1beta1
kind: OpenIDConnectProvider
metadata:
  name: p
spec:
  forProvider:
    url: https://for.example.com
  initProvider:
    thumbprintList: [bbbb]
";
        let report = read(text);
        let declaration = &report.declarations[0];
        assert_eq!(
            declaration.url.url().as_deref(),
            Some("https://for.example.com")
        );
        assert_eq!(values(declaration), ["bbbb"]);
        assert_eq!(
            (declaration.location.line, declaration.location.column),
            (9, 5)
        );
    }

    #[test]
    fn ack_provider_is_read() {
        let text = "apiVersion: iam.services.k8s.aws/v1alpha1
kind: OpenIDConnectProvider
metadata:
  name: gitlab
  namespace: ack-system
spec:
  url: https://gitlab.example.com
  clientIDs: [sts.amazonaws.com]
  thumbprints: [\"AA:BB\"]
";
        let report = read(text);
        let declaration = &report.declarations[0];
        assert_eq!(declaration.format, Format::Ack);
        assert_eq!(
            declaration.resource,
            "OpenIDConnectProvider/ack-system/gitlab"
        );
        assert_eq!(values(declaration), ["AA:BB"]);
        assert_eq!(slice(text, declaration.location), "thumbprints");
    }

    #[test]
    fn ack_provider_without_thumbprints_is_absent_at_its_name() {
        let text = "apiVersion: iam.services.k8s.aws/v1alpha1
kind: OpenIDConnectProvider
metadata:
  name: gitlab
spec:
  url: https://gitlab.example.com
";
        let report = read(text);
        let declaration = &report.declarations[0];
        assert_eq!(declaration.thumbprints, ThumbprintList::Absent);
        assert_eq!(slice(text, declaration.location), "name");
    }

    #[test]
    fn multi_document_file_reads_every_provider_and_skips_the_rest() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  url: https://x\n\
             ---\n{CROSSPLANE}---\n# a comment only\n---\napiVersion: iam.services.k8s.aws/v1alpha1\n\
             kind: OpenIDConnectProvider\nmetadata:\n  name: second\nspec:\n  url: https://second.example.com\n\
             \x20 thumbprints:\n  - cccc\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
        );
        let report = read(&text);
        assert_eq!(report.notices, vec![]);
        let resources: Vec<_> = report
            .declarations
            .iter()
            .map(|d| d.resource.as_str())
            .collect();
        assert_eq!(
            resources,
            [
                "OpenIDConnectProvider/github",
                "OpenIDConnectProvider/second"
            ]
        );
        let second = &report.declarations[1];
        assert_eq!(slice(&text, second.thumbprints.values()[0].span), "cccc");
    }

    #[test]
    fn list_kind_items_are_read() {
        let text = "apiVersion: v1
kind: List
items:
- apiVersion: iam.services.k8s.aws/v1alpha1
  kind: OpenIDConnectProvider
  metadata: {name: one}
  spec: {url: 'https://one.example.com', thumbprints: [aaaa]}
";
        let report = read(text);
        assert_eq!(report.declarations[0].resource, "OpenIDConnectProvider/one");
    }

    #[test]
    fn other_api_groups_of_the_same_kind_are_ignored() {
        let text = CROSSPLANE.replace("iam.aws.upbound.io", "example.org");
        assert_eq!(read(&text), FileReport::default());
    }

    #[test]
    fn helm_templated_values_are_unresolved_and_dynamic() {
        let text = "{{- if .Values.oidc.enabled }}
apiVersion: iam.aws.upbound.io/v1beta1
kind: OpenIDConnectProvider
metadata:
  name: {{ .Release.Name }}-oidc
  labels:
    {{- include \"chart.labels\" . | nindent 4 }}
spec:
  forProvider:
    url: \"{{ .Values.oidc.issuer }}\"
    thumbprintList: {{ toYaml .Values.oidc.thumbprints | nindent 6 }}
{{- end }}
";
        let report = read(text);
        assert_eq!(report.notices, vec![]);
        let declaration = &report.declarations[0];
        assert_eq!(
            declaration.resource,
            "OpenIDConnectProvider/{{ .Release.Name }}-oidc"
        );
        assert_eq!(
            declaration.url,
            IssuerUrl::Unresolved {
                expression: "\"{{ .Values.oidc.issuer }}\"".into()
            }
        );
        assert_eq!(
            declaration.thumbprints,
            ThumbprintList::Dynamic {
                expression: "{{ toYaml .Values.oidc.thumbprints | nindent 6 }}".into()
            }
        );
    }

    #[test]
    fn helm_templated_item_makes_the_list_dynamic() {
        let text = CROSSPLANE.replace(
            "- 6938fd4d98bab03faadb97b34396831e3780aea1",
            "- {{ .Values.thumbprint | quote }}",
        );
        let report = read(&text);
        assert!(matches!(
            report.declarations[0].thumbprints,
            ThumbprintList::Dynamic { .. }
        ));
    }

    #[test]
    fn masking_keeps_offsets_and_line_breaks() {
        let text = "a: {{ x\n é }}-b\n  {{- end }}\n";
        let masked = mask_template_actions(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(masked.starts_with("a: ____\n______-b\n"), "{masked:?}");
        assert!(
            masked.ends_with(&format!("\n{}\n", " ".repeat(12))),
            "{masked:?}"
        );
    }

    #[test]
    fn suppression_comment_above_the_document_is_attached() {
        let text = format!("---\n# oidc-thumb-check: ignore expiring -- reason\n{CROSSPLANE}");
        let report = read(&text);
        let suppressions = &report.declarations[0].suppressions;
        assert_eq!(suppressions.len(), 1);
        assert_eq!(suppressions[0].line, 2);
    }

    #[test]
    fn provider_without_url_is_a_notice() {
        let text = "apiVersion: iam.services.k8s.aws/v1alpha1\nkind: OpenIDConnectProvider\n\
                    metadata:\n  name: x\nspec:\n  thumbprints: [aaaa]\n";
        let report = read(text);
        assert!(report.declarations.is_empty());
        assert!(report.notices[0].message.contains("spec.url"));
        assert_eq!(report.notices[0].line, Some(4));
    }

    #[test]
    fn crlf_manifest_keeps_exact_spans() {
        let text = CROSSPLANE.replace('\n', "\r\n");
        let report = read(&text);
        let values = report.declarations[0].thumbprints.values();
        assert_eq!(
            slice(&text, values[1].span),
            "\"1c58a3a8518e8759bf075b76b750d4f2df264fcd\""
        );
        assert_eq!(values[1].span.line, 11);
    }

    #[test]
    fn non_oidc_yaml_declares_nothing() {
        let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      \
                        - run: echo ${{ github.sha }}\n";
        let compose = "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n";
        let values = "replicaCount: 1\noidc:\n  issuer: https://x\n";
        for text in [workflow, compose, values, "- a\n- b\n", "scalar\n"] {
            assert_eq!(read(text), FileReport::default(), "{text}");
        }
    }

    #[test]
    fn alias_bomb_is_read_and_its_list_stays_an_alias() {
        let mut text = String::from("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..50 {
            let alias = format!("*x{}", level - 1);
            let items = [alias.as_str(); 9].join(", ");
            text.push_str(&format!("x{level}: &x{level} [{items}]\n"));
        }
        let text = format!(
            "{text}apiVersion: iam.services.k8s.aws/v1alpha1\nkind: OpenIDConnectProvider\n\
             metadata: {{name: bomb}}\nspec:\n  url: https://x.example.com\n  thumbprints: *x49\n"
        );
        let report = read(&text);
        assert_eq!(
            report.declarations[0].thumbprints,
            ThumbprintList::Dynamic {
                expression: "*x49".into()
            }
        );
    }

    #[test]
    fn deeply_nested_yaml_is_a_notice() {
        let text = format!("{CROSSPLANE}---\n{}x\n", "- ".repeat(100_000));
        let report = read(&text);
        assert_eq!(report.declarations.len(), 1);
        assert!(report.notices[0].message.contains("nested deeper than 256"));
    }

    #[test]
    fn malformed_manifest_keeps_earlier_documents_and_gives_a_notice() {
        let text = format!("{CROSSPLANE}---\nkind: [broken\n");
        let report = read(&text);
        assert_eq!(report.declarations.len(), 1);
        assert_eq!(report.notices.len(), 1);
        assert!(report.notices[0].line.unwrap() >= 13);
    }
}
