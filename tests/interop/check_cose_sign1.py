#!/usr/bin/python3
"""Independent check (cbor2 + cryptography, nothing shared with iotonb): FILE holds one
COSE_Sign1 (RFC 9052 4.2; tag 18 or untagged) whose signature verifies with the public key of
PUBKEY_OR_CERT.pem over ["Signature1", protected as on the wire, external_aad, payload]
(RFC 9052 4.4). Algorithms: ES256 (-7, P-256), ES384 (-35, P-384), EdDSA (-8, Ed25519); the
ECDSA signature is raw r||s (RFC 9053 2.1) and is turned into DER for cryptography.
Prints "ok" and exits 0, or prints the reason and exits 1.
Usage: check_cose_sign1.py FILE PUBKEY_OR_CERT.pem [--aad HEX] [--hex]
  --hex   FILE is hex text (whitespace ignored), as the cBRSKI vectors are stored"""
import argparse
import io
import sys

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# COSE alg -> (name, hash, curve class or None for EdDSA, field size in octets)
ALGORITHMS = {
    -7: ("ES256", hashes.SHA256, ec.SECP256R1, 32),
    -35: ("ES384", hashes.SHA384, ec.SECP384R1, 48),
    -8: ("EdDSA", None, None, 32),
}


class Fail(Exception):
    pass


def decode_exactly(data, what):
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as e:  # cbor2 raises several types for malformed input
        raise Fail(f"{what} is not CBOR: {e}")
    if stream.tell() != len(data):
        raise Fail(f"{what} has {len(data) - stream.tell()} trailing bytes")
    return item


def load_key(path):
    with open(path, "rb") as f:
        data = f.read()
    for load in (lambda d: x509.load_pem_x509_certificate(d).public_key(),
                 serialization.load_pem_public_key,
                 lambda d: serialization.load_pem_private_key(d, None).public_key()):
        try:
            return load(data)
        except Exception:
            continue
    raise Fail(f"{path}: no certificate, public key or private key")


def check(data, key, aad):
    item = decode_exactly(data, "message")
    if isinstance(item, cbor2.CBORTag):
        if item.tag != 18:
            raise Fail(f"tag {item.tag} is not COSE_Sign1 (18)")
        item = item.value
    if not isinstance(item, list) or len(item) != 4:
        raise Fail("not an array of 4 items")
    protected, unprotected, payload, signature = item
    if not isinstance(protected, bytes):
        raise Fail("protected header is not a byte string")
    header = decode_exactly(protected, "protected header") if protected else {}
    if not isinstance(header, dict):
        raise Fail("protected header is not a serialized map")
    if not isinstance(unprotected, dict):
        raise Fail("unprotected header is not a map")
    both = set(header) & set(unprotected)
    if both:
        raise Fail(f"labels {sorted(both, key=repr)} are in both header buckets")
    if payload is None:
        raise Fail("detached payload is not supported by this checker")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise Fail("payload or signature is not a byte string")
    alg = header.get(1, unprotected.get(1))
    if alg not in ALGORITHMS or isinstance(alg, bool):
        raise Fail(f"unsupported algorithm {alg!r}")
    name, hash_class, curve_class, size = ALGORITHMS[alg]

    to_be_signed = cbor2.dumps(["Signature1", protected, aad, payload])
    try:
        if curve_class is None:
            if not isinstance(key, ed25519.Ed25519PublicKey):
                raise Fail(f"{name} needs an Ed25519 key")
            key.verify(signature, to_be_signed)
        else:
            if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, curve_class):
                raise Fail(f"{name} needs a {curve_class.name} key")
            if len(signature) != 2 * size:
                raise Fail(f"{name} signature is {len(signature)} octets, expected {2 * size}")
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), to_be_signed, ec.ECDSA(hash_class()))
    except InvalidSignature:
        raise Fail("signature does not verify")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("key")
    parser.add_argument("--aad", default="", help="external AAD in hex")
    parser.add_argument("--hex", action="store_true", help="FILE is hex text")
    args = parser.parse_args()
    try:
        with open(args.file, "rb") as f:
            data = f.read()
        if args.hex:
            data = bytes.fromhex("".join(data.decode("ascii").split()))
        check(data, load_key(args.key), bytes.fromhex(args.aad))
    except (Fail, OSError, ValueError) as e:
        print(f"{args.file}: {e}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
