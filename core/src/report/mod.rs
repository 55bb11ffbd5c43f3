//! Renderers: the report in every output format, each a pure function of the model.
//!
//! One module per format. Machine formats (JSON, SARIF, JUnit) are built from output types of
//! their own, so the model can change without breaking their readers; escaped formats (GitHub
//! workflow commands, Markdown) go through one escaping function each.

pub mod github;
pub mod json;
pub mod junit;
pub mod list;
pub mod sarif;
pub mod summary;
pub mod text;

use crate::{
    Declaration, DeclarationResult, Finding, HostResult, HostRole, ReadNotice, Report, Severity,
    Summary, Thumbprint, ThumbprintList, Verification,
};
use std::collections::BTreeMap;

/// The name of the tool, as every report shows it.
pub const TOOL_NAME: &str = "oidc-thumb-check";

/// The results and read notices of one file.
pub(crate) struct FileGroup<'a> {
    pub file: &'a str,
    pub results: Vec<&'a DeclarationResult>,
    pub notices: Vec<&'a ReadNotice>,
}

/// The report's results and notices grouped by file, files in path order, results in the
/// report's order within a file.
pub(crate) fn by_file(report: &Report) -> Vec<FileGroup<'_>> {
    let mut groups: BTreeMap<&str, FileGroup<'_>> = BTreeMap::new();
    let group = |file| FileGroup {
        file,
        results: Vec::new(),
        notices: Vec::new(),
    };
    for result in &report.results {
        let file = result.declaration.file.as_str();
        groups
            .entry(file)
            .or_insert_with(|| group(file))
            .results
            .push(result);
    }
    for notice in &report.notices {
        let file = notice.file.as_str();
        groups
            .entry(file)
            .or_insert_with(|| group(file))
            .notices
            .push(notice);
    }
    groups.into_values().collect()
}

/// The word for a trust outcome in every output.
pub(crate) fn verification_name(verification: &Verification) -> &'static str {
    match verification {
        Verification::Public => "public",
        Verification::NamedCa => "named-ca",
        Verification::Unverified { .. } => "unverified",
        Verification::Saved => "saved",
    }
}

/// Why verification failed, when it did.
pub(crate) fn verification_error(verification: &Verification) -> Option<&str> {
    match verification {
        Verification::Unverified { reason } => Some(reason),
        _ => None,
    }
}

/// The word for a host's role in machine formats.
pub(crate) fn role_name(role: HostRole) -> &'static str {
    match role {
        HostRole::Issuer => "issuer",
        HostRole::Jwks => "jwks",
        HostRole::IssuerAndJwks => "issuer-and-jwks",
    }
}

/// The host's role in a sentence: `JWKS host`, `issuer host`, `host`.
pub(crate) fn role_words(role: HostRole) -> &'static str {
    match role {
        HostRole::Issuer => "issuer host",
        HostRole::Jwks => "JWKS host",
        HostRole::IssuerAndJwks => "issuer and JWKS host",
    }
}

/// The declared thumbprint values, exactly as written.
pub(crate) fn declared_values(result: &DeclarationResult) -> Vec<&str> {
    result
        .declaration
        .thumbprints
        .values()
        .iter()
        .map(|v| v.value.as_str())
        .collect()
}

/// True when the thumbprint list is computed at apply time.
pub(crate) fn is_dynamic(list: &ThumbprintList) -> bool {
    matches!(list, ThumbprintList::Dynamic { .. })
}

/// The expected list, when there is one and it differs from what the file says.
pub(crate) fn expected_change(result: &DeclarationResult) -> Option<&[Thumbprint]> {
    let expected = result.expected.as_deref()?;
    let declared = declared_values(result);
    let same = expected.len() == declared.len()
        && expected
            .iter()
            .zip(&declared)
            .all(|(want, have)| want.to_string() == *have);
    (!same).then_some(expected)
}

/// What to do with the expected list: write it in the file, or, for a provider of an AWS
/// account, have IAM hold it (`aws --apply` does).
pub(crate) fn expected_words(declaration: &Declaration) -> &'static str {
    if declaration.has_file() {
        "put this in the file"
    } else {
        "set this list in IAM"
    }
}

/// The thumbprints as a list literal, `["a", "b"]`: valid HCL, JSON, YAML flow, TypeScript and
/// Python alike.
pub(crate) fn list_literal(thumbprints: &[Thumbprint]) -> String {
    let quoted: Vec<String> = thumbprints.iter().map(|t| format!("\"{t}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// A declared value in short form: `6938fd4d...aea1` when it is a thumbprint, else the text as
/// written, cut to a readable length.
pub(crate) fn short_value(value: &str) -> String {
    match value.parse::<Thumbprint>() {
        Ok(thumbprint) => thumbprint.short(),
        Err(_) => one_line(value, 20),
    }
}

/// The text on one line with runs of white space collapsed, cut to `max` characters with `...`.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    let mut short: String = joined.chars().take(max.saturating_sub(3)).collect();
    short.push_str("...");
    short
}

/// `FILE:LINE:COL`, `FILE:LINE` or `FILE`, as far as the notice knows its place.
pub(crate) fn notice_place(notice: &ReadNotice) -> String {
    match (notice.line, notice.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", notice.file),
        (Some(line), None) => format!("{}:{line}", notice.file),
        _ => notice.file.clone(),
    }
}

/// `1 provider` or `3 providers`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 providers checked: 1 failed, 1 warning, 1 passed`.
pub(crate) fn summary_sentence(summary: &Summary) -> String {
    format!(
        "{} checked: {} failed, {}, {} passed",
        count(summary.declarations, "provider", "providers"),
        summary.failed,
        count(summary.warnings, "warning", "warnings"),
        summary.passed
    )
}

/// `2 files could not be read`.
pub(crate) fn unreadable_sentence(files: usize) -> String {
    format!("{} could not be read", count(files, "file", "files"))
}

/// The sentence for a report without a single declaration.
pub(crate) const NOTHING_FOUND: &str = "No OIDC provider declarations found.";

/// The findings that are reported: neither off by policy nor suppressed.
pub(crate) fn reported(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings
        .iter()
        .filter(|f| f.effective_severity() > Severity::Off)
}

/// The findings that concern one host of a declaration.
pub(crate) fn findings_of_host<'a>(
    result: &'a DeclarationResult,
    host: &'a HostResult,
) -> impl Iterator<Item = &'a Finding> {
    result
        .findings
        .iter()
        .filter(move |f| f.host.as_ref() == Some(&host.endpoint))
}

/// The findings of a declaration that concern none of its hosts: the thumbprint values
/// themselves, the issuer URL, the thumbprint list as a whole.
pub(crate) fn findings_of_declaration(
    result: &DeclarationResult,
) -> impl Iterator<Item = &Finding> {
    result.findings.iter().filter(|f| {
        f.host
            .as_ref()
            .is_none_or(|endpoint| !result.hosts.iter().any(|h| &h.endpoint == endpoint))
    })
}

/// Days left, in words: `3136 days left`, `1 day left`, `expired 12 days ago`.
pub(crate) fn days_left_words(days: i64) -> String {
    if days < 0 {
        format!(
            "expired {} ago",
            count(days.unsigned_abs() as usize, "day", "days")
        )
    } else {
        format!("{} left", count(days as usize, "day", "days"))
    }
}

/// Serialises an output type as pretty JSON ending with a newline. The output types hold only
/// strings, numbers, booleans, sequences and string-keyed maps, which serde_json always
/// serialises, so the error branch is unreachable.
pub(crate) fn pretty_json<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_white_space_and_cuts() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdefghijkl", 8), "abcde...");
    }

    #[test]
    fn short_value_keeps_malformed_text() {
        assert_eq!(
            short_value("6938FD4D98BAB03FAADB97B34396831E3780AEA1"),
            "6938fd4d...aea1"
        );
        assert_eq!(short_value("not-a-thumbprint"), "not-a-thumbprint");
    }

    #[test]
    fn days_left_reads_naturally() {
        assert_eq!(days_left_words(1), "1 day left");
        assert_eq!(days_left_words(0), "0 days left");
        assert_eq!(days_left_words(-12), "expired 12 days ago");
    }

    #[test]
    fn list_literal_quotes_each_value() {
        let a = Thumbprint::from_bytes([0xab; 20]);
        let b = Thumbprint::from_bytes([0x01; 20]);
        assert_eq!(
            list_literal(&[a, b]),
            format!("[\"{}\", \"{}\"]", "ab".repeat(20), "01".repeat(20))
        );
    }
}
