//! `list` over a tree with a provider in every format a reader knows: Terraform (a variable
//! set by terraform.tfvars, and thumbprints computed at apply time), a JSON plan,
//! CloudFormation in YAML and JSON, CDK in TypeScript and Python, Pulumi in TypeScript, Python
//! and YAML, Crossplane and ACK. The snapshots hold every place, checked against the files.

mod walk_support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use walk_support::{command_in, stderr_of, stdout_of};

/// `tests/fixtures/list`: the tree is listed from here, as `every-reader`.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/list")
}

/// `list every-reader ARGS` from `tests/fixtures/list`: stdout, after asserting exit 0 and
/// an empty stderr.
fn list(args: &[&str]) -> String {
    let output = command_in(&fixtures())
        .args(["list", "every-reader"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "");
    stdout_of(&output)
}

fn list_json() -> Value {
    serde_json::from_str(&list(&["--format", "json"])).expect("stdout is JSON")
}

#[test]
fn json_lists_every_declaration_with_its_place() {
    insta::assert_snapshot!("every_reader_json", list(&["--format", "json"]));
}

#[test]
fn text_table_lists_every_declaration_with_its_place() {
    insta::assert_snapshot!("every_reader_text", list(&[]));
}

#[test]
fn every_format_is_found() {
    let listed = list_json();

    let formats: BTreeSet<&str> = listed["declarations"]
        .as_array()
        .expect("declarations is an array")
        .iter()
        .filter_map(|d| d["format"].as_str())
        .collect();

    let expected = [
        "ack",
        "cdk",
        "cloudformation",
        "crossplane",
        "pulumi",
        "terraform",
        "terraform-plan",
    ];
    assert_eq!(formats, BTreeSet::from(expected));
}

#[test]
fn json_is_versioned_and_has_no_notices_for_sound_files() {
    let listed = list_json();

    assert_eq!(listed["version"], 1);
    assert_eq!(listed["notices"], serde_json::json!([]));
    assert_eq!(listed["declarations"].as_array().map(Vec::len), Some(12));
}

#[test]
fn place_of_each_declaration_points_at_its_thumbprints_in_the_file() {
    let listed = list_json();

    for declaration in listed["declarations"].as_array().expect("an array") {
        let file = declaration["file"].as_str().expect("file");
        let text = std::fs::read_to_string(fixtures().join(file)).expect("the file is read");
        let line = declaration["line"].as_u64().expect("line") as usize;
        let column = declaration["column"].as_u64().expect("column") as usize;

        let from_place: String = text
            .lines()
            .nth(line - 1)
            .expect("the line exists")
            .chars()
            .skip(column - 1)
            .collect();
        // A plan's place is the resource's address; every other place is the thumbprint key.
        let expected = if declaration["format"] == "terraform-plan" {
            "aws_iam_openid_connect_provider."
        } else {
            "thumbprint"
        };
        let found = from_place.trim_start_matches('"').to_lowercase();
        assert!(
            found.starts_with(expected),
            "{file}:{line}:{column} shows {from_place:?}"
        );
    }
}

#[test]
fn variable_set_by_tfvars_resolves_the_issuer_url() {
    let listed = list_json();

    let ci = listed["declarations"]
        .as_array()
        .expect("an array")
        .iter()
        .find(|d| d["resource"] == "aws_iam_openid_connect_provider.ci")
        .expect("the Terraform provider is listed");
    assert_eq!(ci["url"], "https://token.ci.example.com");
    assert_eq!(ci["url_expression"], "var.ci_issuer");
}

#[test]
fn thumbprints_computed_at_apply_time_are_dynamic() {
    let listed = list_json();

    let dynamic: Vec<&str> = listed["declarations"]
        .as_array()
        .expect("an array")
        .iter()
        .filter(|d| d["dynamic"] == true)
        .filter_map(|d| d["resource"].as_str())
        .collect();
    assert_eq!(dynamic, ["aws_iam_openid_connect_provider.login"]);
}
