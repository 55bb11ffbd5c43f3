//! Test support for `fix`: the test providers and their saved chains, a temporary repository
//! holding a fixture from `tests/fixtures/fix/`, and the binary run inside it.
//!
//! A fixture is a folder of files as they are before the fix; a file `NAME.expected` next to
//! `NAME` holds what `NAME` must be byte for byte after it. `.expected` files are not copied
//! into the repository, so the walk never sees them.

#![allow(dead_code)]

pub use crate::support::check::Run;
use crate::support::pki::Pki;
use std::path::{Path, PathBuf};

/// The judgement time of every test (`--at`).
pub const AT: &str = "2026-06-01";

/// The top certificate of `idp.example.test` (its root).
pub const IDP_TOP: &str = "cb528382551bd4ca2575257b3facfde39c249400";
/// The intermediate certificate of `idp.example.test`: a lower certificate, still live.
pub const IDP_INTERMEDIATE: &str = "c4f4c978e4cb2e6ea5474b5ba0a0778e8c5640a7";
/// The top certificate of `sso.example.test`, an issuer whose keys are on another host.
pub const SSO_TOP: &str = "96d212c6bb8cc77ad8088e0af4cb22dcd704a767";
/// The top certificate of `keys.example.test`, the JWKS host of `sso.example.test`.
pub const KEYS_TOP: &str = "6cff1a85e5238769aefb9fef58e2295270dc9028";
/// A thumbprint no test provider presents.
pub const STALE: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";

/// The chains of the test providers, from fixed keys and dates.
pub struct Providers {
    /// `idp.example.test`: leaf, intermediate, root.
    pub idp: Pki,
    /// `sso.example.test`: the issuer host of an issuer whose `jwks_uri` is elsewhere.
    pub sso: Pki,
    /// `keys.example.test`: the JWKS host of `sso.example.test`.
    pub keys: Pki,
}

impl Providers {
    /// Builds every chain and checks it still has the thumbprints the fixtures pin.
    pub fn new() -> Providers {
        let providers = Providers {
            idp: Pki::new("Fix Idp", 200),
            sso: Pki::new("Fix Sso", 210),
            keys: Pki::new("Fix Keys", 220),
        };
        let pinned = [
            (
                "idp.example.test",
                providers.idp.chain_with_root().top_thumbprint(),
                IDP_TOP,
            ),
            (
                "sso.example.test",
                providers.sso.chain_with_root().top_thumbprint(),
                SSO_TOP,
            ),
            (
                "keys.example.test",
                providers.keys.chain_with_root().top_thumbprint(),
                KEYS_TOP,
            ),
            (
                "idp.example.test (intermediate)",
                crate::support::pki::sha1_of(&providers.idp.intermediate.cert),
                IDP_INTERMEDIATE,
            ),
        ];
        let (live, fixtures): (Vec<_>, Vec<_>) = pinned
            .into_iter()
            .map(|(host, live, fixture)| ((host, live), (host, fixture.to_string())))
            .unzip();
        assert_eq!(
            live, fixtures,
            "the test chains changed; the fixtures under tests/fixtures/fix pin the old thumbprints"
        );
        providers
    }
}

/// A temporary folder holding `repo/` (the files to fix, where the binary runs) and
/// `chains/` (the saved chains of every test provider, outside the scanned tree).
pub struct Repo {
    dir: tempfile::TempDir,
    fixture: Option<PathBuf>,
    transform: fn(&str) -> String,
}

impl Repo {
    /// A copy of `tests/fixtures/fix/NAME` (its `.expected` files left out) and the chains.
    pub fn fixture(name: &str) -> Repo {
        Repo::fixture_with(name, |text| text.to_string())
    }

    /// The same with every fixture text, copied and expected alike, passed through
    /// `transform` (to CRLF line endings, say).
    pub fn fixture_with(name: &str, transform: fn(&str) -> String) -> Repo {
        let source = fixtures().join(name);
        assert!(source.is_dir(), "no fixture {}", source.display());
        let repo = Repo::empty();
        copy_tree(&source, &repo.root(), transform);
        Repo {
            fixture: Some(source),
            transform,
            ..repo
        }
    }

    /// A repository with no files yet, and the chains.
    pub fn empty() -> Repo {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir_all(dir.path().join("repo")).expect("create the repository");
        let repo = Repo {
            dir,
            fixture: None,
            transform: |text| text.to_string(),
        };
        repo.save_chains(&Providers::new());
        repo
    }

    /// The folder the binary runs in and scans.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// The folder of saved chains.
    pub fn chains(&self) -> PathBuf {
        self.dir.path().join("chains")
    }

    /// Writes a file under the repository.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(path, text).expect("write a file");
    }

    /// The text of a file of the repository.
    pub fn read(&self, relative: &str) -> String {
        let path = self.root().join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// What the fixture says `relative` must be after the fix, transformed like the copy.
    pub fn expected(&self, relative: &str) -> String {
        let fixture = self
            .fixture
            .as_ref()
            .expect("a repository made from a fixture");
        let path = fixture.join(format!("{relative}.expected"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (self.transform)(&text)
    }

    /// Every file of the fixture that has an `.expected` twin, relative to the fixture.
    pub fn expected_files(&self) -> Vec<String> {
        let fixture = self
            .fixture
            .as_ref()
            .expect("a repository made from a fixture");
        let mut files = Vec::new();
        list_files(fixture, fixture, &mut files);
        let mut expected: Vec<String> = files
            .iter()
            .filter_map(|f| f.strip_suffix(".expected").map(str::to_string))
            .collect();
        expected.sort();
        assert!(!expected.is_empty(), "the fixture has no .expected file");
        expected
    }

    /// Every file of the repository equals its `.expected` twin, byte for byte.
    pub fn assert_fixed(&self) {
        for file in self.expected_files() {
            let (fixed, expected) = (self.read(&file), self.expected(&file));
            assert!(
                fixed == expected,
                "{file} is not what the fixture expects\n--- fixed\n{fixed}--- expected\n{expected}"
            );
        }
    }

    /// Every file of the repository and of the chains folder, relative to the temporary
    /// folder, sorted: to show nothing else was written.
    pub fn files(&self) -> Vec<String> {
        let mut files = Vec::new();
        list_files(self.dir.path(), self.dir.path(), &mut files);
        files.sort();
        files
    }

    /// `fix --at AT --offline --chains ../chains` in the repository.
    pub fn fix(&self) -> assert_cmd::Command {
        let mut command = crate::support::command();
        command.current_dir(self.root()).args([
            "fix",
            "--at",
            AT,
            "--offline",
            "--chains",
            "../chains",
        ]);
        command
    }

    fn save_chains(&self, providers: &Providers) {
        let chains = self.chains();
        std::fs::create_dir_all(&chains).expect("create the chains folder");
        let hosts = [
            ("idp.example.test", &providers.idp),
            ("sso.example.test", &providers.sso),
            ("keys.example.test", &providers.keys),
        ];
        for (host, pki) in hosts {
            std::fs::write(
                chains.join(format!("{host}.pem")),
                pki.chain_with_root().pem(),
            )
            .expect("write a saved chain");
        }
        std::fs::write(
            chains.join("discovery.json"),
            "{\"https://sso.example.test\": \"https://keys.example.test/oauth2/keys\"}\n",
        )
        .expect("write the saved discovery documents");
    }
}

/// Line endings `\r\n`.
pub fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// The text without its final newline.
pub fn no_final_newline(text: &str) -> String {
    text.strip_suffix('\n').unwrap_or(text).to_string()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix")
}

fn copy_tree(from: &Path, to: &Path, transform: fn(&str) -> String) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a fixture folder") {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target, transform);
        } else if !entry.file_name().to_string_lossy().ends_with(".expected") {
            let text = std::fs::read_to_string(entry.path()).expect("read a fixture file");
            std::fs::write(target, transform(&text)).expect("write a fixture file");
        }
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
