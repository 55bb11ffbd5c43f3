//! Reads CDK and Pulumi programs in TypeScript, JavaScript and Python: the OIDC providers they
//! create, found lexically, without running or type-checking anything.
//!
//! Recognised calls (with or without `new`, under any module qualifier or an `as` alias):
//! CDK's `OpenIdConnectProvider(scope, id, props)` (`aws_iam` and `aws_eks`) and
//! `OidcProviderNative(scope, id, props)`, with `url` and `thumbprints`; Pulumi's
//! `aws.iam.OpenIdConnectProvider(name, args)` with `url` and `thumbprintLists`
//! (`thumbprint_lists` in Python, as keywords, `args=...Args(...)` or a dict).
//!
//! A value is read only when it is written out: a string literal, a template literal or
//! f-string without interpolation, or a module-level string constant of the same file (see
//! the `constants` module). Anything else (a variable, a call, a property, an interpolation of something
//! unknown) is kept as the expression text it is, unresolved, never guessed.

mod constants;
mod lexer;
mod literal;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::ops::Range;

use self::constants::Constants;
use self::lexer::{lex, Bracket, Kind, Language, Lexed, StrLit};
use super::{ReadContext, SourceFile};
use crate::{
    find_suppressions, Declaration, DeclaredThumbprint, FileReport, Format, IssuerUrl, ReadNotice,
    Span, Suppression, ThumbprintList,
};

/// The class names of the constructs and resources this reader recognises.
const PROVIDER: &str = "OpenIdConnectProvider";
const NATIVE_PROVIDER: &str = "OidcProviderNative";

/// Property names of the thumbprint list: CDK, Pulumi in TypeScript, Pulumi in Python.
const THUMBPRINT_KEYS: [&str; 3] = ["thumbprints", "thumbprintLists", "thumbprint_lists"];
/// Property names only Pulumi uses.
const PULUMI_KEYS: [&str; 7] = [
    "thumbprintLists",
    "thumbprint_lists",
    "clientIdLists",
    "client_id_lists",
    "resource_name",
    "args",
    "opts",
];
/// Property names only CDK uses.
const CDK_KEYS: [&str; 5] = ["thumbprints", "clientIds", "client_ids", "scope", "id"];

/// Texts that name a module of Pulumi's AWS provider or of the CDK.
const PULUMI_MODULES: [&str; 2] = ["@pulumi/aws", "pulumi_aws"];
const CDK_MODULES: [&str; 3] = ["aws-cdk-lib", "@aws-cdk/", "aws_cdk"];

/// Texts in an expression that name an EKS cluster's issuer URL (CDK, CDK in Python, Pulumi).
const EKS_ISSUER_MARKERS: [&str; 3] = [
    "clusterOpenIdConnectIssuer",
    "cluster_open_id_connect_issuer",
    "oidcs[0].issuer",
];

/// How many tokenizing problems of one file are reported one by one.
const MAX_LEXICAL_NOTICES: usize = 3;

/// True when a source file may create an OIDC provider: it names one of the classes.
/// A cheap test, before any tokenizing.
pub fn looks_like_source_declaration(text: &str) -> bool {
    text.contains(PROVIDER) || text.contains(NATIVE_PROVIDER)
}

/// Reads the OIDC providers a CDK or Pulumi program creates. The language comes from the
/// extension: `.ts .tsx .mts .cts .js .jsx .mjs .cjs` are TypeScript or JavaScript, `.py` is
/// Python; any other file gives an empty report.
///
/// Each call gives one [`Declaration`]: [`Format::Cdk`] or [`Format::Pulumi`] (told apart by
/// the class, its qualifier, the property names, the modules the file imports and the first
/// argument); its resource is the construct id or Pulumi name when it is a string, else the
/// variable the result is assigned to, else the id's expression. Its location is the thumbprint
/// property's key, or the call itself when there is none.
///
/// A missing thumbprint property gives [`ThumbprintList::Absent`]. For CDK that means the
/// thumbprint is not in the program: `iam.OpenIdConnectProvider` computes one at deploy time
/// and `eks.OpenIdConnectProvider` supplies its own; reading it as dynamic is evaluation's
/// business, not this reader's. Properties that come from an expression the reader cannot see
/// into (`props`, `...defaults`, `**kwargs`) give an unresolved URL and a dynamic list.
///
/// With `ctx.aws_region` set, an unresolved URL of an `eks.OpenIdConnectProvider`, or one that
/// names an EKS cluster's issuer (`cluster.clusterOpenIdConnectIssuerUrl`,
/// `cluster.identities[0].oidcs[0].issuer`), is an [`IssuerUrl::Eks`] of that region.
///
/// Never panics: unterminated strings and comments and unclosed calls are notices with their
/// line and column, and the rest of the file is still read. Linear in the size of the text.
pub fn read_source(file: SourceFile<'_>, ctx: &ReadContext) -> FileReport {
    let mut report = FileReport::default();
    let Some(language) = language_of(file.path) else {
        return report;
    };
    if !looks_like_source_declaration(file.text) {
        return report;
    }

    let source = Source::new(file.text, language);
    let mut reader = Reader {
        file,
        ctx,
        source: &source,
        constants: Constants::default(),
        locator: Locator::new(file.text),
        modules: Modules::of(file.text),
        all_suppressions: Vec::new(),
    };
    report.notices = reader.lexical_notices();
    let calls = reader.calls();
    if calls.is_empty() {
        return report;
    }
    reader.constants = Constants::collect(&source);
    // Read once for the whole file: asking per call would rescan a minified file's one line
    // for every call in it.
    reader.all_suppressions = find_suppressions(file.text, 1, u32::MAX);

    for call in calls {
        match reader.declaration(&call) {
            Ok(declaration) => report.declarations.push(declaration),
            Err(notice) => report.notices.push(notice),
        }
    }
    report
}

/// The language of a source file, from its extension.
fn language_of(path: &str) -> Option<Language> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (_, extension) = name.rsplit_once('.')?;
    match extension.to_ascii_lowercase().as_str() {
        "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs" => Some(Language::Js),
        "py" => Some(Language::Python),
        _ => None,
    }
}

/// A tokenized file, with the questions the reader asks about its tokens. Every accessor
/// answers `false`, `None` or `""` for an index past the end, so callers never index.
pub(super) struct Source<'t> {
    text: &'t str,
    language: Language,
    lexed: Lexed,
}

impl<'t> Source<'t> {
    fn new(text: &'t str, language: Language) -> Source<'t> {
        Source {
            text,
            language,
            lexed: lex(text, language),
        }
    }

    fn kind(&self, index: usize) -> Option<Kind> {
        self.lexed.tokens.get(index).map(|t| t.kind)
    }

    /// The text of the token at `index`.
    fn text_of(&self, index: usize) -> &'t str {
        self.lexed
            .tokens
            .get(index)
            .and_then(|t| self.text.get(t.start()..t.end()))
            .unwrap_or_default()
    }

    /// True when the token at `index` is exactly `word` (an identifier, operator or bracket).
    fn is(&self, index: usize, word: &str) -> bool {
        !matches!(self.kind(index), None | Some(Kind::Str(_))) && self.text_of(index) == word
    }

    fn is_ident(&self, index: usize) -> bool {
        self.kind(index) == Some(Kind::Ident)
    }

    /// True when a line break comes just before the token at `index`.
    fn starts_line(&self, index: usize) -> bool {
        self.lexed
            .tokens
            .get(index)
            .is_some_and(|t| t.newline_before)
    }

    /// True when the token at `index` is the first thing on its line, at the left margin.
    fn at_line_start(&self, index: usize) -> bool {
        let Some(token) = self.lexed.tokens.get(index) else {
            return false;
        };
        let before = self.text.get(..token.start()).unwrap_or_default();
        before.is_empty() || before.ends_with('\n') || before == "\u{feff}"
    }

    /// True for a token that may stand in a type annotation (`string`, `Final[str]`,
    /// `Record<string, string>`).
    fn is_type_token(&self, index: usize) -> bool {
        self.is_ident(index)
            || [".", "[", "]", "<", ">", "|", ",", "?"]
                .iter()
                .any(|p| self.is(index, p))
    }

    fn string_literal(&self, index: usize) -> Option<&StrLit> {
        self.lexed.string(index)
    }

    /// The value of a string literal without interpolations.
    fn static_string(&self, index: usize) -> Option<String> {
        let lit = self.string_literal(index)?;
        if !lit.interpolations.is_empty() {
            return None;
        }
        literal::string_value(self.text, lit, |_| None)
    }

    /// The text from the first to the last token of `range`, as written.
    fn slice(&self, range: &Range<usize>) -> &'t str {
        let tokens = &self.lexed.tokens;
        match (
            tokens.get(range.start),
            range.end.checked_sub(1).and_then(|l| tokens.get(l)),
        ) {
            (Some(first), Some(last)) if range.start < range.end => {
                self.text.get(first.start()..last.end()).unwrap_or_default()
            }
            _ => "",
        }
    }

    /// When `range` is exactly one bracketed group of `bracket`, its opening and closing
    /// tokens.
    fn group(&self, range: &Range<usize>, bracket: Bracket) -> Option<(usize, usize)> {
        if self.kind(range.start)? != Kind::Open(bracket) {
            return None;
        }
        let close = self.lexed.partner(range.start)?;
        (close + 1 == range.end).then_some((range.start, close))
    }

    /// The comma-separated items between the brackets at `open` and `close`, as token
    /// ranges; an empty item between two commas is kept, a trailing comma gives none.
    fn items(&self, open: usize, close: usize) -> Vec<Range<usize>> {
        let mut items = Vec::new();
        let mut start = open + 1;
        let mut at = start;
        while at < close {
            if self.is(at, ",") {
                items.push(start..at);
                start = at + 1;
                at += 1;
                continue;
            }
            at = match self.kind(at) {
                Some(Kind::Open(_)) => self
                    .lexed
                    .partner(at)
                    .filter(|p| *p < close)
                    .map_or(at + 1, |p| p + 1),
                _ => at + 1,
            };
        }
        if start < close {
            items.push(start..close);
        }
        items
    }

    /// `range` without a TypeScript type assertion at its end (`as const`, `as string[]`,
    /// `satisfies T`, a non-null `!`).
    fn without_assertion(&self, range: Range<usize>) -> Range<usize> {
        if self.language != Language::Js {
            return range;
        }
        let mut at = range.start;
        while at < range.end {
            if at > range.start && (self.is(at, "as") || self.is(at, "satisfies")) {
                return range.start..at;
            }
            at = match self.kind(at) {
                Some(Kind::Open(_)) => self.lexed.partner(at).map_or(at + 1, |p| p + 1),
                _ => at + 1,
            };
        }
        if range.end > range.start + 1 && self.is(range.end - 1, "!") {
            return range.start..range.end - 1;
        }
        range
    }
}

/// Which construct a call creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Construct {
    /// `OpenIdConnectProvider` of CDK's `aws_iam` or `aws_eks`, or of Pulumi's `aws.iam`.
    Provider,
    /// CDK's `OidcProviderNative`.
    NativeProvider,
}

/// A call that creates a provider.
struct Call {
    construct: Construct,
    /// The first token: `new`, or the first name of the callee.
    first: usize,
    /// The first name of the callee (`iam` in `iam.OpenIdConnectProvider`).
    callee: usize,
    /// The class name's token.
    name: usize,
    /// The opening parenthesis of the arguments.
    open: usize,
}

/// One argument of a call.
struct Argument {
    /// The keyword's token, for a Python keyword argument.
    keyword: Option<usize>,
    /// `...x`, `*x` or `**x`.
    spread: bool,
    /// The argument's tokens (for a spread, the operator included).
    value: Range<usize>,
}

/// One property of an object literal, dict or keyword argument list.
struct Entry {
    key: String,
    key_token: usize,
    value: Range<usize>,
}

/// The properties given to a call, as far as they can be seen.
#[derive(Default)]
struct Props {
    entries: Vec<Entry>,
    /// Expressions that may hold more properties: spreads and opaque arguments.
    unseen: Vec<Range<usize>>,
}

impl Props {
    fn extend(&mut self, other: Props) {
        self.entries.extend(other.entries);
        self.unseen.extend(other.unseen);
    }

    /// The last property with one of `keys`.
    fn find(&self, keys: &[&str]) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| keys.contains(&e.key.as_str()))
    }
}

/// Which tool's modules the file imports.
#[derive(Clone, Copy)]
struct Modules {
    pulumi: bool,
    cdk: bool,
}

impl Modules {
    fn of(text: &str) -> Modules {
        Modules {
            pulumi: PULUMI_MODULES.iter().any(|m| text.contains(m)),
            cdk: CDK_MODULES.iter().any(|m| text.contains(m)),
        }
    }
}

struct Reader<'a, 't> {
    file: SourceFile<'t>,
    ctx: &'a ReadContext,
    source: &'a Source<'t>,
    constants: Constants,
    locator: Locator<'t>,
    modules: Modules,
    /// Every suppression comment of the file, in line order.
    all_suppressions: Vec<Suppression>,
}

impl Reader<'_, '_> {
    fn notice(&self, offset: usize, message: String) -> ReadNotice {
        let (line, column) = self.locator.position(offset);
        ReadNotice {
            file: self.file.path.to_string(),
            line: Some(line),
            column: Some(column),
            message,
        }
    }

    fn span(&self, first: usize, last: usize) -> Span {
        let tokens = &self.source.lexed.tokens;
        let start = tokens.get(first).map_or(0, |t| t.start());
        let end = tokens.get(last).map_or(start, |t| t.end());
        self.locator.span(start, end)
    }

    fn lexical_notices(&self) -> Vec<ReadNotice> {
        let problems = &self.source.lexed.problems;
        let shown: Vec<(usize, String)> = problems
            .iter()
            .take(MAX_LEXICAL_NOTICES)
            .map(|p| {
                (
                    p.offset,
                    format!("{}; providers declared after it may be missed", p.message),
                )
            })
            .collect();
        let hidden = problems.len().saturating_sub(MAX_LEXICAL_NOTICES);
        let last_offset = problems.last().map_or(0, |p| p.offset);
        let mut notices: Vec<ReadNotice> = shown
            .into_iter()
            .map(|(offset, message)| self.notice(offset, message))
            .collect();
        if hidden > 0 {
            let message = format!(
                "{hidden} more unterminated strings or comments up to here; the file may not be \
                 TypeScript, JavaScript or Python"
            );
            notices.push(self.notice(last_offset, message));
        }
        notices
    }

    /// The class names to look for: the two classes and the `as` aliases the file gives them.
    fn class_names(&self) -> HashMap<&str, Construct> {
        let source = self.source;
        let mut names = HashMap::from([
            (PROVIDER, Construct::Provider),
            (NATIVE_PROVIDER, Construct::NativeProvider),
        ]);
        for index in 0..source.lexed.tokens.len() {
            let construct = match source.text_of(index) {
                PROVIDER => Construct::Provider,
                NATIVE_PROVIDER => Construct::NativeProvider,
                _ => continue,
            };
            let aliased =
                source.is_ident(index) && source.is(index + 1, "as") && source.is_ident(index + 2);
            if aliased && self.in_import(index) {
                names.insert(source.text_of(index + 2), construct);
            }
        }
        names
    }

    /// True when the name at `index` stands in an import list: `import { A as B }`,
    /// `from m import A as B`, `from m import (A as B)`; not a TypeScript `x as T` cast.
    fn in_import(&self, index: usize) -> bool {
        let source = self.source;
        let Some(before) = index.checked_sub(1) else {
            return false;
        };
        match source.language {
            Language::Python => ["import", ",", "("].iter().any(|w| source.is(before, w)),
            Language::Js => {
                let Some(list) = source.lexed.parent(index) else {
                    return false;
                };
                let opens_list = source.is(list, "{")
                    && list.checked_sub(1).is_some_and(|b| {
                        ["import", "export", "type", ","]
                            .iter()
                            .any(|w| source.is(b, w))
                    });
                opens_list && (source.is(before, "{") || source.is(before, ","))
            }
        }
    }

    /// Every call of a provider class, in order.
    fn calls(&self) -> Vec<Call> {
        let source = self.source;
        let names = self.class_names();
        let mut calls = Vec::new();
        for name in 0..source.lexed.tokens.len() {
            if !source.is_ident(name) || !source.is(name + 1, "(") {
                continue;
            }
            let Some(&construct) = names.get(source.text_of(name)) else {
                continue;
            };
            let mut callee = name;
            while callee >= 2 && source.is(callee - 1, ".") && source.is_ident(callee - 2) {
                callee -= 2;
            }
            let before = callee.checked_sub(1);
            let defines = before
                .is_some_and(|b| ["def", "function", "class"].iter().any(|k| source.is(b, k)));
            if defines {
                continue;
            }
            let first = before.filter(|b| source.is(*b, "new")).unwrap_or(callee);
            calls.push(Call {
                construct,
                first,
                callee,
                name,
                open: name + 1,
            });
        }
        calls
    }

    /// The names before the class name: `["aws", "iam"]` for `aws.iam.OpenIdConnectProvider`.
    fn qualifier(&self, call: &Call) -> Vec<&str> {
        (call.callee..call.name)
            .step_by(2)
            .map(|index| self.source.text_of(index))
            .collect()
    }

    /// The callee as written: `iam.OpenIdConnectProvider`.
    fn callee_text(&self, call: &Call) -> &str {
        self.source.slice(&(call.callee..call.name + 1))
    }

    /// Byte offset where a call starts (its `new`, or its callee).
    fn call_start(&self, call: &Call) -> usize {
        let tokens = &self.source.lexed.tokens;
        tokens.get(call.first).map_or(0, |t| t.start())
    }

    fn declaration(&self, call: &Call) -> Result<Declaration, ReadNotice> {
        let Some(close) = self.source.lexed.partner(call.open) else {
            let message = format!(
                "the call to {} is not closed: no `)` matches the `(` after it; this provider \
                 was skipped",
                self.callee_text(call)
            );
            return Err(self.notice(self.call_start(call), message));
        };

        let arguments = self.arguments(call.open, close);
        let format = self.format(call, &arguments);
        let (id, props) = self.layout(format, &arguments);
        let url = self.url(call, &props)?;
        let target = self.assignment_target(call.first);
        let resource = self.resource(call, id.as_ref(), target);
        let (location, thumbprints) = self.thumbprints(call, &props);

        let first_line = self.span(target.unwrap_or(call.first), call.first).line;
        let last_line = self.span(close, close).line;
        let suppressions = self.suppressions(first_line, last_line);

        Ok(Declaration {
            file: self.file.path.to_string(),
            format,
            resource,
            location,
            url,
            thumbprints,
            suppressions,
        })
    }

    /// The issuer URL from the `url` property; a notice when there is none.
    fn url(&self, call: &Call, props: &Props) -> Result<IssuerUrl, ReadNotice> {
        match props.find(&["url"]) {
            Some(entry) => Ok(self.issuer_url(call, entry.value.clone())),
            None if !props.unseen.is_empty() => Ok(self.unresolved_url(call, self.unseen(props))),
            None => {
                let message = format!(
                    "{} has no `url` property; expected the issuer URL as `url`, so this \
                     provider was skipped",
                    self.callee_text(call)
                );
                Err(self.notice(self.call_start(call), message))
            }
        }
    }

    /// The declaration's location and thumbprint list: the thumbprint property's key and
    /// value, or the call itself and an absent list (dynamic when unseen properties may hold
    /// one).
    fn thumbprints(&self, call: &Call, props: &Props) -> (Span, ThumbprintList) {
        if let Some(entry) = props.find(&THUMBPRINT_KEYS) {
            let location = self.span(entry.key_token, entry.key_token);
            return (location, self.thumbprint_list(entry.value.clone()));
        }
        let location = self.span(call.first, call.name);
        if props.unseen.is_empty() {
            return (location, ThumbprintList::Absent);
        }
        let expression = self.unseen(props);
        (location, ThumbprintList::Dynamic { expression })
    }

    fn arguments(&self, open: usize, close: usize) -> Vec<Argument> {
        let source = self.source;
        source
            .items(open, close)
            .into_iter()
            .filter(|item| !item.is_empty())
            .map(|item| {
                let spread = source.is(item.start, "...")
                    || (source.language == Language::Python
                        && (source.is(item.start, "*") || source.is(item.start, "**")));
                let keyword = source.language == Language::Python
                    && source.is_ident(item.start)
                    && source.is(item.start + 1, "=");
                Argument {
                    keyword: keyword.then_some(item.start),
                    spread,
                    value: if keyword {
                        item.start + 2..item.end
                    } else {
                        item
                    },
                }
            })
            .collect()
    }

    /// Tells CDK from Pulumi: by the class, the callee's qualifier, the property names, the
    /// modules the file imports, and last the first argument (Pulumi's name is a string, CDK's
    /// scope is not).
    fn format(&self, call: &Call, arguments: &[Argument]) -> Format {
        let source = self.source;
        if call.construct == Construct::NativeProvider {
            return Format::Cdk;
        }
        let qualifier = self.qualifier(call);
        if qualifier.ends_with(&["aws", "iam"]) {
            return Format::Pulumi;
        }
        if qualifier.iter().any(|segment| segment.contains("eks")) {
            return Format::Cdk;
        }

        let mut keys: Vec<String> = Vec::new();
        for argument in arguments {
            keys.extend(argument.keyword.map(|k| source.text_of(k).to_string()));
            let props = self.props_of(argument.value.clone());
            keys.extend(props.entries.into_iter().map(|e| e.key));
        }
        if keys.iter().any(|k| PULUMI_KEYS.contains(&k.as_str())) {
            return Format::Pulumi;
        }
        if keys.iter().any(|k| CDK_KEYS.contains(&k.as_str())) {
            return Format::Cdk;
        }

        match (self.modules.pulumi, self.modules.cdk) {
            (true, false) => return Format::Pulumi,
            (false, true) => return Format::Cdk,
            _ => {}
        }
        let first_is_string = arguments
            .first()
            .is_some_and(|a| a.keyword.is_none() && source.string_literal(a.value.start).is_some());
        if first_is_string {
            Format::Pulumi
        } else {
            Format::Cdk
        }
    }

    /// The id (or name) argument and the properties, where each format and language puts
    /// them.
    fn layout(&self, format: Format, arguments: &[Argument]) -> (Option<Range<usize>>, Props) {
        let source = self.source;
        let positional: Vec<&Argument> = arguments
            .iter()
            .filter(|a| a.keyword.is_none() && !a.spread)
            .collect();
        let keyword = |name: &str| {
            arguments
                .iter()
                .find(|a| a.keyword.is_some_and(|k| source.is(k, name)))
        };
        let value = |argument: Option<&Argument>| argument.map(|a| a.value.clone());

        let mut props = Props::default();
        for argument in arguments {
            if argument.spread {
                props.unseen.push(argument.value.clone());
            }
        }
        let id = match (format, source.language) {
            (Format::Pulumi, Language::Js) => {
                props.extend(self.props_of_argument(value(positional.get(1).copied())));
                value(positional.first().copied())
            }
            (_, Language::Js) => {
                props.extend(self.props_of_argument(value(positional.get(2).copied())));
                value(positional.get(1).copied())
            }
            (Format::Pulumi, Language::Python) => {
                props.extend(self.keyword_props(arguments, &["resource_name", "opts", "args"]));
                let args = keyword("args").or_else(|| positional.get(1).copied());
                props.extend(self.props_of_argument(value(args)));
                value(keyword("resource_name").or_else(|| positional.first().copied()))
            }
            (_, Language::Python) => {
                props.extend(self.keyword_props(arguments, &["scope", "id"]));
                value(keyword("id").or_else(|| positional.get(1).copied()))
            }
        };
        (id, props)
    }

    fn props_of_argument(&self, value: Option<Range<usize>>) -> Props {
        value.map(|v| self.props_of(v)).unwrap_or_default()
    }

    /// Python keyword arguments as properties, except the `skipped` ones.
    fn keyword_props(&self, arguments: &[Argument], skipped: &[&str]) -> Props {
        let source = self.source;
        let entries = arguments
            .iter()
            .filter_map(|a| {
                let key_token = a.keyword?;
                let key = source.text_of(key_token);
                (!skipped.contains(&key)).then(|| Entry {
                    key: key.to_string(),
                    key_token,
                    value: a.value.clone(),
                })
            })
            .collect();
        Props {
            entries,
            unseen: Vec::new(),
        }
    }

    /// The properties an argument holds: an object literal or dict, a Python `...Args(...)`
    /// call, or, for anything else, an unseen expression.
    fn props_of(&self, value: Range<usize>) -> Props {
        let source = self.source;
        if let Some((open, close)) = source.group(&value, Bracket::Curly) {
            return self.object_entries(open, close);
        }
        if let Some((open, close)) = self.args_call(&value) {
            let arguments = self.arguments(open, close);
            let mut props = self.keyword_props(&arguments, &[]);
            props
                .unseen
                .extend(arguments.into_iter().filter(|a| a.spread).map(|a| a.value));
            return props;
        }
        Props {
            entries: Vec::new(),
            unseen: vec![value],
        }
    }

    /// When `value` is a Python call of a class named `...Args`, its parentheses.
    fn args_call(&self, value: &Range<usize>) -> Option<(usize, usize)> {
        let source = self.source;
        if source.language != Language::Python || value.is_empty() {
            return None;
        }
        let mut name = value.start;
        while source.is(name + 1, ".") && source.is_ident(name + 2) {
            name += 2;
        }
        let is_args = source.is_ident(name) && source.text_of(name).ends_with("Args");
        let group = source.group(&(name + 1..value.end), Bracket::Round)?;
        is_args.then_some(group)
    }

    /// The entries of an object literal or dict: `key: value`, `'key': value`, shorthand
    /// `{ key }`, and spreads (`...x`, `**x`) as unseen.
    fn object_entries(&self, open: usize, close: usize) -> Props {
        let source = self.source;
        let mut props = Props::default();
        for item in source.items(open, close) {
            if item.is_empty() {
                continue;
            }
            if source.is(item.start, "...") || source.is(item.start, "**") {
                props.unseen.push(item);
                continue;
            }
            let key_token = item.start;
            let key = match source.kind(key_token) {
                Some(Kind::Ident | Kind::Number) => Some(source.text_of(key_token).to_string()),
                Some(Kind::Str(_)) => source.static_string(key_token),
                _ => None,
            };
            let Some(key) = key else {
                continue;
            };
            if source.is(key_token + 1, ":") {
                props.entries.push(Entry {
                    key,
                    key_token,
                    value: key_token + 2..item.end,
                });
            } else if item.len() == 1 && source.is_ident(key_token) {
                props.entries.push(Entry {
                    key,
                    key_token,
                    value: item,
                });
            }
        }
        props
    }

    /// The unseen property sources as one expression text.
    fn unseen(&self, props: &Props) -> String {
        props
            .unseen
            .iter()
            .map(|range| self.source.slice(range))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn issuer_url(&self, call: &Call, value: Range<usize>) -> IssuerUrl {
        let source = self.source;
        let value = source.without_assertion(value);
        if value.len() == 1 {
            if let Some(url) = source.static_string(value.start) {
                return IssuerUrl::Known {
                    url,
                    expression: None,
                };
            }
        }
        let expression = source.slice(&value).to_string();
        match self.string_expression(value) {
            Some(url) => IssuerUrl::Known {
                url,
                expression: Some(expression),
            },
            None => self.unresolved_url(call, expression),
        }
    }

    fn unresolved_url(&self, call: &Call, expression: String) -> IssuerUrl {
        let eks_construct = self
            .qualifier(call)
            .iter()
            .any(|segment| segment.contains("eks"));
        let names_eks_issuer = EKS_ISSUER_MARKERS.iter().any(|m| expression.contains(m));
        match &self.ctx.aws_region {
            Some(region) if eks_construct || names_eks_issuer => IssuerUrl::Eks {
                region: region.clone(),
                expression,
            },
            _ => IssuerUrl::Unresolved { expression },
        }
    }

    /// The value of a string expression made only of known parts: literals, trusted
    /// constants and interpolations of them, joined by `+` (or, in Python, side by side),
    /// in parentheses or not.
    fn string_expression(&self, mut value: Range<usize>) -> Option<String> {
        let source = self.source;
        while let Some((open, close)) = source.group(&value, Bracket::Round) {
            value = open + 1..close;
        }
        if value.is_empty() {
            return None;
        }
        let mut result = String::new();
        let mut at = value.start;
        loop {
            result.push_str(&self.string_part(at)?);
            at += 1;
            if at >= value.end {
                return Some(result);
            }
            if source.is(at, "+") {
                at += 1;
            } else if source.language != Language::Python
                || source.string_literal(at).is_none()
                || source.string_literal(at - 1).is_none()
            {
                return None;
            }
            if at >= value.end {
                return None;
            }
        }
    }

    /// The value of one token of a string expression: a literal (its interpolations resolved
    /// through trusted constants) or a trusted constant.
    fn string_part(&self, index: usize) -> Option<String> {
        let source = self.source;
        if let Some(lit) = source.string_literal(index) {
            return literal::string_value(source.text, lit, |name| {
                self.constants.get(name).map(|c| c.value.clone())
            });
        }
        if source.is_ident(index) {
            return self
                .constants
                .get(source.text_of(index))
                .map(|c| c.value.clone());
        }
        None
    }

    fn thumbprint_list(&self, value: Range<usize>) -> ThumbprintList {
        let source = self.source;
        let value = source.without_assertion(value);
        let dynamic = || ThumbprintList::Dynamic {
            expression: source.slice(&value).to_string(),
        };
        let Some((open, close)) = source.group(&value, Bracket::Square) else {
            return dynamic();
        };

        let mut values = Vec::new();
        for item in source.items(open, close) {
            if item.len() != 1 {
                return dynamic();
            }
            let (text, literal) = if let Some(text) = source.static_string(item.start) {
                (text, item.start)
            } else if let Some(constant) = source
                .is_ident(item.start)
                .then(|| self.constants.get(source.text_of(item.start)))
                .flatten()
            {
                (constant.value.clone(), constant.literal)
            } else {
                return dynamic();
            };
            values.push((text, literal));
        }

        let values = values
            .into_iter()
            .map(|(value, literal)| DeclaredThumbprint {
                value,
                span: self.span(literal, literal),
            })
            .collect();
        ThumbprintList::Literal {
            values,
            span: self.span(open, close),
        }
    }

    /// The resource name: the id (or Pulumi name) when it is a string, else the variable the
    /// call is assigned to, else the id's expression, else the callee.
    fn resource(&self, call: &Call, id: Option<&Range<usize>>, target: Option<usize>) -> String {
        let source = self.source;
        if let Some(name) = id.and_then(|id| self.string_expression(id.clone())) {
            return name;
        }
        if let Some(target) = target {
            return source.text_of(target).to_string();
        }
        match id {
            Some(id) if !id.is_empty() => source.slice(id).to_string(),
            _ => self.callee_text(call).to_string(),
        }
    }

    /// The name the call's result is assigned to (`const provider = new ...`,
    /// `this.provider = new ...`, `provider: iam.OpenIdConnectProvider = ...`), as its token.
    fn assignment_target(&self, first: usize) -> Option<usize> {
        let source = self.source;
        let equals = first.checked_sub(1)?;
        if !source.is(equals, "=") {
            return None;
        }
        let name = equals.checked_sub(1)?;
        let mut at = name;
        for _ in 0..MAX_ANNOTATION_TOKENS {
            if source.is(at, ":") {
                let annotated = at.checked_sub(1)?;
                return source.is_ident(annotated).then_some(annotated);
            }
            if !source.is_type_token(at) || source.starts_line(at) || at == 0 {
                break;
            }
            at -= 1;
        }
        source.is_ident(name).then_some(name)
    }

    /// The suppression comments for a call on lines `first..=last` (and the line above), as
    /// [`find_suppressions`] gives them, picked from the file's comments read once.
    fn suppressions(&self, first: u32, last: u32) -> Vec<Suppression> {
        let from = first.saturating_sub(1).max(1);
        let all = &self.all_suppressions;
        let start = all.partition_point(|s| s.line < from);
        let end = all.partition_point(|s| s.line <= last);
        all.get(start..end).unwrap_or_default().to_vec()
    }
}

/// The longest type annotation walked back over when looking for an assignment's target.
const MAX_ANNOTATION_TOKENS: usize = 32;

/// Bytes between two checkpoints of a [`Locator`].
const CHECKPOINT_BYTES: usize = 256;

/// Turns byte offsets into lines and columns. One pass over the text records, every few
/// kilobytes, the line and column reached; a position is then counted
/// from the nearest checkpoint before it, so each costs a bounded amount of work in whatever
/// order they are asked for, even on a minified file that is one long line.
struct Locator<'t> {
    text: &'t str,
    /// Byte offset (a character boundary), 1-based line and column, in order.
    checkpoints: Vec<(usize, u32, u32)>,
}

impl<'t> Locator<'t> {
    fn new(text: &'t str) -> Locator<'t> {
        let mut checkpoints = vec![(0, 1, 1)];
        let (mut line, mut column) = (1u32, 1u32);
        let mut next_checkpoint = CHECKPOINT_BYTES;
        for (offset, byte) in text.bytes().enumerate() {
            let boundary = byte & 0xc0 != 0x80;
            if boundary && offset >= next_checkpoint {
                checkpoints.push((offset, line, column));
                next_checkpoint = offset + CHECKPOINT_BYTES;
            }
            if byte == b'\n' {
                line = line.saturating_add(1);
                column = 1;
            } else if boundary {
                column = column.saturating_add(1);
            }
        }
        Locator { text, checkpoints }
    }

    /// 1-based line and character column of `offset`, as [`crate::line_column`] gives them.
    fn position(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let nearest = self
            .checkpoints
            .partition_point(|(at, _, _)| *at <= offset)
            .saturating_sub(1);
        let (from, mut line, mut column) =
            self.checkpoints.get(nearest).copied().unwrap_or((0, 1, 1));
        for byte in self.text.as_bytes().get(from..offset).unwrap_or_default() {
            if *byte == b'\n' {
                line = line.saturating_add(1);
                column = 1;
            } else if byte & 0xc0 != 0x80 {
                column = column.saturating_add(1);
            }
        }
        (line, column)
    }

    /// The span of bytes `start..end`, as [`Span::of`] gives it.
    fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.text.len());
        let end = end.clamp(start, self.text.len());
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
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
