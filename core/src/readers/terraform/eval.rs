//! Static evaluation of the Terraform expressions a provider declaration depends on: literals,
//! variables, locals, string templates and a few list functions, without running anything.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

use crate::limits::{MAX_EVALUATION_DEPTH as MAX_DEPTH, MAX_EVALUATION_FUEL as FUEL};

/// Where a string literal stands: which file of the module, and its byte range (quotes
/// included) in that file's original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Origin {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// The block an EKS issuer reference names, for finding the region its cluster lives in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ClusterRef {
    /// `aws_eks_cluster.NAME...`
    Resource(String),
    /// `data.aws_eks_cluster.NAME...`
    Data(String),
    /// `module.NAME.<output naming an oidc_issuer>`
    Module(String),
}

/// Why a value is not known before apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Unknown {
    /// An EKS cluster's issuer URL.
    EksIssuer(ClusterRef),
    /// Anything else: another resource's attribute, a data source, an input without a value,
    /// an expression this evaluator does not follow.
    Computed,
}

/// A value as far as it is known statically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Str {
        text: String,
        origin: Option<Origin>,
    },
    Number(String),
    Bool(bool),
    Null,
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
    Unknown(Unknown),
}

const COMPUTED: Value = Value::Unknown(Unknown::Computed);

impl Value {
    fn str(text: String) -> Value {
        Value::Str { text, origin: None }
    }

    /// The text a template interpolation makes of this value, when it is a primitive.
    fn as_text(&self) -> Option<&str> {
        match self {
            Value::Str { text, .. } | Value::Number(text) => Some(text),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// The value with no place for any of its strings: for a value carried into another
    /// module, whose file indexes differ.
    pub fn without_origin(self) -> Value {
        match self {
            Value::Str { text, .. } => Value::str(text),
            Value::List(items) => {
                Value::List(items.into_iter().map(Value::without_origin).collect())
            }
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(key, value)| (key, value.without_origin()))
                    .collect(),
            ),
            other => other,
        }
    }

    /// A JSON value (from a `.tfvars.json` file) as a value; its strings have no origin.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::str(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| (key.clone(), Value::from_json(value)))
                    .collect(),
            ),
        }
    }
}

/// What a variable or local is bound to.
#[derive(Clone, Debug)]
pub(super) enum Binding<'a> {
    /// An expression in file `file` of the module.
    Expr { file: usize, expr: &'a Expression },
    /// A value already known (from a `.tfvars.json` file).
    Value(Value),
}

/// The names an expression of the module can refer to.
#[derive(Debug, Default)]
pub(super) struct Scope<'a> {
    /// Input variables with a value: tfvars over `default`.
    pub variables: HashMap<String, Binding<'a>>,
    /// `locals` entries of every file of the module.
    pub locals: HashMap<String, Binding<'a>>,
    /// The byte offset of each file's parsed text in its original text (a byte order mark).
    pub offsets: Vec<usize>,
}

/// Evaluates expressions of one module against its scope.
pub(super) struct Evaluator<'s, 'a> {
    scope: &'s Scope<'a>,
    fuel: usize,
    depth: usize,
    /// The variables and locals being evaluated, to stop at a reference cycle.
    active: Vec<(&'static str, String)>,
    /// The variables and locals already evaluated.
    known: HashMap<(&'static str, String), Value>,
}

impl<'s, 'a> Evaluator<'s, 'a> {
    pub fn new(scope: &'s Scope<'a>) -> Self {
        Evaluator {
            scope,
            fuel: FUEL,
            depth: 0,
            active: Vec::new(),
            known: HashMap::new(),
        }
    }

    /// The value of `expr`, written in file `file` of the module.
    pub fn eval(&mut self, file: usize, expr: &Expression) -> Value {
        if self.depth >= MAX_DEPTH || !self.burn(1) {
            return COMPUTED;
        }
        self.depth += 1;
        let value = self.eval_inner(file, expr);
        self.depth -= 1;
        value
    }

    fn eval_inner(&mut self, file: usize, expr: &Expression) -> Value {
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().to_string()),
            Expression::String(s) => Value::Str {
                text: s.value().clone(),
                origin: self.origin(file, expr),
            },
            Expression::Array(array) => {
                Value::List(array.iter().map(|item| self.eval(file, item)).collect())
            }
            Expression::Object(object) => {
                let mut fields = Vec::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(key) => match self.eval(file, key).as_text() {
                            Some(text) => text.to_string(),
                            None => return COMPUTED,
                        },
                    };
                    fields.push((key, self.eval(file, value.expr())));
                }
                Value::Object(fields)
            }
            Expression::StringTemplate(template) => self.template(file, template),
            Expression::Parenthesis(inner) => self.eval(file, inner.inner()),
            Expression::Conditional(cond) => match self.eval(file, &cond.cond_expr) {
                Value::Bool(true) => self.eval(file, &cond.true_expr),
                Value::Bool(false) => self.eval(file, &cond.false_expr),
                _ => COMPUTED,
            },
            Expression::FuncCall(call) => {
                if call.name.is_namespaced() || call.args.expand_final() {
                    return COMPUTED;
                }
                let args: Vec<Value> = call.args.iter().map(|arg| self.eval(file, arg)).collect();
                self.call(call.name.name.as_str(), args)
            }
            Expression::Traversal(traversal) => {
                let (root, operators) = match self.traversal_root(file, traversal) {
                    Ok(found) => found,
                    Err(unknown) => return Value::Unknown(unknown),
                };
                operators
                    .iter()
                    .fold(root, |value, op| self.apply(file, value, op.value()))
            }
            // Heredocs, `for` expressions, operators and bare names are not evaluated: a value
            // built from them counts as computed.
            Expression::HeredocTemplate(_)
            | Expression::ForExpr(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::Variable(_) => COMPUTED,
        }
    }

    fn burn(&mut self, amount: usize) -> bool {
        match self.fuel.checked_sub(amount) {
            Some(left) => {
                self.fuel = left;
                true
            }
            None => {
                self.fuel = 0;
                false
            }
        }
    }

    fn origin(&self, file: usize, expr: &Expression) -> Option<Origin> {
        let range = expr.span()?;
        let offset = self.scope.offsets.get(file).copied().unwrap_or(0);
        Some(Origin {
            file,
            start: range.start + offset,
            end: range.end + offset,
        })
    }

    fn template(&mut self, file: usize, template: &Template) -> Value {
        // `"${x}"` is x itself, whatever its type.
        if let Some(Element::Interpolation(only)) = template.as_single_element() {
            return self.eval(file, &only.expr);
        }
        let mut text = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => text.push_str(literal.value()),
                Element::Interpolation(interpolation) => {
                    match self.eval(file, &interpolation.expr).as_text() {
                        Some(part) => text.push_str(part),
                        None => return COMPUTED,
                    }
                }
                // Template directives (`%{if}`, `%{for}`) are not evaluated.
                Element::Directive(_) => return COMPUTED,
            }
        }
        Value::str(text)
    }

    /// The value a traversal starts from and the operators left to apply, or why it is unknown.
    fn traversal_root<'t>(
        &mut self,
        file: usize,
        traversal: &'t hcl_edit::expr::Traversal,
    ) -> Result<(Value, &'t [hcl_edit::Decorated<TraversalOperator>]), Unknown> {
        let operators = traversal.operators.as_slice();
        let Some(root) = traversal.expr.as_variable() else {
            return Ok((self.eval(file, &traversal.expr), operators));
        };
        let first = operators.first().and_then(|op| match op.value() {
            TraversalOperator::GetAttr(name) => Some(name.as_str()),
            _ => None,
        });
        let rest = operators.get(1..).unwrap_or_default();
        match (root.as_str(), first) {
            ("var", Some(name)) => Ok((self.lookup("var", name), rest)),
            ("local", Some(name)) => Ok((self.lookup("local", name), rest)),
            _ => Err(eks_issuer(root.as_str(), operators).unwrap_or(Unknown::Computed)),
        }
    }

    fn lookup(&mut self, kind: &'static str, name: &str) -> Value {
        let table = if kind == "var" {
            &self.scope.variables
        } else {
            &self.scope.locals
        };
        let Some(binding) = table.get(name) else {
            // Module inputs passed in by a parent module are not followed: they stay unknown.
            return COMPUTED;
        };
        let key = (kind, name.to_string());
        if self.active.contains(&key) {
            return COMPUTED;
        }
        let value = match self.known.get(&key) {
            Some(value) => value.clone(),
            None => {
                let value = match binding {
                    Binding::Value(value) => value.clone(),
                    Binding::Expr { file, expr } => {
                        let (file, expr) = (*file, *expr);
                        self.active.push(key.clone());
                        let value = self.eval(file, expr);
                        self.active.pop();
                        value
                    }
                };
                self.known.insert(key, value.clone());
                value
            }
        };
        // Copies are paid for too: locals that repeat each other can grow a value quickly.
        if self.burn(weight(&value, self.fuel.saturating_add(1))) {
            value
        } else {
            COMPUTED
        }
    }

    fn apply(&mut self, file: usize, value: Value, op: &TraversalOperator) -> Value {
        match (value, op) {
            (unknown @ Value::Unknown(_), _) => unknown,
            (Value::Object(fields), TraversalOperator::GetAttr(name)) => {
                field(fields, name.as_str())
            }
            (Value::List(items), TraversalOperator::LegacyIndex(index)) => {
                element(items, usize::try_from(*index.value()).ok())
            }
            (container, TraversalOperator::Index(index)) => {
                match (container, self.eval(file, index)) {
                    (Value::List(items), Value::Number(n)) => element(items, n.parse().ok()),
                    (Value::Object(fields), Value::Str { text, .. }) => field(fields, &text),
                    _ => COMPUTED,
                }
            }
            // Splats and lookups on the wrong type are not evaluated.
            _ => COMPUTED,
        }
    }

    fn call(&mut self, name: &str, args: Vec<Value>) -> Value {
        if args.iter().any(|arg| matches!(arg, Value::Unknown(_))) {
            return COMPUTED;
        }
        match (name, args.as_slice()) {
            ("tolist" | "tostring", [_]) => args.into_iter().next().unwrap_or(COMPUTED),
            ("concat", _) => self.concat(args),
            ("flatten", [Value::List(items)]) => {
                let mut flat = Vec::new();
                self.flatten_into(items.clone(), &mut flat);
                Value::List(flat)
            }
            // A set keeps each value once; Terraform also sorts it, which only changes the order.
            ("distinct" | "toset", [Value::List(items)]) => {
                let mut kept: Vec<Value> = Vec::new();
                for item in items {
                    if !kept.iter().any(|k| same_value(k, item)) {
                        kept.push(item.clone());
                    }
                }
                Value::List(kept)
            }
            ("compact", [Value::List(items)]) => Value::List(
                items
                    .iter()
                    .filter(|item| !matches!(item, Value::Null) && item.as_text() != Some(""))
                    .cloned()
                    .collect(),
            ),
            ("lower" | "upper" | "trimspace", [value]) => match value.as_text() {
                Some(text) => Value::str(match name {
                    "lower" => text.to_lowercase(),
                    "upper" => text.to_uppercase(),
                    _ => text.trim().to_string(),
                }),
                None => COMPUTED,
            },
            _ => COMPUTED,
        }
    }

    fn concat(&mut self, args: Vec<Value>) -> Value {
        let mut joined = Vec::new();
        for arg in args {
            match arg {
                Value::List(items) => {
                    if !self.burn(items.len()) {
                        return COMPUTED;
                    }
                    joined.extend(items);
                }
                _ => return COMPUTED,
            }
        }
        Value::List(joined)
    }

    fn flatten_into(&mut self, items: Vec<Value>, flat: &mut Vec<Value>) {
        for item in items {
            if !self.burn(1) {
                flat.push(COMPUTED);
                return;
            }
            match item {
                Value::List(inner) => self.flatten_into(inner, flat),
                other => flat.push(other),
            }
        }
    }
}

/// How many values `value` holds, counted up to `cap`.
fn weight(value: &Value, cap: usize) -> usize {
    let mut count = 0;
    let mut pending = vec![value];
    while let Some(next) = pending.pop() {
        count += 1;
        if count >= cap {
            return cap;
        }
        match next {
            Value::List(items) => pending.extend(items),
            Value::Object(fields) => pending.extend(fields.iter().map(|(_, value)| value)),
            _ => {}
        }
    }
    count
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str { text: x, .. }, Value::Str { text: y, .. }) => x == y,
        _ => a == b,
    }
}

fn field(fields: Vec<(String, Value)>, name: &str) -> Value {
    fields
        .into_iter()
        .find(|(key, _)| key == name)
        .map_or(COMPUTED, |(_, value)| value)
}

fn element(items: Vec<Value>, index: Option<usize>) -> Value {
    index
        .and_then(|index| items.into_iter().nth(index))
        .unwrap_or(COMPUTED)
}

/// Recognises a reference to an EKS cluster's issuer URL: `aws_eks_cluster.X.identity[0]
/// .oidc[0].issuer`, the same through `data.`, or a module output whose name holds
/// `oidc_issuer` (`module.eks.cluster_oidc_issuer_url`).
pub(super) fn eks_issuer(
    root: &str,
    operators: &[hcl_edit::Decorated<TraversalOperator>],
) -> Option<Unknown> {
    let names: Vec<&str> = operators
        .iter()
        .filter_map(|op| match op.value() {
            TraversalOperator::GetAttr(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let names_issuer = names.last() == Some(&"issuer") && names.contains(&"identity");
    let cluster = match (root, names.as_slice()) {
        ("aws_eks_cluster", [name, ..]) if names_issuer => ClusterRef::Resource(name.to_string()),
        ("data", ["aws_eks_cluster", name, ..]) if names_issuer => {
            ClusterRef::Data(name.to_string())
        }
        ("module", [name, output, ..]) if output.contains("oidc_issuer") => {
            ClusterRef::Module(name.to_string())
        }
        _ => return None,
    };
    Some(Unknown::EksIssuer(cluster))
}
