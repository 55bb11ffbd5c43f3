//! The JUnit report, parsed back as a test reporter would read it.

use crate::fixtures::{empty, sample};
use oidc_thumb_core::report::junit::render;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// One `<testcase>` as read back.
#[derive(Debug, Default)]
struct Case {
    suite: String,
    name: String,
    classname: String,
    /// `failure`, `error` or `skipped`, with its `type` and `message`; none for a pass.
    outcome: Option<(String, String, String)>,
    outcome_body: String,
    system_out: String,
}

/// A `<testsuite>`'s `name`, `tests`, `failures` and `errors` attributes.
type Suite = (String, usize, usize, usize);

/// The suites and every case.
fn read(xml: &str) -> (Vec<Suite>, Vec<Case>) {
    let mut reader = Reader::from_str(xml);
    let mut suites = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut suite = String::new();
    let mut inside = String::new();

    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuite" => {
                suite = attr(&e, "name");
                suites.push((
                    suite.clone(),
                    attr(&e, "tests").parse().unwrap(),
                    attr(&e, "failures").parse().unwrap(),
                    attr(&e, "errors").parse().unwrap(),
                ));
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                cases.push(Case {
                    suite: suite.clone(),
                    name: attr(&e, "name"),
                    classname: attr(&e, "classname"),
                    ..Case::default()
                });
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), b"failure" | b"error" | b"skipped") =>
            {
                let kind = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                inside = kind.clone();
                let case = cases.last_mut().unwrap();
                case.outcome = Some((kind, attr(&e, "type"), attr(&e, "message")));
            }
            Event::Start(e) if e.name().as_ref() == b"system-out" => {
                inside = "system-out".into();
            }
            Event::End(_) => inside.clear(),
            Event::CData(text) => {
                let text = String::from_utf8(text.into_inner().to_vec()).unwrap();
                let case = cases.last_mut().unwrap();
                match inside.as_str() {
                    "system-out" => case.system_out.push_str(&text),
                    "" => {}
                    _ => case.outcome_body.push_str(&text),
                }
            }
            _ => {}
        }
    }
    (suites, cases)
}

fn attr(e: &BytesStart<'_>, name: &str) -> String {
    e.try_get_attribute(name)
        .unwrap()
        .map(|a| {
            a.normalized_value(XmlVersion::Explicit1_0)
                .unwrap()
                .into_owned()
        })
        .unwrap_or_default()
}

fn case<'a>(cases: &'a [Case], name: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}: {cases:#?}"))
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
fn one_suite_per_file_with_its_counts() {
    let (suites, _) = read(&render(&sample()));
    let names: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "cloudformation/broken.yaml",
            "cloudformation/oidc.yaml",
            "infra/eks.tf",
            "infra/github.tf",
            "infra/keycloak.tf",
            "infra/modules/oidc/main.tf",
            "pulumi/Pulumi.yaml",
        ]
    );
    let github = suites.iter().find(|s| s.0 == "infra/github.tf").unwrap();
    assert_eq!((github.1, github.2, github.3), (2, 1, 0));
}

#[test]
fn error_findings_fail_their_case_typed_by_status() {
    let (_, cases) = read(&render(&sample()));
    let failures: Vec<(&str, &str)> = cases
        .iter()
        .filter_map(|c| match &c.outcome {
            Some((kind, status, _)) if kind == "failure" => {
                Some((c.name.as_str(), status.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        failures,
        [
            ("GitLabProvider @ gitlab.example", "expiring"),
            (
                "aws_iam_openid_connect_provider.legacy @ legacy.example",
                "mismatch"
            ),
            ("oidcProvider @ auth.example", "unreachable"),
        ]
    );
}

#[test]
fn failure_message_is_the_finding_and_the_body_says_what_to_write() {
    let (_, cases) = read(&render(&sample()));
    let legacy = case(
        &cases,
        "aws_iam_openid_connect_provider.legacy @ legacy.example",
    );
    let (_, _, message) = legacy.outcome.as_ref().unwrap();
    assert!(message.starts_with("thumbprint \"6938fd4d...aea1\" does not match"));
    assert!(legacy.outcome_body.starts_with("put this in the file: [\""));
    assert!(legacy.outcome_body.contains("help: IAM compares the SHA-1"));
    assert_eq!(legacy.classname, "infra/github.tf");
}

#[test]
fn warnings_pass_with_the_warning_in_system_out() {
    let (_, cases) = read(&render(&sample()));
    let eks = case(
        &cases,
        "aws_iam_openid_connect_provider.eks @ oidc.eks.eu-west-1.amazonaws.com",
    );
    assert!(eks.outcome.is_none());
    assert!(eks
        .system_out
        .starts_with("warning fragile-pin: thumbprint"));
}

#[test]
fn system_out_shows_the_chain_with_subjects_thumbprints_and_expiry() {
    let (_, cases) = read(&render(&sample()));
    let github = case(
        &cases,
        "aws_iam_openid_connect_provider.github @ token.actions.example",
    );
    assert!(github.outcome.is_none());
    assert!(github
        .system_out
        .contains("presented from 192.0.2.10 (trust: public):"));
    assert!(github
        .system_out
        .contains("  3. CN=Actions Root CA, O=Example Trust sha1 "));
    assert!(github
        .system_out
        .contains("expires 2035-01-01 (3136 days left)"));
}

#[test]
fn unchecked_declarations_are_skipped_with_the_reason() {
    let (_, cases) = read(&render(&sample()));
    let computed = case(&cases, "aws_iam_openid_connect_provider.computed");
    let (kind, status, _) = computed.outcome.as_ref().unwrap();
    assert_eq!((kind.as_str(), status.as_str()), ("skipped", "dynamic"));
    let this = case(&cases, "aws_iam_openid_connect_provider.this");
    assert_eq!(this.outcome.as_ref().unwrap().1, "unresolved");
}

#[test]
fn suppressed_finding_passes_and_is_noted() {
    let (_, cases) = read(&render(&sample()));
    let sso = case(
        &cases,
        "aws_iam_openid_connect_provider.keycloak @ sso.keycloak.example",
    );
    assert!(sso.outcome.is_none());
    assert!(sso.system_out.starts_with("suppressed incomplete: "));
}

#[test]
fn unreadable_file_is_an_errored_case() {
    let (_, cases) = read(&render(&sample()));
    let broken = case(&cases, "reading cloudformation/broken.yaml");
    let (kind, kind_type, message) = broken.outcome.as_ref().unwrap();
    assert_eq!((kind.as_str(), kind_type.as_str()), ("error", "unreadable"));
    assert!(message.starts_with("cloudformation/broken.yaml:7:3: did not find"));
}

#[test]
fn nothing_found_is_one_passing_case() {
    let (suites, cases) = read(&render(&empty()));
    assert_eq!(suites, [("oidc-thumb-check".to_string(), 1, 0, 0)]);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].name, "no OIDC provider declarations found");
    assert!(cases[0].outcome.is_none());
}

#[test]
fn a_case_per_host_and_none_for_a_declaration_without_its_own_findings() {
    let (_, cases) = read(&render(&sample()));
    let keycloak: Vec<&str> = cases
        .iter()
        .filter(|c| c.suite == "infra/keycloak.tf")
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        keycloak,
        [
            "aws_iam_openid_connect_provider.keycloak @ keys.keycloak.example",
            "aws_iam_openid_connect_provider.keycloak @ sso.keycloak.example",
        ]
    );
}

#[test]
fn cdata_terminator_and_control_characters_in_messages_stay_well_formed() {
    let awkward = "a ]]> b \u{1} <c> & \"d\"";
    let mut report = sample();
    report.results[4].findings[0].message = awkward.into();
    report.results[1].findings[0].message = awkward.into();
    let (_, cases) = read(&render(&report));

    let legacy = case(
        &cases,
        "aws_iam_openid_connect_provider.legacy @ legacy.example",
    );
    let (_, _, message) = legacy.outcome.as_ref().unwrap();
    assert_eq!(message, "a ]]> b  <c> & \"d\"");
    let eks = case(
        &cases,
        "aws_iam_openid_connect_provider.eks @ oidc.eks.eu-west-1.amazonaws.com",
    );
    assert!(eks
        .system_out
        .starts_with("warning fragile-pin: a ]]> b  <c> & \"d\"\n"));
}

#[test]
fn intercepted_chain_is_shown_without_thumbprints() {
    let report = crate::fixtures::intercepted();
    let xml = render(&report);
    let (_, cases) = read(&xml);
    let corp = case(
        &cases,
        "aws_iam_openid_connect_provider.corp @ idp.corp.example",
    );
    assert!(corp
        .system_out
        .contains("(trust: unverified: unknown issuer, possibly intercepted, not compared)"));
    assert!(corp
        .system_out
        .contains("  3. CN=Proxy Root CA, O=Example Trust sha1 withheld"));
    for thumbprint in crate::fixtures::all_chain_thumbprints(&report) {
        assert!(!xml.contains(&thumbprint));
    }
}
