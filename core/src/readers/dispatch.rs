//! Which reader reads which file: by extension first, then by a cheap look at the text.

use super::{
    cloudformation, kubernetes, may_declare, pulumi_yaml, source, terraform, terraform_plan,
    ReadContext, SourceFile,
};
use crate::FileReport;
use std::collections::BTreeMap;

/// The kind of reading a file needs, from its name alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.tf`: read with the other Terraform files of its folder.
    Terraform,
    /// `terraform.tfvars`, `*.auto.tfvars` (and their `.json` forms): variable values of
    /// the folder's module.
    TerraformVariables,
    /// `.json`: a Terraform plan or a CloudFormation template.
    Json,
    /// `.yaml`, `.yml`, `.template`: CloudFormation (YAML or JSON), Kubernetes or Pulumi YAML.
    Yaml,
    /// TypeScript, JavaScript or Python source: CDK or Pulumi.
    Source,
}

/// The kind of a file from its path, or `None` when no reader wants it.
///
/// ```
/// use oidc_thumb_core::readers::{file_kind, FileKind};
/// assert_eq!(file_kind("infra/iam.tf"), Some(FileKind::Terraform));
/// assert_eq!(file_kind("infra/prod.auto.tfvars"), Some(FileKind::TerraformVariables));
/// assert_eq!(file_kind("infra/other.tfvars"), None);
/// assert_eq!(file_kind("README.md"), None);
/// ```
pub fn file_kind(path: &str) -> Option<FileKind> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let auto_vars = name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json");
    if auto_vars {
        return Some(FileKind::TerraformVariables);
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e)?;
    match extension {
        "tf" => Some(FileKind::Terraform),
        "json" => Some(FileKind::Json),
        "template" => Some(FileKind::Yaml),
        "yaml" | "yml" => Some(FileKind::Yaml),
        "ts" | "tsx" | "mts" | "cts" | "js" | "mjs" | "cjs" | "py" => {
            if name.ends_with(".d.ts") {
                None
            } else {
                Some(FileKind::Source)
            }
        }
        _ => None,
    }
}

/// Reads one file that is not part of a Terraform module.
///
/// The reader is chosen by the file's name and a look at its text; a file no reader wants
/// gives an empty report.
///
/// ```
/// use oidc_thumb_core::readers::{read_file, ReadContext, SourceFile};
/// use oidc_thumb_core::{Format, IssuerUrl, ThumbprintList};
///
/// let text = "\
/// Resources:
///   Provider:
///     Type: AWS::IAM::OIDCProvider
///     Properties:
///       Url: https://token.actions.githubusercontent.com
///       ThumbprintList:
///         - 6938fd4d98bab03faadb97b34396831e3780aea1
/// ";
/// let file = SourceFile { path: "stack/oidc.yaml", text };
/// let report = read_file(file, &ReadContext::default());
///
/// let declaration = &report.declarations[0];
/// assert_eq!(declaration.format, Format::Cloudformation);
/// assert_eq!(declaration.resource, "Provider");
/// assert!(matches!(&declaration.url, IssuerUrl::Known { url, .. }
///     if url == "https://token.actions.githubusercontent.com"));
/// let ThumbprintList::Literal { values, .. } = &declaration.thumbprints else {
///     panic!("a literal list");
/// };
/// assert_eq!(values[0].value, "6938fd4d98bab03faadb97b34396831e3780aea1");
/// assert_eq!(values[0].span.line, 7);
/// assert!(report.notices.is_empty());
/// ```
pub fn read_file(file: SourceFile<'_>, ctx: &ReadContext) -> FileReport {
    let Some(kind) = file_kind(file.path) else {
        return FileReport::default();
    };
    if !may_declare(file.text) {
        return FileReport::default();
    }
    match kind {
        FileKind::Terraform | FileKind::TerraformVariables => {
            terraform::read_terraform_module(&[file], ctx)
                .into_iter()
                .fold(FileReport::default(), merge)
        }
        FileKind::Json => {
            if terraform_plan::looks_like_terraform_plan(file.text) {
                terraform_plan::read_terraform_plan(file, ctx)
            } else if cloudformation::looks_like_cloudformation(file.text) {
                cloudformation::read_cloudformation(file, ctx)
            } else {
                FileReport::default()
            }
        }
        FileKind::Yaml => {
            if cloudformation::looks_like_cloudformation(file.text) {
                cloudformation::read_cloudformation(file, ctx)
            } else if kubernetes::looks_like_kubernetes(file.text) {
                kubernetes::read_kubernetes(file, ctx)
            } else if pulumi_yaml::looks_like_pulumi_yaml(file.text) {
                pulumi_yaml::read_pulumi_yaml(file, ctx)
            } else {
                FileReport::default()
            }
        }
        FileKind::Source => {
            if source::looks_like_source_declaration(file.text) {
                source::read_source(file, ctx)
            } else {
                FileReport::default()
            }
        }
    }
}

fn merge(mut into: FileReport, from: FileReport) -> FileReport {
    into.declarations.extend(from.declarations);
    into.notices.extend(from.notices);
    into
}

/// Groups Terraform files by folder: each group is one module, read together so that
/// variables, locals and tfvars resolve across its files.
pub fn terraform_modules<'a>(files: &[SourceFile<'a>]) -> Vec<Vec<SourceFile<'a>>> {
    let mut modules: BTreeMap<&str, Vec<SourceFile<'a>>> = BTreeMap::new();
    for file in files {
        let folder = file.path.rsplit_once('/').map_or("", |(folder, _)| folder);
        modules.entry(folder).or_default().push(*file);
    }
    modules
        .into_values()
        .filter(|module| module.iter().any(|f| may_declare(f.text)))
        .collect()
}
