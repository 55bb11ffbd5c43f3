//! GitHub workflow commands: one annotation per reported finding, escaped.

use crate::fixtures::{declaration, empty, finding, host, result, sample};
use oidc_thumb_core::report::github::{render, AnnotationCounts};
use oidc_thumb_core::{HostRole, ReadNotice, Report, Status};

#[test]
fn sample_report() {
    insta::assert_snapshot!(render(&sample()).commands);
}

#[test]
fn empty_report_emits_nothing() {
    let annotations = render(&empty());
    assert_eq!(annotations.commands, "");
    assert_eq!(annotations.counts, AnnotationCounts::default());
}

#[test]
fn counts_each_level_and_leaves_out_suppressed_findings() {
    let counts = render(&sample()).counts;
    // Errors: expiring, mismatch, unreachable. Warnings: fragile pin, unresolved, and the
    // unreadable file. Notice: dynamic. The suppressed incomplete finding is not emitted.
    assert_eq!(
        counts,
        AnnotationCounts {
            errors: 3,
            warnings: 3,
            notices: 1
        }
    );
    assert!(!render(&sample()).commands.contains("incomplete"));
}

#[test]
fn annotation_is_placed_on_the_declaration_with_a_title() {
    let commands = render(&sample()).commands;
    let mismatch = commands.lines().find(|l| l.contains("mismatch")).unwrap();
    assert!(mismatch.starts_with(
        "::error file=infra/github.tf,line=20,col=3,endLine=20,\
         title=oidc-thumb-check%3A mismatch::aws_iam_openid_connect_provider.legacy: thumbprint"
    ));
}

fn report_with(file: &str, message: &str) -> Report {
    let mut report = empty();
    report.results.push(result(
        declaration(file, 7, "provider", "https://idp.example", &[]),
        vec![finding(Status::Unreachable, Some("idp.example"), message)],
        vec![host("idp.example", HostRole::IssuerAndJwks, vec![])],
        None,
        None,
        "",
    ));
    report
}

#[test]
fn path_with_percent_colon_and_comma_is_escaped_as_a_property() {
    let commands = render(&report_with("infra/a,b:c%d.tf", "down")).commands;
    assert!(
        commands.starts_with("::error file=infra/a%2Cb%3Ac%25d.tf,line=7,"),
        "{commands}"
    );
}

#[test]
fn message_with_line_breaks_stays_on_one_line() {
    let commands = render(&report_with("a.tf", "first\r\nsecond: 100%, done")).commands;
    assert_eq!(commands.lines().count(), 1);
    assert!(
        commands.ends_with("::provider: first%0D%0Asecond: 100%25, done\n"),
        "{commands}"
    );
}

#[test]
fn unreadable_file_is_a_warning_on_its_line() {
    let mut report = empty();
    report.notices.push(ReadNotice {
        file: "x.yaml".into(),
        line: Some(3),
        column: None,
        message: "bad: tab".into(),
    });
    assert_eq!(
        render(&report).commands,
        "::warning file=x.yaml,line=3,title=oidc-thumb-check%3A unreadable file::bad: tab\n"
    );
}

#[test]
fn levels_past_ten_are_reported_as_overflowing() {
    let counts = AnnotationCounts {
        errors: 11,
        warnings: 10,
        notices: 0,
    };
    assert_eq!(counts.overflowing(), [("error", 11)]);
}
