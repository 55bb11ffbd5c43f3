//! `thumbprint` through an HTTP CONNECT proxy named by `HTTPS_PROXY`, and around it for
//! hosts in `NO_PROXY`.

mod support;

use serde_json::Value;
use std::process::Output;
use support::command;
use support::pki::Pki;
use support::proxy::ConnectProxy;
use support::server::Server;

/// `thumbprint URL --format json` with the given environment. Every test chain comes from a
/// test PKI whose root is given with `--ca-file`: through a proxy, a chain nothing vouches
/// for is taken for TLS interception.
fn thumbprint(url: &str, env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = dir.path().join("roots.pem");
    let roots: String = PKIS
        .iter()
        .map(|(label, seed)| Pki::new(label, *seed).root.pem())
        .collect();
    std::fs::write(&ca_file, roots).expect("write roots");
    let mut command = command();
    command.args([
        "thumbprint",
        url,
        "--format",
        "json",
        "--allow-private-addresses",
        "--timeout",
        "5",
    ]);
    command.arg("--ca-file").arg(&ca_file);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

/// The test PKIs whose roots are trusted: label and seed.
const PKIS: [(&str, u8); 4] = [
    ("Proxied", 10),
    ("Credentials", 20),
    ("Bypassed", 30),
    ("Refusing", 40),
];

fn pki(label: &str) -> Pki {
    let (label, seed) = PKIS
        .iter()
        .find(|(l, _)| *l == label)
        .expect("a trusted test PKI");
    Pki::new(label, *seed)
}

fn json_of(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn discovery_and_capture_go_through_the_proxy() {
    let chain = pki("Proxied").chain_with_root();
    let server = Server::start(&chain);
    let proxy = ConnectProxy::start();

    let output = thumbprint(&server.url(), &[("HTTPS_PROXY", &proxy.url())]);

    let host = &json_of(&output)[0]["hosts"][0];
    assert_eq!(host["addresses"], serde_json::json!(["proxy"]));
    assert_eq!(host["thumbprint"], chain.top_thumbprint());
    let requests = proxy.requests();
    assert!(!requests.is_empty(), "the proxy was used");
    assert!(requests
        .iter()
        .all(|r| r.starts_with(&format!("CONNECT {} HTTP/1.1\r\n", server.authority()))));
    assert_eq!(
        server.requests().len(),
        1,
        "the discovery document came through"
    );
}

#[test]
fn proxy_credentials_come_from_the_proxy_url_and_go_only_to_the_proxy() {
    let server = Server::start(&pki("Credentials").chain_with_root());
    let proxy = ConnectProxy::start();
    let url = format!("http://user:secret@{}", proxy.address);

    json_of(&thumbprint(&server.url(), &[("https_proxy", &url)]));

    let requests = proxy.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.contains("Proxy-Authorization: Basic dXNlcjpzZWNyZXQ=\r\n")),
        "{requests:?}"
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.to_ascii_lowercase().contains("authorization")));
}

#[test]
fn no_proxy_hosts_are_reached_directly() {
    let server = Server::start(&pki("Bypassed").chain_with_root());
    let proxy = ConnectProxy::start();

    let output = thumbprint(
        &server.url(),
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "localhost,127.0.0.1"),
        ],
    );

    let host = &json_of(&output)[0]["hosts"][0];
    assert_eq!(host["addresses"], serde_json::json!(["127.0.0.1"]));
    assert!(proxy.requests().is_empty());
}

#[test]
fn proxy_that_refuses_is_reported() {
    let server = Server::start(&pki("Refusing").chain_with_root());
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };

    let output = thumbprint(
        &server.url(),
        &[("HTTPS_PROXY", &format!("http://{closed}"))],
    );

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("the proxy {closed} refused the connection")),
        "{stderr}"
    );
}

#[test]
fn unverified_chain_through_a_proxy_is_withheld_as_possible_interception() {
    let chain = Pki::new("Intercepting", 50).chain_with_root();
    let server = Server::start(&chain);
    let proxy = ConnectProxy::start();

    let output = thumbprint(&server.url(), &[("HTTPS_PROXY", &proxy.url())]);

    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let host = &json[0]["hosts"][0];
    assert_eq!(host["thumbprint"], Value::Null);
    assert_eq!(host["verified"], "unverified");
    let error = host["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("possible TLS interception"), "{error}");
    assert_eq!(
        host["chain"][2]["sha1"],
        chain.top_thumbprint(),
        "the chain is still shown"
    );
}
