//! Saved inputs run through their targets again and must return:
//! - `fuzz/regressions/TARGET/`: every input a fuzz target ever crashed or hung on;
//! - `fuzz/hostile/TARGET/`: hostile shapes written by hand for each reader (nesting tens of
//!   thousands deep, aliases and locals that multiply, self-references, unterminated
//!   constructs, lengths that lie), which also seed the fuzzers' corpora.

use std::path::{Path, PathBuf};

/// The files under `folder/TARGET/`, sorted.
fn inputs(folder: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(folder)
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn run_all(folder: &str) -> usize {
    let mut ran = 0;
    for (name, target) in oidc_thumb_fuzz::TARGETS {
        for path in inputs(folder, name) {
            let data = std::fs::read(&path).expect("a saved input is readable");
            eprintln!("{}", path.display());
            target(&data);
            ran += 1;
        }
    }
    ran
}

#[test]
fn every_input_a_fuzzer_failed_on_now_returns() {
    run_all("regressions");
}

#[test]
fn every_hostile_input_returns() {
    run_all("hostile");
}

#[test]
fn every_target_has_hostile_inputs() {
    for (name, _) in oidc_thumb_fuzz::TARGETS {
        assert!(
            !inputs("hostile", name).is_empty(),
            "no hostile input for {name} under fuzz/hostile/{name}/"
        );
    }
}

#[test]
fn every_target_returns_on_empty_and_on_binary_input() {
    let binary: Vec<u8> = (0..=255).collect();
    for (_, target) in oidc_thumb_fuzz::TARGETS {
        target(b"");
        target(&binary);
    }
}
