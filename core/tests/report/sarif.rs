//! The SARIF report, read back through an independent model of SARIF 2.1.0.

use crate::fixtures::{empty, sample};
use oidc_thumb_core::report::sarif::render;
use oidc_thumb_core::Status;
use serde_sarif::sarif::{Result as SarifResult, ResultLevel, Run, Sarif};

fn run_of(text: &str) -> Run {
    let log: Sarif = serde_json::from_str(text).unwrap();
    assert_eq!(log.version, "2.1.0");
    assert_eq!(log.runs.len(), 1);
    log.runs.into_iter().next().unwrap()
}

fn results(run: &Run) -> &[SarifResult] {
    run.results.as_deref().unwrap()
}

fn result_for<'a>(run: &'a Run, rule: &str) -> &'a SarifResult {
    results(run)
        .iter()
        .find(|r| r.rule_id.as_deref() == Some(rule))
        .unwrap()
}

#[test]
fn sample_report() {
    insta::assert_snapshot!(render(&sample(), "0.1.0"));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(render(&empty(), "0.1.0"));
}

#[test]
fn driver_names_the_tool_its_version_and_a_rule_per_status() {
    let run = run_of(&render(&sample(), "1.2.3"));
    let driver = &run.tool.driver;
    assert_eq!(driver.name, "oidc-thumb-check");
    assert_eq!(driver.version.as_deref(), Some("1.2.3"));
    assert!(driver
        .information_uri
        .as_deref()
        .unwrap()
        .starts_with("https://"));

    let rules = driver.rules.as_deref().unwrap();
    assert_eq!(rules.len(), Status::ALL.len());
    for (rule, status) in rules.iter().zip(Status::ALL) {
        assert_eq!(rule.id, status.as_str());
        assert_eq!(
            rule.short_description.as_ref().unwrap().text,
            status.title()
        );
        assert_eq!(rule.help.as_ref().unwrap().text, status.help());
    }
    let mismatch = &rules[1];
    assert_eq!(
        mismatch.default_configuration.as_ref().unwrap().level,
        Some("error".into())
    );
}

#[test]
fn one_result_per_finding_at_its_level() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let found: Vec<(&str, ResultLevel)> = results(&run)
        .iter()
        .map(|r| (r.rule_id.as_deref().unwrap(), r.level.unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("expiring", ResultLevel::Error),
            ("fragile-pin", ResultLevel::Warning),
            ("dynamic", ResultLevel::Note),
            ("mismatch", ResultLevel::Error),
            ("incomplete", ResultLevel::Error),
            ("unresolved", ResultLevel::Warning),
            ("unreachable", ResultLevel::Error),
        ]
    );
}

#[test]
fn rule_index_points_at_the_rule() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let rules = run.tool.driver.rules.as_deref().unwrap();
    for result in results(&run) {
        let index = result.rule_index.unwrap() as usize;
        assert_eq!(Some(rules[index].id.as_str()), result.rule_id.as_deref());
    }
}

#[test]
fn location_is_a_relative_uri_with_a_region() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let mismatch = result_for(&run, "mismatch");
    let physical = mismatch.locations.as_ref().unwrap()[0]
        .physical_location
        .as_ref()
        .unwrap();
    let artifact = physical.artifact_location.as_ref().unwrap();
    assert_eq!(artifact.uri.as_deref(), Some("infra/github.tf"));
    assert_eq!(artifact.uri_base_id.as_deref(), Some("%SRCROOT%"));
    let region = physical.region.as_ref().unwrap();
    assert_eq!(
        (
            region.start_line,
            region.start_column,
            region.end_line,
            region.end_column
        ),
        (Some(20), Some(3), Some(20), Some(18))
    );
}

#[test]
fn mismatch_offers_a_fix_replacing_the_list() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let mismatch = result_for(&run, "mismatch");
    let fixes = mismatch.fixes.as_ref().unwrap();
    assert_eq!(fixes.len(), 1);
    let change = &fixes[0].artifact_changes[0];
    assert_eq!(
        change.artifact_location.uri.as_deref(),
        Some("infra/github.tf")
    );
    let replacement = &change.replacements[0];
    let region = &replacement.deleted_region;
    assert_eq!(
        (
            region.start_line,
            region.start_column,
            region.end_line,
            region.end_column
        ),
        (Some(20), Some(21), Some(20), Some(64))
    );
    let inserted = replacement.inserted_content.as_ref().unwrap();
    let text = inserted.text.as_deref().unwrap();
    let expected = &sample().results[4].expected.clone().unwrap()[0];
    assert_eq!(text, format!("[\"{expected}\"]"));
    let description = fixes[0]
        .description
        .as_ref()
        .unwrap()
        .text
        .as_deref()
        .unwrap();
    assert!(description.contains(&expected.to_string()));
}

#[test]
fn fragile_pin_offers_a_fix_and_expiring_does_not() {
    let run = run_of(&render(&sample(), "0.1.0"));
    assert!(result_for(&run, "fragile-pin").fixes.is_some());
    assert!(result_for(&run, "expiring").fixes.is_none());
    assert!(result_for(&run, "unreachable").fixes.is_none());
}

#[test]
fn suppressed_finding_is_a_result_with_an_in_source_suppression() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let incomplete = result_for(&run, "incomplete");
    let suppressions = incomplete.suppressions.as_ref().unwrap();
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0].kind, "inSource");
    assert_eq!(
        suppressions[0].justification.as_deref(),
        Some("suppressed on line 2: the issuer host is publicly trusted")
    );
    assert!(result_for(&run, "mismatch").suppressions.is_none());
}

#[test]
fn fingerprints_are_stable_when_a_declaration_moves() {
    let before = run_of(&render(&sample(), "0.1.0"));
    let mut moved = sample();
    moved.results[4].declaration.location.line += 10;
    let after = run_of(&render(&moved, "0.1.0"));
    let print = |run: &Run| {
        result_for(run, "mismatch")
            .partial_fingerprints
            .clone()
            .unwrap()
    };
    assert_eq!(print(&before), print(&after));
    assert_ne!(
        print(&before),
        result_for(&before, "expiring")
            .partial_fingerprints
            .clone()
            .unwrap()
    );
}

#[test]
fn unreadable_files_are_tool_execution_notifications() {
    let run = run_of(&render(&sample(), "0.1.0"));
    let invocation = &run.invocations.as_ref().unwrap()[0];
    assert!(invocation.execution_successful);
    let notifications = invocation.tool_execution_notifications.as_ref().unwrap();
    assert_eq!(notifications.len(), 1);
    assert!(notifications[0]
        .message
        .text
        .as_deref()
        .unwrap()
        .contains("did not find expected key"));
}

#[test]
fn empty_report_has_rules_and_no_results() {
    let run = run_of(&render(&empty(), "0.1.0"));
    assert_eq!(results(&run).len(), 0);
    assert_eq!(
        run.tool.driver.rules.as_ref().unwrap().len(),
        Status::ALL.len()
    );
}
