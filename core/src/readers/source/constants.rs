//! Module-level string constants of one file (`const NAME = "..."` in TypeScript and
//! JavaScript, `NAME = "..."` at the left margin in Python), and which of them can be trusted.
//!
//! A name is resolved only when the file defines it exactly once that way and binds it nowhere
//! else: no other assignment, declaration, parameter, destructuring pattern, import, loop
//! variable or `as` name. Anything less certain stays unresolved.

use std::collections::HashMap;

use super::lexer::{Bracket, Kind, Language};
use super::Source;

/// Operators that assign to the name before them.
const ASSIGNMENTS: [&str; 20] = [
    "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=",
    "??=", "//=", "@=", ":=", "=>",
];

/// Keywords after which a name is being bound, not used.
const BINDERS: [&str; 18] = [
    "const",
    "let",
    "var",
    "function",
    "class",
    "def",
    "as",
    "for",
    "global",
    "nonlocal",
    "import",
    "lambda",
    "interface",
    "type",
    "enum",
    "namespace",
    "get",
    "set",
];

/// The longest type annotation read between a constant's name and its `=`, in tokens.
const MAX_ANNOTATION_TOKENS: usize = 32;

/// A trusted constant: its value and the token of the string literal that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Constant {
    pub value: String,
    pub literal: usize,
}

/// The trusted constants of one file, by name.
#[derive(Debug, Default)]
pub(super) struct Constants {
    known: HashMap<String, Constant>,
}

impl Constants {
    /// The file's trusted constants.
    pub fn collect(source: &Source<'_>) -> Constants {
        let mut definitions: HashMap<&str, Vec<(usize, Constant)>> = HashMap::new();
        for index in 0..source.lexed.tokens.len() {
            if let Some((name, constant)) = definition(source, index) {
                definitions
                    .entry(source.text_of(name))
                    .or_default()
                    .push((name, constant));
            }
        }
        if definitions.is_empty() {
            return Constants::default();
        }

        let regions = binding_regions(source);
        let mut rebound: Vec<&str> = Vec::new();
        for (index, token) in source.lexed.tokens.iter().enumerate() {
            if token.kind != Kind::Ident {
                continue;
            }
            let name = source.text_of(index);
            let Some(found) = definitions.get(name) else {
                continue;
            };
            let is_definition = found.iter().any(|(at, _)| *at == index);
            if !is_definition && binds(source, &regions, index) {
                rebound.push(name);
            }
        }

        let known = definitions
            .into_iter()
            .filter(|(name, found)| found.len() == 1 && !rebound.contains(name))
            .filter_map(|(name, mut found)| Some((name.to_string(), found.pop()?.1)))
            .collect();
        Constants { known }
    }

    /// The constant a name stands for, when it is trusted.
    pub fn get(&self, name: &str) -> Option<&Constant> {
        self.known.get(name)
    }
}

/// When the token at `index` starts a constant definition, the token of its name and the
/// constant.
fn definition(source: &Source<'_>, index: usize) -> Option<(usize, Constant)> {
    let token = source.lexed.tokens.get(index)?;
    if token.depth != 0 {
        return None;
    }
    let name = match source.language {
        Language::Js if source.is(index, "const") => index + 1,
        Language::Python if source.at_line_start(index) => index,
        _ => return None,
    };
    if !source.is_ident(name) {
        return None;
    }

    let mut at = name + 1;
    if source.is(at, ":") {
        let limit = at + MAX_ANNOTATION_TOKENS;
        at += 1;
        while at < limit && source.is_type_token(at) && !source.starts_line(at) {
            at += 1;
        }
    }
    if !source.is(at, "=") || source.starts_line(at + 1) {
        return None;
    }
    let literal = at + 1;
    let value = source.static_string(literal)?;

    let mut end = literal + 1;
    if source.language == Language::Js && source.is(end, "as") && source.is(end + 1, "const") {
        end += 2;
    }
    statement_ends_at(source, end).then_some((name, Constant { value, literal }))
}

/// True when a statement ends just before the token at `index`: the file ends, a `;`, or a
/// new line that does not continue the expression.
fn statement_ends_at(source: &Source<'_>, index: usize) -> bool {
    let Some(token) = source.lexed.tokens.get(index) else {
        return true;
    };
    if source.is(index, ";") {
        return true;
    }
    let continues = matches!(
        token.kind,
        Kind::Punct | Kind::Open(Bracket::Round | Bracket::Square) | Kind::Str(_)
    );
    token.newline_before && (source.language == Language::Python || !continues)
}

/// Token ranges in which every name is bound: import statements and Python lambda parameters.
/// Disjoint and in order.
fn binding_regions(source: &Source<'_>) -> Vec<(usize, usize)> {
    let tokens = &source.lexed.tokens;
    let mut regions = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let end = match source.language {
            Language::Js if source.is(index, "import") && source.is_ident(index + 1) => {
                (index..tokens.len()).find(|at| {
                    source.is(*at, "from")
                        || source.is(*at, ";")
                        || matches!(tokens[*at].kind, Kind::Str(_))
                })
            }
            Language::Js if source.is(index, "import") && source.is(index + 1, "{") => {
                (index..tokens.len()).find(|at| source.is(*at, "from") || source.is(*at, ";"))
            }
            Language::Python
                if (source.is(index, "import") || source.is(index, "from"))
                    && source.starts_line(index) =>
            {
                let depth = tokens[index].depth;
                (index + 1..tokens.len())
                    .find(|at| tokens[*at].newline_before && tokens[*at].depth <= depth)
            }
            Language::Python if source.is(index, "lambda") => {
                let depth = tokens[index].depth;
                (index + 1..tokens.len()).find(|at| {
                    (source.is(*at, ":") && tokens[*at].depth == depth) || tokens[*at].depth < depth
                })
            }
            _ => {
                index += 1;
                continue;
            }
        };
        let end = end.unwrap_or(tokens.len());
        regions.push((index, end));
        index = end.max(index + 1);
    }
    regions
}

/// True when the name at `index` is bound or assigned there rather than used.
fn binds(source: &Source<'_>, regions: &[(usize, usize)], index: usize) -> bool {
    let assigned = ASSIGNMENTS.iter().any(|op| source.is(index + 1, op));
    let after_binder = index
        .checked_sub(1)
        .is_some_and(|before| BINDERS.iter().any(|word| source.is(before, word)));
    let region = regions.partition_point(|(start, _)| *start <= index);
    let in_region = region > 0 && regions[region - 1].1 >= index;
    assigned || after_binder || in_region || in_parameters_or_pattern(source, index)
}

/// True when the name at `index` stands in a parameter list (or a destructuring pattern in
/// one), or in a destructuring pattern after `const`, `let` or `var`.
fn in_parameters_or_pattern(source: &Source<'_>, index: usize) -> bool {
    let lexed = &source.lexed;
    let Some(inner) = lexed.parent(index) else {
        return false;
    };
    let mut groups = vec![inner];
    if !source.is(inner, "(") {
        groups.extend(lexed.parent(inner));
    }
    groups.into_iter().any(|group| {
        let before = group.checked_sub(1);
        if source.is(group, "(") {
            match source.language {
                Language::Js => lexed.partner(group).is_some_and(|close| {
                    source.is(close + 1, "=>")
                        || source.is(close + 1, "{")
                        || source.is(close + 1, ":")
                }),
                Language::Python => before.is_some_and(|name| {
                    source.is_ident(name)
                        && name.checked_sub(1).is_some_and(|d| source.is(d, "def"))
                }),
            }
        } else {
            before.is_some_and(|b| ["const", "let", "var"].iter().any(|k| source.is(b, k)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constant(text: &str, language: Language, name: &str) -> Option<String> {
        let source = Source::new(text, language);
        Constants::collect(&source)
            .get(name)
            .map(|c| c.value.clone())
    }

    #[test]
    fn module_level_const_is_known() {
        let text = "export const THUMB = 'abc';\nfoo(THUMB);\n";
        assert_eq!(
            constant(text, Language::Js, "THUMB").as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn typed_const_without_semicolon_is_known() {
        let text = "const THUMB: string = \"abc\"\nfoo(THUMB)\n";
        assert_eq!(
            constant(text, Language::Js, "THUMB").as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn python_assignment_at_the_margin_is_known() {
        let text = "THUMB: Final[str] = 'abc'\n\ndef f():\n    return THUMB\n";
        assert_eq!(
            constant(text, Language::Python, "THUMB").as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn an_expression_is_not_a_constant() {
        assert_eq!(constant("const A = 'a' + b;", Language::Js, "A"), None);
        assert_eq!(constant("A = 'a'.upper()\n", Language::Python, "A"), None);
        assert_eq!(constant("A = 'a' 'b'\n", Language::Python, "A"), None);
    }

    #[test]
    fn a_name_defined_twice_is_not_trusted() {
        assert_eq!(constant("A = 'a'\nA = 'b'\n", Language::Python, "A"), None);
    }

    #[test]
    fn a_name_reassigned_or_shadowed_is_not_trusted() {
        for text in [
            "const A = 'a';\nfunction f() { let A = 'b'; }",
            "const A = 'a';\nfunction f(A) { return A; }",
            "const A = 'a';\nconst f = (x, A) => A;",
            "const A = 'a';\nconst { A: B, C } = x; const [D, A] = y;",
            "const A = 'a';\nclass K { m(A: string): void {} }",
        ] {
            assert_eq!(constant(text, Language::Js, "A"), None, "{text}");
        }
        for text in [
            "A = 'a'\ndef f():\n    A = 'b'\n",
            "A = 'a'\ndef f(x, A):\n    return A\n",
            "A = 'a'\nfor A in xs:\n    pass\n",
            "A = 'a'\nf = lambda x, A: A\n",
            "A = 'a'\nfrom m import (\n    A,\n)\n",
        ] {
            assert_eq!(constant(text, Language::Python, "A"), None, "{text}");
        }
    }

    #[test]
    fn an_indented_python_assignment_is_not_module_level() {
        assert_eq!(
            constant("if x:\n    A = 'a'\n", Language::Python, "A"),
            None
        );
    }

    #[test]
    fn a_const_inside_a_block_is_not_module_level() {
        assert_eq!(constant("{ const A = 'a'; }", Language::Js, "A"), None);
    }
}
