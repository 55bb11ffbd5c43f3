//! Reads Terraform plans in JSON (`terraform show -json PLANFILE`): the
//! `aws_iam_openid_connect_provider` resources that exist once the plan is applied, with the
//! values Terraform computed for them.
//! Format: <https://developer.hashicorp.com/terraform/internals/json-format>
//!
//! Places: a declaration's location is its `"address"` string in the plan. A plan is never
//! rewritten, so the other places are found by searching the text after that address (the
//! thumbprint list of `after` or `values`, each thumbprint's string inside it) and fall back to
//! the address when the search fails.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::terraform::{is_eks_issuer_reference, Lines};
use super::{ReadContext, SourceFile};
use crate::{
    Declaration, DeclaredThumbprint, FileReport, Format, IssuerUrl, ReadNotice, Span,
    ThumbprintList,
};

const RESOURCE_TYPE: &str = "aws_iam_openid_connect_provider";

const BOM: &str = "\u{feff}";

/// What Terraform prints for a value it will only know after apply.
const AFTER_APPLY: &str = "(known after apply)";

/// True when `text` looks like a JSON plan: an object with `"format_version"` and
/// `"planned_values"` or `"resource_changes"`. A cheap test; it does not parse.
pub fn looks_like_terraform_plan(text: &str) -> bool {
    let trimmed = text.trim_start_matches(BOM).trim_start();
    trimmed.starts_with('{')
        && text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// Reads the OIDC providers of a JSON plan.
pub fn read_terraform_plan(file: SourceFile<'_>, ctx: &ReadContext) -> FileReport {
    let text = file.text.strip_prefix(BOM).unwrap_or(file.text);
    let offset = file.text.len() - text.len();
    let plan: Value = match serde_json::from_str::<PrunedPlan>(text) {
        Ok(plan) => plan.into_value(),
        Err(error) => {
            return FileReport {
                declarations: Vec::new(),
                notices: vec![ReadNotice {
                    file: file.path.to_string(),
                    line: Some(error.line() as u32),
                    column: Some(error.column().max(1) as u32),
                    message: if error.is_data() {
                        format!("not a plan as `terraform show -json PLANFILE` writes it ({error})")
                    } else {
                        format!(
                            "not valid JSON ({error}); a plan should be the output of \
                             `terraform show -json PLANFILE`"
                        )
                    },
                }],
            };
        }
    };

    let plan = Plan::new(file, offset, &plan, ctx);
    let declarations = plan
        .resources()
        .into_iter()
        .map(|resource| plan.declaration(&resource))
        .collect();
    FileReport {
        declarations,
        notices: Vec::new(),
    }
}

/// The parts of a plan the reader looks at, read without holding the rest: of each list of
/// resources only the provider resources are kept, one element being read at a time, and the
/// other top-level sections (`prior_state`, `output_changes`, ...) are skipped unread. A plan
/// of thousands of resources so takes little more memory than its text.
#[derive(serde::Deserialize)]
struct PrunedPlan {
    #[serde(default)]
    planned_values: Option<PlannedValues>,
    #[serde(default)]
    resource_changes: Option<ProviderResources>,
    #[serde(default)]
    configuration: Option<Value>,
    #[serde(default)]
    variables: Option<Value>,
}

#[derive(serde::Deserialize)]
struct PlannedValues {
    #[serde(default)]
    root_module: Option<PlannedModule>,
}

#[derive(serde::Deserialize)]
struct PlannedModule {
    #[serde(default)]
    resources: ProviderResources,
    #[serde(default)]
    child_modules: Vec<PlannedModule>,
}

/// The provider resources of a list of resources or resource changes.
#[derive(Default)]
struct ProviderResources(Vec<Value>);

impl<'de> serde::Deserialize<'de> for ProviderResources {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ProviderResources;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of resources")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ProviderResources, A::Error> {
                let mut kept = Vec::new();
                while let Some(entry) = seq.next_element::<Value>()? {
                    if entry.get("type").and_then(Value::as_str) == Some(RESOURCE_TYPE) {
                        kept.push(entry);
                    }
                }
                Ok(ProviderResources(kept))
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

impl PlannedModule {
    fn into_value(self) -> Value {
        serde_json::json!({
            "resources": self.resources.0,
            "child_modules": self
                .child_modules
                .into_iter()
                .map(PlannedModule::into_value)
                .collect::<Vec<_>>(),
        })
    }
}

impl PrunedPlan {
    /// The plan as the reader walks it, with only the kept parts.
    fn into_value(self) -> Value {
        let mut plan = Map::new();
        if let Some(root) = self.planned_values.and_then(|p| p.root_module) {
            plan.insert(
                "planned_values".into(),
                serde_json::json!({ "root_module": root.into_value() }),
            );
        }
        if let Some(changes) = self.resource_changes {
            plan.insert("resource_changes".into(), Value::Array(changes.0));
        }
        for (key, value) in [
            ("configuration", self.configuration),
            ("variables", self.variables),
        ] {
            if let Some(value) = value {
                plan.insert(key.into(), value);
            }
        }
        Value::Object(plan)
    }
}

/// Where in the plan a resource's values were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// `resource_changes[*].change.after`, with `after_unknown`.
    ResourceChanges,
    /// `planned_values.root_module` and its `child_modules`.
    PlannedValues,
}

/// One provider resource of the plan.
struct Resource<'p> {
    address: &'p str,
    values: &'p Map<String, Value>,
    /// `after_unknown`, when the section has it.
    unknown: Option<&'p Value>,
    section: Section,
}

struct Plan<'p> {
    file: SourceFile<'p>,
    /// Bytes before the parsed text in the original text (a byte order mark).
    offset: usize,
    json: &'p Value,
    ctx: &'p ReadContext,
    lines: Lines<'p>,
    /// Where each provider's `"address"` value stands (quotes included), by the address it
    /// spells, in file order.
    addresses: HashMap<String, Vec<(usize, usize)>>,
    /// Where the `resource_changes` and `planned_values` keys stand.
    changes_at: Option<usize>,
    planned_at: Option<usize>,
}

impl<'p> Plan<'p> {
    fn new(file: SourceFile<'p>, offset: usize, json: &'p Value, ctx: &'p ReadContext) -> Self {
        let text = file.text;
        Plan {
            file,
            offset,
            json,
            ctx,
            lines: Lines::new(text),
            addresses: index_addresses(text),
            changes_at: find_key(text, offset, "resource_changes"),
            planned_at: find_key(text, offset, "planned_values"),
        }
    }

    /// The provider resources, once per address: from `resource_changes` (which says what is
    /// unknown) first, then those only `planned_values` has. Resources being destroyed have no
    /// `after` and are left out.
    fn resources(&self) -> Vec<Resource<'p>> {
        let mut found = Vec::new();
        let mut seen = HashSet::new();

        let changes = self.json.get("resource_changes").and_then(Value::as_array);
        for change in changes.into_iter().flatten() {
            let Some(address) = provider_address(change) else {
                continue;
            };
            let change = change.get("change");
            let after = change
                .and_then(|c| c.get("after"))
                .and_then(Value::as_object);
            if let Some(values) = after {
                seen.insert(address);
                found.push(Resource {
                    address,
                    values,
                    unknown: change.and_then(|c| c.get("after_unknown")),
                    section: Section::ResourceChanges,
                });
            }
        }

        // Modules are walked with a stack: their nesting comes from the file.
        let root = self.json.pointer("/planned_values/root_module");
        let mut modules: Vec<&Value> = root.into_iter().collect();
        while let Some(module) = modules.pop() {
            let resources = module.get("resources").and_then(Value::as_array);
            for resource in resources.into_iter().flatten() {
                let Some(address) = provider_address(resource) else {
                    continue;
                };
                let values = resource.get("values").and_then(Value::as_object);
                if let (Some(values), true) = (values, seen.insert(address)) {
                    found.push(Resource {
                        address,
                        values,
                        unknown: None,
                        section: Section::PlannedValues,
                    });
                }
            }
            let children = module.get("child_modules").and_then(Value::as_array);
            modules.extend(children.into_iter().flatten().rev());
        }
        found
    }

    fn declaration(&self, resource: &Resource<'_>) -> Declaration {
        let location = self.address_span(resource);
        let thumbprints = self.thumbprints(resource, location);
        let url = self.issuer_url(resource);
        Declaration {
            file: self.file.path.to_string(),
            format: Format::TerraformPlan,
            resource: resource.address.to_string(),
            location,
            url,
            thumbprints,
            // JSON has no comments, so a plan carries no suppressions.
            suppressions: Vec::new(),
        }
    }

    fn issuer_url(&self, resource: &Resource<'_>) -> IssuerUrl {
        let unknown = is_unknown(resource.unknown, "url");
        match resource.values.get("url") {
            Some(Value::String(url)) if !unknown => IssuerUrl::Known {
                url: url.clone(),
                expression: None,
            },
            _ => {
                let references = self.references(resource.address, "url");
                let expression = references
                    .first()
                    .map_or(AFTER_APPLY.to_string(), |r| (*r).to_string());
                let eks = references.iter().any(|r| is_eks_issuer_reference(r));
                match self.region(resource.address).filter(|_| eks) {
                    Some(region) => IssuerUrl::Eks { region, expression },
                    None => IssuerUrl::Unresolved { expression },
                }
            }
        }
    }

    fn thumbprints(&self, resource: &Resource<'_>, location: Span) -> ThumbprintList {
        let dynamic = || ThumbprintList::Dynamic {
            expression: self
                .references(resource.address, "thumbprint_list")
                .first()
                .map_or(AFTER_APPLY, |r| r)
                .to_string(),
        };
        if is_unknown(resource.unknown, "thumbprint_list") {
            return dynamic();
        }
        let items = match resource.values.get("thumbprint_list") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) => return ThumbprintList::Absent,
            // `planned_values` leaves out what is unknown.
            _ => return dynamic(),
        };

        let list = self.list_span(resource, location);
        let mut from = list.start;
        let mut values = Vec::new();
        for item in items {
            let Some(value) = item.as_str() else {
                return dynamic();
            };
            let span = match self.find_string(value, from, list.end) {
                Some(found) => {
                    from = found.end;
                    found
                }
                None => list,
            };
            values.push(DeclaredThumbprint {
                value: value.to_string(),
                span,
            });
        }
        ThumbprintList::Literal { values, span: list }
    }

    /// The span of the resource's `"address"` value in its section, or the start of the file.
    fn address_span(&self, resource: &Resource<'_>) -> Span {
        let section = match resource.section {
            Section::ResourceChanges => self.changes_at,
            Section::PlannedValues => self.planned_at,
        };
        let places = self.addresses.get(resource.address);
        let place = places.and_then(|places| {
            let section = section.unwrap_or(self.offset);
            places
                .iter()
                .find(|(start, _)| *start >= section)
                .or(places.first())
        });
        let (start, end) = place.copied().unwrap_or((self.offset, self.offset));
        self.lines.span(start, end)
    }

    /// The span of the thumbprint list after the address: in `after` for a change, else in
    /// `values`. Falls back to `location`.
    fn list_span(&self, resource: &Resource<'_>, location: Span) -> Span {
        let text = self.file.text;
        let values_key = match resource.section {
            Section::ResourceChanges => "after",
            Section::PlannedValues => "values",
        };
        let open = find_key(text, location.end, values_key)
            .and_then(|at| find_key(text, at, "thumbprint_list"))
            .and_then(|at| {
                let rest = text.get(at..)?;
                let skipped = rest.len() - rest.trim_start().len();
                rest.trim_start().starts_with('[').then_some(at + skipped)
            });
        let close = open.and_then(|open| Some(open + text.get(open..)?.find(']')? + 1));
        match (open, close) {
            (Some(open), Some(close)) => self.lines.span(open, close),
            _ => location,
        }
    }

    /// The span of the JSON string `value` (quotes included) within `from..to`.
    fn find_string(&self, value: &str, from: usize, to: usize) -> Option<Span> {
        let text = self.file.text;
        let window = text.get(from..to)?;
        json_spellings(value).into_iter().find_map(|quoted| {
            let start = from + window.find(quoted.as_str())?;
            Some(self.lines.span(start, start + quoted.len()))
        })
    }

    /// The references of a resource's attribute in the plan's `configuration`: what the
    /// expression was built from, most specific first.
    fn references(&self, address: &str, attribute: &str) -> Vec<&'p str> {
        let references = self
            .configuration_resource(address)
            .and_then(|resource| {
                resource
                    .get("expressions")?
                    .get(attribute)?
                    .get("references")
            })
            .and_then(Value::as_array);
        references
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The resource of `configuration` an address was planned from.
    fn configuration_resource(&self, address: &str) -> Option<&'p Value> {
        let (modules, resource) = split_address(address)?;
        let mut module = self.json.pointer("/configuration/root_module")?;
        for name in modules {
            module = module.get("module_calls")?.get(name)?.get("module")?;
        }
        module
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(resource.as_str()))
    }

    /// The region of the `aws` provider configuration the resource uses, when the plan states
    /// it (a constant, or a root variable's value); else the context's region.
    fn region(&self, address: &str) -> Option<String> {
        // The region is that of the provider resource's own `aws` provider, which is the
        // cluster's region in the usual layout; a cluster under another provider is not traced.
        let key = self
            .configuration_resource(address)
            .and_then(|r| r.get("provider_config_key"))
            .and_then(Value::as_str)
            .unwrap_or("aws");
        // A module that inherits its provider may name it `module.NAME:aws`; the root's `aws`
        // stands behind that.
        let configs = self.json.pointer("/configuration/provider_config");
        let config = configs
            .and_then(|c| c.get(key))
            .or_else(|| configs?.get(key.rsplit(':').next()?));
        let region = config.and_then(|c| c.get("expressions")?.get("region"));
        let in_root = config.is_some_and(|c| c.get("module_address").is_none());
        let constant = region
            .and_then(|r| r.get("constant_value"))
            .and_then(Value::as_str);
        let variable = region
            .and_then(|r| r.get("references")?.as_array()?.first()?.as_str())
            .and_then(|r| r.strip_prefix("var."))
            .filter(|_| in_root)
            .and_then(|name| {
                self.json
                    .get("variables")?
                    .get(name)?
                    .get("value")?
                    .as_str()
            });
        constant
            .or(variable)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .or_else(|| self.ctx.aws_region.clone())
    }
}

/// The address of a managed `aws_iam_openid_connect_provider` entry, or `None` for anything
/// else.
fn provider_address(entry: &Value) -> Option<&str> {
    let managed = entry
        .get("mode")
        .and_then(Value::as_str)
        .is_none_or(|m| m == "managed");
    let provider = entry.get("type").and_then(Value::as_str) == Some(RESOURCE_TYPE);
    if managed && provider {
        entry.get("address").and_then(Value::as_str)
    } else {
        None
    }
}

/// True when `after_unknown` marks an attribute, or any element of it, as unknown.
fn is_unknown(unknown: Option<&Value>, attribute: &str) -> bool {
    match unknown.and_then(|u| u.get(attribute)) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Array(items)) => items.iter().any(|item| item == &Value::Bool(true)),
        _ => false,
    }
}

/// Where each provider's `"address": "..."` value stands in the text (quotes included), by
/// the address it spells once unescaped.
fn index_addresses(text: &str) -> HashMap<String, Vec<(usize, usize)>> {
    let mut places: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (at, key) in text.match_indices("\"address\"") {
        let Some(value) = text.get(at + key.len()..) else {
            continue;
        };
        let Some(value) = value.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let start = text.len() - value.len();
        let Some(length) = json_string_length(value) else {
            continue;
        };
        let quoted = value.get(..length).unwrap_or_default();
        if let Ok(address) = serde_json::from_str::<String>(quoted) {
            if address.contains(RESOURCE_TYPE) {
                places
                    .entry(address)
                    .or_default()
                    .push((start, start + length));
            }
        }
    }
    places
}

/// The length in bytes of the JSON string `text` starts with, quotes included.
fn json_string_length(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('"')?;
    let mut escaped = false;
    for (at, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(at + 2),
            _ => {}
        }
    }
    None
}

/// The byte offset just past `"key":` at or after `from`.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut at = from;
    loop {
        let start = at + text.get(at..)?.find(&quoted)?;
        let rest = text.get(start + quoted.len()..)?;
        let after_space = rest.trim_start();
        if let Some(value) = after_space.strip_prefix(':') {
            return Some(text.len() - value.len());
        }
        at = start + quoted.len();
    }
}

/// The ways a JSON encoder writes `value` as a string: serde_json's, and Go's, which also
/// escapes `<`, `>`, `&` and the two Unicode line separators.
fn json_spellings(value: &str) -> Vec<String> {
    let plain = serde_json::to_string(value).unwrap_or_default();
    let go = plain
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    if go == plain {
        vec![plain]
    } else {
        vec![go, plain]
    }
}

/// `module.a["k"].module.b.aws_x.y[0]` as (`["a", "b"]`, `"aws_x.y"`): the module calls and
/// the configuration address, without instance keys.
fn split_address(address: &str) -> Option<(Vec<String>, String)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if quoted {
            quoted = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
            continue;
        }
        match c {
            '"' => quoted = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    parts.push(current);

    let mut modules = Vec::new();
    let mut rest = parts.as_slice();
    while let [keyword, name, tail @ ..] = rest {
        if keyword != "module" {
            break;
        }
        modules.push(name.clone());
        rest = tail;
    }
    match rest {
        [kind, name] => Some((modules, format!("{kind}.{name}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";
    const OTHER: &str = "1c58a3a8518e8759bf075b76b750d4f2df264fcd";
    const EKS: &str = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

    /// A plan (as `jq .` prints it) that updates a GitHub provider, creates an EKS module's
    /// provider whose URL and thumbprints are known only after apply, keeps a legacy provider
    /// unchanged, reads a data source and destroys a retired provider.
    const PLAN: &str =
        include_str!("../../tests/fixtures/terraform/plan-eks-module-and-github.json");

    const GITHUB_ADDRESS: &str = "aws_iam_openid_connect_provider.github";
    const EKS_ADDRESS: &str = "module.eks.aws_iam_openid_connect_provider.oidc_provider[0]";

    fn read_text(text: &str, ctx: &ReadContext) -> FileReport {
        read_terraform_plan(
            SourceFile {
                path: "plan.json",
                text,
            },
            ctx,
        )
    }

    fn read(text: &str) -> FileReport {
        read_text(text, &ReadContext::default())
    }

    fn find<'r>(report: &'r FileReport, address: &str) -> &'r Declaration {
        report
            .declarations
            .iter()
            .find(|d| d.resource == address)
            .unwrap_or_else(|| panic!("no {address} in {report:#?}"))
    }

    /// A plan with one created provider, `after` and `after_unknown` as given.
    fn one_change(after: &str, after_unknown: &str) -> String {
        let after: Value = serde_json::from_str(after).expect("the test's after is JSON");
        let after_unknown: Value =
            serde_json::from_str(after_unknown).expect("the test's after_unknown is JSON");
        serde_json::json!({
            "format_version": "1.2",
            "resource_changes": [{
                "address": "aws_iam_openid_connect_provider.x",
                "mode": "managed",
                "type": RESOURCE_TYPE,
                "name": "x",
                "change": {
                    "actions": ["create"],
                    "before": null,
                    "after": after,
                    "after_unknown": after_unknown,
                },
            }],
        })
        .to_string()
    }

    #[test]
    fn a_plan_is_recognised() {
        assert!(looks_like_terraform_plan(PLAN));
        assert!(looks_like_terraform_plan(&one_change("{}", "{}")));
    }

    #[test]
    fn other_json_is_not_a_plan() {
        let state = r#"{"format_version":"1.0","values":{"root_module":{}}}"#;
        let template = r#"{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}"#;
        let tfvars = r#"{"planned_values": "a variable named oddly"}"#;
        for text in [state, template, tfvars, "format_version planned_values", ""] {
            assert!(!looks_like_terraform_plan(text), "{text}");
        }
    }

    #[test]
    fn providers_come_from_resource_changes_then_planned_values_once_each() {
        let report = read(PLAN);
        let addresses: Vec<&str> = report
            .declarations
            .iter()
            .map(|d| d.resource.as_str())
            .collect();
        assert_eq!(
            addresses,
            vec![
                GITHUB_ADDRESS,
                EKS_ADDRESS,
                "aws_iam_openid_connect_provider.legacy"
            ]
        );
        assert!(report.notices.is_empty());
        assert!(report
            .declarations
            .iter()
            .all(|d| d.format == Format::TerraformPlan));
    }

    #[test]
    fn providers_being_destroyed_are_left_out() {
        let report = read(PLAN);
        assert!(report
            .declarations
            .iter()
            .all(|d| !d.resource.ends_with(".retired")));
    }

    #[test]
    fn data_sources_are_left_out() {
        let report = read(PLAN);
        assert!(report
            .declarations
            .iter()
            .all(|d| !d.resource.starts_with("data.")));
    }

    #[test]
    fn known_values_are_literal_and_come_from_after() {
        let report = read(PLAN);
        let github = find(&report, GITHUB_ADDRESS);
        assert_eq!(
            github.url,
            IssuerUrl::Known {
                url: "https://token.actions.githubusercontent.com".into(),
                expression: None
            }
        );
        let values: Vec<&str> = github
            .thumbprints
            .values()
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(values, vec![GITHUB, OTHER]);
    }

    #[test]
    fn an_unknown_thumbprint_list_is_dynamic_with_its_reference() {
        let report = read(PLAN);
        assert_eq!(
            find(&report, EKS_ADDRESS).thumbprints,
            ThumbprintList::Dynamic {
                expression: "data.tls_certificate.this[0].certificates[0].sha1_fingerprint".into()
            }
        );
    }

    #[test]
    fn an_unknown_eks_issuer_takes_the_region_of_the_root_provider() {
        let report = read(PLAN);
        assert_eq!(
            find(&report, EKS_ADDRESS).url,
            IssuerUrl::Eks {
                region: "eu-west-1".into(),
                expression: "aws_eks_cluster.this[0].identity[0].oidc[0].issuer".into()
            }
        );
    }

    #[test]
    fn an_unknown_eks_issuer_without_a_region_is_unresolved() {
        let plan = PLAN.replace("\"var.region\"", "\"data.aws_region.current.name\"");
        let report = read(&plan);
        assert_eq!(
            find(&report, EKS_ADDRESS).url,
            IssuerUrl::Unresolved {
                expression: "aws_eks_cluster.this[0].identity[0].oidc[0].issuer".into()
            }
        );
    }

    #[test]
    fn an_unknown_eks_issuer_falls_back_to_the_contexts_region() {
        let plan = PLAN.replace("\"var.region\"", "\"data.aws_region.current.name\"");
        let ctx = ReadContext {
            aws_region: Some("us-east-1".into()),
        };
        let report = read_text(&plan, &ctx);
        assert_eq!(
            find(&report, EKS_ADDRESS).url.url().as_deref(),
            Some("https://oidc.eks.us-east-1.amazonaws.com")
        );
    }

    #[test]
    fn an_unknown_url_without_configuration_is_known_after_apply() {
        let plan = one_change("{}", r#"{"url":true,"thumbprint_list":true}"#);
        let report = read(&plan);
        assert_eq!(
            report.declarations[0].url,
            IssuerUrl::Unresolved {
                expression: AFTER_APPLY.into()
            }
        );
        assert_eq!(
            report.declarations[0].thumbprints,
            ThumbprintList::Dynamic {
                expression: AFTER_APPLY.into()
            }
        );
    }

    #[test]
    fn one_unknown_element_makes_the_list_dynamic() {
        let after =
            format!(r#"{{"url":"https://idp.example.com","thumbprint_list":["{GITHUB}",null]}}"#);
        let plan = one_change(&after, r#"{"thumbprint_list":[false,true]}"#);
        assert!(matches!(
            read(&plan).declarations[0].thumbprints,
            ThumbprintList::Dynamic { .. }
        ));
    }

    #[test]
    fn a_null_list_is_absent() {
        let plan = one_change(
            r#"{"url":"https://idp.example.com","thumbprint_list":null}"#,
            "{}",
        );
        assert_eq!(
            read(&plan).declarations[0].thumbprints,
            ThumbprintList::Absent
        );
    }

    #[test]
    fn the_location_is_the_address_in_resource_changes() {
        let report = read(PLAN);
        let location = find(&report, GITHUB_ADDRESS).location;
        let changes = PLAN
            .find("\"resource_changes\"")
            .expect("the fixture has changes");
        let expected = changes
            + PLAN[changes..]
                .find(&format!("\"{GITHUB_ADDRESS}\""))
                .expect("the change names the address");
        assert_eq!(location.start, expected);
        assert_eq!(
            &PLAN[location.start..location.end],
            format!("\"{GITHUB_ADDRESS}\"")
        );
        assert_eq!((location.line, location.column), (89, 18));
    }

    #[test]
    fn a_planned_values_only_provider_is_located_in_planned_values() {
        let report = read(PLAN);
        let location = find(&report, "aws_iam_openid_connect_provider.legacy").location;
        assert_eq!(location.line, 33);
    }

    #[test]
    fn thumbprint_spans_point_into_after_not_before() {
        let report = read(PLAN);
        let github = find(&report, GITHUB_ADDRESS);
        let after = PLAN.find("\"after\"").expect("the fixture has an after");
        let after_unknown = PLAN
            .find("\"after_unknown\"")
            .expect("the fixture has after_unknown");
        for value in github.thumbprints.values() {
            assert!(value.span.start > after && value.span.end < after_unknown);
            assert_eq!(
                &PLAN[value.span.start..value.span.end],
                format!("\"{}\"", value.value)
            );
        }
        let ThumbprintList::Literal { span, .. } = github.thumbprints else {
            panic!("expected a literal list");
        };
        assert!(PLAN[span.start..span.end].starts_with('['));
        assert!(PLAN[span.start..span.end].ends_with(']'));
        assert!(span.start > after);
    }

    #[test]
    fn a_compact_plan_is_read_and_located_alike() {
        let json: Value = serde_json::from_str(PLAN).expect("the fixture is JSON");
        let compact = serde_json::to_string(&json).expect("a value prints");
        let report = read(&compact);
        assert_eq!(report.declarations.len(), 3);
        let legacy = find(&report, "aws_iam_openid_connect_provider.legacy");
        assert_eq!(
            &compact[legacy.location.start..legacy.location.end],
            "\"aws_iam_openid_connect_provider.legacy\""
        );
        let value = &legacy.thumbprints.values()[0];
        assert_eq!(value.value, EKS);
        assert_eq!(
            &compact[value.span.start..value.span.end],
            format!("\"{EKS}\"")
        );
    }

    /// Reads a plan whose provider has the instance key `escaped_key` (as JSON text), and
    /// returns its resource address and the text its location covers.
    fn locate_keyed_address(escaped_key: &str) -> (String, String) {
        let plan = one_change(
            r#"{"url":"https://idp.example.com","thumbprint_list":[]}"#,
            "{}",
        )
        .replace(
            "aws_iam_openid_connect_provider.x\"",
            &format!("aws_iam_openid_connect_provider.x[{escaped_key}]\""),
        );
        let report = read(&plan);
        let declaration = &report.declarations[0];
        let location = declaration.location;
        (
            declaration.resource.clone(),
            plan[location.start..location.end].to_string(),
        )
    }

    #[test]
    fn an_address_with_an_instance_key_is_found_escaped() {
        let (resource, located) = locate_keyed_address("\\\"gitlab\\\"");
        assert_eq!(resource, "aws_iam_openid_connect_provider.x[\"gitlab\"]");
        assert_eq!(
            located,
            "\"aws_iam_openid_connect_provider.x[\\\"gitlab\\\"]\""
        );
    }

    #[test]
    fn an_address_escaped_the_way_go_escapes_is_found() {
        let (resource, located) = locate_keyed_address("\\\"r\\u0026d\\\"");
        assert_eq!(resource, "aws_iam_openid_connect_provider.x[\"r&d\"]");
        assert_eq!(
            located,
            "\"aws_iam_openid_connect_provider.x[\\\"r\\u0026d\\\"]\""
        );
    }

    #[test]
    fn a_plan_with_a_byte_order_mark_is_read_with_original_offsets() {
        let plan = format!("\u{feff}{PLAN}");
        let report = read(&plan);
        let location = find(&report, GITHUB_ADDRESS).location;
        assert_eq!(
            &plan[location.start..location.end],
            format!("\"{GITHUB_ADDRESS}\"")
        );
    }

    #[test]
    fn malformed_json_is_a_notice_with_line_and_column() {
        let report = read("{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {,\n}");
        assert!(report.declarations.is_empty());
        let notice = &report.notices[0];
        assert_eq!(notice.file, "plan.json");
        assert_eq!((notice.line, notice.column), (Some(3), Some(22)));
        assert!(
            notice.message.contains("terraform show -json"),
            "{}",
            notice.message
        );
    }

    #[test]
    fn only_provider_resources_are_kept_and_other_sections_are_skipped() {
        let plan = r#"{"format_version":"1.2","prior_state":{"values":[1,2,3]},
            "planned_values":{"outputs":{},"root_module":{"resources":[
                {"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","values":{}},
                {"address":"aws_iam_openid_connect_provider.p","mode":"managed",
                 "type":"aws_iam_openid_connect_provider",
                 "values":{"url":"https://idp.example","thumbprint_list":["0000000000000000000000000000000000000000"]}}
            ],"child_modules":[{"address":"module.m","resources":[
                {"address":"module.m.aws_iam_openid_connect_provider.q","mode":"managed",
                 "type":"aws_iam_openid_connect_provider",
                 "values":{"url":"https://other.example","thumbprint_list":[]}}]}]}}}"#;
        let pruned: PrunedPlan = serde_json::from_str(plan).expect("a plan");
        let value = pruned.into_value();
        let root = &value["planned_values"]["root_module"];
        assert_eq!(root["resources"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            root["child_modules"][0]["resources"][0]["address"],
            "module.m.aws_iam_openid_connect_provider.q"
        );
        assert!(value.get("prior_state").is_none());

        let report = read(plan);
        assert_eq!(report.declarations.len(), 2, "{:?}", report.notices);
    }

    #[test]
    fn a_section_of_the_wrong_type_is_a_notice_that_says_so() {
        let report = read(r#"{"format_version":"1.2","resource_changes":{"not":"a list"}}"#);
        assert!(report.declarations.is_empty());
        assert_eq!(report.notices.len(), 1);
        assert!(
            report.notices[0].message.contains("not a plan as"),
            "{}",
            report.notices[0].message
        );
    }

    #[test]
    fn a_truncated_plan_is_a_notice() {
        let report = read(&PLAN[..PLAN.len() / 2]);
        assert_eq!(report.notices.len(), 1);
        assert!(
            report.notices[0].message.contains("EOF"),
            "{}",
            report.notices[0].message
        );
    }

    #[test]
    fn deeply_nested_json_is_a_notice_not_a_crash() {
        let deep = format!(
            "{{\"format_version\":\"1.2\",\"planned_values\":{}",
            "[".repeat(10_000)
        );
        let report = read(&deep);
        assert!(
            report.notices[0].message.contains("recursion limit"),
            "{}",
            report.notices[0].message
        );
    }

    #[test]
    fn addresses_split_into_module_calls_and_configuration_address() {
        assert_eq!(
            split_address("module.eks.aws_iam_openid_connect_provider.oidc_provider[0]"),
            Some((
                vec!["eks".to_string()],
                "aws_iam_openid_connect_provider.oidc_provider".into()
            ))
        );
        assert_eq!(
            split_address("module.a[\"x.y\"].module.b.aws_x.y[\"k]\"]"),
            Some((vec!["a".to_string(), "b".to_string()], "aws_x.y".into()))
        );
        assert_eq!(split_address("aws_x"), None);
    }
}
