#!/usr/bin/python3
"""Independent check (asn1crypto + cryptography) of a CMS SignedData that iotonb wrote, for
the signatures `openssl cms` 3.0 cannot check (Ed25519, RFC 8419): exactly one SignerInfo;
signed attributes with contentType equal to eContentType and messageDigest equal to the
digest of the content (or of DETACHED); the signature over the DER signed attributes
(RFC 5652 5.4) verifies with the key of the embedded certificate the sid names. Trust
chains are not checked here. Prints the eContent's length on success.
Usage: check_cms.py CMS_DER [DETACHED_CONTENT]"""
import hashlib
import sys

from asn1crypto import cms
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509 import load_der_x509_certificate

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def find_signer(signed_data, sid):
    for choice in signed_data["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def check(data, detached):
    errors = []
    info = cms.ContentInfo.load(data)
    if info["content_type"].native != "signed_data":
        return [f"content type is {info['content_type'].native}, not signed_data"]
    sd = info["content"]
    if len(sd["signer_infos"]) != 1:
        return [f"{len(sd['signer_infos'])} SignerInfos, expected 1"]
    si = sd["signer_infos"][0]
    econtent_type = sd["encap_content_info"]["content_type"].dotted
    content = sd["encap_content_info"]["content"].native
    if content is None:
        content = detached
    elif detached is not None:
        errors.append("content is both embedded and detached")
    if content is None:
        return errors + ["no content to check"]
    digest_name = si["digest_algorithm"]["algorithm"].native
    if digest_name not in HASHES:
        return errors + [f"digest algorithm {digest_name} not expected"]
    attrs = {a["type"].native: a["values"] for a in si["signed_attrs"]}
    if attrs.get("content_type") is None or attrs["content_type"][0].dotted != econtent_type:
        errors.append("contentType attribute missing or different from eContentType")
    digest = hashlib.new(digest_name, content).digest()
    if attrs.get("message_digest") is None or attrs["message_digest"][0].native != digest:
        errors.append("messageDigest does not match the content")
    cert = find_signer(sd, si["sid"])
    if cert is None:
        return errors + ["signer certificate not embedded"]
    key = load_der_x509_certificate(cert.dump()).public_key()
    # The signature covers the signed attributes with an explicit SET OF tag (RFC 5652 5.4).
    signed = b"\x31" + si["signed_attrs"].dump()[1:]
    signature = si["signature"].native
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            if si["signature_algorithm"]["algorithm"].dotted != "1.3.101.112":
                errors.append("Ed25519 signer without id-Ed25519 signatureAlgorithm")
            if digest_name != "sha512":
                errors.append("Ed25519 signer without SHA-512 (RFC 8419 3.1)")
            key.verify(signature, signed)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(HASHES[digest_name]()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), HASHES[digest_name]())
        else:
            errors.append(f"unexpected key type {type(key).__name__}")
    except InvalidSignature:
        errors.append("signature does not verify")
    if not errors:
        print(len(content))
    return errors


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit("usage: check_cms.py CMS_DER [DETACHED_CONTENT]")
    with open(argv[1], "rb") as f:
        data = f.read()
    detached = None
    if len(argv) == 3:
        with open(argv[2], "rb") as f:
            detached = f.read()
    errors = check(data, detached)
    for e in errors:
        print(f"{argv[1]}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
