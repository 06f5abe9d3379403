#!/usr/bin/python3
"""Makes an FDO 1.1 ownership voucher with cbor2 + cryptography alone (nothing shared with
iotonb), so iotonb can be shown to verify vouchers it did not make, in particular RSA ones,
which iotonb verifies but does not make (FDO 1.1 3.3.2: RSA 3072 signs with RS384 or PS384).
Writes into OUT_DIR: voucher.pem (OWNERSHIP VOUCHER block), secret.bin (the device HMAC
secret), manufacturer.pem and owner-N.pem (private keys of OVPubKey and of entry N's
OVEPubKey, PKCS#8 unencrypted: test keys only).
Usage: make_fdo_voucher.py OUT_DIR --key-type rsa3072-pkcs|rsa3072-pss|rsa2048|p384
                           [--entries N] [--sign-as ALG]
  --sign-as ALG  sign every entry with this COSE algorithm name instead of the one the key
                 type calls for (RS384, PS384, RS256, ...): a voucher that must be refused"""
import argparse
import base64
import hashlib
import hmac
import os
import secrets
import sys

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

PROTOCOL_VERSION = 101
# key type -> (pkType, bits or curve, hash type, HMAC type, hashlib digest, COSE alg name)
KEY_TYPES = {
    "rsa2048": (1, 2048, -16, 5, hashlib.sha256, "RS256"),
    "rsa3072-pkcs": (5, 3072, -43, 6, hashlib.sha384, "RS384"),
    "rsa3072-pss": (6, 3072, -43, 6, hashlib.sha384, "PS384"),
    "p384": (11, ec.SECP384R1(), -43, 6, hashlib.sha384, "ES384"),
}
ALGORITHMS = {"ES384": (-35, hashes.SHA384), "RS256": (-257, hashes.SHA256), "RS384": (-258, hashes.SHA384),
              "PS256": (-37, hashes.SHA256), "PS384": (-38, hashes.SHA384)}


def new_key(size):
    if isinstance(size, int):
        return rsa.generate_private_key(public_exponent=65537, key_size=size)
    return ec.generate_private_key(size)


def public_key(pk_type, key):
    # PublicKey = [pkType, pkEnc X509 (1), SubjectPublicKeyInfo DER]
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return [pk_type, 1, spki]


def sign1(key, alg_name, payload):
    alg, hash_class = ALGORITHMS[alg_name]
    protected = cbor2.dumps({1: alg})
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    if alg_name.startswith("ES"):
        r, s = decode_dss_signature(key.sign(to_be_signed, ec.ECDSA(hash_class())))
        size = (key.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    elif alg_name.startswith("PS"):
        # RFC 8230 2: MGF1 with the same hash, a salt as long as the hash.
        pss = padding.PSS(mgf=padding.MGF1(hash_class()), salt_length=hash_class.digest_size)
        signature = key.sign(to_be_signed, pss, hash_class())
    else:
        signature = key.sign(to_be_signed, padding.PKCS1v15(), hash_class())
    return cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature]))


def write_key(path, key):
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--key-type", required=True, choices=sorted(KEY_TYPES))
    parser.add_argument("--entries", type=int, default=2)
    parser.add_argument("--sign-as", choices=sorted(ALGORITHMS))
    args = parser.parse_args()
    pk_type, size, hash_type, hmac_type, digest, alg_name = KEY_TYPES[args.key_type]
    alg_name = args.sign_as or alg_name
    os.makedirs(args.out_dir, exist_ok=True)

    manufacturer = new_key(size)
    write_key(os.path.join(args.out_dir, "manufacturer.pem"), manufacturer)
    guid = secrets.token_bytes(16)
    device_info = "make_fdo_voucher " + args.key_type
    rv_info = [[[5, cbor2.dumps("rv.example.com")], [3, cbor2.dumps(8443)], [12, cbor2.dumps(2)]]]
    header = cbor2.dumps([PROTOCOL_VERSION, guid, rv_info, device_info, public_key(pk_type, manufacturer), None])
    secret = secrets.token_bytes(digest().digest_size)
    with open(os.path.join(args.out_dir, "secret.bin"), "wb") as f:
        f.write(secret)
    header_hmac = [hmac_type, hmac.new(secret, header, digest).digest()]

    entries = []
    previous = digest(header + cbor2.dumps(header_hmac)).digest()
    header_info = digest(guid + device_info.encode()).digest()
    signer = manufacturer
    for n in range(args.entries):
        owner = new_key(size)
        write_key(os.path.join(args.out_dir, f"owner-{n}.pem"), owner)
        payload = cbor2.dumps([[hash_type, previous], [hash_type, header_info], None, public_key(pk_type, owner)])
        entry = sign1(signer, alg_name, payload)
        entries.append(cbor2.CBORTag(18, cbor2.loads(entry).value))
        previous = digest(entry).digest()
        signer = owner

    voucher = cbor2.dumps([PROTOCOL_VERSION, header, header_hmac, None, entries])
    body = base64.encodebytes(voucher).decode().replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    with open(os.path.join(args.out_dir, "voucher.pem"), "w") as f:
        f.write("-----BEGIN OWNERSHIP VOUCHER-----\n" + "\n".join(lines) + "\n-----END OWNERSHIP VOUCHER-----\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
