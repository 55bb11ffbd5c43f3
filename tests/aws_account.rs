//! `aws` against a moto server standing in for IAM: providers created through the SDK, judged
//! against saved chains, the plan printed, updates made with `--apply` and read back.
//!
//! Each test works in accounts of its own (moto keeps IAM's state per account), so the tests
//! share one server and run in parallel.

#![cfg(feature = "aws")]

mod aws_support;
mod support;

use aws_support::{sha1_of, Moto, Run, Workspace, IDP_LEAF, IDP_TOP, KEYS_TOP, SSO_TOP, STALE};

/// The result of the JSON output whose `file` is this ARN.
fn result_of(run: &Run, arn: &str) -> serde_json::Value {
    let json = run.json();
    let results = json["results"].as_array().expect("results is an array");
    results
        .iter()
        .find(|r| r["file"] == arn)
        .unwrap_or_else(|| panic!("no result for {arn}\n{run}"))
        .clone()
}

#[test]
fn providers_created_through_the_sdk_are_judged_under_their_arn() {
    let Some(moto) = Moto::shared("providers_created_through_the_sdk_are_judged") else {
        return;
    };
    let account = moto.account("100000000001");
    let good = account.create_provider("https://idp.example.test", &[IDP_TOP]);
    let stale = account.create_provider("https://sso.example.test", &[STALE]);
    let workspace = Workspace::new();

    let run = Run::of(workspace.command("aws", &moto).args([
        "--role-arn",
        &account.role_arn(),
        "--format",
        "json",
    ]));

    assert_eq!(run.code, Some(1), "{run}");
    let passing = result_of(&run, &good);
    assert_eq!(passing["status"], "pass", "{run}");
    assert_eq!(passing["format"], "aws");
    assert_eq!(passing["resource"], "idp.example.test");
    assert_eq!(passing["url"], "https://idp.example.test");
    let mismatch = result_of(&run, &stale);
    assert_eq!(mismatch["status"], "mismatch", "{run}");
    assert_eq!(mismatch["thumbprints"], serde_json::json!([STALE]));
    assert_eq!(mismatch["expected"], serde_json::json!([KEYS_TOP, SSO_TOP]));
}

#[test]
fn without_apply_the_plan_is_printed_and_nothing_changes() {
    let Some(moto) = Moto::shared("without_apply_the_plan_is_printed") else {
        return;
    };
    let account = moto.account("100000000002");
    let arn = account.create_provider("https://sso.example.test", &[STALE]);
    let workspace = Workspace::new();

    let run = Run::of(
        workspace
            .command("aws", &moto)
            .args(["--role-arn", &account.role_arn()]),
    );

    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stdout.contains(&format!(
            "would update {arn}\n  before: {STALE}\n  after:  {KEYS_TOP}, {SSO_TOP}\n"
        )),
        "{run}"
    );
    assert!(
        run.stdout.ends_with(
            "1 provider would be updated; nothing was changed: run again with --apply to update.\n"
        ),
        "{run}"
    );
    assert_eq!(account.thumbprints(&arn), [STALE]);
}

#[test]
fn apply_updates_the_thumbprints_as_planned() {
    let Some(moto) = Moto::shared("apply_updates_the_thumbprints_as_planned") else {
        return;
    };
    let account = moto.account("100000000003");
    let arn = account.create_provider("https://idp.example.test", &[STALE, IDP_LEAF]);
    let workspace = Workspace::new();

    let run = Run::of(workspace.command("aws", &moto).args([
        "--role-arn",
        &account.role_arn(),
        "--apply",
    ]));

    // The stale value goes, the top comes first, the leaf still matches a live certificate.
    assert!(
        run.stdout.contains(&format!(
            "updated {arn}\n  before: {STALE}, {IDP_LEAF}\n  after:  {IDP_TOP}, {IDP_LEAF}\n"
        )),
        "{run}"
    );
    assert!(run.stdout.ends_with("1 provider updated.\n"), "{run}");
    assert_eq!(account.thumbprints(&arn), [IDP_TOP, IDP_LEAF]);
    // The report judges the list IAM holds after the update.
    assert!(
        run.stdout.contains("  -  idp.example.test  PASS  "),
        "{run}"
    );
    assert_eq!(run.code, Some(0), "{run}");
}

#[test]
fn the_new_list_keeps_at_most_five_values() {
    let Some(moto) = Moto::shared("the_new_list_keeps_at_most_five_values") else {
        return;
    };
    let account = moto.account("100000000004");
    let workspace = Workspace::new();
    let sso = &workspace.providers.sso;
    let keys = &workspace.providers.keys;
    let sso_leaf = sha1_of(&sso.leaf);
    let sso_intermediate = sha1_of(&sso.intermediate.cert);
    let keys_leaf = sha1_of(&keys.leaf);
    let keys_intermediate = sha1_of(&keys.intermediate.cert);
    // Four values still live (lower certificates of both hosts) and one stale.
    let arn = account.create_provider(
        "https://sso.example.test",
        &[
            STALE,
            &sso_leaf,
            &sso_intermediate,
            &keys_leaf,
            &keys_intermediate,
        ],
    );

    let run = Run::of(workspace.command("aws", &moto).args([
        "--role-arn",
        &account.role_arn(),
        "--apply",
        "--format",
        "json",
    ]));

    // Both tops first (the JWKS host's, then the issuer host's), then the live values in
    // their order, cut at five: the keys host's intermediate does not fit.
    let planned = [
        KEYS_TOP,
        SSO_TOP,
        sso_leaf.as_str(),
        sso_intermediate.as_str(),
        keys_leaf.as_str(),
    ];
    let json = run.json();
    assert_eq!(
        json["updates"][0]["after"],
        serde_json::json!(planned),
        "{run}"
    );
    assert_eq!(json["updates"][0]["status"], "updated", "{run}");
    assert_eq!(account.thumbprints(&arn), planned);
}

#[test]
fn applying_twice_changes_nothing_the_second_time() {
    let Some(moto) = Moto::shared("applying_twice_changes_nothing") else {
        return;
    };
    let account = moto.account("100000000005");
    let arn = account.create_provider("https://idp.example.test", &[STALE]);
    let workspace = Workspace::new();
    let apply = || {
        Run::of(workspace.command("aws", &moto).args([
            "--role-arn",
            &account.role_arn(),
            "--apply",
            "--format",
            "json",
        ]))
    };

    let first = apply();
    assert_eq!(first.json()["updates"][0]["status"], "updated", "{first}");
    let second = apply();

    assert_eq!(second.code, Some(0), "{second}");
    assert_eq!(second.json()["updates"], serde_json::json!([]), "{second}");
    assert_eq!(result_of(&second, &arn)["status"], "pass", "{second}");
    assert_eq!(account.thumbprints(&arn), [IDP_TOP]);
}

#[test]
fn two_accounts_are_read_and_updated_in_one_run() {
    let Some(moto) = Moto::shared("two_accounts_are_read_and_updated_in_one_run") else {
        return;
    };
    let first = moto.account("100000000006");
    let second = moto.account("100000000007");
    let first_arn = first.create_provider("https://idp.example.test", &[STALE]);
    let second_arn = second.create_provider("https://idp.example.test", &[STALE, IDP_TOP]);
    let workspace = Workspace::new();

    let run = Run::of(workspace.command("aws", &moto).args([
        "--role-arn",
        &first.role_arn(),
        "--role-arn",
        &second.role_arn(),
        "--apply",
        "--format",
        "json",
    ]));

    assert_eq!(run.code, Some(0), "{run}");
    let json = run.json();
    let files: Vec<&str> = json["results"]
        .as_array()
        .expect("results is an array")
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    assert_eq!(files, [first_arn.as_str(), second_arn.as_str()], "{run}");
    assert_eq!(json["updates"].as_array().map(Vec::len), Some(2), "{run}");
    assert_eq!(first.thumbprints(&first_arn), [IDP_TOP]);
    assert_eq!(second.thumbprints(&second_arn), [IDP_TOP]);
}

#[test]
fn a_failed_observation_blocks_the_update() {
    let Some(moto) = Moto::shared("a_failed_observation_blocks_the_update") else {
        return;
    };
    let account = moto.account("100000000008");
    // No saved chain exists for this host: its observation fails.
    let arn = account.create_provider("https://gone.example.test", &[STALE]);
    let workspace = Workspace::new();

    let run = Run::of(workspace.command("aws", &moto).args([
        "--role-arn",
        &account.role_arn(),
        "--apply",
    ]));

    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stdout.contains("UNREACHABLE"), "{run}");
    assert!(
        run.stdout.contains(&format!(
            "left {arn}: not updated: the live chains could not all be observed"
        )),
        "{run}"
    );
    assert!(
        run.stdout.ends_with("No thumbprint list to update.\n"),
        "{run}"
    );
    assert_eq!(account.thumbprints(&arn), [STALE]);
}

#[test]
fn a_refused_address_blocks_the_update() {
    let Some(moto) = Moto::shared("a_refused_address_blocks_the_update") else {
        return;
    };
    let account = moto.account("100000000009");
    // Loopback is refused by default, before any connection is made.
    let arn = account.create_provider("https://127.0.0.1:9", &[STALE]);
    let workspace = Workspace::new();

    let run = Run::of(workspace.bare_command().args([
        "aws",
        "--endpoint-url",
        &moto.endpoint(),
        "--role-arn",
        &account.role_arn(),
        "--apply",
        "--format",
        "json",
    ]));

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(result_of(&run, &arn)["status"], "refused-address", "{run}");
    assert_eq!(run.json()["updates"], serde_json::json!([]), "{run}");
    assert_eq!(run.json()["left"][0]["arn"], arn.as_str(), "{run}");
    assert_eq!(account.thumbprints(&arn), [STALE]);
}

#[test]
fn reports_name_the_provider_by_its_arn_where_a_file_would_stand() {
    let Some(moto) = Moto::shared("reports_name_the_provider_by_its_arn") else {
        return;
    };
    let account = moto.account("100000000010");
    let arn = account.create_provider("https://idp.example.test", &[STALE]);
    let workspace = Workspace::new();
    let sarif = workspace.repo().join("report.sarif");
    let junit = workspace.repo().join("report.xml");

    let run = Run::of(
        workspace
            .command("aws", &moto)
            .args(["--role-arn", &account.role_arn(), "--annotations", "always"])
            .arg("--sarif")
            .arg(&sarif)
            .arg("--junit")
            .arg(&junit),
    );

    assert_eq!(run.code, Some(1), "{run}");
    let annotation = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_else(|| panic!("no error annotation\n{run}"));
    assert!(
        annotation.starts_with(&format!(
            "::error title=oidc-thumb-check%3A mismatch::{arn}: "
        )),
        "{annotation}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("the SARIF report"))
            .expect("SARIF is JSON");
    let location = &sarif["runs"][0]["results"][0]["locations"][0];
    assert!(location.get("physicalLocation").is_none(), "{location}");
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        arn.as_str()
    );
    let junit = std::fs::read_to_string(&junit).expect("the JUnit report");
    assert!(junit.contains(&format!("classname=\"{arn}\"")), "{junit}");
    assert!(!junit.contains("file=\"arn:"), "{junit}");
}

#[test]
fn an_account_that_cannot_be_read_fails_the_run_naming_it() {
    let workspace = Workspace::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let role = "arn:aws:iam::100000000011:role/checker";

    let run = Run::of(workspace.bare_command().args([
        "aws",
        "--endpoint-url",
        &format!("http://127.0.0.1:{closed}"),
        "--role-arn",
        role,
    ]));

    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.contains(&format!(
            "error: cannot read the OIDC providers of role {role}: ListOpenIDConnectProviders failed"
        )),
        "{run}"
    );
}

#[test]
fn an_endpoint_that_never_answers_is_given_up_on_within_the_timeout() {
    let workspace = Workspace::new();
    // Accepts connections into its backlog and never answers a byte.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = silent.local_addr().expect("an address").port();

    let started = std::time::Instant::now();
    let run = Run::of(workspace.bare_command().args([
        "aws",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "1",
    ]));
    let elapsed = started.elapsed();

    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr
            .contains("error: cannot read the OIDC providers of the default credentials"),
        "{run}"
    );
    // Each of the SDK's three attempts is cut off after 1 s; the rest is back-off and the
    // start of the process.
    assert!(
        elapsed < std::time::Duration::from_secs(15),
        "took {elapsed:?}"
    );
    drop(silent);
}
