//! The walk: finds the IaC files under the given paths, honouring `.gitignore`, and hands
//! each to its reader. Never follows a symbolic link out of the tree.

use anyhow::{bail, Context};
use oidc_thumb_core::readers::{
    file_kind, may_call_a_module, may_declare, read_file, read_terraform_tree, FileKind,
    ReadContext, SourceFile,
};
use oidc_thumb_core::{Declaration, FileReport, ReadNotice};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

pub use oidc_thumb_core::limits::{MAX_FILE_BYTES, MAX_NAMED_FILE_BYTES};

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

/// A Terraform file found by the walk, waiting for the rest of its module. Its text is kept
/// only when it may declare a provider or call a local module: the others are read again at
/// the end, and only when a file of their module was kept, so memory follows the declaring
/// and calling modules, not the tree.
struct TerraformFile {
    path: PathBuf,
    shown: String,
    text: Option<String>,
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
    let loaded = declaring_modules(collected.terraform, &mut scan.notices);
    let terraform: Vec<SourceFile<'_>> = loaded
        .iter()
        .map(|(path, text)| SourceFile { path, text })
        .collect();
    for report in read_terraform_tree(&terraform, ctx) {
        absorb(&mut scan, report);
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

/// The Terraform files of the modules (folders) where some file may declare a provider or call
/// a local module, as (shown path, text): the files the walk set aside are read again here.
fn declaring_modules(
    files: Vec<TerraformFile>,
    notices: &mut Vec<ReadNotice>,
) -> Vec<(String, String)> {
    let folder = |shown: &str| {
        shown
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder)
            .to_string()
    };
    let declaring: HashSet<String> = files
        .iter()
        .filter(|f| f.text.is_some())
        .map(|f| folder(&f.shown))
        .collect();

    let mut loaded = Vec::new();
    for file in files {
        if !declaring.contains(&folder(&file.shown)) {
            continue;
        }
        let text = match file.text {
            Some(text) => Ok(text),
            None => load(&file.path, &file.shown, false).and_then(|b| decode(b, &file.shown)),
        };
        match text {
            Ok(text) => loaded.push((file.shown, text)),
            Err(notice) => notices.push(notice),
        }
    }
    loaded
}

fn absorb(scan: &mut Scan, report: FileReport) {
    scan.declarations.extend(report.declarations);
    scan.notices.extend(report.notices);
}

#[derive(Default)]
struct Collected {
    /// The shown path of every file visited, so that paths that overlap (`. infra/main.tf`)
    /// read each file once.
    visited: HashSet<String>,
    terraform: Vec<TerraformFile>,
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
    if !lock(collected).visited.insert(shown.clone()) {
        return;
    }
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

    let bytes = match load(path, &shown, named) {
        Ok(bytes) => bytes,
        Err(notice) => {
            lock(collected).notices.push(notice);
            return;
        }
    };

    // A file that cannot declare anything is not even decoded; a Terraform file is noted all
    // the same, since a declaration of its module may use its variables.
    let terraform = matches!(kind, FileKind::Terraform | FileKind::TerraformVariables);
    // A Terraform file that calls a local module is kept too: the call may give a provider
    // of that module its values.
    let calls = kind == FileKind::Terraform && may_call_a_module(&bytes);
    if !may_declare(&bytes) && !calls {
        let mut c = lock(collected);
        c.files_read += 1;
        if terraform {
            c.terraform.push(TerraformFile {
                path: path.to_path_buf(),
                shown,
                text: None,
            });
        }
        return;
    }
    let text = match decode(bytes, &shown) {
        Ok(text) => text,
        Err(notice) => {
            lock(collected).notices.push(notice);
            return;
        }
    };

    if terraform {
        let mut c = lock(collected);
        c.files_read += 1;
        c.terraform.push(TerraformFile {
            path: path.to_path_buf(),
            shown,
            text: Some(text),
        });
        return;
    }
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

/// The file's bytes, or a notice saying why it was skipped. A symbolic link is never
/// followed: the walk yields none (its entries are typed without following links), and one
/// the user named is a notice.
fn load(path: &Path, shown: &str, named: bool) -> Result<Vec<u8>, ReadNotice> {
    let notice = |message: String| ReadNotice {
        file: shown.to_string(),
        line: None,
        column: None,
        message,
    };
    let cannot_read = |error: std::io::Error| notice(format!("cannot read: {error}"));
    let limit = if named {
        MAX_NAMED_FILE_BYTES
    } else {
        MAX_FILE_BYTES
    };
    let too_large = |size: u64| {
        let mut message = format!(
            "{size} bytes, larger than the {} MiB limit; skipped",
            limit / (1024 * 1024)
        );
        if !named {
            message.push_str(&format!(
                " (a file named on the command line may hold up to {} MiB)",
                MAX_NAMED_FILE_BYTES / (1024 * 1024)
            ));
        }
        notice(message)
    };

    if named {
        let metadata = std::fs::symlink_metadata(path).map_err(cannot_read)?;
        if metadata.file_type().is_symlink() {
            return Err(notice(
                "a symbolic link, which is never followed; name the file it points to".into(),
            ));
        }
    }
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > limit {
        return Err(too_large(size));
    }

    let mut bytes = Vec::with_capacity(usize::try_from(size).map_or(0, |s| s + 1));
    // A file that grew since it was measured is read up to the limit and no further.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    let head = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if head.contains(&0) {
        return Err(notice(
            "binary file (it contains NUL bytes); skipped".into(),
        ));
    }
    Ok(bytes)
}

/// The file's text, or a notice naming the line of the first byte that is not UTF-8.
fn decode(bytes: Vec<u8>, shown: &str) -> Result<String, ReadNotice> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let newlines = error.as_bytes().iter().take(valid).filter(|b| **b == b'\n');
        ReadNotice {
            file: shown.to_string(),
            line: Some(u32::try_from(newlines.count() + 1).unwrap_or(u32::MAX)),
            column: None,
            message: format!("not valid UTF-8 (at byte {valid}); skipped"),
        }
    })
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
