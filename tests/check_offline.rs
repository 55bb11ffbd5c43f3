//! `check` against saved chains (`--offline --chains`): one outcome per test, each on a small
//! fixture under `tests/fixtures/check/`.

mod support;

use support::check::{
    Providers, Repo, Run, EXPIRED_TOP, EXPIRING_DAYS_LEFT, EXPIRING_TOP, IDP_LEAF, IDP_TOP,
    KEYS_TOP,
};

/// `check --offline` on a fixture, with extra arguments.
fn check(fixture: &str, args: &[&str]) -> Run {
    Run::of(Repo::fixture(fixture).check_offline().args(args))
}

/// The only result of a `--format json` run.
fn only_result(run: &Run) -> serde_json::Value {
    let json = run.json();
    let results = json["results"].as_array().expect("results is an array");
    assert_eq!(results.len(), 1, "{run}");
    results[0].clone()
}

#[test]
fn matching_top_thumbprint_passes() {
    let run = check("pass", &[]);

    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("PASS"), "{run}");
    assert!(
        run.stdout
            .contains("1 provider checked: 0 failed, 0 warnings, 1 passed"),
        "{run}"
    );
}

#[test]
fn mismatch_fails_naming_the_expected_thumbprint_and_the_place() {
    let run = check("mismatch", &[]);

    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stdout.contains("MISMATCH"), "{run}");
    assert!(run.stdout.contains(&format!("expected {IDP_TOP}")), "{run}");
    assert!(run.stdout.contains("iam.tf\n  5:3 "), "{run}");
    assert!(
        run.stdout
            .contains(&format!("put this in the file: [\"{IDP_TOP}\"]")),
        "{run}"
    );
}

#[test]
fn mismatch_result_in_json_names_file_line_and_expected_list() {
    let run = check("mismatch", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["file"], "iam.tf");
    assert_eq!(result["line"], 5);
    assert_eq!(result["status"], "mismatch");
    assert_eq!(result["expected"], serde_json::json!([IDP_TOP]));
}

#[test]
fn leaf_pin_is_a_fragile_pin_warning_that_passes_the_gate() {
    let run = check("fragile_pin", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "fragile-pin");
    assert_eq!(result["severity"], "warning");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains(&IDP_LEAF[..8]), "{message}");
    assert!(message.contains("leaf certificate"), "{message}");
    assert!(message.contains(IDP_TOP), "{message}");
}

#[test]
fn missing_jwks_host_thumbprint_is_incomplete() {
    let run = check("incomplete_jwks_host", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "incomplete");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains("JWKS host keys.example.test"), "{message}");
    assert!(
        message.contains(&format!("expected {KEYS_TOP}")),
        "{message}"
    );
    let roles: Vec<&str> = result["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .filter_map(|h| h["role"].as_str())
        .collect();
    assert_eq!(roles, ["jwks", "issuer"]);
}

#[test]
fn top_certificate_expiring_within_the_default_window_fails() {
    let run = check("expiring", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "expiring");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains(EXPIRING_TOP), "{message}");
    assert!(
        message.contains("expires 2026-06-23, in 22 days"),
        "{message}"
    );
    assert!(message.contains("30-day window"), "{message}");
}

#[test]
fn expiry_on_the_last_day_of_the_window_is_expiring() {
    let days = EXPIRING_DAYS_LEFT.to_string();
    let run = check("expiring", &["--expiry-days", &days, "--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(only_result(&run)["status"], "expiring");
}

#[test]
fn expiry_a_day_past_the_window_passes() {
    let days = (EXPIRING_DAYS_LEFT - 1).to_string();
    let run = check("expiring", &["--expiry-days", &days, "--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(only_result(&run)["status"], "pass");
}

#[test]
fn expiry_window_in_the_configuration_is_used() {
    let repo = Repo::fixture("expiring");
    repo.write(
        ".oidc-thumb-check.toml",
        &format!("expiry-days = {}\n", EXPIRING_DAYS_LEFT - 1),
    );

    let run = Run::of(repo.check_offline().args(["--format", "json"]));

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(only_result(&run)["status"], "pass");
    assert_eq!(run.json()["expiry_days"], EXPIRING_DAYS_LEFT - 1);
}

#[test]
fn expiry_days_option_wins_over_the_configuration() {
    let repo = Repo::fixture("expiring");
    repo.write(".oidc-thumb-check.toml", "expiry-days = 5\n");

    let run = Run::of(
        repo.check_offline()
            .args(["--expiry-days", "30", "--format", "json"]),
    );

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(only_result(&run)["status"], "expiring");
}

#[test]
fn expired_pinned_certificate_fails() {
    let run = check("expired", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "expired");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains(EXPIRED_TOP), "{message}");
    assert!(message.contains("expired 2020-01-01"), "{message}");
}

#[test]
fn host_without_a_saved_chain_is_unreachable() {
    let run = check("unreachable", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "unreachable");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no saved chain ../chains/gone.example.test.pem"),
        "{message}"
    );
}

#[test]
fn thumbprints_computed_at_apply_time_are_dynamic_and_pass() {
    let run = check("dynamic", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "dynamic");
    assert_eq!(result["dynamic"], true);
    assert!(result["hosts"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn unresolved_issuer_url_is_a_warning_that_passes_the_gate() {
    let run = check("unresolved", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "unresolved");
    assert_eq!(result["severity"], "warning");
    assert_eq!(
        result["url_expression"],
        "module.eks.cluster_oidc_issuer_url"
    );
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains("[issuers]"), "{message}");
}

#[test]
fn issuers_mapping_in_the_configuration_resolves_the_expression() {
    let run = check("issuers_mapping", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    assert_eq!(result["url"], "https://idp.example.test");
    assert_eq!(result["hosts"][0]["host"], "idp.example.test");
}

#[test]
fn colons_and_a_missing_digit_are_malformed() {
    let run = check("malformed", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "malformed");
    let messages: Vec<&str> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "malformed")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("colons") && m.contains(&format!("write \"{IDP_TOP}\""))),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("39 hex digits")),
        "{messages:?}"
    );
}

#[test]
fn six_thumbprints_are_too_many() {
    let run = check("too_many", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "too-many");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains("6 thumbprints"), "{message}");
    assert!(message.contains("at most 5"), "{message}");
}

#[test]
fn ignore_in_force_silences_the_mismatch() {
    let run = check("ignore_in_force", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    let finding = &result["findings"][0];
    assert_eq!(finding["status"], "mismatch");
    assert_eq!(
        finding["suppressed"],
        "ignored by the configuration: the provider is replaced in the next release"
    );
}

#[test]
fn ignore_past_its_end_date_no_longer_applies() {
    let run = check("ignore_ended", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "mismatch");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("an ignore ended on 2026-01-31 and no longer applies"),
        "{message}"
    );
}

#[test]
fn suppression_comment_with_a_reason_silences_the_finding() {
    let run = check("suppression_with_reason", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    assert_eq!(
        result["findings"][0]["suppressed"],
        "suppressed on line 1: the identity team rotates this pin on Monday"
    );
}

#[test]
fn suppression_comment_without_a_reason_is_not_honoured() {
    let run = check("suppression_without_reason", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "mismatch");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("the suppression comment on line 1 has no reason"),
        "{message}"
    );
}

#[test]
fn severity_override_makes_a_fragile_pin_fail_the_gate() {
    let run = check("severity_override", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "fragile-pin");
    assert_eq!(result["severity"], "error");
}

#[test]
fn no_declarations_passes_and_says_so() {
    let run = check("no_declarations", &[]);

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.stdout, "No OIDC provider declarations found.\n");
}

#[test]
fn malformed_file_is_a_notice_and_the_others_are_still_checked() {
    let run = check("broken_among_good", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let json = run.json();
    let notice = &json["notices"][0];
    assert_eq!(notice["file"], "broken.tf");
    assert_eq!(notice["line"], 5);
    assert!(
        notice["message"]
            .as_str()
            .is_some_and(|m| m.contains("not valid HCL")),
        "{json:#}"
    );
    let result = only_result(&run);
    assert_eq!(result["file"], "good.tf");
    assert_eq!(result["status"], "pass");
}

#[test]
fn malformed_file_is_named_with_its_line_in_the_text_report() {
    let run = check("broken_among_good", &[]);

    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("broken.tf\n  5:"), "{run}");
    assert!(run.stdout.contains("1 file could not be read"), "{run}");
}

#[test]
fn a_plain_run_writes_no_file() {
    let repo = Repo::fixture("mismatch");
    let before = repo.files();

    let run = Run::of(&mut repo.check_offline());

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(repo.files(), before);
}

#[test]
fn ignore_is_in_force_through_its_end_date() {
    let repo = Repo::fixture("ignore_ended");

    let run = Run::of(
        support::command()
            .current_dir(repo.root())
            .args(["check", "--at", "2026-01-31T23:59:59Z"])
            .args(["--offline", "--chains", "../chains", "--format", "json"]),
    );

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(only_result(&run)["status"], "pass");
}

#[test]
fn quiet_gate_that_passes_prints_nothing() {
    let run = check("pass", &["--quiet"]);

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.stdout, "");
}

#[test]
fn quiet_gate_that_fails_still_says_why() {
    let run = check("mismatch", &["--quiet"]);

    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stdout.contains("MISMATCH"), "{run}");
    assert!(run.stdout.contains(&format!("expected {IDP_TOP}")), "{run}");
}

#[test]
fn verbose_names_each_provider_on_stderr() {
    let run = check("mismatch", &["-v"]);

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr,
        "iam.tf:5: aws_iam_openid_connect_provider.idp mismatch\n"
    );
}

#[test]
fn reports_written_into_the_scanned_folder_are_not_read_next_time() {
    let repo = Repo::fixture("mismatch");
    let first = Run::of(repo.check_offline().args([
        "--format",
        "json",
        "--json",
        "report.json",
        "--sarif",
        "report.sarif",
        "--junit",
        "junit.xml",
        "--summary",
        "summary.md",
    ]));

    let second = Run::of(repo.check_offline().args(["--format", "json"]));

    assert_eq!(first.code, Some(1), "{first}");
    assert_eq!(second.code, Some(1), "{second}");
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.json()["notices"], serde_json::json!([]));
}

/// The `eks_cluster_issuer` fixture, with the chain of `idp.example.test` saved as the one
/// `oidc.eks.eu-west-1.amazonaws.com` presents.
fn eks_repo() -> Repo {
    let repo = Repo::fixture("eks_cluster_issuer");
    let chain = Providers::new().idp.chain_with_root();
    std::fs::write(
        repo.path()
            .join("chains/oidc.eks.eu-west-1.amazonaws.com.pem"),
        chain.pem(),
    )
    .expect("write a saved chain");
    repo
}

#[test]
fn eks_issuer_is_checked_against_the_region_named_by_the_option() {
    let repo = eks_repo();

    let run = Run::of(
        repo.check_offline()
            .args(["--aws-region", "eu-west-1", "--format", "json"]),
    );

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    assert_eq!(result["url"], "https://oidc.eks.eu-west-1.amazonaws.com");
    assert_eq!(
        result["hosts"][0]["host"],
        "oidc.eks.eu-west-1.amazonaws.com"
    );
}

#[test]
fn eks_issuer_takes_the_region_from_aws_region() {
    let repo = eks_repo();

    let run = Run::of(
        repo.check_offline()
            .env("AWS_REGION", "eu-west-1")
            .args(["--format", "json"]),
    );

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(
        only_result(&run)["hosts"][0]["host"],
        "oidc.eks.eu-west-1.amazonaws.com"
    );
}

#[test]
fn eks_issuer_without_a_region_is_unresolved() {
    let run = check("eks_cluster_issuer", &["--format", "json"]);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "unresolved");
    assert_eq!(
        result["url_expression"],
        "aws_eks_cluster.main.identity[0].oidc[0].issuer"
    );
}

#[test]
fn each_call_of_a_local_module_is_judged_with_the_values_it_passes() {
    let run = check("module_calls", &["--format", "json"]);

    assert_eq!(run.code, Some(1), "{run}");
    let json = run.json();
    let results = json["results"].as_array().expect("results is an array");
    let by_resource = |resource: &str| {
        results
            .iter()
            .find(|r| r["resource"] == resource)
            .unwrap_or_else(|| panic!("no result for {resource}: {run}"))
    };
    let current = by_resource("module.current.aws_iam_openid_connect_provider.this");
    assert_eq!(current["status"], "pass", "{run}");
    let stale = by_resource("module.stale.aws_iam_openid_connect_provider.this");
    assert_eq!(stale["status"], "mismatch", "{run}");
    assert_eq!(stale["file"], "modules/oidc/main.tf");
    assert_eq!(stale["line"], 13);
    assert_eq!(stale["expected"], serde_json::json!([IDP_TOP]));
    assert_eq!(results.len(), 2, "{run}");
}
