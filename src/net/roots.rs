//! Extra trusted roots: the PEM files of `--ca-file` and `SSL_CERT_FILE`.

use anyhow::{anyhow, bail, Context as _};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use std::path::Path;

/// Reads a `--ca-file`: every certificate in it must be usable as a trusted root.
pub(crate) fn read_ca_file(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certificates =
        read_pem(path).with_context(|| format!("--ca-file {} cannot be used", path.display()))?;
    for (index, certificate) in certificates.iter().enumerate() {
        RootCertStore::empty()
            .add(certificate.clone())
            .map_err(|e| {
                anyhow!(
                    "--ca-file {}: certificate {} cannot be a trusted root: {e}",
                    path.display(),
                    index + 1
                )
            })?;
    }
    Ok(certificates)
}

/// Reads `SSL_CERT_FILE`, often a whole system bundle: certificates that cannot be roots are
/// skipped, as other TLS clients skip them.
pub(crate) fn read_ssl_cert_file(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certificates = read_pem(path)
        .with_context(|| format!("SSL_CERT_FILE={} cannot be used", path.display()))?;
    Ok(certificates
        .into_iter()
        .filter(|c| RootCertStore::empty().add(c.clone()).is_ok())
        .collect())
}

fn read_pem(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let bytes = std::fs::read(path)?;
    let certificates = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("it is not a readable PEM file: {e}"))?;
    if certificates.is_empty() {
        bail!("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    Ok(certificates)
}
