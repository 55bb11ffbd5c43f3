//! `thumbprint` against servers that misbehave: each gives a clear message and exit 1,
//! within the timeout, and never a panic.

mod support;

use std::time::{Duration, Instant};
use support::command;
use support::pki::Pki;
use support::server::{http_response, Reply, Server};

/// Runs `thumbprint URL --allow-private-addresses --timeout SECONDS`.
fn thumbprint(url: &str, timeout: &str) -> std::process::Output {
    command()
        .args([
            "thumbprint",
            url,
            "--allow-private-addresses",
            "--timeout",
            timeout,
        ])
        .output()
        .expect("the binary runs")
}

/// A server presenting a valid chain and answering `reply`.
fn server(reply: Reply) -> Server {
    Server::builder(&Pki::new("Hostile", 200).chain_with_root())
        .reply(reply)
        .start()
        .expect("server starts")
}

/// Asserts exit 1, no panic, and `expected` on stderr.
fn assert_fails_with(output: &std::process::Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn silent_server_is_given_up_on_within_the_timeout() {
    let server = server(Reply::Silence);

    let started = Instant::now();
    let output = thumbprint(&server.url(), "1");
    let elapsed = started.elapsed();

    assert_fails_with(
        &output,
        "the server did not complete the TLS handshake within 1 s",
    );
    assert!(
        elapsed < Duration::from_millis(2500),
        "took {elapsed:?} with --timeout 1"
    );
}

#[test]
fn reset_during_the_handshake_is_a_tls_error() {
    let server = server(Reply::Reset);

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(&output, "TLS handshake failed: the server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("reset the connection") || stderr.contains("closed the connection"),
        "{stderr}"
    );
}

#[test]
fn oversized_discovery_document_is_refused() {
    // No Content-Length: the body ends with the connection, so the cap has to stop the read.
    let mut response = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[".to_vec();
    response.extend(std::iter::repeat_n(b'0', 5 * 1024 * 1024));
    let server = server(Reply::Raw(response));

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(
        &output,
        "the discovery document is larger than 1048576 bytes",
    );
}

#[test]
fn redirect_is_reported_with_its_target_and_not_followed() {
    let server = server(Reply::Raw(http_response(
        "302 Found",
        &[("Location", "https://login.elsewhere.example/")],
        b"",
    )));

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(
        &output,
        "answered 302, a redirect to https://login.elsewhere.example/; redirects are not followed",
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn html_instead_of_json_is_reported() {
    let server = server(Reply::Raw(http_response(
        "200 OK",
        &[("Content-Type", "text/html")],
        b"<html>Sign in</html>",
    )));

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(&output, "the discovery document is not a JSON object");
}

#[test]
fn plain_http_jwks_uri_is_reported() {
    let server = server(Reply::Discovery("http://keys.example/jwks".to_string()));

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(
        &output,
        "\"jwks_uri\" is \"http://keys.example/jwks\", not an https:// URL",
    );
}

#[test]
fn error_status_is_reported() {
    let server = server(Reply::Raw(http_response("404 Not Found", &[], b"no")));

    let output = thumbprint(&server.url(), "5");

    assert_fails_with(&output, "answered HTTP 404, expected 200");
}

#[test]
fn closed_port_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };

    let output = thumbprint(&format!("https://127.0.0.1:{port}"), "5");

    assert_fails_with(
        &output,
        &format!("127.0.0.1:{port}: unreachable: the connection was refused"),
    );
}
