#!/bin/bash
# IDevIDs minted by `iotonb idevid mint` (one --serial and a --count batch), checked with
# tools that share no code with iotonb: `openssl verify` for the chain, `openssl asn1parse`
# for the MASA URL's IA5String, and asn1crypto (check_idevid.py) for every 802.1AR field.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HW_TYPE=1.3.6.1.4.1.32473.1
MASA_URL=masa.example.com:9443
MUD_URL=https://mud.example.com/widget3000.json
MUD_SIGNER='C=US,O=Acme,CN=Acme MUD signer'

make_ca_pair

common=(--ca-cert ca.crt --ca-key ca.key --ca-password-file pw --ca-chain root.crt
        --hw-type "$HW_TYPE" --masa-url "$MASA_URL" --mud-url "$MUD_URL" --mud-signer "$MUD_SIGNER" --no-progress)

check "mint one device (--serial)" \
  "$IOTONB_BIN" idevid mint "${common[@]}" --serial 00-D0-E5-F2-00-42 --out-dir single
check "mint a batch of 3 (--count)" \
  "$IOTONB_BIN" idevid mint "${common[@]}" --count 3 --serial-format 'SN-{:04}' --out-dir batch -j 2
check "mint one RSA device" \
  "$IOTONB_BIN" idevid mint "${common[@]}" --serial RSA-0001 --key-type rsa2048 --out-dir rsa

declare -A DEVICES=(
  [single/00-D0-E5-F2-00-42]=00-D0-E5-F2-00-42
  [batch/SN-0001]=SN-0001
  [batch/SN-0002]=SN-0002
  [batch/SN-0003]=SN-0003
  [rsa/RSA-0001]=RSA-0001
)

for dir in "${!DEVICES[@]}"; do
  serial="${DEVICES[$dir]}"
  crt="$dir/idevid.crt"
  if [[ ! -f "$crt" ]]; then
    fail "$crt was not written"
    continue
  fi

  # openssl builds and checks the path itself
  check "$serial: openssl verify -CAfile root.crt -untrusted ca.crt" \
    openssl verify -CAfile root.crt -untrusted ca.crt "$crt"
  check "$serial: openssl verify with the device's chain.pem" \
    openssl verify -CAfile root.crt -untrusted "$dir/chain.pem" "$crt"

  # MASA URL and MUD URL: the extnValue must parse as an IA5STRING with exactly the given value
  check_eq "$serial: openssl asn1parse: MASA URL extnValue" "$(ext_string "$crt" 1.3.6.1.5.5.7.1.32)" "IA5STRING:$MASA_URL"
  check_eq "$serial: openssl asn1parse: MUD URL extnValue" "$(ext_string "$crt" 1.3.6.1.5.5.7.1.25)" "IA5STRING:$MUD_URL"

  # subject serialNumber as openssl decodes it: a PRINTABLESTRING
  check "$serial: subject serialNumber is a PRINTABLESTRING" \
    bash -c "openssl asn1parse -in '$crt' | grep -A1 ':serialNumber\$' | grep -qE 'PRINTABLESTRING +:$serial\$'"
  # notAfter as openssl decodes it: GENERALIZEDTIME 99991231235959Z
  check "$serial: notAfter is GENERALIZEDTIME 99991231235959Z" \
    bash -c "openssl asn1parse -in '$crt' | grep -qE 'GENERALIZEDTIME +:99991231235959Z\$'"
  check_eq "$serial: openssl -enddate" "$(openssl x509 -in "$crt" -noout -enddate)" 'notAfter=Dec 31 23:59:59 9999 GMT'
  # key usage as openssl prints it
  if [[ "$serial" == RSA-* ]]; then ku='Digital Signature, Key Encipherment'; rsa=(--rsa); else ku='Digital Signature'; rsa=(); fi
  check "$serial: openssl shows critical keyUsage '$ku'" \
    bash -c "openssl x509 -in '$crt' -noout -text | grep -A1 'X509v3 Key Usage: critical' | grep -qx ' *$ku'"

  # asn1crypto: every field decoded independently
  check "$serial: asn1crypto decodes hardwareModuleName, MASA/MUD URLs, mudSigner, serial, validity, KU, BC, SKI/AKI" \
    "$PYTHON3" "$INTEROP_DIR/check_idevid.py" "$crt" --serial "$serial" --hw-type "$HW_TYPE" --masa-url "$MASA_URL" \
      --mud-url "$MUD_URL" --mud-signer "$MUD_SIGNER" --issuer ca.crt "${rsa[@]}"

  # the device key belongs to the certificate, and is written 0600
  check "$serial: idevid.key matches the certificate" \
    bash -c "[[ \"\$(openssl pkey -in '$dir/idevid.key' -pubout)\" == \"\$(openssl x509 -in '$crt' -noout -pubkey)\" ]]"
  check_eq "$serial: idevid.key mode" "$(stat -c %a "$dir/idevid.key")" 600
done

# The batch's stdout is one JSON object per device; the fingerprints must be openssl's.
"$IOTONB_BIN" idevid mint "${common[@]}" --count 2 --serial-format 'J-{}' --out-dir json >json.out
check "mint prints one JSON object per device" \
  "$PYTHON3" -c '
import json, subprocess, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines:
    d = json.loads(line)
    fp = subprocess.run(["openssl", "x509", "-in", d["cert"], "-noout", "-fingerprint", "-sha256"],
                        capture_output=True, text=True, check=True).stdout.strip().split("=")[1].replace(":", "").lower()
    assert d["fingerprint_sha256"] == fp, (d["fingerprint_sha256"], fp)
    serial = subprocess.run(["openssl", "x509", "-in", d["cert"], "-noout", "-serial"],
                            capture_output=True, text=True, check=True).stdout.strip().split("=")[1].lower()
    assert d["cert_serial"].lower().lstrip("0") == serial.lstrip("0"), (d["cert_serial"], serial)
    assert d["serial"] in ("J-1", "J-2"), d["serial"]
' json.out

# Certificate serials: distinct across the whole run, positive, at most 20 octets.
check "certificate serials are distinct" bash -c '
  for c in */*/idevid.crt; do openssl x509 -in "$c" -noout -serial; done | sort | uniq -d | grep -q . && exit 1 || exit 0'

finish
