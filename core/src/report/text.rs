//! Renders the report as text for a person at a terminal: the default of `check`.

use super::{
    by_file, days_left_words, expected_change, expected_words, list_literal, role_words,
    summary_sentence, unreadable_sentence, FileGroup, NOTHING_FOUND,
};
use crate::{DeclarationResult, Finding, HostResult, Report, Severity, Timestamp};

/// Renders the report grouped by file: per result its place, resource, status and headline,
/// then its other findings, the list to write when it differs from the declared one, and the
/// hosts with their top certificates; then the files that could not be read, and a closing
/// summary line. `color` adds ANSI colours; the caller decides (a terminal, no `NO_COLOR`).
pub fn render(report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let widths = Widths::of(report);
    let mut out = String::new();

    for group in by_file(report) {
        render_file(&mut out, &group, &widths, report.now, paint);
        out.push('\n');
    }

    let summary = report.summary();
    if summary.declarations == 0 {
        out.push_str(NOTHING_FOUND);
    } else {
        let style = if summary.failed > 0 {
            Style::Error
        } else if summary.warnings > 0 {
            Style::Warning
        } else {
            Style::Pass
        };
        out.push_str(&paint.apply(style, &summary_sentence(&summary)));
    }
    out.push('\n');
    if summary.unreadable_files > 0 {
        let sentence = unreadable_sentence(summary.unreadable_files);
        out.push_str(&paint.apply(Style::Warning, &sentence));
        out.push('\n');
    }
    out
}

const DETAIL_INDENT: &str = "      ";

/// Column widths shared by every file, so the whole report lines up.
struct Widths {
    place: usize,
    resource: usize,
    status: usize,
}

impl Widths {
    fn of(report: &Report) -> Widths {
        let widest = |f: &dyn Fn(&DeclarationResult) -> usize| {
            report.results.iter().map(f).max().unwrap_or(0)
        };
        Widths {
            place: widest(&|r| place(r).len()),
            resource: widest(&|r| r.declaration.resource.chars().count()),
            status: widest(&|r| r.status.as_str().len()),
        }
    }
}

/// `LINE:COLUMN`, or `-` for a provider read from an AWS account (the heading is its ARN).
fn place(result: &DeclarationResult) -> String {
    let span = &result.declaration.location;
    if result.declaration.has_file() {
        format!("{}:{}", span.line, span.column)
    } else {
        "-".to_string()
    }
}

fn render_file(
    out: &mut String,
    group: &FileGroup<'_>,
    widths: &Widths,
    now: Timestamp,
    paint: Paint,
) {
    out.push_str(&paint.apply(Style::Heading, group.file));
    out.push('\n');

    for result in &group.results {
        let status = result.status.as_str().to_uppercase();
        let padding = " ".repeat(widths.status.saturating_sub(status.len()));
        out.push_str(&format!(
            "  {:place_width$}  {:resource_width$}  {}{padding}  {}\n",
            place(result),
            result.declaration.resource,
            paint.apply(Style::of(result.severity), &status),
            result.message,
            place_width = widths.place,
            resource_width = widths.resource,
        ));
        render_details(out, result, now, paint);
    }

    for notice in &group.notices {
        let at = match (notice.line, notice.column) {
            (Some(line), Some(column)) => format!("{line}:{column}"),
            (Some(line), None) => line.to_string(),
            _ => "-".to_string(),
        };
        out.push_str(&format!(
            "  {at:place_width$}  {}  {}\n",
            paint.apply(Style::Warning, "UNREADABLE"),
            notice.message,
            place_width = widths.place,
        ));
    }
}

/// The findings other than the headline, the list to write, and the hosts.
fn render_details(out: &mut String, result: &DeclarationResult, now: Timestamp, paint: Paint) {
    let mut headline_shown = false;
    for finding in result
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Off)
    {
        let is_headline = !headline_shown
            && finding.suppressed.is_none()
            && finding.status == result.status
            && finding.message == result.message;
        if is_headline {
            headline_shown = true;
            continue;
        }
        out.push_str(DETAIL_INDENT);
        out.push_str(&finding_line(finding, paint));
        out.push('\n');
    }

    if let Some(expected) = expected_change(result) {
        out.push_str(&format!(
            "{DETAIL_INDENT}{}: {}\n",
            expected_words(&result.declaration),
            paint.apply(Style::Heading, &list_literal(expected))
        ));
    }

    for host in &result.hosts {
        for line in host_lines(host, now) {
            out.push_str(DETAIL_INDENT);
            out.push_str(&paint.apply(Style::Dim, &line));
            out.push('\n');
        }
    }
}

fn finding_line(finding: &Finding, paint: Paint) -> String {
    match &finding.suppressed {
        Some(reason) => paint.apply(
            Style::Dim,
            &format!(
                "- suppressed {}: {} ({reason})",
                finding.status, finding.message
            ),
        ),
        None => format!(
            "- {} {}: {}",
            paint.apply(Style::of(finding.severity), finding.severity.as_str()),
            finding.status,
            finding.message
        ),
    }
}

/// One line per chain a host presented (top certificate, expiry, days left), or why none was
/// seen, then its notes.
fn host_lines(host: &HostResult, now: Timestamp) -> Vec<String> {
    let name = format!("{} {}", role_words(host.role), host.endpoint.authority());
    let mut lines = Vec::new();

    if let Some(error) = &host.error {
        lines.push(format!("{name}: not observed: {error}"));
    }
    let several = host.variants.len() > 1;
    for variant in &host.variants {
        let top = variant.top();
        let from = if several {
            format!(" ({})", variant.addresses.join(", "))
        } else {
            String::new()
        };
        let intercepted = if variant.intercepted {
            "; possibly intercepted, not compared"
        } else {
            ""
        };
        lines.push(format!(
            "{name}{from}: {}, expires {}, {}{intercepted}",
            top.display_name(),
            top.not_after.date(),
            days_left_words(top.days_left(now)),
        ));
    }
    for note in &host.notes {
        lines.push(format!("{name}: note: {note}"));
    }
    if lines.is_empty() {
        lines.push(format!("{name}: no chain seen"));
    }
    lines
}

/// How a piece of text is shown on a colour terminal.
#[derive(Clone, Copy)]
enum Style {
    Heading,
    Error,
    Warning,
    Notice,
    Pass,
    Dim,
}

impl Style {
    fn of(severity: Severity) -> Style {
        match severity {
            Severity::Error => Style::Error,
            Severity::Warning => Style::Warning,
            Severity::Notice => Style::Notice,
            Severity::Off => Style::Pass,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Style::Heading => "1",
            Style::Error => "1;31",
            Style::Warning => "33",
            Style::Notice => "36",
            Style::Pass => "32",
            Style::Dim => "2",
        }
    }
}

#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn apply(self, style: Style, text: &str) -> String {
        if self.color {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_string()
        }
    }
}
