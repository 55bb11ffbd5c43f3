//! The fuzz targets' entry points: each hands arbitrary bytes to one reader of
//! `oidc-thumb-core` and asks only that it returns.
//!
//! They are plain functions so that the saved inputs (`fuzz/regressions/`) run through them in
//! `cargo test` on a stable compiler; `fuzz_targets/` wraps each for libFuzzer. The readers
//! are called directly, past the cheap checks the walk makes first (a file extension, an
//! interest word), so the fuzzer spends its time in the parsers.

use oidc_thumb_core::readers::{
    cloudformation, kubernetes, pulumi_yaml, read_terraform_module, read_terraform_tree, source,
    terraform_plan, ReadContext, SourceFile,
};
use oidc_thumb_core::{read_discovery_document, CertFacts, PresentedChain};

/// The bytes as the text of a file, as the walk hands it over (lossily decoded).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The first byte picks one of `names`; the rest is the file's text.
fn named<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((first, rest)) => {
            let index = usize::from(*first) % names.len().max(1);
            (names.get(index).copied().unwrap_or("file"), rest)
        }
        None => (names.first().copied().unwrap_or("file"), data),
    }
}

/// A CloudFormation template, as JSON or as YAML.
pub fn cloudformation(data: &[u8]) {
    let (path, rest) = named(data, &["stack.json", "stack.yaml"]);
    let text = text(rest);
    let _ = cloudformation::read_cloudformation(SourceFile { path, text: &text }, &ctx());
}

/// Kubernetes manifests (Crossplane, ACK), any number of documents.
pub fn kubernetes(data: &[u8]) {
    let text = text(data);
    let file = SourceFile {
        path: "manifests.yaml",
        text: &text,
    };
    let _ = kubernetes::read_kubernetes(file, &ctx());
}

/// A Pulumi YAML program.
pub fn pulumi_yaml(data: &[u8]) {
    let text = text(data);
    let file = SourceFile {
        path: "Pulumi.yaml",
        text: &text,
    };
    let _ = pulumi_yaml::read_pulumi_yaml(file, &ctx());
}

/// A CDK or Pulumi program in TypeScript, JavaScript or Python.
pub fn source(data: &[u8]) {
    let (path, rest) = named(data, &["stack.ts", "stack.js", "stack.py"]);
    let text = text(rest);
    let _ = source::read_source(SourceFile { path, text: &text }, &ctx());
}

/// A tree of Terraform modules: a root module's configuration, a module it may call
/// (`./modules/m`) and that module's variables, split at the first two NUL bytes.
pub fn terraform(data: &[u8]) {
    let mut parts = data.splitn(3, |b| *b == 0);
    let root = text(parts.next().unwrap_or_default());
    let called = text(parts.next().unwrap_or_default());
    let variables = text(parts.next().unwrap_or_default());
    let files = [
        SourceFile {
            path: "infra/main.tf",
            text: &root,
        },
        SourceFile {
            path: "infra/modules/m/main.tf",
            text: &called,
        },
        SourceFile {
            path: "infra/modules/m/terraform.tfvars",
            text: &variables,
        },
    ];
    let _ = read_terraform_tree(&files, &ctx());
    // The root alone, as a module read on its own.
    let _ = read_terraform_module(&files[..1], &ctx());
}

/// A Terraform plan in JSON (`terraform show -json`).
pub fn terraform_plan(data: &[u8]) {
    let text = text(data);
    let file = SourceFile {
        path: "plan.json",
        text: &text,
    };
    let _ = terraform_plan::read_terraform_plan(file, &ctx());
}

/// A saved-chain file: PEM blocks, or what `openssl s_client -showcerts` prints.
pub fn saved_chain(data: &[u8]) {
    let _ = PresentedChain::from_pem(&text(data));
}

/// One certificate's facts from DER bytes.
pub fn cert_der(data: &[u8]) {
    let _ = CertFacts::from_der(data);
}

/// A discovery document as a server sends it.
pub fn discovery_document(data: &[u8]) {
    let _ = read_discovery_document(data);
}

/// A fuzz target: bytes in, nothing out but returning.
pub type Target = fn(&[u8]);

/// Every target by name, for the regression tests.
pub const TARGETS: [(&str, Target); 9] = [
    ("cloudformation", cloudformation),
    ("kubernetes", kubernetes),
    ("pulumi_yaml", pulumi_yaml),
    ("source", source),
    ("terraform", terraform),
    ("terraform_plan", terraform_plan),
    ("saved_chain", saved_chain),
    ("cert_der", cert_der),
    ("discovery_document", discovery_document),
];

/// An AWS region is set, so that EKS issuers resolve and their code runs too.
fn ctx() -> ReadContext {
    ReadContext {
        aws_region: Some("eu-west-1".to_string()),
    }
}
