//! `check` invoked wrongly: each mistake exits 2 with a message that says what to change, and
//! nothing on stdout.

mod support;

use support::check::{Repo, Run};

/// Asserts a usage error whose message on stderr holds every one of `words`.
fn assert_usage_error(run: &Run, words: &[&str]) {
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
    for word in words {
        assert!(run.stderr.contains(word), "{word:?} missing from\n{run}");
    }
}

#[test]
fn unknown_configuration_key_names_the_key_and_the_line() {
    let repo = Repo::fixture("unknown_config_key");

    let run = Run::of(&mut repo.check_offline());

    assert_usage_error(
        &run,
        &[".oidc-thumb-check.toml", "line 4", "allow-private-host"],
    );
}

#[test]
fn explicit_configuration_that_does_not_exist() {
    let repo = Repo::fixture("pass");

    let run = Run::of(repo.check_offline().args(["--config", "missing.toml"]));

    assert_usage_error(&run, &["cannot read the configuration missing.toml"]);
}

#[test]
fn annotations_cannot_share_stdout_with_json() {
    let repo = Repo::fixture("pass");

    let run = Run::of(
        repo.check_offline()
            .args(["--annotations", "always", "--format", "json"]),
    );

    assert_usage_error(&run, &["--annotations always", "--json FILE"]);
}

#[test]
fn judgement_date_that_is_not_a_date() {
    let repo = Repo::fixture("pass");

    let run =
        Run::of(
            support::command()
                .current_dir(repo.root())
                .args(["check", "--at", "next week"]),
        );

    assert_usage_error(&run, &["--at \"next week\"", "2027-01-31"]);
}

#[test]
fn chains_folder_that_does_not_exist_even_with_nothing_to_check() {
    let repo = Repo::fixture("no_declarations");

    let run = Run::of(repo.check().args(["--offline", "--chains", "../nowhere"]));

    assert_usage_error(&run, &["--chains ../nowhere is not a folder"]);
}

#[test]
fn chains_without_offline_would_use_the_network() {
    let repo = Repo::fixture("pass");

    let run = Run::of(repo.check().args(["--chains", "../chains"]));

    assert_usage_error(&run, &["--chains ../chains", "add --offline"]);
}

#[test]
fn path_that_does_not_exist() {
    let repo = Repo::fixture("pass");

    let run = Run::of(repo.check_offline().arg("infra"));

    assert_usage_error(&run, &["infra does not exist"]);
}

#[test]
fn configuration_value_of_the_wrong_type_names_the_line() {
    let repo = Repo::fixture("pass");
    repo.write(
        ".oidc-thumb-check.toml",
        "# Café\nexclude = [\"vendor/**\"]\n\nexpiry-days = \"soon\"\n",
    );

    let run = Run::of(&mut repo.check_offline());

    assert_usage_error(&run, &[".oidc-thumb-check.toml: line 4:"]);
}
