//! The gate against peers that attack it: slow, endless, oversized, malformed or misdirecting.
//! Each run ends within a bound computed from `--timeout`, exits 1 (never a panic) and names
//! the cause.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use support::command;
use support::pki::{self, Pki};
use support::server::{http_response, Reply, Server};

/// The `--timeout` of every case, in seconds.
const TIMEOUT: u64 = 2;

/// The longest a run may take: one issuer is at most a resolution, a connection, a handshake
/// and a response for its discovery document, then a connection and a handshake for its JWKS
/// host, each bounded by the timeout; the margin covers starting the process on a busy machine.
fn bound() -> Duration {
    Duration::from_secs(5 * TIMEOUT + 10)
}

/// The most resident memory one run may use, in KiB: the README's "Limits" table gives the
/// same figure for a run against hostile hosts.
const PEAK_MEMORY_KIB: u64 = 64 * 1024;

/// What one run of the binary gave, how long it took and how much memory it used.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident memory in KiB, where GNU time is installed to measure it.
    peak_kib: Option<u64>,
}

/// Runs the binary with `args` in `dir`, measured.
fn run(dir: &std::path::Path, args: &[&str]) -> Outcome {
    let folder = tempfile::tempdir().expect("temporary folder");
    let peak = folder.path().join("peak");
    let mut command = support::command_measured(&peak).unwrap_or_else(command);
    let started = Instant::now();
    let output = command
        .current_dir(dir)
        .args(args)
        .args([
            "--allow-private-addresses",
            "--timeout",
            &TIMEOUT.to_string(),
        ])
        .output()
        .expect("the binary runs");
    let elapsed = started.elapsed();
    let peak_kib = std::fs::read_to_string(&peak)
        .ok()
        .and_then(|text| text.trim().lines().last()?.trim().parse().ok());
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed,
        peak_kib,
    }
}

/// `thumbprint URL --allow-private-addresses --timeout TIMEOUT`.
fn thumbprint(url: &str) -> Outcome {
    run(&std::env::temp_dir(), &["thumbprint", url])
}

impl Outcome {
    /// Exit 1 within the time and memory bounds, no panic, and `cause` named on stderr.
    fn assert_fails_in_time_naming(&self, cause: &str) {
        assert!(
            self.stderr.contains(cause),
            "expected {cause:?} in:\n{}",
            self.stderr
        );
        self.assert_fails_within_bounds();
    }

    fn assert_fails_within_bounds(&self) {
        assert_eq!(self.code, Some(1), "{}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert!(
            self.elapsed < bound(),
            "took {:?}, more than {:?}",
            self.elapsed,
            bound()
        );
        if let Some(peak) = self.peak_kib {
            assert!(
                peak < PEAK_MEMORY_KIB,
                "peak memory {peak} KiB, more than {PEAK_MEMORY_KIB} KiB"
            );
            // dist/bench-hostile.sh collects these lines.
            eprintln!("peak memory {peak} KiB");
        }
    }
}

/// A server with a valid chain that answers `reply`.
fn tls_server(reply: Reply) -> Server {
    Server::builder(&Pki::new("Hostile", 210).chain_with_root())
        .reply(reply)
        .start()
        .expect("server starts")
}

/// A plain TCP peer on loopback that writes `bytes` to every connection, then closes it.
struct RawPeer {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl RawPeer {
    fn start(bytes: &'static [u8]) -> RawPeer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let stop = Arc::new(AtomicBool::new(false));
        let accept_stop = Arc::clone(&stop);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let mut hello = [0u8; 512];
                let _ = stream.read(&mut hello);
                let _ = stream.write_all(bytes);
                let _ = stream.shutdown(Shutdown::Write);
                // Drain until the client closes, so the close is not a reset.
                while matches!(stream.read(&mut hello), Ok(n) if n > 0) {}
            }
        });
        RawPeer {
            address,
            stop,
            accept: Some(accept),
        }
    }

    fn url(&self) -> String {
        format!("https://{}", self.address)
    }
}

impl Drop for RawPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = std::net::TcpStream::connect_timeout(&self.address, Duration::from_millis(200));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

#[test]
fn response_sent_one_byte_a_second_is_cut_off_at_the_timeout() {
    let head = b"HTTP/1.1 200 OK\r\n".to_vec();
    let server = tls_server(Reply::Stream {
        head,
        piece: b"X".to_vec(),
        pause: Duration::from_secs(1),
        total: None,
    });

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming("reading the response timed out");
}

#[test]
fn endless_body_stops_at_the_discovery_cap() {
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let mut piece = format!("{:x}\r\n", 16 * 1024).into_bytes();
    piece.extend(std::iter::repeat_n(b' ', 16 * 1024));
    piece.extend(b"\r\n");
    let server = tls_server(Reply::Stream {
        head,
        piece,
        pause: Duration::ZERO,
        total: None,
    });

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming("the discovery document is larger than 1048576 bytes");
}

#[test]
fn fifty_megabytes_of_discovery_json_are_not_read() {
    let head = http_head_with_length(50 * 1024 * 1024);
    let mut piece = b"{\"jwks_uri\":\"https://127.0.0.1/jwks\",\"padding\":[".to_vec();
    piece.extend(std::iter::repeat_n(b'0', 64 * 1024 - piece.len()));
    let server = tls_server(Reply::Stream {
        head,
        piece,
        pause: Duration::ZERO,
        total: Some(50 * 1024 * 1024),
    });

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming("the discovery document is larger than 1048576 bytes");
}

#[test]
fn json_nested_a_hundred_thousand_deep_is_not_a_discovery_document() {
    let body = "[".repeat(100_000);
    let server = tls_server(Reply::Raw(http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )));

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming("recursion limit exceeded");
}

#[test]
fn garbage_instead_of_tls_is_a_tls_error() {
    let peer = RawPeer::start(b"SSH-2.0-OpenSSH_9.6\r\nnot a TLS record at all\r\n");

    let outcome = thumbprint(&peer.url());

    outcome.assert_fails_in_time_naming("not a TLS record");
}

#[test]
fn tls_alert_is_a_tls_error_that_names_the_alert() {
    // A TLS 1.2 record holding a fatal handshake_failure alert.
    let peer = RawPeer::start(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);

    let outcome = thumbprint(&peer.url());

    outcome.assert_fails_in_time_naming("the server sent the fatal TLS alert HandshakeFailure");
}

/// A server presenting a valid chain padded with copies of its intermediate to `length`
/// certificates.
fn server_with_chain_of(length: usize) -> Server {
    let pki = Pki::new("Long", 220);
    let mut chain = pki.chain_with_root();
    while chain.certs.len() < length {
        chain.certs.push(pki.intermediate.cert.clone());
    }
    Server::builder(&chain).start().expect("server starts")
}

#[test]
fn chain_of_two_hundred_certificates_is_refused() {
    let server = server_with_chain_of(200);

    let outcome = thumbprint(&server.url());

    // Two hundred certificates do not fit in one TLS handshake message.
    outcome.assert_fails_in_time_naming("larger than 64 KiB");
}

#[test]
fn chain_longer_than_the_limit_but_small_is_refused_by_length() {
    let server = server_with_chain_of(oidc_thumb_core::MAX_CHAIN_LEN + 8);

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming(&format!(
        "more than {} certificates",
        oidc_thumb_core::MAX_CHAIN_LEN
    ));
}

#[test]
fn one_megabyte_certificate_is_refused() {
    let chain = pki::oversized("Huge server", 230, 1024 * 1024);
    let server = Server::builder(&chain).start().expect("server starts");

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming("larger than 64 KiB");
}

#[test]
fn redirect_to_itself_is_not_followed() {
    let looping = tls_server(Reply::Raw(http_response(
        "301 Moved Permanently",
        &[("Location", "/.well-known/openid-configuration")],
        b"",
    )));

    let outcome = thumbprint(&looping.url());

    outcome.assert_fails_in_time_naming("redirects are not followed");
    assert_eq!(looping.requests().len(), 1);
}

#[test]
fn jwks_uri_on_a_closed_port_is_unreachable_and_named() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let server = tls_server(Reply::Discovery(format!("https://127.0.0.1:{closed}/jwks")));

    let outcome = thumbprint(&server.url());

    outcome.assert_fails_in_time_naming(&format!(
        "127.0.0.1:{closed}: unreachable: the connection was refused"
    ));
}

#[test]
fn jwks_uri_on_another_port_is_fetched_there() {
    let keys = tls_server(Reply::Raw(Vec::new()));
    let issuer = tls_server(Reply::Discovery(format!(
        "https://127.0.0.1:{}/jwks",
        keys.port()
    )));

    let outcome = run(
        &std::env::temp_dir(),
        &["thumbprint", &issuer.url(), "--format", "json"],
    );

    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).expect("stdout is JSON");
    let ports: Vec<u64> = report[0]["hosts"]
        .as_array()
        .expect("hosts is a list")
        .iter()
        .filter_map(|host| host["port"].as_u64())
        .collect();
    assert!(ports.contains(&u64::from(keys.port())), "{report}");
    assert!(ports.contains(&u64::from(issuer.port())), "{report}");
}

/// A response head that announces `length` body bytes.
fn http_head_with_length(length: usize) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n")
        .into_bytes()
}

#[test]
fn the_gate_judges_every_hostile_issuer_at_once_within_one_bound() {
    let slow = tls_server(Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\n".to_vec(),
        piece: b"X".to_vec(),
        pause: Duration::from_secs(1),
        total: None,
    });
    let endless = tls_server(Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n".to_vec(),
        piece: vec![b' '; 16 * 1024],
        pause: Duration::ZERO,
        total: None,
    });
    let garbage = RawPeer::start(b"220 smtp.example ESMTP ready\r\n");
    let alert = RawPeer::start(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    let redirect = tls_server(Reply::Raw(http_response(
        "302 Found",
        &[("Location", "https://169.254.169.254/latest/meta-data")],
        b"",
    )));
    let nested = tls_server(Reply::Raw(http_response(
        "200 OK",
        &[("Content-Type", "application/json")],
        "[".repeat(100_000).as_bytes(),
    )));
    // Issuer name, URL, the status and the words the finding must carry.
    let cases = [
        ("slow", slow.url(), "reading the response timed out"),
        ("endless", endless.url(), "larger than 1048576 bytes"),
        ("garbage", garbage.url(), "not a TLS record"),
        ("alert", alert.url(), "TLS alert HandshakeFailure"),
        ("redirect", redirect.url(), "redirects are not followed"),
        ("nested", nested.url(), "recursion limit exceeded"),
    ];
    // The issuer hosts that answer TLS present the right top certificate, so each result
    // fails for its hostile cause alone.
    let top = Pki::new("Hostile", 210).chain_with_root().top_thumbprint();
    let repo = tempfile::tempdir().expect("temporary folder");
    let mut terraform = String::new();
    for (name, url, _) in &cases {
        terraform.push_str(&format!(
            "resource \"aws_iam_openid_connect_provider\" \"{name}\" {{\n  url = \"{url}\"\n  \
             client_id_list = [\"sts.amazonaws.com\"]\n  thumbprint_list = [\"{top}\"]\n}}\n\n"
        ));
    }
    std::fs::write(repo.path().join("iam.tf"), terraform).expect("write iam.tf");

    let outcome = run(repo.path(), &["check", "--format", "json"]);

    outcome.assert_fails_within_bounds();
    let stdout = &outcome.stdout;
    let report: serde_json::Value = serde_json::from_str(stdout).expect("stdout is JSON");
    let results = report["results"].as_array().expect("results is a list");
    assert_eq!(results.len(), cases.len(), "{report:#}");
    for (_, url, cause) in &cases {
        let result = results
            .iter()
            .find(|r| r["url"].as_str() == Some(url.as_str()))
            .unwrap_or_else(|| panic!("no result for {url}: {report:#}"));
        assert_eq!(result["severity"], "error", "{result:#}");
        let message = result["message"].as_str().unwrap_or_default();
        assert!(message.contains(cause), "expected {cause:?} in {result:#}");
        let findings = result["findings"].as_array().map_or(0, Vec::len);
        assert_eq!(findings, 1, "the cause is said once: {result:#}");
    }
}
