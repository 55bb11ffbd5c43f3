//! The `list` command's table and JSON.

use crate::fixtures::{declarations, sample};
use oidc_thumb_core::report::list::{render_list_json, render_list_text};
use serde_json::Value;

#[test]
fn sample_table() {
    insta::assert_snapshot!(render_list_text(&declarations(), &sample().notices));
}

#[test]
fn sample_json() {
    insta::assert_snapshot!(render_list_json(&declarations(), &sample().notices));
}

#[test]
fn nothing_found_is_said_plainly() {
    assert_eq!(
        render_list_text(&[], &[]),
        "No OIDC provider declarations found.\n"
    );
    assert_eq!(
        render_list_json(&[], &[]),
        "{\n  \"version\": 1,\n  \"declarations\": [],\n  \"notices\": []\n}\n"
    );
}

#[test]
fn table_columns_line_up() {
    let text = render_list_text(&declarations(), &[]);
    let lines: Vec<&str> = text.lines().take(9).collect();
    let format_column = lines[0].find("FORMAT").unwrap();
    for line in &lines[1..] {
        let cell = &line[format_column..];
        assert!(
            ["terraform", "cloudformation", "pulumi"]
                .iter()
                .any(|f| cell.starts_with(f)),
            "{line}"
        );
    }
}

#[test]
fn json_gives_each_declaration_as_written() {
    let json: Value = serde_json::from_str(&render_list_json(&declarations(), &[])).unwrap();
    let declarations = json["declarations"].as_array().unwrap();
    assert_eq!(declarations.len(), 8);
    let legacy = declarations
        .iter()
        .find(|d| d["resource"] == "aws_iam_openid_connect_provider.legacy")
        .unwrap();
    assert_eq!(
        legacy,
        &serde_json::json!({
            "file": "infra/github.tf",
            "line": 20,
            "column": 3,
            "format": "terraform",
            "resource": "aws_iam_openid_connect_provider.legacy",
            "url": "https://legacy.example",
            "url_expression": null,
            "thumbprints": ["6938fd4d98bab03faadb97b34396831e3780aea1"],
            "dynamic": false
        })
    );
}
