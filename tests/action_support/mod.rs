//! Support for the tests of the GitHub Action: a release archive packed from the binary under
//! test by dist/package.sh, the action checked out into a temporary folder as a release commit
//! holds it, a loopback server for the download, and a simulated runner that runs action.yml.

#![allow(dead_code)]

pub mod runner;
pub mod server;

use runner::{ActionRun, Runner};
use server::FileServer;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The version of this build, which the action's Cargo.toml names.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The files of the repository the action needs at run time; nothing else is copied, so a
/// script the action calls but this list lacks fails the tests.
const ACTION_FILES: &[&str] = &[
    "action.yml",
    "Cargo.toml",
    "dist/install.sh",
    "dist/run-check.sh",
    "dist/workflow-commands.sh",
    "dist/checksums.txt",
];

/// The repository root.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `RUNNER_OS` for this machine.
pub fn runner_os() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS"
    } else if cfg!(windows) {
        "Windows"
    } else {
        "Linux"
    }
}

/// `RUNNER_ARCH` for this machine.
pub fn runner_arch() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "ARM64"
    } else {
        "X64"
    }
}

/// The release archive of this build, packed once per test process.
pub struct Release {
    /// The folder served as the download base: `vVERSION/ARCHIVE` below it.
    pub root: PathBuf,
    /// The target triple dist/install.sh picks on this machine.
    pub target: String,
    /// `oidc-thumb-check-vVERSION-TARGET.tar.gz`
    pub archive_name: String,
    /// The archive's bytes.
    pub archive: PathBuf,
    /// The `.sha256` file dist/package.sh wrote beside it.
    pub sha256_file: PathBuf,
}

/// Packs the binary under test as the release archive of this machine's target, with
/// dist/package.sh, under the test target folder.
pub fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let target = print_target();
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("action-release");
        let dir = root.join(format!("v{VERSION}"));
        let _ = std::fs::remove_dir_all(&root);
        let binary = env!("CARGO_BIN_EXE_oidc-thumb-check");
        let package = repository().join("dist/package.sh");
        run_bash(
            &package,
            &[VERSION, &target, binary, &dir.to_string_lossy()],
        );
        let archive_name = format!("oidc-thumb-check-v{VERSION}-{target}.tar.gz");
        Release {
            archive: dir.join(&archive_name),
            sha256_file: dir.join(format!("{archive_name}.sha256")),
            root,
            target,
            archive_name,
        }
    })
}

/// The target dist/install.sh picks for this machine's `RUNNER_OS` and `RUNNER_ARCH`.
pub fn print_target() -> String {
    let install = repository().join("dist/install.sh");
    run_bash(&install, &["--print-target"]).trim().to_owned()
}

/// Runs one of the repository's scripts with bash, as this machine's runner, and returns its
/// stdout; the test fails when the script does.
pub fn run_bash(script: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("bash")
        .arg(script)
        .args(args)
        .env("RUNNER_OS", runner_os())
        .env("RUNNER_ARCH", runner_arch())
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A runner with the action checked out, a workspace holding the repository's examples, and
/// the release archive served on loopback.
pub struct Harness {
    /// The simulated runner.
    pub runner: Runner,
    /// The download server.
    pub server: FileServer,
    _temp: tempfile::TempDir,
}

impl Harness {
    /// The action as a release commit holds it: dist/checksums.txt records this build's
    /// archive, written by dist/record-checksums.sh from the archive's `.sha256`.
    pub fn released() -> Harness {
        let harness = Harness::unreleased();
        let record = repository().join("dist/record-checksums.sh");
        let checksums = harness.checksums_file();
        let sha256_file = &release().sha256_file;
        run_bash(
            &record,
            &[
                "--file",
                &checksums.to_string_lossy(),
                &sha256_file.to_string_lossy(),
            ],
        );
        harness
    }

    /// The action as the repository holds it now: dist/checksums.txt as committed.
    pub fn unreleased() -> Harness {
        let release = release();
        let temp = tempfile::tempdir().expect("temporary folder");
        let action_dir = temp.path().join("_actions/oidc-thumb-check/v1");
        for file in ACTION_FILES {
            let to = action_dir.join(file);
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("action folder");
            std::fs::copy(repository().join(file), &to).expect("copy of an action file");
        }
        let workspace = temp.path().join("workspace");
        copy_tree(&repository().join("examples"), &workspace.join("examples"));
        let runner_temp = temp.path().join("_temp");
        std::fs::create_dir_all(runner_temp.join("home")).expect("runner temp");

        let server = FileServer::start(&release.root);
        let runner = Runner {
            action_dir,
            workspace,
            runner_temp,
            os: runner_os(),
            arch: runner_arch(),
            path: path_without_cargo(),
            env: vec![(
                "OIDC_THUMB_CHECK_DOWNLOAD_BASE".to_owned(),
                server.base_url.clone(),
            )],
        };
        Harness {
            runner,
            server,
            _temp: temp,
        }
    }

    /// The action's dist/checksums.txt.
    pub fn checksums_file(&self) -> PathBuf {
        self.runner.action_dir.join("dist/checksums.txt")
    }

    /// Runs the action with these inputs.
    pub fn run(&self, inputs: &[(&str, &str)]) -> ActionRun {
        self.runner.run(inputs)
    }

    /// A path inside the runner's temporary folder, for reports.
    pub fn temp_path(&self, name: &str) -> String {
        self.runner
            .runner_temp
            .join(name)
            .to_string_lossy()
            .into_owned()
    }

    /// Ships `binary` in the action's checkout as dist/bin/TARGET/oidc-thumb-check, the way a
    /// vendored fork does.
    pub fn vendor(&self, binary: &Path) -> PathBuf {
        let to = self
            .runner
            .action_dir
            .join("dist/bin")
            .join(&release().target)
            .join("oidc-thumb-check");
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("dist/bin folder");
        std::fs::copy(binary, &to).expect("vendored binary");
        to
    }

    /// A folder the test owns, added at the front of the steps' `PATH`.
    pub fn prepend_to_path(&mut self, name: &str) -> PathBuf {
        let dir = self.runner.runner_temp.join(name);
        std::fs::create_dir_all(&dir).expect("a PATH folder");
        self.runner.path.insert(0, dir.clone());
        dir
    }
}

/// This process's `PATH` without the folders that hold `cargo`, so the installer's last resort
/// is never taken unless a test puts a `cargo` of its own there.
fn path_without_cargo() -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists())
        .collect()
}

/// Copies a folder and everything below it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder to copy into");
    for entry in std::fs::read_dir(from).expect("a folder to copy") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copied file");
        }
    }
}

/// Writes an executable shell script.
pub fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("script folder");
    std::fs::write(path, text).expect("script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("mode");
}
