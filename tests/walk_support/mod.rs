//! Support for the tests of the walk and of `list`: trees of files written into a temporary
//! folder, and the binary run in it with a clean environment.
//!
//! Kept apart from `tests/support`, which needs the TLS stack: these tests also run in a build
//! without the `net` feature.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// Variables that change how the binary behaves and are cleared for every test.
const CLEARED: &[&str] = &[
    "CI",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TERM",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// The binary under test, run in `dir`, with GitHub, runner, CI, colour and AWS region
/// variables cleared.
pub fn command_in(dir: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_oidc-thumb-check"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("GITHUB_") || name.starts_with("RUNNER_") {
            command.env_remove(name.as_ref());
        }
    }
    for name in CLEARED {
        command.env_remove(name);
    }
    command.current_dir(dir).timeout(Duration::from_secs(60));
    command
}

/// `list --format json ARGS` run in `dir`, which must exit 0; its parsed stdout.
pub fn list_json(dir: &Path, args: &[&str]) -> Value {
    let output = command_in(dir)
        .args(["list", "--format", "json"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

pub fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `file` of every declaration of a `list --format json` output, in order.
pub fn declared_files(listed: &Value) -> Vec<String> {
    listed["declarations"]
        .as_array()
        .expect("declarations is an array")
        .iter()
        .map(|d| d["file"].as_str().expect("file is a string").to_string())
        .collect()
}

/// The notices of a `list --format json` output about one file.
pub fn notices_about<'a>(listed: &'a Value, file: &str) -> Vec<&'a Value> {
    listed["notices"]
        .as_array()
        .expect("notices is an array")
        .iter()
        .filter(|n| n["file"] == file)
        .collect()
}

/// A folder of files that is removed when dropped.
pub struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` at `relative`, creating its folders.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folders are created");
        }
        std::fs::write(&path, contents).expect("the file is written");
        path
    }

    /// Copies the fixture `tests/fixtures/walk/NAME` to `relative`.
    pub fn fixture(&self, name: &str, relative: &str) -> PathBuf {
        self.write(relative, fixture(name))
    }
}

/// The bytes of the fixture `tests/fixtures/walk/NAME`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/walk")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}
