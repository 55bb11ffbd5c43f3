//! Renders the report as JUnit XML for test reporters: a test suite per file, a test case per
//! declaration and host.
//!
//! A case fails (`<failure type="STATUS">`) on an error-level finding. A declaration that was
//! not checked at all (dynamic thumbprints, unresolved issuer URL) is `<skipped>`, which is
//! what it is. Warnings and notices leave the case passing and are written to its
//! `<system-out>`: test reporters count a skipped case as "not run", which a checked provider
//! with a remark is not, and they show a passing case's output next to it. Files that could
//! not be read are errored cases.

use super::{
    days_left_words, expected_change, expected_words, findings_of_declaration, findings_of_host,
    list_literal, notice_place, role_words, verification_error, verification_name, TOOL_NAME,
};
use crate::{
    CertFacts, DeclarationResult, Finding, HostResult, Report, Severity, Status, Timestamp,
};
use junit_report::{Duration, OffsetDateTime, TestCase, TestResult, TestSuite};

/// The name of the single passing case of a run that found no declaration.
pub const NOTHING_FOUND_CASE: &str = "no OIDC provider declarations found";

/// Renders the report as a JUnit XML document, indented, ending with a newline.
pub fn render(report: &Report) -> String {
    let timestamp = suite_timestamp(report.now);
    let mut suites: Vec<TestSuite> = super::by_file(report)
        .into_iter()
        .map(|group| {
            let mut cases: Vec<TestCase> = group
                .results
                .iter()
                .flat_map(|r| result_cases(r, report.now))
                .collect();
            cases.extend(group.notices.iter().map(|notice| {
                let mut case = TestCase::error(
                    &clean(&format!("reading {}", notice.file)),
                    Duration::ZERO,
                    "unreadable",
                    &clean(&format!("{}: {}", notice_place(notice), notice.message)),
                );
                case.set_classname(&clean(&notice.file));
                case.set_filepath(&clean(&notice.file));
                case
            }));
            suite(group.file, cases, timestamp)
        })
        .collect();

    if report.results.is_empty() {
        let mut case = TestCase::success(NOTHING_FOUND_CASE, Duration::ZERO);
        case.set_classname(TOOL_NAME);
        suites.insert(0, suite(TOOL_NAME, vec![case], timestamp));
    }

    let mut document = junit_report::Report::new();
    document.add_testsuites(suites);
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail, and the timestamp is clamped to what RFC 3339 can show.
    let _ = document.write_xml(&mut bytes);
    let xml = String::from_utf8_lossy(&bytes);
    let mut out = indent(&xml).unwrap_or_else(|| xml.into_owned());
    out.push('\n');
    out
}

/// A suite built field by field: `TestSuite::new` would read the clock.
fn suite(name: &str, testcases: Vec<TestCase>, timestamp: OffsetDateTime) -> TestSuite {
    TestSuite {
        name: clean(name),
        package: TOOL_NAME.to_string(),
        timestamp,
        hostname: "localhost".to_string(),
        testcases,
        system_out: None,
        system_err: None,
    }
}

/// The report's instant, within the years RFC 3339 can write.
fn suite_timestamp(now: Timestamp) -> OffsetDateTime {
    const LAST_SECOND_OF_9999: i64 = 253_402_300_799;
    OffsetDateTime::from_unix_timestamp(now.0.clamp(0, LAST_SECOND_OF_9999))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The cases of one declaration: one per host, and one for the declaration itself when it has
/// no host or has findings that concern none of its hosts.
fn result_cases(result: &DeclarationResult, now: Timestamp) -> Vec<TestCase> {
    let resource = &result.declaration.resource;
    let mut cases = Vec::new();

    let own: Vec<&Finding> = findings_of_declaration(result).collect();
    if result.hosts.is_empty() || !own.is_empty() {
        cases.push(case(result, resource.clone(), &own, Vec::new()));
    }
    for host in &result.hosts {
        let findings: Vec<&Finding> = findings_of_host(result, host).collect();
        let name = format!("{resource} @ {}", host.endpoint.authority());
        cases.push(case(result, name, &findings, chain_lines(host, now)));
    }
    cases
}

fn case(
    result: &DeclarationResult,
    name: String,
    findings: &[&Finding],
    chain: Vec<String>,
) -> TestCase {
    let errors: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.effective_severity() == Severity::Error)
        .collect();
    let not_checked = findings.iter().find(|f| {
        f.suppressed.is_none() && matches!(f.status, Status::Dynamic | Status::Unresolved)
    });

    let outcome = match (errors.first(), not_checked) {
        (Some(first), _) => TestResult::Failure {
            type_: first.status.as_str().to_string(),
            message: clean(&first.message),
            cause: Some(cdata(&failure_body(result, first, &errors))),
        },
        (None, Some(skip)) => TestResult::SkippedWithCause {
            type_: skip.status.as_str().to_string(),
            message: clean(&skip.message),
            cause: None,
        },
        (None, None) => TestResult::Success,
    };

    let mut out: Vec<String> = findings
        .iter()
        .copied()
        .filter(|f| f.effective_severity() != Severity::Error && f.severity != Severity::Off)
        .filter(|f| not_checked.is_none_or(|skip| !std::ptr::eq(*f, *skip)))
        .map(|f| match &f.suppressed {
            Some(reason) => format!("suppressed {}: {} ({reason})", f.status, f.message),
            None => format!("{} {}: {}", f.severity.as_str(), f.status, f.message),
        })
        .collect();
    out.extend(chain);

    let file = clean(&result.declaration.file);
    TestCase {
        name: clean(&name),
        time: Duration::ZERO,
        result: outcome,
        filepath: result.declaration.has_file().then(|| file.clone()),
        classname: Some(file),
        system_out: (!out.is_empty()).then(|| cdata(&out.join("\n"))),
        system_err: None,
    }
}

/// What a failure's text adds to its message: the list to write, the other errors of the
/// case, and what to do about the first.
fn failure_body(result: &DeclarationResult, first: &Finding, errors: &[&Finding]) -> String {
    let mut lines = Vec::new();
    if let Some(expected) = expected_change(result) {
        lines.push(format!(
            "{}: {}",
            expected_words(&result.declaration),
            list_literal(expected)
        ));
    }
    for other in errors.iter().skip(1) {
        lines.push(format!("also {}: {}", other.status, other.message));
    }
    lines.push(format!("help: {}", first.status.help()));
    lines.join("\n")
}

/// The chains a host presented, certificate by certificate (subject, SHA-1, expiry), or why
/// none was seen.
fn chain_lines(host: &HostResult, now: Timestamp) -> Vec<String> {
    let name = format!("{} {}", role_words(host.role), host.endpoint.authority());
    let mut lines = Vec::new();
    if let Some(error) = &host.error {
        lines.push(format!("{name}: not observed: {error}"));
    }
    for variant in &host.variants {
        let trust = match verification_error(&variant.verification) {
            Some(reason) => format!("{}: {reason}", verification_name(&variant.verification)),
            None => verification_name(&variant.verification).to_string(),
        };
        let intercepted = if variant.intercepted {
            ", possibly intercepted, not compared"
        } else {
            ""
        };
        // A saved chain has no address it came from.
        let from = if variant.addresses.is_empty() {
            String::new()
        } else {
            format!(" from {}", variant.addresses.join(", "))
        };
        lines.push(format!(
            "{name} presented{from} (trust: {trust}{intercepted}):"
        ));
        // An intercepted chain's thumbprints would be the proxy's: they are never written.
        let sha1 = |cert: &CertFacts| {
            if variant.intercepted {
                "withheld".to_string()
            } else {
                cert.sha1.to_string()
            }
        };
        for (position, cert) in variant.chain.certs.iter().enumerate() {
            lines.push(format!(
                "  {}. {} sha1 {} expires {} ({})",
                position + 1,
                cert.subject,
                sha1(cert),
                cert.not_after.date(),
                days_left_words(cert.days_left(now))
            ));
        }
        let top = variant.top();
        lines.push(format!(
            "  top certificate: {} {}",
            top.display_name(),
            sha1(top)
        ));
    }
    for note in &host.notes {
        lines.push(format!("{name}: note: {note}"));
    }
    lines
}

/// Text without the characters XML 1.0 cannot hold.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

/// Text for a CDATA section: cleaned, and `]]>` split across two sections, since the writer
/// puts the text in a single one.
fn cdata(text: &str) -> String {
    clean(text).replace("]]>", "]]]]><![CDATA[>")
}

/// The document re-written with two-space indentation, for people who open the file.
fn indent(xml: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut writer = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    loop {
        match reader.read_event().ok()? {
            Event::Eof => break,
            event => writer.write_event(event).ok()?,
        }
    }
    String::from_utf8(writer.into_inner()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_control_characters_xml_cannot_hold() {
        assert_eq!(clean("a\u{1}b\tc\u{FFFE}"), "ab\tc");
    }

    #[test]
    fn cdata_splits_its_terminator() {
        assert_eq!(cdata("x]]>y"), "x]]]]><![CDATA[>y");
    }

    #[test]
    fn timestamps_outside_rfc_3339_are_clamped() {
        assert_eq!(suite_timestamp(Timestamp(-5)).unix_timestamp(), 0);
        assert_eq!(suite_timestamp(Timestamp(i64::MAX)).year(), 9999);
    }
}
