//! Builds document trees from the events of yaml-rust2's parser, with exact byte spans.
//!
//! The parser gives each event the character index where its token starts; the ends are
//! found here from the text: the closing quote of a quoted scalar, the last character of a
//! plain or block scalar, the bracket closing a flow collection, the last item of a block one.

use super::{CharOffsets, Entry, Node, ParseError, Parsed, Style, Value, BOM, MAX_DEPTH};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Reads every document of a YAML stream.
pub(super) fn parse(text: &str) -> Parsed {
    let skip = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = text.get(skip..).unwrap_or_default();
    let mut builder = Builder {
        text,
        offsets: CharOffsets::new(body),
        skip,
        stack: Vec::new(),
        root: None,
        last_end: skip,
        parsed: Parsed::default(),
    };

    // The events are pulled one at a time (yaml-rust2's `load` recurses per nesting level).
    let mut parser = Parser::new_from_str(body);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, marker)) => {
                if let Err(error) = builder.on_event(event, marker) {
                    builder.parsed.error = Some(error);
                    break;
                }
            }
            Err(error) => {
                builder.parsed.error = Some(ParseError {
                    offset: builder.offset(error.marker()),
                    message: format!("not valid YAML: {}", error.info()),
                });
                break;
            }
        }
    }
    builder.parsed
}

/// A collection whose end event has not come yet.
struct Open {
    start: usize,
    tag: Option<String>,
    kind: OpenKind,
}

enum OpenKind {
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>, Option<Node>),
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharOffsets<'t>,
    /// Bytes before what the parser reads (a byte order mark).
    skip: usize,
    stack: Vec<Open>,
    root: Option<Node>,
    /// End of the last node completed: where an empty value is placed.
    last_end: usize,
    parsed: Parsed,
}

impl Builder<'_> {
    fn offset(&self, marker: &Marker) -> usize {
        self.skip + self.offsets.byte(marker.index())
    }

    fn on_event(&mut self, event: Event, marker: Marker) -> Result<(), ParseError> {
        let at = self.offset(&marker);
        match event {
            Event::DocumentStart => self.root = None,
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    self.parsed.documents.push(root);
                }
            }
            Event::Scalar(content, style, _, tag) => {
                let node = self.scalar(content, style, tag, at);
                self.attach(node);
            }
            Event::Alias(_) => {
                let end = token_end(self.text, at + 1);
                self.attach(self.finish(at, end, None, Value::Alias));
            }
            Event::SequenceStart(_, tag) => self.open(at, tag, OpenKind::Sequence(Vec::new()))?,
            Event::MappingStart(_, tag) => {
                self.open(at, tag, OpenKind::Mapping(Vec::new(), None))?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.stack.pop() {
                    let node = self.close(open, at);
                    self.attach(node);
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, at: usize, tag: Option<Tag>, kind: OpenKind) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError {
                offset: at,
                message: format!(
                    "collections are nested deeper than {MAX_DEPTH} levels; the rest of the \
                     file is not read"
                ),
            });
        }
        self.stack.push(Open {
            start: at,
            tag: tag.map(written_tag),
            kind,
        });
        Ok(())
    }

    fn scalar(&self, content: String, style: TScalarStyle, tag: Option<Tag>, at: usize) -> Node {
        let text = self.text;
        let (end, style) = match style {
            TScalarStyle::SingleQuoted => (single_quoted_end(text, at), Style::Quoted),
            TScalarStyle::DoubleQuoted => (double_quoted_end(text, at), Style::Quoted),
            TScalarStyle::Literal | TScalarStyle::Folded => {
                // The parser marks a block scalar's first content character, or the next
                // token when it is empty; its indicator comes before.
                let indicator = block_indicator(text, at).unwrap_or(at);
                let end = block_end(text, indicator, content.is_empty());
                let value = Value::Scalar(content, Style::Block);
                return self.finish(indicator, end, tag.map(written_tag), value);
            }
            TScalarStyle::Plain if content.is_empty() => {
                // An empty value has no token of its own: the parser marks the next one.
                let inside = self.stack.last().map_or(0, |open| {
                    let bracket = matches!(text.as_bytes().get(open.start), Some(b'[' | b'{'));
                    open.start + usize::from(bracket)
                });
                let here = after_colon(text, self.last_end).max(inside);
                let value = Value::Scalar(content, Style::Plain);
                return self.finish(here, here, tag.map(written_tag), value);
            }
            TScalarStyle::Plain => (plain_end(text, at, &content), Style::Plain),
        };
        self.finish(at, end, tag.map(written_tag), Value::Scalar(content, style))
    }

    /// The node of a collection whose end event is at `at`.
    fn close(&self, open: Open, at: usize) -> Node {
        let (value, first, last, open_bracket, close_bracket) = match open.kind {
            OpenKind::Sequence(items) => {
                let first = items.first().map(|n| n.tag_start);
                let last = items.last().map(|n| n.end);
                (Value::Sequence(items), first, last, b'[', b']')
            }
            OpenKind::Mapping(mut entries, key) => {
                if let Some(key) = key {
                    // A key without a value event cannot happen; kept rather than lost.
                    let value = self.finish(
                        key.end,
                        key.end,
                        None,
                        Value::Scalar(String::new(), Style::Plain),
                    );
                    entries.push(Entry { key, value });
                }
                let first = entries.first().map(|e| e.key.tag_start);
                let last = entries.last().map(|e| e.value.end.max(e.key.end));
                (Value::Mapping(entries), first, last, b'{', b'}')
            }
        };

        let bytes = self.text.as_bytes();
        let (start, end) = if bytes.get(open.start) == Some(&open_bracket) {
            let end = if bytes.get(at) == Some(&close_bracket) {
                at + 1
            } else {
                last.unwrap_or(open.start + 1)
            };
            (open.start, end)
        } else {
            // A block collection: the parser marks a block mapping at its first key's colon,
            // and a sequence not indented under its key at its first item.
            let mut start = first.unwrap_or(open.start).min(open.start);
            if close_bracket == b']' && bytes.get(open.start) != Some(&b'-') {
                start = dash_before(self.text, start).unwrap_or(start);
            }
            (start, last.unwrap_or(open.start).max(start))
        };
        self.finish(start, end, open.tag, value)
    }

    /// A node, its tag found just before `start` when it has one.
    fn finish(&self, start: usize, end: usize, tag: Option<String>, value: Value) -> Node {
        let tag_start = tag
            .as_deref()
            .and_then(|tag| tag_start(self.text, start, tag))
            .unwrap_or(start);
        Node {
            start,
            end,
            tag_start,
            tag,
            value,
        }
    }

    fn attach(&mut self, node: Node) {
        self.last_end = self.last_end.max(node.end);
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut open.kind {
            OpenKind::Sequence(items) => items.push(node),
            OpenKind::Mapping(entries, key) => match key.take() {
                None => *key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }
}

/// `!Ref` for a local tag, `!!str` for a standard one, the full tag otherwise.
fn written_tag(tag: Tag) -> String {
    match tag.handle.as_str() {
        "!" => format!("!{}", tag.suffix),
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        handle => format!("{handle}{}", tag.suffix),
    }
}

/// Where the tag written just before `start` (blanks between) begins.
fn tag_start(text: &str, start: usize, tag: &str) -> Option<usize> {
    let before = text.get(..start)?.trim_end();
    before.ends_with(tag).then(|| before.len() - tag.len())
}

fn single_quoted_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at + 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    text.len()
}

fn double_quoted_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// The end of a plain scalar starting at `at` whose content is `content`: the text matches
/// the content character for character, except where a line break was folded into a space
/// (or n breaks into n - 1), together with the blanks around it.
fn plain_end(text: &str, at: usize, content: &str) -> usize {
    let mut position = at;
    let mut wanted = content.chars().peekable();
    while let Some(&c) = wanted.peek() {
        let Some(found) = text.get(position..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        if (c == ' ' || c == '\n') && is_blank(found) && blanks_hold_a_break(text, position) {
            while wanted.peek().is_some_and(|c| *c == ' ' || *c == '\n') {
                wanted.next();
            }
            position = skip_blanks(text, position);
        } else if found == c {
            position += found.len_utf8();
            wanted.next();
        } else {
            break;
        }
    }
    position
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn skip_blanks(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or_default();
    from + (rest.len() - rest.trim_start_matches(is_blank).len())
}

fn blanks_hold_a_break(text: &str, from: usize) -> bool {
    let end = skip_blanks(text, from);
    text.get(from..end)
        .is_some_and(|blanks| blanks.contains(['\n', '\r']))
}

/// Where the `:` just after `from` (blanks between) ends, or `from` when there is none.
fn after_colon(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or_default();
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    match rest.get(blanks..) {
        Some(after) if after.starts_with(':') => from + blanks + 1,
        _ => from,
    }
}

/// The `-` of a sequence entry just before `at` (blanks between).
fn dash_before(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?.trim_end();
    before.ends_with('-').then(|| before.len() - 1)
}

/// The indicator (`|` or `>`) of a block scalar whose content starts at `at`: the last one
/// on the nearest line above that is neither blank nor a comment.
fn block_indicator(text: &str, at: usize) -> Option<usize> {
    let mut line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    while line_start > 0 {
        let above_end = line_start - 1;
        let above_start = text.get(..above_end)?.rfind('\n').map_or(0, |i| i + 1);
        let line = text.get(above_start..above_end)?;
        line_start = above_start;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let code = line
            .find(" #")
            .map_or(line, |comment| &line[..comment])
            .trim_end();
        let header = code.trim_end_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
        return header
            .ends_with(['|', '>'])
            .then(|| above_start + header.len() - 1);
    }
    None
}

/// The end of a block scalar whose indicator (`|` or `>`) is at `at`: the end of its last
/// content line (lines indented at least as much as its first non-blank line).
fn block_end(text: &str, at: usize, empty: bool) -> usize {
    let header_end = text.get(at + 1..).map_or(at, |rest| {
        at + 1
            + (rest.len()
                - rest
                    .trim_start_matches([
                        '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                    ])
                    .len())
    });
    let Some(newline) = text.get(at..).and_then(|rest| rest.find('\n')) else {
        return header_end;
    };
    if empty {
        return header_end;
    }

    let mut end = header_end;
    let mut indent = None;
    let mut line_start = at + newline + 1;
    while line_start < text.len() {
        let rest = text.get(line_start..).unwrap_or_default();
        let line = rest.split('\n').next().unwrap_or_default();
        let content = line.trim_end_matches('\r');
        if !content.trim().is_empty() {
            let this = content.len() - content.trim_start_matches(' ').len();
            let needed = *indent.get_or_insert(this);
            if this < needed {
                break;
            }
            end = line_start + content.trim_end().len();
        }
        line_start += line.len() + 1;
    }
    end
}

/// The end of an anchor or alias name starting at `from`.
fn token_end(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or_default();
    let name = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len());
    from + name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Node {
        let parsed = parse(text);
        assert_eq!(parsed.error, None);
        parsed.documents.into_iter().next().unwrap()
    }

    fn at<'n>(node: &'n Node, path: &[&str]) -> &'n Node {
        path.iter()
            .fold(node, |node, key| &node.get(key).unwrap().value)
    }

    fn item(node: &Node, index: usize) -> &Node {
        match &node.value {
            Value::Sequence(items) => &items[index],
            _ => panic!("not a sequence"),
        }
    }

    fn text_of<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.start..node.end]
    }

    #[test]
    fn quoted_scalars_span_their_quotes() {
        let text = "a: 'it''s'\nb: \"x\\\"y\"  # note\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["a"])), "'it''s'");
        assert_eq!(at(&root, &["a"]).scalar(), Some("it's"));
        assert_eq!(text_of(text, at(&root, &["b"])), "\"x\\\"y\"");
    }

    #[test]
    fn plain_scalar_ends_before_a_comment() {
        let text = "a: value with spaces   # comment\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["a"])), "value with spaces");
    }

    #[test]
    fn folded_plain_scalar_spans_every_line() {
        let text = "a: first\n  second\r\n\r\n  third\nb: x\n";
        let root = document(text);
        assert_eq!(at(&root, &["a"]).scalar(), Some("first second\nthird"));
        assert_eq!(
            text_of(text, at(&root, &["a"])),
            "first\n  second\r\n\r\n  third"
        );
    }

    #[test]
    fn block_scalar_spans_its_content_lines() {
        let text = "a: |\n  one\n\n  two\n# after\nb: x\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["a"])), "|\n  one\n\n  two");
    }

    #[test]
    fn block_sequence_spans_first_dash_to_last_item() {
        let text = "l:\n  - a   # one\n  # between\n  - \"b\"   # two\nm: 1\n";
        let root = document(text);
        let list = at(&root, &["l"]);
        assert_eq!(text_of(text, list), "- a   # one\n  # between\n  - \"b\"");
        assert_eq!(text_of(text, item(list, 1)), "\"b\"");
    }

    #[test]
    fn indentless_sequence_starts_at_its_dash() {
        let text = "l:\n- a\n- b\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["l"])), "- a\n- b");
    }

    #[test]
    fn flow_sequence_over_lines_spans_its_brackets() {
        let text = "l: [ a,\n     'b' ,\n   ]   # c\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["l"])), "[ a,\n     'b' ,\n   ]");
    }

    #[test]
    fn block_mapping_starts_at_its_first_key() {
        let text = "top:\n  inner: 1\n  other: [x]\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["top"])), "inner: 1\n  other: [x]");
        assert_eq!(text_of(text, &root), text.trim_end());
    }

    #[test]
    fn keys_keep_their_order_and_span() {
        let text = "b: 1\na: 2\n";
        let root = document(text);
        let Value::Mapping(entries) = &root.value else {
            panic!("not a mapping")
        };
        let keys: Vec<_> = entries.iter().map(|e| text_of(text, &e.key)).collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn tags_are_kept_with_their_place() {
        let text = "a: !Sub 'x${Y}'\nb: !GetAtt [C, D]\nc: !!str 5\n";
        let root = document(text);
        let a = at(&root, &["a"]);
        assert_eq!(a.tag.as_deref(), Some("!Sub"));
        assert_eq!(a.source(text), "!Sub 'x${Y}'");
        let b = at(&root, &["b"]);
        assert_eq!(b.tag.as_deref(), Some("!GetAtt"));
        assert_eq!(b.source(text), "!GetAtt [C, D]");
        assert_eq!(at(&root, &["c"]).tag.as_deref(), Some("!!str"));
    }

    #[test]
    fn empty_value_is_null_and_does_not_stretch_its_mapping() {
        let text = "m:\n  a: 1\n  b:\n# comment\nn: 2\n";
        let root = document(text);
        let m = at(&root, &["m"]);
        assert!(at(m, &["b"]).is_null());
        assert_eq!(text_of(text, m), "a: 1\n  b:");
    }

    #[test]
    fn aliases_are_not_expanded() {
        let text = "a: &x [1, 2]\nb: *x\n";
        let root = document(text);
        let b = at(&root, &["b"]);
        assert_eq!(b.value, Value::Alias);
        assert_eq!(text_of(text, b), "*x");
    }

    #[test]
    fn alias_bomb_is_read_without_expanding() {
        let mut text = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for level in 1..40 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let parsed = parse(&text);
        assert_eq!(parsed.error, None);
    }

    #[test]
    fn every_document_of_a_stream_is_read() {
        let text = "a: 1\n---\n- x\n---\nplain\n";
        let parsed = parse(text);
        assert_eq!(parsed.error, None);
        assert_eq!(parsed.documents.len(), 3);
        assert_eq!(parsed.documents[2].scalar(), Some("plain"));
    }

    #[test]
    fn multibyte_text_gets_byte_offsets() {
        let text = "désc: «é»\nl: [\"ü\", x]\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["désc"])), "«é»");
        assert_eq!(text_of(text, item(at(&root, &["l"]), 1)), "x");
    }

    #[test]
    fn byte_order_mark_is_skipped_and_counted() {
        let text = "\u{feff}a: [x]\n";
        let root = document(text);
        assert_eq!(text_of(text, at(&root, &["a"])), "[x]");
    }

    #[test]
    fn syntax_error_has_its_place() {
        let text = "a: 1\nb: [x\nc: 2\n";
        let parsed = parse(text);
        let error = parsed.error.unwrap();
        assert!(
            error.message.starts_with("not valid YAML"),
            "{}",
            error.message
        );
        assert!(error.offset > 5);
    }

    #[test]
    fn deep_block_nesting_stops_with_an_error() {
        let text = "- ".repeat(100_000) + "x\n";
        let parsed = parse(&text);
        let error = parsed.error.unwrap();
        assert!(error.message.contains("nested deeper"), "{}", error.message);
    }

    #[test]
    fn deep_flow_nesting_stops_with_an_error() {
        let text = "[".repeat(100_000);
        let parsed = parse(&text);
        assert!(parsed.error.is_some());
    }
}
