use super::*;

const EKS: &str = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
const GITHUB: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";
const OTHER: &str = "1c58a3a8518e8759bf075b76b750d4f2df264fcd";

fn read_with(files: &[(&str, &str)], ctx: &ReadContext) -> Vec<FileReport> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile { path, text })
        .collect();
    read_terraform_module(&files, ctx)
}

fn read(files: &[(&str, &str)]) -> Vec<FileReport> {
    read_with(files, &ReadContext::default())
}

/// Every declaration of the module, in file order.
fn declarations(files: &[(&str, &str)]) -> Vec<Declaration> {
    read(files)
        .into_iter()
        .flat_map(|report| report.declarations)
        .collect()
}

/// The one declaration of a module made of `main.tf` alone.
fn only(text: &str) -> Declaration {
    only_with(&[("main.tf", text)], &ReadContext::default())
}

fn only_with(files: &[(&str, &str)], ctx: &ReadContext) -> Declaration {
    let reports = read_with(files, ctx);
    let mut found: Vec<Declaration> = reports.into_iter().flat_map(|r| r.declarations).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    found.remove(0)
}

fn values(declaration: &Declaration) -> Vec<&str> {
    match &declaration.thumbprints {
        ThumbprintList::Literal { values, .. } => values.iter().map(|v| v.value.as_str()).collect(),
        other => panic!("expected a literal list, found {other:?}"),
    }
}

fn list_span(declaration: &Declaration) -> Span {
    match &declaration.thumbprints {
        ThumbprintList::Literal { span, .. } => *span,
        other => panic!("expected a literal list, found {other:?}"),
    }
}

fn dynamic_expression(declaration: &Declaration) -> &str {
    match &declaration.thumbprints {
        ThumbprintList::Dynamic { expression } => expression,
        other => panic!("expected a dynamic list, found {other:?}"),
    }
}

fn region(region: &str) -> ReadContext {
    ReadContext {
        aws_region: Some(region.to_string()),
    }
}

fn provider(name: &str, url: &str, list: &str) -> String {
    format!(
        "resource \"aws_iam_openid_connect_provider\" \"{name}\" {{\n  url             = {url}\n  \
         client_id_list  = [\"sts.amazonaws.com\"]\n  thumbprint_list = {list}\n}}\n"
    )
}

fn literal(name: &str, list: &str) -> String {
    provider(
        name,
        "\"https://token.actions.githubusercontent.com\"",
        list,
    )
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

// --- literals and places ---

#[test]
fn literal_url_and_list_are_read() {
    let declaration = only(&literal("github", &format!("[\"{GITHUB}\"]")));
    assert_eq!(declaration.format, Format::Terraform);
    assert_eq!(declaration.file, "main.tf");
    assert_eq!(
        declaration.url,
        IssuerUrl::Known {
            url: "https://token.actions.githubusercontent.com".into(),
            expression: None
        }
    );
    assert_eq!(values(&declaration), vec![GITHUB]);
}

#[test]
fn resource_is_named_by_its_address() {
    let declaration = only(&literal("github", "[]"));
    assert_eq!(
        declaration.resource,
        "aws_iam_openid_connect_provider.github"
    );
}

#[test]
fn location_is_the_thumbprint_list_key() {
    let text = literal("github", &format!("[\"{GITHUB}\"]"));
    let declaration = only(&text);
    assert_eq!(slice(&text, declaration.location), "thumbprint_list");
    assert_eq!(
        (declaration.location.line, declaration.location.column),
        (4, 3)
    );
}

#[test]
fn list_span_covers_the_list_with_its_brackets() {
    let text = literal("github", &format!("[\"{GITHUB}\", \"{OTHER}\"]"));
    let declaration = only(&text);
    assert_eq!(
        slice(&text, list_span(&declaration)),
        format!("[\"{GITHUB}\", \"{OTHER}\"]")
    );
}

#[test]
fn thumbprint_spans_cover_the_quoted_literals() {
    let text = literal("github", &format!("[\"{GITHUB}\", \"{OTHER}\"]"));
    let declaration = only(&text);
    let spans: Vec<&str> = declaration
        .thumbprints
        .values()
        .iter()
        .map(|v| slice(&text, v.span))
        .collect();
    assert_eq!(spans, vec![format!("\"{GITHUB}\""), format!("\"{OTHER}\"")]);
}

#[test]
fn upper_case_thumbprints_are_kept_as_written() {
    let upper = GITHUB.to_uppercase();
    let declaration = only(&literal("github", &format!("[\"{upper}\"]")));
    assert_eq!(values(&declaration), vec![upper.as_str()]);
}

#[test]
fn thumbprints_with_colons_are_kept_as_written() {
    let colons = "69:38:FD:4D:98:BA:B0:3F:AA:DB:97:B3:43:96:83:1E:37:80:AE:A1";
    let declaration = only(&literal("github", &format!("[\"{colons}\"]")));
    assert_eq!(values(&declaration), vec![colons]);
}

#[test]
fn a_list_spread_over_lines_is_read_whole() {
    let list = format!("[\n    \"{GITHUB}\",\n    \"{OTHER}\"\n  ]");
    let text = literal("github", &list);
    let declaration = only(&text);
    assert_eq!(values(&declaration), vec![GITHUB, OTHER]);
    assert_eq!(slice(&text, list_span(&declaration)), list);
    let last = &declaration.thumbprints.values()[1].span;
    assert_eq!((last.line, last.column), (6, 5));
}

#[test]
fn comments_inside_a_list_are_skipped() {
    let list = format!(
        "[\n    # GitHub's intermediate\n    \"{GITHUB}\", // the old one\n    /* backup */ \
         \"{OTHER}\",\n  ]"
    );
    let text = literal("github", &list);
    let declaration = only(&text);
    assert_eq!(values(&declaration), vec![GITHUB, OTHER]);
    assert_eq!(
        slice(&text, declaration.thumbprints.values()[1].span),
        format!("\"{OTHER}\"")
    );
    assert_eq!(slice(&text, list_span(&declaration)), list);
}

#[test]
fn a_trailing_comma_is_accepted() {
    let declaration = only(&literal("github", &format!("[\"{GITHUB}\",]")));
    assert_eq!(values(&declaration), vec![GITHUB]);
}

#[test]
fn an_empty_list_is_literal_and_empty() {
    let declaration = only(&literal("github", "[]"));
    assert!(values(&declaration).is_empty());
}

#[test]
fn crlf_file_spans_are_offsets_into_the_original_text() {
    let text = literal("github", &format!("[\n    \"{GITHUB}\",\n  ]")).replace('\n', "\r\n");
    let declaration = only(&text);
    let value = &declaration.thumbprints.values()[0];
    assert_eq!(slice(&text, value.span), format!("\"{GITHUB}\""));
    assert_eq!((value.span.line, value.span.column), (5, 5));
    assert_eq!(slice(&text, declaration.location), "thumbprint_list");
    assert_eq!(
        slice(&text, list_span(&declaration)),
        format!("[\r\n    \"{GITHUB}\",\r\n  ]")
    );
}

#[test]
fn bom_file_spans_are_offsets_into_the_original_text() {
    let text = format!("\u{feff}{}", literal("github", &format!("[\"{GITHUB}\"]")));
    let declaration = only(&text);
    assert_eq!(
        slice(&text, declaration.thumbprints.values()[0].span),
        format!("\"{GITHUB}\"")
    );
    assert_eq!(slice(&text, declaration.location), "thumbprint_list");
    assert_eq!(declaration.location.line, 4);
}

#[test]
fn two_resources_in_one_file_are_two_declarations_in_order() {
    let text = literal("first", &format!("[\"{GITHUB}\"]")) + &literal("second", "[]");
    let found = declarations(&[("main.tf", &text)]);
    let names: Vec<&str> = found.iter().map(|d| d.resource.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "aws_iam_openid_connect_provider.first",
            "aws_iam_openid_connect_provider.second"
        ]
    );
}

#[test]
fn other_resource_types_are_not_declarations() {
    let text = format!(
        "resource \"aws_iam_role\" \"oidc\" {{\n  name = \"x\"\n}}\n{}",
        literal("github", "[]")
    );
    assert_eq!(declarations(&[("main.tf", &text)]).len(), 1);
}

#[test]
fn a_module_without_provider_resources_gives_no_report() {
    let reports = read(&[("main.tf", "variable \"oidc\" {\n  default = \"x\"\n}\n")]);
    assert!(reports.is_empty());
}

#[test]
fn files_of_other_kinds_are_ignored() {
    let reports = read(&[
        ("main.tf", &literal("github", "[]")),
        ("README.md", "resource { aws_iam_openid_connect_provider"),
    ]);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].declarations[0].file, "main.tf");
}

// --- resolving the issuer URL ---

#[test]
fn a_template_of_variables_resolves_the_url() {
    let text = format!(
        "variable \"host\" {{\n  default = \"gitlab.example.com\"\n}}\n{}",
        provider("gitlab", "\"https://${var.host}/oidc\"", "[]")
    );
    let declaration = only(&text);
    assert_eq!(
        declaration.url,
        IssuerUrl::Known {
            url: "https://gitlab.example.com/oidc".into(),
            expression: Some("\"https://${var.host}/oidc\"".into()),
        }
    );
}

#[test]
fn a_url_local_resolves_with_its_expression() {
    let text = format!(
        "locals {{\n  issuer = \"https://auth.example.com\"\n}}\n{}",
        provider("auth", "local.issuer", "[]")
    );
    assert_eq!(
        only(&text).url,
        IssuerUrl::Known {
            url: "https://auth.example.com".into(),
            expression: Some("local.issuer".into()),
        }
    );
}

#[test]
fn a_variable_without_a_value_leaves_the_url_unresolved() {
    let text = format!(
        "variable \"issuer\" {{\n  type = string\n}}\n{}",
        provider("input", "var.issuer", "[]")
    );
    assert_eq!(
        only(&text).url,
        IssuerUrl::Unresolved {
            expression: "var.issuer".into()
        }
    );
}

#[test]
fn another_resources_attribute_leaves_the_url_unresolved() {
    let text = provider(
        "kc",
        "\"https://${aws_lb.keycloak.dns_name}/realms/x\"",
        "[]",
    );
    assert_eq!(
        only(&text).url,
        IssuerUrl::Unresolved {
            expression: "\"https://${aws_lb.keycloak.dns_name}/realms/x\"".into()
        }
    );
}

#[test]
fn a_conditional_on_a_known_variable_picks_its_branch() {
    let text = format!(
        "variable \"prod\" {{\n  default = true\n}}\n{}",
        provider(
            "auth",
            "var.prod ? \"https://auth.example.com\" : \"https://auth.test.example.com\"",
            "[]"
        )
    );
    assert_eq!(
        only(&text).url.url().as_deref(),
        Some("https://auth.example.com")
    );
}

#[test]
fn a_missing_url_is_a_notice() {
    let text =
        "resource \"aws_iam_openid_connect_provider\" \"broken\" {\n  thumbprint_list = []\n}\n";
    let reports = read(&[("main.tf", text)]);
    assert_eq!(reports[0].notices.len(), 1);
    assert!(reports[0].notices[0].message.contains("no `url`"));
    assert_eq!(reports[0].notices[0].line, Some(1));
    assert!(matches!(
        reports[0].declarations[0].url,
        IssuerUrl::Unresolved { .. }
    ));
}

// --- EKS issuers ---

const CLUSTER: &str = "resource \"aws_eks_cluster\" \"main\" {\n  name = \"main\"\n}\n";
const EKS_URL: &str = "aws_eks_cluster.main.identity[0].oidc[0].issuer";

fn eks_module(extra: &str, url: &str) -> String {
    format!(
        "{extra}{CLUSTER}{}",
        provider(
            "eks",
            url,
            "[data.tls_certificate.eks.certificates[0].sha1_fingerprint]"
        )
    )
}

#[test]
fn an_eks_cluster_issuer_takes_the_providers_region() {
    let text = eks_module("provider \"aws\" {\n  region = \"eu-west-1\"\n}\n", EKS_URL);
    assert_eq!(
        only(&text).url,
        IssuerUrl::Eks {
            region: "eu-west-1".into(),
            expression: EKS_URL.into(),
        }
    );
}

#[test]
fn the_provider_region_may_come_from_a_variable_default() {
    let text = eks_module(
        "variable \"region\" {\n  default = \"ap-south-1\"\n}\nprovider \"aws\" {\n  region = \
         var.region\n}\n",
        EKS_URL,
    );
    assert_eq!(
        only(&text).url.url().as_deref(),
        Some("https://oidc.eks.ap-south-1.amazonaws.com")
    );
}

#[test]
fn an_eks_issuer_without_any_region_is_unresolved() {
    let text = eks_module("", EKS_URL);
    assert_eq!(
        only(&text).url,
        IssuerUrl::Unresolved {
            expression: EKS_URL.into()
        }
    );
}

#[test]
fn an_eks_issuer_without_a_provider_region_takes_the_contexts() {
    let declaration = only_with(
        &[("main.tf", &eks_module("", EKS_URL))],
        &region("us-east-2"),
    );
    assert_eq!(
        declaration.url,
        IssuerUrl::Eks {
            region: "us-east-2".into(),
            expression: EKS_URL.into(),
        }
    );
}

#[test]
fn the_provider_region_wins_over_the_contexts() {
    let text = eks_module("provider \"aws\" {\n  region = \"eu-west-1\"\n}\n", EKS_URL);
    let declaration = only_with(&[("main.tf", &text)], &region("us-east-2"));
    assert_eq!(
        declaration.url.url().as_deref(),
        Some("https://oidc.eks.eu-west-1.amazonaws.com")
    );
}

#[test]
fn an_eks_data_source_issuer_is_eks() {
    let url = "data.aws_eks_cluster.main.identity[0].oidc[0].issuer";
    let text = format!(
        "provider \"aws\" {{\n  region = \"eu-central-1\"\n}}\n{}",
        provider("eks", url, "[]")
    );
    assert_eq!(
        only(&text).url,
        IssuerUrl::Eks {
            region: "eu-central-1".into(),
            expression: url.into(),
        }
    );
}

#[test]
fn an_eks_issuer_through_a_local_is_eks() {
    let text = eks_module(
        &format!(
            "provider \"aws\" {{\n  region = \"eu-west-1\"\n}}\nlocals {{\n  issuer = \
             {EKS_URL}\n}}\n"
        ),
        "local.issuer",
    );
    assert_eq!(
        only(&text).url,
        IssuerUrl::Eks {
            region: "eu-west-1".into(),
            expression: "local.issuer".into(),
        }
    );
}

#[test]
fn a_module_output_naming_the_oidc_issuer_is_eks_with_the_contexts_region() {
    let url = "module.eks.cluster_oidc_issuer_url";
    let declaration = only_with(
        &[("main.tf", &provider("eks", url, "[]"))],
        &region("us-west-2"),
    );
    assert_eq!(
        declaration.url,
        IssuerUrl::Eks {
            region: "us-west-2".into(),
            expression: url.into(),
        }
    );
}

#[test]
fn a_module_output_naming_the_oidc_issuer_without_a_region_is_unresolved() {
    let url = "module.eks.cluster_oidc_issuer_url";
    assert_eq!(
        only(&provider("eks", url, "[]")).url,
        IssuerUrl::Unresolved {
            expression: url.into()
        }
    );
}

#[test]
fn other_module_outputs_are_not_eks() {
    let url = "module.idp.issuer_url";
    let declaration = only_with(
        &[("main.tf", &provider("idp", url, "[]"))],
        &region("us-west-2"),
    );
    assert_eq!(
        declaration.url,
        IssuerUrl::Unresolved {
            expression: url.into()
        }
    );
}

const TWO_PROVIDERS: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nprovider \"aws\" \
                             {\n  alias  = \"ireland\"\n  region = \"eu-west-1\"\n}\n";

#[test]
fn with_two_providers_a_cluster_without_provider_uses_the_default_one() {
    let text = eks_module(TWO_PROVIDERS, EKS_URL);
    assert_eq!(
        only(&text).url.url().as_deref(),
        Some("https://oidc.eks.us-east-1.amazonaws.com")
    );
}

#[test]
fn with_two_providers_a_cluster_under_an_alias_uses_the_aliased_region() {
    let text = format!(
        "{TWO_PROVIDERS}resource \"aws_eks_cluster\" \"main\" {{\n  provider = aws.ireland\n}}\n{}",
        provider("eks", EKS_URL, "[]")
    );
    assert_eq!(
        only(&text).url.url().as_deref(),
        Some("https://oidc.eks.eu-west-1.amazonaws.com")
    );
}

#[test]
fn a_module_given_an_aliased_provider_uses_its_region() {
    let text = format!(
        "{TWO_PROVIDERS}module \"eks\" {{\n  source    = \"./eks\"\n  providers = {{ aws = \
         aws.ireland }}\n}}\n{}",
        provider("eks", "module.eks.cluster_oidc_issuer_url", "[]")
    );
    assert_eq!(
        only(&text).url.url().as_deref(),
        Some("https://oidc.eks.eu-west-1.amazonaws.com")
    );
}

#[test]
fn eks_issuer_references_are_recognised() {
    for reference in [
        "aws_eks_cluster.this[0].identity[0].oidc[0].issuer",
        "data.aws_eks_cluster.x.identity[0].oidc[0].issuer",
        "module.eks.cluster_oidc_issuer_url",
    ] {
        assert!(is_eks_issuer_reference(reference), "{reference}");
    }
    for reference in [
        "aws_eks_cluster.this[0].endpoint",
        "module.eks.oidc_provider_arn",
        "var.issuer",
        "not a reference (",
    ] {
        assert!(!is_eks_issuer_reference(reference), "{reference}");
    }
}

// --- resolving the thumbprint list ---

#[test]
fn a_list_variable_default_resolves_the_list() {
    let text = format!(
        "variable \"thumbprints\" {{\n  type    = list(string)\n  default = [\"{GITHUB}\"]\n}}\n{}",
        literal("github", "var.thumbprints")
    );
    let declaration = only(&text);
    assert_eq!(values(&declaration), vec![GITHUB]);
    assert_eq!(slice(&text, list_span(&declaration)), "var.thumbprints");
}

#[test]
fn a_value_from_a_variable_in_the_same_file_has_the_span_of_its_literal() {
    let text = format!(
        "variable \"thumbprints\" {{\n  default = [\"{GITHUB}\"]\n}}\n{}",
        literal("github", "var.thumbprints")
    );
    let declaration = only(&text);
    let span = declaration.thumbprints.values()[0].span;
    assert_eq!(slice(&text, span), format!("\"{GITHUB}\""));
    assert_eq!(span.line, 2);
}

#[test]
fn a_value_from_another_file_has_the_span_of_the_list() {
    let variables = format!("variable \"thumbprints\" {{\n  default = [\"{GITHUB}\"]\n}}\n");
    let main = literal("github", "var.thumbprints");
    let declaration = only_with(
        &[("variables.tf", &variables), ("main.tf", &main)],
        &ReadContext::default(),
    );
    assert_eq!(declaration.file, "main.tf");
    let span = declaration.thumbprints.values()[0].span;
    assert_eq!(span, list_span(&declaration));
    assert_eq!(slice(&main, span), "var.thumbprints");
}

#[test]
fn terraform_tfvars_overrides_a_default() {
    let main = format!(
        "variable \"thumbprints\" {{\n  default = [\"{GITHUB}\"]\n}}\n{}",
        literal("github", "var.thumbprints")
    );
    let tfvars = format!("thumbprints = [\"{OTHER}\"]\n");
    let declaration = only_with(
        &[("main.tf", &main), ("terraform.tfvars", &tfvars)],
        &ReadContext::default(),
    );
    assert_eq!(values(&declaration), vec![OTHER]);
}

#[test]
fn auto_tfvars_override_terraform_tfvars_and_apply_by_name() {
    let main = format!(
        "variable \"thumbprints\" {{}}\n{}",
        literal("github", "var.thumbprints")
    );
    let declaration = only_with(
        &[
            ("b.auto.tfvars", &format!("thumbprints = [\"{EKS}\"]\n")),
            ("main.tf", &main),
            ("a.auto.tfvars", &format!("thumbprints = [\"{OTHER}\"]\n")),
            (
                "terraform.tfvars",
                &format!("thumbprints = [\"{GITHUB}\"]\n"),
            ),
        ],
        &ReadContext::default(),
    );
    assert_eq!(values(&declaration), vec![EKS]);
}

#[test]
fn tfvars_json_values_are_used() {
    let main = format!(
        "variable \"issuer\" {{}}\nvariable \"thumbprints\" {{}}\n{}",
        provider("idp", "var.issuer", "var.thumbprints")
    );
    let json =
        format!("{{\"issuer\": \"https://idp.example.com\", \"thumbprints\": [\"{GITHUB}\"]}}");
    let declaration = only_with(
        &[("main.tf", &main), ("terraform.tfvars.json", &json)],
        &ReadContext::default(),
    );
    assert_eq!(
        declaration.url.url().as_deref(),
        Some("https://idp.example.com")
    );
    assert_eq!(values(&declaration), vec![GITHUB]);
}

#[test]
fn tfvars_that_are_not_auto_loaded_are_ignored() {
    let main = format!(
        "variable \"thumbprints\" {{\n  default = [\"{GITHUB}\"]\n}}\n{}",
        literal("github", "var.thumbprints")
    );
    let declaration = only_with(
        &[
            ("main.tf", &main),
            ("prod.tfvars", &format!("thumbprints = [\"{OTHER}\"]\n")),
        ],
        &ReadContext::default(),
    );
    assert_eq!(values(&declaration), vec![GITHUB]);
}

#[test]
fn locals_from_another_file_resolve() {
    let locals = format!("locals {{\n  thumbprints = [\"{GITHUB}\", \"{OTHER}\"]\n}}\n");
    let declaration = only_with(
        &[
            ("locals.tf", &locals),
            ("main.tf", &literal("github", "local.thumbprints")),
        ],
        &ReadContext::default(),
    );
    assert_eq!(values(&declaration), vec![GITHUB, OTHER]);
}

#[test]
fn concat_of_a_variable_and_a_literal_list_resolves() {
    let text = format!(
        "variable \"a\" {{\n  default = [\"{GITHUB}\"]\n}}\n{}",
        literal("github", &format!("concat(var.a, [\"{OTHER}\"])"))
    );
    let declaration = only(&text);
    assert_eq!(values(&declaration), vec![GITHUB, OTHER]);
    assert_eq!(
        slice(&text, list_span(&declaration)),
        format!("concat(var.a, [\"{OTHER}\"])")
    );
    assert_eq!(
        slice(&text, declaration.thumbprints.values()[1].span),
        format!("\"{OTHER}\"")
    );
}

#[test]
fn distinct_keeps_the_first_of_repeated_values() {
    let text = format!(
        "variable \"a\" {{\n  default = [\"{GITHUB}\", \"{OTHER}\"]\n}}\n{}",
        literal(
            "github",
            &format!("distinct(concat(var.a, [\"{GITHUB}\"]))")
        )
    );
    assert_eq!(values(&only(&text)), vec![GITHUB, OTHER]);
}

#[test]
fn tolist_and_toset_of_a_literal_list_resolve() {
    let list = format!("tolist(toset([\"{GITHUB}\", \"{GITHUB}\", \"{OTHER}\"]))");
    assert_eq!(
        values(&only(&literal("github", &list))),
        vec![GITHUB, OTHER]
    );
}

#[test]
fn elements_may_be_variables_and_templates() {
    let text = format!(
        "variable \"primary\" {{\n  default = \"{GITHUB}\"\n}}\nvariable \"all\" {{\n  default = \
         [\"{EKS}\", \"{OTHER}\"]\n}}\n{}",
        literal("github", "[var.primary, \"${var.all[1]}\"]")
    );
    assert_eq!(values(&only(&text)), vec![GITHUB, OTHER]);
}

#[test]
fn a_map_variable_entry_resolves() {
    let text = format!(
        "variable \"oidc\" {{\n  default = {{\n    github = {{ thumbprints = [\"{GITHUB}\"] }}\n  \
         }}\n}}\n{}",
        literal("github", "var.oidc[\"github\"].thumbprints")
    );
    assert_eq!(values(&only(&text)), vec![GITHUB]);
}

#[test]
fn a_tls_certificate_data_source_makes_the_list_dynamic() {
    let list = "[data.tls_certificate.github.certificates[0].sha1_fingerprint]";
    let declaration = only(&literal("github", list));
    assert_eq!(dynamic_expression(&declaration), list);
}

#[test]
fn a_for_expression_makes_the_list_dynamic() {
    let list = "[for c in data.tls_certificate.x.certificates : c.sha1_fingerprint]";
    let declaration = only(&literal("github", list));
    assert_eq!(dynamic_expression(&declaration), list);
}

#[test]
fn one_computed_element_makes_the_list_dynamic() {
    let list = format!("[\"{GITHUB}\", aws_ssm_parameter.thumbprint.value]");
    let declaration = only(&literal("github", &list));
    assert_eq!(dynamic_expression(&declaration), list);
}

#[test]
fn a_list_from_a_variable_without_a_value_is_dynamic() {
    let text = format!(
        "variable \"thumbprints\" {{\n  type = list(string)\n}}\n{}",
        literal("github", "var.thumbprints")
    );
    assert_eq!(dynamic_expression(&only(&text)), "var.thumbprints");
}

#[test]
fn an_absent_list_is_located_at_the_resource_header() {
    let text = "resource \"aws_iam_openid_connect_provider\" \"eks\" {\n  url = \
                \"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC\"\n}\n";
    let declaration = only(text);
    assert_eq!(declaration.thumbprints, ThumbprintList::Absent);
    assert_eq!(
        slice(text, declaration.location),
        "resource \"aws_iam_openid_connect_provider\" \"eks\""
    );
}

#[test]
fn a_null_list_is_absent() {
    assert_eq!(
        only(&literal("github", "null")).thumbprints,
        ThumbprintList::Absent
    );
}

#[test]
fn a_list_that_is_a_string_is_a_notice() {
    let reports = read(&[("main.tf", &literal("github", &format!("\"{GITHUB}\"")))]);
    assert_eq!(reports[0].notices.len(), 1);
    assert!(reports[0].notices[0].message.contains("list of strings"));
    assert_eq!(reports[0].notices[0].line, Some(4));
}

#[test]
fn a_reference_cycle_between_locals_stays_unresolved() {
    let text = format!(
        "locals {{\n  a = local.b\n  b = local.a\n}}\n{}",
        provider("loop", "local.a", "local.b")
    );
    let declaration = only(&text);
    assert_eq!(
        declaration.url,
        IssuerUrl::Unresolved {
            expression: "local.a".into()
        }
    );
    assert_eq!(dynamic_expression(&declaration), "local.b");
}

#[test]
fn locals_that_double_each_other_stop_at_the_work_limit() {
    let mut locals = String::from("locals {\n  l0 = [\"x\", \"x\"]\n");
    for level in 1..=40 {
        locals.push_str(&format!(
            "  l{level} = concat(local.l{}, local.l{})\n",
            level - 1,
            level - 1
        ));
    }
    locals.push_str("}\n");
    let text = locals + &literal("big", "local.l40");
    assert_eq!(dynamic_expression(&only(&text)), "local.l40");
}

#[test]
fn a_short_chain_of_locals_resolves() {
    let mut locals = format!("locals {{\n  l0 = [\"{GITHUB}\"]\n");
    for level in 1..=20 {
        locals.push_str(&format!("  l{level} = local.l{}\n", level - 1));
    }
    locals.push_str("}\n");
    assert_eq!(
        values(&only(&(locals + &literal("chain", "local.l20")))),
        vec![GITHUB]
    );
}

#[test]
fn a_very_long_chain_of_locals_stops_before_the_stack_does() {
    let mut locals = format!("locals {{\n  l0 = [\"{GITHUB}\"]\n");
    for level in 1..=20_000 {
        locals.push_str(&format!("  l{level} = local.l{}\n", level - 1));
    }
    locals.push_str("}\n");
    let text = locals + &literal("chain", "local.l20000");
    assert_eq!(dynamic_expression(&only(&text)), "local.l20000");
}

// --- count, for_each, suppressions ---

#[test]
fn a_counted_resource_is_one_declaration() {
    let text = format!(
        "variable \"enabled\" {{\n  default = true\n}}\n{}",
        literal("github", &format!("[\"{GITHUB}\"]"))
            .replace("{\n", "{\n  count = var.enabled ? 1 : 0\n")
    );
    let declaration = only(&text);
    assert_eq!(
        declaration.resource,
        "aws_iam_openid_connect_provider.github"
    );
    assert_eq!(values(&declaration), vec![GITHUB]);
}

#[test]
fn a_for_each_resource_is_one_declaration_with_a_dynamic_list() {
    let text = "resource \"aws_iam_openid_connect_provider\" \"idp\" {\n  for_each        = \
                var.providers\n  url             = each.value.url\n  thumbprint_list = \
                each.value.thumbprints\n}\n";
    let declaration = only(text);
    assert_eq!(declaration.resource, "aws_iam_openid_connect_provider.idp");
    assert_eq!(
        declaration.url,
        IssuerUrl::Unresolved {
            expression: "each.value.url".into()
        }
    );
    assert_eq!(dynamic_expression(&declaration), "each.value.thumbprints");
}

#[test]
fn a_suppression_comment_above_the_resource_applies() {
    let text = format!(
        "# oidc-thumb-check: ignore fragile-pin -- pinned on purpose\n{}",
        literal("github", &format!("[\"{GITHUB}\"]"))
    );
    let declaration = only(&text);
    assert_eq!(declaration.suppressions.len(), 1);
    assert_eq!(declaration.suppressions[0].statuses, vec!["fragile-pin"]);
    assert_eq!(declaration.suppressions[0].line, 1);
}

#[test]
fn a_suppression_comment_of_another_resource_does_not_apply() {
    let text = format!(
        "{}\n\n# oidc-thumb-check: ignore -- lab\n{}",
        literal("first", "[]"),
        literal("second", "[]")
    );
    let found = declarations(&[("main.tf", &text)]);
    assert!(found[0].suppressions.is_empty());
    assert_eq!(found[1].suppressions.len(), 1);
}

// --- bad input ---

#[test]
fn invalid_hcl_is_a_notice_and_other_files_are_still_read() {
    let broken =
        "resource \"aws_iam_openid_connect_provider\" \"x\" {\n  thumbprint_list = [\"a\",\n";
    let reports = read(&[("broken.tf", broken), ("main.tf", &literal("github", "[]"))]);
    assert_eq!(reports.len(), 2);
    let notice = &reports[0].notices[0];
    assert_eq!(notice.file, "broken.tf");
    // The end of the text: hcl-edit places it at the end of the last line.
    assert_eq!((notice.line, notice.column), (Some(2), Some(27)));
    assert!(
        notice.message.contains("not valid HCL"),
        "{}",
        notice.message
    );
    assert_eq!(reports[1].declarations.len(), 1);
}

#[test]
fn unbalanced_braces_are_a_notice() {
    let text = format!("{}}}\n", literal("github", "[]"));
    let reports = read(&[("main.tf", &text)]);
    assert!(reports[0].declarations.is_empty());
    assert_eq!(reports[0].notices[0].line, Some(6));
}

#[test]
fn a_deeply_nested_expression_is_a_notice_not_a_crash() {
    let deep = format!(
        "resource \"aws_iam_openid_connect_provider\" \"deep\" {{\n  thumbprint_list = {}\n}}\n",
        "[".repeat(10_000)
    );
    let reports = read(&[("deep.tf", &deep), ("main.tf", &literal("github", "[]"))]);
    assert_eq!(reports[0].notices.len(), 1);
    assert_eq!(reports[0].notices[0].line, Some(2));
    assert!(reports[0].notices[0].message.contains("nesting"));
    assert_eq!(reports[1].declarations.len(), 1);
}

#[test]
fn the_deepest_nesting_hcl_accepts_is_read() {
    let list = format!("{}\"{GITHUB}\"{}", "[".repeat(60), "]".repeat(60));
    let text = literal("github", &format!("flatten({list})"));
    assert_eq!(values(&only(&text)), vec![GITHUB]);
}

#[test]
fn invalid_tfvars_json_is_a_notice() {
    let reports = read(&[
        ("main.tf", &literal("github", "[]")),
        ("terraform.tfvars.json", "{\n  \"a\": [1,\n"),
    ]);
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1].notices[0].file, "terraform.tfvars.json");
    assert_eq!(reports[1].notices[0].line, Some(3));
}

#[test]
fn a_parse_error_in_a_bom_file_is_placed_as_an_editor_shows_it() {
    let text = "\u{feff}resource \"aws_iam_openid_connect_provider\" \"x\" {\n  url = ]\n}\n";
    let reports = read(&[("main.tf", text)]);
    assert_eq!(
        (reports[0].notices[0].line, reports[0].notices[0].column),
        (Some(2), Some(9))
    );
}

/// Every declaration of a tree of modules, module calls followed, by resource name.
fn tree(files: &[(&str, &str)]) -> Vec<Declaration> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile { path, text })
        .collect();
    let mut found: Vec<Declaration> = read_terraform_tree(&files, &ReadContext::default())
        .into_iter()
        .flat_map(|report| report.declarations)
        .collect();
    found.sort_by(|a, b| a.resource.cmp(&b.resource));
    found
}

const CALLED: &str = "variable \"thumbprints\" {\n  type    = list(string)\n  default = []\n}\n\
                      variable \"url\" {}\n\
                      resource \"aws_iam_openid_connect_provider\" \"this\" {\n  url             = \
                      var.url\n  client_id_list  = [\"sts.amazonaws.com\"]\n  thumbprint_list = \
                      var.thumbprints\n}\n";

#[test]
fn a_called_module_takes_its_values_from_each_call() {
    let root = format!(
        "locals {{\n  github = \"{GITHUB}\"\n}}\n\
         module \"ci\" {{\n  source      = \"./modules/oidc\"\n  url         = \
         \"https://token.actions.githubusercontent.com\"\n  thumbprints = [local.github]\n}}\n\
         module \"eks\" {{\n  source      = \"./modules/oidc/\"\n  url         = \
         \"https://oidc.eks.eu-west-1.amazonaws.com/id/X\"\n  thumbprints = [\"{EKS}\"]\n}}\n"
    );
    let found = tree(&[("main.tf", &root), ("modules/oidc/main.tf", CALLED)]);

    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0].resource,
        "module.ci.aws_iam_openid_connect_provider.this"
    );
    assert_eq!(found[0].file, "modules/oidc/main.tf");
    assert_eq!(
        found[0].url,
        IssuerUrl::Known {
            url: "https://token.actions.githubusercontent.com".into(),
            expression: Some("var.url".into()),
        }
    );
    assert_eq!(values(&found[0]), [GITHUB]);
    assert_eq!(
        found[1].resource,
        "module.eks.aws_iam_openid_connect_provider.this"
    );
    assert_eq!(values(&found[1]), [EKS]);
    // The values are written in the caller: their place is the list's value in the module.
    let text = CALLED;
    let span = list_span(&found[1]);
    assert_eq!(&text[span.start..span.end], "var.thumbprints");
    let ThumbprintList::Literal { values, .. } = &found[1].thumbprints else {
        panic!("a literal list");
    };
    assert_eq!(values[0].span, span);
}

#[test]
fn calls_are_followed_through_modules_that_call_modules() {
    let root =
        format!("module \"prod\" {{\n  source = \"./envs/prod\"\n  thumbprint = \"{OTHER}\"\n}}\n");
    let env = "variable \"thumbprint\" {}\n\
               module \"oidc\" {\n  source      = \"../../modules/oidc\"\n  url         = \
               \"https://idp.example\"\n  thumbprints = [var.thumbprint]\n}\n";
    let found = tree(&[
        ("main.tf", &root),
        ("envs/prod/main.tf", env),
        ("modules/oidc/main.tf", CALLED),
    ]);

    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].resource,
        "module.prod.module.oidc.aws_iam_openid_connect_provider.this"
    );
    assert_eq!(values(&found[0]), [OTHER]);
}

#[test]
fn a_module_nothing_calls_is_a_root_with_its_defaults_and_variable_files() {
    let found = tree(&[
        ("modules/oidc/main.tf", CALLED),
        (
            "modules/oidc/terraform.tfvars",
            &format!("url = \"https://idp.example\"\nthumbprints = [\"{OTHER}\"]\n"),
        ),
    ]);

    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].resource, "aws_iam_openid_connect_provider.this");
    assert_eq!(values(&found[0]), [OTHER]);
}

#[test]
fn a_called_module_ignores_its_own_variable_files() {
    let root =
        "module \"ci\" {\n  source = \"./modules/oidc\"\n  url    = \"https://idp.example\"\n}\n";
    let found = tree(&[
        ("main.tf", root),
        ("modules/oidc/main.tf", CALLED),
        (
            "modules/oidc/terraform.tfvars",
            &format!("thumbprints = [\"{OTHER}\"]\n"),
        ),
    ]);

    assert_eq!(found.len(), 1, "{found:#?}");
    // Terraform loads variable files only in the root module: the default applies.
    assert_eq!(values(&found[0]), Vec::<&str>::new());
}

#[test]
fn values_a_call_cannot_know_before_apply_are_dynamic() {
    let root = "module \"ci\" {\n  source      = \"./modules/oidc\"\n  url         = \
                \"https://idp.example\"\n  thumbprints = data.tls_certificate.ci.certificates[*].sha1_fingerprint\n}\n";
    let found = tree(&[("main.tf", root), ("modules/oidc/main.tf", CALLED)]);

    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(dynamic_expression(&found[0]), "var.thumbprints");
}

#[test]
fn modules_calling_each_other_and_remote_sources_end() {
    let a = "module \"b\" {\n  source = \"../b\"\n  url = \"https://a.example\"\n}\n";
    let b = format!(
        "module \"a\" {{\n  source = \"../a\"\n}}\nmodule \"remote\" {{\n  source = \
         \"terraform-aws-modules/iam/aws//modules/iam-github-oidc-provider\"\n}}\n{CALLED}"
    );
    let found = tree(&[("a/main.tf", a), ("b/main.tf", &b)]);

    assert!(!found.is_empty());
    assert!(found.len() <= crate::limits::MAX_MODULE_INSTANCES);
}

#[test]
fn a_module_called_from_many_places_is_read_at_most_the_limit_of_times() {
    let mut root = String::new();
    for n in 0..100 {
        root.push_str(&format!(
            "module \"m{n}\" {{\n  source = \"./modules/oidc\"\n  url = \"https://idp{n}.example\"\n}}\n"
        ));
    }
    let found = tree(&[("main.tf", &root), ("modules/oidc/main.tf", CALLED)]);

    assert_eq!(found.len(), crate::limits::MAX_MODULE_INSTANCES);
}
