//! The IaC readers: file text in, declarations with exact places out. One module per format.

pub mod cloudformation;
mod dispatch;
pub mod kubernetes;
pub mod pulumi_yaml;
pub mod source;
pub mod terraform;
pub mod terraform_plan;

pub use dispatch::{file_kind, read_file, terraform_modules, FileKind};
pub use terraform::read_terraform_module;

/// What the readers may use besides a file's text.
#[derive(Clone, Debug, Default)]
pub struct ReadContext {
    /// The AWS region for EKS issuers whose region the files do not say (`--aws-region`,
    /// `AWS_REGION`).
    pub aws_region: Option<String>,
}

/// One file handed to a reader: its path relative to the root (with `/`) and its text.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// Path relative to the scanned root, `/` separated.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// Words one of which every file that declares a provider contains (compared in lower case).
/// A file without any of them is not parsed at all.
pub const INTEREST_WORDS: [&str; 2] = ["openid", "oidc"];

/// True when a file's text may hold a declaration and is worth parsing.
pub fn may_declare(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    INTEREST_WORDS.iter().any(|word| lower.contains(word))
}
