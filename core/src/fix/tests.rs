use super::*;
use crate::readers::{read_file, read_terraform_module, ReadContext, SourceFile};
use crate::{Declaration, DeclarationResult, Status};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccccccccccccccccccccccccccc";
const D: &str = "dddddddddddddddddddddddddddddddddddddddd";

fn thumbprints(values: &[&str]) -> Vec<Thumbprint> {
    values.iter().map(|v| v.parse().unwrap()).collect()
}

/// The only declaration a file gives, read by the reader its name picks.
fn declaration(path: &str, text: &str) -> Declaration {
    let report = if path.ends_with(".tf") {
        read_terraform_module(&[SourceFile { path, text }], &ReadContext::default())
            .into_iter()
            .next()
            .unwrap_or_default()
    } else {
        read_file(SourceFile { path, text }, &ReadContext::default())
    };
    assert_eq!(report.declarations.len(), 1, "{report:?}");
    report.declarations.into_iter().next().unwrap()
}

fn rewrite(path: &str, text: &str, new: &[&str]) -> Result<String, EditError> {
    rewrite_list(text, &declaration(path, text), &thumbprints(new))
}

fn terraform(list: &str) -> String {
    format!(
        "resource \"aws_iam_openid_connect_provider\" \"idp\" {{\n  url = \"https://idp.example.com\"\n  thumbprint_list = {list}\n}}\n"
    )
}

fn cloudformation(list: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Idp:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: https://idp.example.com\n      ThumbprintList:{list}"
    )
}

#[test]
fn same_length_rewrites_each_changed_value_inside_its_quotes() {
    let text = terraform(&format!("[\"{A}\", \"{B}\"] # pinned"));
    let fixed = rewrite("iam.tf", &text, &[A, C]).unwrap();
    assert_eq!(fixed, terraform(&format!("[\"{A}\", \"{C}\"] # pinned")));
}

#[test]
fn single_quotes_stay_single_quotes() {
    let text = cloudformation(&format!(" ['{A}']\n"));
    let fixed = rewrite("t.yaml", &text, &[B]).unwrap();
    assert_eq!(fixed, cloudformation(&format!(" ['{B}']\n")));
}

#[test]
fn a_bare_yaml_value_stays_bare() {
    let text = cloudformation(&format!("\n        - {A}  # the root\n"));
    let fixed = rewrite("t.yaml", &text, &[B]).unwrap();
    assert_eq!(
        fixed,
        cloudformation(&format!("\n        - {B}  # the root\n"))
    );
}

#[test]
fn a_bare_yaml_value_that_would_read_as_a_number_is_quoted() {
    let number = "1234567890123456789012345678901234567e89";
    let text = cloudformation(&format!("\n        - {A}\n"));
    let fixed = rewrite("t.yaml", &text, &[number]).unwrap();
    assert_eq!(
        fixed,
        cloudformation(&format!("\n        - \"{number}\"\n"))
    );
}

#[test]
fn an_upper_case_value_is_written_in_lower_case() {
    let upper = A.to_uppercase();
    let text = terraform(&format!("[\"{upper}\"]"));
    let fixed = rewrite("iam.tf", &text, &[A]).unwrap();
    assert_eq!(fixed, terraform(&format!("[\"{A}\"]")));
}

#[test]
fn a_block_sequence_grows_by_a_line_shaped_like_a_kept_one() {
    let text = cloudformation(&format!("\n        - \"{A}\" # issuer host\n"));
    let fixed = rewrite("t.yaml", &text, &[A, B]).unwrap();
    assert_eq!(
        fixed,
        cloudformation(&format!(
            "\n        - \"{A}\" # issuer host\n        - \"{B}\"\n"
        ))
    );
}

#[test]
fn a_block_sequence_shrinks_by_whole_lines_with_their_comments() {
    let text = cloudformation(&format!(
        "\n        - {A} # live\n        # a comment line stays\n        - {B} # stale\n        - {C} # stale too\n"
    ));
    let fixed = rewrite("t.yaml", &text, &[A]).unwrap();
    assert_eq!(
        fixed,
        cloudformation(&format!(
            "\n        - {A} # live\n        # a comment line stays\n"
        ))
    );
}

#[test]
fn a_list_one_value_per_line_keeps_its_trailing_comma() {
    let text = terraform(&format!("[\n    \"{A}\", # stale\n  ]"));
    let fixed = rewrite("iam.tf", &text, &[B, C]).unwrap();
    assert_eq!(
        fixed,
        terraform(&format!("[\n    \"{B}\",\n    \"{C}\",\n  ]"))
    );
}

#[test]
fn a_json_list_one_value_per_line_gets_no_trailing_comma() {
    let text = format!(
        "{{\n  \"Resources\": {{\n    \"Idp\": {{\n      \"Type\": \"AWS::IAM::OIDCProvider\",\n      \"Properties\": {{\n        \"Url\": \"https://idp.example.com\",\n        \"ThumbprintList\": [\n          \"{A}\",\n          \"{B}\"\n        ]\n      }}\n    }}\n  }}\n}}\n"
    );
    let grown = rewrite("t.json", &text, &[A, B, C]).unwrap();
    assert!(
        grown.contains(&format!(
            "\"{A}\",\n          \"{B}\",\n          \"{C}\"\n        ]"
        )),
        "{grown}"
    );
    let shrunk = rewrite("t.json", &text, &[A]).unwrap();
    assert!(
        shrunk.contains(&format!("[\n          \"{A}\"\n        ]")),
        "{shrunk}"
    );
}

#[test]
fn a_new_top_thumbprint_goes_before_a_kept_value() {
    let text = terraform(&format!("[\n    \"{B}\", # the intermediate\n  ]"));
    let fixed = rewrite("iam.tf", &text, &[A, B]).unwrap();
    assert_eq!(
        fixed,
        terraform(&format!(
            "[\n    \"{A}\",\n    \"{B}\", # the intermediate\n  ]"
        ))
    );
}

#[test]
fn kept_lines_move_whole_with_their_comments() {
    let text = terraform(&format!(
        "[\n    \"{B}\", # b\n    \"{A}\", # a\n    \"{C}\", # stale\n  ]"
    ));
    let fixed = rewrite("iam.tf", &text, &[A, B]).unwrap();
    assert_eq!(
        fixed,
        terraform(&format!("[\n    \"{A}\", # a\n    \"{B}\", # b\n  ]"))
    );
}

#[test]
fn a_list_on_one_line_is_written_again_in_its_own_style() {
    let text = cloudformation(&format!(" [ '{A}' ]  # pinned\n"));
    let grown = rewrite("t.yaml", &text, &[B, A]).unwrap();
    assert_eq!(
        grown,
        cloudformation(&format!(" [ '{B}', '{A}' ]  # pinned\n"))
    );

    let text = terraform(&format!("[\"{A}\",\"{B}\",\"{C}\",]"));
    let shrunk = rewrite("iam.tf", &text, &[C]).unwrap();
    assert_eq!(shrunk, terraform(&format!("[\"{C}\",]")));
}

#[test]
fn an_empty_list_is_filled() {
    let text = terraform("[]");
    let fixed = rewrite("iam.tf", &text, &[A, B]).unwrap();
    assert_eq!(fixed, terraform(&format!("[\"{A}\", \"{B}\"]")));
}

#[test]
fn a_one_line_list_holding_a_comment_is_left_alone() {
    let text = format!(
        "import * as iam from \"aws-cdk-lib/aws-iam\";\nnew iam.OpenIdConnectProvider(this, \"Idp\", {{\n  url: \"https://idp.example.com\",\n  thumbprints: [\"{A}\", /* old */ \"{B}\"],\n}});\n"
    );
    let error = rewrite("stack.ts", &text, &[C]).unwrap_err();
    assert!(
        matches!(error, EditError::Layout { line: 4, .. }),
        "{error}"
    );
}

#[test]
fn values_sharing_lines_in_a_multi_line_list_are_left_alone() {
    let text = terraform(&format!("[\"{A}\",\n    \"{B}\"]"));
    let error = rewrite("iam.tf", &text, &[C]).unwrap_err();
    assert!(matches!(error, EditError::Layout { .. }), "{error}");
}

#[test]
fn crlf_line_endings_stay_crlf() {
    let text = cloudformation(&format!("\r\n        - {A}\r\n        - {B}\r\n"))
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n");
    let fixed = rewrite("t.yaml", &text, &[A, B, C]).unwrap();
    assert!(
        fixed.ends_with(&format!("        - {B}\r\n        - {C}\r\n")),
        "{fixed:?}"
    );
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
}

#[test]
fn a_list_at_the_end_of_a_file_without_a_newline_stays_without() {
    let text = cloudformation(&format!("\n        - {A}"));
    let grown = rewrite("t.yaml", &text, &[A, B]).unwrap();
    assert_eq!(
        grown,
        cloudformation(&format!("\n        - {A}\n        - {B}"))
    );

    let text = cloudformation(&format!("\n        - {A}\n        - {B}"));
    let shrunk = rewrite("t.yaml", &text, &[A]).unwrap();
    assert_eq!(shrunk, cloudformation(&format!("\n        - {A}")));
}

#[test]
fn python_string_prefixes_and_quotes_are_kept() {
    let text = format!(
        "from aws_cdk import aws_iam as iam\niam.OpenIdConnectProvider(self, \"Idp\",\n    url=\"https://idp.example.com\",\n    thumbprints=[\n        r'{A}',  # pinned\n    ],\n)\n"
    );
    let fixed = rewrite("stack.py", &text, &[A, B]).unwrap();
    assert!(
        fixed.contains(&format!(
            "        r'{A}',  # pinned\n        r'{B}',\n    ],"
        )),
        "{fixed}"
    );
}

#[test]
fn a_value_from_a_variable_of_the_same_file_is_rewritten_where_it_is_declared() {
    let text = format!(
        "variable \"thumbprints\" {{\n  default = [\"{A}\"] # from the provider's docs\n}}\n\n{}",
        terraform("var.thumbprints")
    );
    let fixed = rewrite("iam.tf", &text, &[B]).unwrap();
    assert_eq!(fixed, text.replace(A, B));
}

#[test]
fn a_value_from_another_file_is_not_rewritten() {
    let main = terraform("var.thumbprints");
    let variables = format!("thumbprints = [\"{A}\"]\n");
    let reports = read_terraform_module(
        &[
            SourceFile {
                path: "iam.tf",
                text: &main,
            },
            SourceFile {
                path: "terraform.tfvars",
                text: &variables,
            },
            SourceFile {
                path: "variables.tf",
                text: "variable \"thumbprints\" {}\n",
            },
        ],
        &ReadContext::default(),
    );
    let declaration = &reports[0].declarations[0];
    let error = rewrite_list(&main, declaration, &thumbprints(&[B])).unwrap_err();
    assert_eq!(
        error,
        EditError::Elsewhere {
            value: A.to_string(),
            line: 3,
            expression: "var.thumbprints".to_string()
        }
    );
}

#[test]
fn a_list_from_a_variable_cannot_change_length() {
    let text = format!(
        "variable \"thumbprints\" {{\n  default = [\"{A}\"]\n}}\n{}",
        terraform("var.thumbprints")
    );
    let error = rewrite("iam.tf", &text, &[A, B]).unwrap_err();
    assert!(matches!(error, EditError::NotAList { .. }), "{error}");
}

#[test]
fn a_constant_in_a_list_cannot_be_removed() {
    let text = format!(
        "import * as iam from \"aws-cdk-lib/aws-iam\";\nconst ROOT = \"{A}\";\nnew iam.OpenIdConnectProvider(this, \"Idp\", {{\n  url: \"https://idp.example.com\",\n  thumbprints: [ROOT, \"{B}\"],\n}});\n"
    );
    let error = rewrite("stack.ts", &text, &[B]).unwrap_err();
    assert_eq!(
        error,
        EditError::OutsideList {
            value: A.to_string(),
            line: 2
        }
    );
}

#[test]
fn text_that_changed_since_it_was_read_is_left_alone() {
    let text = terraform(&format!("[\"{A}\"]"));
    let declaration = declaration("iam.tf", &text);
    let edited = text.replace(A, D);
    let error = rewrite_list(&edited, &declaration, &thumbprints(&[B])).unwrap_err();
    assert_eq!(
        error,
        EditError::Changed {
            value: A.to_string(),
            line: 3
        }
    );
}

#[test]
fn a_computed_list_has_nothing_to_rewrite() {
    let text = terraform("data.tls_certificate.idp.certificates[*].sha1_fingerprint");
    let error = rewrite("iam.tf", &text, &[A]).unwrap_err();
    assert_eq!(error, EditError::NotLiteral);
}

fn two_providers(first: &str, second: &str) -> String {
    format!(
        "variable \"thumbprints\" {{\n  default = [\"{A}\"]\n}}\nresource \"aws_iam_openid_connect_provider\" \"one\" {{\n  url = \"https://one.example.com\"\n  thumbprint_list = {first}\n}}\nresource \"aws_iam_openid_connect_provider\" \"two\" {{\n  url = \"https://two.example.com\"\n  thumbprint_list = {second}\n}}\n"
    )
}

fn both(text: &str) -> Vec<Declaration> {
    read_terraform_module(
        &[SourceFile {
            path: "iam.tf",
            text,
        }],
        &ReadContext::default(),
    )
    .into_iter()
    .flat_map(|r| r.declarations)
    .collect()
}

#[test]
fn lists_sharing_a_variable_are_rewritten_once_when_they_agree() {
    let text = two_providers("var.thumbprints", "var.thumbprints");
    let declarations = both(&text);
    let new = thumbprints(&[B]);
    let fixed = fix_file(&text, &[(&declarations[0], &new), (&declarations[1], &new)]);
    assert_eq!(fixed.outcomes, vec![Ok(()), Ok(())]);
    assert_eq!(fixed.text, text.replace(A, B));
}

#[test]
fn lists_sharing_a_variable_are_left_to_a_person_when_they_disagree() {
    let text = two_providers("var.thumbprints", "var.thumbprints");
    let declarations = both(&text);
    let (first, second) = (thumbprints(&[B]), thumbprints(&[C]));
    let fixed = fix_file(
        &text,
        &[(&declarations[0], &first), (&declarations[1], &second)],
    );
    assert_eq!(fixed.outcomes[0], Ok(()));
    assert_eq!(
        fixed.outcomes[1],
        Err(EditError::Shared {
            line: 2,
            other: "aws_iam_openid_connect_provider.one".to_string()
        })
    );
    assert_eq!(fixed.text, text.replace(A, B));
}

#[test]
fn several_lists_of_one_file_are_rewritten_together() {
    let text = two_providers(&format!("[\"{A}\"]"), &format!("[\n    \"{A}\",\n  ]"));
    let declarations = both(&text);
    let (first, second) = (thumbprints(&[B]), thumbprints(&[C, D]));
    let fixed = fix_file(
        &text,
        &[(&declarations[0], &first), (&declarations[1], &second)],
    );
    assert_eq!(fixed.outcomes, vec![Ok(()), Ok(())]);
    assert_eq!(
        fixed.text,
        two_providers(
            &format!("[\"{B}\"]"),
            &format!("[\n    \"{C}\",\n    \"{D}\",\n  ]")
        )
    );
}

fn result(
    declaration: Declaration,
    expected: Option<&[&str]>,
    status: Status,
) -> DeclarationResult {
    DeclarationResult {
        declaration,
        status,
        severity: status.default_severity(),
        message: format!("the {status} message"),
        findings: Vec::new(),
        enforcement: None,
        expected: expected.map(thumbprints),
        hosts: Vec::new(),
    }
}

#[test]
fn a_list_holding_exactly_the_expected_values_is_up_to_date() {
    let judged = result(
        declaration("iam.tf", &terraform(&format!("[\"{A}\", \"{B}\"]"))),
        Some(&[A, B]),
        Status::Pass,
    );
    assert_eq!(plan_fix(&judged), FixPlan::UpToDate);
}

#[test]
fn a_list_with_a_stale_extra_value_is_rewritten_even_when_check_passes() {
    let judged = result(
        declaration("iam.tf", &terraform(&format!("[\"{A}\", \"{B}\"]"))),
        Some(&[A]),
        Status::Pass,
    );
    assert_eq!(plan_fix(&judged), FixPlan::Rewrite(thumbprints(&[A])));
}

#[test]
fn a_provider_that_could_not_be_observed_is_left_to_a_person() {
    let judged = result(
        declaration("iam.tf", &terraform(&format!("[\"{A}\"]"))),
        None,
        Status::Unreachable,
    );
    assert_eq!(
        plan_fix(&judged),
        FixPlan::Leave {
            reason: "nothing was written: the unreachable message".to_string(),
            attention: true
        }
    );
}

#[test]
fn a_computed_list_is_left_alone_without_bothering_anyone() {
    let judged = result(
        declaration(
            "iam.tf",
            &terraform("data.tls_certificate.idp.certificates[*].sha1_fingerprint"),
        ),
        None,
        Status::Dynamic,
    );
    let FixPlan::Leave { reason, attention } = plan_fix(&judged) else {
        panic!("a computed list is rewritten")
    };
    assert!(reason.contains("computed at apply time"), "{reason}");
    assert!(!attention);
}

#[test]
fn a_terraform_plan_is_never_rewritten() {
    let mut declaration = declaration("iam.tf", &terraform(&format!("[\"{A}\"]")));
    declaration.format = Format::TerraformPlan;
    let judged = result(declaration, Some(&[B]), Status::Mismatch);
    let FixPlan::Leave { reason, attention } = plan_fix(&judged) else {
        panic!("a plan is rewritten")
    };
    assert!(reason.contains("terraform plan again"), "{reason}");
    assert!(attention);
}

#[test]
fn an_absent_list_that_check_accepts_needs_nothing() {
    let judged = result(
        declaration(
            "iam.tf",
            "resource \"aws_iam_openid_connect_provider\" \"idp\" {\n  url = \"https://idp.example.com\"\n}\n",
        ),
        Some(&[A]),
        Status::Pass,
    );
    assert_eq!(plan_fix(&judged), FixPlan::UpToDate);
}

fn run() -> FixRun {
    FixRun {
        dry_run: false,
        changes: vec![Change {
            file: "infra/iam.tf".to_string(),
            line: 3,
            resource: "aws_iam_openid_connect_provider.idp".to_string(),
            format: Format::Terraform,
            old: vec![A.to_string()],
            new: thumbprints(&[B, C]),
        }],
        skipped: vec![Skipped {
            file: "infra/dynamic.tf".to_string(),
            line: 9,
            resource: "aws_iam_openid_connect_provider.eks".to_string(),
            format: Format::Terraform,
            reason: "the thumbprint list is computed at apply time".to_string(),
            attention: false,
        }],
        diff: String::new(),
    }
}

#[test]
fn text_output_names_file_line_resource_old_and_new() {
    assert_eq!(
        render_text(&run()),
        format!("fixed infra/iam.tf:3 aws_iam_openid_connect_provider.idp: {A} -> {B}, {C}\n")
    );
    let dry = FixRun {
        dry_run: true,
        ..run()
    };
    assert!(render_text(&dry).starts_with("would fix infra/iam.tf:3 "));
}

#[test]
fn json_output_is_versioned_with_changes_and_skipped() {
    let json: serde_json::Value = serde_json::from_str(&render_json(&run())).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["changes"][0]["new"], serde_json::json!([B, C]));
    assert_eq!(json["changes"][0]["written"], true);
    assert_eq!(json["skipped"][0]["needs_attention"], false);
    assert!(!run().needs_attention());
}
