//! The Markdown job summary.

use crate::fixtures::{declaration, empty, finding, host, result, sample};
use oidc_thumb_core::report::github::AnnotationCounts;
use oidc_thumb_core::report::summary::{render, MAX_BYTES};
use oidc_thumb_core::{HostRole, Status};

#[test]
fn sample_report() {
    insta::assert_snapshot!(render(&sample(), None));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(render(&empty(), None));
}

#[test]
fn heading_gives_the_verdict() {
    assert!(render(&sample(), None).starts_with("## oidc-thumb-check: failed\n"));
    let mut passing = sample();
    passing.results.retain(|r| r.status == Status::Pass);
    assert!(render(&passing, None).starts_with("## oidc-thumb-check: passed\n"));
}

#[test]
fn annotation_overflow_is_noted_only_past_ten() {
    let many = AnnotationCounts {
        errors: 14,
        warnings: 2,
        notices: 0,
    };
    let text = render(&sample(), Some(&many));
    assert!(text.contains(
        "> GitHub shows at most 10 annotations of each level per step; this run emitted 14 \
         error annotations."
    ));
    let few = AnnotationCounts {
        errors: 10,
        warnings: 10,
        notices: 10,
    };
    assert!(!render(&sample(), Some(&few)).contains("GitHub shows at most"));
}

#[test]
fn pipes_and_backticks_in_cells_cannot_break_the_table() {
    let mut report = empty();
    report.results.push(result(
        declaration("a|b.tf", 1, "res`x|y", "https://idp.example", &[]),
        vec![finding(Status::Unreachable, Some("idp.example"), "down")],
        vec![host("idp.example", HostRole::IssuerAndJwks, vec![])],
        None,
        None,
        "",
    ));
    let text = render(&report, None);
    let row = text.lines().find(|l| l.starts_with("| `")).unwrap();
    assert!(
        row.starts_with("| `a\\|b.tf:1` | ``res`x\\|y`` | none |"),
        "{row}"
    );
    // Seven cells: eight unescaped pipes.
    assert_eq!(row.replace("\\|", "").matches('|').count(), 8, "{row}");
}

#[test]
fn many_results_are_cut_to_stay_under_one_mebibyte() {
    let mut report = sample();
    let template = report.results[4].clone();
    for n in 0..12_000 {
        let mut copy = template.clone();
        copy.declaration.resource = format!("aws_iam_openid_connect_provider.copy_{n:05}");
        report.results.push(copy);
    }
    let text = render(&report, None);
    assert!(text.len() <= MAX_BYTES, "{} bytes", text.len());
    let left_out = text
        .lines()
        .find(|l| l.contains("left out of this table"))
        .unwrap();
    let shown = text.lines().filter(|l| l.starts_with("| `")).count();
    let number: usize = left_out
        .trim_start_matches('_')
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(shown + number, report.results.len());
    assert!(text.contains("### Thumbprints to write"));
    assert!(text.contains(
        "- `cloudformation/broken.yaml:7:3`: did not find expected key while parsing a block \
         mapping\n"
    ));
}

#[test]
fn intercepted_chain_is_not_shown_as_live() {
    let report = crate::fixtures::intercepted();
    let text = render(&report, None);
    let row = text.lines().find(|l| l.starts_with("| `")).unwrap();
    assert!(
        row.contains("| `6938fd4d...aea1` | - | - | - | **WARN** interception |"),
        "{row}"
    );
    for thumbprint in crate::fixtures::all_chain_thumbprints(&report) {
        let short = format!("{}...{}", &thumbprint[..8], &thumbprint[36..]);
        assert!(!text.contains(&short));
    }
}
