//! Renders the report as versioned JSON (`check --format json`, `--json FILE`), from output
//! types of its own so the model can change without breaking readers.

use super::{is_dynamic, pretty_json, role_name, verification_error, verification_name};
use crate::{
    CertFacts, Declaration, DeclarationResult, Enforcement, Finding, HostResult, ReadNotice,
    Report, Timestamp, VariantResult,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the JSON output; it changes only when a field is removed or changes meaning.
pub const VERSION: u32 = 1;

/// Renders the report as pretty-printed JSON, keys in a fixed order, ending with a newline.
pub fn render(report: &Report) -> String {
    pretty_json(&CheckOutput::of(report))
}

/// The report as `check` shows it; the `aws` output adds its updates beside.
#[derive(Serialize)]
pub(crate) struct CheckOutput<'a> {
    version: u32,
    generated_at: String,
    expiry_days: u32,
    summary: SummaryOutput,
    results: Vec<ResultOutput<'a>>,
    notices: Vec<NoticeOutput<'a>>,
}

#[derive(Serialize)]
struct SummaryOutput {
    declarations: usize,
    failed: usize,
    warnings: usize,
    passed: usize,
    by_status: BTreeMap<String, usize>,
    unreadable_files: usize,
}

#[derive(Serialize)]
struct ResultOutput<'a> {
    #[serde(flatten)]
    declaration: DeclarationOutput<'a>,
    status: &'static str,
    severity: &'static str,
    enforcement: Option<&'static str>,
    message: &'a str,
    expected: Option<Vec<String>>,
    hosts: Vec<HostOutput<'a>>,
    findings: Vec<FindingOutput<'a>>,
}

/// A declaration as written: in `check` results (with where it ends) and in `list`.
#[derive(Serialize)]
pub(crate) struct DeclarationOutput<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    format: &'static str,
    resource: &'a str,
    url: Option<String>,
    url_expression: Option<&'a str>,
    thumbprints: Vec<&'a str>,
    dynamic: bool,
}

impl<'a> DeclarationOutput<'a> {
    /// The declaration; `with_end` adds where its location ends.
    pub(crate) fn of(declaration: &'a Declaration, with_end: bool) -> DeclarationOutput<'a> {
        let span = &declaration.location;
        DeclarationOutput {
            file: &declaration.file,
            line: span.line,
            column: span.column,
            end_line: with_end.then_some(span.end_line),
            end_column: with_end.then_some(span.end_column),
            format: declaration.format.as_str(),
            resource: &declaration.resource,
            url: declaration.url.url(),
            url_expression: declaration.url.expression(),
            thumbprints: declaration
                .thumbprints
                .values()
                .iter()
                .map(|v| v.value.as_str())
                .collect(),
            dynamic: is_dynamic(&declaration.thumbprints),
        }
    }
}

#[derive(Serialize)]
struct HostOutput<'a> {
    host: &'a str,
    port: u16,
    role: &'static str,
    error: Option<&'a str>,
    notes: &'a [String],
    chains: Vec<ChainOutput<'a>>,
}

#[derive(Serialize)]
struct ChainOutput<'a> {
    addresses: &'a [String],
    /// Null for a chain that looks intercepted: its thumbprint would be the proxy's.
    thumbprint: Option<String>,
    verified: &'static str,
    verification_error: Option<&'a str>,
    intercepted: bool,
    top: CertificateOutput<'a>,
}

#[derive(Serialize)]
struct CertificateOutput<'a> {
    subject: &'a str,
    issuer: &'a str,
    sha1: Option<String>,
    not_after: String,
    days_left: i64,
}

#[derive(Serialize)]
struct FindingOutput<'a> {
    status: &'static str,
    severity: &'static str,
    message: &'a str,
    host: Option<String>,
    suppressed: Option<&'a str>,
}

/// A file that could not be read; shared with the `list` JSON.
#[derive(Serialize)]
pub(crate) struct NoticeOutput<'a> {
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

impl<'a> NoticeOutput<'a> {
    pub(crate) fn of(notice: &'a ReadNotice) -> NoticeOutput<'a> {
        NoticeOutput {
            file: &notice.file,
            line: notice.line,
            column: notice.column,
            message: &notice.message,
        }
    }
}

impl<'a> CheckOutput<'a> {
    pub(crate) fn of(report: &'a Report) -> CheckOutput<'a> {
        let summary = report.summary();
        CheckOutput {
            version: VERSION,
            generated_at: report.now.rfc3339(),
            expiry_days: report.expiry_days,
            summary: SummaryOutput {
                declarations: summary.declarations,
                failed: summary.failed,
                warnings: summary.warnings,
                passed: summary.passed,
                by_status: summary.by_status,
                unreadable_files: summary.unreadable_files,
            },
            results: report
                .results
                .iter()
                .map(|r| ResultOutput::of(r, report.now))
                .collect(),
            notices: report.notices.iter().map(NoticeOutput::of).collect(),
        }
    }
}

impl<'a> ResultOutput<'a> {
    fn of(result: &'a DeclarationResult, now: Timestamp) -> ResultOutput<'a> {
        ResultOutput {
            declaration: DeclarationOutput::of(&result.declaration, true),
            status: result.status.as_str(),
            severity: result.severity.as_str(),
            enforcement: result.enforcement.map(enforcement_name),
            message: &result.message,
            expected: result
                .expected
                .as_ref()
                .map(|list| list.iter().map(ToString::to_string).collect()),
            hosts: result
                .hosts
                .iter()
                .map(|h| HostOutput::of(h, now))
                .collect(),
            findings: result.findings.iter().map(FindingOutput::of).collect(),
        }
    }
}

impl<'a> HostOutput<'a> {
    fn of(host: &'a HostResult, now: Timestamp) -> HostOutput<'a> {
        HostOutput {
            host: &host.endpoint.host,
            port: host.endpoint.port,
            role: role_name(host.role),
            error: host.error.as_deref(),
            notes: &host.notes,
            chains: host
                .variants
                .iter()
                .map(|v| ChainOutput::of(v, now))
                .collect(),
        }
    }
}

impl<'a> ChainOutput<'a> {
    fn of(variant: &'a VariantResult, now: Timestamp) -> ChainOutput<'a> {
        let top = variant.top();
        let shown = !variant.intercepted;
        ChainOutput {
            addresses: &variant.addresses,
            thumbprint: shown.then(|| top.sha1.to_string()),
            verified: verification_name(&variant.verification),
            verification_error: verification_error(&variant.verification),
            intercepted: variant.intercepted,
            top: CertificateOutput::of(top, shown, now),
        }
    }
}

impl<'a> CertificateOutput<'a> {
    fn of(cert: &'a CertFacts, with_sha1: bool, now: Timestamp) -> CertificateOutput<'a> {
        CertificateOutput {
            subject: &cert.subject,
            issuer: &cert.issuer,
            sha1: with_sha1.then(|| cert.sha1.to_string()),
            not_after: cert.not_after.rfc3339(),
            days_left: cert.days_left(now),
        }
    }
}

impl<'a> FindingOutput<'a> {
    fn of(finding: &'a Finding) -> FindingOutput<'a> {
        FindingOutput {
            status: finding.status.as_str(),
            severity: finding.severity.as_str(),
            message: &finding.message,
            host: finding.host.as_ref().map(|e| e.authority()),
            suppressed: finding.suppressed.as_deref(),
        }
    }
}

/// The word for an enforcement in every output.
pub(crate) fn enforcement_name(enforcement: Enforcement) -> &'static str {
    match enforcement {
        Enforcement::CaValidated => "ca-validated",
        Enforcement::ThumbprintEnforced => "thumbprint-enforced",
    }
}
