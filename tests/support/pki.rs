//! Certificate chains for tests: roots, intermediates and leaves from fixed Ed25519 keys.

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A validity period, from and until midnight UTC of two dates.
#[derive(Clone, Copy, Debug)]
pub struct Validity {
    pub from: (i32, u8, u8),
    pub until: (i32, u8, u8),
}

/// Valid from 2024 until the end of 2099.
pub const CURRENT: Validity = Validity {
    from: (2024, 1, 1),
    until: (2099, 12, 31),
};

/// Valid during 2019 only.
pub const EXPIRED: Validity = Validity {
    from: (2019, 1, 1),
    until: (2020, 1, 1),
};

/// The names every test leaf is valid for.
pub const LEAF_NAMES: &[&str] = &["localhost", "127.0.0.1", "::1"];

/// The PKCS#8 v1 prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

fn pkcs8(seed: u8) -> Vec<u8> {
    let mut der = ED25519_PKCS8_PREFIX.to_vec();
    der.extend([seed; 32]);
    der
}

/// The Ed25519 key of a seed. Ed25519 signatures are deterministic, so a certificate signed
/// with it is the same on every run.
pub fn fixed_key(seed: u8) -> KeyPair {
    KeyPair::from_pkcs8_der_and_sign_algo(
        &PrivatePkcs8KeyDer::from(pkcs8(seed)),
        &rcgen::PKCS_ED25519,
    )
    .expect("a 32-byte seed is a valid Ed25519 key")
}

fn params(common_name: &str, names: &[&str], seed: u8, validity: Validity) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("test names are valid");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, common_name);
    subject.push(DnType::OrganizationName, "oidc-thumb-check tests");
    params.distinguished_name = subject;
    params.serial_number = Some(SerialNumber::from_slice(&[0x01, seed]));
    let (y, m, d) = validity.from;
    params.not_before = date_time_ymd(y, m, d);
    let (y, m, d) = validity.until;
    params.not_after = date_time_ymd(y, m, d);
    params.use_authority_key_identifier_extension = true;
    params
}

fn ca_params(common_name: &str, seed: u8, validity: Validity) -> CertificateParams {
    let mut params = params(common_name, &[], seed, validity);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

/// A certificate authority: its certificate and the means to sign with it.
pub struct Authority {
    pub cert: CertificateDer<'static>,
    params: CertificateParams,
    key: KeyPair,
}

impl Authority {
    /// A self-signed root.
    pub fn root(common_name: &str, seed: u8, validity: Validity) -> Authority {
        let params = ca_params(common_name, seed, validity);
        let key = fixed_key(seed);
        let cert = params.self_signed(&key).expect("root signs").der().clone();
        Authority { cert, params, key }
    }

    /// An intermediate CA signed by this one.
    pub fn intermediate(&self, common_name: &str, seed: u8, validity: Validity) -> Authority {
        let params = ca_params(common_name, seed, validity);
        let key = fixed_key(seed);
        let cert = self.sign(&params, &key);
        Authority { cert, params, key }
    }

    /// A server certificate for `names`, signed by this CA, with its key.
    pub fn leaf(
        &self,
        common_name: &str,
        seed: u8,
        validity: Validity,
    ) -> (CertificateDer<'static>, KeyPair) {
        let params = params(common_name, LEAF_NAMES, seed, validity);
        let key = fixed_key(seed);
        (self.sign(&params, &key), key)
    }

    fn sign(&self, params: &CertificateParams, key: &KeyPair) -> CertificateDer<'static> {
        let issuer = Issuer::from_params(&self.params, &self.key);
        params
            .signed_by(key, &issuer)
            .expect("CA signs")
            .der()
            .clone()
    }

    /// The certificate as PEM, for `--ca-file`.
    pub fn pem(&self) -> String {
        pem(&self.cert)
    }
}

/// The thumbprint of one certificate.
pub fn sha1_of(cert: &CertificateDer<'_>) -> String {
    super::sha1_hex(cert.as_ref())
}

/// One certificate as a PEM block.
pub fn pem(cert: &CertificateDer<'_>) -> String {
    oidc_thumb_core::pem_block(cert.as_ref())
}

/// What a server presents: certificates in presented order, and the leaf's key.
#[derive(Clone, Debug)]
pub struct Chain {
    pub certs: Vec<CertificateDer<'static>>,
    key_seed: u8,
}

impl Chain {
    pub fn new(certs: Vec<CertificateDer<'static>>, key_seed: u8) -> Chain {
        Chain { certs, key_seed }
    }

    /// The leaf's private key, for a rustls server.
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8(self.key_seed)))
    }

    /// The last certificate presented.
    pub fn top(&self) -> &CertificateDer<'static> {
        self.certs.last().expect("a chain has a certificate")
    }

    /// The thumbprint IAM pins: SHA-1 of the top certificate.
    pub fn top_thumbprint(&self) -> String {
        super::sha1_hex(self.top())
    }

    /// The whole chain as PEM blocks, in presented order.
    pub fn pem(&self) -> String {
        self.certs.iter().map(pem).collect()
    }
}

/// A root, an intermediate and a leaf valid for localhost, 127.0.0.1 and ::1.
pub struct Pki {
    pub root: Authority,
    pub intermediate: Authority,
    pub leaf: CertificateDer<'static>,
    leaf_seed: u8,
}

impl Pki {
    /// A PKI named `label` whose keys come from `seed`, `seed + 1` and `seed + 2`.
    pub fn new(label: &str, seed: u8) -> Pki {
        Pki::with_validity(label, seed, CURRENT)
    }

    /// The same with every certificate valid only during `validity`.
    pub fn with_validity(label: &str, seed: u8, validity: Validity) -> Pki {
        let root = Authority::root(&format!("{label} Root CA"), seed, validity);
        let intermediate =
            root.intermediate(&format!("{label} Intermediate CA"), seed + 1, validity);
        let (leaf, _) = intermediate.leaf(&format!("{label} server"), seed + 2, validity);
        Pki {
            root,
            intermediate,
            leaf,
            leaf_seed: seed + 2,
        }
    }

    /// Leaf, intermediate and root: the root is the top certificate.
    pub fn chain_with_root(&self) -> Chain {
        Chain::new(
            vec![
                self.leaf.clone(),
                self.intermediate.cert.clone(),
                self.root.cert.clone(),
            ],
            self.leaf_seed,
        )
    }

    /// Leaf and intermediate: the intermediate is the top certificate.
    pub fn chain_without_root(&self) -> Chain {
        Chain::new(
            vec![self.leaf.clone(), self.intermediate.cert.clone()],
            self.leaf_seed,
        )
    }
}

/// A self-signed server certificate carrying an extension of `padding` bytes: a certificate
/// far larger than any real one.
pub fn oversized(common_name: &str, seed: u8, padding: usize) -> Chain {
    let mut params = params(common_name, LEAF_NAMES, seed, CURRENT);
    // A private-enterprise OID, outside every registered arc a verifier would act on.
    let padding = rcgen::CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 4, 1, 32473, 1],
        vec![0x5a; padding],
    );
    params.custom_extensions.push(padding);
    let key = fixed_key(seed);
    let cert = params.self_signed(&key).expect("self-signs").der().clone();
    Chain::new(vec![cert], seed)
}

/// A lone self-signed server certificate valid for the test names.
pub fn self_signed(common_name: &str, seed: u8, validity: Validity) -> Chain {
    let params = params(common_name, LEAF_NAMES, seed, validity);
    let key = fixed_key(seed);
    let cert = params.self_signed(&key).expect("self-signs").der().clone();
    Chain::new(vec![cert], seed)
}
