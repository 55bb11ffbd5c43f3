use super::*;

const GITHUB: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";
const OTHER: &str = "1c58a3a8518e8759bf075b76b750d4f2df264fcd";

fn read_with(path: &str, text: &str, ctx: &ReadContext) -> FileReport {
    let report = read_source(SourceFile { path, text }, ctx);
    for declaration in &report.declarations {
        assert_spans_match_the_text(text, declaration);
    }
    report
}

fn read(path: &str, text: &str) -> FileReport {
    read_with(path, text, &ReadContext::default())
}

/// The one declaration of a file that must read without notices.
fn only(path: &str, text: &str) -> Declaration {
    let report = read(path, text);
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    assert_eq!(report.declarations.len(), 1, "{:?}", report.declarations);
    report.declarations.into_iter().next().unwrap()
}

/// Every span agrees with `Span::of` on the same bytes.
fn assert_spans_match_the_text(text: &str, declaration: &Declaration) {
    let mut spans = vec![declaration.location];
    if let ThumbprintList::Literal { values, span } = &declaration.thumbprints {
        spans.push(*span);
        spans.extend(values.iter().map(|v| v.span));
    }
    for span in spans {
        assert_eq!(span, Span::of(text, span.start, span.end));
    }
}

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn values(declaration: &Declaration) -> Vec<&str> {
    declaration
        .thumbprints
        .values()
        .iter()
        .map(|v| v.value.as_str())
        .collect()
}

fn known(url: &str) -> IssuerUrl {
    IssuerUrl::Known {
        url: url.to_string(),
        expression: None,
    }
}

fn unresolved(expression: &str) -> IssuerUrl {
    IssuerUrl::Unresolved {
        expression: expression.to_string(),
    }
}

fn dynamic(expression: &str) -> ThumbprintList {
    ThumbprintList::Dynamic {
        expression: expression.to_string(),
    }
}

const CDK_TS: &str = r#"import * as iam from 'aws-cdk-lib/aws-iam';

export class Stack extends cdk.Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const provider = new iam.OpenIdConnectProvider(this, 'GithubOidc', {
      url: 'https://token.actions.githubusercontent.com',
      clientIds: ['sts.amazonaws.com'],
      thumbprints: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    });
  }
}
"#;

#[test]
fn cdk_typescript_with_thumbprints() {
    let d = only("infra/stack.ts", CDK_TS);
    assert_eq!(d.format, Format::Cdk);
    assert_eq!(d.resource, "GithubOidc");
    assert_eq!(d.file, "infra/stack.ts");
    assert_eq!(d.url, known("https://token.actions.githubusercontent.com"));
    assert_eq!(values(&d), [GITHUB]);
    assert_eq!(at(CDK_TS, d.location), "thumbprints");
    assert_eq!((d.location.line, d.location.column), (9, 7));
    let ThumbprintList::Literal { values, span } = &d.thumbprints else {
        panic!("not literal: {:?}", d.thumbprints);
    };
    assert_eq!(at(CDK_TS, *span), format!("['{GITHUB}']"));
    assert_eq!(at(CDK_TS, values[0].span), format!("'{GITHUB}'"));
    assert!(d.suppressions.is_empty());
}

#[test]
fn cdk_typescript_without_thumbprints_is_absent_and_located_at_the_call() {
    let text = "const p = new iam.OpenIdConnectProvider(this, 'Oidc', {\n  url: 'https://a.example',\n});\n";
    let d = only("stack.ts", text);
    assert_eq!(d.thumbprints, ThumbprintList::Absent);
    assert_eq!(at(text, d.location), "new iam.OpenIdConnectProvider");
}

#[test]
fn cdk_typescript_with_variables_is_unresolved_and_dynamic() {
    let text = "new iam.OpenIdConnectProvider(this, 'Oidc', {\n  url: props.issuerUrl,\n  thumbprints: props.thumbprints,\n});\n";
    let d = only("stack.ts", text);
    assert_eq!(d.url, unresolved("props.issuerUrl"));
    assert_eq!(d.thumbprints, dynamic("props.thumbprints"));
    assert_eq!(at(text, d.location), "thumbprints");
}

#[test]
fn a_list_with_one_computed_element_is_dynamic_as_a_whole() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'Oidc', {{ url: 'https://a.example', thumbprints: ['{GITHUB}', lookup('x')] }});"
    );
    let d = only("stack.ts", &text);
    assert_eq!(
        d.thumbprints,
        dynamic(&format!("['{GITHUB}', lookup('x')]"))
    );
}

#[test]
fn cdk_javascript() {
    let text = format!(
        "const {{ OpenIdConnectProvider }} = require('aws-cdk-lib/aws-iam');\n\
         new OpenIdConnectProvider(this, \"GitLab\", {{ url: \"https://gitlab.com\", thumbprints: [\"{GITHUB}\"] }});\n"
    );
    let d = only("lib/stack.js", &text);
    assert_eq!(d.format, Format::Cdk);
    assert_eq!(d.resource, "GitLab");
    assert_eq!(d.url, known("https://gitlab.com"));
    assert_eq!(values(&d), [GITHUB]);
}

const CDK_PY: &str = r#"from aws_cdk import aws_iam as iam

class Stack(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        provider = iam.OpenIdConnectProvider(
            self,
            "GithubOidc",
            url="https://token.actions.githubusercontent.com",
            client_ids=["sts.amazonaws.com"],
            thumbprints=["6938fd4d98bab03faadb97b34396831e3780aea1"],
        )
"#;

#[test]
fn cdk_python() {
    let d = only("app/stack.py", CDK_PY);
    assert_eq!(d.format, Format::Cdk);
    assert_eq!(d.resource, "GithubOidc");
    assert_eq!(d.url, known("https://token.actions.githubusercontent.com"));
    assert_eq!(values(&d), [GITHUB]);
    assert_eq!(at(CDK_PY, d.location), "thumbprints");
    assert_eq!(d.location.line, 11);
}

#[test]
fn cdk_python_without_thumbprints_is_absent() {
    let text = "iam.OpenIdConnectProvider(self, 'Oidc', url='https://a.example')\n";
    let d = only("stack.py", text);
    assert_eq!(d.thumbprints, ThumbprintList::Absent);
    assert_eq!(at(text, d.location), "iam.OpenIdConnectProvider");
}

#[test]
fn oidc_provider_native_is_cdk_in_both_languages() {
    let ts = format!(
        "new iam.OidcProviderNative(this, 'Native', {{ url: 'https://a.example', thumbprints: ['{GITHUB}'] }});"
    );
    let d = only("stack.ts", &ts);
    assert_eq!((d.format, d.resource.as_str()), (Format::Cdk, "Native"));
    assert_eq!(values(&d), [GITHUB]);

    let py = format!(
        "OidcProviderNative(self, 'Native', url='https://a.example', thumbprints=['{GITHUB}'])\n"
    );
    let d = only("stack.py", &py);
    assert_eq!((d.format, d.resource.as_str()), (Format::Cdk, "Native"));
    assert_eq!(values(&d), [GITHUB]);
}

#[test]
fn eks_open_id_connect_provider_is_cdk() {
    let text = "new eks.OpenIdConnectProvider(this, 'Eks', { url: cluster.clusterOpenIdConnectIssuerUrl });";
    let d = only("stack.ts", text);
    assert_eq!(d.format, Format::Cdk);
    assert_eq!(d.url, unresolved("cluster.clusterOpenIdConnectIssuerUrl"));
    assert_eq!(d.thumbprints, ThumbprintList::Absent);
}

#[test]
fn eks_issuer_with_a_known_region_is_an_eks_url() {
    let text = "new eks.OpenIdConnectProvider(this, 'Eks', { url: cluster.clusterOpenIdConnectIssuerUrl });";
    let ctx = ReadContext {
        aws_region: Some("eu-west-1".to_string()),
    };
    let report = read_with("stack.ts", text, &ctx);
    assert_eq!(
        report.declarations[0].url,
        IssuerUrl::Eks {
            region: "eu-west-1".to_string(),
            expression: "cluster.clusterOpenIdConnectIssuerUrl".to_string(),
        }
    );
}

#[test]
fn an_unrelated_expression_stays_unresolved_even_with_a_region() {
    let text = "new iam.OpenIdConnectProvider(this, 'Oidc', { url: issuer });";
    let ctx = ReadContext {
        aws_region: Some("eu-west-1".to_string()),
    };
    let report = read_with("stack.ts", text, &ctx);
    assert_eq!(report.declarations[0].url, unresolved("issuer"));
}

const PULUMI_TS: &str = r#"import * as aws from "@pulumi/aws";

const github = new aws.iam.OpenIdConnectProvider("github", {
    url: "https://token.actions.githubusercontent.com",
    clientIdLists: ["sts.amazonaws.com"],
    thumbprintLists: ["6938fd4d98bab03faadb97b34396831e3780aea1"],
}, { protect: true });
"#;

#[test]
fn pulumi_typescript() {
    let d = only("index.ts", PULUMI_TS);
    assert_eq!(d.format, Format::Pulumi);
    assert_eq!(d.resource, "github");
    assert_eq!(d.url, known("https://token.actions.githubusercontent.com"));
    assert_eq!(values(&d), [GITHUB]);
    assert_eq!(at(PULUMI_TS, d.location), "thumbprintLists");
}

#[test]
fn pulumi_javascript() {
    let text = format!(
        "const aws = require('@pulumi/aws');\n\
         exports.p = new aws.iam.OpenIdConnectProvider('gitlab', {{ url: 'https://gitlab.com', thumbprintLists: ['{OTHER}'] }});\n"
    );
    let d = only("index.js", &text);
    assert_eq!((d.format, d.resource.as_str()), (Format::Pulumi, "gitlab"));
    assert_eq!(d.url, known("https://gitlab.com"));
    assert_eq!(values(&d), [OTHER]);
}

#[test]
fn pulumi_python_with_keyword_arguments() {
    let text = format!(
        "import pulumi_aws as aws\n\n\
         github = aws.iam.OpenIdConnectProvider(\"github\",\n\
         \x20   url=\"https://token.actions.githubusercontent.com\",\n\
         \x20   client_id_lists=[\"sts.amazonaws.com\"],\n\
         \x20   thumbprint_lists=[\"{GITHUB}\"])\n"
    );
    let d = only("__main__.py", &text);
    assert_eq!((d.format, d.resource.as_str()), (Format::Pulumi, "github"));
    assert_eq!(d.url, known("https://token.actions.githubusercontent.com"));
    assert_eq!(values(&d), [GITHUB]);
    assert_eq!(at(&text, d.location), "thumbprint_lists");
}

#[test]
fn pulumi_python_with_an_args_object() {
    let text = format!(
        "import pulumi_aws as aws\n\n\
         aws.iam.OpenIdConnectProvider(\n\
         \x20   resource_name=\"github\",\n\
         \x20   args=aws.iam.OpenIdConnectProviderArgs(\n\
         \x20       url=\"https://token.actions.githubusercontent.com\",\n\
         \x20       thumbprint_lists=[\"{GITHUB}\"],\n\
         \x20   ),\n\
         )\n"
    );
    let d = only("__main__.py", &text);
    assert_eq!((d.format, d.resource.as_str()), (Format::Pulumi, "github"));
    assert_eq!(d.url, known("https://token.actions.githubusercontent.com"));
    assert_eq!(values(&d), [GITHUB]);
}

#[test]
fn pulumi_python_with_positional_args_dict() {
    let text = format!(
        "from pulumi_aws import iam\n\
         iam.OpenIdConnectProvider('github', {{'url': 'https://a.example', 'thumbprint_lists': ['{GITHUB}']}})\n"
    );
    let d = only("__main__.py", &text);
    assert_eq!(d.format, Format::Pulumi);
    assert_eq!(values(&d), [GITHUB]);
    assert_eq!(at(&text, d.location), "'thumbprint_lists'");
}

#[test]
fn pulumi_is_told_by_the_imported_module_when_nothing_else_says() {
    let text = "from pulumi_aws import iam\np = iam.OpenIdConnectProvider(name, url='https://a.example')\n";
    let d = only("__main__.py", text);
    assert_eq!(d.format, Format::Pulumi);
    assert_eq!(d.thumbprints, ThumbprintList::Absent);
}

#[test]
fn uppercase_and_colon_thumbprints_are_kept_as_written() {
    let colon = "69:38:FD:4D:98:BA:B0:3F:AA:DB:97:B3:43:96:83:1E:37:80:AE:A1";
    let upper = "1C58A3A8518E8759BF075B76B750D4F2DF264FCD";
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{ url: 'https://a.example', thumbprints: ['{colon}', \"{upper}\"] }});"
    );
    let d = only("stack.ts", &text);
    assert_eq!(values(&d), [colon, upper]);
}

#[test]
fn a_list_over_several_lines_with_comments_inside() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{\n\
         \x20 url: 'https://a.example', // the issuer\n\
         \x20 thumbprints: [\n\
         \x20   // the current root\n\
         \x20   '{GITHUB}',\n\
         \x20   /* the next one */ '{OTHER}'\n\
         \x20 ],\n\
         }});\n"
    );
    let d = only("stack.ts", &text);
    assert_eq!(values(&d), [GITHUB, OTHER]);
    let spans: Vec<(u32, u32)> = d
        .thumbprints
        .values()
        .iter()
        .map(|v| (v.span.line, v.span.column))
        .collect();
    assert_eq!(spans, [(5, 5), (6, 24)]);

    let py = format!(
        "iam.OpenIdConnectProvider(self, 'O', url='https://a.example', thumbprints=[\n\
         \x20   # the current root\n\
         \x20   '{GITHUB}',\n\
         \x20   '{OTHER}',  # the next one\n\
         ])\n"
    );
    assert_eq!(values(&only("stack.py", &py)), [GITHUB, OTHER]);
}

#[test]
fn trailing_commas_are_accepted() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{ url: 'https://a.example', thumbprints: ['{GITHUB}',], }},);"
    );
    assert_eq!(values(&only("stack.ts", &text)), [GITHUB]);
}

#[test]
fn a_hole_in_the_list_is_dynamic() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{ url: 'https://a.example', thumbprints: ['{GITHUB}',,] }});"
    );
    let d = only("stack.ts", &text);
    assert!(matches!(d.thumbprints, ThumbprintList::Dynamic { .. }));
}

#[test]
fn an_empty_list_is_literal_and_empty() {
    let text =
        "new iam.OpenIdConnectProvider(this, 'O', { url: 'https://a.example', thumbprints: [] });";
    let d = only("stack.ts", text);
    assert!(matches!(&d.thumbprints, ThumbprintList::Literal { values, .. } if values.is_empty()));
}

#[test]
fn declarations_in_comments_and_strings_are_ignored() {
    let ts = "// new iam.OpenIdConnectProvider(this, 'A', { url: 'https://a' });\n\
              /* new iam.OpenIdConnectProvider(this, 'B', { url: 'https://b' }); */\n\
              const doc = \"new iam.OpenIdConnectProvider(this, 'C', { url: 'https://c' })\";\n\
              const t = `new OpenIdConnectProvider(this, 'D', { url: 'https://d' })`;\n";
    let report = read("stack.ts", ts);
    assert!(report.declarations.is_empty(), "{:?}", report.declarations);
    assert!(report.notices.is_empty());

    let py = "# iam.OpenIdConnectProvider(self, 'A', url='https://a')\n\
              '''iam.OpenIdConnectProvider(self, 'B', url='https://b')'''\n";
    assert!(read("stack.py", py).declarations.is_empty());
}

#[test]
fn class_definitions_and_imports_are_not_declarations() {
    let ts = "class Mine extends iam.OpenIdConnectProvider {}\n\
              const p = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(this, 'P', arn);\n\
              function OpenIdConnectProvider(a) {}\n";
    assert!(read("stack.ts", ts).declarations.is_empty());
    let py = "class Mine(iam.OpenIdConnectProvider):\n    pass\ndef OpenIdConnectProvider(a):\n    pass\n";
    assert!(read("stack.py", py).declarations.is_empty());
}

#[test]
fn two_declarations_in_one_file() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'First', {{ url: 'https://a.example', thumbprints: ['{GITHUB}'] }});\n\
         new iam.OpenIdConnectProvider(this, 'Second', {{ url: 'https://b.example', thumbprints: ['{OTHER}'] }});\n"
    );
    let report = read("stack.ts", &text);
    let names: Vec<&str> = report
        .declarations
        .iter()
        .map(|d| d.resource.as_str())
        .collect();
    assert_eq!(names, ["First", "Second"]);
    assert_eq!(values(&report.declarations[1]), [OTHER]);
    assert_eq!(report.declarations[1].location.line, 2);
}

#[test]
fn suppression_comment_in_typescript() {
    let text = format!(
        "// oidc-thumb-check: ignore expiring -- renewal booked with the IdP team\n\
         new iam.OpenIdConnectProvider(this, 'O', {{\n\
         \x20 url: 'https://a.example',\n\
         \x20 thumbprints: ['{GITHUB}'],\n\
         }});\n"
    );
    let d = only("stack.ts", &text);
    assert_eq!(d.suppressions.len(), 1);
    assert_eq!(d.suppressions[0].statuses, ["expiring"]);
    assert_eq!(
        d.suppressions[0].reason.as_deref(),
        Some("renewal booked with the IdP team")
    );
    assert_eq!(d.suppressions[0].line, 1);
}

#[test]
fn suppression_comment_in_python_inside_the_call() {
    let text = format!(
        "x = 1\n\
         \n\
         provider = iam.OpenIdConnectProvider(\n\
         \x20   self, 'O',\n\
         \x20   url='https://a.example',\n\
         \x20   thumbprints=['{GITHUB}'],  # oidc-thumb-check: ignore mismatch -- lab account\n\
         )\n\
         # oidc-thumb-check: ignore expiring -- belongs to nothing\n"
    );
    let d = only("stack.py", &text);
    assert_eq!(d.suppressions.len(), 1);
    assert_eq!(d.suppressions[0].statuses, ["mismatch"]);
    assert_eq!(d.suppressions[0].line, 6);
}

#[test]
fn a_suppression_belongs_to_its_own_declaration_only() {
    let text = "new iam.OpenIdConnectProvider(this, 'A', { url: 'https://a.example' });\n\
                \n\
                // oidc-thumb-check: ignore -- retired next month\n\
                new iam.OpenIdConnectProvider(this, 'B', { url: 'https://b.example' });\n";
    let report = read("stack.ts", text);
    assert!(report.declarations[0].suppressions.is_empty());
    assert_eq!(report.declarations[1].suppressions.len(), 1);
    assert_eq!(report.declarations[1].suppressions[0].line, 3);
}

#[test]
fn spans_are_exact_with_crlf_line_ends() {
    let text = format!(
        "import * as iam from 'aws-cdk-lib/aws-iam';\r\n\r\nnew iam.OpenIdConnectProvider(this, 'O', {{\r\n  url: 'https://a.example',\r\n  thumbprints: [\r\n    '{GITHUB}',\r\n  ],\r\n}});\r\n"
    );
    let d = only("stack.ts", &text);
    let value = &d.thumbprints.values()[0];
    assert_eq!(at(&text, value.span), format!("'{GITHUB}'"));
    assert_eq!((value.span.line, value.span.column), (6, 5));
    assert_eq!(at(&text, d.location), "thumbprints");
    assert_eq!(d.url, known("https://a.example"));
}

#[test]
fn spans_are_exact_after_a_byte_order_mark() {
    let text = format!(
        "\u{feff}THUMB = 'x'\nprovider = iam.OpenIdConnectProvider(self, 'O', url='https://a.example', thumbprints=['{GITHUB}'])\n"
    );
    let d = only("stack.py", &text);
    let value = &d.thumbprints.values()[0];
    assert_eq!(at(&text, value.span), format!("'{GITHUB}'"));
    assert_eq!(value.span.line, 2);
}

#[test]
fn non_ascii_text_before_a_value_counts_columns_in_characters() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'Überwachung', {{ url: 'https://a.example', thumbprints: ['{GITHUB}'] }});"
    );
    let d = only("stack.ts", &text);
    assert_eq!(d.resource, "Überwachung");
    let value = &d.thumbprints.values()[0];
    assert_eq!(
        value.span.column as usize,
        text[..value.span.start].chars().count() + 1
    );
}

#[test]
fn template_literal_without_interpolation_is_known() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{ url: `https://a.example`, thumbprints: [`{GITHUB}`] }});"
    );
    let d = only("stack.ts", &text);
    assert_eq!(d.url, known("https://a.example"));
    assert_eq!(
        at(&text, d.thumbprints.values()[0].span),
        format!("`{GITHUB}`")
    );
}

#[test]
fn interpolated_url_is_unresolved_with_its_expression() {
    let ts = "new iam.OpenIdConnectProvider(this, 'O', { url: `https://${domain}/realms/main` });";
    assert_eq!(
        only("stack.ts", ts).url,
        unresolved("`https://${domain}/realms/main`")
    );
    let py = "iam.OpenIdConnectProvider(self, 'O', url=f'https://{domain}')\n";
    assert_eq!(only("stack.py", py).url, unresolved("f'https://{domain}'"));
}

#[test]
fn module_constants_resolve_with_the_expression_kept() {
    let text = format!(
        "const DOMAIN = 'auth.example.com';\n\
         const ROOT = '{GITHUB}';\n\
         new iam.OpenIdConnectProvider(this, 'O', {{ url: `https://${{DOMAIN}}`, thumbprints: [ROOT] }});\n"
    );
    let d = only("stack.ts", &text);
    assert_eq!(
        d.url,
        IssuerUrl::Known {
            url: "https://auth.example.com".to_string(),
            expression: Some("`https://${DOMAIN}`".to_string()),
        }
    );
    let value = &d.thumbprints.values()[0];
    assert_eq!(value.value, GITHUB);
    assert_eq!(value.span.line, 2, "the span is the constant's literal");
    assert_eq!(at(&text, value.span), format!("'{GITHUB}'"));
}

#[test]
fn python_constants_and_concatenation_resolve() {
    let text = format!(
        "HOST = 'auth.example.com'\n\
         ROOT = \"{GITHUB}\"\n\
         iam.OpenIdConnectProvider(self, 'O', url='https://' + HOST, thumbprints=[ROOT])\n"
    );
    let d = only("stack.py", &text);
    assert_eq!(d.url.url().as_deref(), Some("https://auth.example.com"));
    assert_eq!(d.url.expression(), Some("'https://' + HOST"));
    assert_eq!(values(&d), [GITHUB]);
}

#[test]
fn a_shadowed_constant_stays_dynamic() {
    let text = format!(
        "const ROOT = '{GITHUB}';\n\
         function make(scope, ROOT) {{\n\
         \x20 new iam.OpenIdConnectProvider(scope, 'O', {{ url: 'https://a.example', thumbprints: [ROOT] }});\n\
         }}\n"
    );
    assert_eq!(only("stack.ts", &text).thumbprints, dynamic("[ROOT]"));
}

#[test]
fn props_from_a_variable_are_unresolved_and_dynamic() {
    let text = "new iam.OpenIdConnectProvider(this, 'O', props);";
    let d = only("stack.ts", text);
    assert_eq!(d.url, unresolved("props"));
    assert_eq!(d.thumbprints, dynamic("props"));
}

#[test]
fn spread_properties_may_hide_the_thumbprints() {
    let text =
        "new iam.OpenIdConnectProvider(this, 'O', { ...defaults, url: 'https://a.example' });";
    let d = only("stack.ts", text);
    assert_eq!(d.url, known("https://a.example"));
    assert_eq!(d.thumbprints, dynamic("...defaults"));

    let py = "iam.OpenIdConnectProvider(self, 'O', url='https://a.example', **extra)\n";
    assert_eq!(only("stack.py", py).thumbprints, dynamic("**extra"));
}

#[test]
fn type_assertions_are_not_part_of_the_value() {
    let text = format!(
        "new iam.OpenIdConnectProvider(this, 'O', {{ url: 'https://a.example' as string, thumbprints: ['{GITHUB}'] as const }});"
    );
    let d = only("stack.ts", &text);
    assert_eq!(d.url, known("https://a.example"));
    assert_eq!(values(&d), [GITHUB]);
}

#[test]
fn an_aliased_import_is_followed() {
    let text = format!(
        "import {{ OpenIdConnectProvider as Oidc }} from 'aws-cdk-lib/aws-iam';\n\
         new Oidc(this, 'O', {{ url: 'https://a.example', thumbprints: ['{GITHUB}'] }});\n"
    );
    let d = only("stack.ts", &text);
    assert_eq!((d.format, d.resource.as_str()), (Format::Cdk, "O"));
}

#[test]
fn a_type_cast_is_not_an_alias() {
    let text = "const any = (iam.OpenIdConnectProvider as any);\n\
                any(this, 'O', { url: 'https://a.example' });\n";
    assert!(read("stack.ts", text).declarations.is_empty());
}

#[test]
fn a_computed_id_names_the_resource_by_its_variable() {
    let text = "const github = new iam.OpenIdConnectProvider(this, `${prefix}Oidc`, { url: 'https://a.example' });";
    assert_eq!(only("stack.ts", text).resource, "github");
    let text = "new iam.OpenIdConnectProvider(this, id, { url: 'https://a.example' });";
    assert_eq!(only("stack.ts", text).resource, "id");
}

#[test]
fn an_unclosed_call_is_a_notice_with_its_place() {
    let text =
        "const x = 1;\n  new iam.OpenIdConnectProvider(this, 'O', { url: 'https://a.example' };\n";
    let report = read("stack.ts", text);
    assert!(report.declarations.is_empty());
    assert_eq!(report.notices.len(), 1);
    let notice = &report.notices[0];
    assert_eq!((notice.line, notice.column), (Some(2), Some(3)));
    assert!(notice.message.contains("not closed"), "{}", notice.message);
    assert_eq!(notice.file, "stack.ts");
}

#[test]
fn a_call_without_url_is_a_notice() {
    let report = read("stack.ts", "new iam.OpenIdConnectProvider(this, 'O', {});");
    assert!(report.declarations.is_empty());
    assert!(report.notices[0].message.contains("no `url`"));
}

#[test]
fn an_unterminated_string_is_a_notice_and_later_lines_are_still_read() {
    let text = format!(
        "const broken = 'no end\n\
         new iam.OpenIdConnectProvider(this, 'O', {{ url: 'https://a.example', thumbprints: ['{GITHUB}'] }});\n"
    );
    let report = read("stack.ts", &text);
    assert_eq!(report.declarations.len(), 1);
    assert_eq!(report.notices.len(), 1);
    assert_eq!(
        (report.notices[0].line, report.notices[0].column),
        (Some(1), Some(16))
    );
}

#[test]
fn an_unterminated_comment_is_a_notice() {
    let report = read("stack.ts", "/* OpenIdConnectProvider\nnever closed");
    assert!(report.declarations.is_empty());
    assert_eq!(report.notices.len(), 1);
    assert_eq!(report.notices[0].line, Some(1));
}

#[test]
fn many_lexical_problems_are_summarised() {
    let text = format!("OpenIdConnectProvider\n{}", "'\n".repeat(50));
    let report = read("stack.ts", &text);
    assert_eq!(report.notices.len(), MAX_LEXICAL_NOTICES + 1);
    assert!(report.notices[MAX_LEXICAL_NOTICES]
        .message
        .starts_with("47 more"));
}

#[test]
fn a_minified_file_of_several_megabytes_is_read_in_one_pass() {
    let one = format!(
        "var a{{i}}=new iam.OpenIdConnectProvider(this,\"P{{i}}\",{{url:\"https://a.example\",thumbprints:[\"{GITHUB}\"]}});x=y/2,z=/[\"']/g;"
    );
    let text: String = (0..30_000)
        .map(|i| one.replace("{i}", &i.to_string()))
        .collect();
    assert!(text.len() > 3_000_000);
    assert!(!text.contains('\n'));
    let file = SourceFile {
        path: "bundle.min.js",
        text: &text,
    };
    let report = read_source(file, &ReadContext::default());
    assert!(report.notices.is_empty(), "{:?}", &report.notices[..1]);
    assert_eq!(report.declarations.len(), 30_000);
    let last = &report.declarations[29_999];
    assert_eq!(last.resource, "P29999");
    assert_eq!(values(last), [GITHUB]);
    // `Span::of` counts from the top of the text: compare a sample, not all 30 000.
    assert_spans_match_the_text(&text, last);
    assert_spans_match_the_text(&text, &report.declarations[12_345]);
}

#[test]
fn deep_nesting_is_read_without_overflow() {
    let text = format!(
        "{}new iam.OpenIdConnectProvider(this, 'Deep', {{ url: 'https://a.example' }}){}",
        "f([{a: ".repeat(20_000),
        "}])".repeat(20_000)
    );
    let d = only("stack.ts", &text);
    assert_eq!(d.resource, "Deep");
}

#[test]
fn unbalanced_brackets_elsewhere_do_not_hide_a_declaration() {
    let text =
        "foo(]]] );\nnew iam.OpenIdConnectProvider(this, 'O', { url: 'https://a.example' });\n}}}";
    assert_eq!(only("stack.ts", text).resource, "O");
}

#[test]
fn other_extensions_are_not_read() {
    let text = "new iam.OpenIdConnectProvider(this, 'O', { url: 'https://a.example' });";
    assert!(read("stack.go", text).declarations.is_empty());
    assert_eq!(read("stack.TS", text).declarations.len(), 1);
    assert_eq!(read("stack.mjs", text).declarations.len(), 1);
}

#[test]
fn the_sniff_looks_for_either_class_name() {
    assert!(looks_like_source_declaration(
        "new iam.OpenIdConnectProvider("
    ));
    assert!(looks_like_source_declaration("iam.OidcProviderNative("));
    assert!(!looks_like_source_declaration(
        "aws_iam_openid_connect_provider"
    ));
}
