//! Renders the report as SARIF 2.1.0, for code scanning and other static-analysis viewers.
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>

use super::{expected_change, list_literal, pretty_json, TOOL_NAME};
use crate::{
    Declaration, DeclarationResult, Finding, ReadNotice, Report, Severity, Span, Status,
    ThumbprintList,
};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base every artifact URI is relative to: the scanned root.
const SOURCE_ROOT: &str = "%SRCROOT%";

/// The key of the fingerprint that identifies a result across runs.
const FINGERPRINT_KEY: &str = "oidcThumbCheck/v1";

/// Renders the report as one SARIF run: a rule per status, a result per reported or suppressed
/// finding (suppressed ones carry a `suppressions` entry), unreadable files as tool execution
/// notifications. `version` is the tool's version.
pub fn render(report: &Report, version: &str) -> String {
    let results = report
        .results
        .iter()
        .flat_map(|r| r.findings.iter().filter_map(move |f| result_of(r, f)))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: Status::ALL.iter().map(|s| rule(*s)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: report.notices.iter().map(notification).collect(),
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    pretty_json(&log)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation<'a>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn of(text: impl Into<String>) -> Text {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

/// The SARIF level of a severity; `none` for what is not reported.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "note",
        Severity::Off => "none",
    }
}

fn rule(status: Status) -> Rule {
    Rule {
        id: status.as_str(),
        short_description: Text::of(status.title()),
        help: Text::of(status.help()),
        default_configuration: Configuration {
            level: level(status.default_severity()),
        },
    }
}

/// The result for one finding; none for a finding the policy turned off.
fn result_of<'a>(result: &'a DeclarationResult, finding: &'a Finding) -> Option<SarifResult<'a>> {
    if finding.severity == Severity::Off {
        return None;
    }
    let declaration = &result.declaration;
    let rule_index = Status::ALL
        .iter()
        .position(|s| *s == finding.status)
        .unwrap_or(0);
    let suppressions = finding
        .suppressed
        .as_deref()
        .map(|reason| Suppression {
            kind: suppression_kind(result, finding.status),
            justification: reason,
        })
        .into_iter()
        .collect();

    Some(SarifResult {
        rule_id: finding.status.as_str(),
        rule_index,
        level: level(finding.severity),
        message: Text::of(finding.message.as_str()),
        locations: vec![location(declaration)],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(result, finding))]),
        fixes: fix(result, finding.status).into_iter().collect(),
        suppressions,
    })
}

/// Where a declaration stands: its file and region, and its resource as a logical location. A
/// provider of an AWS account has no file: its ARN is the one, logical, location.
fn location(declaration: &Declaration) -> Location<'_> {
    if !declaration.has_file() {
        return Location {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                fully_qualified_name: &declaration.file,
                kind: "resource",
            }],
        };
    }
    Location {
        physical_location: Some(physical(&declaration.file, Some(&declaration.location))),
        logical_locations: vec![LogicalLocation {
            fully_qualified_name: &declaration.resource,
            kind: "resource",
        }],
    }
}

/// `inSource` when a suppression comment of the declaration silences the status (comments
/// are honoured before the configuration's ignores), else `external`.
fn suppression_kind(result: &DeclarationResult, status: Status) -> &'static str {
    let by_comment = result.declaration.suppressions.iter().any(|s| {
        s.reason.is_some()
            && (s.statuses.is_empty() || s.statuses.iter().any(|n| n == status.as_str()))
    });
    if by_comment {
        "inSource"
    } else {
        "external"
    }
}

/// Identifies a finding across runs without its line, so moving a declaration keeps it: the
/// file, the resource, the status and the host.
fn fingerprint(result: &DeclarationResult, finding: &Finding) -> String {
    use sha2::Digest;
    let host = finding
        .host
        .as_ref()
        .map(|e| e.authority())
        .unwrap_or_default();
    let identity = [
        result.declaration.file.as_str(),
        result.declaration.resource.as_str(),
        finding.status.as_str(),
        host.as_str(),
    ]
    .join("\0");
    let digest = sha2::Sha256::digest(identity.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Statuses fixed by writing the expected list in place of the declared one.
const FIXED_BY_EXPECTED_LIST: [Status; 7] = [
    Status::Mismatch,
    Status::Incomplete,
    Status::FragilePin,
    Status::Malformed,
    Status::TooMany,
    Status::Duplicate,
    Status::Style,
];

/// Replaces the literal thumbprint list with the expected one, when the finding is of a kind
/// the list fixes and the list differs from the declared one.
fn fix(result: &DeclarationResult, status: Status) -> Option<Fix> {
    if !FIXED_BY_EXPECTED_LIST.contains(&status) {
        return None;
    }
    let ThumbprintList::Literal { span, .. } = &result.declaration.thumbprints else {
        return None;
    };
    if !result.declaration.has_file() {
        return None;
    }
    let expected = expected_change(result)?;
    let values: Vec<String> = expected.iter().map(ToString::to_string).collect();
    Some(Fix {
        description: Text::of(format!(
            "Replace the thumbprint list with the values the live chains call for: {}",
            values.join(", ")
        )),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(&result.declaration.file),
            replacements: vec![Replacement {
                deleted_region: region(span),
                inserted_content: Text::of(list_literal(expected)),
            }],
        }],
    })
}

fn notification(notice: &ReadNotice) -> Notification<'_> {
    let region = notice.line.map(|line| Region {
        start_line: line,
        start_column: notice.column.unwrap_or(1),
        end_line: None,
        end_column: None,
    });
    Notification {
        level: "warning",
        message: Text::of(format!("could not be read: {}", notice.message)),
        locations: vec![Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact(&notice.file),
                region,
            }),
            logical_locations: Vec::new(),
        }],
    }
}

fn physical(file: &str, span: Option<&Span>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(file),
        region: span.map(region),
    }
}

fn artifact(file: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri_path(file),
        uri_base_id: SOURCE_ROOT,
    }
}

/// A region from a span; SARIF lines and columns start at 1, and the end column is exclusive
/// as a span's is.
fn region(span: &Span) -> Region {
    let start_line = span.line.max(1);
    let start_column = span.column.max(1);
    let ends_after_start = (span.end_line, span.end_column) > (start_line, start_column);
    Region {
        start_line,
        start_column,
        end_line: ends_after_start.then_some(span.end_line),
        end_column: ends_after_start.then_some(span.end_column),
    }
}

/// A relative path as a URI reference: `/` kept, every byte outside RFC 3986's unreserved
/// set percent-encoded.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_path_encodes_spaces_and_reserved_characters() {
        assert_eq!(
            uri_path("infra/my stack/iam#1.tf"),
            "infra/my%20stack/iam%231.tf"
        );
        assert_eq!(uri_path("é.tf"), "%C3%A9.tf");
    }

    #[test]
    fn empty_span_gives_a_start_only_region() {
        let span = Span {
            line: 3,
            column: 5,
            ..Span::default()
        };
        let region = region(&span);
        assert_eq!((region.start_line, region.start_column), (3, 5));
        assert_eq!((region.end_line, region.end_column), (None, None));
    }
}
