//! `fix` as a command: what it prints, what it leaves alone and says why, its exit codes, the
//! dry run, the file mode, and the same fix against live servers.

mod fix_support;
mod support;

use fix_support::{Repo, Run, AT, IDP_TOP, KEYS_TOP, SSO_TOP, STALE};

/// A Terraform file declaring one provider with this URL and list.
fn terraform(url: &str, list: &str) -> String {
    format!(
        "resource \"aws_iam_openid_connect_provider\" \"idp\" {{\n  url             = {url}\n  thumbprint_list = {list}\n}}\n"
    )
}

#[test]
fn text_output_names_each_list_fixed_with_old_and_new_values() {
    let repo = Repo::fixture("terraform");
    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(
        run.stdout,
        format!(
            "fixed main.tf:8 aws_iam_openid_connect_provider.idp: {STALE}, \
             c4f4c978e4cb2e6ea5474b5ba0a0778e8c5640a7 -> {IDP_TOP}, \
             c4f4c978e4cb2e6ea5474b5ba0a0778e8c5640a7\n\
             fixed main.tf:17 aws_iam_openid_connect_provider.sso: {STALE} -> {KEYS_TOP}, {SSO_TOP}\n"
        )
    );
    assert!(run.stderr.contains("2 lists rewritten in 1 file"), "{run}");
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let repo = Repo::fixture("terraform");
    let before = repo.read("main.tf");
    let files = repo.files();

    let run = Run::of(repo.fix().arg("--dry-run"));
    assert_eq!(run.code, Some(0), "{run}");
    insta::assert_snapshot!("dry_run_diff", run.stdout);
    assert!(run.stderr.contains("would fix main.tf:8 "), "{run}");
    assert!(run.stderr.contains("2 lists would be rewritten"), "{run}");
    assert_eq!(repo.read("main.tf"), before);
    assert_eq!(repo.files(), files, "a dry run created or removed a file");
}

#[test]
fn json_output_is_versioned_with_changes_skipped_and_the_diff() {
    let repo = Repo::fixture("terraform");
    let run = Run::of(repo.fix().args(["--format", "json"]));
    assert_eq!(run.code, Some(0), "{run}");
    let json = run.json();

    assert_eq!(json["version"], 1);
    assert_eq!(json["dry_run"], false);
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 2, "{json:#}");
    assert_eq!(
        changes[1]["resource"],
        "aws_iam_openid_connect_provider.sso"
    );
    assert_eq!(changes[1]["old"], serde_json::json!([STALE]));
    assert_eq!(changes[1]["new"], serde_json::json!([KEYS_TOP, SSO_TOP]));
    assert_eq!(changes[1]["written"], true);
    let skipped = json["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 1, "{json:#}");
    assert_eq!(
        skipped[0]["resource"],
        "aws_iam_openid_connect_provider.computed"
    );
    assert_eq!(skipped[0]["needs_attention"], false);
    assert!(json["diff"]
        .as_str()
        .is_some_and(|d| d.contains(&format!("+    \"{IDP_TOP}\""))));
    assert_eq!(run.stderr, "", "JSON mode keeps stderr for problems");
}

#[test]
fn a_provider_that_could_not_be_observed_is_left_alone_and_needs_a_person() {
    let repo = Repo::empty();
    let text = terraform("\"https://gone.example.test\"", &format!("[\"{STALE}\"]"));
    repo.write("iam.tf", &text);

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(repo.read("iam.tf"), text);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "skipped iam.tf:3 aws_iam_openid_connect_provider.idp: nothing was written: \
             gone.example.test: no saved chain"
        ),
        "{run}"
    );
    assert!(
        run.stderr.contains("1 declaration left for a person"),
        "{run}"
    );
}

#[test]
fn an_unresolved_issuer_url_needs_a_person() {
    let repo = Repo::empty();
    let text = format!(
        "variable \"issuer\" {{}}\n{}",
        terraform("var.issuer", &format!("[\"{STALE}\"]"))
    );
    repo.write("iam.tf", &text);

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(repo.read("iam.tf"), text);
    assert!(
        run.stderr.contains("could not be resolved statically"),
        "{run}"
    );
}

#[test]
fn a_computed_list_alone_is_untouched_and_needs_nobody() {
    let repo = Repo::empty();
    let text = terraform(
        "\"https://idp.example.test\"",
        "data.tls_certificate.idp.certificates[*].sha1_fingerprint",
    );
    repo.write("iam.tf", &text);

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(repo.read("iam.tf"), text);
    assert!(run.stderr.contains("computed at apply time"), "{run}");
}

#[test]
fn a_terraform_plan_is_never_rewritten() {
    let repo = Repo::fixture("terraform-plan");
    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(1), "{run}");
    repo.assert_fixed();
    assert!(run.stderr.contains("never rewritten"), "{run}");
}

#[test]
fn a_value_from_a_variable_file_is_not_rewritten_and_says_where_to_change_it() {
    let repo = Repo::empty();
    let text = format!(
        "variable \"thumbprints\" {{}}\n{}",
        terraform("\"https://idp.example.test\"", "var.thumbprints")
    );
    repo.write("iam.tf", &text);
    repo.write(
        "terraform.tfvars",
        &format!("thumbprints = [\"{STALE}\"]\n"),
    );

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(repo.read("iam.tf"), text);
    assert!(
        run.stderr.contains(&format!(
            "thumbprint \"{STALE}\" is not written here as a string but comes from \
             `var.thumbprints`; change it where it is defined; the list to write: [\"{IDP_TOP}\"]"
        )),
        "{run}"
    );
}

#[test]
fn a_value_from_a_module_call_is_not_rewritten_and_says_where_to_change_it() {
    let repo = Repo::empty();
    let module = format!(
        "variable \"url\" {{}}\nvariable \"thumbprints\" {{}}\n{}",
        terraform("var.url", "var.thumbprints")
    );
    let root = format!(
        "module \"oidc\" {{\n  source      = \"./modules/oidc\"\n  url         = \
         \"https://idp.example.test\"\n  thumbprints = [\"{STALE}\"]\n}}\n"
    );
    repo.write("modules/oidc/main.tf", &module);
    repo.write("main.tf", &root);

    let run = Run::of(&mut repo.fix());

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(repo.read("modules/oidc/main.tf"), module);
    assert_eq!(repo.read("main.tf"), root);
    assert!(
        run.stderr
            .contains("module.oidc.aws_iam_openid_connect_provider.idp"),
        "{run}"
    );
    assert!(
        run.stderr.contains(&format!(
            "comes from `var.thumbprints`; change it where it is defined; the list to write: \
             [\"{IDP_TOP}\"]"
        )),
        "{run}"
    );
}

#[test]
fn a_literal_list_in_a_module_called_twice_is_rewritten_once() {
    let repo = Repo::empty();
    let module = format!(
        "variable \"url\" {{}}\n{}",
        terraform("var.url", &format!("[\"{STALE}\"]"))
    );
    let call = |name: &str| {
        format!(
            "module \"{name}\" {{\n  source = \"./modules/oidc\"\n  url    = \
             \"https://idp.example.test\"\n}}\n"
        )
    };
    repo.write("modules/oidc/main.tf", &module);
    repo.write("main.tf", &format!("{}{}", call("a"), call("b")));

    let run = Run::of(&mut repo.fix());

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(
        repo.read("modules/oidc/main.tf"),
        module.replace(STALE, IDP_TOP)
    );
    let again = Run::of(&mut repo.fix());
    assert_eq!(again.code, Some(0), "{again}");
    assert_eq!(
        repo.read("modules/oidc/main.tf"),
        module.replace(STALE, IDP_TOP)
    );
}

#[test]
fn a_literal_list_in_a_module_whose_calls_need_different_values_is_written_once_and_left_to_a_person(
) {
    let repo = Repo::empty();
    let module = format!(
        "variable \"url\" {{}}\n{}",
        terraform("var.url", &format!("[\"{STALE}\"]"))
    );
    let call = |name: &str, host: &str| {
        format!(
            "module \"{name}\" {{\n  source = \"./modules/oidc\"\n  url    = \
             \"https://{host}\"\n}}\n"
        )
    };
    repo.write("modules/oidc/main.tf", &module);
    repo.write(
        "main.tf",
        &format!(
            "{}{}",
            call("a", "idp.example.test"),
            call("b", "sso.example.test")
        ),
    );

    let run = Run::of(&mut repo.fix());

    // The first call's values are written; the second call shares the text and is left to a
    // person, saying so.
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        repo.read("modules/oidc/main.tf"),
        module.replace(STALE, IDP_TOP),
        "{run}"
    );
    assert!(
        run.stderr.contains(
            "module.b.aws_iam_openid_connect_provider.idp: line 4: the text there is shared \
             with module.a.aws_iam_openid_connect_provider.idp, which needs other values"
        ),
        "{run}"
    );
}

#[test]
fn a_repository_with_nothing_stale_exits_zero_without_writing() {
    let repo = Repo::empty();
    let text = terraform("\"https://idp.example.test\"", &format!("[\"{IDP_TOP}\"]"));
    repo.write("iam.tf", &text);

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.stdout, "");
    assert_eq!(repo.read("iam.tf"), text);
}

#[test]
fn a_bad_option_is_a_usage_error() {
    let repo = Repo::empty();
    let run = Run::of(repo.fix().args(["--at", "not a date"]));
    assert_eq!(run.code, Some(2), "{run}");
}

#[cfg(unix)]
#[test]
fn the_file_mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let repo = Repo::fixture("terraform");
    let path = repo.root().join("main.tf");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

    let run = Run::of(&mut repo.fix());
    assert_eq!(run.code, Some(0), "{run}");
    repo.assert_fixed();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn live_chains_fix_the_list_as_saved_chains_do() {
    let providers = fix_support::Providers::new();
    let server = support::server::Server::start(&providers.idp.chain_with_root());
    let repo = Repo::empty();
    let text = terraform(&format!("\"{}\"", server.url()), &format!("[\"{STALE}\"]"));
    repo.write("iam.tf", &text);
    let ca_file = repo.chains().join("root.pem");
    std::fs::write(&ca_file, providers.idp.root.pem()).unwrap();

    let run = Run::of(
        support::command()
            .current_dir(repo.root())
            .args([
                "fix",
                "--at",
                AT,
                "--allow-private-addresses",
                "--timeout",
                "5",
            ])
            .arg("--ca-file")
            .arg(&ca_file),
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(repo.read("iam.tf"), text.replace(STALE, IDP_TOP));
}

#[test]
fn a_folder_named_on_the_command_line_is_fixed_from_outside_it() {
    let repo = Repo::fixture("pulumi-python");
    let run = Run::of(
        support::command()
            .current_dir(repo.root().parent().expect("the temporary folder"))
            .args(["fix", "--at", AT, "--offline", "--chains", "chains", "repo"]),
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stdout.starts_with("fixed repo/__main__.py:10 sso: "),
        "{run}"
    );
    repo.assert_fixed();
}
