//! Declarations: the OIDC providers the IaC readers found, where they are, and what they say.

use serde::Serialize;

/// A place in a file's text: byte offsets and 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub column: u32,
    /// 1-based line of `end`.
    pub end_line: u32,
    /// 1-based column of `end`, counted in characters.
    pub end_column: u32,
}

impl Span {
    /// The span of bytes `start..end` of `text`, with lines and columns computed.
    pub fn of(text: &str, start: usize, end: usize) -> Span {
        let start = start.min(text.len());
        let end = end.clamp(start, text.len());
        let (line, column) = line_column(text, start);
        let (end_line, end_column) = line_column(text, end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// 1-based line and character column of a byte offset (clamped to a char boundary).
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u32, column as u32)
}

/// The kind of file a declaration came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Terraform / OpenTofu HCL.
    Terraform,
    /// `terraform show -json` output.
    TerraformPlan,
    /// CloudFormation or SAM template, YAML or JSON (CDK's synthesized templates included).
    Cloudformation,
    /// CDK source code (TypeScript, JavaScript, Python).
    Cdk,
    /// Pulumi program or Pulumi YAML.
    Pulumi,
    /// Crossplane managed resource.
    Crossplane,
    /// AWS Controllers for Kubernetes resource.
    Ack,
    /// An OIDC provider read from a live AWS account: its `file` is the provider's ARN, and it
    /// has no line.
    AwsAccount,
}

impl Format {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::TerraformPlan => "terraform-plan",
            Format::Cloudformation => "cloudformation",
            Format::Cdk => "cdk",
            Format::Pulumi => "pulumi",
            Format::Crossplane => "crossplane",
            Format::Ack => "ack",
            Format::AwsAccount => "aws",
        }
    }
}

/// The issuer URL of a declaration, as far as it could be known without running anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerUrl {
    /// A URL known statically (a literal, or an expression resolved to one).
    Known {
        /// The URL.
        url: String,
        /// The expression it was resolved from, when it was not a literal.
        expression: Option<String>,
    },
    /// An EKS cluster's issuer in a known region: every cluster of the region is served
    /// by `oidc.eks.REGION.amazonaws.com`, so that host's chain decides.
    Eks {
        /// The AWS region.
        region: String,
        /// The expression that names the cluster's issuer.
        expression: String,
    },
    /// An expression that could not be resolved.
    Unresolved {
        /// The expression text as written.
        expression: String,
    },
}

impl IssuerUrl {
    /// The URL to check, when there is one: EKS issuers give their regional host.
    pub fn url(&self) -> Option<String> {
        match self {
            IssuerUrl::Known { url, .. } => Some(url.clone()),
            IssuerUrl::Eks { region, .. } => {
                Some(format!("https://oidc.eks.{region}.amazonaws.com"))
            }
            IssuerUrl::Unresolved { .. } => None,
        }
    }

    /// The expression text, when the URL was not a plain literal.
    pub fn expression(&self) -> Option<&str> {
        match self {
            IssuerUrl::Known { expression, .. } => expression.as_deref(),
            IssuerUrl::Eks { expression, .. } | IssuerUrl::Unresolved { expression } => {
                Some(expression)
            }
        }
    }
}

/// One declared thumbprint value exactly as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredThumbprint {
    /// The value's text, without quotes.
    pub value: String,
    /// Where the value (with its quotes, if any) stands in the file.
    pub span: Span,
}

/// The thumbprint list of a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThumbprintList {
    /// A list whose every element is known.
    Literal {
        /// The values in declared order.
        values: Vec<DeclaredThumbprint>,
        /// The whole list value in the file (brackets included), for rewriting.
        span: Span,
    },
    /// A list computed at apply time (`data "tls_certificate"`, another resource...).
    Dynamic {
        /// The expression text.
        expression: String,
    },
    /// No thumbprint list at all.
    Absent,
}

impl ThumbprintList {
    /// The declared values, empty unless the list is literal.
    pub fn values(&self) -> &[DeclaredThumbprint] {
        match self {
            ThumbprintList::Literal { values, .. } => values,
            _ => &[],
        }
    }
}

/// An inline suppression comment attached to a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The statuses it silences; empty means every status.
    pub statuses: Vec<String>,
    /// The reason written with it (required; a suppression without one is not honoured).
    pub reason: Option<String>,
    /// 1-based line of the comment.
    pub line: u32,
}

/// An OIDC provider declared in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Path relative to the scanned root, with `/` separators.
    pub file: String,
    /// Which kind of file.
    pub format: Format,
    /// The resource's name: Terraform address, logical id, `metadata.name`...
    pub resource: String,
    /// The thumbprint list's key, or the resource itself when the list is absent.
    pub location: Span,
    /// The issuer URL.
    pub url: IssuerUrl,
    /// The thumbprint list.
    pub thumbprints: ThumbprintList,
    /// Inline suppression comments that apply to it.
    pub suppressions: Vec<Suppression>,
}

impl Declaration {
    /// True when the declaration stands at a line of a file; false for a provider read from an
    /// AWS account, whose `file` is its ARN and whose location is empty.
    pub fn has_file(&self) -> bool {
        self.format != Format::AwsAccount
    }
}

/// A problem reading a file: reported with its place, and the rest of the tree still read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadNotice {
    /// Path relative to the scanned root.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong, for a person.
    pub message: String,
}

/// What reading one file produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The declarations found.
    pub declarations: Vec<Declaration>,
    /// Problems met on the way.
    pub notices: Vec<ReadNotice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a\néé x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        let x = text.find('x').unwrap();
        assert_eq!(line_column(text, x), (2, 4));
    }

    #[test]
    fn span_clamps_to_text() {
        let span = Span::of("abc", 1, 99);
        assert_eq!((span.start, span.end), (1, 3));
        assert_eq!((span.end_line, span.end_column), (1, 4));
    }
}
