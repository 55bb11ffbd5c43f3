//! A small document tree for YAML and JSON that keeps every node's exact place in the text.
//!
//! Nodes keep byte offsets into the original text (quotes of a scalar and brackets of a flow
//! collection included, a block sequence from its first `-` to the end of its last item), their
//! tag (`!Ref`, `!Sub`...), and mappings keep their keys in order. Aliases stay aliases: they
//! are never expanded, so a file of nested aliases costs no more memory than its own size.

mod json;
mod yaml;

use crate::readers::SourceFile;
use crate::{line_column, DeclaredThumbprint, ReadNotice, Span, ThumbprintList};
use std::cell::Cell;

pub(crate) use crate::limits::MAX_NESTING_DEPTH as MAX_DEPTH;

const BOM: &str = "\u{feff}";

/// One node of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// Byte offset of the node's first byte, its tag excluded.
    pub start: usize,
    /// Byte offset just past the node's last byte.
    pub end: usize,
    /// Byte offset of the node's tag, or `start` when it has none.
    pub tag_start: usize,
    /// The tag as written (`!Ref`, `!!str`), when there is one.
    pub tag: Option<String>,
    /// What the node holds.
    pub value: Value,
}

/// What a node holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A scalar: its content (quotes removed, escapes applied) and how it was written.
    Scalar(String, Style),
    /// A sequence, items in order.
    Sequence(Vec<Node>),
    /// A mapping, entries in order.
    Mapping(Vec<Entry>),
    /// An alias (`*name`), not expanded.
    Alias,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Without quotes (JSON numbers, `true`, `null` included).
    Plain,
    /// In single or double quotes.
    Quoted,
    /// A YAML block scalar (`|` or `>`).
    Block,
}

/// One key and its value in a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The key.
    pub key: Node,
    /// The value.
    pub value: Node,
}

/// Where and why a text could not be read as a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was wrong, for a person.
    pub message: String,
}

/// The documents of a text: every document read before an error, and the error if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// One root node per document of the stream.
    pub documents: Vec<Node>,
    /// The problem that stopped the reading.
    pub error: Option<ParseError>,
}

impl Node {
    /// The entry of a mapping whose key is the scalar `key` (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Mapping(entries) => entries.iter().find(|e| e.key.scalar() == Some(key)),
            _ => None,
        }
    }

    /// The value of a mapping entry, skipping nulls: `a.get_value("b")` is `a.b` when set.
    pub fn get_value(&self, key: &str) -> Option<&Node> {
        self.get(key)
            .map(|entry| &entry.value)
            .filter(|v| !v.is_null())
    }

    /// The content of a scalar, tagged or not.
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text, _) => Some(text),
            _ => None,
        }
    }

    /// The content of an untagged scalar: a plain string value.
    pub fn string(&self) -> Option<&str> {
        self.tag.is_none().then(|| self.scalar()).flatten()
    }

    /// True for an untagged empty value, `~` or `null`.
    pub fn is_null(&self) -> bool {
        self.tag.is_none()
            && matches!(&self.value, Value::Scalar(text, Style::Plain)
                if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The node's text as written, its tag included.
    pub fn source<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.tag_start..self.end).unwrap_or_default()
    }

    /// The node's place, its tag excluded.
    pub fn span(&self, text: &str) -> Span {
        Span::of(text, self.start, self.end)
    }
}

/// Reads a text as YAML, or as JSON when it looks like JSON (first character `{` or `[`).
///
/// JSON goes to a JSON parser first: the YAML parser rejects some valid JSON (surrogate pair
/// escapes such as `\ud83d\ude00`, implicit keys over 1024 characters). A text that starts
/// like JSON but is not JSON is then tried as YAML flow style; when both fail, the JSON error
/// is the one reported.
pub(crate) fn parse(text: &str) -> Parsed {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let looks_like_json = matches!(body.trim_start().as_bytes().first(), Some(b'{' | b'['));
    if !looks_like_json {
        return yaml::parse(text);
    }

    match json::parse(text) {
        Ok(root) => Parsed {
            documents: vec![root],
            error: None,
        },
        Err(json_error) => {
            let parsed = yaml::parse(text);
            if parsed.error.is_none() {
                return parsed;
            }
            Parsed {
                documents: Vec::new(),
                error: Some(json_error),
            }
        }
    }
}

/// The notice for a text that could not be read, with its line and column.
pub(crate) fn notice(file: SourceFile<'_>, error: &ParseError) -> ReadNotice {
    let (line, column) = line_column(file.text, error.offset);
    ReadNotice {
        file: file.path.to_string(),
        line: Some(line),
        column: Some(column),
        message: error.message.clone(),
    }
}

/// The thumbprint list a node declares: a sequence of plain scalars is literal; a sequence
/// holding anything `computed` says is worked out at apply time (or anything but scalars) is
/// dynamic, and so is a computed node or an alias; null is absent. A single scalar is taken
/// as a list of one, so that its value is still checked.
pub(crate) fn thumbprint_list(
    node: &Node,
    text: &str,
    computed: impl Fn(&Node) -> bool,
) -> ThumbprintList {
    let dynamic = || ThumbprintList::Dynamic {
        expression: node.source(text).to_string(),
    };
    if node.is_null() {
        return ThumbprintList::Absent;
    }
    if computed(node) {
        return dynamic();
    }

    let items = match &node.value {
        Value::Sequence(items) if node.tag.is_none() => items.as_slice(),
        Value::Scalar(..) if node.tag.is_none() => std::slice::from_ref(node),
        _ => return dynamic(),
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item.string() {
            Some(value) if !computed(item) => values.push(DeclaredThumbprint {
                value: value.to_string(),
                span: item.span(text),
            }),
            _ => return dynamic(),
        }
    }
    ThumbprintList::Literal {
        values,
        span: node.span(text),
    }
}

/// Converts the character indexes the YAML parser gives into byte offsets.
struct CharOffsets<'t> {
    text: &'t str,
    ascii: bool,
    /// Byte offset of every `STEP`th character.
    checkpoints: Vec<usize>,
    /// The last conversion (character index, byte offset): the parser mostly moves forward.
    last: Cell<(usize, usize)>,
}

impl<'t> CharOffsets<'t> {
    const STEP: usize = 256;

    fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STEP)
                .map(|(offset, _)| offset)
                .collect()
        };
        CharOffsets {
            text,
            ascii,
            checkpoints,
            last: Cell::new((0, 0)),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let (last_char, last_byte) = self.last.get();
        let (from_char, from_byte) = if (last_char..last_char + Self::STEP).contains(&char_index) {
            (last_char, last_byte)
        } else {
            let slot = char_index / Self::STEP;
            match self.checkpoints.get(slot) {
                Some(&base) => (slot * Self::STEP, base),
                None => return self.text.len(),
            }
        };
        let byte = self
            .text
            .get(from_byte..)
            .and_then(|tail| tail.char_indices().nth(char_index - from_char))
            .map_or(self.text.len(), |(offset, _)| from_byte + offset);
        self.last.set((char_index, byte));
        byte
    }
}

/// Helpers the readers' tests share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::readers::{ReadContext, SourceFile};
    use crate::{Declaration, FileReport, Span};

    /// A reader's entry point.
    pub(crate) type Reader = fn(SourceFile<'_>, &ReadContext) -> FileReport;

    /// What `reader` finds in `text`, read as the file `path` with the region `region`.
    pub(crate) fn read(reader: Reader, path: &str, text: &str, region: Option<&str>) -> FileReport {
        let ctx = ReadContext {
            aws_region: region.map(str::to_string),
        };
        reader(SourceFile { path, text }, &ctx)
    }

    /// The text a span covers.
    pub(crate) fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// The declared thumbprint values, as written.
    pub(crate) fn values(declaration: &Declaration) -> Vec<&str> {
        let values = declaration.thumbprints.values();
        values.iter().map(|t| t.value.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let parsed = parse(text);
        assert_eq!(parsed.error, None);
        parsed.documents.into_iter().next().unwrap()
    }

    fn source<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.start..node.end]
    }

    #[test]
    fn char_offsets_convert_past_multibyte_characters() {
        let text = "é".repeat(300) + "x";
        let offsets = CharOffsets::new(&text);
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(300), 600);
        assert_eq!(offsets.byte(301), text.len());
        assert_eq!(offsets.byte(5000), text.len());
        assert_eq!(offsets.byte(2), 4);
        assert_eq!(offsets.byte(3), 6);
    }

    #[test]
    fn json_and_yaml_give_the_same_tree_shape() {
        let json = root(r#"{"a": ["x", 1], "b": {"c": null}}"#);
        let yaml = root("a: [\"x\", 1]\nb: {\"c\": null}\n");
        for tree in [&json, &yaml] {
            let a = tree.get_value("a").unwrap();
            let Value::Sequence(items) = &a.value else {
                panic!("a is not a sequence")
            };
            assert_eq!(items[0].string(), Some("x"));
            assert_eq!(items[1].string(), Some("1"));
            assert!(tree
                .get_value("b")
                .unwrap()
                .get("c")
                .unwrap()
                .value
                .is_null());
        }
    }

    #[test]
    fn json_with_surrogate_pairs_is_read_by_the_json_parser() {
        let text = "{\"Description\": \"\\ud83d\\ude00\", \"k\": \"v\"}";
        let tree = root(text);
        assert_eq!(tree.get_value("Description").unwrap().string(), Some("😀"));
        let v = tree.get_value("k").unwrap();
        assert_eq!(source(text, v), "\"v\"");
    }

    #[test]
    fn flow_yaml_that_is_not_json_is_read_as_yaml() {
        let tree = root("{a: [b, c]}");
        assert!(tree.get("a").is_some());
    }

    #[test]
    fn broken_json_is_reported_with_the_json_error() {
        let text = "{\n  \"a\": [1, 2,,]\n}\n";
        let parsed = parse(text);
        let error = parsed.error.unwrap();
        assert_eq!(line_column(text, error.offset), (2, 14));
        assert!(
            error.message.contains("expected a value"),
            "{}",
            error.message
        );
    }

    #[test]
    fn thumbprint_list_of_scalars_is_literal() {
        let text = "l: [\"AB:CD\", ef]\n";
        let tree = root(text);
        let list = thumbprint_list(tree.get_value("l").unwrap(), text, |_| false);
        let ThumbprintList::Literal { values, span } = list else {
            panic!("not literal")
        };
        assert_eq!(&text[span.start..span.end], "[\"AB:CD\", ef]");
        assert_eq!(values[0].value, "AB:CD");
        assert_eq!(&text[values[0].span.start..values[0].span.end], "\"AB:CD\"");
    }

    #[test]
    fn thumbprint_list_with_a_computed_item_is_dynamic() {
        let text = "l: [ab, !Ref X]\n";
        let tree = root(text);
        let list = thumbprint_list(tree.get_value("l").unwrap(), text, |n| n.tag.is_some());
        assert_eq!(
            list,
            ThumbprintList::Dynamic {
                expression: "[ab, !Ref X]".into()
            }
        );
    }

    #[test]
    fn thumbprint_list_that_is_an_alias_is_dynamic() {
        let text = "a: &t [ab]\nl: *t\n";
        let tree = root(text);
        let list = thumbprint_list(tree.get_value("l").unwrap(), text, |_| false);
        assert_eq!(
            list,
            ThumbprintList::Dynamic {
                expression: "*t".into()
            }
        );
    }

    #[test]
    fn null_thumbprint_list_is_absent() {
        let text = "l:\nm: ~\n";
        let tree = root(text);
        for key in ["l", "m"] {
            let list = thumbprint_list(&tree.get(key).unwrap().value, text, |_| false);
            assert_eq!(list, ThumbprintList::Absent);
        }
    }

    #[test]
    fn notice_names_file_line_and_column() {
        let text = "a: 1\nb: [\n";
        let parsed = parse(text);
        let notice = notice(
            SourceFile {
                path: "x.yaml",
                text,
            },
            parsed.error.as_ref().unwrap(),
        );
        assert_eq!(notice.file, "x.yaml");
        assert!(notice.line.is_some() && notice.column.is_some());
    }
}
