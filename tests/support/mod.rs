//! Test support: certificate chains built with rcgen from fixed keys and dates, TLS servers on
//! loopback that present them, a CONNECT proxy, and the binary with a clean environment.
//!
//! Keys are Ed25519 from one-byte seeds and validity dates are fixed, so every certificate,
//! and so every thumbprint, is the same on every run.

#![allow(dead_code)]

pub mod check;
pub mod pki;
pub mod proxy;
pub mod server;

use std::time::Duration;

/// Variables that change how the binary behaves and are cleared for every test.
const CLEARED: &[&str] = &[
    "CI",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TERM",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "AWS_REGION",
];

/// The binary under test, with GitHub, runner, CI, colour, proxy and trust-store variables
/// cleared.
pub fn command() -> assert_cmd::Command {
    let command = assert_cmd::Command::cargo_bin("oidc-thumb-check")
        .expect("integration tests know where the binary is");
    cleaned(command)
}

/// GNU time, which reports the peak resident memory of the process it runs.
const GNU_TIME: &str = "/usr/bin/time";

/// The binary under test as `command()` gives it, run by GNU time, which writes the process's
/// peak resident memory in KiB to `peak`; `None` where GNU time is not installed.
pub fn command_measured(peak: &std::path::Path) -> Option<assert_cmd::Command> {
    if !std::path::Path::new(GNU_TIME).is_file() {
        return None;
    }
    let mut command = assert_cmd::Command::new(GNU_TIME);
    command
        .args(["--format", "%M", "--output"])
        .arg(peak)
        .arg(assert_cmd::cargo::cargo_bin("oidc-thumb-check"));
    Some(cleaned(command))
}

fn cleaned(mut command: assert_cmd::Command) -> assert_cmd::Command {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("GITHUB_") || name.starts_with("RUNNER_") {
            command.env_remove(name.as_ref());
        }
    }
    for name in CLEARED {
        command.env_remove(name);
    }
    command.timeout(Duration::from_secs(30));
    command
}

/// The thumbprint (lowercase hex SHA-1) of DER bytes, as an independent check.
pub fn sha1_hex(der: &[u8]) -> String {
    oidc_thumb_core::Thumbprint::of_der(der).to_string()
}
