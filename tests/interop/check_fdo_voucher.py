#!/usr/bin/python3
"""Independent check (cbor2 + cryptography, nothing shared with iotonb): every FDO 1.1 ownership
voucher in FILE (protocol version 101) is internally consistent. FILE is PEM (any number of
`OWNERSHIP VOUCHER` blocks; other blocks, such as a trailing private key, are ignored) or one
raw CBOR voucher.
Checked: the protocol version in the voucher and in OVHeader (FDO 1.0, version 100, is named and
rejected), the shape of every field, OVDevCertChainHash = Hash(DER1 || DER2 || ...), and for
every OVEntry (a tagged COSE_Sign1): its signature (entry 0 by OVPubKey, entry i by entry i-1's
OVEPubKey; ES256/ES384/RS256/RS384/PS256/PS384), OVEHashPrevEntry (entry 0: Hash(OVHeader bytes
|| OVHeaderHMac as on the wire); entry i: Hash(entry i-1 as on the wire, tag 18 included)),
OVEHashHdrInfo = Hash(GUID || DeviceInfo), and that OVEPubKey has OVPubKey's pkType and size.
Hash and HMAC algorithms are read from each value. With a device secret, OVHeaderHMac is
checked; with --manufacturer / --owner, OVPubKey / the current owner key (the last OVEPubKey,
or OVPubKey when there are no entries) must be that key (compared as SubjectPublicKeyInfo DER).
Prints "ok" and exits 0, or prints the reason (prefixed "voucher N:" when FILE holds several)
and exits 1.
Usage: check_fdo_voucher.py FILE [--hmac-secret-file F | --hmac-secret-hex HEX]
                            [--manufacturer PEM] [--owner PEM] [--all] [--verbose]
  --hmac-secret-file F   the device's HMAC secret, raw bytes
  --hmac-secret-hex HEX  the same, as hex
  --manufacturer PEM     certificate, public key or private key that OVPubKey must be
  --owner PEM            certificate, public key or private key of the expected current owner
  --all                  accepted for clarity: every voucher in FILE is always checked
  --verbose              describe each voucher (algorithms, encodings) on stderr"""
import argparse
import base64
import hashlib
import hmac
import io
import re
import sys

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

PROTOCOL_VERSION = 101
HASHES = {-16: ("SHA-256", hashlib.sha256), -43: ("SHA-384", hashlib.sha384)}
HMACS = {5: ("HMAC-SHA256", hashlib.sha256), 6: ("HMAC-SHA384", hashlib.sha384)}
PK_TYPES = {1: "RSA2048RESTR", 5: "RSAPKCS", 6: "RSAPSS", 10: "SECP256R1", 11: "SECP384R1"}
PK_ENCODINGS = {0: "Crypto", 1: "X509", 2: "X5CHAIN", 3: "COSEKEY"}
EC_PK_TYPES = {10: ec.SECP256R1, 11: ec.SECP384R1}
COSE_CURVES = {1: ec.SECP256R1, 2: ec.SECP384R1}
# COSE alg -> (name, hash, scheme). FDO ties the scheme to the signer's pkType: ECDSA to the
# pkType's curve, PKCS#1 v1.5 to RSA2048RESTR/RSAPKCS, PSS to RSAPSS.
SIGNATURE_ALGORITHMS = {
    -7: ("ES256", hashes.SHA256, "ecdsa"),
    -35: ("ES384", hashes.SHA384, "ecdsa"),
    -257: ("RS256", hashes.SHA256, "pkcs1"),
    -258: ("RS384", hashes.SHA384, "pkcs1"),
    -37: ("PS256", hashes.SHA256, "pss"),
    -38: ("PS384", hashes.SHA384, "pss"),
}
ECDSA_CURVES = {-7: ec.SECP256R1, -35: ec.SECP384R1}
SCHEME_PK_TYPES = {"pkcs1": (1, 5), "pss": (6,)}
BREAK = 0xFF
MAX_DEPTH = 64
PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
VOUCHER_LABEL = b"OWNERSHIP VOUCHER"


class Fail(Exception):
    pass


def is_int(value):
    return type(value) is int  # bool is an int subclass, and True must not pass as 1


# --- Raw CBOR item boundaries -------------------------------------------------------------
# Hash links and signatures cover bytes exactly as they are on the wire. cbor2 re-encodes in
# preferred form, which would hide (or invent) a mismatch for an encoder that used longer
# heads or indefinite lengths, so items are located by walking their heads instead.

def _head(data, pos):
    """(major type, argument or None for indefinite length, offset after the head)."""
    if pos >= len(data):
        raise Fail(f"CBOR ends at offset {pos} inside an item")
    major, info = data[pos] >> 5, data[pos] & 0x1F
    if info < 24:
        return major, info, pos + 1
    if info <= 27:
        size = 1 << (info - 24)
        if pos + 1 + size > len(data):
            raise Fail(f"CBOR ends inside the head at offset {pos}")
        return major, int.from_bytes(data[pos + 1:pos + 1 + size], "big"), pos + 1 + size
    if info == 31 and major in (2, 3, 4, 5, 7):
        return major, None, pos + 1
    raise Fail(f"malformed CBOR head 0x{data[pos]:02x} at offset {pos}")


def _at_break(data, pos):
    if pos >= len(data):
        raise Fail("CBOR ends inside an indefinite-length item")
    return data[pos] == BREAK


def item_end(data, pos, depth=0):
    """Offset just past the CBOR item that starts at pos."""
    if depth > MAX_DEPTH:
        raise Fail("CBOR nested too deeply")
    start = pos
    major, arg, pos = _head(data, pos)
    if major in (0, 1):
        return pos
    if major in (2, 3):
        if arg is None:
            # An indefinite string is definite chunks of its own major type, then a break.
            while not _at_break(data, pos):
                chunk_major, chunk_len, pos = _head(data, pos)
                if chunk_major != major or chunk_len is None:
                    raise Fail(f"bad chunk in the indefinite-length string at offset {start}")
                pos += chunk_len
            return pos + 1
        pos += arg
    elif major in (4, 5):
        per_entry = 1 if major == 4 else 2
        if arg is None:
            while not _at_break(data, pos):
                for _ in range(per_entry):
                    pos = item_end(data, pos, depth + 1)
            return pos + 1
        for _ in range(arg * per_entry):
            pos = item_end(data, pos, depth + 1)
    elif major == 6:
        pos = item_end(data, pos, depth + 1)
    elif arg is None:  # major 7 with info 31: a break with no indefinite item open
        raise Fail(f"unexpected CBOR break at offset {start}")
    if pos > len(data):
        raise Fail(f"CBOR item at offset {start} runs past the end of the data")
    return pos


def array_spans(data, start, what):
    """[(begin, end)] of each item of the array at data[start], as on the wire."""
    major, count, pos = _head(data, start)
    if major != 4:
        raise Fail(f"{what} is not a CBOR array")
    spans = []
    while (not _at_break(data, pos)) if count is None else len(spans) < count:
        end = item_end(data, pos, 1)
        spans.append((pos, end))
        pos = end
    return spans


def decode_exactly(data, what):
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as e:  # cbor2 raises several types for malformed input
        raise Fail(f"{what} is not CBOR: {e}")
    if stream.tell() != len(data):
        raise Fail(f"{what} has {len(data) - stream.tell()} trailing bytes")
    return item


# --- FDO values ---------------------------------------------------------------------------

def check_hash(value, data, what, table=HASHES, key=None):
    """Checks a Hash or HMac [type, bytes] against data; returns the algorithm's name."""
    if not isinstance(value, list) or len(value) != 2 or not is_int(value[0]) \
            or not isinstance(value[1], bytes):
        raise Fail(f"{what} is not [type, bstr]")
    if value[0] not in table:
        raise Fail(f"{what} has unsupported algorithm {value[0]}")
    name, hash_function = table[value[0]]
    if len(value[1]) != hash_function().digest_size:
        raise Fail(f"{what} ({name}) is {len(value[1])} octets")
    if data is not None:
        expected = hmac.new(key, data, hash_function).digest() if key is not None \
            else hash_function(data).digest()
        if not hmac.compare_digest(expected, value[1]):
            raise Fail(f"{what} ({name}) does not match")
    return name


def spki(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_certificate(der, what):
    if not isinstance(der, bytes):
        raise Fail(f"{what} is not a bstr")
    try:
        return x509.load_der_x509_certificate(der)
    except Exception as e:
        raise Fail(f"{what} is not a DER certificate: {e}")


def cose_key(body, what):
    # COSE_Key (RFC 9052 7, RFC 9053 7.1 / RFC 8230 4): kty 1, crv -1, x -2, y -3; RSA n -1, e -2.
    if not isinstance(body, dict):
        raise Fail(f"{what}: COSEKEY body is not a map")
    kty = body.get(1)
    try:
        if kty == 2:
            curve = COSE_CURVES.get(body.get(-1))
            if curve is None:
                raise Fail(f"{what}: unsupported COSE_Key crv {body.get(-1)!r}")
            size = (curve.key_size + 7) // 8
            x, y = body.get(-2), body.get(-3)
            if not isinstance(x, bytes) or not isinstance(y, bytes) or len(x) != size or len(y) != size:
                raise Fail(f"{what}: COSE_Key x/y must be {size}-octet bstrs (no point compression)")
            return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                                 curve()).public_key()
        if kty == 3:
            n, e = body.get(-1), body.get(-2)
            if not isinstance(n, bytes) or not isinstance(e, bytes):
                raise Fail(f"{what}: COSE_Key RSA n/e must be bstrs")
            return rsa.RSAPublicNumbers(int.from_bytes(e, "big"), int.from_bytes(n, "big")).public_key()
    except ValueError as e:  # not a point on the curve, or an RSA key cryptography rejects
        raise Fail(f"{what}: bad COSE_Key: {e}")
    raise Fail(f"{what}: unsupported COSE_Key kty {kty!r}")


def public_key(value, what):
    """Parses an FDO PublicKey [pkType, pkEnc, pkBody]; returns (pkType, pkEnc, key)."""
    if not isinstance(value, list) or len(value) != 3:
        raise Fail(f"{what} is not [pkType, pkEnc, pkBody]")
    pk_type, pk_enc, body = value
    if pk_type not in PK_TYPES or not is_int(pk_type):
        raise Fail(f"{what} has unsupported pkType {pk_type!r}")
    if pk_enc not in PK_ENCODINGS or not is_int(pk_enc):
        raise Fail(f"{what} has unknown pkEnc {pk_enc!r}")
    if pk_enc == 1:
        if not isinstance(body, bytes):
            raise Fail(f"{what}: X509 body is not a bstr")
        try:
            key = serialization.load_der_public_key(body)
        except Exception as e:
            raise Fail(f"{what}: X509 body is not a SubjectPublicKeyInfo: {e}")
    elif pk_enc == 2:
        if not isinstance(body, list) or not body:
            raise Fail(f"{what}: X5CHAIN body is not a non-empty array")
        certificates = [load_certificate(der, f"{what} X5CHAIN[{i}]") for i, der in enumerate(body)]
        key = certificates[0].public_key()  # leaf first
    elif pk_enc == 3:
        key = cose_key(body, what)
    else:
        # FDO 1.1 keeps pkEnc 0 for schemes with their own encoding (Intel EPID): none signs
        # a voucher.
        raise Fail(f"{what}: pkEnc 0 (Crypto) carries no signature key")

    if pk_type in EC_PK_TYPES:
        curve = EC_PK_TYPES[pk_type]
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, curve):
            raise Fail(f"{what}: pkType {PK_TYPES[pk_type]} but the key is not {curve.name}")
    else:
        if not isinstance(key, rsa.RSAPublicKey):
            raise Fail(f"{what}: pkType {PK_TYPES[pk_type]} but the key is not RSA")
        if pk_type == 1 and key.key_size != 2048:
            raise Fail(f"{what}: RSA2048RESTR key is {key.key_size} bits")
    return pk_type, pk_enc, key


def key_summary(pk):
    pk_type, pk_enc, key = pk
    size = f" {key.key_size}" if isinstance(key, rsa.RSAPublicKey) else ""
    return f"{PK_TYPES[pk_type]}{size}/{PK_ENCODINGS[pk_enc]}"


def verify_sign1(protected, payload, signature, alg, signer, what):
    pk_type, _, key = signer
    name, hash_class, scheme = SIGNATURE_ALGORITHMS[alg]
    # RFC 9052 4.4 Sig_structure, external_aad empty; protected and payload as on the wire.
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    if scheme == "ecdsa":
        curve = ECDSA_CURVES[alg]
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, curve):
            raise Fail(f"{what}: {name} needs a {curve.name} signer, got {PK_TYPES[pk_type]}")
        size = (curve.key_size + 7) // 8
        if len(signature) != 2 * size:
            raise Fail(f"{what}: {name} signature is {len(signature)} octets, expected {2 * size}")
        # COSE carries raw r||s (RFC 9053 2.1); cryptography wants DER.
        der = encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                   int.from_bytes(signature[size:], "big"))
        verify = lambda: key.verify(der, to_be_signed, ec.ECDSA(hash_class()))
    else:
        if pk_type not in SCHEME_PK_TYPES[scheme]:
            raise Fail(f"{what}: {name} does not go with the signer's pkType {PK_TYPES[pk_type]}")
        # RFC 8230 2: PSS uses MGF1 with the same hash and a salt as long as the hash.
        pad = padding.PKCS1v15() if scheme == "pkcs1" else \
            padding.PSS(mgf=padding.MGF1(hash_class()), salt_length=hash_class.digest_size)
        verify = lambda: key.verify(signature, to_be_signed, pad, hash_class())
    try:
        verify()
    except InvalidSignature:
        raise Fail(f"{what}: signature does not verify ({name})")
    return name


def check_rvinfo(rvinfo):
    # RendezvousInfo = [+ [+ [RVVariable, ? RVValue: bstr .cbor any]]]; FDO 1.0 had plain values.
    if not isinstance(rvinfo, list) or not rvinfo:
        raise Fail("OVRVInfo is not a non-empty array of directives")
    for d, directive in enumerate(rvinfo):
        if not isinstance(directive, list) or not directive:
            raise Fail(f"OVRVInfo directive {d} is not a non-empty array")
        for instruction in directive:
            if not isinstance(instruction, list) or len(instruction) not in (1, 2) \
                    or not is_int(instruction[0]) or instruction[0] < 0:
                raise Fail(f"OVRVInfo directive {d}: {instruction!r} is not [RVVariable, ? RVValue]")
            if len(instruction) == 2:
                if not isinstance(instruction[1], bytes):
                    raise Fail(f"OVRVInfo directive {d}: variable {instruction[0]}'s value is not a "
                               "bstr-wrapped CBOR item")
                decode_exactly(instruction[1], f"OVRVInfo directive {d} variable {instruction[0]}")


def check_extra(extra, what):
    # OVEExtra = null / bstr .cbor {+ int => bstr}
    if extra is None:
        return "null"
    if not isinstance(extra, bytes):
        raise Fail(f"{what}: OVEExtra is neither null nor a bstr")
    fields = decode_exactly(extra, f"{what} OVEExtra")
    if not isinstance(fields, dict) or \
            not all(is_int(k) and isinstance(v, bytes) for k, v in fields.items()):
        raise Fail(f"{what}: OVEExtra is not a map of int => bstr")
    return f"{{{', '.join(str(k) for k in fields)}}}"


def check_voucher(blob, secret, manufacturer, owner, log):
    if not blob:
        raise Fail("voucher is empty")
    end = item_end(blob, 0)
    if end != len(blob):
        raise Fail(f"voucher has {len(blob) - end} trailing bytes")
    spans = array_spans(blob, 0, "voucher")
    item = [decode_exactly(blob[b:e], f"voucher item {i}") for i, (b, e) in enumerate(spans)]

    # FDO 1.0 has no outer version: [OVHeader (not wrapped, OVHProtVer 100), HMac, chain, entries].
    if len(item) == 4 and isinstance(item[0], list) and item[0] and item[0][0] == 100:
        raise Fail("unsupported protocol version 100 (FDO 1.0 layout: a 4-item voucher whose "
                   "OVHeader is not bstr-wrapped)")
    if len(item) != 5:
        raise Fail(f"voucher is an array of {len(item)} items, expected 5")
    version, header_bstr, header_hmac, chain, entries = item
    if not is_int(version):
        raise Fail(f"voucher protocol version {version!r} is not an integer")
    if version != PROTOCOL_VERSION:
        raise Fail(f"unsupported protocol version {version}")

    if not isinstance(header_bstr, bytes):
        raise Fail("OVHeaderTag is not a bstr")
    header = decode_exactly(header_bstr, "OVHeader")
    if not isinstance(header, list) or len(header) != 6:
        raise Fail("OVHeader is not an array of 6 items")
    h_version, guid, rvinfo, device_info, ov_pubkey, chain_hash = header
    if h_version != PROTOCOL_VERSION or not is_int(h_version):
        raise Fail(f"OVHeader: unsupported protocol version {h_version!r}")
    if not isinstance(guid, bytes) or len(guid) != 16:
        raise Fail("OVGuid is not a 16-octet bstr")
    check_rvinfo(rvinfo)
    if not isinstance(device_info, str):
        raise Fail("OVDeviceInfo is not a tstr")
    manufacturer_key = public_key(ov_pubkey, "OVPubKey")

    hmac_name = check_hash(header_hmac, header_bstr if secret is not None else None,
                           "OVHeaderHMac", HMACS, secret)

    if chain is None:
        if chain_hash is not None:
            raise Fail("device certificate chain hash is present but OVDevCertChain is null")
        chain_desc = "no device chain"
    else:
        if not isinstance(chain, list) or not chain:
            raise Fail("OVDevCertChain is neither null nor a non-empty array")
        for i, der in enumerate(chain):
            load_certificate(der, f"OVDevCertChain[{i}]")
        if chain_hash is None:
            raise Fail("device certificate chain hash is null but OVDevCertChain is present")
        name = check_hash(chain_hash, b"".join(chain), "device certificate chain hash")
        chain_desc = f"device chain of {len(chain)} certificates, hash {name}"

    if not isinstance(entries, list):
        raise Fail("OVEntries is not an array")
    hmac_desc = hmac_name + (" (checked)" if secret is not None else " (no secret)")
    log(f"GUID {guid.hex()}, DeviceInfo {device_info!r}, {len(rvinfo)} RV directive(s), "
        f"OVPubKey {key_summary(manufacturer_key)}, {hmac_desc}, {chain_desc}, {len(entries)} entries")

    entry_spans = array_spans(blob, spans[4][0], "OVEntries")
    if len(entry_spans) != len(entries):  # a bug in one of the two readers, not in the voucher
        raise Fail(f"the item scanner found {len(entry_spans)} entries, cbor2 {len(entries)}")
    # Entry 0 chains to the header: its bytes followed by OVHeaderHMac exactly as encoded.
    previous_bytes = header_bstr + blob[spans[2][0]:spans[2][1]]
    previous_desc = "OVHeader || OVHeaderHMac"
    hdr_info = guid + device_info.encode("utf-8")
    signer, signer_desc = manufacturer_key, "OVPubKey"
    for i, (begin, end) in enumerate(entry_spans):
        what = f"entry {i}"
        raw = blob[begin:end]
        entry = entries[i]
        if not isinstance(entry, cbor2.CBORTag) or entry.tag != 18:
            raise Fail(f"{what} is not a tagged COSE_Sign1 (tag 18)")
        if not isinstance(entry.value, list) or len(entry.value) != 4:
            raise Fail(f"{what}: COSE_Sign1 is not an array of 4 items")
        protected, unprotected, payload, signature = entry.value
        if not isinstance(protected, bytes) or not protected:
            raise Fail(f"{what}: protected header is not a non-empty bstr")
        header_map = decode_exactly(protected, f"{what} protected header")
        if not isinstance(header_map, dict) or not isinstance(unprotected, dict):
            raise Fail(f"{what}: a header bucket is not a map")
        alg = header_map.get(1)
        if alg not in SIGNATURE_ALGORITHMS or not is_int(alg):
            raise Fail(f"{what}: unsupported or missing protected alg {alg!r}")
        if not isinstance(payload, bytes) or not isinstance(signature, bytes):
            raise Fail(f"{what}: payload or signature is not a bstr (detached payloads do not apply)")
        alg_name = verify_sign1(protected, payload, signature, alg, signer, f"{what} signature")

        body = decode_exactly(payload, f"{what} payload")
        if not isinstance(body, list) or len(body) != 4:
            count = len(body) if isinstance(body, list) else "not an array"
            raise Fail(f"{what}: OVEntryPayload has {count} items, expected 4 "
                       "[HashPrevEntry, HashHdrInfo, Extra, PubKey]")
        prev_hash, hdr_hash, extra, entry_pubkey = body
        prev_name = check_hash(prev_hash, previous_bytes, f"{what} OVEHashPrevEntry over {previous_desc}")
        hdr_name = check_hash(hdr_hash, hdr_info, f"{what} OVEHashHdrInfo over GUID || DeviceInfo")
        extra_desc = check_extra(extra, what)
        next_key = public_key(entry_pubkey, f"{what} OVEPubKey")
        if next_key[0] != manufacturer_key[0]:
            raise Fail(f"{what}: OVEPubKey pkType {PK_TYPES[next_key[0]]} differs from OVPubKey's "
                       f"{PK_TYPES[manufacturer_key[0]]}")
        bits, manufacturer_bits = next_key[2].key_size, manufacturer_key[2].key_size
        if bits != manufacturer_bits:  # the curve already follows from pkType; this is for RSA
            raise Fail(f"{what}: OVEPubKey is RSA-{bits}, OVPubKey RSA-{manufacturer_bits}")
        log(f"  entry {i}: {alg_name} by {signer_desc}, HashPrevEntry {prev_name}, HashHdrInfo "
            f"{hdr_name}, Extra {extra_desc}, OVEPubKey {key_summary(next_key)}"
            f"{' (unprotected ' + repr(sorted(unprotected)) + ')' if unprotected else ''}")
        previous_bytes, previous_desc = raw, f"entry {i}"
        signer, signer_desc = next_key, f"entry {i}'s OVEPubKey"

    if manufacturer is not None and spki(manufacturer) != spki(manufacturer_key[2]):
        raise Fail("manufacturer key does not match OVPubKey")
    if owner is not None and spki(owner) != spki(signer[2]):
        current = "the last OVEPubKey" if entry_spans else "OVPubKey (no entries)"
        raise Fail(f"owner key does not match {current}")


def read_vouchers(data):
    # A raw voucher starts with an array head (major type 4, 0x80-0x9f); PEM text, with or
    # without explanatory text before it, cannot start with such a byte.
    if data and data[0] >> 5 == 4:
        return [data]
    blocks = [body for label, body in PEM_BLOCK.findall(data) if label == VOUCHER_LABEL]
    if data.count(b"-----BEGIN " + VOUCHER_LABEL + b"-----") != len(blocks):
        raise Fail("an OWNERSHIP VOUCHER PEM block has no matching END line")
    if not blocks:
        raise Fail("neither an OWNERSHIP VOUCHER PEM block nor a raw CBOR array")
    try:
        return [base64.b64decode(b"".join(body.split()), validate=True) for body in blocks]
    except ValueError as e:
        raise Fail(f"bad base64 in an OWNERSHIP VOUCHER block: {e}")


def load_key(path):
    """The public key of the first certificate, public key or private key block in path."""
    with open(path, "rb") as f:
        data = f.read()
    blocks = [m.group(0) for m in PEM_BLOCK.finditer(data)] or [data]
    for block in blocks:
        for load in (lambda d: x509.load_pem_x509_certificate(d).public_key(),
                     serialization.load_pem_public_key,
                     lambda d: serialization.load_pem_private_key(d, None).public_key()):
            try:
                return load(block)
            except Exception:
                continue
    raise Fail(f"{path}: no certificate, public key or private key")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    secret_group = parser.add_mutually_exclusive_group()
    secret_group.add_argument("--hmac-secret-file", help="device HMAC secret, raw bytes")
    secret_group.add_argument("--hmac-secret-hex", help="device HMAC secret, hex")
    parser.add_argument("--manufacturer", help="PEM certificate or key that OVPubKey must be")
    parser.add_argument("--owner", help="PEM certificate or key of the expected current owner")
    parser.add_argument("--all", action="store_true", help="check every voucher (always done)")
    parser.add_argument("--verbose", action="store_true", help="describe each voucher on stderr")
    args = parser.parse_args()
    try:
        secret = None
        if args.hmac_secret_file is not None:
            with open(args.hmac_secret_file, "rb") as f:
                secret = f.read()
        elif args.hmac_secret_hex is not None:
            secret = bytes.fromhex(args.hmac_secret_hex)
        manufacturer = load_key(args.manufacturer) if args.manufacturer else None
        owner = load_key(args.owner) if args.owner else None
        with open(args.file, "rb") as f:
            vouchers = read_vouchers(f.read())
    except (Fail, OSError, ValueError) as e:
        print(f"{args.file}: {e}")
        return 1

    failed = False
    for n, blob in enumerate(vouchers):
        prefix = f"voucher {n}: " if len(vouchers) > 1 else ""
        def log(line, prefix=prefix):
            if args.verbose:
                print(f"{prefix}{line}", file=sys.stderr)
        try:
            check_voucher(blob, secret, manufacturer, owner, log)
        except Fail as e:
            print(f"{args.file}: {prefix}{e}")
            failed = True
    if failed:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
