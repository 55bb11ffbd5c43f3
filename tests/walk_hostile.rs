//! Bad input in the tree: each bad file is a notice naming it, the rest of the tree is still
//! read and listed, nothing panics and `list` exits 0.

mod walk_support;

use serde_json::Value;
use std::time::{Duration, Instant};
use walk_support::{command_in, declared_files, fixture, notices_about, stderr_of, Tree};

/// Nesting deeper than any reader accepts.
const DEEP: usize = 100_000;

/// Lists a tree holding a sound provider at `good/main.tf` and `contents` at `relative`.
/// Asserts what holds whatever the bad file is: exit 0, no panic, the sound provider listed.
fn list_beside_good(relative: &str, contents: impl AsRef<[u8]>) -> Value {
    let tree = Tree::new();
    tree.fixture("provider.tf", "good/main.tf");
    tree.write(relative, contents);

    let output = command_in(tree.path())
        .args(["list", "--format", "json", "."])
        .output()
        .expect("the binary runs");

    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let listed: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert!(
        declared_files(&listed).contains(&"good/main.tf".to_string()),
        "{listed:#}"
    );
    listed
}

/// The one notice about `file`, whose message contains `words`.
fn only_notice<'a>(listed: &'a Value, file: &str, words: &str) -> &'a Value {
    let notices = notices_about(listed, file);
    assert_eq!(notices.len(), 1, "{listed:#}");
    let message = notices[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{message}");
    notices[0]
}

#[test]
fn binary_file_is_skipped_with_a_notice() {
    let mut bytes = b"resource \"aws_iam_openid_connect_provider\" \"x\" {\0\0\x01\x02".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 512));

    let listed = list_beside_good("infra/state.tf", bytes);

    only_notice(&listed, "infra/state.tf", "binary");
    assert_eq!(declared_files(&listed), ["good/main.tf"]);
}

#[test]
fn file_over_five_mebibytes_is_skipped_with_a_notice() {
    let mut text = fixture("provider.tf");
    text.extend(b"\n# padding\n".repeat(5 * 1024 * 1024 / 11 + 1));

    let listed = list_beside_good("infra/huge.tf", text);

    only_notice(&listed, "infra/huge.tf", "5 MiB");
    assert_eq!(declared_files(&listed), ["good/main.tf"]);
}

#[test]
fn fifty_megabyte_single_line_file_is_skipped_with_a_notice_without_reading_it() {
    let line = format!("{{\"oidc\": \"{}\"}}", "a".repeat(50_000_000));
    let started = Instant::now();

    let listed = list_beside_good("data/blob.json", line);

    only_notice(&listed, "data/blob.json", "larger than");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn invalid_utf8_is_a_notice_naming_the_file_and_line() {
    let mut text = b"# the next comment is Latin-1, not UTF-8\n".to_vec();
    text.extend(b"# caf\xe9\n");
    text.extend(fixture("provider.tf"));

    let listed = list_beside_good("infra/latin1.tf", text);

    let notice = only_notice(&listed, "infra/latin1.tf", "UTF-8");
    assert_eq!(notice["line"], 2);
}

#[test]
fn invalid_utf8_in_the_variables_of_a_declaring_module_is_a_notice() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "infra/main.tf");
    tree.write(
        "infra/variables.tf",
        b"variable \"owner\" {\n  default = \"J\xfcrgen\"\n}\n",
    );

    let listed = walk_support::list_json(tree.path(), &["."]);

    let notice = only_notice(&listed, "infra/variables.tf", "UTF-8");
    assert_eq!(notice["line"], 2);
    assert_eq!(declared_files(&listed), ["infra/main.tf"]);
}

#[test]
fn invalid_utf8_in_a_file_that_cannot_declare_anything_is_no_notice() {
    let listed = list_beside_good("docs/legacy.yaml", b"title: caf\xe9\n");

    assert_eq!(listed["notices"], serde_json::json!([]));
}

#[test]
fn truncated_hcl_is_a_notice_naming_the_file_and_line() {
    let listed = list_beside_good("infra/cut/main.tf", fixture("truncated.tf"));

    let notice = only_notice(&listed, "infra/cut/main.tf", "HCL");
    assert!(notice["line"].as_u64().is_some(), "{notice:#}");
    assert_eq!(declared_files(&listed), ["good/main.tf"]);
}

#[test]
fn malformed_yaml_is_a_notice_naming_the_file_and_line() {
    let listed = list_beside_good("stacks/oidc.yaml", fixture("malformed.yaml"));

    let notice = only_notice(&listed, "stacks/oidc.yaml", "YAML");
    assert!(notice["line"].as_u64().is_some(), "{notice:#}");
    assert_eq!(declared_files(&listed), ["good/main.tf"]);
}

#[test]
fn yaml_alias_bomb_is_read_without_expanding_it() {
    let started = Instant::now();

    let listed = list_beside_good("stacks/bomb.yaml", fixture("alias-bomb.yaml"));

    // Expanded, the aliases would be a billion strings; read as written, a few milliseconds.
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        declared_files(&listed),
        ["good/main.tf", "stacks/bomb.yaml"]
    );
    let bomb = &listed["declarations"][1];
    assert_eq!(bomb["url"], "https://login.example.net");
    assert_eq!(bomb["dynamic"], true, "{bomb:#}");
}

#[test]
fn deep_nesting_in_terraform_is_a_notice() {
    let text = format!(
        "resource \"aws_iam_openid_connect_provider\" \"deep\" {{\n  \
         url             = \"https://deep.example.com\"\n  \
         thumbprint_list = {}{}\n}}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );

    let listed = list_beside_good("infra/deep/main.tf", text);

    only_notice(&listed, "infra/deep/main.tf", "nest");
}

#[test]
fn deep_nesting_in_cloudformation_yaml_is_a_notice() {
    let text = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\n# AWS::IAM::OIDCProvider\nResources: {}{}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );

    let listed = list_beside_good("stacks/deep.yaml", text);

    only_notice(&listed, "stacks/deep.yaml", "YAML");
}

#[test]
fn deep_nesting_in_cloudformation_json_is_a_notice() {
    let text = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Description\": \"oidc\", \
         \"Resources\": {}{}}}",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );

    let listed = list_beside_good("stacks/deep.json", text);

    only_notice(&listed, "stacks/deep.json", "nested");
}

#[test]
fn deep_nesting_in_a_terraform_plan_is_a_notice() {
    let text = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {}{}, \"x\": \"openid\"}}",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );

    let listed = list_beside_good("plans/deep.json", text);

    only_notice(&listed, "plans/deep.json", "JSON");
}

#[test]
fn deep_nesting_in_kubernetes_yaml_is_a_notice() {
    let text = format!(
        "apiVersion: iam.services.k8s.aws/v1alpha1\nkind: OpenIDConnectProvider\nspec: {}{}\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );

    let listed = list_beside_good("k8s/deep.yaml", text);

    only_notice(&listed, "k8s/deep.yaml", "");
}

#[test]
fn deep_nesting_in_program_source_does_not_stop_the_walk() {
    // The source readers work on tokens, not on a tree, so depth costs them nothing.
    let typescript = format!(
        "new OpenIdConnectProvider(this, 'Deep', {{ url: {}{} }});\n",
        "[".repeat(DEEP),
        "]".repeat(DEEP)
    );
    let python = format!(
        "OpenIdConnectProvider(self, 'Deep', url={}{})\n",
        "(".repeat(DEEP),
        ")".repeat(DEEP)
    );

    for (file, text) in [("cdk/deep.ts", typescript), ("cdk/deep.py", python)] {
        let listed = list_beside_good(file, text);

        assert_eq!(declared_files(&listed), [file, "good/main.tf"]);
    }
}

#[test]
fn every_bad_file_at_once_leaves_the_good_ones_listed() {
    let tree = Tree::new();
    tree.fixture("provider.tf", "a/main.tf");
    tree.fixture("truncated.tf", "b/main.tf");
    tree.fixture("malformed.yaml", "c/stack.yaml");
    tree.fixture("alias-bomb.yaml", "d/stack.yaml");
    tree.write("e/bad.tf", b"# oidc \xff\xfe\n");
    tree.write("f/blob.yaml", b"oidc\0\0\0");
    tree.fixture("provider.tf", "z/main.tf");

    let output = command_in(tree.path())
        .args(["list", "."])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = walk_support::stdout_of(&output);
    for place in ["a/main.tf:4:3", "d/stack.yaml:", "z/main.tf:4:3"] {
        assert!(stdout.contains(place), "{place} listed in\n{stdout}");
    }
    for file in ["b/main.tf", "c/stack.yaml", "e/bad.tf", "f/blob.yaml"] {
        let noticed = stdout
            .lines()
            .any(|line| line.starts_with(file) && line.contains("could not be read"));
        assert!(noticed, "{file} noticed in\n{stdout}");
    }
}

/// A Terraform plan in JSON of about `bytes` bytes: the provider of the every-reader fixture
/// among S3 buckets.
fn large_plan(bytes: usize) -> String {
    let bucket = r#"{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"logs","tags":{"team":"platform"}}},"#;
    let mut resources = bucket.repeat(bytes / bucket.len() + 1);
    resources.push_str(
        r#"{"address":"aws_iam_openid_connect_provider.deploy","mode":"managed","type":"aws_iam_openid_connect_provider","name":"deploy","values":{"url":"https://deploy.example.org","client_id_list":["sts.amazonaws.com"],"thumbprint_list":["a031c46782e6e6c662c2c87c76da9aa62ccabd8e"]}}"#,
    );
    format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[{resources}]}}}}}}"#
    )
}

#[test]
fn large_plan_named_on_the_command_line_is_read() {
    let tree = Tree::new();
    tree.write("plan.json", large_plan(12 * 1024 * 1024));

    let output = command_in(tree.path())
        .args(["list", "--format", "json", "plan.json"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let listed: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(declared_files(&listed), ["plan.json"], "{listed:#}");
}

#[test]
fn large_plan_found_by_the_walk_is_skipped_saying_it_can_be_named() {
    let listed = list_beside_good("plans/plan.json", large_plan(12 * 1024 * 1024));

    only_notice(&listed, "plans/plan.json", "named on the command line");
    assert_eq!(declared_files(&listed), ["good/main.tf"]);
}
