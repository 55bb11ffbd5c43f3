//! The GitHub Action (action.yml) run as a runner runs it: the installer downloads this build's
//! release archive from a loopback server and verifies it, and the check step maps the inputs
//! to flags and writes the outputs and the job summary.

// The runner simulation runs bash steps; Windows runners get the same bash from Git for
// Windows, but these tests run where bash is the system shell.
#![cfg(unix)]

mod action_support;

use action_support::runner::ActionRun;
use action_support::{release, write_script, Harness, VERSION};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The planted mismatch: one provider passes, one pins the wrong host's certificate.
const MISMATCH: &str = "examples/terraform";
/// Clean examples: the CloudFormation provider, which passes.
const CLEAN: &str = "examples/cloudformation";

/// Offline inputs: the saved chains of the examples, so no test reaches the network.
fn offline(paths: &str) -> Vec<(&str, &str)> {
    vec![
        ("paths", paths),
        ("offline", "true"),
        ("chains", "examples/chains"),
    ]
}

fn archive_request() -> String {
    format!("/v{VERSION}/{}", release().archive_name)
}

/// A stand-in for the binary that records its arguments (NUL-separated) in `argv_file`, writes
/// a one-line JSON report to the --json path, and fails the gate.
fn recording_binary(dir: &Path, argv_file: &Path) -> PathBuf {
    let script = dir.join("recording-oidc-thumb-check");
    write_script(
        &script,
        &format!(
            r#"#!/usr/bin/env bash
if [[ ${{1:-}} == --version ]]; then echo "oidc-thumb-check {VERSION}"; exit 0; fi
printf '%s\0' "$@" > '{argv}'
json= previous=
for arg in "$@"; do [[ $previous == --json ]] && json=$arg; previous=$arg; done
printf '{{"version":1,"summary":{{"declarations":5,"failed":2,"warnings":0,"passed":3}},"results":[]}}' > "$json"
exit 1
"#,
            argv = argv_file.display()
        ),
    );
    script
}

/// The install step failed with this message, and the check never ran.
fn assert_install_refused(run: &ActionRun, message: &str) {
    let install = run.step("install");
    assert_eq!(install.exit_code, Some(1), "{}", run.log());
    assert!(install.stderr.contains(message), "{}", install.stderr);
    assert!(install
        .stderr
        .contains("::error title=oidc-thumb-check install::"));
    assert_eq!(run.step("check").exit_code, None, "the check never runs");
}

fn recorded_argv(argv_file: &Path) -> Vec<String> {
    let bytes = std::fs::read(argv_file).expect("the binary ran and recorded its arguments");
    bytes
        .split(|byte| *byte == 0)
        .filter(|part| !part.is_empty())
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect()
}

/// A harness whose action ships the recording binary; returns where its arguments go.
fn recording_harness() -> (Harness, PathBuf) {
    let harness = Harness::unreleased();
    let argv_file = PathBuf::from(harness.temp_path("argv"));
    let script = recording_binary(&harness.runner.runner_temp, &argv_file);
    harness.vendor(&script);
    (harness, argv_file)
}

#[test]
fn clean_examples_pass_with_the_verified_release_archive() {
    let harness = Harness::released();
    let mut inputs = offline(CLEAN);
    inputs.push(("junit", "oidc.junit.xml"));
    inputs.push(("sarif", "oidc.sarif"));
    let run = harness.run(&inputs);

    assert!(run.succeeded(), "{}", run.log());
    let install = run.step("install");
    assert_eq!(install.outputs["source"], "release", "{}", run.log());
    assert!(install.stderr.contains("matches dist/checksums.txt"));
    assert_eq!(harness.server.requests(), vec![archive_request()]);
    assert_eq!(run.output("exit-code"), "0");
    assert_eq!(run.output("failed"), "0");
    assert_eq!(run.output("passed"), "1");
}

#[test]
fn planted_mismatch_fails_the_step_with_its_counts() {
    let harness = Harness::released();
    let run = harness.run(&offline(MISMATCH));

    assert!(!run.succeeded(), "{}", run.log());
    let check = run.step("check");
    assert_eq!(check.exit_code, Some(1), "{}", run.log());
    assert!(
        check
            .stdout
            .contains("::error file=examples/terraform/main.tf,line=20"),
        "annotations are on under GITHUB_ACTIONS=true: {}",
        check.stdout
    );
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(run.output("failed"), "1");
    assert_eq!(run.output("passed"), "1");
}

#[test]
fn reports_are_written_where_the_outputs_say() {
    let harness = Harness::released();
    let json = harness.temp_path("report.json");
    let mut inputs = offline(MISMATCH);
    inputs.extend([
        ("junit", "oidc.junit.xml"),
        ("sarif", "oidc.sarif"),
        ("json", json.as_str()),
    ]);
    let run = harness.run(&inputs);

    let workspace = &harness.runner.workspace;
    assert_eq!(run.output("junit"), "oidc.junit.xml");
    assert!(std::fs::read_to_string(workspace.join("oidc.junit.xml"))
        .expect("the JUnit report")
        .contains("<testsuites"));
    assert_eq!(run.output("sarif"), "oidc.sarif");
    assert!(std::fs::read_to_string(workspace.join("oidc.sarif"))
        .expect("the SARIF report")
        .contains("\"version\": \"2.1.0\""));
    assert_eq!(run.output("json"), json);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON report"))
            .expect("JSON");
    assert_eq!(
        report["summary"]["failed"].to_string(),
        run.output("failed")
    );
    assert_eq!(
        report["summary"]["passed"].to_string(),
        run.output("passed")
    );
}

#[test]
fn the_job_summary_gets_the_table_of_providers() {
    let harness = Harness::released();
    let run = harness.run(&offline(MISMATCH));

    assert!(
        run.summary.starts_with("## oidc-thumb-check"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("| Declaration |"), "{}", run.summary);
    assert!(run.summary.contains("aws_iam_openid_connect_provider.sso"));
    assert_eq!(
        run.output("summary"),
        harness
            .runner
            .runner_temp
            .join("step_summary.md")
            .to_string_lossy()
    );
}

#[test]
fn without_a_json_input_the_report_goes_to_the_runner_temp_folder() {
    let harness = Harness::released();
    let run = harness.run(&offline(CLEAN));

    let json = run.output("json");
    assert!(
        Path::new(json).starts_with(&harness.runner.runner_temp),
        "{json}"
    );
    assert!(Path::new(json).is_file(), "{json}");
}

#[test]
fn an_archive_that_does_not_match_its_checksum_is_refused_and_never_run() {
    let harness = Harness::released();
    let wrong = "0".repeat(64);
    std::fs::write(
        harness.checksums_file(),
        format!("{wrong}  {}\n", release().archive_name),
    )
    .expect("checksums");
    let run = harness.run(&offline(CLEAN));

    assert_install_refused(
        &run,
        &format!(
            "SHA-256 mismatch for {}: dist/checksums.txt records {wrong}",
            release().archive_name
        ),
    );
    assert!(run.step("install").stderr.contains("refusing to run it"));
    assert_eq!(harness.server.requests(), vec![archive_request()]);
    let installed = harness
        .runner
        .runner_temp
        .join(format!("oidc-thumb-check/v{VERSION}"))
        .join(&release().target)
        .join("oidc-thumb-check");
    assert!(!installed.exists(), "nothing was installed");
}

#[test]
fn a_version_without_a_recorded_checksum_is_never_downloaded() {
    let harness = Harness::unreleased();
    let run = harness.run(&offline(CLEAN));

    assert_install_refused(
        &run,
        &format!(
            "dist/checksums.txt has no entry for {}, so nothing is downloaded",
            release().archive_name
        ),
    );
    assert!(run
        .step("install")
        .stderr
        .contains("and no cargo to build it"));
    assert_eq!(harness.server.requests(), Vec::<String>::new());
}

#[test]
fn a_version_without_a_recorded_checksum_is_built_from_the_actions_checkout() {
    let mut harness = Harness::unreleased();
    let bin = harness.prepend_to_path("fake-cargo");
    let cargo_args = harness.temp_path("cargo-args");
    // A cargo that records how it was asked to install, then installs the binary under test.
    write_script(
        &bin.join("cargo"),
        &format!(
            r#"#!/usr/bin/env bash
printf '%s\n' "$@" > '{cargo_args}'
root= previous=
for arg in "$@"; do [[ $previous == --root ]] && root=$arg; previous=$arg; done
mkdir -p "$root/bin" && cp '{binary}' "$root/bin/oidc-thumb-check"
"#,
            binary = env!("CARGO_BIN_EXE_oidc-thumb-check")
        ),
    );
    let run = harness.run(&offline(CLEAN));

    assert!(run.succeeded(), "{}", run.log());
    assert_eq!(run.step("install").outputs["source"], "source");
    let args = std::fs::read_to_string(&cargo_args).expect("cargo ran");
    let args: Vec<&str> = args.lines().collect();
    let action_dir = harness.runner.action_dir.to_string_lossy();
    assert_eq!(args[..2], ["install", "--locked"]);
    assert!(args.windows(2).any(|pair| pair == ["--path", &action_dir]));
    assert_eq!(harness.server.requests(), Vec::<String>::new());
}

#[test]
fn a_binary_shipped_in_dist_is_used_without_any_download() {
    let harness = Harness::unreleased();
    harness.vendor(Path::new(env!("CARGO_BIN_EXE_oidc-thumb-check")));
    let run = harness.run(&offline(CLEAN));

    assert!(run.succeeded(), "{}", run.log());
    assert_eq!(run.step("install").outputs["source"], "vendored");
    assert_eq!(harness.server.requests(), Vec::<String>::new());
}

#[test]
fn a_binary_of_another_version_is_refused() {
    let harness = Harness::unreleased();
    let impostor = harness.runner.runner_temp.join("impostor");
    write_script(&impostor, "#!/bin/sh\necho 'oidc-thumb-check 0.0.1'\n");
    harness.vendor(&impostor);
    let run = harness.run(&offline(CLEAN));

    assert_install_refused(
        &run,
        &format!("reports 'oidc-thumb-check 0.0.1', expected 'oidc-thumb-check {VERSION}'"),
    );
}

#[test]
fn every_input_becomes_its_flag_and_the_paths_come_after_the_double_dash() {
    let (harness, argv_file) = recording_harness();
    let inputs = [
        ("paths", "examples/terraform\n-infra\n  with space  \n"),
        ("config", "ci/oidc.toml"),
        ("expiry-days", "45"),
        ("junit", "oidc.junit.xml"),
        ("sarif", "oidc.sarif"),
        ("json", "oidc.json"),
        ("summary", "oidc.md"),
        ("annotations", "never"),
        ("ca-file", "certs/root.pem\ncerts/other root.pem"),
        ("allow-private-addresses", "true"),
        ("offline", "true"),
        ("chains", "examples/chains"),
        ("args", "--exclude vendor/** --timeout 5"),
    ];
    let declared =
        action_support::runner::load_action(&harness.runner.action_dir.join("action.yml"));
    let declared: Vec<&str> = declared["inputs"]
        .as_hash()
        .expect("inputs")
        .keys()
        .filter_map(|name| name.as_str())
        .collect();
    let given: Vec<&str> = inputs.iter().map(|(name, _)| *name).collect();
    assert_eq!(given, declared, "this test sets every input, in order");
    let run = harness.run(&inputs);

    let expected = [
        "check",
        "--config",
        "ci/oidc.toml",
        "--expiry-days",
        "45",
        "--junit",
        "oidc.junit.xml",
        "--sarif",
        "oidc.sarif",
        "--summary",
        "oidc.md",
        "--annotations",
        "never",
        "--ca-file",
        "certs/root.pem",
        "--ca-file",
        "certs/other root.pem",
        "--allow-private-addresses",
        "--offline",
        "--chains",
        "examples/chains",
        "--json",
        "oidc.json",
        "--exclude",
        "vendor/**",
        "--timeout",
        "5",
        "--",
        "examples/terraform",
        "-infra",
        "with space",
    ];
    assert_eq!(recorded_argv(&argv_file), expected, "{}", run.log());
    assert_eq!(run.output("exit-code"), "1");
    assert_eq!(
        run.output("failed"),
        "2",
        "read from a one-line JSON report too"
    );
    assert_eq!(run.output("passed"), "3");
}

#[test]
fn every_flag_the_action_passes_is_a_flag_of_check() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-thumb-check"))
        .args(["check", "--help"])
        .output()
        .expect("check --help");
    let help = String::from_utf8_lossy(&help.stdout);
    let script = std::fs::read_to_string(action_support::repository().join("dist/run-check.sh"))
        .expect("dist/run-check.sh");
    let flags: Vec<&str> = script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .collect();
    assert!(flags.contains(&"--allow-private-addresses"), "{flags:?}");
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "dist/run-check.sh passes {flag}, which check does not take"
        );
    }
}

#[test]
fn paths_starting_with_a_dash_are_checked_as_paths() {
    let harness = Harness::released();
    let workspace = &harness.runner.workspace;
    action_support::copy_tree(&workspace.join(CLEAN), &workspace.join("-infra"));
    let mut inputs = offline("-infra");
    inputs[0] = ("paths", "-infra");
    let run = harness.run(&inputs);

    assert!(run.succeeded(), "{}", run.log());
    assert_eq!(run.output("passed"), "1");
}

/// Runs the recording binary with these inputs on top of offline ones and expects the check
/// step to stop with exit code 2 and this message, before the binary runs.
fn assert_refused(inputs: &[(&str, &str)], message: &str) {
    let (harness, argv_file) = recording_harness();
    let run = harness.run(inputs);

    let check = run.step("check");
    assert_eq!(check.exit_code, Some(2), "{}", run.log());
    assert_eq!(run.output("exit-code"), "2");
    assert!(
        check
            .stdout
            .contains(&format!("::error title=oidc-thumb-check inputs::{message}")),
        "{}",
        check.stdout
    );
    assert!(!argv_file.exists(), "check never ran");
}

#[test]
fn offline_without_chains_is_refused() {
    assert_refused(
        &[("offline", "true")],
        "input offline is true but chains is empty",
    );
}

#[test]
fn chains_without_offline_is_refused() {
    assert_refused(
        &[("chains", "examples/chains")],
        "input chains is set but offline is not true",
    );
}

#[test]
fn an_option_that_has_its_own_input_is_refused_in_args() {
    assert_refused(
        &[("args", "--timeout 5 --junit=out.xml")],
        "input args holds --junit, which the input junit sets: use junit instead",
    );
}

#[test]
fn two_reports_in_one_file_are_refused() {
    assert_refused(
        &[("junit", "report.out"), ("json", "report.out")],
        "inputs junit and json both write report.out",
    );
}

#[test]
fn a_boolean_input_must_be_true_or_false() {
    assert_refused(
        &[("allow-private-addresses", "yes")],
        "input allow-private-addresses must be true or false, got 'yes'",
    );
}

#[test]
fn expiry_days_must_be_a_whole_number() {
    assert_refused(
        &[("expiry-days", "30; rm -rf /")],
        "input expiry-days must be a whole number of days",
    );
}

#[test]
fn the_release_archive_holds_the_binary_and_its_sha256() {
    let release = release();
    let bytes = std::fs::read(&release.archive).expect("the archive");
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        std::fs::read_to_string(&release.sha256_file).expect("the .sha256 file"),
        format!("{digest}  {}\n", release.archive_name)
    );

    let listing = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(&release.archive)
        .output()
        .expect("tar lists the archive");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let folder = release.archive_name.trim_end_matches(".tar.gz");
    assert!(
        listing
            .lines()
            .any(|line| line == format!("{folder}/oidc-thumb-check")),
        "{listing}"
    );
}
