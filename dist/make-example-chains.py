#!/usr/bin/env python3
"""Writes the saved chains under examples/chains: synthetic certificate chains for the
example hosts, in presented order (leaf first), so the examples run offline anywhere.

Each run makes new keys, so the thumbprints change: the script prints the new top
thumbprints for the example files. Needs the `cryptography` package.
"""
import datetime
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

OUT = pathlib.Path(__file__).resolve().parent.parent / "examples" / "chains"


def name(common, org):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def cert(subject, subject_key, issuer, issuer_key, start, end, ca, dns=None):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def day(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


def chain(host, org, root_dates, intermediate_dates, leaf_dates, with_root):
    root_key, inter_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root_name = name(f"{org} Root CA", org)
    inter_name = name(f"{org} Issuing CA 1", org)
    root = cert(root_name, root_key, root_name, root_key, *map(day, root_dates), True)
    inter = cert(inter_name, inter_key, root_name, root_key, *map(day, intermediate_dates), True)
    leaf = cert(name(host, org), leaf_key, inter_name, inter_key, *map(day, leaf_dates), False, host)
    presented = [leaf, inter] + ([root] if with_root else [])
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in presented)
    (OUT / f"{host}.pem").write_bytes(pem)
    top = presented[-1].fingerprint(hashes.SHA1()).hex()
    leaf_print = leaf.fingerprint(hashes.SHA1()).hex()
    print(f"{host}: top {top} leaf {leaf_print}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    # A provider in good health: the root is presented and far from expiry.
    chain("login.example.com", "Example Trust Services",
          ("2020-01-01", "2099-12-31"), ("2020-01-01", "2090-12-31"), ("2026-01-01", "2098-01-01"), True)
    # A provider whose JWKS lives on another host, behind an intermediate-topped chain.
    chain("keys.example.net", "Example Keys Authority",
          ("2021-01-01", "2099-12-31"), ("2021-01-01", "2095-12-31"), ("2026-01-01", "2097-01-01"), False)
    chain("sso.example.net", "Example Keys Authority",
          ("2021-01-01", "2099-12-31"), ("2021-01-01", "2095-12-31"), ("2026-01-01", "2097-01-01"), False)
    # A legacy provider whose top certificate has expired.
    chain("legacy-idp.example.org", "Legacy Example CA",
          ("2005-01-01", "2025-06-30"), ("2005-01-01", "2025-06-30"), ("2024-01-01", "2025-06-30"), True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
