//! A JSON parser (RFC 8259) that builds the same document tree as the YAML reader.
//!
//! It works on bytes, so every offset is exact, and keeps its open collections on a heap
//! stack, so no input can exhaust the call stack.

use super::{Entry, Node, ParseError, Style, Value, BOM, MAX_DEPTH};

/// Reads a JSON text (a leading byte order mark is skipped).
pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    let skip = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        position: skip,
    };
    reader.document()
}

/// A collection whose closing bracket has not come yet.
enum Open {
    Array(usize, Vec<Node>),
    Object(usize, Vec<Entry>, Option<Node>),
}

impl Open {
    /// Adds an item, or the value of the pending key.
    fn push(&mut self, node: Node) {
        match self {
            Open::Array(_, items) => items.push(node),
            Open::Object(_, entries, key) => {
                if let Some(key) = key.take() {
                    entries.push(Entry { key, value: node });
                }
            }
        }
    }

    /// The closing bracket, and what the collection is called in messages.
    fn closing(&self) -> (u8, &'static str) {
        match self {
            Open::Array(..) => (b']', "an array"),
            Open::Object(..) => (b'}', "an object"),
        }
    }

    /// The collection's node, its closing bracket ending just before `end`.
    fn finish(self, end: usize) -> Node {
        match self {
            Open::Array(start, items) => leaf(start, end, Value::Sequence(items)),
            Open::Object(start, entries, _) => leaf(start, end, Value::Mapping(entries)),
        }
    }
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    position: usize,
}

impl Reader<'_> {
    fn document(&mut self) -> Result<Node, ParseError> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            // A value starts here (in an object, after its key and colon).
            self.skip_whitespace();
            let start = self.position;
            let mut node = match self.peek() {
                Some(b'{' | b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(ParseError {
                            offset: self.position,
                            message: format!(
                                "collections are nested deeper than {MAX_DEPTH} levels; the rest \
                                 of the file is not read"
                            ),
                        });
                    }
                    let open = if self.peek() == Some(b'{') {
                        Open::Object(start, Vec::new(), None)
                    } else {
                        Open::Array(start, Vec::new())
                    };
                    self.position += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(open.closing().0) {
                        self.position += 1;
                        open.finish(self.position)
                    } else {
                        stack.push(open);
                        if let Some(Open::Object(_, _, key)) = stack.last_mut() {
                            *key = Some(self.key()?);
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    let content = self.string()?;
                    leaf(start, self.position, Value::Scalar(content, Style::Quoted))
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.word("true")?,
                Some(b'f') => self.word("false")?,
                Some(b'n') => self.word("null")?,
                _ => {
                    return Err(self.error(
                        "expected a value (object, array, string, number, true, false or null)"
                            .into(),
                    ))
                }
            };

            // The value is complete: add it to its collection, closing those that end here.
            loop {
                self.skip_whitespace();
                let Some(open) = stack.last_mut() else {
                    if self.position < self.bytes.len() {
                        return Err(
                            self.error("expected the end of the file after the JSON value".into())
                        );
                    }
                    return Ok(node);
                };
                open.push(node);
                let (close, name) = open.closing();
                match self.peek() {
                    Some(b',') => {
                        self.position += 1;
                        if let Open::Object(_, _, key) = open {
                            self.skip_whitespace();
                            *key = Some(self.key()?);
                        }
                        break;
                    }
                    Some(found) if found == close => {
                        self.position += 1;
                        let Some(open) = stack.pop() else {
                            break;
                        };
                        node = open.finish(self.position);
                    }
                    _ => {
                        let message = format!("expected ',' or '{}' in {name}", close as char);
                        return Err(self.error(message));
                    }
                }
            }
        }
    }

    /// A key and its colon; the position is left before the value.
    fn key(&mut self) -> Result<Node, ParseError> {
        let start = self.position;
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a quoted key in an object".into()));
        }
        let content = self.string()?;
        let key = leaf(start, self.position, Value::Scalar(content, Style::Quoted));
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error("expected ':' after a key".into()));
        }
        self.position += 1;
        Ok(key)
    }

    /// A string from its opening quote to past its closing one, escapes applied.
    fn string(&mut self) -> Result<String, ParseError> {
        self.position += 1;
        let mut content = String::new();
        loop {
            let run_start = self.position;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' {
                    break;
                }
                self.position += 1;
            }
            content.push_str(self.text.get(run_start..self.position).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.position += 1;
                    return Ok(content);
                }
                Some(b'\\') => {
                    self.position += 1;
                    let escaped = self.escape()?;
                    content.push(escaped);
                }
                _ => return Err(self.error("a string is not closed; expected '\"'".into())),
            }
        }
    }

    /// The character an escape stands for; the position is just after the backslash.
    fn escape(&mut self) -> Result<char, ParseError> {
        let letter = self.peek();
        self.position += 1;
        let c = match letter {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self.hex4()?;
                if (0xD800..0xDC00).contains(&unit)
                    && self.bytes.get(self.position..self.position + 2) == Some(b"\\u")
                {
                    let resume = self.position;
                    self.position += 2;
                    let low = self.hex4()?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    self.position = resume;
                }
                // A lone surrogate has no character of its own.
                char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => {
                self.position -= 1;
                return Err(self.error(
                    "unknown escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
                        .into(),
                ));
            }
        };
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(unit) => {
                self.position += 4;
                Ok(unit)
            }
            None => Err(self.error("expected four hex digits after \\u".into())),
        }
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.position;
        self.eat(b'-');
        if !self.eat_digits() {
            return Err(self.error("expected a digit in a number".into()));
        }
        if self.eat(b'.') && !self.eat_digits() {
            return Err(self.error("expected a digit after the decimal point".into()));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if !self.eat_digits() {
                return Err(self.error("expected a digit in the exponent".into()));
            }
        }
        let content = self.text.get(start..self.position).unwrap_or_default();
        Ok(leaf(
            start,
            self.position,
            Value::Scalar(content.to_string(), Style::Plain),
        ))
    }

    fn word(&mut self, word: &str) -> Result<Node, ParseError> {
        let start = self.position;
        if !self
            .bytes
            .get(start..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            return Err(self.error(format!("expected `{word}` or a quoted string")));
        }
        self.position += word.len();
        Ok(leaf(
            start,
            self.position,
            Value::Scalar(word.to_string(), Style::Plain),
        ))
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.position += 1;
        }
        found
    }

    fn eat_digits(&mut self) -> bool {
        let start = self.position;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.position += 1;
        }
        self.position > start
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.position += 1;
        }
    }

    fn error(&self, message: String) -> ParseError {
        ParseError {
            offset: self.position,
            message: format!("not valid JSON: {message}"),
        }
    }
}

fn leaf(start: usize, end: usize, value: Value) -> Node {
    Node {
        start,
        end,
        tag_start: start,
        tag: None,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.start..node.end]
    }

    #[test]
    fn objects_keep_key_order_and_spans() {
        let text = "{\"b\": [1, -2.5e3, true, null], \"a\": {}}";
        let root = parse(text).unwrap();
        let Value::Mapping(entries) = &root.value else {
            panic!("not an object")
        };
        assert_eq!(text_of(text, &entries[0].key), "\"b\"");
        assert_eq!(text_of(text, &entries[0].value), "[1, -2.5e3, true, null]");
        assert_eq!(text_of(text, &entries[1].value), "{}");
        assert_eq!(text_of(text, &root), text);
    }

    #[test]
    fn escapes_are_applied_and_spans_keep_the_raw_text() {
        let text = "[\"a\\u0041\\t\\/\\\"\", \"\\ud83d\\ude00\", \"\\udc00\"]";
        let root = parse(text).unwrap();
        let Value::Sequence(items) = &root.value else {
            panic!("not an array")
        };
        assert_eq!(items[0].scalar(), Some("aA\t/\""));
        assert_eq!(text_of(text, &items[0]), "\"a\\u0041\\t\\/\\\"\"");
        assert_eq!(items[1].scalar(), Some("😀"));
        assert_eq!(items[2].scalar(), Some("\u{fffd}"));
    }

    #[test]
    fn tabs_crlf_and_a_byte_order_mark_are_whitespace() {
        let text = "\u{feff}{\r\n\t\"k\":\t\"é\"\r\n}\r\n";
        let root = parse(text).unwrap();
        let value = &root.get("k").unwrap().value;
        assert_eq!(text_of(text, value), "\"é\"");
    }

    #[test]
    fn trailing_comma_is_an_error_at_its_place() {
        let text = "{\"a\": 1,}";
        let error = parse(text).unwrap_err();
        assert_eq!(error.offset, 8);
        assert!(error.message.contains("quoted key"), "{}", error.message);
    }

    #[test]
    fn unclosed_string_is_an_error() {
        assert!(parse("[\"abc").is_err());
    }

    #[test]
    fn text_after_the_value_is_an_error() {
        assert!(parse("{} {}").is_err());
    }

    #[test]
    fn deep_nesting_stops_with_an_error() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let error = parse(&text).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{}", error.message);
    }
}
