//! Thumbprints: the lowercase hex SHA-1 of a certificate's DER bytes, as IAM stores them.

use std::fmt;
use std::str::FromStr;

/// A certificate thumbprint: 20 bytes, shown as 40 lowercase hex digits.
///
/// ```
/// use oidc_thumb_core::Thumbprint;
/// let t: Thumbprint = "99:0F:41:93:97:2F:2B:EC:F1:2D:DE:DA:52:37:F9:C9:52:F2:0D:9E".parse().unwrap();
/// assert_eq!(t.to_string(), "990f4193972f2becf12ddeda5237f9c952f20d9e");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Thumbprint([u8; 20]);

/// Why a declared value is not a thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThumbprintError {
    /// The value is empty once separators are removed.
    #[error("the value is empty; a thumbprint is 40 hex digits")]
    Empty,
    /// A character that is neither a hex digit nor an accepted separator.
    #[error("{found:?} at position {position} is not a hex digit; a thumbprint is 40 hex digits")]
    NotHex {
        /// The offending character.
        found: char,
        /// Its 1-based position in the declared value.
        position: usize,
    },
    /// The wrong number of hex digits.
    #[error("it has {digits} hex digits; a thumbprint has exactly 40")]
    WrongLength {
        /// How many hex digits were found.
        digits: usize,
    },
}

/// Style problems of a value that is a valid thumbprint once normalised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThumbprintStyle {
    /// Upper-case hex digits were used.
    pub uppercase: bool,
    /// Colons or white space separate the digits.
    pub separators: bool,
}

impl ThumbprintStyle {
    /// True when the value was already in IAM's canonical form.
    pub fn is_canonical(&self) -> bool {
        !self.uppercase && !self.separators
    }
}

impl Thumbprint {
    /// The thumbprint of DER bytes: their SHA-1.
    pub fn of_der(der: &[u8]) -> Thumbprint {
        use sha1::Digest;
        let digest = sha1::Sha1::digest(der);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&digest);
        Thumbprint(bytes)
    }

    /// Builds a thumbprint from its 20 raw bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> Thumbprint {
        Thumbprint(bytes)
    }

    /// The 20 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Parses a declared value, normalising colons, white space and case, and reports
    /// which of those normalisations were needed.
    ///
    /// ```
    /// use oidc_thumb_core::Thumbprint;
    /// let (t, style) = Thumbprint::parse_with_style("9E99A48A9960B14926BB7F3B02E22DA2B0AB7280").unwrap();
    /// assert!(style.uppercase && !style.separators);
    /// assert_eq!(t.to_string(), "9e99a48a9960b14926bb7f3b02e22da2b0ab7280");
    /// assert!(Thumbprint::parse_with_style("abc").is_err());
    /// ```
    pub fn parse_with_style(value: &str) -> Result<(Thumbprint, ThumbprintStyle), ThumbprintError> {
        let mut style = ThumbprintStyle::default();
        let mut nibbles = Vec::with_capacity(40);

        for (index, c) in value.chars().enumerate() {
            match c {
                '0'..='9' | 'a'..='f' => nibbles.push(c.to_digit(16).unwrap_or(0) as u8),
                'A'..='F' => {
                    style.uppercase = true;
                    nibbles.push(c.to_digit(16).unwrap_or(0) as u8);
                }
                ':' | ' ' | '\t' => style.separators = true,
                _ => {
                    return Err(ThumbprintError::NotHex {
                        found: c,
                        position: index + 1,
                    })
                }
            }
        }

        if nibbles.is_empty() {
            return Err(ThumbprintError::Empty);
        }
        if nibbles.len() != 40 {
            return Err(ThumbprintError::WrongLength {
                digits: nibbles.len(),
            });
        }
        let mut bytes = [0u8; 20];
        for (byte, pair) in bytes.iter_mut().zip(nibbles.chunks_exact(2)) {
            *byte = (pair[0] << 4) | pair[1];
        }
        Ok((Thumbprint(bytes), style))
    }

    /// The first and last four hex digits, for messages: `6938fd4d...aea1`.
    pub fn short(&self) -> String {
        let full = self.to_string();
        format!("{}...{}", &full[..8], &full[36..])
    }
}

impl FromStr for Thumbprint {
    type Err = ThumbprintError;

    fn from_str(value: &str) -> Result<Thumbprint, ThumbprintError> {
        Thumbprint::parse_with_style(value).map(|(thumbprint, _)| thumbprint)
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Thumbprint({self})")
    }
}

impl serde::Serialize for Thumbprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_value_parses_without_style_notes() {
        let (t, style) =
            Thumbprint::parse_with_style("9e99a48a9960b14926bb7f3b02e22da2b0ab7280").unwrap();
        assert!(style.is_canonical());
        assert_eq!(t.to_string(), "9e99a48a9960b14926bb7f3b02e22da2b0ab7280");
    }

    #[test]
    fn colons_and_spaces_are_separators() {
        let (_, style) = Thumbprint::parse_with_style(
            "9e 99 a4 8a 99 60 b1 49 26 bb 7f 3b 02 e2 2d a2 b0 ab 72 80",
        )
        .unwrap();
        assert!(style.separators);
        assert!(!style.uppercase);
    }

    #[test]
    fn wrong_length_names_the_count() {
        let err = Thumbprint::parse_with_style("9e99a48a").unwrap_err();
        assert_eq!(err, ThumbprintError::WrongLength { digits: 8 });
        assert!(err.to_string().contains("8 hex digits"));
    }

    #[test]
    fn non_hex_names_the_character_and_position() {
        let err =
            Thumbprint::parse_with_style("9e99a48a9960b14926bb7f3b02e22da2b0ab728g").unwrap_err();
        assert_eq!(
            err,
            ThumbprintError::NotHex {
                found: 'g',
                position: 40
            }
        );
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(
            Thumbprint::parse_with_style(" : ").unwrap_err(),
            ThumbprintError::Empty
        );
    }

    #[test]
    fn of_der_is_sha1() {
        // SHA-1 of the empty input.
        assert_eq!(
            Thumbprint::of_der(b"").to_string(),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
    }

    #[test]
    fn short_form_keeps_both_ends() {
        let t: Thumbprint = "6938fd4d98bab03faadb97b34396831e3780aea1".parse().unwrap();
        assert_eq!(t.short(), "6938fd4d...aea1");
    }
}
