//! What a fix run did, and its two renderings: text lines and versioned JSON (`fix --format
//! json`), the JSON from output types of its own.

use crate::{Format, Thumbprint};
use serde::Serialize;

/// The version of the JSON output; it changes only when a field is removed or changes meaning.
pub const VERSION: u32 = 1;

/// Everything one fix run did and left.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixRun {
    /// True when nothing was written (`--dry-run`): the changes are what would be made.
    pub dry_run: bool,
    /// Lists rewritten (or, in a dry run, that would be), in file and line order.
    pub changes: Vec<Change>,
    /// Declarations left alone, with why.
    pub skipped: Vec<Skipped>,
    /// The unified diff of every change, empty when there is none.
    pub diff: String,
}

/// One thumbprint list rewritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Path of the file, as reports show it.
    pub file: String,
    /// 1-based line of the declaration's thumbprint list.
    pub line: u32,
    /// The resource's name.
    pub resource: String,
    /// The kind of file.
    pub format: Format,
    /// The values as they were written.
    pub old: Vec<String>,
    /// The values written in their place.
    pub new: Vec<Thumbprint>,
}

/// One declaration left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Path of the file, as reports show it.
    pub file: String,
    /// 1-based line of the declaration.
    pub line: u32,
    /// The resource's name.
    pub resource: String,
    /// The kind of file.
    pub format: Format,
    /// Why, and what to do.
    pub reason: String,
    /// True when a person must act on it.
    pub attention: bool,
}

impl FixRun {
    /// True when something is left that a person must act on.
    pub fn needs_attention(&self) -> bool {
        self.skipped.iter().any(|s| s.attention)
    }
}

/// One line per change: `fixed FILE:LINE RESOURCE: OLD -> NEW` (`would fix` in a dry run),
/// values separated by `, `.
pub fn render_text(run: &FixRun) -> String {
    let verb = if run.dry_run { "would fix" } else { "fixed" };
    run.changes
        .iter()
        .map(|change| {
            let old = if change.old.is_empty() {
                "(none)".to_string()
            } else {
                change.old.join(", ")
            };
            let new: Vec<String> = change.new.iter().map(Thumbprint::to_string).collect();
            format!(
                "{verb} {}:{} {}: {old} -> {}\n",
                change.file,
                change.line,
                change.resource,
                new.join(", ")
            )
        })
        .collect()
}

/// One line per declaration left alone: `skipped FILE:LINE RESOURCE: REASON`.
pub fn render_skipped_text(run: &FixRun, only_attention: bool) -> String {
    run.skipped
        .iter()
        .filter(|skipped| skipped.attention || !only_attention)
        .map(|skipped| {
            format!(
                "skipped {}:{} {}: {}\n",
                skipped.file, skipped.line, skipped.resource, skipped.reason
            )
        })
        .collect()
}

/// The run as pretty-printed JSON ending with a newline:
/// `{"version": 1, "dry_run", "changes": [...], "skipped": [...], "diff"}`.
pub fn render_json(run: &FixRun) -> String {
    let output = FixOutput {
        version: VERSION,
        dry_run: run.dry_run,
        changes: run
            .changes
            .iter()
            .map(|c| ChangeOutput {
                file: &c.file,
                line: c.line,
                resource: &c.resource,
                format: c.format.as_str(),
                old: &c.old,
                new: c.new.iter().map(Thumbprint::to_string).collect(),
                written: !run.dry_run,
            })
            .collect(),
        skipped: run
            .skipped
            .iter()
            .map(|s| SkippedOutput {
                file: &s.file,
                line: s.line,
                resource: &s.resource,
                format: s.format.as_str(),
                reason: &s.reason,
                needs_attention: s.attention,
            })
            .collect(),
        diff: &run.diff,
    };
    // The output types hold only strings, numbers, booleans and sequences, which serde_json
    // always serialises, so the error branch is unreachable.
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct FixOutput<'a> {
    version: u32,
    dry_run: bool,
    changes: Vec<ChangeOutput<'a>>,
    skipped: Vec<SkippedOutput<'a>>,
    diff: &'a str,
}

#[derive(Serialize)]
struct ChangeOutput<'a> {
    file: &'a str,
    line: u32,
    resource: &'a str,
    format: &'static str,
    old: &'a [String],
    new: Vec<String>,
    written: bool,
}

#[derive(Serialize)]
struct SkippedOutput<'a> {
    file: &'a str,
    line: u32,
    resource: &'a str,
    format: &'static str,
    reason: &'a str,
    needs_attention: bool,
}
