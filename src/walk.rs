//! The walk: finds the IaC files under the given paths, honouring `.gitignore`, and hands
//! each to its reader. Never follows a symbolic link out of the tree.

use anyhow::{bail, Context};
use oidc_thumb_core::readers::{
    file_kind, read_file, read_terraform_module, terraform_modules, FileKind, ReadContext,
    SourceFile,
};
use oidc_thumb_core::{Declaration, FileReport, ReadNotice};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        .map(|f| SourceFile { path: &f.path, text: &f.text })
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
        (&a.file, a.location.line, a.location.column).cmp(&(&b.file, b.location.line, b.location.column))
    });
    scan.notices.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
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
                if let Ok(entry) = entry {
                    visit_entry(&entry, collected, ctx);
                }
                ignore::WalkState::Continue
            })
        });
    }
    // WASI has no threads: the same walk, one entry at a time.
    #[cfg(target_os = "wasi")]
    for entry in builder.build().flatten() {
        visit_entry(&entry, collected, ctx);
    }
    Ok(())
}

fn visit_entry(entry: &ignore::DirEntry, collected: &Mutex<Collected>, ctx: &ReadContext) {
    let is_file = entry.file_type().is_some_and(|t| t.is_file());
    if is_file {
        visit(entry.path(), collected, ctx, false);
    }
}

/// Reads one file and hands it to its reader. `named` is true when the user named the file
/// itself, so a file no reader wants is worth a notice.
fn visit(path: &Path, collected: &Mutex<Collected>, ctx: &ReadContext, named: bool) {
    let shown = display_path(path);
    let Some(kind) = file_kind(&shown) else {
        if named {
            push_notice(collected, &shown, None, "no reader for this kind of file; skipped".into());
        }
        return;
    };

    let text = match load(path, &shown) {
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
            let report = read_file(SourceFile { path: &shown, text: &text }, ctx);
            let mut c = lock(collected);
            c.files_read += 1;
            if !report.declarations.is_empty() || !report.notices.is_empty() {
                c.reports.push(report);
            }
        }
    }
}

/// The file's text; `Ok(None)` for a file not worth a notice; `Err` for one that is.
fn load(path: &Path, shown: &str) -> Result<Option<String>, ReadNotice> {
    let notice = |message: String, line: Option<u32>| ReadNotice {
        file: shown.to_string(),
        line,
        column: None,
        message,
    };
    let metadata = std::fs::symlink_metadata(path).map_err(|e| notice(format!("cannot read: {e}"), None))?;
    if metadata.file_type().is_symlink() {
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
        return Err(notice("binary file (it contains NUL bytes); skipped".into(), None));
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
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}
