#!/usr/bin/python3
"""Independent Entity Attestation Token checker and maker (cbor2 + cryptography, nothing
shared with iotonb; the COSE_Sign1 signature check is check_cose_sign1.py's).

  check_eat.py verify TOKEN KEY.pem [--nonce HEX] [--hex|--base64]
      TOKEN is a COSE_Sign1 (RFC 9052) whose payload is a CWT/EAT claims map (RFC 8392,
      RFC 9711); the signature must verify with KEY, the claims must have the RFC 9711 types
      (nonce 10 bstr, ueid 256 bstr, dbgstat 263 0..4, swversion 271 [tstr, ?scheme],
      measurements 273 [+ [uint, bstr]], iat/exp/nbf 6/4/5 numbers) and, with --nonce, nonce
      must equal it. Prints the claims as JSON (int keys as strings, bytes as hex) and exits 0,
      or prints the reason and exits 1.
  check_eat.py make KEY.pem OUT --nonce HEX [--iat SECONDS] [--dbgstat N] [--swversion V]
      Writes a token signed by KEY (ES256, ES384 or EdDSA by the key) with protected {1: alg},
      unprotected {4: b"python"} and claims nonce, ueid, hwmodel, swname, swversion, dbgstat,
      oemboot, iat and one digest measurement in iotonb's documented format (content format
      65000 holding {1: name, 2: digest, 6: alg})."""
import argparse
import base64
import hashlib
import json
import os
import sys

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_cose_sign1 import Fail, check as check_sign1, decode_exactly, load_key  # noqa: E402


def claims_of(data):
    item = decode_exactly(data, "token")
    if isinstance(item, cbor2.CBORTag):
        item = item.value
    claims = decode_exactly(item[2], "payload")
    if not isinstance(claims, dict):
        raise Fail("payload is not a claims map")
    return claims


def check_types(claims, nonce):
    def need(label, ok, what):
        if label in claims and not ok(claims[label]):
            raise Fail(f"claim {label} must be {what}, is {claims[label]!r}")
    need(10, lambda v: isinstance(v, bytes) and 8 <= len(v) <= 64, "a bstr of 8..64 octets")
    need(256, lambda v: isinstance(v, bytes), "a bstr")
    need(263, lambda v: isinstance(v, int) and 0 <= v <= 4, "0..4")
    need(271, lambda v: isinstance(v, list) and 1 <= len(v) <= 2 and isinstance(v[0], str), "[tstr, ?scheme]")
    need(273, lambda v: isinstance(v, list) and all(isinstance(m, list) and len(m) == 2 and isinstance(m[0], int)
                                                     and isinstance(m[1], bytes) for m in v), "[+ [uint, bstr]]")
    for label in (4, 5, 6):
        need(label, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a NumericDate")
    if nonce is not None and claims.get(10) != nonce:
        raise Fail(f"nonce {claims.get(10, b'').hex()} is not {nonce.hex()}")


def plain(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, cbor2.CBORTag):
        return {"tag": v.tag, "value": plain(v.value)}
    return v


def verify(args):
    with open(args.token, "rb") as f:
        data = f.read()
    if args.hex:
        data = bytes.fromhex("".join(data.decode("ascii").split()))
    elif args.base64:
        data = base64.b64decode("".join(data.decode("ascii").split()))
    check_sign1(data, load_key(args.key), b"")
    claims = claims_of(data)
    check_types(claims, bytes.fromhex(args.nonce) if args.nonce else None)
    print(json.dumps(plain(claims), sort_keys=True))


def sign(key, to_be_signed):
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return -8, key.sign(to_be_signed)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        alg, h, size = {"secp256r1": (-7, hashes.SHA256, 32), "secp384r1": (-35, hashes.SHA384, 48)}[key.curve.name]
        r, s = decode_dss_signature(key.sign(to_be_signed, ec.ECDSA(h())))
        return alg, r.to_bytes(size, "big") + s.to_bytes(size, "big")
    raise Fail("the key must be P-256, P-384 or Ed25519")


def make(args):
    with open(args.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    digest = hashlib.sha256(b"python firmware").digest()
    measurement = cbor2.dumps({1: "firmware", 2: digest, 6: "sha-256"})
    claims = {10: bytes.fromhex(args.nonce), 256: bytes.fromhex("01" + "ab" * 32), 259: b"\x01\x02",
              270: "python-os", 271: [args.swversion], 263: args.dbgstat, 262: True, 6: args.iat,
              273: [[65000, measurement]]}
    payload = cbor2.dumps(claims)
    # alg depends on the key; sign once to learn it, then sign the real Sig_structure.
    alg, _ = sign(key, b"probe")
    protected = cbor2.dumps({1: alg})
    _, signature = sign(key, cbor2.dumps(["Signature1", protected, b"", payload]))
    token = cbor2.dumps(cbor2.CBORTag(18, [protected, {4: b"python"}, payload, signature]))
    with open(args.out, "wb") as f:
        f.write(token)
    print(digest.hex())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    v = sub.add_parser("verify")
    v.add_argument("token")
    v.add_argument("key")
    v.add_argument("--nonce")
    v.add_argument("--hex", action="store_true")
    v.add_argument("--base64", action="store_true")
    m = sub.add_parser("make")
    m.add_argument("key")
    m.add_argument("out")
    m.add_argument("--nonce", required=True)
    m.add_argument("--iat", type=int, default=1795773600)
    m.add_argument("--dbgstat", type=int, default=3)
    m.add_argument("--swversion", default="2.0.1")
    args = parser.parse_args()
    try:
        verify(args) if args.mode == "verify" else make(args)
    except (Fail, OSError, ValueError, KeyError) as e:
        print(f"{getattr(args, 'token', getattr(args, 'out', ''))}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
