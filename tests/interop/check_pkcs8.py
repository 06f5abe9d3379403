#!/usr/bin/python3
"""Independent check (asn1crypto) that a key file is an encrypted PKCS#8 key as iotonb
promises (lib/pki/key.h, RFC 5958 3 and RFC 8018): ENCRYPTED PRIVATE KEY PEM holding an
EncryptedPrivateKeyInfo with PBES2, PBKDF2 with HMAC-SHA256 and a salt of at least 8 octets
and at least 2048 iterations, and AES-256-CBC with a 16-octet IV.
Exit status 0 when it is, 1 with one line per problem otherwise."""
import sys

from asn1crypto import keys, pem

PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
HMAC_SHA256 = "1.2.840.113549.2.9"
AES256_CBC = "2.16.840.1.101.3.4.1.42"


def check(data):
    if not pem.detect(data):
        return ["not PEM"]
    label, _, der = pem.unarmor(data)
    if label != "ENCRYPTED PRIVATE KEY":
        return [f"PEM label is {label!r}, expected 'ENCRYPTED PRIVATE KEY'"]
    errors = []
    info = keys.EncryptedPrivateKeyInfo.load(der, strict=True)
    alg = info["encryption_algorithm"]
    if alg["algorithm"].dotted != PBES2:
        return [f"encryption algorithm is {alg['algorithm'].native} ({alg['algorithm'].dotted}), expected PBES2"]
    params = alg["parameters"]
    kdf = params["key_derivation_func"]
    if kdf["algorithm"].dotted != PBKDF2:
        errors.append(f"KDF is {kdf['algorithm'].dotted}, expected PBKDF2")
    else:
        kp = kdf["parameters"]
        salt = kp["salt"].native
        if not isinstance(salt, bytes) or len(salt) < 8:
            errors.append(f"PBKDF2 salt {salt!r} is shorter than 8 octets")
        if kp["iteration_count"].native < 2048:
            errors.append(f"PBKDF2 iteration count {kp['iteration_count'].native} < 2048")
        prf = kp["prf"]["algorithm"]
        if prf.dotted != HMAC_SHA256:
            errors.append(f"PBKDF2 PRF is {prf.native} ({prf.dotted}), expected hmacWithSHA256")
    enc = params["encryption_scheme"]
    if enc["algorithm"].dotted != AES256_CBC:
        errors.append(f"cipher is {enc['algorithm'].native} ({enc['algorithm'].dotted}), expected aes256_cbc")
    elif len(enc["parameters"].native) != 16:
        errors.append("AES-256-CBC IV is not 16 octets")
    if len(info["encrypted_data"].native) % 16 != 0:
        errors.append("encrypted data is not a whole number of AES blocks")
    return errors


def main(path):
    with open(path, "rb") as f:
        errors = check(f.read())
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_pkcs8.py KEY.pem")
    sys.exit(main(sys.argv[1]))
