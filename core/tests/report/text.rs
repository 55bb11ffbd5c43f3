//! The text report: what a person reads at a terminal.

use crate::fixtures::{empty, sample};
use oidc_thumb_core::report::text::render;

#[test]
fn sample_report_reads_by_file() {
    insta::assert_snapshot!(render(&sample(), false));
}

#[test]
fn empty_report_says_nothing_was_found() {
    assert_eq!(
        render(&empty(), false),
        "No OIDC provider declarations found.\n"
    );
}

#[test]
fn closing_line_counts_providers_by_outcome() {
    let text = render(&sample(), false);
    assert!(text.contains("\n8 providers checked: 3 failed, 2 warnings, 3 passed\n"));
    assert!(text.ends_with("1 file could not be read\n"));
}

#[test]
fn expected_list_is_shown_only_when_it_differs() {
    let text = render(&sample(), false);
    assert_eq!(text.matches("put this in the file:").count(), 3);
}

#[test]
fn without_color_there_are_no_escape_codes() {
    assert!(!render(&sample(), false).contains('\x1b'));
}

#[test]
fn with_color_statuses_are_coloured_by_severity() {
    let text = render(&sample(), true);
    assert!(text.contains("\x1b[1;31mMISMATCH\x1b[0m"));
    assert!(text.contains("\x1b[33mFRAGILE-PIN\x1b[0m"));
}

#[test]
fn intercepted_chain_is_named_without_thumbprints() {
    let report = crate::fixtures::intercepted();
    let text = render(&report, false);
    assert!(text.contains(
        "idp.corp.example: Proxy Root CA, expires 2030-06-01, 1461 days left; possibly \
         intercepted, not compared"
    ));
    for thumbprint in crate::fixtures::all_chain_thumbprints(&report) {
        assert!(!text.contains(&thumbprint));
    }
}
