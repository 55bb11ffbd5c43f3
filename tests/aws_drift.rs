//! `check --aws`: the repository's declarations beside the providers of an account held by a
//! moto server, matched by issuer URL, with the drift between them.

#![cfg(feature = "aws")]

mod aws_support;
mod support;

use aws_support::{Moto, Run, Workspace, IDP_TOP, STALE};

/// The result of the JSON output with this file and resource.
fn result_of(run: &Run, file: &str, resource: &str) -> serde_json::Value {
    let json = run.json();
    let results = json["results"].as_array().expect("results is an array");
    results
        .iter()
        .find(|r| r["file"] == file && r["resource"] == resource)
        .unwrap_or_else(|| panic!("no result for {file} {resource}\n{run}"))
        .clone()
}

/// The statuses of a result's findings.
fn statuses(result: &serde_json::Value) -> Vec<&str> {
    result["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter_map(|f| f["status"].as_str())
        .collect()
}

#[test]
fn drift_is_reported_on_both_sides_by_issuer_url() {
    let Some(moto) = Moto::shared("drift_is_reported_on_both_sides") else {
        return;
    };
    let account = moto.account("200000000001");
    account.create_provider("https://idp.example.test", &[IDP_TOP]);
    let sso = account.create_provider("https://sso.example.test", &[STALE]);
    let legacy = account.create_provider("https://idp.example.test/legacy", &[IDP_TOP]);
    let workspace = Workspace::with_fixture("drift");

    let run = Run::of(workspace.command("check", &moto).args([
        "--aws",
        "--role-arn",
        &account.role_arn(),
        "--format",
        "json",
    ]));

    assert_eq!(run.code, Some(1), "{run}");
    let in_step = result_of(&run, "iam.tf", "aws_iam_openid_connect_provider.idp");
    assert_eq!(in_step["status"], "pass", "{run}");

    let changed = result_of(&run, "iam.tf", "aws_iam_openid_connect_provider.sso");
    assert_eq!(changed["status"], "drift-thumbprints", "{run}");
    let message = changed["message"].as_str().unwrap_or_default();
    assert!(message.contains(&sso), "{message}");
    assert!(
        message.contains(&format!("only in the account: {STALE}")),
        "{message}"
    );

    let absent = result_of(&run, "iam.tf", "aws_iam_openid_connect_provider.realm");
    assert_eq!(absent["status"], "drift-absent", "{run}");

    let undeclared = result_of(&run, &legacy, "idp.example.test/legacy");
    assert_eq!(undeclared["status"], "drift-undeclared", "{run}");

    // The account's stale provider is judged too, as `aws` judges it: no value matches the
    // issuer host or the JWKS host. The drift is reported once, on the declaration.
    let account_side = result_of(&run, &sso, "sso.example.test");
    assert_eq!(statuses(&account_side), ["mismatch", "mismatch"], "{run}");
}

#[test]
fn a_repository_in_step_with_its_account_passes() {
    let Some(moto) = Moto::shared("a_repository_in_step_with_its_account_passes") else {
        return;
    };
    let account = moto.account("200000000002");
    account.create_provider("https://idp.example.test", &[IDP_TOP]);
    let workspace = Workspace::with_fixture("in_step");

    let run = Run::of(workspace.command("check", &moto).args([
        "--aws",
        "--role-arn",
        &account.role_arn(),
    ]));

    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stdout
            .contains("2 providers checked: 0 failed, 0 warnings, 2 passed"),
        "{run}"
    );
    assert!(!run.stdout.contains("DRIFT"), "{run}");
}

#[test]
fn account_options_without_aws_are_a_usage_error() {
    let workspace = Workspace::with_fixture("in_step");

    let run = Run::of(workspace.bare_command().args([
        "check",
        "--role-arn",
        "arn:aws:iam::200000000003:role/checker",
    ]));

    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("need --aws"), "{run}");
}
