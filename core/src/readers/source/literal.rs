//! The values of string literal tokens: escapes decoded, interpolations filled in from names
//! whose value is known, or no value at all when a part cannot be known.

use std::iter::Peekable;
use std::str::Chars;

use super::lexer::{Flavor, StrLit};

/// The value of a string literal, each interpolated expression (its text, trimmed) resolved
/// by `lookup`. `None` for an unterminated literal, a Python bytes literal, an escape this
/// reader does not decode, or an interpolation `lookup` cannot resolve.
pub(super) fn string_value(
    text: &str,
    lit: &StrLit,
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    if !lit.terminated || matches!(lit.flavor, Flavor::Python { bytes: true, .. }) {
        return None;
    }
    let (open_len, close_len) = match lit.flavor {
        Flavor::Template => (2, 1),
        Flavor::Python { format: true, .. } => (1, 1),
        _ => (0, 0),
    };

    let mut value = String::new();
    let mut piece_start = lit.content.0;
    for &(start, end) in &lit.interpolations {
        let piece = text.get(piece_start..start.checked_sub(open_len)?)?;
        decode(piece, lit.flavor, &mut value)?;
        value.push_str(&lookup(text.get(start..end)?.trim())?);
        piece_start = end + close_len;
    }
    decode(
        text.get(piece_start..lit.content.1)?,
        lit.flavor,
        &mut value,
    )?;
    Some(value)
}

/// Appends the value of a literal piece of a string (no interpolation inside) to `out`.
fn decode(piece: &str, flavor: Flavor, out: &mut String) -> Option<()> {
    let (raw, format) = match flavor {
        Flavor::Python { raw, format, .. } => (raw, format),
        Flavor::Js | Flavor::Template => (false, false),
    };
    let mut chars = piece.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !raw => match flavor {
                Flavor::Python { .. } => python_escape(&mut chars, out)?,
                _ => js_escape(&mut chars, out)?,
            },
            '\r' if chars.peek() == Some(&'\n') => {}
            '{' | '}' if format && chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Some(())
}

/// The one-letter escapes both languages share, and a backslash before a line break, which
/// joins the lines. True when `c` (the character after the backslash) was one of them.
fn shared_escape(c: char, chars: &mut Peekable<Chars<'_>>, out: &mut String) -> bool {
    let decoded = match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '\r' => {
            chars.next_if_eq(&'\n');
            return true;
        }
        '\n' => return true,
        _ => return false,
    };
    out.push(decoded);
    true
}

fn js_escape(chars: &mut Peekable<Chars<'_>>, out: &mut String) -> Option<()> {
    let c = chars.next()?;
    if shared_escape(c, chars, out) {
        return Some(());
    }
    match c {
        '0' if !chars.peek().is_some_and(char::is_ascii_digit) => out.push('\0'),
        // Legacy octal escapes are errors in strict code and in templates: not decoded.
        '0'..='9' => return None,
        'x' => out.push(char::from_u32(hex(chars, 2)?)?),
        'u' => out.push(js_unicode(chars)?),
        '\u{2028}' | '\u{2029}' => {}
        other => out.push(other),
    }
    Some(())
}

/// The code point of a JavaScript `\u` escape (`\uXXXX`, `\u{X...}`, or a surrogate pair of
/// `\uXXXX` escapes).
fn js_unicode(chars: &mut Peekable<Chars<'_>>) -> Option<char> {
    if chars.peek() == Some(&'{') {
        chars.next();
        let mut code = 0u32;
        let mut digits = 0;
        loop {
            let c = chars.next()?;
            if c == '}' && digits > 0 {
                return char::from_u32(code);
            }
            code = code.checked_mul(16)?.checked_add(c.to_digit(16)?)?;
            digits += 1;
        }
    }
    let high = hex(chars, 4)?;
    if !(0xd800..0xdc00).contains(&high) {
        return char::from_u32(high);
    }
    if chars.next()? != '\\' || chars.next()? != 'u' {
        return None;
    }
    let low = hex(chars, 4)?;
    if !(0xdc00..0xe000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
}

fn python_escape(chars: &mut Peekable<Chars<'_>>, out: &mut String) -> Option<()> {
    let c = chars.next()?;
    if shared_escape(c, chars, out) {
        return Some(());
    }
    match c {
        'a' => out.push('\u{7}'),
        '\\' | '\'' | '"' => out.push(c),
        '0'..='7' => {
            let mut code = c.to_digit(8)?;
            for _ in 0..2 {
                match chars.peek().and_then(|d| d.to_digit(8)) {
                    Some(digit) => {
                        code = code * 8 + digit;
                        chars.next();
                    }
                    None => break,
                }
            }
            out.push(char::from_u32(code)?);
        }
        'x' => out.push(char::from_u32(hex(chars, 2)?)?),
        'u' => out.push(char::from_u32(hex(chars, 4)?)?),
        'U' => out.push(char::from_u32(hex(chars, 8)?)?),
        // Named escapes need the Unicode name table: such a string is not decoded.
        'N' => return None,
        other => {
            out.push('\\');
            out.push(other);
        }
    }
    Some(())
}

fn hex(chars: &mut Peekable<Chars<'_>>, digits: usize) -> Option<u32> {
    let mut code = 0u32;
    for _ in 0..digits {
        code = code * 16 + chars.next()?.to_digit(16)?;
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::{lex, Language};
    use super::*;

    fn value_of(text: &str, language: Language) -> Option<String> {
        let lexed = lex(text, language);
        let lit = lexed.string(0).expect("a string literal");
        string_value(text, lit, |name| {
            (name == "HOST").then(|| "example.com".to_string())
        })
    }

    #[test]
    fn plain_literals_are_their_content() {
        assert_eq!(value_of("'abc'", Language::Js).as_deref(), Some("abc"));
        assert_eq!(
            value_of("\"abc\"", Language::Python).as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn javascript_escapes_are_decoded() {
        let value = value_of(r#""a\x41\u0042\u{43}\/\n\uD83D\uDE00""#, Language::Js);
        assert_eq!(value.as_deref(), Some("aABC/\n\u{1F600}"));
    }

    #[test]
    fn python_escapes_are_decoded_and_unknown_ones_kept() {
        let value = value_of(r"'a\x41\101\d'", Language::Python);
        assert_eq!(value.as_deref(), Some("aAA\\d"));
    }

    #[test]
    fn raw_strings_keep_backslashes() {
        assert_eq!(
            value_of(r"r'\d\n'", Language::Python).as_deref(),
            Some(r"\d\n")
        );
    }

    #[test]
    fn bytes_literals_have_no_string_value() {
        assert_eq!(value_of("b'abc'", Language::Python), None);
    }

    #[test]
    fn interpolations_resolve_through_the_lookup() {
        let js = value_of("`https://${HOST}/x`", Language::Js);
        assert_eq!(js.as_deref(), Some("https://example.com/x"));
        let py = value_of("f'https://{ HOST }/{{x}}'", Language::Python);
        assert_eq!(py.as_deref(), Some("https://example.com/{x}"));
    }

    #[test]
    fn an_unknown_interpolation_has_no_value() {
        assert_eq!(value_of("`https://${other}`", Language::Js), None);
        assert_eq!(value_of("f'https://{HOST!r}'", Language::Python), None);
    }

    #[test]
    fn template_without_interpolation_is_a_literal() {
        assert_eq!(value_of("`a\r\nb`", Language::Js).as_deref(), Some("a\nb"));
    }
}
