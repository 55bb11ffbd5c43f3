//! Saved chains: `--save-chains` writes them, `--offline --chains` reads them (the text of
//! `openssl s_client -showcerts` included), and the thumbprint agrees with OpenSSL's.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::command;
use support::pki::{self, Pki};
use support::server::{Reply, Server};

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `thumbprint TARGET -q --offline --chains DIR`.
fn offline(target: &str, dir: &Path) -> Output {
    command()
        .args(["thumbprint", target, "-q", "--offline", "--chains"])
        .arg(dir)
        .output()
        .expect("the binary runs")
}

/// The `openssl` program, when this machine has one.
fn openssl() -> Option<&'static str> {
    let found = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipped: no openssl program on this machine");
    }
    found.then_some("openssl")
}

#[test]
fn saved_chains_give_the_same_thumbprints_offline() {
    let keys_pki = Pki::new("Saved Keys", 10);
    let keys = Server::start(&keys_pki.chain_without_root());
    let issuer = Server::builder(&Pki::new("Saved Issuer", 20).chain_with_root())
        .reply(Reply::Discovery(format!("{}/jwks", keys.url())))
        .start()
        .expect("server starts");
    let issuer_url = issuer.url();
    let dir = tempfile::tempdir().expect("temp dir");

    let live = command()
        .args(["thumbprint", &issuer_url, "-q", "--allow-private-addresses"])
        .arg("--save-chains")
        .arg(dir.path())
        .output()
        .expect("the binary runs");
    drop(issuer);
    drop(keys);
    let saved = offline(&issuer_url, dir.path());

    assert_eq!(live.status.code(), Some(0), "{}", stderr_of(&live));
    assert_eq!(saved.status.code(), Some(0), "{}", stderr_of(&saved));
    assert_eq!(stdout_of(&live).lines().count(), 2, "issuer and JWKS hosts");
    assert_eq!(stdout_of(&saved), stdout_of(&live));
}

#[test]
fn saved_chain_files_follow_the_layout() {
    let pki = Pki::new("Layout", 30);
    let chain = pki.chain_with_root();
    let server = Server::start(&chain);
    let dir = tempfile::tempdir().expect("temp dir");

    let output = command()
        .args([
            "thumbprint",
            &server.url(),
            "-q",
            "--allow-private-addresses",
        ])
        .arg("--save-chains")
        .arg(dir.path())
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let pem = std::fs::read_to_string(dir.path().join(format!("127.0.0.1_{}.pem", server.port())))
        .expect("the chain file is written");
    assert_eq!(pem, chain.pem());
    let discovery: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("discovery.json")).expect("discovery.json"),
    )
    .expect("JSON");
    assert_eq!(discovery[server.url()], format!("{}/jwks", server.url()));
}

#[test]
fn issuer_without_a_saved_discovery_document_uses_its_own_host() {
    let chain = Pki::new("No Discovery", 40).chain_without_root();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("idp.example.pem"), chain.pem()).expect("write chain");

    let output = command()
        .args([
            "thumbprint",
            "https://idp.example/realms/main",
            "--offline",
            "--chains",
        ])
        .arg(dir.path())
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(
        stdout.starts_with(&format!("idp.example  {}\n", chain.top_thumbprint())),
        "{stdout}"
    );
    assert!(
        stdout.contains("the JWKS host is taken to be the issuer host"),
        "{stdout}"
    );
    assert!(stdout.contains("not checked (saved chain)"), "{stdout}");
}

#[test]
fn missing_saved_chain_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");

    let output = offline("idp.example:8443", dir.path());

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("no saved chain"), "{stderr}");
    assert!(stderr.contains("idp.example_8443.pem"), "{stderr}");
}

#[test]
fn unreadable_saved_chain_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("idp.example.pem"), "not a certificate\n").expect("write");

    let output = offline("idp.example", dir.path());

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("idp.example.pem is unreadable"), "{stderr}");
    assert!(stderr.contains("no certificate found"), "{stderr}");
}

#[test]
fn offline_needs_a_chains_folder() {
    let output = command()
        .args(["thumbprint", "idp.example", "--offline"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn chains_folder_without_offline_is_a_usage_error_not_a_network_run() {
    let folder = tempfile::tempdir().expect("temporary folder");

    let output = command()
        .args(["thumbprint", "idp.example", "--chains"])
        .arg(folder.path())
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("add --offline"),
        "{}",
        stderr_of(&output)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn openssl_s_client_output_is_a_saved_chain() {
    let Some(openssl) = openssl() else { return };
    let chain = Pki::new("Showcerts", 50).chain_with_root();
    let server = Server::start(&chain);
    let dir = tempfile::tempdir().expect("temp dir");

    let shown = Command::new(openssl)
        .args(["s_client", "-showcerts", "-connect", &server.authority()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("openssl runs");
    std::fs::write(
        dir.path().join(format!("127.0.0.1_{}.pem", server.port())),
        &shown.stdout,
    )
    .expect("write");
    let output = offline(&server.authority(), dir.path());

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), format!("{}\n", chain.top_thumbprint()));
}

#[test]
fn thumbprint_equals_the_openssl_sha1_fingerprint() {
    let Some(openssl) = openssl() else { return };
    let pki = Pki::new("Differential", 60);
    let server = Server::start(&pki.chain_without_root());
    let dir = tempfile::tempdir().expect("temp dir");
    let top = dir.path().join("top.pem");
    std::fs::write(&top, pki::pem(&pki.intermediate.cert)).expect("write");

    let ours = command()
        .args([
            "thumbprint",
            &server.authority(),
            "-q",
            "--allow-private-addresses",
        ])
        .output()
        .expect("the binary runs");
    let theirs = Command::new(openssl)
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&top)
        .output()
        .expect("openssl runs");

    let theirs = String::from_utf8_lossy(&theirs.stdout);
    let fingerprint = theirs
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .replace(':', "")
        .to_ascii_lowercase();
    assert_eq!(fingerprint.len(), 40, "openssl printed {theirs:?}");
    assert_eq!(stdout_of(&ours), format!("{fingerprint}\n"));
}
