//! Certificate facts read from DER: names, digests, validity, and what kind of certificate it is.

use crate::{Thumbprint, Timestamp};
use x509_parser::prelude::*;

/// What the tool knows of one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// The subject distinguished name, RFC 4514 style (`CN=..., O=...`).
    pub subject: String,
    /// The issuer distinguished name.
    pub issuer: String,
    /// SHA-1 of the DER bytes: the thumbprint IAM would pin.
    pub sha1: Thumbprint,
    /// SHA-256 of the DER bytes, lowercase hex.
    pub sha256: String,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// The basic constraints extension marks it as a CA.
    pub is_ca: bool,
    /// Subject and issuer are the same name (and the key identifiers agree where present).
    pub self_signed: bool,
    /// The DER bytes themselves.
    pub der: Vec<u8>,
    subject_short: String,
    issuer_short: String,
}

/// Why DER bytes could not be read as a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable X.509 certificate: {0}")]
pub struct CertError(pub String);

impl CertFacts {
    /// Reads the facts of one DER-encoded certificate.
    ///
    /// ```
    /// use oidc_thumb_core::CertFacts;
    /// assert!(CertFacts::from_der(b"not a certificate").is_err());
    /// ```
    pub fn from_der(der: &[u8]) -> Result<CertFacts, CertError> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| CertError(e.to_string()))?;
        if !rest.is_empty() {
            return Err(CertError(format!(
                "{} bytes follow the certificate",
                rest.len()
            )));
        }

        let is_ca = cert
            .basic_constraints()
            .ok()
            .flatten()
            .is_some_and(|bc| bc.value.ca);
        let same_name = cert.subject().as_raw() == cert.issuer().as_raw();
        let self_signed = same_name && key_ids_agree(&cert);

        Ok(CertFacts {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            sha1: Thumbprint::of_der(der),
            sha256: sha256_hex(der),
            not_before: Timestamp(cert.validity().not_before.timestamp()),
            not_after: Timestamp(cert.validity().not_after.timestamp()),
            is_ca,
            self_signed,
            der: der.to_vec(),
            subject_short: short_name(cert.subject()),
            issuer_short: short_name(cert.issuer()),
        })
    }

    /// A short human name: the common name, else the organisation, else the whole subject.
    pub fn display_name(&self) -> &str {
        &self.subject_short
    }

    /// A short human name of the issuer.
    pub fn issuer_name(&self) -> &str {
        &self.issuer_short
    }

    /// Whole days of validity left at `now` (negative once expired).
    pub fn days_left(&self, now: Timestamp) -> i64 {
        now.days_until(self.not_after)
    }

    /// True when `now` is past the end of validity.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        now > self.not_after
    }
}

fn key_ids_agree(cert: &X509Certificate<'_>) -> bool {
    let mut subject_key = None;
    let mut authority_key = None;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => subject_key = Some(id.0),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key = aki.key_identifier.as_ref().map(|id| id.0)
            }
            _ => {}
        }
    }
    match (subject_key, authority_key) {
        (Some(s), Some(a)) => s == a,
        _ => true,
    }
}

fn short_name(name: &X509Name<'_>) -> String {
    let first = |mut values: Box<dyn Iterator<Item = &AttributeTypeAndValue<'_>> + '_>| {
        values.find_map(|attr| attr.as_str().ok().map(str::to_string))
    };
    first(Box::new(name.iter_common_name()))
        .or_else(|| first(Box::new(name.iter_organization())))
        .unwrap_or_else(|| name.to_string())
}

fn sha256_hex(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(CertFacts::from_der(&[0x30, 0x82, 0xff, 0xff]).is_err());
        assert!(CertFacts::from_der(&[]).is_err());
    }
}
