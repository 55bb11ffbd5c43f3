//! A small tokenizer for TypeScript, JavaScript and Python: identifiers, punctuation, brackets,
//! numbers and string literals of every quoting style, with byte offsets into the original
//! text. Comments and white space are skipped. One pass, no backtracking: linear in the text.

/// Which family of syntax a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    /// TypeScript or JavaScript.
    Js,
    /// Python.
    Python,
}

/// The three kinds of brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bracket {
    Round,
    Square,
    Curly,
}

impl Bracket {
    fn index(self) -> usize {
        match self {
            Bracket::Round => 0,
            Bracket::Square => 1,
            Bracket::Curly => 2,
        }
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A name or keyword.
    Ident,
    /// A numeric literal.
    Number,
    /// A string literal; the index into [`Lexed::strings`].
    Str(u32),
    /// A JavaScript regular expression literal.
    Regex,
    /// An operator or other punctuation.
    Punct,
    /// `(`, `[` or `{`.
    Open(Bracket),
    /// `)`, `]` or `}`.
    Close(Bracket),
}

/// One token: its kind and byte range. Offsets are 32-bit to keep a long file's tokens small;
/// [`lex`] refuses a text of 4 GiB or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    start: u32,
    end: u32,
    /// A line break stands between the previous token and this one (or this is the first).
    pub newline_before: bool,
    /// How many brackets enclose the token (a bracket itself counts at its pair's level).
    pub depth: u32,
}

/// How a string literal was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    /// JavaScript `'...'` or `"..."`.
    Js,
    /// JavaScript template literal `` `...` ``.
    Template,
    /// Python string with its prefix letters.
    Python {
        raw: bool,
        bytes: bool,
        format: bool,
    },
}

/// The parts of a string literal token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct StrLit {
    pub flavor: Flavor,
    /// Byte range of the text between the quotes.
    pub content: (usize, usize),
    /// Byte ranges of the interpolated expressions (`${...}`, `{...}`), delimiters excluded.
    pub interpolations: Vec<(usize, usize)>,
    /// The closing quote was found.
    pub terminated: bool,
}

/// A problem met while tokenizing, at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Problem {
    pub offset: usize,
    pub message: String,
}

/// A tokenized file.
#[derive(Clone, Debug, Default)]
pub(super) struct Lexed {
    pub tokens: Vec<Token>,
    pub strings: Vec<StrLit>,
    /// For each token, the index of its matching bracket (`NONE` when it has none).
    partners: Vec<u32>,
    /// For each token, the index of the innermost open bracket enclosing it (`NONE` at top).
    parents: Vec<u32>,
    pub problems: Vec<Problem>,
}

const NONE: u32 = u32::MAX;

impl Token {
    /// Byte offset of the first byte.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset just past the last byte.
    pub fn end(&self) -> usize {
        self.end as usize
    }
}

impl Lexed {
    /// The index of the bracket matching the bracket at `index`.
    pub fn partner(&self, index: usize) -> Option<usize> {
        self.partners
            .get(index)
            .filter(|p| **p != NONE)
            .map(|p| *p as usize)
    }

    /// The index of the innermost open bracket enclosing the token at `index`.
    pub fn parent(&self, index: usize) -> Option<usize> {
        self.parents
            .get(index)
            .filter(|p| **p != NONE)
            .map(|p| *p as usize)
    }

    /// The string literal of the token at `index`, when it is one.
    pub fn string(&self, index: usize) -> Option<&StrLit> {
        match self.tokens.get(index)?.kind {
            Kind::Str(lit) => self.strings.get(lit as usize),
            _ => None,
        }
    }
}

/// A token index or byte offset in 32 bits; [`lex`] makes sure they fit.
fn small(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(NONE)
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The length of the operator at the start of `rest`: the longest of `>>>=`, the
/// three-character ones (`===`, `...`, `??=`...), the two-character ones (`=>`, `?.`, `**`,
/// `+=`...), else 1.
fn operator_len(rest: &[u8]) -> usize {
    let at = |i: usize| rest.get(i).copied().unwrap_or(0);
    let (a, b, c) = (at(0), at(1), at(2));
    if (a, b, c, at(3)) == (b'>', b'>', b'>', b'=') {
        return 4;
    }
    let three = matches!(
        (a, b, c),
        (b'=' | b'!', b'=', b'=')
            | (b'.', b'.', b'.')
            | (b'>', b'>', b'>')
            | (b'*' | b'<' | b'>' | b'&' | b'|' | b'?' | b'/', _, b'=')
    ) && (a == b || a == b'=' || a == b'!' || a == b'.');
    if three {
        return 3;
    }
    let two = b == b'=' && b"=!<>+-*/%&|^@:".contains(&a)
        || a == b && b"*&|?<>+-/".contains(&a)
        || matches!((a, b), (b'=', b'>') | (b'?', b'.') | (b'-', b'>'));
    if two {
        2
    } else {
        1
    }
}

/// Keywords after which a `/` starts a regular expression rather than a division.
const BEFORE_REGEX: [&str; 14] = [
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// Tokenizes `text` and pairs its brackets. A text of 4 GiB or more is not tokenized: it is
/// one problem.
pub(super) fn lex(text: &str, language: Language) -> Lexed {
    if u32::try_from(text.len()).is_err() {
        let mut lexed = Lexed::default();
        lexed.problems.push(Problem {
            offset: 0,
            message: "the file is 4 GiB or more, too large to read as source code".to_string(),
        });
        return lexed;
    }
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        language,
        at: 0,
        newline: true,
        out: Lexed::default(),
    };
    lexer.run();
    let mut lexed = lexer.out;
    pair_brackets(&mut lexed);
    lexed
}

struct Lexer<'t> {
    bytes: &'t [u8],
    language: Language,
    at: usize,
    newline: bool,
    out: Lexed,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn rest(&self) -> &[u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.out.tokens.push(Token {
            kind,
            start: small(start),
            end: small(end),
            newline_before: self.newline,
            depth: 0,
        });
        self.newline = false;
        self.at = end;
    }

    fn problem(&mut self, offset: usize, message: &str) {
        self.out.problems.push(Problem {
            offset,
            message: message.to_string(),
        });
    }

    fn run(&mut self) {
        if self.bytes.starts_with(BOM) {
            self.at = BOM.len();
        }
        if self.language == Language::Js && self.rest().starts_with(b"#!") {
            self.skip_line();
        }
        while let Some(b) = self.peek(0) {
            match b {
                b'\n' => {
                    self.newline = true;
                    self.at += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.at += 1,
                b'\\' if self.language == Language::Python => self.line_continuation(),
                b'#' if self.language == Language::Python => self.skip_line(),
                b'/' if self.language == Language::Js && self.peek(1) == Some(b'/') => {
                    self.skip_line()
                }
                b'/' if self.language == Language::Js && self.peek(1) == Some(b'*') => {
                    self.block_comment()
                }
                b'\'' | b'"' => self.string(self.at, self.at),
                b'`' if self.language == Language::Js => self.string(self.at, self.at),
                b'/' if self.language == Language::Js && self.regex_allowed() => self.regex(),
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
                _ if is_ident_start(b) => self.ident(),
                b'(' => self.push(Kind::Open(Bracket::Round), self.at, self.at + 1),
                b'[' => self.push(Kind::Open(Bracket::Square), self.at, self.at + 1),
                b'{' => self.push(Kind::Open(Bracket::Curly), self.at, self.at + 1),
                b')' => self.push(Kind::Close(Bracket::Round), self.at, self.at + 1),
                b']' => self.push(Kind::Close(Bracket::Square), self.at, self.at + 1),
                b'}' => self.push(Kind::Close(Bracket::Curly), self.at, self.at + 1),
                _ => self.punct(),
            }
        }
    }

    fn skip_line(&mut self) {
        let rest = self.rest();
        self.at += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    }

    /// A Python backslash at the end of a line joins it to the next one.
    fn line_continuation(&mut self) {
        match (self.peek(1), self.peek(2)) {
            (Some(b'\n'), _) => self.at += 2,
            (Some(b'\r'), Some(b'\n')) => self.at += 3,
            _ => self.punct(),
        }
    }

    fn block_comment(&mut self) {
        let start = self.at;
        let body = self.bytes.get(start + 2..).unwrap_or_default();
        let end = match find(body, b"*/") {
            Some(close) => start + 2 + close + 2,
            None => {
                self.problem(
                    start,
                    "unterminated comment: no `*/` closes the `/*` opened here; the rest of the \
                     file was read as part of it",
                );
                self.bytes.len()
            }
        };
        if self.bytes[start..end].contains(&b'\n') {
            self.newline = true;
        }
        self.at = end;
    }

    fn ident(&mut self) {
        let start = self.at;
        let len = self
            .rest()
            .iter()
            .position(|b| !is_ident_continue(*b))
            .unwrap_or(self.rest().len());
        let end = start + len;
        let next = self.bytes.get(end).copied();
        if self.language == Language::Python && matches!(next, Some(b'\'' | b'"')) {
            if let Some(prefix) = python_prefix(&self.bytes[start..end]) {
                self.at = end;
                return self.string_with(start, end, prefix);
            }
        }
        self.push(Kind::Ident, start, end);
    }

    fn number(&mut self) {
        let start = self.at;
        let len = self
            .rest()
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
            .unwrap_or(self.rest().len());
        self.push(Kind::Number, start, start + len);
    }

    fn punct(&mut self) {
        let len = operator_len(self.rest());
        self.push(Kind::Punct, self.at, self.at + len);
    }

    /// A string literal whose opening quote is at `quote` (and prefix, if any, at `start`).
    fn string(&mut self, start: usize, quote: usize) {
        let flavor = match (self.language, self.bytes.get(quote)) {
            (Language::Js, Some(b'`')) => Flavor::Template,
            (Language::Js, _) => Flavor::Js,
            (Language::Python, _) => Flavor::Python {
                raw: false,
                bytes: false,
                format: false,
            },
        };
        self.string_with(start, quote, flavor);
    }

    fn string_with(&mut self, start: usize, quote: usize, flavor: Flavor) {
        let scan = scan_string(self.bytes, quote, flavor);
        if !scan.terminated {
            let message = if scan.multiline {
                "unterminated string: no closing quote matches the one opened here; the rest of \
                 the file was read as part of it"
            } else {
                "unterminated string: the line ends before a closing quote; the rest of the \
                 line was read as part of it"
            };
            self.problem(start, message);
        }
        let index = small(self.out.strings.len());
        self.out.strings.push(StrLit {
            flavor,
            content: scan.content,
            interpolations: scan.interpolations,
            terminated: scan.terminated,
        });
        self.push(Kind::Str(index), start, scan.end);
    }

    /// True when a `/` here starts a regular expression: after an operator, an opening bracket,
    /// a keyword such as `return`, or at the start of the file.
    fn regex_allowed(&self) -> bool {
        let Some(previous) = self.out.tokens.last() else {
            return true;
        };
        match previous.kind {
            Kind::Punct | Kind::Open(_) => true,
            Kind::Ident => {
                let word = &self.bytes[previous.start()..previous.end()];
                BEFORE_REGEX.iter().any(|k| k.as_bytes() == word)
            }
            _ => false,
        }
    }

    /// A regular expression literal; a `/` whose line ends before the closing `/` is a
    /// division after all.
    fn regex(&mut self) {
        let start = self.at;
        let mut at = start + 1;
        let mut in_class = false;
        while let Some(&b) = self.bytes.get(at) {
            match b {
                b'\n' | b'\r' => break,
                b'\\' => at += 2,
                b'[' => {
                    in_class = true;
                    at += 1;
                }
                b']' => {
                    in_class = false;
                    at += 1;
                }
                b'/' if !in_class => {
                    at += 1;
                    while self.bytes.get(at).copied().is_some_and(is_ident_continue) {
                        at += 1;
                    }
                    return self.push(Kind::Regex, start, at);
                }
                _ => at += 1,
            }
        }
        self.punct();
    }
}

/// The flavor a Python string prefix (`r`, `b`, `f`, `u`, `t`, `rb`, `fr`...) gives, or `None`
/// when the letters are not a string prefix.
fn python_prefix(letters: &[u8]) -> Option<Flavor> {
    let lower: Vec<u8> = letters.iter().map(u8::to_ascii_lowercase).collect();
    let valid = match lower.as_slice() {
        [a] => b"rbfut".contains(a),
        [a, b] => {
            let mut pair = [*a, *b];
            pair.sort_unstable();
            matches!(&pair, b"br" | b"fr" | b"rt")
        }
        _ => false,
    };
    valid.then(|| Flavor::Python {
        raw: lower.contains(&b'r'),
        bytes: lower.contains(&b'b'),
        format: lower.contains(&b'f') || lower.contains(&b't'),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What scanning one string literal found.
struct Scan {
    end: usize,
    content: (usize, usize),
    interpolations: Vec<(usize, usize)>,
    terminated: bool,
    multiline: bool,
}

/// A level of nesting inside a string literal: quoted text, or code interpolated into it.
#[derive(Clone, Copy)]
enum Frame {
    Quoted {
        quote: u8,
        triple: bool,
        interpolates: bool,
    },
    Code {
        depth: u32,
    },
}

/// Scans the string literal whose opening quote is at `quote`, following interpolated code
/// (with its own nested strings and brackets) with an explicit stack, never recursion.
fn scan_string(bytes: &[u8], quote: usize, flavor: Flavor) -> Scan {
    let quote_byte = bytes.get(quote).copied().unwrap_or(b'"');
    let triple = matches!(flavor, Flavor::Python { .. })
        && bytes.get(quote..quote + 3) == Some(&[quote_byte; 3][..]);
    let open_len = if triple { 3 } else { 1 };
    let content_start = quote + open_len;
    let interpolates = match flavor {
        Flavor::Template => true,
        Flavor::Python { format, .. } => format,
        Flavor::Js => false,
    };
    let multiline = triple || flavor == Flavor::Template;
    let js = matches!(flavor, Flavor::Js | Flavor::Template);

    let mut stack = vec![Frame::Quoted {
        quote: quote_byte,
        triple,
        interpolates,
    }];
    let mut interpolations = Vec::new();
    let mut interpolation_start = content_start;
    let mut at = content_start;
    let unterminated = |at: usize, interpolations: Vec<(usize, usize)>| Scan {
        end: at,
        content: (content_start, at),
        interpolations,
        terminated: false,
        multiline,
    };

    while let Some(frame) = stack.last().copied() {
        let Some(&b) = bytes.get(at) else {
            return unterminated(bytes.len(), interpolations);
        };
        match frame {
            Frame::Quoted {
                quote,
                triple,
                interpolates,
            } => {
                let closes = if triple {
                    bytes.get(at..at + 3) == Some(&[quote; 3][..])
                } else {
                    b == quote
                };
                if b == b'\\' {
                    at += if bytes.get(at + 1..at + 3) == Some(b"\r\n") {
                        3
                    } else {
                        2
                    };
                } else if closes {
                    let close_len = if triple { 3 } else { 1 };
                    stack.pop();
                    if stack.is_empty() {
                        return Scan {
                            end: at + close_len,
                            content: (content_start, at),
                            interpolations,
                            terminated: true,
                            multiline,
                        };
                    }
                    at += close_len;
                } else if b == b'\n' && !triple && quote != b'`' {
                    if stack.len() == 1 {
                        return unterminated(at, interpolations);
                    }
                    stack.pop();
                } else if interpolates && quote == b'`' && bytes.get(at..at + 2) == Some(b"${") {
                    at += 2;
                    if stack.len() == 1 {
                        interpolation_start = at;
                    }
                    stack.push(Frame::Code { depth: 0 });
                } else if interpolates && quote != b'`' && (b == b'{' || b == b'}') {
                    if bytes.get(at + 1) == Some(&b) {
                        at += 2;
                    } else if b == b'{' {
                        at += 1;
                        if stack.len() == 1 {
                            interpolation_start = at;
                        }
                        stack.push(Frame::Code { depth: 0 });
                    } else {
                        at += 1;
                    }
                } else {
                    at += 1;
                }
            }
            Frame::Code { depth } => {
                if b == b'\n' && !multiline {
                    return unterminated(at, interpolations);
                }
                match b {
                    b'{' | b'(' | b'[' => {
                        set_depth(&mut stack, depth + 1);
                        at += 1;
                    }
                    b'}' if depth == 0 => {
                        stack.pop();
                        if stack.len() == 1 {
                            interpolations.push((interpolation_start, at));
                        }
                        at += 1;
                    }
                    b'}' | b')' | b']' => {
                        set_depth(&mut stack, depth.saturating_sub(1));
                        at += 1;
                    }
                    b'/' if js && bytes.get(at + 1) == Some(&b'/') => {
                        let rest = bytes.get(at..).unwrap_or_default();
                        at += rest.iter().position(|c| *c == b'\n').unwrap_or(rest.len());
                    }
                    b'/' if js && bytes.get(at + 1) == Some(&b'*') => {
                        let body = bytes.get(at + 2..).unwrap_or_default();
                        at = find(body, b"*/").map_or(bytes.len(), |close| at + 2 + close + 2);
                    }
                    b'\'' | b'"' | b'`' if js => {
                        stack.push(Frame::Quoted {
                            quote: b,
                            triple: false,
                            interpolates: b == b'`',
                        });
                        at += 1;
                    }
                    b'\'' | b'"' => {
                        let nested_triple = bytes.get(at..at + 3) == Some(&[b; 3][..]);
                        stack.push(Frame::Quoted {
                            quote: b,
                            triple: nested_triple,
                            interpolates: nested_prefix_formats(bytes, at),
                        });
                        at += if nested_triple { 3 } else { 1 };
                    }
                    _ => at += 1,
                }
            }
        }
    }
    unterminated(at, interpolations)
}

fn set_depth(stack: &mut [Frame], new_depth: u32) {
    if let Some(Frame::Code { depth }) = stack.last_mut() {
        *depth = new_depth;
    }
}

/// True when the Python string whose quote is at `quote` has a prefix with `f` or `t`.
fn nested_prefix_formats(bytes: &[u8], quote: usize) -> bool {
    let start = bytes[..quote]
        .iter()
        .rposition(|b| !is_ident_continue(*b))
        .map_or(0, |p| p + 1);
    python_prefix(&bytes[start..quote])
        .is_some_and(|flavor| matches!(flavor, Flavor::Python { format: true, .. }))
}

/// Pairs brackets, records each token's depth and enclosing bracket. A closing bracket that
/// matches an opening one further down the stack closes the ones above it unpaired; one that
/// matches nothing is left unpaired. Linear: every opening bracket is popped at most once.
fn pair_brackets(lexed: &mut Lexed) {
    let count = lexed.tokens.len();
    lexed.partners = vec![NONE; count];
    lexed.parents = vec![NONE; count];
    let mut stack: Vec<(usize, Bracket)> = Vec::new();
    let mut open = [0usize; 3];

    for index in 0..count {
        let kind = lexed.tokens[index].kind;
        if let Kind::Close(bracket) = kind {
            if open[bracket.index()] > 0 {
                while let Some((opener, opened)) = stack.pop() {
                    open[opened.index()] -= 1;
                    if opened == bracket {
                        lexed.partners[opener] = small(index);
                        lexed.partners[index] = small(opener);
                        break;
                    }
                }
            }
        }
        lexed.tokens[index].depth = u32::try_from(stack.len()).unwrap_or(u32::MAX);
        lexed.parents[index] = stack.last().map_or(NONE, |(opener, _)| small(*opener));
        if let Kind::Open(bracket) = kind {
            stack.push((index, bracket));
            open[bracket.index()] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, language: Language) -> Vec<&str> {
        lex(text, language)
            .tokens
            .iter()
            .map(|t| &text[t.start()..t.end()])
            .collect()
    }

    #[test]
    fn comments_are_skipped_in_both_languages() {
        let js = "a // one\n/* two\n three */ b";
        assert_eq!(texts(js, Language::Js), ["a", "b"]);
        let py = "a # one\nb";
        assert_eq!(texts(py, Language::Python), ["a", "b"]);
    }

    #[test]
    fn quotes_inside_comments_do_not_open_strings() {
        let js = "a // it's\nb";
        assert_eq!(texts(js, Language::Js), ["a", "b"]);
    }

    #[test]
    fn strings_keep_their_quotes_in_the_token() {
        let js = r#"x = 'a\'b' + "c" + `d`"#;
        assert_eq!(
            texts(js, Language::Js),
            ["x", "=", r"'a\'b'", "+", "\"c\"", "+", "`d`"]
        );
    }

    #[test]
    fn template_interpolations_are_recorded_and_nest() {
        let js = "`a${ {b: `c${d}`}['b'] }e`";
        let lexed = lex(js, Language::Js);
        assert_eq!(lexed.tokens.len(), 1);
        let lit = &lexed.strings[0];
        assert!(lit.terminated);
        assert_eq!(lit.interpolations.len(), 1);
        let (start, end) = lit.interpolations[0];
        assert_eq!(&js[start..end], " {b: `c${d}`}['b'] ");
    }

    #[test]
    fn python_prefixes_and_triple_quotes_are_strings() {
        let py = "x = rb'\\d' + f\"{a!r}\" + '''one\ntwo''' + u\"z\"";
        let lexed = lex(py, Language::Python);
        let strings: Vec<Flavor> = lexed.strings.iter().map(|s| s.flavor).collect();
        assert_eq!(strings.len(), 4);
        assert_eq!(
            strings[0],
            Flavor::Python {
                raw: true,
                bytes: true,
                format: false
            }
        );
        assert_eq!(lexed.strings[1].interpolations.len(), 1);
        assert!(lexed.strings.iter().all(|s| s.terminated));
    }

    #[test]
    fn f_string_doubled_braces_are_not_interpolations() {
        let lexed = lex("f'{{x}}'", Language::Python);
        assert!(lexed.strings[0].interpolations.is_empty());
    }

    #[test]
    fn f_string_may_nest_quotes_of_another_kind() {
        let py = "f\"{d['k']}\" x";
        assert_eq!(texts(py, Language::Python), ["f\"{d['k']}\"", "x"]);
    }

    #[test]
    fn unterminated_string_stops_at_the_end_of_its_line() {
        let js = "a = 'open\nb";
        let lexed = lex(js, Language::Js);
        assert_eq!(lexed.problems.len(), 1);
        assert_eq!(lexed.problems[0].offset, 4);
        assert_eq!(texts(js, Language::Js), ["a", "=", "'open", "b"]);
    }

    #[test]
    fn unterminated_comment_is_a_problem() {
        let lexed = lex("a /* never closed", Language::Js);
        assert_eq!(lexed.problems.len(), 1);
        assert_eq!(lexed.tokens.len(), 1);
    }

    #[test]
    fn regex_literal_hides_its_quotes() {
        let js = "x = /['\"]/g.test(y); z";
        let lexed = lex(js, Language::Js);
        assert!(lexed.problems.is_empty());
        assert!(lexed.tokens.iter().any(|t| t.kind == Kind::Regex));
        assert_eq!(texts(js, Language::Js).last(), Some(&"z"));
    }

    #[test]
    fn slash_after_a_value_is_a_division() {
        assert_eq!(texts("a / b / c", Language::Js), ["a", "/", "b", "/", "c"]);
    }

    #[test]
    fn operators_are_read_whole() {
        let ops = ">>>= === !== **= ... <<= >>= >>> &&= ||= ??= => == != <= >= += -= *= %= &= |= \
                   ^= @= ** && || ?? ?. := -> << >> ++ -- < > = ! ? . : ;";
        let expected: Vec<&str> = ops.split_whitespace().collect();
        assert_eq!(texts(ops, Language::Js), expected);
        assert_eq!(
            texts("a //= b // c", Language::Python),
            ["a", "//=", "b", "//", "c"]
        );
    }

    #[test]
    fn brackets_are_paired_and_depth_counted() {
        let lexed = lex("f(a[1], {b})", Language::Js);
        assert_eq!(lexed.partner(1), Some(10));
        assert_eq!(lexed.partner(3), Some(5));
        assert_eq!(lexed.tokens[4].depth, 2);
        assert_eq!(lexed.parent(8), Some(7));
    }

    #[test]
    fn mismatched_closer_closes_the_bracket_it_matches() {
        let lexed = lex("( [ )", Language::Js);
        assert_eq!(lexed.partner(0), Some(2));
        assert_eq!(lexed.partner(1), None);
    }

    #[test]
    fn byte_order_mark_is_skipped_but_offsets_count_it() {
        let text = "\u{feff}a";
        let lexed = lex(text, Language::Python);
        assert_eq!(lexed.tokens[0].start(), 3);
    }

    #[test]
    fn newline_before_is_recorded() {
        let lexed = lex("a\nb c", Language::Python);
        let flags: Vec<bool> = lexed.tokens.iter().map(|t| t.newline_before).collect();
        assert_eq!(flags, [true, true, false]);
    }

    #[test]
    fn deep_bracket_nesting_does_not_overflow() {
        let text = format!("{}x", "([{".repeat(100_000));
        let lexed = lex(&text, Language::Js);
        assert_eq!(lexed.tokens.len(), 300_001);
        assert_eq!(lexed.tokens[300_000].depth, 300_000);
    }

    #[test]
    fn deep_template_nesting_is_one_unterminated_token() {
        let text = "`${".repeat(100_000);
        let lexed = lex(&text, Language::Js);
        assert_eq!(lexed.tokens.len(), 1);
        assert_eq!(lexed.problems.len(), 1);
    }
}
