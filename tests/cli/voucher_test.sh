#!/bin/bash
# iotonb voucher and voucher request from the command line: the public vectors verify with
# their documented times, iotonb's own vouchers round-trip in every form, and each way a
# voucher can be wrong gives its documented exit code and a message naming the check.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
V="$IOTONB_VECTORS_DIR"
unsafe=(--no-password --insecure)

# A manufacturer root with a MASA, an owner root with a registrar, and one IDevID.
"$IOTONB_BIN" ca create --subject CN=Mfg-Root --out-cert root.crt --out-key root.key "${unsafe[@]}"
"$IOTONB_BIN" ca create --profile masa --subject CN=MASA --parent-cert root.crt --parent-key root.key \
  --out-cert masa.crt --out-key masa.key "${unsafe[@]}"
"$IOTONB_BIN" ca create --subject CN=Owner-Root --out-cert owner.crt --out-key owner.key "${unsafe[@]}"
"$IOTONB_BIN" ca create --profile registrar --subject CN=Registrar --parent-cert owner.crt --parent-key owner.key \
  --out-cert registrar.crt --out-key registrar.key "${unsafe[@]}"
"$IOTONB_BIN" idevid mint --ca-cert root.crt --ca-key root.key --serial SN-0001 --out-dir dev >/dev/null
NONCE=00112233445566778899aabbccddeeff
ok_voucher=(--trust root.crt --serial SN-0001 --nonce "$NONCE" --domain-cert registrar.crt)

expect_exit 0 "voucher create" -- voucher create --idevid-issuer-from dev/SN-0001/idevid.crt --assertion logged \
  --pinned-domain-cert registrar.crt --nonce "$NONCE" --expires 30d -o v.json
expect_exit 0 "voucher create --format cbor" -- voucher create --serial SN-0001 --assertion logged \
  --pinned-domain-cert registrar.crt --nonce "$NONCE" --format cbor -o v.cbor
for form in cms jws cose; do
  expect_exit 0 "voucher sign --form $form" -- voucher sign v.json --key masa.key --cert masa.crt --form "$form" -o "v.$form"
  expect_exit 0 "voucher verify ($form)" -- voucher verify "v.$form" "${ok_voucher[@]}"
  expect_stdout_has "v.$form: OK ($form voucher, serial-number SN-0001, signed by CN=MASA)"
  expect_exit 0 "voucher inspect --format json ($form)" -- voucher inspect "v.$form" --format json
  expect_stdout_has "\"form\":\"$form\""
done
expect_exit 0 "COSE from the CBOR file" -- voucher sign v.cbor --key masa.key --cert masa.crt --form cose -o v2.cose
expect_exit 0 "verify it" -- voucher verify v2.cose "${ok_voucher[@]}"
expect_exit 0 "voucher inspect --format diag (cose)" -- voucher inspect v.cose --format diag
expect_stdout_has "h'a10126'"
expect_exit 2 "voucher inspect --format diag (cms) is a usage error" -- voucher inspect v.cms --format diag
expect_exit 0 "voucher verify --format json lists every check" -- voucher verify v.cose "${ok_voucher[@]}" --format json
expect_stdout_has '"valid":true'
expect_stdout_has '{"name":"pinned-domain","result":"pass"'
expect_exit 0 "iotonb inspect recognises a COSE voucher" -- inspect v.cose --format json
expect_stdout_has '"type":"voucher"'
expect_exit 0 "stdin works" -- voucher verify - "${ok_voucher[@]}" <v.cms

# The ways a voucher can be wrong: exit 1 naming the check, or 2 / 3 for usage and input.
"$PYTHON3" - <<'PY'
import cbor2
msg = cbor2.loads(open("v.cose", "rb").read())
prot, unprot, payload, sig = msg.value
tampered = bytearray(payload); tampered[tampered.index(b"SN-0001") + 6] = ord("2")
open("tampered.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(18, [prot, unprot, bytes(tampered), sig])))
open("tag998.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(998, [prot, unprot, payload, sig])))
open("alg999.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -999}), unprot, payload, sig])))
open("protarray.cose", "wb").write(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps([1, -7]), unprot, payload, sig])))
open("trailing.cose", "wb").write(open("v.cose", "rb").read() + b"\x00")
# {2451: {1: 1, 1: 1}}: a duplicate key, written by hand because cbor2 will not
open("duplicate.cbor", "wb").write(bytes.fromhex("a1190993a201010101"))
open("bomb.cose", "wb").write(b"\xd2\x84" + b"\x81" * 100000 + b"\x00")
open("bomb.json", "w").write('{"a":' * 100000)
open("big.cms", "wb").write(b"\x30" * (2 << 20))
PY
expect_exit 1 "tampered payload" -- voucher verify tampered.cose "${ok_voucher[@]/SN-0001/SN-0002}"
expect_stderr_has "tampered.cose: signature: signature does not verify"
other=(--trust owner.crt --serial SN-0001 --nonce "$NONCE" --domain-cert registrar.crt)
expect_exit 1 "untrusted chain (wrong trust anchor)" -- voucher verify v.cms "${other[@]}"
expect_stderr_has "v.cms: signer-chain: "
"$IOTONB_BIN" voucher sign v.json --key masa.key --cert masa.crt --form cose --cose-header kid -o kid.cose
expect_exit 1 "wrong signer (kid-only voucher, the registrar's certificate trusted)" -- voucher verify kid.cose --trust registrar.crt
expect_stderr_has "kid.cose: signature: COSE: signature does not verify"
expect_exit 0 "kid-only voucher, the MASA certificate trusted" -- voucher verify kid.cose --trust masa.crt
expect_exit 1 "expired voucher" -- voucher verify v.jws "${ok_voucher[@]}" --at "$(date -u -d '+31 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_stderr_has "v.jws: expires-on: voucher expired at "
expect_exit 0 "future created-on" -- voucher create --serial SN-0001 --assertion logged --pinned-domain-cert registrar.crt \
  --created-on 2030-01-01T00:00:00Z -o future.json
"$IOTONB_BIN" voucher sign future.json --key masa.key --cert masa.crt --form cms -o future.cms
expect_exit 1 "future created-on fails" -- voucher verify future.cms --trust root.crt
expect_stderr_has "future.cms: created-on: created-on 2030-01-01T00:00:00Z is after the verification time"
expect_exit 1 "nonce mismatch" -- voucher verify v.cms "${ok_voucher[@]/$NONCE/ffeeddccbbaa99887766554433221100}"
expect_stderr_has "v.cms: nonce: nonce 00112233445566778899aabbccddeeff does not match the nonce sent"
expect_exit 1 "serial mismatch" -- voucher verify v.cms "${ok_voucher[@]/SN-0001/SN-0002}"
expect_stderr_has "v.cms: serial-number: serial-number \"SN-0001\" is not the expected \"SN-0002\""
expect_exit 1 "pinned domain mismatch" -- voucher verify v.cms --trust root.crt --domain-cert masa.crt
expect_stderr_has "v.cms: pinned-domain: "
expect_exit 2 "unknown assertion (flag)" -- voucher create --serial S --assertion trusted --pinned-domain-cert registrar.crt
printf '{"ietf-voucher:voucher":{"assertion":"trusted","serial-number":"S","pinned-domain-pubk-sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="}}' >bad-assertion.json
expect_exit 3 "unknown assertion (file)" -- voucher create bad-assertion.json
expect_stderr_has "bad-assertion.json: voucher: assertion: \"trusted\" is not one of verified, logged, proximity, agent-proximity"
expect_exit 2 "missing mandatory leaf" -- voucher create --serial S --assertion logged
expect_stderr_has "voucher: pinned-domain-cert: mandatory leaf is missing"
printf 'serial-number: S\nassertion: logged\ncolour: red\n' >unknown-leaf.yaml
expect_exit 3 "unknown leaf" -- voucher create unknown-leaf.yaml
expect_stderr_has "unknown-leaf.yaml: voucher: colour: unknown leaf"
expect_exit 3 "wrong COSE tag" -- voucher verify tag998.cose "${ok_voucher[@]}"
expect_stderr_has "tag 998"
expect_exit 1 "unknown COSE algorithm" -- voucher verify alg999.cose "${ok_voucher[@]}"
expect_stderr_has "-999"
expect_exit 3 "protected header not a map" -- voucher verify protarray.cose "${ok_voucher[@]}"
expect_stderr_has "protected header is not a serialized map"
expect_exit 3 "duplicate CBOR map keys" -- voucher inspect duplicate.cbor
expect_stderr_has "duplicate"
expect_exit 3 "trailing bytes" -- voucher verify trailing.cose "${ok_voucher[@]}"
expect_stderr_has "trailing"
expect_exit 3 "oversized input" -- voucher verify big.cms "${ok_voucher[@]}"
expect_stderr_has "larger than the limit"
expect_exit 3 "CBOR nesting bomb" -- voucher inspect bomb.cose
expect_stderr_has "nesting"
expect_exit 3 "JSON nesting bomb" -- voucher inspect bomb.json
expect_stderr_has "JSON: nesting deeper than 32"
expect_exit 2 "sign refuses a signed voucher" -- voucher sign v.cms --key masa.key --cert masa.crt --form cose
expect_exit 2 "sign refuses a key that is not the certificate's" -- voucher sign v.json --key registrar.key --cert masa.crt --form cms
expect_exit 2 "voucher request verify refuses a voucher" -- voucher request verify v.cms --trust root.crt
expect_stderr_has "v.cms is a voucher; use 'iotonb voucher verify'"
expect_exit 0 "voucher create --force-less refusal setup" -- voucher create v.json --force -o again.json
expect_exit 2 "existing output without --force" -- voucher create v.json -o again.json

# Voucher requests: the pledge's, then the registrar's wrapping it.
expect_exit 0 "request create (pledge)" -- voucher request create --idevid dev/SN-0001/idevid.crt \
  --proximity-registrar-cert registrar.crt --nonce "$NONCE" -o pvr.json
expect_exit 0 "request sign (pledge, cms)" -- voucher request sign pvr.json --key dev/SN-0001/idevid.key \
  --cert dev/SN-0001/idevid.crt --form cms -o pvr.vcj
expect_exit 0 "request create (registrar)" -- voucher request create --prior-signed pvr.vcj --idevid dev/SN-0001/idevid.crt -o rvr.json
expect_exit 2 "a registrar request needs cmcRA" -- voucher request sign rvr.json --key masa.key --cert masa.crt --form cms
expect_stderr_has "lacks id-kp-cmcRA"
for form in cms jws cose; do
  expect_exit 0 "request sign (registrar, $form)" -- voucher request sign rvr.json --key registrar.key --cert registrar.crt \
    --form "$form" -o "rvr.$form"
  expect_exit 0 "request verify (registrar, $form)" -- voucher request verify "rvr.$form" --trust owner.crt \
    --serial SN-0001 --nonce "$NONCE" --format json
  expect_stdout_has '{"name":"signer-eku","result":"pass"'
  expect_stdout_has '{"name":"prior-signed","result":"pass"'
done
expect_exit 0 "request inspect" -- voucher request inspect rvr.cose --format json
expect_stdout_has '"type":"voucher-request"'

# The public vectors, at the times their README gives.
R="$V/brski/rfc8995"
C="$V/brski/cbrski-cose"
at8995=2021-04-14T00:00:00Z
expect_exit 0 "RFC 8995 pledge request" -- voucher request verify "$R/vr_00-D0-E5-F2-00-02.b64" --trust "$R/vendor.crt" --at $at8995 \
  --serial 00-D0-E5-F2-00-02 --nonce -_XE9zK9q8Ll1qylMtLKeg
expect_exit 0 "RFC 8995 registrar request" -- voucher request verify "$R/parboiled_vr_00-D0-E5-F2-00-02.b64" \
  --trust "$R/ownerca_secp384r1.crt" --at $at8995
expect_exit 0 "RFC 8995 voucher" -- voucher verify "$R/voucher_00-D0-E5-F2-00-02.b64" --trust "$R/vendor.crt" --at $at8995 \
  --serial 00-D0-E5-F2-00-02 --nonce -_XE9zK9q8Ll1qylMtLKeg --domain-cert "$R/jrc_prime256v1.crt"
expect_exit 1 "RFC 8995 voucher, now (expired)" -- voucher verify "$R/voucher_00-D0-E5-F2-00-02.b64" --trust "$R/vendor.crt"
expect_stderr_has "signer-chain: "
expect_exit 1 "RFC 8995 voucher, owner CA as anchor" -- voucher verify "$R/voucher_00-D0-E5-F2-00-02.b64" \
  --trust "$R/ownerca_secp384r1.crt" --at $at8995
at_c=2023-01-01T00:00:00Z
expect_exit 0 "cBRSKI pledge request (IDevID as trust)" -- voucher request verify "$C/pvr.hex" --trust "$C/pledge.pem" --at $at_c \
  --nonce 23BFBBC9C2BCF213 --serial JADA123456789
expect_exit 0 "cBRSKI registrar request" -- voucher request verify "$C/rvr.hex" --trust "$C/domain_ca.pem" --at $at_c \
  --nonce 23BFBBC9C2BCF213
expect_exit 0 "cBRSKI voucher" -- voucher verify "$C/voucher.hex" --trust "$C/masa_ca.pem" --at $at_c --serial JADA123456789 \
  --domain-cert "$C/registrar.pem"
expect_exit 0 "cBRSKI voucher with x5bag" -- voucher verify "$C/voucher-x5bag.hex" --trust "$C/masa_ca.pem" --at $at_c
expect_exit 1 "cBRSKI voucher against the PVR's nonce" -- voucher verify "$C/voucher.hex" --trust "$C/masa_ca.pem" --at $at_c \
  --nonce 23BFBBC9C2BCF213
expect_stderr_has "nonce: nonce 57eed786ad404907 does not match"
expect_exit 0 "cBRSKI voucher, diagnostic notation" -- voucher inspect "$C/voucher.hex" --format diag
expect_stdout_has '2451'

finish
