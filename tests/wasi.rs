//! The WebAssembly module agrees with the native binary: the module `dist/build-wasm.sh`
//! builds, run under wasmtime with WASI preview 1 and the fixture tree preopened as its
//! current folder, gives the same exit code, the same stdout and the same report files, byte
//! for byte, as the native binary run in that folder with the same arguments.
//!
//! `OIDC_THUMB_CHECK_WASM` names the module. `dist/test.sh` builds it and sets the variable,
//! so CI always runs these comparisons; a plain `cargo test` says that it skipped them.
//!
//! The fixtures cover every reader and every status a check without network can give. The
//! other three (`tls-error`, `interception`, `refused-address`) come only from a live
//! connection, which the module does not have.

mod support;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::check::{save_chains, AT};
use wasmtime::{Engine, Linker, Module, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

/// The variable that names the module.
const WASM_VARIABLE: &str = "OIDC_THUMB_CHECK_WASM";

/// More than any run here writes to stdout or stderr.
const PIPE_CAPACITY: usize = 16 * 1024 * 1024;

/// Every status a run without network can give.
const OFFLINE_STATUSES: [&str; 13] = [
    "dynamic",
    "duplicate",
    "expired",
    "expiring",
    "fragile-pin",
    "incomplete",
    "malformed",
    "mismatch",
    "pass",
    "style",
    "too-many",
    "unreachable",
    "unresolved",
];

/// Every format a reader knows.
const FORMATS: [&str; 7] = [
    "ack",
    "cdk",
    "cloudformation",
    "crossplane",
    "pulumi",
    "terraform",
    "terraform-plan",
];

/// What one run gave, native or WebAssembly.
#[derive(PartialEq, Eq)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The module compiled once for every test of this file, or `None` when the variable is unset.
fn module() -> Option<&'static (Engine, Module)> {
    static MODULE: OnceLock<Option<(Engine, Module)>> = OnceLock::new();
    MODULE
        .get_or_init(|| {
            let path = std::env::var_os(WASM_VARIABLE)?;
            let engine = Engine::default();
            let module = Module::from_file(&engine, &path).unwrap_or_else(|e| {
                panic!("{WASM_VARIABLE}={}: {e:?}", Path::new(&path).display())
            });
            Some((engine, module))
        })
        .as_ref()
}

/// The module, or a line on stderr saying why the test compares nothing.
fn module_or_skip(test: &str) -> Option<&'static (Engine, Module)> {
    let module = module();
    if module.is_none() {
        eprintln!(
            "{test}: skipped, {WASM_VARIABLE} is not set; dist/test.sh builds the module with \
             dist/build-wasm.sh and sets it"
        );
    }
    module
}

/// Runs the module with `dir` preopened as its current folder `.`.
fn run_wasm((engine, module): &(Engine, Module), dir: &Path, args: &[&str]) -> Run {
    let stdout = MemoryOutputPipe::new(PIPE_CAPACITY);
    let stderr = MemoryOutputPipe::new(PIPE_CAPACITY);
    let mut builder = WasiCtxBuilder::new();
    builder
        .arg("oidc-thumb-check")
        .args(args)
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    builder
        .preopened_dir(dir, ".", FsPerms::ReadWrite)
        .expect("the fixture folder can be preopened");

    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("WASI preview 1 links");
    let mut store = Store::new(engine, builder.build_p1());
    let instance = linker
        .instantiate(&mut store, module)
        .expect("the module instantiates");
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .expect("the module is a WASI command");
    let outcome = start.call(&mut store, ());
    drop(store);

    let stderr = String::from_utf8_lossy(&stderr.contents()).into_owned();
    let code = match outcome {
        Ok(()) => 0,
        Err(error) => match error.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => panic!("the module trapped: {error:?}\n--- stderr\n{stderr}"),
        },
    };
    Run {
        code,
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr,
    }
}

/// Runs the native binary in `dir`.
fn run_native(dir: &Path, args: &[&str]) -> Run {
    let output = support::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the native binary runs");
    Run {
        code: output
            .status
            .code()
            .expect("the native binary exits with a code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Asserts the two runs gave the same exit code and stdout, showing both when not.
fn assert_same(native: &Run, wasm: &Run) {
    assert!(
        native.code == wasm.code && native.stdout == wasm.stdout,
        "the module and the native binary differ\n=== native\n{native}\n=== wasm\n{wasm}"
    );
}

/// Runs `args` natively and in the module, both in `dir`, asserts they agree, and returns the
/// native run. Only for runs that write no file.
fn same_in_both(module: &(Engine, Module), dir: &Path, args: &[&str]) -> Run {
    let native = run_native(dir, args);
    let wasm = run_wasm(module, dir, args);
    assert_same(&native, &wasm);
    native
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temporary folder holding `repo/`, a copy of a fixture, and `chains/`, the saved chains of
/// every test provider: the folder both runs see as their current folder.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    /// `fixture` (relative to `tests/fixtures`) copied to `repo/`, with the saved chains.
    fn of(fixture: &str) -> Tree {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_tree(&fixtures().join(fixture), &dir.path().join("repo"));
        save_chains(&dir.path().join("chains"));
        Tree { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every file under `repo/` with its bytes, sorted by path.
    fn repo_files(&self) -> Vec<(String, Vec<u8>)> {
        let root = self.path().join("repo");
        let mut files = Vec::new();
        collect_files(&root, &root, &mut files);
        files.sort();
        files
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a fixture folder") {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a fixture file");
        }
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("read a folder") {
        let path = entry.expect("read an entry").path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            let bytes = std::fs::read(&path).expect("read a file");
            out.push((relative.to_string_lossy().replace('\\', "/"), bytes));
        }
    }
}

/// The same arguments, run natively and in the module, each on its own copy of `fixture`.
fn both_on_copies(fixture: &str, args: &[&str], module: &(Engine, Module)) -> [(Tree, Run); 2] {
    let native_tree = Tree::of(fixture);
    let native = run_native(native_tree.path(), args);
    let wasm_tree = Tree::of(fixture);
    let wasm = run_wasm(module, wasm_tree.path(), args);
    [(native_tree, native), (wasm_tree, wasm)]
}

/// `check --at AT --offline --chains chains ARGS repo`.
fn check_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["check", "--at", AT, "--offline", "--chains", "chains"];
    all.extend_from_slice(args);
    all.push("repo");
    all
}

/// The values of one field of every element of a JSON array.
fn field_values(array: &serde_json::Value, field: &str) -> BTreeSet<String> {
    array
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|item| item[field].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_status_fixture_gives_every_offline_status_in_every_format() {
    let tree = Tree::of("wasi/every_status");

    let run = run_native(tree.path(), &check_args(&["--format", "json"]));

    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let statuses = field_values(&json["results"], "status");
    assert_eq!(statuses, OFFLINE_STATUSES.map(String::from).into(), "{run}");
    let formats = field_values(&json["results"], "format");
    assert_eq!(formats, FORMATS.map(String::from).into(), "{run}");
    assert_eq!(json["notices"].as_array().map(Vec::len), Some(1), "{run}");
}

#[test]
fn list_json_is_the_same_on_every_reader() {
    let Some(module) = module_or_skip("list_json_is_the_same_on_every_reader") else {
        return;
    };
    let dir = fixtures().join("list");
    let args = ["list", "--format", "json", "every-reader"];

    let native = same_in_both(module, &dir, &args);

    assert_eq!(native.code, 0, "{native}");
    let json: serde_json::Value = serde_json::from_str(&native.stdout).expect("stdout is JSON");
    let formats = field_values(&json["declarations"], "format");
    assert_eq!(formats, FORMATS.map(String::from).into(), "{native}");
}

#[test]
fn readme_example_is_the_same() {
    let Some(module) = module_or_skip("readme_example_is_the_same") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = [
        "check",
        "--at",
        AT,
        "--offline",
        "--chains",
        "examples/chains",
        "examples",
    ];

    let native = same_in_both(module, root, &args);

    assert_eq!(native.code, 1, "{native}");
    assert!(
        native.stdout.contains("examples/terraform/main.tf"),
        "{native}"
    );
}

#[test]
fn list_json_is_the_same_on_every_status() {
    let Some(module) = module_or_skip("list_json_is_the_same_on_every_status") else {
        return;
    };
    let tree = Tree::of("wasi/every_status");
    let args = ["list", "--format", "json", "repo"];

    let native = same_in_both(module, tree.path(), &args);

    assert!(
        native.stdout.contains("\"repo/terraform/pass.tf\""),
        "{native}"
    );
}

#[test]
fn check_json_is_the_same_on_every_status() {
    let Some(module) = module_or_skip("check_json_is_the_same_on_every_status") else {
        return;
    };
    let tree = Tree::of("wasi/every_status");
    let args = check_args(&["--format", "json"]);

    let native = same_in_both(module, tree.path(), &args);

    assert_eq!(native.code, 1, "{native}");
}

#[test]
fn check_text_is_the_same_on_every_status() {
    let Some(module) = module_or_skip("check_text_is_the_same_on_every_status") else {
        return;
    };
    let tree = Tree::of("wasi/every_status");
    let args = check_args(&[]);

    let native = same_in_both(module, tree.path(), &args);

    assert!(native.stdout.contains("UNREACHABLE"), "{native}");
}

#[test]
fn junit_file_is_the_same_on_every_status() {
    let Some(module) = module_or_skip("junit_file_is_the_same_on_every_status") else {
        return;
    };
    let args = check_args(&["--quiet", "--junit", "reports/junit.xml"]);

    let [(native_tree, native), (wasm_tree, wasm)] =
        both_on_copies("wasi/every_status", &args, module);

    assert_same(&native, &wasm);
    let read = |tree: &Tree| {
        std::fs::read(tree.path().join("reports/junit.xml")).expect("the JUnit file is written")
    };
    let (native_junit, wasm_junit) = (read(&native_tree), read(&wasm_tree));
    assert!(
        native_junit == wasm_junit,
        "the JUnit files differ\n=== native\n{}\n=== wasm\n{}",
        String::from_utf8_lossy(&native_junit),
        String::from_utf8_lossy(&wasm_junit)
    );
    assert!(
        String::from_utf8_lossy(&native_junit).contains("type=\"mismatch\""),
        "{native}"
    );
}

#[test]
fn passing_tree_exits_zero_in_both() {
    let Some(module) = module_or_skip("passing_tree_exits_zero_in_both") else {
        return;
    };
    let tree = Tree::of("check/pass");
    let args = check_args(&["--format", "json"]);

    let native = same_in_both(module, tree.path(), &args);

    assert_eq!(native.code, 0, "{native}");
}

#[test]
fn fix_rewrites_the_same_bytes() {
    let Some(module) = module_or_skip("fix_rewrites_the_same_bytes") else {
        return;
    };
    let args = ["fix", "--at", AT, "--offline", "--chains", "chains", "repo"];

    let [(native_tree, native), (wasm_tree, wasm)] =
        both_on_copies("wasi/every_status", &args, module);

    assert_same(&native, &wasm);
    let (native_files, wasm_files) = (native_tree.repo_files(), wasm_tree.repo_files());
    assert!(
        native_files == wasm_files,
        "the files fix rewrote differ\n=== native\n{native}\n=== wasm\n{wasm}"
    );
    let untouched = Tree::of("wasi/every_status").repo_files();
    assert_ne!(native_files, untouched, "fix changed nothing\n{native}");
}

#[test]
fn module_without_offline_says_it_has_no_network() {
    let Some(module) = module_or_skip("module_without_offline_says_it_has_no_network") else {
        return;
    };
    let tree = Tree::of("check/pass");

    let wasm = run_wasm(module, tree.path(), &["check", "--at", AT, "repo"]);

    assert_eq!(wasm.code, 2, "{wasm}");
    assert_eq!(wasm.stdout, "", "{wasm}");
    assert!(wasm.stderr.contains("--offline --chains DIR"), "{wasm}");
}
