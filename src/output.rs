//! Writing what the user asked for: stdout, report files, the job summary.

use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes text to stdout. A closed pipe (`| head`) is not an error.
pub fn stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

/// Writes a report file, creating its folder when needed.
pub fn file(path: &Path, text: &str, what: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the folder of the {what} {}", path.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing the {what} {}", path.display()))
}

/// Appends to a file, as GitHub expects for `$GITHUB_STEP_SUMMARY`.
pub fn append(path: &Path, text: &str, what: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening the {what} {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing the {what} {}", path.display()))
}

/// Colour on stdout: only on a terminal, never with `NO_COLOR` or `TERM=dumb`.
pub fn color_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    std::io::stdout().is_terminal() && !no_color && !dumb
}
