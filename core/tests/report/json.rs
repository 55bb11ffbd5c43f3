//! The JSON report: versioned, from output types of its own.

use crate::fixtures::{empty, sample};
use oidc_thumb_core::report::json::render;
use serde_json::Value;

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn result<'a>(json: &'a Value, resource: &str) -> &'a Value {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == resource)
        .unwrap()
}

#[test]
fn sample_report() {
    insta::assert_snapshot!(render(&sample()));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(render(&empty()));
}

#[test]
fn top_level_keys_come_in_a_fixed_order() {
    let text = render(&sample());
    let positions: Vec<usize> = [
        "\"version\"",
        "\"generated_at\"",
        "\"expiry_days\"",
        "\"summary\"",
        "\"results\"",
        "\"notices\"",
    ]
    .iter()
    .map(|key| text.find(key).unwrap())
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn summary_counts_match_the_results() {
    let json = parsed(&render(&sample()));
    let summary = &json["summary"];
    assert_eq!(json["version"], 1);
    assert_eq!(json["generated_at"], "2026-06-01T00:00:00Z");
    assert_eq!(summary["declarations"], 8);
    assert_eq!(summary["failed"], 3);
    assert_eq!(summary["warnings"], 2);
    assert_eq!(summary["passed"], 3);
    assert_eq!(summary["by_status"]["pass"], 2);
    assert_eq!(summary["unreadable_files"], 1);
}

#[test]
fn mismatch_carries_the_expected_list_and_the_live_chain() {
    let json = parsed(&render(&sample()));
    let legacy = result(&json, "aws_iam_openid_connect_provider.legacy");
    assert_eq!(legacy["status"], "mismatch");
    assert_eq!(legacy["severity"], "error");
    assert_eq!(legacy["enforcement"], "thumbprint-enforced");
    let expected = legacy["expected"][0].as_str().unwrap();
    let chain = &legacy["hosts"][0]["chains"][0];
    assert_eq!(chain["thumbprint"], expected);
    assert_eq!(chain["top"]["sha1"], expected);
    assert_eq!(chain["verified"], "named-ca");
    assert_eq!(
        legacy["thumbprints"][0],
        "6938fd4d98bab03faadb97b34396831e3780aea1"
    );
}

#[test]
fn unresolved_url_is_null_with_its_expression() {
    let json = parsed(&render(&sample()));
    let this = result(&json, "aws_iam_openid_connect_provider.this");
    assert_eq!(this["url"], Value::Null);
    assert_eq!(this["url_expression"], "var.issuer_url");
    assert_eq!(this["expected"], Value::Null);
    assert_eq!(this["enforcement"], Value::Null);
}

#[test]
fn eks_issuer_gives_the_regional_url_and_the_expression() {
    let json = parsed(&render(&sample()));
    let eks = result(&json, "aws_iam_openid_connect_provider.eks");
    assert_eq!(eks["url"], "https://oidc.eks.eu-west-1.amazonaws.com");
    assert_eq!(
        eks["url_expression"],
        "aws_eks_cluster.main.identity[0].oidc[0].issuer"
    );
}

#[test]
fn dynamic_list_is_flagged_with_no_values() {
    let json = parsed(&render(&sample()));
    let computed = result(&json, "aws_iam_openid_connect_provider.computed");
    assert_eq!(computed["dynamic"], true);
    assert_eq!(computed["thumbprints"], serde_json::json!([]));
    assert_eq!(computed["status"], "dynamic");
}

#[test]
fn suppressed_finding_keeps_its_reason() {
    let json = parsed(&render(&sample()));
    let keycloak = result(&json, "aws_iam_openid_connect_provider.keycloak");
    assert_eq!(keycloak["status"], "pass");
    let finding = &keycloak["findings"][0];
    assert_eq!(finding["status"], "incomplete");
    assert_eq!(finding["host"], "sso.keycloak.example");
    assert_eq!(
        finding["suppressed"],
        "suppressed on line 2: the issuer host is publicly trusted"
    );
}

#[test]
fn unreachable_host_has_its_error_and_no_chain() {
    let json = parsed(&render(&sample()));
    let host = &result(&json, "oidcProvider")["hosts"][0];
    assert_eq!(
        host["error"],
        "unreachable: connection timed out after 10 s"
    );
    assert_eq!(host["chains"], serde_json::json!([]));
    assert_eq!(host["role"], "issuer-and-jwks");
}

#[test]
fn read_notices_are_listed_with_their_place() {
    let json = parsed(&render(&sample()));
    assert_eq!(
        json["notices"],
        serde_json::json!([{
            "file": "cloudformation/broken.yaml",
            "line": 7,
            "column": 3,
            "message": "did not find expected key while parsing a block mapping"
        }])
    );
}

#[test]
fn intercepted_chain_has_no_thumbprint() {
    let report = crate::fixtures::intercepted();
    let text = render(&report);
    let chain = &parsed(&text)["results"][0]["hosts"][0]["chains"][0];
    assert_eq!(chain["intercepted"], true);
    assert_eq!(chain["thumbprint"], Value::Null);
    assert_eq!(chain["top"]["sha1"], Value::Null);
    assert_eq!(chain["top"]["subject"], "CN=Proxy Root CA, O=Example Trust");
    for thumbprint in crate::fixtures::all_chain_thumbprints(&report) {
        assert!(!text.contains(&thumbprint));
    }
}
