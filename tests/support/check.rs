//! Test support for `check`: the test providers and their chains, a temporary repository
//! holding a fixture from `tests/fixtures/check/`, and the binary run inside it at a fixed
//! judgement time.
//!
//! The providers' chains are built by [`super::pki`] from fixed keys and dates, so the
//! thumbprints written in the fixtures are the same on every run; [`Providers::new`] checks
//! that they still are.

use super::pki::{Chain, Pki, Validity, EXPIRED};
use std::fmt;
use std::path::{Path, PathBuf};

/// The judgement time of every test (`--at`).
pub const AT: &str = "2026-06-01";

/// The top certificate of `idp.example.test`: what a passing declaration pins.
pub const IDP_TOP: &str = "dc097d9fe95380cd9dea08eff3ab8bdafe049e20";
/// The leaf of `idp.example.test`: a fragile pin.
pub const IDP_LEAF: &str = "9cec4d10017f9b251b772e6e26ab6f5213ce7255";
/// The top certificate of `sso.example.test`, an issuer whose keys are on another host.
pub const SSO_TOP: &str = "4068147562f8ffbcf7a644793fd3a2329cee9cc8";
/// The top certificate of `keys.example.test`, the JWKS host of `sso.example.test`.
pub const KEYS_TOP: &str = "54d0a5dd7cab4d07caa953b7a328f048aa37f738";
/// The top certificate of `expiring.example.test`, which expires 22 days after [`AT`].
pub const EXPIRING_TOP: &str = "b731f1a313b79785b0d59866cbaedba1b3b35e72";
/// The top certificate of `expired.example.test`, which expired in 2020.
pub const EXPIRED_TOP: &str = "15d5a581ebe14a45e10e811d89b040384659d4a7";

/// Days from [`AT`] to the expiry of `expiring.example.test`.
pub const EXPIRING_DAYS_LEFT: u32 = 22;

/// Valid from 2024 until 22 days after [`AT`].
const EXPIRING_SOON: Validity = Validity {
    from: (2024, 1, 1),
    until: (2026, 6, 23),
};

/// The chain each test provider presents.
pub struct Providers {
    /// `idp.example.test`: root, intermediate, leaf; valid until 2099.
    pub idp: Pki,
    /// `sso.example.test`: an issuer whose `jwks_uri` is on `keys.example.test`.
    pub sso: Pki,
    /// `keys.example.test`: the JWKS host of `sso.example.test`.
    pub keys: Pki,
    /// `expiring.example.test`: valid until 22 days after [`AT`].
    pub expiring: Pki,
    /// `expired.example.test`: valid during 2019 only.
    pub expired: Pki,
}

impl Providers {
    /// Builds every chain, and checks it still has the thumbprint the fixtures pin.
    pub fn new() -> Providers {
        let providers = Providers {
            idp: Pki::new("Idp", 110),
            sso: Pki::new("Sso", 120),
            keys: Pki::new("Keys", 130),
            expiring: Pki::with_validity("Expiring", 140, EXPIRING_SOON),
            expired: Pki::with_validity("Expired", 150, EXPIRED),
        };
        let pinned = [
            ("idp.example.test", providers.idp.chain_with_root(), IDP_TOP),
            ("sso.example.test", providers.sso.chain_with_root(), SSO_TOP),
            (
                "keys.example.test",
                providers.keys.chain_with_root(),
                KEYS_TOP,
            ),
            (
                "expiring.example.test",
                providers.expiring.chain_with_root(),
                EXPIRING_TOP,
            ),
            (
                "expired.example.test",
                providers.expired.chain_with_root(),
                EXPIRED_TOP,
            ),
        ];
        for (host, chain, thumbprint) in pinned {
            assert_eq!(
                chain.top_thumbprint(),
                thumbprint,
                "the test chain of {host} changed; the fixtures under tests/fixtures/check pin \
                 the old thumbprint"
            );
        }
        assert_eq!(super::pki::sha1_of(&providers.idp.leaf), IDP_LEAF);
        providers
    }

    /// Each test host with the chain it presents.
    pub fn chains(&self) -> Vec<(&'static str, Chain)> {
        vec![
            ("idp.example.test", self.idp.chain_with_root()),
            ("sso.example.test", self.sso.chain_with_root()),
            ("keys.example.test", self.keys.chain_with_root()),
            ("expiring.example.test", self.expiring.chain_with_root()),
            ("expired.example.test", self.expired.chain_with_root()),
        ]
    }
}

/// A temporary folder holding `repo/` (the fixture, where the binary runs) and `chains/`
/// (the saved chains of every test provider, outside the scanned tree).
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A copy of `tests/fixtures/check/NAME` and the saved chains of every test provider.
    pub fn fixture(name: &str) -> Repo {
        Repo::fixture_with_urls(name, &[])
    }

    /// The same, with each issuer URL `https://HOST` of the fixture's files replaced by the
    /// URL given for HOST (a loopback server's).
    pub fn fixture_with_urls(name: &str, urls: &[(&str, String)]) -> Repo {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let repo = Repo { dir };
        let source = fixtures().join(name);
        assert!(source.is_dir(), "no fixture {}", source.display());
        copy_tree(&source, &repo.root(), urls);
        save_chains(&repo.path().join("chains"));
        repo
    }

    /// The folder the binary runs in and scans.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// The temporary folder itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the repository, creating its folder.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(path, text).expect("write a file");
    }

    /// The text of a file of the repository or of the temporary folder.
    pub fn read(&self, path: impl AsRef<Path>) -> String {
        let path = self.root().join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every file under the temporary folder, relative to it, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut files = Vec::new();
        list_files(self.dir.path(), self.dir.path(), &mut files);
        files.sort();
        files
    }

    /// `check --at AT` in the repository, with nothing else said.
    pub fn check(&self) -> assert_cmd::Command {
        let mut command = super::command();
        command.current_dir(self.root()).args(["check", "--at", AT]);
        command
    }

    /// `check --at AT --offline --chains ../chains`: judged against the saved chains.
    pub fn check_offline(&self) -> assert_cmd::Command {
        let mut command = self.check();
        command.args(["--offline", "--chains", "../chains"]);
        command
    }

    /// `check --at AT --allow-private-addresses --timeout 5`: judged against the network.
    pub fn check_live(&self) -> assert_cmd::Command {
        let mut command = self.check();
        command.args(["--allow-private-addresses", "--timeout", "5"]);
        command
    }
}

/// Writes the saved chains of every test provider into `dir` (`HOST.pem`), and the discovery
/// document of `sso.example.test`, whose keys are on `keys.example.test` (`discovery.json`).
pub fn save_chains(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the chains folder");
    for (host, chain) in Providers::new().chains() {
        std::fs::write(dir.join(format!("{host}.pem")), chain.pem()).expect("write a saved chain");
    }
    let discovery = serde_json::json!({
        "https://sso.example.test": "https://keys.example.test/oauth2/keys",
    });
    std::fs::write(dir.join("discovery.json"), format!("{discovery:#}\n"))
        .expect("write the saved discovery documents");
}

/// What one run of the binary gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs the command to its end.
    pub fn of(command: &mut assert_cmd::Command) -> Run {
        let output = command.output().expect("the binary runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{self}"))
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit code {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

fn copy_tree(from: &Path, to: &Path, urls: &[(&str, String)]) {
    std::fs::create_dir_all(to).expect("create a folder");
    let entries = std::fs::read_dir(from).expect("read a fixture folder");
    for entry in entries {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target, urls);
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).expect("read a fixture file");
        for (host, url) in urls {
            text = text.replace(&format!("https://{host}"), url);
        }
        std::fs::write(target, text).expect("write a fixture file");
    }
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(root, &path, out);
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}
