//! Every report `check` writes, from one run over the `every_outcome` fixture (a pass, a
//! mismatch, a fragile pin, an expiring pin, dynamic thumbprints, an unresolved issuer URL and
//! a file that cannot be read): snapshots of each format, JUnit and SARIF read back by their
//! own parsers, and the GitHub environment variables that switch outputs on.

mod support;

use quick_xml::events::Event;
use serde_sarif::sarif::{ResultLevel, Sarif};
use std::collections::BTreeMap;
use support::check::{Repo, Run, IDP_TOP};

/// The report files of one run, next to the repository (`../out/`).
const REPORT_ARGS: [&str; 8] = [
    "--json",
    "../out/report.json",
    "--junit",
    "../out/junit.xml",
    "--sarif",
    "../out/report.sarif",
    "--summary",
    "../out/summary.md",
];

/// One offline run of `every_outcome` writing every report, with annotations on stdout.
struct Reports {
    run: Run,
    annotations: String,
    text: String,
    json: String,
    junit: String,
    sarif: String,
    summary: String,
}

fn every_report() -> Reports {
    let repo = Repo::fixture("every_outcome");
    let run = Run::of(
        repo.check_offline()
            .args(REPORT_ARGS)
            .args(["--annotations", "always"]),
    );
    let (annotations, text): (Vec<&str>, Vec<&str>) =
        run.stdout.lines().partition(|line| line.starts_with("::"));
    let read = |name: &str| repo.read(format!("../out/{name}"));
    Reports {
        annotations: annotations.join("\n") + "\n",
        text: text.join("\n") + "\n",
        json: read("report.json"),
        junit: read("junit.xml"),
        sarif: read("report.sarif"),
        summary: read("summary.md"),
        run,
    }
}

/// The tool's own version in SARIF changes with every release; the snapshot shows a marker.
fn without_tool_version(sarif: &str) -> String {
    sarif.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[tool version]\"",
    )
}

#[test]
fn one_run_fails_the_gate_and_writes_every_report() {
    let reports = every_report();

    assert_eq!(reports.run.code, Some(1), "{}", reports.run);
    assert!(reports.run.stderr.is_empty(), "{}", reports.run);
}

#[test]
fn text_report() {
    let reports = every_report();
    insta::assert_snapshot!("text", reports.text);
}

#[test]
fn annotations() {
    let reports = every_report();
    insta::assert_snapshot!("annotations", reports.annotations);
}

#[test]
fn json_report() {
    let reports = every_report();
    insta::assert_snapshot!("json", reports.json);
}

#[test]
fn junit_report() {
    let reports = every_report();
    insta::assert_snapshot!("junit", reports.junit);
}

#[test]
fn sarif_report() {
    let reports = every_report();
    insta::assert_snapshot!("sarif", without_tool_version(&reports.sarif));
}

#[test]
fn markdown_summary() {
    let reports = every_report();
    insta::assert_snapshot!("summary", reports.summary);
}

#[test]
fn json_on_stdout_is_the_json_report_file() {
    let reports = every_report();
    let repo = Repo::fixture("every_outcome");

    let run = Run::of(repo.check_offline().args(["--format", "json"]));

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(run.stdout, reports.json);
}

#[test]
fn text_has_no_colour_when_stdout_is_not_a_terminal() {
    let reports = every_report();
    assert!(!reports.text.contains('\x1b'), "{}", reports.text);
}

/// A JUnit test case as read back: its suite, name, and failure, error or skip type.
#[derive(Debug, Default)]
struct Case {
    suite: String,
    name: String,
    failure: Option<String>,
    error: Option<String>,
    skipped: Option<String>,
}

/// A JUnit test suite as read back: its name and the counts its attributes give.
#[derive(Debug, Default)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
}

/// Every suite and case of a JUnit document, read with quick-xml.
fn read_junit(xml: &str) -> (Vec<Suite>, Vec<Case>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites: Vec<Suite> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    loop {
        let element = match reader
            .read_event()
            .expect("the JUnit report is well-formed XML")
        {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let attributes: BTreeMap<String, String> = element
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                let value = a.unescape_value().expect("an attribute value").into_owned();
                (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
            })
            .collect();
        let text = |name: &str| attributes.get(name).cloned().unwrap_or_default();
        let count = |name: &str| text(name).parse::<usize>().expect("a count");
        let case = cases.last_mut();
        match element.name().as_ref() {
            b"testsuite" => suites.push(Suite {
                name: text("name"),
                tests: count("tests"),
                failures: count("failures"),
                errors: count("errors"),
            }),
            b"testcase" => cases.push(Case {
                suite: suites.last().map(|s| s.name.clone()).unwrap_or_default(),
                name: text("name"),
                ..Case::default()
            }),
            b"failure" => case.expect("inside a case").failure = Some(text("type")),
            b"error" => case.expect("inside a case").error = Some(text("type")),
            b"skipped" => case.expect("inside a case").skipped = Some(text("type")),
            _ => {}
        }
    }
    (suites, cases)
}

/// The cases with an outcome of some kind, as (case or suite name, type).
fn outcomes<'a>(
    cases: &'a [Case],
    kind: impl Fn(&'a Case) -> Option<&'a String>,
) -> Vec<(&'a str, &'a str)> {
    cases
        .iter()
        .filter_map(|c| kind(c).map(|t| (c.name.as_str(), t.as_str())))
        .collect()
}

#[test]
fn junit_failure_types_read_back() {
    let reports = every_report();

    let (_, cases) = read_junit(&reports.junit);

    assert_eq!(
        outcomes(&cases, |c| c.failure.as_ref()),
        [
            ("StaleProvider @ idp.example.test", "mismatch"),
            (
                "aws_iam_openid_connect_provider.expiring @ expiring.example.test",
                "expiring"
            ),
        ]
    );
    assert_eq!(
        outcomes(&cases, |c| c.skipped.as_ref()),
        [
            ("aws_iam_openid_connect_provider.computed", "dynamic"),
            ("aws_iam_openid_connect_provider.eks", "unresolved"),
        ]
    );
    assert_eq!(
        outcomes(&cases, |c| c.error.as_ref()),
        [("reading broken.tf", "unreadable")]
    );
    assert_eq!(cases.len(), 7);
}

#[test]
fn junit_suite_counts_agree_with_their_cases() {
    let reports = every_report();

    let (suites, cases) = read_junit(&reports.junit);

    let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["broken.tf", "cloudformation/stale.yaml", "providers.tf"]
    );
    for suite in &suites {
        let own: Vec<&Case> = cases.iter().filter(|c| c.suite == suite.name).collect();
        assert_eq!(suite.tests, own.len(), "{suite:?}");
        let failures = own.iter().filter(|c| c.failure.is_some()).count();
        assert_eq!(suite.failures, failures, "{suite:?}");
        let errors = own.iter().filter(|c| c.error.is_some()).count();
        assert_eq!(suite.errors, errors, "{suite:?}");
    }
}

#[test]
fn sarif_reads_back_with_rules_levels_and_regions() {
    let reports = every_report();

    let sarif: Sarif = serde_json::from_str(&reports.sarif).expect("the SARIF report is valid");

    let run = &sarif.runs[0];
    assert_eq!(run.tool.driver.name, "oidc-thumb-check");
    let rules: Vec<&str> = run
        .tool
        .driver
        .rules
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        rules.contains(&"mismatch") && rules.contains(&"fragile-pin"),
        "{rules:?}"
    );

    let results = run.results.as_deref().unwrap_or_default();
    let summary: Vec<(String, Option<ResultLevel>, String, i64)> = results
        .iter()
        .map(|r| {
            let rule = r.rule_id.clone().unwrap_or_default();
            let rule_index = r.rule_index.expect("every result names its rule's index");
            assert_eq!(rules[rule_index as usize], rule, "rule index of {rule}");
            let location = &r.locations.as_deref().unwrap_or_default()[0];
            let physical = location.physical_location.as_ref().expect("a file");
            let uri = physical
                .artifact_location
                .as_ref()
                .and_then(|a| a.uri.clone())
                .unwrap_or_default();
            let line = physical
                .region
                .as_ref()
                .and_then(|r| r.start_line)
                .unwrap_or_default();
            (rule, r.level, uri, line)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "mismatch".into(),
                Some(ResultLevel::Error),
                "cloudformation/stale.yaml".into(),
                10
            ),
            (
                "fragile-pin".into(),
                Some(ResultLevel::Warning),
                "providers.tf".into(),
                12
            ),
            (
                "expiring".into(),
                Some(ResultLevel::Error),
                "providers.tf".into(),
                18
            ),
            (
                "dynamic".into(),
                Some(ResultLevel::Note),
                "providers.tf".into(),
                28
            ),
            (
                "unresolved".into(),
                Some(ResultLevel::Warning),
                "providers.tf".into(),
                38
            ),
        ]
    );

    let mismatch = &results[0];
    let fix = &mismatch.fixes.as_deref().unwrap_or_default()[0];
    let inserted = fix.artifact_changes[0].replacements[0]
        .inserted_content
        .as_ref()
        .and_then(|c| c.text.clone())
        .unwrap_or_default();
    assert_eq!(inserted, format!("[\"{IDP_TOP}\"]"));

    let notifications = run.invocations.as_deref().unwrap_or_default()[0]
        .tool_execution_notifications
        .as_deref()
        .unwrap_or_default();
    assert_eq!(notifications.len(), 1);
}

#[test]
fn step_summary_is_appended_when_set_and_no_summary_is_asked() {
    let repo = Repo::fixture("pass");
    let summary = repo.path().join("step-summary.md");
    std::fs::write(&summary, "## An earlier step\n").expect("write the summary file");

    let run = Run::of(repo.check_offline().env("GITHUB_STEP_SUMMARY", &summary));

    assert_eq!(run.code, Some(0), "{run}");
    let text = std::fs::read_to_string(&summary).expect("read the summary file");
    assert!(
        text.starts_with("## An earlier step\n## oidc-thumb-check: passed\n"),
        "{text}"
    );
    assert!(text.contains("| `iam.tf:5` |"), "{text}");
}

#[test]
fn summary_option_wins_over_the_step_summary() {
    let repo = Repo::fixture("pass");
    let step_summary = repo.path().join("step-summary.md");

    let run = Run::of(
        repo.check_offline()
            .env("GITHUB_STEP_SUMMARY", &step_summary)
            .args(["--summary", "../summary.md"]),
    );

    assert_eq!(run.code, Some(0), "{run}");
    assert!(!step_summary.exists());
    assert!(repo
        .read("../summary.md")
        .starts_with("## oidc-thumb-check: passed\n"));
}

#[test]
fn github_actions_turns_annotations_on_in_auto_mode() {
    let repo = Repo::fixture("mismatch");

    let run = Run::of(repo.check_offline().env("GITHUB_ACTIONS", "true"));

    assert_eq!(run.code, Some(1), "{run}");
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("::error file=iam.tf,line=5,col=3,"),
        "{run}"
    );
    assert!(
        first.contains("title=oidc-thumb-check%3A mismatch::"),
        "{run}"
    );
}

#[test]
fn annotations_stay_off_outside_github_actions() {
    let repo = Repo::fixture("mismatch");

    let run = Run::of(&mut repo.check_offline());

    assert_eq!(run.code, Some(1), "{run}");
    assert!(!run.stdout.contains("::error"), "{run}");
}

#[test]
fn annotations_never_wins_over_github_actions() {
    let repo = Repo::fixture("mismatch");

    let run = Run::of(
        repo.check_offline()
            .env("GITHUB_ACTIONS", "true")
            .args(["--annotations", "never"]),
    );

    assert_eq!(run.code, Some(1), "{run}");
    assert!(!run.stdout.contains("::error"), "{run}");
}
