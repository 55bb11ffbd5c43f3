//! The IaC readers: file text in, declarations with exact places out. One module per format.

pub mod cloudformation;
mod dispatch;
pub mod kubernetes;
pub mod pulumi_yaml;
pub mod source;
pub mod terraform;
pub mod terraform_plan;

pub use dispatch::{file_kind, read_file, terraform_modules, FileKind};
pub use terraform::{may_call_a_module, read_terraform_module, read_terraform_tree};

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

/// Words one of which every file that declares a provider contains (compared in any case).
/// A file without any of them is not parsed at all. Each holds a `d`, which
/// [`may_declare`] relies on.
pub const INTEREST_WORDS: [&str; 2] = ["openid", "oidc"];

/// True when a file's text may hold a declaration and is worth parsing: it contains one of
/// [`INTEREST_WORDS`], in any case. Takes bytes too, so a file can be judged before it is
/// decoded.
///
/// This runs over every file of a repository, so it copies nothing: each word holds a `d`, and
/// only the places of a `d` (found with SIMD, whatever the build's optimisation level) are
/// looked at closely.
///
/// ```
/// use oidc_thumb_core::readers::may_declare;
/// assert!(may_declare("resource \"aws_iam_openid_connect_provider\" \"ci\" {"));
/// assert!(may_declare("Type: AWS::IAM::OIDCProvider"));
/// assert!(may_declare(b"new OpenIdConnectProvider(this, 'Ci', {".as_slice()));
/// assert!(may_declare("OIDC") && may_declare("issuer: openid"));
/// assert!(!may_declare("resource \"aws_s3_bucket\" \"logs\" { # oid, openi d"));
/// ```
pub fn may_declare<T: AsRef<[u8]> + ?Sized>(text: &T) -> bool {
    let bytes = text.as_ref();
    memchr::memchr2_iter(b'd', b'D', bytes).any(|d| {
        INTEREST_WORDS.iter().any(|word| {
            let before = word.find('d').unwrap_or(0);
            d.checked_sub(before)
                .and_then(|start| bytes.get(start..start + word.len()))
                .is_some_and(|found| found.eq_ignore_ascii_case(word.as_bytes()))
        })
    })
}
