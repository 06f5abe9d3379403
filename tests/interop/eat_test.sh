#!/bin/bash
# Entity Attestation Tokens both ways with an independent checker (check_eat.py: cbor2 +
# cryptography): tokens iotonb makes (ES256, ES384, EdDSA; kid and x5chain; cbor, hex and
# base64 forms; evidence) verify there with the right claim types and values, and tokens made
# there verify, inspect and appraise in iotonb. The PSA vectors verify in both.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$PYTHON3" -c 'import cbor2, cryptography' 2>/dev/null || { echo "FAIL: $PYTHON3 lacks cbor2 or cryptography" >&2; exit 1; }
CHECK="$INTEROP_DIR/check_eat.py"
NONCE=00112233445566778899aabbccddeeff
AT=2026-11-27T10:00:00Z

cat >claims.yaml <<YAML
ueid: hex:01abababababababababababababababababababababababababababababababab
hwmodel: hex:0102
swname: acme-os
swversion: ["1.4.2", 1]
dbgstat: disabled-permanently
oemboot: true
iat: 1795773600
measurements: [{name: firmware, digest: "$(printf 'firmware' | sha256sum | cut -c1-64)"}]
-70000: kept
YAML

"$IOTONB_BIN" -q key generate --no-password --insecure -o stranger.key --public-out stranger.pub
for type in p256 p384 ed25519; do
  "$IOTONB_BIN" key generate --key-type "$type" --no-password --insecure -o "$type.key" --public-out "$type.pub"
  for form in cbor hex base64; do
    "$IOTONB_BIN" attest create --claims claims.yaml --key "$type.key" --kid device-1 --nonce "$NONCE" \
      --format "$form" -o "$type.$form"
    flag=""
    [[ "$form" == cbor ]] || flag="--$form"
    # shellcheck disable=SC2086
    check "python verifies iotonb's $type token ($form)" "$PYTHON3" "$CHECK" verify "$type.$form" "$type.pub" --nonce "$NONCE" $flag
  done
  claims="$("$PYTHON3" "$CHECK" verify "$type.cbor" "$type.pub")"
  check_eq "$type: python reads swversion" "$(printf '%s' "$claims" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["271"])')" "['1.4.2', 1]"
  check_eq "$type: python reads dbgstat" "$(printf '%s' "$claims" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["263"])')" "3"
  check_eq "$type: python reads the unknown claim" "$(printf '%s' "$claims" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["-70000"])')" "kept"
  check "python rejects iotonb's $type token with another nonce" \
    bash -c "! '$PYTHON3' '$CHECK' verify '$type.cbor' '$type.pub' --nonce 0000000000000000 >/dev/null"

  # ... and the other way: python's token verifies in iotonb.
  "$PYTHON3" "$CHECK" make "$type.key" "py-$type.cbor" --nonce "$NONCE" >py-digest
  check "iotonb verifies python's $type token" "$IOTONB_BIN" attest verify "py-$type.cbor" --key "$type.pub" --nonce "$NONCE" --at "$AT"
  check "iotonb refuses python's $type token with another key" \
    bash -c "! '$IOTONB_BIN' attest verify 'py-$type.cbor' --key stranger.pub --at '$AT' 2>/dev/null"
done

# iotonb reads python's claims by name, and appraises them.
"$IOTONB_BIN" attest inspect py-p256.cbor --format json >py.json
field() { "$PYTHON3" -c "import json,sys; d=json.load(open('$1')); print($2)"; }
check_eq "iotonb names python's swversion" "$(field py.json 'd["claims"]["swversion"]')" "2.0.1"
check_eq "iotonb names python's dbgstat" "$(field py.json 'd["claims"]["dbgstat"]')" "disabled-permanently"
check_eq "iotonb reads python's kid" "$(field py.json 'd["kid"]')" "cHl0aG9u"
check_eq "iotonb reads python's measurement" "$(field py.json 'd["claims"]["measurements"][0]["value"]')" \
  "$("$PYTHON3" -c "import base64; print(base64.b64encode(bytes.fromhex('$(cat py-digest)')).decode())")"
cat >policy.yaml <<YAML
hwmodel: hex:0102
swversions: [2.0.1]
measurements: [$(cat py-digest)]
dbgstat: disabled
oemboot: true
max_age: 5m
YAML
check "iotonb appraises python's token as affirming" "$IOTONB_BIN" attest appraise py-p256.cbor --policy policy.yaml \
  --key p256.pub --nonce "$NONCE" --at "$AT"
"$PYTHON3" "$CHECK" make p256.key py-debug.cbor --nonce "$NONCE" --dbgstat 0 >/dev/null
rc=0
"$IOTONB_BIN" attest appraise py-debug.cbor --policy policy.yaml --key p256.pub --at "$AT" --format json >debug.json || rc=$?
check_eq "python's debug-enabled token is contraindicated (exit)" "$rc" 1
check_eq "python's debug-enabled token is contraindicated" "$(field debug.json 'd["verdict"]')" "contraindicated"

# x5chain: a certificate the python checker takes the key from, and iotonb's --trust.
"$IOTONB_BIN" ca create --subject 'CN=Attestation Root' --out-cert root.crt --out-key root.key --no-password --insecure >/dev/null
"$IOTONB_BIN" ca create --profile client --subject 'CN=device-1' --key p256.key --parent-cert root.crt \
  --parent-key root.key --out-cert device.crt >/dev/null
"$IOTONB_BIN" attest create --claims claims.yaml --key p256.key --cert device.crt -o x5.cbor
check "python verifies iotonb's x5chain token with the certificate" "$PYTHON3" "$CHECK" verify x5.cbor device.crt
check "iotonb verifies its x5chain token against the root" "$IOTONB_BIN" attest verify x5.cbor --trust root.crt
"$IOTONB_BIN" ca create --subject 'CN=Other Root' --out-cert other.crt --out-key other.key --no-password --insecure >/dev/null
check "iotonb refuses the x5chain token against another root" \
  bash -c "! '$IOTONB_BIN' attest verify x5.cbor --trust other.crt 2>/dev/null"

# The PSA vectors verify in both.
V="${IOTONB_VECTORS_DIR:-}"
if [[ -n "$V" && -d "$V/eat/psa" ]]; then
  check "python verifies psa-2_0_0" "$PYTHON3" "$CHECK" verify "$V/eat/psa/psa-2_0_0_sign1.bin" "$V/eat/psa/public.pem"
  check "python verifies psa-iot-1" "$PYTHON3" "$INTEROP_DIR/check_cose_sign1.py" "$V/eat/psa/psa-iot-1_sign1.bin" "$V/eat/psa/public.pem"
  for t in psa-2_0_0_sign1.bin psa-iot-1_sign1.bin; do
    check "iotonb verifies $t" "$IOTONB_BIN" attest verify "$V/eat/psa/$t" --key "$V/eat/psa/public.pem" --at "$AT"
  done
fi

finish
