//! `thumbprint` against TLS servers on loopback: which certificate is the top one, which
//! hosts are shown, how chains verify, and the output formats.

mod support;

use serde_json::Value;
use std::net::{SocketAddr, ToSocketAddrs};
use support::command;
use support::pki::{self, Pki, CURRENT, EXPIRED};
use support::server::{Reply, Server};

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `thumbprint ARGS --allow-private-addresses --timeout 5`.
fn thumbprint(args: &[&str]) -> std::process::Output {
    command()
        .arg("thumbprint")
        .args(args)
        .args(["--allow-private-addresses", "--timeout", "5"])
        .output()
        .expect("the binary runs")
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn presented_root_is_the_top_certificate() {
    let pki = Pki::new("Presented", 10);
    let chain = pki.chain_with_root();
    let server = Server::start(&chain);

    let output = thumbprint(&[&server.url()]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let first_line = stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first_line,
        format!("{}  {}", server.authority(), pki::sha1_of(&pki.root.cert))
    );
    assert!(stdout.contains("3. CN=Presented Root CA"), "{stdout}");
    assert!(stdout.contains("<- top certificate"), "{stdout}");
}

#[test]
fn without_the_root_the_intermediate_is_the_top_certificate() {
    let pki = Pki::new("Unrooted", 20);
    let server = Server::start(&pki.chain_without_root());

    let output = thumbprint(&[&server.url(), "--quiet"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        format!("{}\n", pki::sha1_of(&pki.intermediate.cert))
    );
}

#[test]
fn discovery_request_is_a_plain_get_for_json() {
    let pki = Pki::new("Request", 25);
    let server = Server::start(&pki.chain_with_root());

    let output = thumbprint(&[&format!("{}/realms/main", server.url())]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let requests = server.requests();
    let discovery = requests
        .iter()
        .find(|r| r.starts_with("GET /realms/main/.well-known/openid-configuration HTTP/1.1"))
        .expect("the discovery document was requested");
    assert!(discovery.contains(&format!("Host: {}\r\n", server.authority())));
    assert!(discovery.contains("Accept: application/json\r\n"));
    assert!(discovery.contains("User-Agent: oidc-thumb-check/"));
    assert!(!discovery.to_ascii_lowercase().contains("cookie"));
}

#[test]
fn issuer_and_jwks_on_different_ports_show_both_thumbprints() {
    let keys_pki = Pki::new("Keys", 30);
    let keys = Server::start(&keys_pki.chain_without_root());
    let issuer_pki = Pki::new("Issuer", 40);
    let issuer = Server::builder(&issuer_pki.chain_with_root())
        .reply(Reply::Discovery(format!("{}/jwks", keys.url())))
        .start()
        .expect("server starts");

    let output = thumbprint(&[&issuer.url()]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let summary: Vec<&str> = stdout.lines().take(2).collect();
    assert_eq!(
        summary,
        [
            format!(
                "{}  {}",
                issuer.authority(),
                pki::sha1_of(&issuer_pki.root.cert)
            ),
            format!(
                "{}  {}",
                keys.authority(),
                pki::sha1_of(&keys_pki.intermediate.cert)
            ),
        ]
    );
    assert!(stdout.contains(&format!("jwks_uri: {}/jwks", keys.url())));
    assert!(stdout.contains("(issuer host)"), "{stdout}");
    assert!(stdout.contains("(JWKS host)"), "{stdout}");
}

#[test]
fn a_host_target_is_captured_without_discovery() {
    let pki = Pki::new("Bare", 45);
    let server = Server::start(&pki.chain_with_root());

    let output = thumbprint(&[&server.authority(), "--quiet"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        format!("{}\n", pki::sha1_of(&pki.root.cert))
    );
    assert!(server.requests().is_empty(), "no HTTP request is sent");
}

#[test]
fn ipv6_literal_urls_work() {
    let pki = Pki::new("Six", 50);
    let chain = pki.chain_with_root();
    let Ok(server) = Server::builder(&chain)
        .at(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)))
        .start()
    else {
        eprintln!("skipped: this machine cannot listen on [::1]");
        return;
    };

    let output = thumbprint(&[&server.url(), "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let json = json_of(&output);
    assert_eq!(json[0]["hosts"][0]["host"], "::1");
    assert_eq!(json[0]["hosts"][0]["addresses"][0], "::1");
    assert_eq!(
        json[0]["jwks_uri"],
        format!("https://[::1]:{}/jwks", server.port())
    );
}

/// Both loopback addresses of `localhost`, on one port, each presenting its own chain.
#[test]
fn every_address_of_a_host_reports_its_own_chain() {
    let resolved: Vec<SocketAddr> = ("localhost", 0)
        .to_socket_addrs()
        .map(|a| a.collect())
        .unwrap_or_default();
    let has = |text: &str| resolved.iter().any(|a| a.ip().to_string() == text);
    if !(has("127.0.0.1") && has("::1")) {
        eprintln!(
            "skipped: localhost does not resolve to both 127.0.0.1 and ::1 here ({resolved:?})"
        );
        return;
    }
    let four_pki = Pki::new("Four", 60);
    let four = Server::start(&four_pki.chain_with_root());
    let six_pki = Pki::new("Six", 70);
    let Ok(_six) = Server::builder(&six_pki.chain_with_root())
        .at(SocketAddr::from((
            std::net::Ipv6Addr::LOCALHOST,
            four.port(),
        )))
        .start()
    else {
        eprintln!("skipped: [::1]:{} cannot be bound here", four.port());
        return;
    };

    let output = thumbprint(&[&format!("localhost:{}", four.port()), "--quiet"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(
        stdout.contains(&pki::sha1_of(&four_pki.root.cert)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&pki::sha1_of(&six_pki.root.cert)),
        "{stdout}"
    );
}

#[test]
fn expired_chain_is_captured_and_reported() {
    let pki = Pki::with_validity("Lapsed", 80, EXPIRED);
    let server = Server::start(&pki.chain_with_root());

    let output = thumbprint(&[&server.url()]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert!(stdout.contains(&pki::sha1_of(&pki.root.cert)), "{stdout}");
    assert!(stdout.contains("expires: 2020-01-01 (expired"), "{stdout}");
}

#[test]
fn self_signed_certificate_is_its_own_top() {
    let chain = pki::self_signed("Lonely server", 90, CURRENT);
    let server = Server::start(&chain);

    let output = thumbprint(&[&server.url(), "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let host = &json_of(&output)[0]["hosts"][0];
    assert_eq!(host["thumbprint"], chain.top_thumbprint());
    assert_eq!(host["chain"][0]["self_signed"], true);
    assert_eq!(host["verified"], "unverified");
}

#[test]
fn private_root_given_by_ca_file_verifies_as_named_ca() {
    let pki = Pki::new("Private", 100);
    let server = Server::start(&pki.chain_without_root());
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = dir.path().join("private-root.pem");
    std::fs::write(&ca_file, pki.root.pem()).expect("write CA file");

    let output = command()
        .args(["thumbprint", &server.url(), "--format", "json"])
        .args(["--allow-private-addresses", "--ca-file"])
        .arg(&ca_file)
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(json_of(&output)[0]["hosts"][0]["verified"], "named-ca");
}

#[test]
fn unknown_private_root_is_unverified_with_the_reason() {
    let pki = Pki::new("Unknown", 105);
    let server = Server::start(&pki.chain_without_root());

    let output = thumbprint(&[&server.url()]);

    let stdout = stdout_of(&output);
    assert!(
        stdout.contains("not verified: the chain does not lead to a trusted root"),
        "{stdout}"
    );
}

#[test]
fn unreadable_ca_file_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let not_pem = dir.path().join("not-a-certificate.pem");
    std::fs::write(&not_pem, "hello\n").expect("write file");

    let output = thumbprint(&[
        "https://127.0.0.1:9",
        "--ca-file",
        &not_pem.to_string_lossy(),
    ]);

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("--ca-file"), "{stderr}");
    assert!(stderr.contains("not-a-certificate.pem"), "{stderr}");
    assert!(stderr.contains("no PEM certificate"), "{stderr}");
}

#[test]
fn loopback_is_refused_without_allow_private_addresses() {
    let pki = Pki::new("Refused", 110);
    let server = Server::start(&pki.chain_with_root());

    let output = command()
        .args(["thumbprint", &server.url()])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("refused to connect to 127.0.0.1: the address is loopback"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-private-addresses"), "{stderr}");
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[test]
fn configuration_file_opens_a_private_network() {
    let pki = Pki::new("Configured", 115);
    let server = Server::start(&pki.chain_with_root());
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("oidc-thumb-check.toml");
    std::fs::write(
        &config,
        "[network]\nallow-private-networks = [\"127.0.0.0/8\"]\n",
    )
    .expect("write configuration");

    let output = command()
        .args(["thumbprint", &server.url(), "-q", "--config"])
        .arg(&config)
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        format!("{}\n", pki::sha1_of(&pki.root.cert))
    );
}

#[test]
fn bad_url_is_a_usage_error() {
    let output = command()
        .args(["thumbprint", "http://idp.example"])
        .output()
        .expect("the binary runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is not an https:// URL"));
    assert!(output.stdout.is_empty());
}

#[test]
fn quiet_prints_each_thumbprint_once() {
    let pki = Pki::new("Quiet", 120);
    let chain = pki.chain_with_root();
    let first = Server::start(&chain);
    let second = Server::start(&chain);

    let output = thumbprint(&[&first.url(), &second.authority(), "-q"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), format!("{}\n", chain.top_thumbprint()));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
}

#[test]
fn verbose_describes_each_host_on_stderr() {
    let pki = Pki::new("Verbose", 125);
    let server = Server::start(&pki.chain_with_root());

    let output = thumbprint(&[&server.authority(), "-v"]);

    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!(
            "{}: top certificate Verbose Root CA ({})",
            server.authority(),
            pki::sha1_of(&pki.root.cert)
        )),
        "{stderr}"
    );
}

/// Replaces the two servers' ports, which change from run to run.
fn redact_ports(json: &mut Value, ports: &[(u16, &str)]) {
    match json {
        Value::String(text) => {
            for (port, name) in ports {
                *text = text.replace(&format!(":{port}"), &format!(":[{name}]"));
            }
        }
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                let port = value.as_u64();
                match ports
                    .iter()
                    .find(|(p, _)| key == "port" && port == Some(u64::from(*p)))
                {
                    Some((_, name)) => *value = Value::String(format!("[{name}]")),
                    None => redact_ports(value, ports),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_ports(v, ports)),
        _ => {}
    }
}

#[test]
fn json_output_is_stable() {
    let keys_pki = Pki::new("Snapshot Keys", 130);
    let keys = Server::start(&keys_pki.chain_without_root());
    let issuer_pki = Pki::new("Snapshot Issuer", 140);
    let issuer = Server::builder(&issuer_pki.chain_with_root())
        .reply(Reply::Discovery(format!("{}/jwks", keys.url())))
        .start()
        .expect("server starts");

    let output = thumbprint(&[&issuer.url(), "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let mut json = json_of(&output);
    redact_ports(
        &mut json,
        &[(issuer.port(), "issuer port"), (keys.port(), "keys port")],
    );
    insta::assert_json_snapshot!("thumbprint_json", json);
}
