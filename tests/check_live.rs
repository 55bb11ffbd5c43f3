//! `check` against TLS servers on loopback: the fixtures of `tests/fixtures/check/` with their
//! issuer URLs pointed at servers that present the test providers' chains.

mod support;

use std::net::TcpListener;
use support::check::{Providers, Repo, Run, EXPIRED_TOP, IDP_TOP, KEYS_TOP};
use support::server::{Reply, Server};

/// The only result of a `--format json` run.
fn only_result(run: &Run) -> serde_json::Value {
    let json = run.json();
    let results = json["results"].as_array().expect("results is an array");
    assert_eq!(results.len(), 1, "{run}");
    results[0].clone()
}

/// `check --format json` on a fixture whose `https://HOST` is the server's URL.
fn check_against(fixture: &str, host: &str, server: &Server) -> Run {
    let repo = Repo::fixture_with_urls(fixture, &[(host, server.url())]);
    Run::of(repo.check_live().args(["--format", "json"]))
}

#[test]
fn matching_top_thumbprint_passes() {
    let server = Server::start(&Providers::new().idp.chain_with_root());

    let run = check_against("pass", "idp.example.test", &server);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    assert_eq!(result["enforcement"], "thumbprint-enforced");
    let chain = &result["hosts"][0]["chains"][0];
    assert_eq!(chain["thumbprint"], IDP_TOP);
    assert_eq!(chain["addresses"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(chain["verified"], "unverified");
}

#[test]
fn mismatch_fails_naming_the_expected_thumbprint() {
    let server = Server::start(&Providers::new().idp.chain_with_root());

    let run = check_against("mismatch", "idp.example.test", &server);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "mismatch");
    assert_eq!(result["file"], "iam.tf");
    assert_eq!(result["line"], 5);
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("expected {IDP_TOP}")),
        "{message}"
    );
    assert!(message.contains("InvalidIdentityToken"), "{message}");
}

#[test]
fn leaf_pin_is_a_fragile_pin_warning() {
    let server = Server::start(&Providers::new().idp.chain_with_root());

    let run = check_against("fragile_pin", "idp.example.test", &server);

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "fragile-pin");
    assert_eq!(result["severity"], "warning");
}

#[test]
fn missing_jwks_host_thumbprint_is_incomplete() {
    let providers = Providers::new();
    let keys = Server::start(&providers.keys.chain_with_root());
    let sso = Server::builder(&providers.sso.chain_with_root())
        .reply(Reply::Discovery(format!("{}/oauth2/keys", keys.url())))
        .start()
        .expect("a loopback port is free");

    let run = check_against("incomplete_jwks_host", "sso.example.test", &sso);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "incomplete");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("JWKS host {}", keys.authority())),
        "{message}"
    );
    assert!(
        message.contains(&format!("expected {KEYS_TOP}")),
        "{message}"
    );
}

#[test]
fn top_certificate_expiring_within_the_window_fails() {
    let server = Server::start(&Providers::new().expiring.chain_with_root());

    let run = check_against("expiring", "expiring.example.test", &server);

    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(only_result(&run)["status"], "expiring");
}

#[test]
fn expired_chain_is_still_observed_and_fails() {
    let server = Server::start(&Providers::new().expired.chain_with_root());

    let run = check_against("expired", "expired.example.test", &server);

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "expired");
    assert!(
        result["message"]
            .as_str()
            .is_some_and(|m| m.contains(EXPIRED_TOP)),
        "{result:#}"
    );
}

#[test]
fn closed_port_is_unreachable() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port is free");
        listener.local_addr().expect("an address").port()
    };
    let url = format!("https://127.0.0.1:{port}");
    let repo = Repo::fixture_with_urls("unreachable", &[("gone.example.test", url)]);

    let run = Run::of(repo.check_live().args(["--format", "json"]));

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "unreachable");
    assert!(
        result["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("127.0.0.1:{port}"))),
        "{result:#}"
    );
}

#[test]
fn private_address_is_refused_unless_allowed() {
    let server = Server::start(&Providers::new().idp.chain_with_root());
    let repo = Repo::fixture_with_urls("pass", &[("idp.example.test", server.url())]);

    let run = Run::of(repo.check().args(["--timeout", "5", "--format", "json"]));

    assert_eq!(run.code, Some(1), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "refused-address");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(message.contains("--allow-private-addresses"), "{message}");
    assert!(
        server.requests().is_empty(),
        "nothing was sent to the server"
    );
}

#[test]
fn private_host_allowed_in_the_configuration_is_checked() {
    let server = Server::start(&Providers::new().idp.chain_with_root());
    let repo = Repo::fixture_with_urls("pass", &[("idp.example.test", server.url())]);
    repo.write(
        ".oidc-thumb-check.toml",
        "[network]\nallow-private-networks = [\"127.0.0.0/8\"]\n",
    );

    let run = Run::of(repo.check().args(["--timeout", "5", "--format", "json"]));

    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(only_result(&run)["status"], "pass");
}

#[test]
fn text_report_names_the_file_and_the_expected_thumbprint() {
    let server = Server::start(&Providers::new().idp.chain_with_root());
    let repo = Repo::fixture_with_urls("mismatch", &[("idp.example.test", server.url())]);

    let run = Run::of(&mut repo.check_live());

    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stdout.starts_with("iam.tf\n  5:3 "), "{run}");
    assert!(run.stdout.contains(&format!("expected {IDP_TOP}")), "{run}");
    assert!(
        run.stdout.contains(&format!(
            "issuer and JWKS host {}: Idp Root CA",
            server.authority()
        )),
        "{run}"
    );
}

#[test]
fn each_issuer_is_fetched_once_however_many_declarations_name_it() {
    let server = Server::start(&Providers::new().idp.chain_with_root());
    let repo = Repo::fixture_with_urls(
        "one_issuer_two_declarations",
        &[("idp.example.test", server.url())],
    );

    let run = Run::of(repo.check_live().args(["--format", "json"]));

    assert_eq!(run.code, Some(0), "{run}");
    let statuses: Vec<String> = run.json()["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["status"].to_string())
        .collect();
    assert_eq!(statuses, ["\"pass\"", "\"pass\""]);
    let discovery_requests = server
        .requests()
        .iter()
        .filter(|r| r.contains("/.well-known/openid-configuration"))
        .count();
    assert_eq!(discovery_requests, 1, "{:?}", server.requests());
}

#[test]
fn chain_of_a_named_ca_is_verified_and_still_thumbprint_enforced() {
    let providers = Providers::new();
    let server = Server::start(&providers.idp.chain_with_root());
    let repo = Repo::fixture_with_urls("pass", &[("idp.example.test", server.url())]);
    repo.write("../corp-root.pem", &providers.idp.root.pem());

    let run =
        Run::of(
            repo.check_live()
                .args(["--ca-file", "../corp-root.pem", "--format", "json"]),
        );

    assert_eq!(run.code, Some(0), "{run}");
    let result = only_result(&run);
    assert_eq!(result["status"], "pass");
    assert_eq!(result["enforcement"], "thumbprint-enforced");
    assert_eq!(result["hosts"][0]["chains"][0]["verified"], "named-ca");
}
