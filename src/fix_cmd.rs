//! `fix`: rewrites stale thumbprint lists in place with the values the providers serve now,
//! every other byte of each file left as it was.
//!
//! The declarations are read, observed and judged exactly as `check` does; each stale list
//! gets the list [`oidc_thumb_core::plan_thumbprints`] gives (core's `fix` module decides and
//! makes the text edits). A file is written atomically: the new text goes to a temporary file
//! in the same folder, takes the original's permissions, and replaces the original by a
//! rename, only when the original still holds, byte for byte, the text the edits were made
//! from. Content is compared rather than modification time and length: an edit that keeps the
//! length within the file system's timestamp granularity (a second on some) would pass a
//! time check, and the files are small (the walk reads nothing over 5 MiB).
//!
//! Exit codes: 0 nothing left to do (every stale list rewritten, or none stale); 1 something
//! still needs a person (a list that may be stale and could not be rewritten: its provider
//! could not be observed, its issuer URL is unresolved, its values are defined where the edit
//! cannot reach, a computed list whose result fails, a Terraform plan, a file changed
//! meanwhile or that could not be written); 2 the invocation or the configuration is wrong.
//! A dry run exits as the real run would.

use crate::check_cmd::{judge, judgement_time};
use crate::cli::{FixArgs, OutputFormat};
use crate::config::Config;
use crate::{output, EXIT_FAILED, EXIT_OK};
use oidc_thumb_core::fix::{
    fix_file, list_literal, plan_fix, render_json, render_skipped_text, render_text, Change,
    FixPlan, FixRun, Skipped,
};
use oidc_thumb_core::{Declaration, DeclarationResult, Report, Thumbprint};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Runs `fix`: 0 when nothing is left to do, 1 when something needs a person.
pub fn run(args: &FixArgs) -> anyhow::Result<u8> {
    let config = Config::load(args.common.config.as_deref())?;
    let now = judgement_time(args.at.as_deref())?;
    let report = judge(
        &args.paths,
        &args.discovery,
        &args.net,
        &config,
        &config.policy,
        now,
    )?;

    let (mut run, stale) = decide(&report, args);
    for (file, lists) in &stale {
        fix_one_file(file, lists, &mut run);
    }
    run.changes
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    run.skipped
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));

    print(&run, &report, args)?;
    Ok(if run.needs_attention() {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// The stale lists of each file, and the declarations left alone.
type Stale<'r> = BTreeMap<&'r str, Vec<(&'r DeclarationResult, Vec<Thumbprint>)>>;

fn decide<'r>(report: &'r Report, args: &FixArgs) -> (FixRun, Stale<'r>) {
    let mut run = FixRun {
        dry_run: args.dry_run,
        ..FixRun::default()
    };
    let mut stale: Stale<'r> = BTreeMap::new();
    for result in &report.results {
        let declaration = &result.declaration;
        match plan_fix(result) {
            FixPlan::UpToDate => {
                if args.common.verbose > 0 {
                    eprintln!(
                        "up to date {}:{} {}",
                        declaration.file, declaration.location.line, declaration.resource
                    );
                }
            }
            FixPlan::Rewrite(new) => stale
                .entry(declaration.file.as_str())
                .or_default()
                .push((result, new)),
            FixPlan::Leave { reason, attention } => {
                run.skipped.push(skipped(declaration, reason, attention))
            }
        }
    }
    (run, stale)
}

fn skipped(declaration: &Declaration, reason: String, attention: bool) -> Skipped {
    Skipped {
        file: declaration.file.clone(),
        line: declaration.location.line,
        resource: declaration.resource.clone(),
        format: declaration.format,
        reason,
        attention,
    }
}

/// Rewrites the stale lists of one file: edits, diff, and (unless a dry run) the write.
fn fix_one_file(file: &str, lists: &[(&DeclarationResult, Vec<Thumbprint>)], run: &mut FixRun) {
    let path = Path::new(file);
    let leave_all = |run: &mut FixRun, reason: &str| {
        for (result, new) in lists {
            let reason = format!("{reason}; the list to write: {}", list_literal(new));
            run.skipped.push(skipped(&result.declaration, reason, true));
        }
    };
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return leave_all(run, "the file is no longer valid UTF-8"),
        Err(error) => return leave_all(run, &format!("cannot read the file again: {error}")),
    };

    let pairs: Vec<(&Declaration, &[Thumbprint])> = lists
        .iter()
        .map(|(result, new)| (&result.declaration, new.as_slice()))
        .collect();
    let fixed = fix_file(&text, &pairs);
    let mut changes = Vec::new();
    for ((result, new), outcome) in lists.iter().zip(fixed.outcomes) {
        let declaration = &result.declaration;
        match outcome {
            Ok(()) => changes.push(Change {
                file: declaration.file.clone(),
                line: declaration.location.line,
                resource: declaration.resource.clone(),
                format: declaration.format,
                old: declaration
                    .thumbprints
                    .values()
                    .iter()
                    .map(|v| v.value.clone())
                    .collect(),
                new: new.clone(),
            }),
            Err(error) => {
                let reason = format!("{error}; the list to write: {}", list_literal(new));
                run.skipped.push(skipped(declaration, reason, true));
            }
        }
    }
    if changes.is_empty() || fixed.text == text {
        return;
    }

    if !run.dry_run {
        if let Err(error) = apply_if_unchanged(path, text.as_bytes(), fixed.text.as_bytes()) {
            for change in changes {
                let reason = format!("{error}; the list to write: {}", list_literal(&change.new));
                run.skipped.push(Skipped {
                    file: change.file,
                    line: change.line,
                    resource: change.resource,
                    format: change.format,
                    reason,
                    attention: true,
                });
            }
            return;
        }
    }
    run.diff.push_str(&unified_diff(file, &text, &fixed.text));
    run.changes.extend(changes);
}

/// A unified diff of one file, headed `a/FILE` and `b/FILE` as git writes them, so that
/// `git apply` takes it.
fn unified_diff(file: &str, old: &str, new: &str) -> String {
    let (a, b) = if Path::new(file).is_absolute() {
        (file.to_string(), file.to_string())
    } else {
        (format!("a/{file}"), format!("b/{file}"))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text the edits were made from.
    Changed,
    /// The file system refused.
    Io {
        /// What was being done.
        doing: &'static str,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Changed => f.write_str(
                "the file changed on disk while fix ran, so it was not overwritten; run fix again",
            ),
            WriteError::Io { doing, error } => write!(f, "{doing} failed: {error}"),
        }
    }
}

fn io(doing: &'static str) -> impl FnOnce(std::io::Error) -> WriteError {
    move |error| WriteError::Io { doing, error }
}

/// Replaces the file at `path` with `new`, atomically, only when it still holds `original`;
/// its permissions are kept. Nothing is left behind when it fails.
pub fn apply_if_unchanged(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let metadata = std::fs::metadata(path).map_err(io("reading the file's permissions"))?;
    let mut temporary = Temporary::create(path).map_err(io("creating a temporary file"))?;
    temporary
        .write(new, &metadata)
        .map_err(io("writing the temporary file"))?;

    // Checked as late as possible: between this read and the rename, only an edit within
    // microseconds could still be lost.
    let current = std::fs::read(path).map_err(io("reading the file again"))?;
    if current != original {
        return Err(WriteError::Changed);
    }
    temporary.replace(path).map_err(io("replacing the file"))
}

/// A temporary file next to the file it replaces, removed unless it replaced it.
struct Temporary {
    path: PathBuf,
    file: Option<std::fs::File>,
    kept: bool,
}

impl Temporary {
    /// A new file named `.NAME.STAMP-N.oidc-thumb-check.tmp` in the target's folder; the
    /// time and a counter make the name, tried again while it is taken.
    fn create(target: &Path) -> std::io::Result<Temporary> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let folder = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy());
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());

        let mut attempts = 0;
        loop {
            let count = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = folder.join(format!(".{name}.{stamp:08x}-{count}.oidc-thumb-check.tmp"));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Temporary {
                        path,
                        file: Some(file),
                        kept: false,
                    })
                }
                Err(error) if error.kind() == ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    fn write(&mut self, bytes: &[u8], original: &std::fs::Metadata) -> std::io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        // WASI has no permissions to copy.
        #[cfg(not(target_os = "wasi"))]
        std::fs::set_permissions(&self.path, original.permissions())?;
        #[cfg(target_os = "wasi")]
        let _ = original;
        Ok(())
    }

    fn replace(mut self, target: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, target)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.kept {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// stdout carries the chosen format: the changes (text), the diff (text, dry run) or the JSON;
/// the rest goes to stderr.
fn print(run: &FixRun, report: &Report, args: &FixArgs) -> anyhow::Result<()> {
    let quiet = args.common.quiet;
    if !quiet {
        for notice in &report.notices {
            let place = match notice.line {
                Some(line) => format!("{}:{line}", notice.file),
                None => notice.file.clone(),
            };
            eprintln!("warning: {place}: {}", notice.message);
        }
    }

    match args.common.format {
        OutputFormat::Json => return output::stdout(&render_json(run)),
        OutputFormat::Text if run.dry_run => {
            output::stdout(&run.diff)?;
            if !quiet {
                eprint!("{}", render_text(run));
            }
        }
        OutputFormat::Text => output::stdout(&render_text(run))?,
    }
    eprint!("{}", render_skipped_text(run, quiet));
    if !quiet {
        eprintln!("{}", summary(run));
    }
    Ok(())
}

/// `2 lists rewritten in 1 file; 1 left for a person`.
fn summary(run: &FixRun) -> String {
    let files = {
        let mut files: Vec<&str> = run.changes.iter().map(|c| c.file.as_str()).collect();
        files.dedup();
        files.len()
    };
    let attention = run.skipped.iter().filter(|s| s.attention).count();
    let mut sentence = match (run.changes.len(), run.dry_run) {
        (0, _) => "nothing to rewrite".to_string(),
        (lists, dry_run) => format!(
            "{} {} in {}",
            count(lists, "list", "lists"),
            if dry_run {
                "would be rewritten"
            } else {
                "rewritten"
            },
            count(files, "file", "files")
        ),
    };
    if attention > 0 {
        sentence.push_str(&format!(
            "; {} left for a person (see above)",
            count(attention, "declaration", "declarations")
        ));
    }
    sentence
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iam.tf");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn entries(dir: &tempfile::TempDir) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_unchanged_file_is_replaced_with_the_new_text() {
        let (dir, path) = file_with("old\r\n");
        apply_if_unchanged(&path, b"old\r\n", b"new\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\r\n");
        assert_eq!(entries(&dir), vec!["iam.tf"]);
    }

    #[test]
    fn a_file_edited_since_it_was_read_is_left_alone() {
        let (dir, path) = file_with("edited by someone else\n");
        let error = apply_if_unchanged(&path, b"old\n", b"new\n").unwrap_err();
        assert!(matches!(error, WriteError::Changed), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "edited by someone else\n"
        );
        assert_eq!(entries(&dir), vec!["iam.tf"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = file_with("old\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        apply_if_unchanged(&path, b"old\n", b"new\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn the_diff_is_headed_for_git_apply() {
        let diff = unified_diff("infra/iam.tf", "a\nb\n", "a\nc\n");
        assert!(
            diff.starts_with("--- a/infra/iam.tf\n+++ b/infra/iam.tf\n@@ -1,2 +1,2 @@\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }
}
