//! The address policy against the spellings a file can use to reach the runner's own network:
//! each is refused, without a connection, unless private addresses are allowed.

mod support;

use support::command;
use support::pki::Pki;
use support::server::{Reply, Server};

/// Runs `thumbprint URL` with the default address policy.
fn thumbprint(url: &str) -> (Option<i32>, String) {
    let output = command()
        .args(["thumbprint", url, "--timeout", "2"])
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A server on loopback that counts the requests it gets.
fn loopback_server(reply: Reply) -> Server {
    Server::builder(&Pki::new("Policy", 240).chain_with_root())
        .reply(reply)
        .start()
        .expect("server starts")
}

/// Exit 1 with a refusal that names the reason.
fn assert_refused(url: &str, reason: &str) {
    let (code, stderr) = thumbprint(url);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("refused"), "{url}: {stderr}");
    assert!(
        stderr.contains(reason),
        "{url}: expected {reason:?} in {stderr}"
    );
}

/// `https://HOST:PORT` of a loopback server, with HOST spelt as given, is refused as loopback
/// and the server never hears of it.
fn assert_loopback_spelling_refused(host: &str) {
    let server = loopback_server(Reply::DiscoveryOfSelf);

    assert_refused(&format!("https://{host}:{}", server.port()), "loopback");
    assert!(server.requests().is_empty(), "{host} was contacted");
}

#[test]
fn loopback_literal_is_refused_and_not_contacted() {
    assert_loopback_spelling_refused("127.0.0.1");
}

#[test]
fn ipv6_loopback_is_refused() {
    assert_loopback_spelling_refused("[::1]");
}

#[test]
fn ipv4_mapped_ipv6_loopback_is_refused() {
    assert_loopback_spelling_refused("[::ffff:127.0.0.1]");
}

#[test]
fn decimal_ipv4_form_is_refused() {
    assert_loopback_spelling_refused("2130706433");
}

#[test]
fn octal_ipv4_form_is_refused() {
    assert_loopback_spelling_refused("0177.0.0.1");
}

#[test]
fn hexadecimal_ipv4_form_is_refused() {
    assert_loopback_spelling_refused("0x7f.0.0.1");
}

#[test]
fn shortened_ipv4_form_is_refused() {
    assert_loopback_spelling_refused("127.1");
}

#[test]
fn name_that_resolves_to_loopback_is_refused() {
    assert_loopback_spelling_refused("localhost");
}

#[test]
fn cloud_metadata_address_is_refused() {
    assert_refused("https://169.254.169.254/", "link-local (cloud metadata)");
}

#[test]
fn private_network_address_is_refused() {
    assert_refused("https://10.0.0.1/", "private (10.0.0.0/8)");
}

#[test]
fn loopback_is_reached_when_private_addresses_are_allowed() {
    let server = loopback_server(Reply::DiscoveryOfSelf);

    let output = command()
        .args(["thumbprint", &server.url(), "--timeout", "2"])
        .arg("--allow-private-addresses")
        .output()
        .expect("the binary runs");

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn jwks_uri_on_a_metadata_address_is_refused_though_the_issuer_is_allowed() {
    let server = loopback_server(Reply::Discovery(
        "https://169.254.169.254/latest/meta-data".to_string(),
    ));
    let folder = tempfile::tempdir().expect("temporary folder");
    let config = folder.path().join("allow-issuer.toml");
    std::fs::write(
        &config,
        "[network]\nallow-private-hosts = [\"127.0.0.1\"]\n",
    )
    .expect("config written");

    let output = command()
        .args(["thumbprint", &server.url(), "--timeout", "2", "--config"])
        .arg(&config)
        .output()
        .expect("the binary runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("169.254.169.254"), "{stderr}");
    assert!(stderr.contains("link-local (cloud metadata)"), "{stderr}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn embedded_and_unspecified_address_forms_are_refused() {
    for (host, reason) in [
        // IPv4-mapped, in hexadecimal.
        ("[::ffff:7f00:1]", "loopback"),
        // IPv4-compatible (deprecated, still parsed).
        ("[::127.0.0.1]", "loopback"),
        // NAT64 and 6to4 prefixes carrying a loopback IPv4 address.
        ("[64:ff9b::7f00:1]", "loopback"),
        ("[2002:7f00:1::]", "loopback"),
        ("[fe80::1]", "link-local (fe80::/10)"),
        ("0", "unspecified (0.0.0.0/8)"),
        ("[::]", "unspecified (::)"),
        // A fully qualified name with its trailing dot.
        ("127.0.0.1.", "loopback"),
    ] {
        assert_refused(&format!("https://{host}:8443"), reason);
    }
}
