//! Renders findings as GitHub Actions workflow commands: one annotation per finding.
//! <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>

use super::{reported, TOOL_NAME};
use crate::{ReadNotice, Report, Severity, Span};

/// GitHub shows at most this many annotations of each level per step; the rest are only in
/// the log.
pub const SHOWN_PER_LEVEL: usize = 10;

/// How many annotations of each level were emitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnnotationCounts {
    /// `::error` commands.
    pub errors: usize,
    /// `::warning` commands.
    pub warnings: usize,
    /// `::notice` commands.
    pub notices: usize,
}

impl AnnotationCounts {
    /// The levels with more annotations than GitHub shows, with how many were emitted:
    /// `[("error", 14)]`.
    pub fn overflowing(&self) -> Vec<(&'static str, usize)> {
        [
            ("error", self.errors),
            ("warning", self.warnings),
            ("notice", self.notices),
        ]
        .into_iter()
        .filter(|(_, n)| *n > SHOWN_PER_LEVEL)
        .collect()
    }

    fn add(&mut self, level: Level) {
        match level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            Level::Notice => self.notices += 1,
        }
    }
}

/// The workflow commands, one per line, and how many of each level they hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotations {
    /// The commands, each ending with a newline; empty when there is nothing to say.
    pub commands: String,
    /// Counts per level, for the job summary's note on annotations GitHub does not show.
    pub counts: AnnotationCounts,
}

/// One annotation per reported finding, at its level, on the declaration's place; suppressed
/// findings and findings the policy turns off are left out. Files that could not be read are
/// warnings.
pub fn render(report: &Report) -> Annotations {
    let mut annotations = Annotations::default();

    for result in &report.results {
        let declaration = &result.declaration;
        for finding in reported(&result.findings) {
            let Some(level) = Level::of(finding.effective_severity()) else {
                continue;
            };
            let title = format!("{TOOL_NAME}: {}", finding.status);
            // A provider of an AWS account has no file to point at: its ARN leads the message.
            let (message, properties) = if declaration.has_file() {
                (
                    format!("{}: {}", declaration.resource, finding.message),
                    span_properties(&declaration.file, &declaration.location, &title),
                )
            } else {
                (
                    format!("{}: {}", declaration.file, finding.message),
                    vec![("title", title)],
                )
            };
            annotations.push(level, &properties, &message);
        }
    }

    for notice in &report.notices {
        let title = format!("{TOOL_NAME}: unreadable file");
        let properties = notice_properties(notice, &title);
        annotations.push(Level::Warning, &properties, &notice.message);
    }
    annotations
}

impl Annotations {
    fn push(&mut self, level: Level, properties: &[(&str, String)], message: &str) {
        self.commands
            .push_str(&command::format(level.name(), properties, message));
        self.commands.push('\n');
        self.counts.add(level);
    }
}

#[derive(Clone, Copy)]
enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn of(severity: Severity) -> Option<Level> {
        match severity {
            Severity::Error => Some(Level::Error),
            Severity::Warning => Some(Level::Warning),
            Severity::Notice => Some(Level::Notice),
            Severity::Off => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

fn span_properties<'a>(file: &str, span: &Span, title: &str) -> Vec<(&'a str, String)> {
    vec![
        ("file", file.to_string()),
        ("line", span.line.to_string()),
        ("col", span.column.to_string()),
        ("endLine", span.end_line.max(span.line).to_string()),
        ("title", title.to_string()),
    ]
}

fn notice_properties<'a>(notice: &ReadNotice, title: &str) -> Vec<(&'a str, String)> {
    let mut properties = vec![("file", notice.file.clone())];
    if let Some(line) = notice.line {
        properties.push(("line", line.to_string()));
    }
    if let Some(column) = notice.column {
        properties.push(("col", column.to_string()));
    }
    properties.push(("title", title.to_string()));
    properties
}

/// Workflow commands with the escaping GitHub applies: every command goes through here.
pub mod command {
    /// Escapes a command's message: `%`, carriage return and line feed.
    pub fn escape_data(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '%' => out.push_str("%25"),
                '\r' => out.push_str("%0D"),
                '\n' => out.push_str("%0A"),
                _ => out.push(c),
            }
        }
        out
    }

    /// Escapes a property value: what [`escape_data`] escapes, and `:` and `,`.
    pub fn escape_property(text: &str) -> String {
        escape_data(text).replace(':', "%3A").replace(',', "%2C")
    }

    /// `::NAME key=value,key=value::message`, every part escaped; without properties,
    /// `::NAME::message`.
    pub fn format(name: &str, properties: &[(&str, String)], message: &str) -> String {
        let properties: Vec<String> = properties
            .iter()
            .map(|(key, value)| format!("{key}={}", escape_property(value)))
            .collect();
        let separator = if properties.is_empty() { "" } else { " " };
        format!(
            "::{name}{separator}{}::{}",
            properties.join(","),
            escape_data(message)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::command::*;

    #[test]
    fn message_data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
    }

    #[test]
    fn message_data_keeps_colons_and_commas() {
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn property_values_also_escape_colons_and_commas() {
        assert_eq!(escape_property("dir:one,two%\nx"), "dir%3Aone%2Ctwo%25%0Ax");
    }

    #[test]
    fn percent_is_escaped_once_before_the_others() {
        assert_eq!(escape_property("%3A:"), "%253A%3A");
    }

    #[test]
    fn command_without_properties_has_no_space() {
        assert_eq!(format("notice", &[], "done"), "::notice::done");
    }

    #[test]
    fn command_escapes_every_property_and_the_message() {
        let line = format(
            "error",
            &[
                ("file", "a,b:c.tf".to_string()),
                ("title", "x: y".to_string()),
            ],
            "line one\nline two: 50%",
        );
        assert_eq!(
            line,
            "::error file=a%2Cb%3Ac.tf,title=x%3A y::line one%0Aline two: 50%25"
        );
    }
}
