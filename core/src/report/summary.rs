//! Renders the report as a Markdown job summary for `$GITHUB_STEP_SUMMARY`, kept under the
//! 1 MiB GitHub accepts per step.
//! <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#adding-a-job-summary>

use super::github::{AnnotationCounts, SHOWN_PER_LEVEL};
use super::{
    by_file, count, declared_values, expected_change, list_literal, notice_place, short_value,
    summary_sentence, unreadable_sentence, NOTHING_FOUND, TOOL_NAME,
};
use crate::{DeclarationResult, Report, Severity, ThumbprintList};

/// The most bytes a job summary may hold: GitHub refuses a larger one.
pub use crate::limits::MAX_SUMMARY_BYTES as MAX_BYTES;

/// Room kept free for the lines that say what was left out.
const RESERVE: usize = 4096;

/// The most the table may take, so the lists after it keep room of their own.
const TABLE_SHARE: usize = MAX_BYTES / 5 * 3;

/// The most the thumbprints to write may take; the files that could not be read get the rest.
const CHANGES_SHARE: usize = MAX_BYTES / 5;

/// Renders a heading with the verdict, the counts, a table of providers, the thumbprints to
/// write for each failing one, the files that could not be read and, when given counts with
/// more annotations of a level than GitHub shows, a note saying so. Rows that would take the
/// summary past [`MAX_BYTES`] are left out, with a line saying how many.
pub fn render(report: &Report, annotations: Option<&AnnotationCounts>) -> String {
    let summary = report.summary();
    let mut out = Budget::new(MAX_BYTES - RESERVE);

    out.push_fixed(&format!("## {TOOL_NAME}: {}\n\n", verdict(report)));
    if summary.declarations == 0 {
        out.push_fixed(&format!("{NOTHING_FOUND}\n"));
    } else {
        out.push_fixed(&format!("{}.\n", summary_sentence(&summary)));
    }
    if summary.unreadable_files > 0 {
        out.push_fixed(&format!(
            "{}.\n",
            unreadable_sentence(summary.unreadable_files)
        ));
    }
    if let Some(note) = annotations.and_then(overflow_note) {
        out.push_fixed(&format!("\n> {note}\n"));
    }

    let results: Vec<&DeclarationResult> = by_file(report)
        .into_iter()
        .flat_map(|group| group.results)
        .collect();
    if !results.is_empty() {
        out.push_fixed(
            "\n| Declaration | Resource | Declared | Live | Top certificate | Days left | Status |\n\
             | --- | --- | --- | --- | --- | --- | --- |\n",
        );
        let rows = results.iter().map(|r| row(r, report));
        out.push_lines(rows, TABLE_SHARE, |left| {
            format!(
                "\n_{} left out of this table to keep the summary under 1 MiB; the JSON and \
                 SARIF reports hold every result._\n",
                count(left, "provider", "providers")
            )
        });
    }

    let changes: Vec<String> = results
        .iter()
        .filter(|r| r.severity == Severity::Error)
        .filter_map(|r| expected_change(r).map(|list| (r, list)))
        .map(|(r, list)| {
            format!(
                "- {} {}: {}\n",
                code(&place(r)),
                code(&r.declaration.resource),
                code(&list_literal(list))
            )
        })
        .collect();
    if !changes.is_empty() {
        out.push_fixed("\n### Thumbprints to write\n\n");
        out.push_lines(changes.into_iter(), CHANGES_SHARE, |left| {
            format!("- {} more left out.\n", count(left, "list", "lists"))
        });
    }

    if !report.notices.is_empty() {
        out.push_fixed("\n### Files that could not be read\n\n");
        let lines = report
            .notices
            .iter()
            .map(|n| format!("- {}: {}\n", code(&notice_place(n)), text(&n.message)));
        out.push_lines(lines, MAX_BYTES, |left| {
            format!("- {} more left out.\n", count(left, "file", "files"))
        });
    }

    out.text
}

fn verdict(report: &Report) -> &'static str {
    let summary = report.summary();
    if summary.declarations == 0 {
        "no providers found"
    } else if report.gate_failed() {
        "failed"
    } else if summary.warnings > 0 {
        "passed with warnings"
    } else {
        "passed"
    }
}

fn overflow_note(counts: &AnnotationCounts) -> Option<String> {
    let overflowing = counts.overflowing();
    if overflowing.is_empty() {
        return None;
    }
    let parts: Vec<String> = overflowing
        .iter()
        .map(|(level, n)| format!("{n} {level} annotations"))
        .collect();
    Some(format!(
        "GitHub shows at most {SHOWN_PER_LEVEL} annotations of each level per step; this run \
         emitted {}. The others are in the log and in the table below.",
        parts.join(" and ")
    ))
}

fn place(result: &DeclarationResult) -> String {
    let declaration = &result.declaration;
    if declaration.has_file() {
        format!("{}:{}", declaration.file, declaration.location.line)
    } else {
        declaration.file.clone()
    }
}

/// One table row: place, resource, declared, live, top certificate, days left, status.
fn row(result: &DeclarationResult, report: &Report) -> String {
    let declared = match &result.declaration.thumbprints {
        ThumbprintList::Dynamic { .. } => "dynamic".to_string(),
        ThumbprintList::Absent => "none".to_string(),
        ThumbprintList::Literal { values, .. } if values.is_empty() => "none".to_string(),
        ThumbprintList::Literal { .. } => {
            spans(declared_values(result).into_iter().map(short_value))
        }
    };

    let tops: Vec<_> = result
        .hosts
        .iter()
        .flat_map(|h| h.variants.iter().filter(|v| !v.intercepted))
        .map(|v| v.top())
        .collect();
    let live = distinct(tops.iter().map(|c| c.sha1.short()));
    let names = distinct(tops.iter().map(|c| c.display_name().to_string()));
    let days = tops.iter().map(|c| c.days_left(report.now)).min();

    let cells = [
        code(&place(result)),
        code(&result.declaration.resource),
        declared,
        or_dash(spans(live.into_iter())),
        or_dash(text(&names.join("; "))),
        days.map_or_else(|| "-".to_string(), |d| d.to_string()),
        marker(result),
    ];
    format!("| {} |\n", cells.join(" | "))
}

fn marker(result: &DeclarationResult) -> String {
    let status = result.status.as_str();
    match result.severity {
        Severity::Error => format!("**FAIL** {status}"),
        Severity::Warning => format!("**WARN** {status}"),
        Severity::Notice => format!("NOTE {status}"),
        Severity::Off => "PASS".to_string(),
    }
}

/// The values in first-seen order, each once.
fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

fn spans(values: impl Iterator<Item = String>) -> String {
    values.map(|v| code(&v)).collect::<Vec<_>>().join(" ")
}

fn or_dash(cell: String) -> String {
    if cell.is_empty() {
        "-".to_string()
    } else {
        cell
    }
}

/// A code span that holds any text: a fence longer than any run of backticks inside, line
/// breaks as spaces, and `|` escaped so it cannot end a table cell.
fn code(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", value.replace('|', "\\|"))
}

/// Plain text for a table cell or list item: Markdown's active characters escaped, line
/// breaks as spaces.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text that stops growing at a limit: fixed parts always go in, and lines of a section go
/// in while they fit in the limit and the section's share, the rest counted in a closing line.
struct Budget {
    text: String,
    limit: usize,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            text: String::new(),
            limit,
        }
    }

    fn push_fixed(&mut self, part: &str) {
        self.text.push_str(part);
    }

    fn push_lines(
        &mut self,
        lines: impl Iterator<Item = String>,
        share: usize,
        left_out: impl Fn(usize) -> String,
    ) {
        let limit = self.limit.min(self.text.len().saturating_add(share));
        let mut left = 0;
        for line in lines {
            if left == 0 && self.text.len() + line.len() <= limit {
                self.text.push_str(&line);
            } else {
                left += 1;
            }
        }
        if left > 0 {
            self.text.push_str(&left_out(left));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_span_escapes_pipes() {
        assert_eq!(code("a|b"), "`a\\|b`");
    }

    #[test]
    fn code_span_fences_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }

    #[test]
    fn text_escapes_markdown() {
        assert_eq!(text("*.example | <b>"), "\\*.example \\| \\<b\\>");
        assert_eq!(text("two\nlines"), "two lines");
    }

    #[test]
    fn budget_counts_what_does_not_fit() {
        let mut budget = Budget::new(10);
        budget.push_lines(
            ["12345\n", "12345\n", "1\n"].map(String::from).into_iter(),
            100,
            |n| format!("{n} left\n"),
        );
        assert_eq!(budget.text, "12345\n2 left\n");
    }

    #[test]
    fn budget_keeps_each_section_to_its_share() {
        let mut budget = Budget::new(100);
        let lines = || ["1234\n", "1234\n"].map(String::from).into_iter();
        budget.push_lines(lines(), 6, |n| format!("{n} left\n"));
        budget.push_lines(lines(), 100, |n| format!("{n} left\n"));
        assert_eq!(budget.text, "1234\n1 left\n1234\n1234\n");
    }
}
