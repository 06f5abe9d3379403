#!/usr/bin/python3
"""Independent check (asn1crypto): the certificate's extendedKeyUsage holds exactly the
given OIDs, in that order, and is not CA. Used for the registrar profile (id-kp-cmcRA
1.3.6.1.5.5.7.3.28 + serverAuth + clientAuth, RFC 8995 2.5.3).
Usage: check_eku.py CERT [OID...] (no OID: no extendedKeyUsage at all)"""
import sys

from asn1crypto import pem, x509


def main(path, expected):
    with open(path, "rb") as f:
        data = f.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    cert = x509.Certificate.load(data)
    errors = []
    eku = cert.extended_key_usage_value
    got = [o.dotted for o in eku] if eku is not None else []
    if got != expected:
        errors.append(f"extendedKeyUsage is {got}, expected {expected}")
    if cert.ca:
        errors.append("is a CA certificate")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_eku.py CERT OID...")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
