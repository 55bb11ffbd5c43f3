//! Text edits that write a new thumbprint list where a reader found the old one, keeping
//! quotes, indentation, flow or block style, comments and line endings.
//!
//! Three strategies, chosen by the shape of the change and of the list:
//!
//! - **Same length**: each value that changes is rewritten inside its own quotes (or as the
//!   bare YAML scalar it is), position by position. Nothing else of the file moves, and a
//!   value declared away from the list (a same-file Terraform variable or local, a source
//!   constant) is rewritten where it is, since its span points exactly at it.
//! - **One value per line** (a YAML block sequence, or a bracketed list whose values each
//!   stand on a line of their own): the lines of values that go are removed with their
//!   trailing comments, new values get lines shaped like a kept value's line (indentation,
//!   `- `, quote character), kept lines move whole, their comments with them, and commas
//!   follow the list's own habit (a trailing comma stays or stays absent).
//! - **One line**: the list text is written again in the same style: the text inside the
//!   brackets before the first value and after the last, the separator, each kept value as
//!   written, new values quoted like the first one.
//!
//! The result always holds the new values in the given order.

use super::one_line;
use crate::{Declaration, DeclaredThumbprint, Span, Thumbprint, ThumbprintList};

/// One replacement of bytes `start..end` of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset of the first byte replaced.
    pub start: usize,
    /// Byte offset just past the last byte replaced.
    pub end: usize,
    /// What goes in their place.
    pub text: String,
}

/// Why a thumbprint list cannot be rewritten in place. Each says what a person should do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The list is computed, or there is none: there is no text to rewrite.
    #[error("the thumbprint list is not written out as a list of values, so there is no text to rewrite")]
    NotLiteral,
    /// Nothing to write.
    #[error("the new thumbprint list is empty; IAM needs at least one value here")]
    EmptyList,
    /// A value the reader took from somewhere else (another file, a number) has no span of
    /// its own.
    #[error(
        "line {line}: thumbprint \"{value}\" is not written here as a string but comes from \
         `{expression}`; change it where it is defined"
    )]
    Elsewhere {
        /// The declared value.
        value: String,
        /// 1-based line of the expression.
        line: u32,
        /// The expression it comes from, on one line.
        expression: String,
    },
    /// The text at a value's span is no longer that value.
    #[error(
        "line {line}: the file no longer holds \"{value}\" where it was read; it changed \
         since it was read, so nothing was written: run fix again"
    )]
    Changed {
        /// The declared value.
        value: String,
        /// 1-based line where it was read.
        line: u32,
    },
    /// The number of values changes, and the list is an expression, not a written-out list.
    #[error(
        "line {line}: the thumbprint list is `{expression}`, not a list written out, and the \
         number of values changes; rewrite it by hand"
    )]
    NotAList {
        /// 1-based line of the list.
        line: u32,
        /// The list's text, on one line.
        expression: String,
    },
    /// The number of values changes, and a value is declared away from the list.
    #[error(
        "line {line}: thumbprint \"{value}\" is declared away from the list (a variable, \
         local or constant), and the number of values changes; rewrite the list by hand"
    )]
    OutsideList {
        /// The declared value.
        value: String,
        /// 1-based line where it is declared.
        line: u32,
    },
    /// The list's layout is one this module does not rewrite without losing some of it.
    #[error(
        "line {line}: {what}; a list is rewritten only when each value stands on a line of \
         its own or the whole list is on one line"
    )]
    Layout {
        /// 1-based line of the problem.
        line: u32,
        /// What was found.
        what: String,
    },
    /// One piece of text would need two different values.
    #[error(
        "line {line}: the text there is shared with {other}, which needs other values; \
         rewrite them by hand"
    )]
    Shared {
        /// 1-based line of the shared text.
        line: u32,
        /// What else uses it: another value of the list or another declaration.
        other: String,
    },
}

/// The edits that turn a declaration's thumbprint list into `new`, in the text the
/// declaration was read from.
///
/// ```
/// use oidc_thumb_core::fix::{apply_edits, list_edits};
/// use oidc_thumb_core::readers::{cloudformation::read_cloudformation, ReadContext, SourceFile};
/// use oidc_thumb_core::Thumbprint;
/// let text = "Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      \
///             Url: https://idp.example.com\n      \
///             ThumbprintList: ['1111111111111111111111111111111111111111']  # pinned\n";
/// let report = read_cloudformation(SourceFile { path: "t.yaml", text }, &ReadContext::default());
/// let new: Thumbprint = "2222222222222222222222222222222222222222".parse().unwrap();
/// let edits = list_edits(text, &report.declarations[0], &[new]).unwrap();
/// let fixed = apply_edits(text, &edits);
/// assert!(fixed.ends_with("['2222222222222222222222222222222222222222']  # pinned\n"));
/// ```
pub fn list_edits(
    text: &str,
    declaration: &Declaration,
    new: &[Thumbprint],
) -> Result<Vec<Edit>, EditError> {
    let ThumbprintList::Literal { values, span } = &declaration.thumbprints else {
        return Err(EditError::NotLiteral);
    };
    if new.is_empty() {
        return Err(EditError::EmptyList);
    }
    let wanted: Vec<String> = new.iter().map(Thumbprint::to_string).collect();
    let list = List {
        text,
        values,
        span: *span,
    };
    if values.len() == wanted.len() {
        list.in_place(&wanted)
    } else {
        list.restructure(&wanted)
    }
}

/// The text with the edits applied. Edits must not overlap; they may come in any order.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.start, edit.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        if edit.start < at {
            continue;
        }
        out.push_str(text.get(at..edit.start).unwrap_or_default());
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// The declaration's text with its thumbprint list rewritten to `new`, or why it cannot be.
///
/// ```
/// use oidc_thumb_core::fix::rewrite_list;
/// use oidc_thumb_core::readers::{read_terraform_module, ReadContext, SourceFile};
/// use oidc_thumb_core::Thumbprint;
/// let text = "resource \"aws_iam_openid_connect_provider\" \"p\" {\n  url = \"https://idp.example.com\"\n  \
///             thumbprint_list = [\n    \"1111111111111111111111111111111111111111\", # old root\n  ]\n}\n";
/// let reports = read_terraform_module(&[SourceFile { path: "iam.tf", text }], &ReadContext::default());
/// let new: Vec<Thumbprint> = ["2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333"]
///     .iter().map(|v| v.parse().unwrap()).collect();
/// let fixed = rewrite_list(text, &reports[0].declarations[0], &new).unwrap();
/// assert!(fixed.contains("    \"2222222222222222222222222222222222222222\",\n    \"3333333333333333333333333333333333333333\",\n  ]"));
/// ```
pub fn rewrite_list(
    text: &str,
    declaration: &Declaration,
    new: &[Thumbprint],
) -> Result<String, EditError> {
    list_edits(text, declaration, new).map(|edits| apply_edits(text, &edits))
}

/// The new text of a file and, for each list asked for, whether its edits went in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFix {
    /// The text with every list that could be rewritten rewritten.
    pub text: String,
    /// One outcome per list, in the order asked.
    pub outcomes: Vec<Result<(), EditError>>,
}

/// Rewrites several lists of one file at once. A list whose edits would overlap another's
/// with different text (two declarations sharing a variable, each wanting other values) is
/// left alone with [`EditError::Shared`]; identical edits are made once.
pub fn fix_file(text: &str, lists: &[(&Declaration, &[Thumbprint])]) -> FileFix {
    let mut accepted: Vec<(Edit, &str)> = Vec::new();
    let mut outcomes = Vec::with_capacity(lists.len());

    for (declaration, new) in lists {
        let outcome = list_edits(text, declaration, new).and_then(|edits| {
            let mut fresh = Vec::new();
            for edit in edits {
                match accepted.iter().find(|(other, _)| overlaps(other, &edit)) {
                    Some((other, _)) if *other == edit => {}
                    Some((_, owner)) => {
                        return Err(EditError::Shared {
                            line: Span::of(text, edit.start, edit.end).line,
                            other: (*owner).to_string(),
                        })
                    }
                    None => fresh.push(edit),
                }
            }
            Ok(fresh)
        });
        outcomes.push(outcome.map(|fresh| {
            let owner = declaration.resource.as_str();
            accepted.extend(fresh.into_iter().map(|edit| (edit, owner)));
        }));
    }

    let edits: Vec<Edit> = accepted.into_iter().map(|(edit, _)| edit).collect();
    FileFix {
        text: apply_edits(text, &edits),
        outcomes,
    }
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    a.start < b.end && b.start < a.end
}

/// How a value is written: the text before its content (a string prefix and the opening
/// quote), the content, and the closing quote. A bare YAML scalar has neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Quoting<'t> {
    open: &'t str,
    content: &'t str,
    close: &'t str,
}

/// Quote marks, longest first so that Python's triple quotes win.
const QUOTES: [&str; 5] = ["\"\"\"", "'''", "\"", "'", "`"];

impl<'t> Quoting<'t> {
    fn of(written: &'t str) -> Quoting<'t> {
        // Python's string prefixes (r, b, u, f and their pairs) stand before the quote.
        let prefix = written
            .bytes()
            .take_while(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
            .count();
        if prefix <= 2 {
            let rest = written.get(prefix..).unwrap_or_default();
            for quote in QUOTES {
                if rest.len() >= 2 * quote.len() && rest.starts_with(quote) && rest.ends_with(quote)
                {
                    let open = prefix + quote.len();
                    let close = written.len() - quote.len();
                    if let (Some(open_text), Some(content), Some(close_text)) = (
                        written.get(..open),
                        written.get(open..close),
                        written.get(close..),
                    ) {
                        return Quoting {
                            open: open_text,
                            content,
                            close: close_text,
                        };
                    }
                }
            }
        }
        Quoting {
            open: "",
            content: written,
            close: "",
        }
    }

    /// `value` written the same way. A bare YAML scalar stays bare unless YAML would read
    /// the value as a number, then it is double-quoted.
    fn render(&self, value: &str) -> String {
        if self.open.is_empty() && self.close.is_empty() && !plain_yaml_string(value) {
            return format!("\"{value}\"");
        }
        format!("{}{value}{}", self.open, self.close)
    }
}

/// True when YAML reads `value` (lowercase hex) as a string without quotes: not an integer,
/// a float with an exponent (`123e45`) or a YAML 1.1 binary number (`0b101`).
fn plain_yaml_string(value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(value) {
        return false;
    }
    if let Some((mantissa, exponent)) = value.split_once('e') {
        if digits(mantissa) && digits(exponent) {
            return false;
        }
    }
    if let Some(bits) = value.strip_prefix("0b") {
        if !bits.is_empty() && bits.bytes().all(|b| b == b'0' || b == b'1') {
            return false;
        }
    }
    true
}

/// A declaration's literal list in the text it was read from.
struct List<'t, 'd> {
    text: &'t str,
    values: &'d [DeclaredThumbprint],
    span: Span,
}

/// Where each value of the new list comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The old value at this index, exactly as written.
    Kept(usize),
    /// The old value at this index, the same thumbprint written another way (case,
    /// colons): its text is rewritten.
    Normalised(usize),
    /// Not in the old list.
    New,
}

impl Source {
    fn old(self) -> Option<usize> {
        match self {
            Source::Kept(index) | Source::Normalised(index) => Some(index),
            Source::New => None,
        }
    }
}

impl<'t> List<'t, '_> {
    /// The value's text, checked to be exactly the declared value (quotes aside).
    fn written(&self, value: &DeclaredThumbprint) -> Result<Quoting<'t>, EditError> {
        let found = self.text.get(value.span.start..value.span.end);
        if let Some(found) = found {
            let quoting = Quoting::of(found);
            if quoting.content == value.value && value.span.line == value.span.end_line {
                return Ok(quoting);
            }
            if value.span == self.span {
                return Err(EditError::Elsewhere {
                    value: value.value.clone(),
                    line: value.span.line,
                    expression: one_line(found),
                });
            }
        }
        Err(EditError::Changed {
            value: value.value.clone(),
            line: value.span.line,
        })
    }

    /// Same length: each value that changes is rewritten where it is written.
    fn in_place(&self, wanted: &[String]) -> Result<Vec<Edit>, EditError> {
        let mut edits: Vec<Edit> = Vec::new();
        for (value, want) in self.values.iter().zip(wanted) {
            if value.span != self.span {
                self.written(value)?;
            }
            if value.value == *want {
                continue;
            }
            let edit = Edit {
                start: value.span.start,
                end: value.span.end,
                text: self.written(value)?.render(want),
            };
            match edits.iter().find(|other| overlaps(other, &edit)) {
                Some(other) if *other == edit => {}
                Some(_) => {
                    return Err(EditError::Shared {
                        line: value.span.line,
                        other: "another value of the same list".to_string(),
                    })
                }
                None => edits.push(edit),
            }
        }
        Ok(edits)
    }

    /// Another length: the list is laid out again in its own style.
    fn restructure(&self, wanted: &[String]) -> Result<Vec<Edit>, EditError> {
        let list_text = self
            .text
            .get(self.span.start..self.span.end)
            .unwrap_or_default();
        let bracketed = list_text.starts_with('[') && list_text.ends_with(']');
        let block = list_text.starts_with('-');
        if !bracketed && !block {
            return Err(EditError::NotAList {
                line: self.span.line,
                expression: one_line(list_text),
            });
        }

        let mut quotings = Vec::with_capacity(self.values.len());
        for value in self.values {
            let quoting = self.written(value)?;
            let inside = value.span.start >= self.span.start && value.span.end <= self.span.end;
            if !inside || value.span == self.span {
                return Err(EditError::OutsideList {
                    value: value.value.clone(),
                    line: value.span.line,
                });
            }
            quotings.push(quoting);
        }

        let sources = sources(self.values, wanted);
        if block {
            return self.by_lines(wanted, &sources, &quotings, Style::Block);
        }
        if self.values.is_empty() {
            return Ok(vec![self.whole_list(wanted)]);
        }
        if self.span.line == self.span.end_line {
            return self.one_line(wanted, &sources, &quotings);
        }
        self.by_lines(wanted, &sources, &quotings, Style::Flow)
    }

    /// An empty list `[]` filled with double-quoted values.
    fn whole_list(&self, wanted: &[String]) -> Edit {
        let quoted: Vec<String> = wanted.iter().map(|w| format!("\"{w}\"")).collect();
        Edit {
            start: self.span.start,
            end: self.span.end,
            text: format!("[{}]", quoted.join(", ")),
        }
    }

    /// A list on one line: written again with its own brackets, spacing and separator.
    fn one_line(
        &self,
        wanted: &[String],
        sources: &[Source],
        quotings: &[Quoting<'_>],
    ) -> Result<Vec<Edit>, EditError> {
        let gap = |start: usize, end: usize| self.text.get(start..end).unwrap_or_default();
        let (Some(first), Some(last)) = (self.values.first(), self.values.last()) else {
            return Ok(vec![self.whole_list(wanted)]);
        };
        let layout_error = |what: &str| EditError::Layout {
            line: self.span.line,
            what: what.to_string(),
        };

        let head = gap(self.span.start, first.span.start);
        let tail = gap(last.span.end, self.span.end);
        let head_ok = head
            .strip_prefix('[')
            .is_some_and(|rest| rest.trim().is_empty());
        let tail_ok = tail
            .strip_suffix(']')
            .map(|rest| rest.trim())
            .is_some_and(|rest| rest.is_empty() || rest == ",");
        let separators: Vec<&str> = self
            .values
            .windows(2)
            .map(|pair| match pair {
                [a, b] => gap(a.span.end, b.span.start),
                _ => "",
            })
            .collect();
        if !head_ok || !tail_ok || separators.iter().any(|s| s.trim() != ",") {
            return Err(layout_error(
                "the list holds something besides its values and commas (a comment?)",
            ));
        }
        let separator = separators.first().copied().unwrap_or(", ");

        let template = quotings.first().copied().unwrap_or(Quoting {
            open: "\"",
            content: "",
            close: "\"",
        });
        let items: Vec<String> = wanted
            .iter()
            .zip(sources)
            .map(|(want, source)| match source {
                Source::Kept(index) => self
                    .values
                    .get(*index)
                    .map(|v| gap(v.span.start, v.span.end).to_string())
                    .unwrap_or_default(),
                Source::Normalised(index) => quotings.get(*index).unwrap_or(&template).render(want),
                Source::New => template.render(want),
            })
            .collect();

        Ok(vec![Edit {
            start: self.span.start,
            end: self.span.end,
            text: format!("{head}{}{tail}", items.join(separator)),
        }])
    }

    /// A list with one value per line: lines removed, added and moved whole.
    fn by_lines(
        &self,
        wanted: &[String],
        sources: &[Source],
        quotings: &[Quoting<'_>],
        style: Style,
    ) -> Result<Vec<Edit>, EditError> {
        let items = self.item_lines(quotings, style)?;
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Ok(vec![self.whole_list(wanted)]);
        };
        let region = first.start..last.end;
        let trailing_comma = has_comma(&last.after);
        let final_ending = last.ending.clone();

        // Kept lines fill the places of the kept lines, in the new order; new lines go just
        // before the kept value that follows them in the new list, or after the last line.
        let kept_places: Vec<usize> = {
            let mut places: Vec<usize> = sources.iter().filter_map(|s| s.old()).collect();
            places.sort_unstable();
            places
        };
        let template = kept_places.first().copied().unwrap_or(0);
        let mut before_kept: Vec<Vec<ItemLine>> = vec![Vec::new(); kept_places.len() + 1];
        let mut kept_in_order: Vec<ItemLine> = Vec::new();
        for (want, source) in wanted.iter().zip(sources) {
            match source {
                Source::Kept(index) => kept_in_order.extend(items.get(*index).cloned()),
                Source::Normalised(index) => {
                    if let (Some(item), Some(quoting)) = (items.get(*index), quotings.get(*index)) {
                        kept_in_order.push(ItemLine {
                            value: quoting.render(want),
                            ..item.clone()
                        });
                    }
                }
                Source::New => {
                    if let (Some(item), Some(quoting), Some(slot)) = (
                        items.get(template),
                        quotings.get(template),
                        before_kept.get_mut(kept_in_order.len()),
                    ) {
                        slot.push(ItemLine {
                            value: quoting.render(want),
                            after: String::new(),
                            ..item.clone()
                        });
                    }
                }
            }
        }

        let mut out: Vec<Line> = Vec::new();
        let mut line_start = region.start;
        while line_start < region.end {
            let (content_end, end) = line_bounds(self.text, line_start);
            let end = end.min(region.end);
            if end <= line_start {
                break;
            }
            match items.iter().position(|item| item.start == line_start) {
                Some(index) => {
                    if let Some(rank) = kept_places.iter().position(|p| *p == index) {
                        let fresh = before_kept.get_mut(rank).map(std::mem::take);
                        out.extend(fresh.into_iter().flatten().map(Line::Item));
                        out.extend(kept_in_order.get(rank).cloned().map(Line::Item));
                    }
                }
                None => out.push(Line::Other {
                    content: self.text.get(line_start..content_end).unwrap_or_default(),
                    ending: self.text.get(content_end..end).unwrap_or_default(),
                }),
            }
            line_start = end;
        }
        if let Some(fresh) = before_kept.last_mut() {
            out.extend(std::mem::take(fresh).into_iter().map(Line::Item));
        }

        if style == Style::Flow {
            set_commas(&mut out, trailing_comma);
        }
        let eol = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Ok(vec![Edit {
            start: region.start,
            end: region.end,
            text: join_lines(&out, &final_ending, eol),
        }])
    }

    /// Each value's line, checked to hold that value alone (besides `- `, a comma and a
    /// comment), one line per value.
    fn item_lines(
        &self,
        quotings: &[Quoting<'_>],
        style: Style,
    ) -> Result<Vec<ItemLine>, EditError> {
        let mut items: Vec<ItemLine> = Vec::with_capacity(self.values.len());
        for (value, quoting) in self.values.iter().zip(quotings) {
            let span = value.span;
            let start = self.text.get(..span.start).map_or(0, |before| {
                before.rfind('\n').map_or(0, |newline| newline + 1)
            });
            let (content_end, end) = line_bounds(self.text, span.start);
            let prefix = self.text.get(start..span.start).unwrap_or_default();
            let after = self.text.get(span.end..content_end).unwrap_or_default();

            let layout_error = |what: String| EditError::Layout {
                line: span.line,
                what,
            };
            if span.line != span.end_line {
                return Err(layout_error(format!(
                    "thumbprint \"{}\" spans several lines",
                    value.value
                )));
            }
            if items.last().is_some_and(|previous| previous.start == start) {
                return Err(layout_error("several values share this line".to_string()));
            }
            if !style.prefix_ok(prefix) || !style.after_ok(after) {
                return Err(layout_error(
                    "the list's values share lines with its brackets or with each other"
                        .to_string(),
                ));
            }
            items.push(ItemLine {
                start,
                end,
                prefix: prefix.to_string(),
                value: self
                    .text
                    .get(span.start..span.end)
                    .unwrap_or(quoting.content)
                    .to_string(),
                after: after.to_string(),
                ending: self
                    .text
                    .get(content_end..end)
                    .unwrap_or_default()
                    .to_string(),
            });
        }
        Ok(items)
    }
}

/// The source of each wanted value: exact old values first, then the same thumbprints
/// written another way, each old value used once.
fn sources(values: &[DeclaredThumbprint], wanted: &[String]) -> Vec<Source> {
    let mut used = vec![false; values.len()];
    let mut sources = vec![Source::New; wanted.len()];
    for (want, source) in wanted.iter().zip(sources.iter_mut()) {
        let found = values
            .iter()
            .zip(used.iter_mut())
            .enumerate()
            .find(|(_, (value, used))| !**used && value.value == *want);
        if let Some((index, (_, used))) = found {
            *used = true;
            *source = Source::Kept(index);
        }
    }
    for (want, source) in wanted.iter().zip(sources.iter_mut()) {
        if *source != Source::New {
            continue;
        }
        let found = values
            .iter()
            .zip(used.iter_mut())
            .enumerate()
            .find(|(_, (value, used))| {
                !**used
                    && value
                        .value
                        .parse::<Thumbprint>()
                        .is_ok_and(|t| t.to_string() == *want)
            });
        if let Some((index, (_, used))) = found {
            *used = true;
            *source = Source::Normalised(index);
        }
    }
    sources
}

/// A list laid out one value per line: a YAML block sequence or a bracketed list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Block,
    Flow,
}

impl Style {
    /// What may stand before a value on its line: indentation, and `- ` in a block sequence.
    fn prefix_ok(self, prefix: &str) -> bool {
        let indent = |s: &str| s.bytes().all(|b| b == b' ' || b == b'\t');
        match self {
            Style::Flow => indent(prefix),
            Style::Block => prefix
                .trim_start_matches([' ', '\t'])
                .strip_prefix('-')
                .is_some_and(|rest| !rest.is_empty() && indent(rest)),
        }
    }

    /// What may follow a value on its line: a comma in a bracketed list, then a comment.
    fn after_ok(self, after: &str) -> bool {
        let rest = after.trim_start_matches([' ', '\t']);
        let rest = match self {
            Style::Flow => rest
                .strip_prefix(',')
                .unwrap_or(rest)
                .trim_start_matches([' ', '\t']),
            Style::Block => {
                if !rest.is_empty() && rest.len() == after.len() {
                    return false;
                }
                rest
            }
        };
        rest.is_empty() || rest.starts_with('#') || rest.starts_with("//") || rest.starts_with("/*")
    }
}

/// One value's line, split around the value.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ItemLine {
    /// Byte offset of the line's start in the text.
    start: usize,
    /// Byte offset past the line's ending.
    end: usize,
    /// Indentation (and `- `).
    prefix: String,
    /// The value as it is to be written.
    value: String,
    /// What follows the value: a comma, a comment.
    after: String,
    /// `\n`, `\r\n`, or nothing at the end of the text.
    ending: String,
}

/// A line of the rewritten region.
#[derive(Clone, Debug)]
enum Line<'t> {
    Item(ItemLine),
    Other { content: &'t str, ending: &'t str },
}

/// The end of the line's content and the end of the line, ending included, from any offset
/// in it.
fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let rest = text.get(offset..).unwrap_or_default();
    match rest.find('\n') {
        Some(newline) => {
            let end = offset + newline + 1;
            let content_end = if rest.get(..newline).is_some_and(|s| s.ends_with('\r')) {
                offset + newline - 1
            } else {
                offset + newline
            };
            (content_end, end)
        }
        None => (text.len(), text.len()),
    }
}

fn has_comma(after: &str) -> bool {
    after.trim_start_matches([' ', '\t']).starts_with(',')
}

/// Every value line but the last gets a comma; the last keeps the list's habit.
fn set_commas(lines: &mut [Line<'_>], trailing: bool) {
    let last = lines.iter().rposition(|l| matches!(l, Line::Item(_)));
    for (index, line) in lines.iter_mut().enumerate() {
        let Line::Item(item) = line else {
            continue;
        };
        let want = Some(index) != last || trailing;
        let has = has_comma(&item.after);
        if want && !has {
            item.after.insert(0, ',');
        } else if !want && has {
            if let Some(comma) = item.after.find(',') {
                item.after.remove(comma);
            }
        }
    }
}

/// The lines joined, the last ending as the region's was and every other line ended.
fn join_lines(lines: &[Line<'_>], final_ending: &str, eol: &str) -> String {
    let mut out = String::new();
    let count = lines.len();
    for (index, line) in lines.iter().enumerate() {
        let ending = match line {
            Line::Item(item) => {
                out.push_str(&item.prefix);
                out.push_str(&item.value);
                out.push_str(&item.after);
                item.ending.as_str()
            }
            Line::Other { content, ending } => {
                out.push_str(content);
                ending
            }
        };
        if index + 1 == count {
            out.push_str(final_ending);
        } else if ending.is_empty() {
            out.push_str(eol);
        } else {
            out.push_str(ending);
        }
    }
    out
}
