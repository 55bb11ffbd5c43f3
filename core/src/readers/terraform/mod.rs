//! Reads Terraform modules: the `aws_iam_openid_connect_provider` resources of a directory's
//! `.tf` files, with their issuer URL and thumbprint list resolved as far as the text allows.
//!
//! A module is read as a whole, because a resource in one file uses variables, locals and
//! providers of the others and the auto-loaded variable files (`terraform.tfvars`,
//! `*.auto.tfvars`, and their `.json` forms), which override a variable's `default`.
//!
//! Places: a declaration's location is its `thumbprint_list` key (the resource's header when the
//! list is absent). A literal list's span is the whole value of `thumbprint_list` as written:
//! the bracketed list, or the expression (`var.thumbprints`, `concat(...)`) it was resolved
//! from, so that rewriting the span replaces exactly that value. A thumbprint written as a
//! string literal in this file (in the list, or in a variable's default or a local of the same
//! file) has the span of that literal, quotes included; a thumbprint that comes from another
//! file (a variable file, a local elsewhere) has the span of the list's value, since a span
//! names no file.

mod calls;
mod eval;
mod lines;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span as _;

pub use self::calls::{may_call_a_module, read_terraform_tree};
use self::eval::{Binding, ClusterRef, Evaluator, Scope, Unknown, Value};
pub(super) use self::lines::Lines;
use super::{ReadContext, SourceFile};
use crate::{
    Declaration, DeclaredThumbprint, FileReport, Format, IssuerUrl, ReadNotice, Span,
    ThumbprintList,
};

/// The Terraform resource type of an IAM OIDC identity provider.
const RESOURCE_TYPE: &str = "aws_iam_openid_connect_provider";

const BOM: &str = "\u{feff}";

/// Reads one Terraform module: every `.tf` file of one directory plus its auto-loaded variable
/// files. Returns a report for each file that declares a provider or could not be read; files
/// the module does not use (any other name) are ignored, and a module none of whose `.tf` files
/// names the resource type is not parsed at all.
pub fn read_terraform_module(files: &[SourceFile<'_>], ctx: &ReadContext) -> Vec<FileReport> {
    if !declares(files) {
        return Vec::new();
    }

    let mut reports: Vec<FileReport> = files.iter().map(|_| FileReport::default()).collect();
    let parsed = parse_module(files, &mut reports);
    let module = Module::new(files, &parsed, None, ctx);
    declare(&module, "", &mut reports);
    kept(reports)
}

/// True when a `.tf` file of the module names the resource type: the module may declare a
/// provider, and is worth parsing.
fn declares(files: &[SourceFile<'_>]) -> bool {
    files
        .iter()
        .any(|file| role(file.path) == Role::Config && file.text.contains(RESOURCE_TYPE))
}

/// Parses every file of a module, each file's notices going to its report (`reports` holds one
/// for each of `files`).
fn parse_module(files: &[SourceFile<'_>], reports: &mut [FileReport]) -> Vec<Parsed> {
    files
        .iter()
        .zip(reports)
        .map(|(file, report)| parse(file, &mut report.notices))
        .collect()
}

/// Adds the declarations of every provider resource of `module` to the reports of its files.
fn declare(module: &Module<'_>, path: &str, reports: &mut [FileReport]) {
    for (index, file) in module.parsed.iter().enumerate() {
        let (Content::Hcl(body), Role::Config) = (&file.content, &file.role) else {
            continue;
        };
        let Some(report) = reports.get_mut(index) else {
            continue;
        };
        for block in body.blocks().filter(|b| is_provider_resource(b)) {
            let mut notices = Vec::new();
            let declaration = module.declaration(index, block, path, &mut notices);
            report.declarations.push(declaration);
            // A module called twice says the same of its own text once.
            for notice in notices {
                if !report.notices.contains(&notice) {
                    report.notices.push(notice);
                }
            }
        }
    }
}

/// The reports that have something to say.
fn kept(reports: Vec<FileReport>) -> Vec<FileReport> {
    reports
        .into_iter()
        .filter(|report| !report.declarations.is_empty() || !report.notices.is_empty())
        .collect()
}

/// True when `reference`, a reference as Terraform writes it
/// (`aws_eks_cluster.main.identity[0].oidc[0].issuer`), names an EKS cluster's issuer URL.
pub(super) fn is_eks_issuer_reference(reference: &str) -> bool {
    match hcl_edit::parser::parse_expr(reference) {
        Ok(Expression::Traversal(traversal)) => traversal
            .expr
            .as_variable()
            .is_some_and(|root| eval::eks_issuer(root.as_str(), &traversal.operators).is_some()),
        _ => false,
    }
}

/// What a file is to its module, by its name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// A configuration file (`.tf`).
    Config,
    /// An auto-loaded variable file; files apply in the order of their precedence, lowest
    /// first: `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` by name.
    Tfvars {
        precedence: (u8, String),
        json: bool,
    },
    /// Anything else.
    Other,
}

fn role(path: &str) -> Role {
    let name = path.rsplit('/').next().unwrap_or(path);
    // Terraform's JSON syntax (`.tf.json`) is not read; its blocks are not seen.
    // Override files (`override.tf`, `*_override.tf`) are read as ordinary files, not merged.
    if name.ends_with(".tf") {
        return Role::Config;
    }
    let (stem, json) = match name.strip_suffix(".json") {
        Some(stem) => (stem, true),
        None => (name, false),
    };
    let precedence = if stem == "terraform.tfvars" {
        (u8::from(json), String::new())
    } else if stem.ends_with(".auto.tfvars") {
        (2, name.to_string())
    } else {
        return Role::Other;
    };
    Role::Tfvars { precedence, json }
}

fn is_provider_resource(block: &Block) -> bool {
    block.has_ident("resource")
        && block.labels.len() == 2
        && block.labels.first().map(|l| l.as_str()) == Some(RESOURCE_TYPE)
}

/// A file of the module, parsed.
struct Parsed {
    role: Role,
    /// Bytes before the parsed text in the original text (a byte order mark).
    offset: usize,
    content: Content,
}

enum Content {
    Hcl(Body),
    Json(serde_json::Value),
    Unread,
}

fn parse(file: &SourceFile<'_>, notices: &mut Vec<ReadNotice>) -> Parsed {
    let role = role(file.path);
    let (offset, text) = match file.text.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, file.text),
    };

    let content = match &role {
        Role::Other => Content::Unread,
        Role::Tfvars { json: true, .. } => match serde_json::from_str(text) {
            Ok(json) => Content::Json(json),
            Err(error) => {
                notices.push(ReadNotice {
                    file: file.path.to_string(),
                    line: Some(error.line() as u32),
                    column: Some(error.column().max(1) as u32),
                    message: format!(
                        "not valid JSON ({error}); its variable values were not read, so \
                         expressions using them may stay unresolved"
                    ),
                });
                Content::Unread
            }
        },
        // hcl-edit bounds its own recursion (64 nested levels) and reports deeper nesting as a
        // parse error, so a deeply nested file needs no check of its own here.
        Role::Config | Role::Tfvars { json: false, .. } => match hcl_edit::parser::parse_body(text)
        {
            Ok(body) => Content::Hcl(body),
            Err(error) => {
                let location = error.location();
                notices.push(ReadNotice {
                    file: file.path.to_string(),
                    line: Some(location.line() as u32),
                    column: Some(location.column() as u32),
                    message: format!(
                        "not valid HCL ({}); the file was skipped, so the providers, \
                         variables and locals it declares were not read",
                        error.message()
                    ),
                });
                Content::Unread
            }
        },
    };
    Parsed {
        role,
        offset,
        content,
    }
}

/// Everything of a module that a declaration can refer to.
struct Module<'a> {
    files: &'a [SourceFile<'a>],
    parsed: &'a [Parsed],
    /// The line starts of each file, for spans.
    lines: Vec<Lines<'a>>,
    no_lines: Lines<'a>,
    scope: Scope<'a>,
    /// `provider "aws"` blocks by alias (`None` for the default one): file and `region`.
    providers: HashMap<Option<String>, (usize, Option<&'a Expression>)>,
    ctx: &'a ReadContext,
}

impl<'a> Module<'a> {
    /// The module of `files`. `inputs` are the values a call of the module gives its
    /// variables; `None` for a root module, whose variables come from their defaults and the
    /// auto-loaded variable files (a called module's variable files are not loaded: Terraform
    /// loads them only in the root module).
    fn new(
        files: &'a [SourceFile<'a>],
        parsed: &'a [Parsed],
        inputs: Option<&HashMap<String, Value>>,
        ctx: &'a ReadContext,
    ) -> Self {
        let mut scope = Scope {
            offsets: parsed.iter().map(|p| p.offset).collect(),
            ..Scope::default()
        };
        let mut providers = HashMap::new();

        for (file, body) in config_bodies(parsed) {
            for block in body.blocks() {
                match (block.ident.as_str(), block.labels.as_slice()) {
                    ("variable", [name]) => {
                        if let Some(default) = block.body.get_attribute("default") {
                            let binding = Binding::Expr {
                                file,
                                expr: &default.value,
                            };
                            scope.variables.insert(name.as_str().to_string(), binding);
                        }
                    }
                    ("locals", []) => {
                        for attr in block.body.attributes() {
                            let binding = Binding::Expr {
                                file,
                                expr: &attr.value,
                            };
                            scope.locals.insert(attr.key.as_str().to_string(), binding);
                        }
                    }
                    ("provider", [name]) if name.as_str() == "aws" => {
                        let alias = block
                            .body
                            .get_attribute("alias")
                            .and_then(|attr| attr.value.as_str())
                            .map(str::to_string);
                        let region = block.body.get_attribute("region").map(|a| &a.value);
                        providers.insert(alias, (file, region));
                    }
                    _ => {}
                }
            }
        }

        if let Some(inputs) = inputs {
            for (name, value) in inputs {
                scope
                    .variables
                    .insert(name.clone(), Binding::Value(value.clone()));
            }
        }
        let mut tfvars: Vec<(usize, &Parsed)> = parsed
            .iter()
            .enumerate()
            .filter(|(_, p)| inputs.is_none() && matches!(p.role, Role::Tfvars { .. }))
            .collect();
        tfvars.sort_by(|(_, a), (_, b)| a.role.cmp(&b.role));
        for (file, vars) in tfvars {
            match &vars.content {
                Content::Hcl(body) => {
                    for attr in body.attributes() {
                        let binding = Binding::Expr {
                            file,
                            expr: &attr.value,
                        };
                        scope
                            .variables
                            .insert(attr.key.as_str().to_string(), binding);
                    }
                }
                Content::Json(serde_json::Value::Object(fields)) => {
                    for (name, value) in fields {
                        let binding = Binding::Value(Value::from_json(value));
                        scope.variables.insert(name.clone(), binding);
                    }
                }
                _ => {}
            }
        }

        Module {
            files,
            parsed,
            lines: files.iter().map(|file| Lines::new(file.text)).collect(),
            no_lines: Lines::new(""),
            scope,
            providers,
            ctx,
        }
    }

    /// The declaration of a provider resource; `path` is the module path of a called module
    /// (`module.ci.`), empty in a root module.
    fn declaration(
        &self,
        file: usize,
        block: &Block,
        path: &str,
        notices: &mut Vec<ReadNotice>,
    ) -> Declaration {
        let source = self
            .files
            .get(file)
            .copied()
            .unwrap_or(SourceFile { path: "", text: "" });
        let name = block.labels.get(1).map_or("", |label| label.as_str());
        let resource = format!("{path}{RESOURCE_TYPE}.{name}");

        let url = self.issuer_url(file, block, &resource, notices);
        let list = block.body.get_attribute("thumbprint_list");
        let thumbprints = match list {
            Some(attr) => self.thumbprint_list(file, &attr.value, &resource, notices),
            None => ThumbprintList::Absent,
        };

        let location = match list {
            Some(attr) => self.span(file, attr.key.span()),
            None => self.header_span(file, block),
        };
        let whole = self.span(file, block.span());
        let suppressions = self.lines(file).suppressions(whole.line, whole.end_line);

        Declaration {
            file: source.path.to_string(),
            format: Format::Terraform,
            resource,
            location,
            url,
            thumbprints,
            suppressions,
        }
    }

    fn issuer_url(
        &self,
        file: usize,
        block: &Block,
        resource: &str,
        notices: &mut Vec<ReadNotice>,
    ) -> IssuerUrl {
        let Some(attr) = block.body.get_attribute("url") else {
            let header = self.header_span(file, block);
            notices.push(self.notice(
                file,
                header,
                format!("{resource} has no `url`; Terraform requires the issuer URL there"),
            ));
            return IssuerUrl::Unresolved {
                expression: String::new(),
            };
        };
        if let Some(url) = attr.value.as_str() {
            return IssuerUrl::Known {
                url: url.to_string(),
                expression: None,
            };
        }

        let expression = self.text_of(file, &attr.value);
        match Evaluator::new(&self.scope).eval(file, &attr.value) {
            Value::Str { text, .. } => IssuerUrl::Known {
                url: text,
                expression: Some(expression),
            },
            Value::Unknown(Unknown::EksIssuer(cluster)) => match self.region_of(&cluster) {
                Some(region) => IssuerUrl::Eks { region, expression },
                None => IssuerUrl::Unresolved { expression },
            },
            _ => IssuerUrl::Unresolved { expression },
        }
    }

    fn thumbprint_list(
        &self,
        file: usize,
        value: &Expression,
        resource: &str,
        notices: &mut Vec<ReadNotice>,
    ) -> ThumbprintList {
        let list_span = self.span(file, value.span());
        let expression = self.text_of(file, value);
        let items = match Evaluator::new(&self.scope).eval(file, value) {
            Value::List(items) => items,
            Value::Null => return ThumbprintList::Absent,
            Value::Unknown(_) => return ThumbprintList::Dynamic { expression },
            _ => {
                notices.push(self.notice(
                    file,
                    list_span,
                    format!(
                        "{resource}: thumbprint_list should be a list of strings, found \
                         `{expression}`"
                    ),
                ));
                return ThumbprintList::Dynamic { expression };
            }
        };

        let mut values = Vec::new();
        for item in items {
            let declared = match item {
                Value::Str { text, origin } => {
                    let span = match origin {
                        Some(origin) if origin.file == file => {
                            self.lines(file).span(origin.start, origin.end)
                        }
                        _ => list_span,
                    };
                    DeclaredThumbprint { value: text, span }
                }
                Value::Number(text) => DeclaredThumbprint {
                    value: text,
                    span: list_span,
                },
                _ => return ThumbprintList::Dynamic { expression },
            };
            values.push(declared);
        }
        ThumbprintList::Literal {
            values,
            span: list_span,
        }
    }

    /// The region of the cluster an EKS issuer reference names: the region of the `aws`
    /// provider its block uses (`provider = aws.ALIAS`, or a module's `providers`), else the
    /// context's region.
    fn region_of(&self, cluster: &ClusterRef) -> Option<String> {
        let alias = self.cluster_provider_alias(cluster);
        // Providers passed in by a parent module are not followed; the context's region
        // stands in for them.
        let configured = self
            .providers
            .get(&alias)
            .and_then(|(file, region)| Some((*file, (*region)?)))
            .map(|(file, region)| Evaluator::new(&self.scope).eval(file, region));
        match configured {
            Some(Value::Str { text, .. }) if !text.is_empty() => Some(text),
            _ => self.ctx.aws_region.clone(),
        }
    }

    fn cluster_provider_alias(&self, cluster: &ClusterRef) -> Option<String> {
        let find = |ident: &str, labels: &[&str]| {
            config_bodies(self.parsed)
                .flat_map(|(_, body)| body.blocks())
                .find(|block| block.has_ident(ident) && block.has_exact_labels(labels))
        };
        let provider = match cluster {
            ClusterRef::Resource(name) => {
                &find("resource", &["aws_eks_cluster", name])?
                    .body
                    .get_attribute("provider")?
                    .value
            }
            ClusterRef::Data(name) => {
                &find("data", &["aws_eks_cluster", name])?
                    .body
                    .get_attribute("provider")?
                    .value
            }
            ClusterRef::Module(name) => find("module", &[name])?
                .body
                .get_attribute("providers")?
                .value
                .as_object()?
                .iter()
                .find(|(key, _)| object_key(key) == Some("aws"))?
                .1
                .expr(),
        };
        aws_alias(provider)
    }

    fn lines(&self, file: usize) -> &Lines<'a> {
        self.lines.get(file).unwrap_or(&self.no_lines)
    }

    fn text(&self, file: usize) -> &'a str {
        self.files.get(file).map_or("", |f| f.text)
    }

    fn offset(&self, file: usize) -> usize {
        self.parsed.get(file).map_or(0, |p| p.offset)
    }

    /// A span of the parsed text as a span of the file's original text.
    fn span(&self, file: usize, range: Option<std::ops::Range<usize>>) -> Span {
        let offset = self.offset(file);
        let range = range.unwrap_or_default();
        self.lines(file)
            .span(range.start + offset, range.end + offset)
    }

    /// `resource "TYPE" "NAME"`: from the keyword to the last label.
    fn header_span(&self, file: usize, block: &Block) -> Span {
        let start = block.ident.span().map_or(0, |r| r.start);
        let end = block
            .labels
            .last()
            .and_then(|label| label.span())
            .map_or(start, |r| r.end);
        self.span(file, Some(start..end))
    }

    fn text_of(&self, file: usize, expr: &Expression) -> String {
        let span = self.span(file, expr.span());
        self.text(file)
            .get(span.start..span.end)
            .unwrap_or_default()
            .to_string()
    }

    fn notice(&self, file: usize, at: Span, message: String) -> ReadNotice {
        ReadNotice {
            file: self.files.get(file).map_or("", |f| f.path).to_string(),
            line: Some(at.line),
            column: Some(at.column),
            message,
        }
    }
}

fn config_bodies(parsed: &[Parsed]) -> impl Iterator<Item = (usize, &Body)> {
    parsed
        .iter()
        .enumerate()
        .filter_map(|(index, p)| match (&p.role, &p.content) {
            (Role::Config, Content::Hcl(body)) => Some((index, body)),
            _ => None,
        })
}

fn object_key(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str()),
        ObjectKey::Expression(expr) => expr.as_str(),
    }
}

/// `aws.ALIAS` as `Some(ALIAS)`; plain `aws` (the default provider) as `None`.
fn aws_alias(expr: &Expression) -> Option<String> {
    let traversal = expr.as_traversal()?;
    if traversal.expr.as_variable()?.as_str() != "aws" {
        return None;
    }
    match traversal.operators.first()?.value() {
        TraversalOperator::GetAttr(alias) => Some(alias.as_str().to_string()),
        _ => None,
    }
}
