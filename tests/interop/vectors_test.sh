#!/bin/bash
# iotonb's readers and verifier against the public RFC 8995 / cBRSKI vectors, compared with
# what openssl says about the same files (expected results: ../shared/vectors/README.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

V="${IOTONB_VECTORS_DIR:-}"
if [[ -z "$V" || ! -d "$V/brski/rfc8995" ]]; then
  echo "SKIP: IOTONB_VECTORS_DIR ($V) has no brski/rfc8995"
  exit 0
fi
R="$V/brski/rfc8995"
C="$V/brski/cbrski-cose"

json_field() {  # FILE PYTHON-EXPRESSION-ON-d
  "$IOTONB_BIN" cert inspect --format json "$1" | "$PYTHON3" -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

for f in "$R/idevid_00-D0-E5-F2-00-02.crt" "$R/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt"; do
  name="${f##*/}"
  masa_openssl="$(ext_string "$f" 1.3.6.1.5.5.7.1.32)"
  check_eq "$name: openssl asn1parse MASA URL" "$masa_openssl" "IA5STRING:highway-test.example.com:9443"
  check_eq "$name: iotonb masa_url" "$(json_field "$f" 'd["idevid"]["masa_url"]["string_type"] + ":" + d["idevid"]["masa_url"]["value"]')" \
    "IA5String:${masa_openssl#IA5STRING:}"
  check_eq "$name: iotonb serial_number" "$(json_field "$f" 'd["idevid"]["serial_number"]')" \
    "$(openssl x509 -in "$f" -noout -subject -nameopt RFC2253 | sed 's/^subject=serialNumber=//')"
  check_eq "$name: no hardwareModuleName (openssl shows no SAN)" \
    "$(json_field "$f" '"hardware_module_name" in d["idevid"]')" "False"
  check_eq "$name: iotonb not_after" "$(json_field "$f" 'd["not_after"]')" "2999-12-31T00:00:00Z"
done
check_eq "pledge.pem: iotonb masa_url" "$(json_field "$C/pledge.pem" 'd["idevid"]["masa_url"]["value"]')" \
  "$(ext_string "$C/pledge.pem" 1.3.6.1.5.5.7.1.32 | sed 's/^IA5STRING://')"
check_eq "pledge.pem: iotonb serial_number" "$(json_field "$C/pledge.pem" 'd["idevid"]["serial_number"]')" "JADA123456789"

# cert verify agrees with openssl verify -attime on the documented windows
verify() {  # EXPECTED-EXIT CERT ANCHOR TIME
  local want="$1" cert="$2" anchor="$3" at="$4" rc=0
  "$IOTONB_BIN" cert verify "$cert" --trust "$anchor" --at "$at" >/dev/null 2>verify.err || rc=$?
  check_eq "iotonb cert verify ${cert##*/} --trust ${anchor##*/} --at $at (exit)" "$rc" "$want"
}
verify 0 "$R/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt" "$R/vendor.crt" 2021-04-14T00:00:00Z
verify 1 "$R/idevid_00-D0-E5-F2-00-02.crt" "$R/vendor.crt" 2021-04-14T00:00:00Z
check "not yet valid is named" grep -q 'certificate is not yet valid' verify.err
verify 0 "$R/idevid_00-D0-E5-F2-00-02.crt" "$R/vendor.crt" 2021-05-01T00:00:00Z
verify 0 "$R/masa.crt" "$R/vendor.crt" 2021-04-14T00:00:00Z
verify 1 "$R/masa.crt" "$R/vendor.crt" 2026-11-27T00:00:00Z
check "expired is named" grep -q 'certificate has expired' verify.err
verify 1 "$R/masa.crt" "$R/ownerca_secp384r1.crt" 2021-04-14T00:00:00Z
check "wrong anchor is named" grep -q 'unable to get local issuer certificate' verify.err
verify 0 "$R/jrc_prime256v1.crt" "$R/ownerca_secp384r1.crt" 2021-04-14T00:00:00Z
verify 0 "$C/pledge.pem" "$C/masa_ca.pem" 2026-11-27T00:00:00Z
verify 1 "$C/registrar.pem" "$C/domain_ca.pem" 2026-11-27T00:00:00Z
verify 0 "$C/registrar.pem" "$C/domain_ca.pem" 2023-01-01T00:00:00Z
# openssl's view of the same cases
check "openssl agrees: embedded IDevID at 1618358400" openssl verify -attime 1618358400 -CAfile "$R/vendor.crt" \
  "$R/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt"
check "openssl agrees: re-issued IDevID not yet valid at 1618358400" \
  bash -c "! openssl verify -attime 1618358400 -CAfile '$R/vendor.crt' '$R/idevid_00-D0-E5-F2-00-02.crt' >/dev/null 2>&1"

finish
