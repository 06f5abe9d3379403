#!/usr/bin/python3
"""Independent check (Python's json and base64, and cryptography) of a JWS that iotonb wrote
(RFC 7515): general JSON serialization (7.2.1); every signature's protected header names a
known alg and carries x5c in standard base64 (4.1.6); the signature over
ASCII(protected "." payload) verifies with the x5c leaf certificate's key, ECDSA signatures
being r||s (RFC 7518 3.4). With EXPECTED_TYP, the header's typ must equal it. Prints the
payload's length on success.
Usage: check_jws.py JWS_FILE [EXPECTED_TYP]"""
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils
from cryptography.x509 import load_der_x509_certificate

HASHES = {"ES256": hashes.SHA256, "ES384": hashes.SHA384, "ES512": hashes.SHA512,
          "RS256": hashes.SHA256, "PS256": hashes.SHA256}


def b64url(text):
    if "=" in text:
        raise ValueError("base64url with padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_signature(entry, payload_b64, expected_typ):
    errors = []
    header = json.loads(b64url(entry["protected"]))
    alg = header.get("alg")
    if expected_typ is not None and header.get("typ") != expected_typ:
        errors.append(f"typ is {header.get('typ')!r}, expected {expected_typ!r}")
    x5c = header.get("x5c")
    if not x5c:
        return errors + ["no x5c in the protected header"]
    leaf = load_der_x509_certificate(base64.b64decode(x5c[0], validate=True))
    key = leaf.public_key()
    signed = (entry["protected"] + "." + payload_b64).encode("ascii")
    signature = b64url(entry["signature"])
    try:
        if alg == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
        elif alg in ("ES256", "ES384", "ES512") and isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return errors + [f"{alg} signature is {len(signature)} octets, expected {2 * size}"]
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(utils.encode_dss_signature(r, s), signed, ec.ECDSA(HASHES[alg]()))
        elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), HASHES[alg]())
        elif alg == "PS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        else:
            errors.append(f"alg {alg!r} does not fit a {type(key).__name__}")
    except InvalidSignature:
        errors.append("signature does not verify")
    return errors


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit("usage: check_jws.py JWS_FILE [EXPECTED_TYP]")
    with open(argv[1], "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    errors = []
    if set(doc) != {"payload", "signatures"}:
        errors.append(f"members are {sorted(doc)}, expected payload and signatures")
    payload = b64url(doc["payload"])
    for i, entry in enumerate(doc.get("signatures", [])):
        errors += [f"signatures[{i}]: {e}" for e in check_signature(entry, doc["payload"], argv[2] if len(argv) == 3 else None)]
    if not doc.get("signatures"):
        errors.append("no signatures")
    for e in errors:
        print(f"{argv[1]}: {e}", file=sys.stderr)
    if not errors:
        print(len(payload))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
