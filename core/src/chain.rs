//! Presented chains: the certificates a server sends, in the order it sends them, and the
//! saved-chain (PEM) files that stand in for a live handshake.

use crate::{CertError, CertFacts, Thumbprint, Timestamp};
use base64::Engine;

pub use crate::limits::MAX_CHAIN_LEN;

/// The certificates a server presented, leaf first, in presented order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedChain {
    /// Leaf first, as presented.
    pub certs: Vec<CertFacts>,
}

impl PresentedChain {
    /// Reads a presented chain from DER certificates in presented order.
    pub fn from_der<'a>(
        ders: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<PresentedChain, ChainError> {
        let mut certs = Vec::new();
        for (index, der) in ders.into_iter().enumerate() {
            if index >= MAX_CHAIN_LEN {
                return Err(ChainError::TooLong {
                    limit: MAX_CHAIN_LEN,
                });
            }
            let facts = CertFacts::from_der(der).map_err(|source| ChainError::Certificate {
                position: index + 1,
                source,
            })?;
            certs.push(facts);
        }
        if certs.is_empty() {
            return Err(ChainError::Empty);
        }
        Ok(PresentedChain { certs })
    }

    /// Reads a saved chain: PEM certificate blocks in presented order. Anything between the
    /// blocks is ignored, so the text `openssl s_client -showcerts` prints is accepted as is.
    pub fn from_pem(text: &str) -> Result<PresentedChain, ChainError> {
        let ders = pem_certificates(text)?;
        PresentedChain::from_der(ders.iter().map(Vec::as_slice))
    }

    /// The topmost certificate the server sent: the last one presented. IAM pins this one.
    pub fn top(&self) -> &CertFacts {
        // A chain is never empty: both constructors refuse an empty one.
        &self.certs[self.certs.len() - 1]
    }

    /// The thumbprint of the top certificate.
    pub fn top_thumbprint(&self) -> Thumbprint {
        self.top().sha1
    }

    /// Days the top certificate has left at `now`.
    pub fn days_left(&self, now: Timestamp) -> i64 {
        self.top().days_left(now)
    }

    /// The position (0 = leaf) of the certificate with this thumbprint, if presented.
    pub fn position_of(&self, thumbprint: &Thumbprint) -> Option<usize> {
        self.certs.iter().position(|c| &c.sha1 == thumbprint)
    }

    /// The chain as PEM blocks in presented order: the saved-chain file format.
    pub fn to_pem(&self) -> String {
        let mut out = String::new();
        for cert in &self.certs {
            out.push_str(&pem_block(&cert.der));
        }
        out
    }
}

/// Why a chain could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No certificate at all.
    #[error("no certificate found (expected PEM blocks `-----BEGIN CERTIFICATE-----`)")]
    Empty,
    /// A PEM block whose base64 body is invalid.
    #[error("certificate block {position} is not valid base64")]
    Base64 {
        /// 1-based position of the block.
        position: usize,
    },
    /// A PEM block that is opened and never closed.
    #[error("certificate block {position} has no `-----END CERTIFICATE-----` line")]
    Unterminated {
        /// 1-based position of the block.
        position: usize,
    },
    /// A certificate that x509 parsing refused.
    #[error("certificate {position}: {source}")]
    Certificate {
        /// 1-based position in the chain.
        position: usize,
        /// The parse error.
        source: CertError,
    },
    /// More certificates than any real server sends.
    #[error("more than {limit} certificates; no real server presents a chain that long")]
    TooLong {
        /// The limit.
        limit: usize,
    },
}

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The DER bodies of every PEM certificate block in `text`, in order.
pub fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>, ChainError> {
    let mut ders = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let position = ders.len() + 1;
        if position > MAX_CHAIN_LEN {
            return Err(ChainError::TooLong {
                limit: MAX_CHAIN_LEN,
            });
        }
        let body_start = &rest[start + BEGIN.len()..];
        let end = body_start
            .find(END)
            .ok_or(ChainError::Unterminated { position })?;
        let body: String = body_start[..end]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| ChainError::Base64 { position })?;
        ders.push(der);
        rest = &body_start[end + END.len()..];
    }
    if ders.is_empty() {
        return Err(ChainError::Empty);
    }
    Ok(ders)
}

/// One certificate as a PEM block, 64 characters a line.
pub fn pem_block(der: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(encoded.len() + 80);
    out.push_str(BEGIN);
    out.push('\n');
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_blocks_is_empty() {
        assert_eq!(
            pem_certificates("CONNECTED(00000003)\n---\n"),
            Err(ChainError::Empty)
        );
    }

    #[test]
    fn unterminated_block_is_named() {
        let text = format!("{BEGIN}\nAAAA\n");
        assert_eq!(
            pem_certificates(&text),
            Err(ChainError::Unterminated { position: 1 })
        );
    }

    #[test]
    fn bad_base64_is_named() {
        let text = format!("{BEGIN}\n!!!!\n{END}\n");
        assert_eq!(
            pem_certificates(&text),
            Err(ChainError::Base64 { position: 1 })
        );
    }

    #[test]
    fn saved_chain_of_two_hundred_blocks_is_refused_at_the_limit() {
        let text = pem_block(b"not a certificate").repeat(200);
        assert_eq!(
            pem_certificates(&text),
            Err(ChainError::TooLong {
                limit: MAX_CHAIN_LEN
            })
        );
    }

    #[test]
    fn pem_block_round_trips() {
        let der: Vec<u8> = (0..=200u8).collect();
        let ders = pem_certificates(&pem_block(&der)).unwrap();
        assert_eq!(ders, vec![der]);
    }
}
