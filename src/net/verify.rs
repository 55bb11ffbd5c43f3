//! The certificate verifier that records the presented chain, then judges it against the
//! public roots and the roots the user named, and lets the handshake go on either way.
//!
//! Going on matters: IAM fetches from thumbprint-enforced providers whatever their chain, so
//! the tool must see the chain and the discovery document of those too. Handshake signatures
//! are still checked, so the peer holds the key of the certificate it presented.

use oidc_thumb_core::{Timestamp, Verification};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::sync::{Arc, Mutex};

/// What the verifier saw on one connection.
#[derive(Debug)]
pub(crate) struct Seen {
    /// End entity first, then the intermediates, as presented.
    pub(crate) certificates: Vec<CertificateDer<'static>>,
    pub(crate) verification: Verification,
}

/// The slot one connection's verifier writes into.
#[derive(Debug, Default)]
pub(crate) struct Recorder(Mutex<Option<Seen>>);

impl Recorder {
    pub(crate) fn take(&self) -> Option<Seen> {
        self.0.lock().ok().and_then(|mut seen| seen.take())
    }
}

/// The verifiers built once per run, shared by every connection.
pub(crate) struct TlsSetup {
    provider: Arc<CryptoProvider>,
    public: Arc<WebPkiServerVerifier>,
    named: Option<Arc<WebPkiServerVerifier>>,
}

impl TlsSetup {
    pub(crate) fn new(extra_roots: &[CertificateDer<'static>]) -> Result<TlsSetup, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());

        let mut public_roots = RootCertStore::empty();
        public_roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let public = verifier(public_roots, &provider)?;

        let named = if extra_roots.is_empty() {
            None
        } else {
            let mut named_roots = RootCertStore::empty();
            let (added, _) = named_roots.add_parsable_certificates(extra_roots.iter().cloned());
            if added == 0 {
                return Err("none of the extra roots is a usable certificate".to_string());
            }
            Some(verifier(named_roots, &provider)?)
        };

        Ok(TlsSetup {
            provider,
            public,
            named,
        })
    }

    /// A client configuration for one connection, and the slot its verifier records into.
    /// Sessions are never resumed: a resumed session presents no certificate.
    pub(crate) fn client_config(&self) -> Result<(Arc<ClientConfig>, Arc<Recorder>), String> {
        let recorder = Arc::new(Recorder::default());
        let verifier = RecordingVerifier {
            public: Arc::clone(&self.public),
            named: self.named.clone(),
            algorithms: self.provider.signature_verification_algorithms,
            recorder: Arc::clone(&recorder),
        };
        let mut config = ClientConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot configure TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.resumption = Resumption::disabled();
        Ok((Arc::new(config), recorder))
    }
}

fn verifier(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, String> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider))
        .build()
        .map_err(|e| format!("cannot build a certificate verifier: {e}"))
}

#[derive(Debug)]
struct RecordingVerifier {
    public: Arc<WebPkiServerVerifier>,
    named: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    recorder: Arc<Recorder>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verify = |verifier: &WebPkiServerVerifier| {
            verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        let verification = match (verify(&self.public), &self.named) {
            (Ok(_), _) => Verification::Public,
            (Err(public_error), None) => Verification::Unverified {
                reason: in_words(&public_error, server_name),
            },
            (Err(public_error), Some(named)) => match verify(named) {
                Ok(_) => Verification::NamedCa,
                Err(named_error) => {
                    // The named roots' reason is the telling one unless they simply do not
                    // issue this chain.
                    let telling = match &named_error {
                        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
                            &public_error
                        }
                        _ => &named_error,
                    };
                    Verification::Unverified {
                        reason: in_words(telling, server_name),
                    }
                }
            },
        };

        let certificates = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        if let Ok(mut slot) = self.recorder.0.lock() {
            *slot = Some(Seen {
                certificates,
                verification,
            });
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Why a chain did not verify, for a person.
fn in_words(error: &rustls::Error, server_name: &ServerName<'_>) -> String {
    let date =
        |time: &UnixTime| Timestamp(i64::try_from(time.as_secs()).unwrap_or(i64::MAX)).date();
    let rustls::Error::InvalidCertificate(error) = error else {
        return error.to_string();
    };
    match error {
        CertificateError::UnknownIssuer => "the chain does not lead to a trusted root".to_string(),
        CertificateError::Expired => "a certificate of the chain has expired".to_string(),
        CertificateError::ExpiredContext { not_after, .. } => {
            format!("a certificate of the chain expired on {}", date(not_after))
        }
        CertificateError::NotValidYet => "a certificate of the chain is not valid yet".to_string(),
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "a certificate of the chain is not valid before {}",
            date(not_before)
        ),
        CertificateError::NotValidForName => {
            format!("the certificate is not valid for {}", server_name.to_str())
        }
        CertificateError::NotValidForNameContext { presented, .. } => format!(
            "the certificate is not valid for {} (it names {})",
            server_name.to_str(),
            if presented.is_empty() {
                "no host".to_string()
            } else {
                presented.join(", ")
            }
        ),
        CertificateError::BadSignature => {
            "a certificate of the chain is not signed by its issuer".to_string()
        }
        CertificateError::BadEncoding => "a certificate cannot be decoded".to_string(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the certificate is not meant for TLS servers (extended key usage)".to_string()
        }
        CertificateError::Revoked => "a certificate of the chain is revoked".to_string(),
        other => other.to_string(),
    }
}
