//! The walk: finds the IaC files under the given paths, honouring `.gitignore`, and hands
//! each to its reader. Never follows a symbolic link out of the tree.

use anyhow::{bail, Context};
use oidc_thumb_core::readers::{
    file_kind, read_file, read_terraform_module, terraform_modules, FileKind, ReadContext,
    SourceFile,
};
use oidc_thumb_core::{Declaration, FileReport, ReadNotice};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Files larger than this are skipped with a notice: no IaC file is that large.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// How far into a file to look for NUL bytes when deciding it is binary.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// What to leave out of the walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Globs (gitignore syntax) of paths to leave out, relative to each walked folder.
    pub excludes: Vec<String>,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Declarations in file, line order.
    pub declarations: Vec<Declaration>,
    /// Files that could not be read, with why.
    pub notices: Vec<ReadNotice>,
    /// How many files were handed to a reader.
    pub files_read: usize,
}

/// A file read from disk, waiting for its reader.
struct Loaded {
    path: String,
    text: String,
}

/// Walks `paths` (files or folders) and reads every declaration in them.
pub fn scan(paths: &[PathBuf], options: &WalkOptions, ctx: &ReadContext) -> anyhow::Result<Scan> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for path in &paths {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
    }

    let collected = Mutex::new(Collected::default());
    for path in &paths {
        if path.is_file() {
            visit(path, &collected, ctx, true);
        } else {
            walk_folder(path, options, &collected, ctx)?;
        }
    }
    let collected = collected.into_inner().unwrap_or_else(|e| e.into_inner());

    let mut scan = Scan {
        files_read: collected.files_read,
        notices: collected.notices,
        ..Scan::default()
    };
    let terraform: Vec<SourceFile<'_>> = collected
        .terraform
        .iter()
        .map(|f| SourceFile {
            path: &f.path,
            text: &f.text,
        })
        .collect();
    for module in terraform_modules(&terraform) {
        for report in read_terraform_module(&module, ctx) {
            absorb(&mut scan, report);
        }
    }
    for report in collected.reports {
        absorb(&mut scan, report);
    }

    scan.declarations.sort_by(|a, b| {
        (&a.file, a.location.line, a.location.column).cmp(&(
            &b.file,
            b.location.line,
            b.location.column,
        ))
    });
    scan.notices
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(scan)
}

fn absorb(scan: &mut Scan, report: FileReport) {
    scan.declarations.extend(report.declarations);
    scan.notices.extend(report.notices);
}

#[derive(Default)]
struct Collected {
    terraform: Vec<Loaded>,
    reports: Vec<FileReport>,
    notices: Vec<ReadNotice>,
    files_read: usize,
}

fn walk_folder(
    root: &Path,
    options: &WalkOptions,
    collected: &Mutex<Collected>,
    ctx: &ReadContext,
) -> anyhow::Result<()> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for glob in &options.excludes {
        overrides
            .add(&format!("!{glob}"))
            .with_context(|| format!("--exclude {glob:?} is not a valid glob"))?;
    }
    let overrides = overrides.build().context("building the exclude globs")?;

    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .follow_links(false)
        .require_git(false)
        .git_global(false)
        .overrides(overrides);

    #[cfg(not(target_os = "wasi"))]
    {
        builder.threads(std::thread::available_parallelism().map_or(2, |n| n.get()));
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                visit_entry(entry, root, collected, ctx);
                ignore::WalkState::Continue
            })
        });
    }
    // WASI has no threads: the same walk, one entry at a time.
    #[cfg(target_os = "wasi")]
    for entry in builder.build() {
        visit_entry(entry, root, collected, ctx);
    }
    Ok(())
}

fn visit_entry(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    collected: &Mutex<Collected>,
    ctx: &ReadContext,
) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(error) => return push_walk_notices(&error, root, collected),
    };
    // A folder whose ignore files could not all be read carries the error with it.
    if let Some(error) = entry.error() {
        push_walk_notices(error, entry.path(), collected);
    }
    if entry.file_type().is_some_and(|t| t.is_file()) {
        visit(entry.path(), collected, ctx, false);
    }
}

fn push_walk_notices(error: &ignore::Error, path: &Path, collected: &Mutex<Collected>) {
    let mut notices = Vec::new();
    walk_notices(error, &display_path(path), None, &mut notices);
    lock(collected).notices.extend(notices);
}

/// Notices for a problem of the walk (a folder that cannot be read, a line of an ignore file
/// that is not a valid glob), each naming the file and line the error carries.
fn walk_notices(error: &ignore::Error, file: &str, line: Option<u32>, out: &mut Vec<ReadNotice>) {
    match error {
        ignore::Error::Partial(errors) => {
            for error in errors {
                walk_notices(error, file, line, out);
            }
        }
        ignore::Error::WithPath { path, err } => walk_notices(err, &display_path(path), line, out),
        ignore::Error::WithLineNumber { line, err } => {
            walk_notices(err, file, u32::try_from(*line).ok(), out);
        }
        ignore::Error::WithDepth { err, .. } => walk_notices(err, file, line, out),
        ignore::Error::Glob { glob, err } => out.push(ReadNotice {
            file: file.to_string(),
            line,
            column: None,
            message: match glob {
                Some(glob) => {
                    format!("ignore pattern {glob:?} is not a valid glob ({err}); skipped")
                }
                None => format!("ignore pattern is not a valid glob ({err}); skipped"),
            },
        }),
        other => out.push(ReadNotice {
            file: file.to_string(),
            line,
            column: None,
            message: format!("{other}; skipped"),
        }),
    }
}

/// Reads one file and hands it to its reader. `named` is true when the user named the file
/// itself, so a file no reader wants is worth a notice.
fn visit(path: &Path, collected: &Mutex<Collected>, ctx: &ReadContext, named: bool) {
    let shown = display_path(path);
    let Some(kind) = file_kind(&shown) else {
        if named {
            push_notice(
                collected,
                &shown,
                None,
                "no reader for this kind of file; skipped".into(),
            );
        }
        return;
    };

    let text = match load(path, &shown, named) {
        Ok(Some(text)) => text,
        Ok(None) => return,
        Err(notice) => {
            lock(collected).notices.push(notice);
            return;
        }
    };

    match kind {
        FileKind::Terraform | FileKind::TerraformVariables => {
            let mut c = lock(collected);
            c.files_read += 1;
            c.terraform.push(Loaded { path: shown, text });
        }
        _ => {
            let report = read_file(
                SourceFile {
                    path: &shown,
                    text: &text,
                },
                ctx,
            );
            let mut c = lock(collected);
            c.files_read += 1;
            if !report.declarations.is_empty() || !report.notices.is_empty() {
                c.reports.push(report);
            }
        }
    }
}

/// The file's text; `Ok(None)` for a file not worth a notice; `Err` for one that is. A
/// symbolic link is never followed; it is worth a notice when the user named it.
fn load(path: &Path, shown: &str, named: bool) -> Result<Option<String>, ReadNotice> {
    let notice = |message: String, line: Option<u32>| ReadNotice {
        file: shown.to_string(),
        line,
        column: None,
        message,
    };
    let metadata =
        std::fs::symlink_metadata(path).map_err(|e| notice(format!("cannot read: {e}"), None))?;
    if metadata.file_type().is_symlink() {
        if named {
            return Err(notice(
                "a symbolic link, which is never followed; name the file it points to".into(),
                None,
            ));
        }
        return Ok(None);
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(notice(
            format!(
                "{} bytes, larger than the {} MiB limit; skipped",
                metadata.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            None,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| notice(format!("cannot read: {e}"), None))?;
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if head.contains(&0) {
        return Err(notice(
            "binary file (it contains NUL bytes); skipped".into(),
            None,
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() as u32 + 1;
            Err(notice(
                format!("not valid UTF-8 (at byte {valid}); skipped"),
                Some(line),
            ))
        }
    }
}

fn push_notice(collected: &Mutex<Collected>, file: &str, line: Option<u32>, message: String) {
    lock(collected).notices.push(ReadNotice {
        file: file.to_string(),
        line,
        column: None,
        message,
    });
}

fn lock(collected: &Mutex<Collected>) -> std::sync::MutexGuard<'_, Collected> {
    collected.lock().unwrap_or_else(|e| e.into_inner())
}

/// The path as reports show it: relative to the current folder when inside it, `/`
/// separated, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    static CURRENT_DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let cwd = CURRENT_DIR.get_or_init(|| std::env::current_dir().ok());
    let relative = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}
