#!/bin/bash
# Vouchers checked by tools that share no code with iotonb, both ways: openssl cms verifies
# iotonb's CMS vouchers (both eContentTypes) and iotonb verifies vouchers openssl cms signed;
# a checker on Debian's python3-cbor2 + python3-cryptography verifies iotonb's COSE vouchers
# (ES256, ES384, EdDSA); python3-cryptography verifies its JWS vouchers.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$PYTHON3" -c 'import cbor2, cryptography' 2>/dev/null || { echo "FAIL: $PYTHON3 lacks cbor2 or cryptography" >&2; exit 1; }
unsafe=(--no-password --insecure)

"$IOTONB_BIN" ca create --subject CN=Interop-Root --out-cert root.crt --out-key root.key "${unsafe[@]}"
for type in p256 p384 ed25519; do
  "$IOTONB_BIN" ca create --profile masa --subject "CN=MASA $type" --key-type $type --parent-cert root.crt \
    --parent-key root.key --out-cert masa-$type.crt --out-key masa-$type.key "${unsafe[@]}"
done
"$IOTONB_BIN" ca create --profile registrar --subject CN=Registrar --parent-cert root.crt --parent-key root.key \
  --out-cert registrar.crt --out-key registrar.key "${unsafe[@]}"
"$IOTONB_BIN" voucher create --serial SN-0001 --assertion logged --pinned-domain-cert registrar.crt \
  --nonce 00112233445566778899aabbccddeeff -o v.json

# iotonb → openssl cms
for ct in anima id-data; do
  "$IOTONB_BIN" voucher sign v.json --key masa-p256.key --cert masa-p256.crt --form cms --cms-content-type $ct -o v-$ct.cms
  check "openssl cms -verify ($ct)" openssl cms -verify -inform DER -in v-$ct.cms -CAfile root.crt -purpose any -binary -out content-$ct.json
  check_eq "openssl's content is the voucher JSON ($ct)" "$(cat content-$ct.json)" "$(tr -d '\n' <v.json)"
done
check_eq "eContentType anima (openssl cms -print)" \
  "$(openssl cms -cmsout -print -inform DER -in v-anima.cms | grep -m1 eContentType | grep -o '1\.2\.840\.113549\.1\.9\.16\.1\.40')" \
  "1.2.840.113549.1.9.16.1.40"
check_eq "eContentType id-data (openssl cms -print)" \
  "$(openssl cms -cmsout -print -inform DER -in v-id-data.cms | grep -m1 eContentType | sed 's/.*: //')" "pkcs7-data (1.2.840.113549.1.7.1)"
"$IOTONB_BIN" voucher sign v.json --key masa-p384.key --cert masa-p384.crt --form cms -o v-p384.cms
check "openssl cms -verify (P-384)" openssl cms -verify -inform DER -in v-p384.cms -CAfile root.crt -purpose any -binary -out /dev/null

# openssl cms → iotonb
tr -d '\n' <v.json >payload.json
check "openssl cms -sign (id-data)" openssl cms -sign -binary -nodetach -outform DER -in payload.json \
  -signer masa-p256.crt -inkey masa-p256.key -md sha256 -out openssl-data.cms
check "iotonb verifies openssl's CMS voucher (id-data)" "$IOTONB_BIN" voucher verify openssl-data.cms --trust root.crt \
  --serial SN-0001 --nonce 00112233445566778899aabbccddeeff --domain-cert registrar.crt
check "openssl cms -sign (id-ct-animaJSONVoucher)" openssl cms -sign -binary -nodetach -outform DER -in payload.json \
  -signer masa-p256.crt -inkey masa-p256.key -md sha256 -econtent_type 1.2.840.113549.1.9.16.1.40 -out openssl-anima.cms
check "iotonb verifies openssl's CMS voucher (anima)" "$IOTONB_BIN" voucher verify openssl-anima.cms --trust root.crt
check "openssl cms -sign PEM output" openssl cms -sign -binary -nodetach -outform PEM -in payload.json \
  -signer masa-p256.crt -inkey masa-p256.key -md sha256 -out openssl.pem
check "iotonb verifies a PEM CMS voucher" "$IOTONB_BIN" voucher verify openssl.pem --trust root.crt

# iotonb COSE → cbor2 + cryptography
for type in p256 p384 ed25519; do
  "$IOTONB_BIN" voucher sign v.json --key masa-$type.key --cert masa-$type.crt --form cose -o v-$type.cose
  check "python cbor2+cryptography verifies the COSE voucher ($type)" \
    "$PYTHON3" "$INTEROP_DIR/check_cose_sign1.py" v-$type.cose masa-$type.crt
  check "iotonb verifies it ($type)" "$IOTONB_BIN" voucher verify v-$type.cose --trust root.crt
done
"$IOTONB_BIN" voucher sign v.json --key masa-p256.key --cert masa-p256.crt --form cose --cose-header kid -o v-kid.cose
openssl x509 -in masa-p256.crt -pubkey -noout >masa-p256.pub
check "python verifies the kid-only COSE voucher with the public key" "$PYTHON3" "$INTEROP_DIR/check_cose_sign1.py" v-kid.cose masa-p256.pub
check "iotonb verifies it with the public key as trust" "$IOTONB_BIN" voucher verify v-kid.cose --trust masa-p256.pub
check "python: the payload is the voucher in SID-keyed CBOR" "$PYTHON3" -c '
import cbor2, sys
msg = cbor2.loads(open("v-p256.cose", "rb").read())
assert msg.tag == 18, msg.tag
body = cbor2.loads(msg.value[2])[2451]
assert body[11] == "SN-0001" and body[1] == 1, body
assert body[7] == bytes.fromhex("00112233445566778899aabbccddeeff")
assert isinstance(body[8], bytes) and body[8][0] == 0x30
'

# iotonb JWS → cryptography
for type in p256 p384 ed25519; do
  "$IOTONB_BIN" voucher sign v.json --key masa-$type.key --cert masa-$type.crt --form jws -o v-$type.jws
  check "python cryptography verifies the JWS voucher ($type)" "$PYTHON3" - v-$type.jws masa-$type.crt <<'PY'
import base64, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
def b64u(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
jws = json.load(open(sys.argv[1]))
sig = jws["signatures"][0]
header = json.loads(b64u(sig["protected"]))
assert header["typ"] == "voucher-jws+json", header
leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
expected = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
assert leaf == expected
key = leaf.public_key()
data = (sig["protected"] + "." + jws["payload"]).encode()
raw = b64u(sig["signature"])
if header["alg"] == "EdDSA":
    key.verify(raw, data)
else:
    n = len(raw) // 2
    der = utils.encode_dss_signature(int.from_bytes(raw[:n], "big"), int.from_bytes(raw[n:], "big"))
    key.verify(der, data, ec.ECDSA({"ES256": hashes.SHA256(), "ES384": hashes.SHA384()}[header["alg"]]))
voucher = json.loads(b64u(jws["payload"]))
assert voucher["ietf-voucher:voucher"]["serial-number"] == "SN-0001"
PY
done

finish
