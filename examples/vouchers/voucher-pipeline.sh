#!/usr/bin/env bash
# Vouchers end to end, as a manufacturer (MASA), an owner (registrar) and a device (pledge)
# exchange them in BRSKI (RFC 8995), in each of the three envelopes:
#   1. a PKI: manufacturer root, MASA certificate, IDevID for device SN-0001; owner root and
#      registrar certificate (id-kp-cmcRA);
#   2. the pledge's voucher request (signed with its IDevID) and the registrar's request that
#      wraps it (signed with the registrar's certificate);
#   3. the MASA's voucher pinning the registrar, signed as CMS, JWS and COSE;
#   4. inspect each (text, JSON, CBOR diagnostic notation) and verify it as the pledge would:
#      signer chain to the manufacturer root, serial number, nonce, pinned registrar.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   WORK_DIR     where to work (default: a new temporary folder, kept and printed at the end)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
dir=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/iotonb-vouchers.XXXXXX")}
mkdir -p "$dir" && cd "$dir"
step() { printf '\n== %s\n' "$*" >&2; }
unsafe=(--no-password --insecure)  # demo keys only: real CA keys stay encrypted

step "Manufacturer: root CA, MASA certificate, IDevID for SN-0001"
"$iotonb" ca create --subject 'O=Example Devices Inc,CN=Example Devices Root' --out-cert mfg-root.crt \
  --out-key mfg-root.key "${unsafe[@]}" --force
"$iotonb" ca create --profile masa --subject 'O=Example Devices Inc,CN=Example MASA' --parent-cert mfg-root.crt \
  --parent-key mfg-root.key --out-cert masa.crt --out-key masa.key "${unsafe[@]}" --force
rm -rf devices
"$iotonb" idevid mint --ca-cert mfg-root.crt --ca-key mfg-root.key --serial SN-0001 \
  --masa-url masa.example.com:9443 --out-dir devices >/dev/null

step "Owner: root CA and registrar certificate (id-kp-cmcRA)"
"$iotonb" ca create --subject 'O=Example Owner,CN=Example Owner Root' --out-cert owner-root.crt \
  --out-key owner-root.key "${unsafe[@]}" --force
"$iotonb" ca create --profile registrar --subject 'O=Example Owner,CN=registrar.example.net' \
  --san DNS:registrar.example.net --parent-cert owner-root.crt --parent-key owner-root.key \
  --out-cert registrar.crt --out-key registrar.key "${unsafe[@]}" --force

step "Pledge: voucher request with a fresh nonce, signed with the IDevID (CMS)"
"$iotonb" voucher request create --idevid devices/SN-0001/idevid.crt --proximity-registrar-cert registrar.crt \
  -o pvr.json --force
"$iotonb" voucher request sign pvr.json --key devices/SN-0001/idevid.key --cert devices/SN-0001/idevid.crt \
  --form cms -o pvr.vcj --force
nonce=$("$iotonb" voucher request inspect pvr.vcj --format json | sed -n 's/.*"nonce":"\([^"]*\)".*/\1/p')
echo "nonce: $nonce" >&2

step "Registrar: its own request wrapping the pledge's, signed with the registrar certificate"
"$iotonb" voucher request create --prior-signed pvr.vcj --idevid devices/SN-0001/idevid.crt -o rvr.json --force
"$iotonb" voucher request sign rvr.json --key registrar.key --cert registrar.crt --form cms -o rvr.vcj --force
"$iotonb" voucher request verify rvr.vcj --trust owner-root.crt --nonce "$nonce"

step "MASA: the voucher pinning the registrar, in all three envelopes"
"$iotonb" voucher create --idevid-issuer-from devices/SN-0001/idevid.crt --assertion proximity \
  --pinned-domain-cert registrar.crt --nonce "$nonce" -o voucher.json --force
"$iotonb" voucher create --idevid-issuer-from devices/SN-0001/idevid.crt --assertion proximity \
  --pinned-domain-cert registrar.crt --nonce "$nonce" --format cbor -o voucher.cbor --force
for form in cms jws cose; do
  input=voucher.json; [[ $form == cose ]] && input=voucher.cbor  # the COSE form carries CBOR
  "$iotonb" voucher sign "$input" --key masa.key --cert masa.crt --form "$form" -o "voucher.$form" --force
done

step "Inspect: the CMS voucher as text, the JWS one as JSON, the COSE one in CBOR diagnostic notation"
"$iotonb" voucher inspect voucher.cms
"$iotonb" voucher inspect voucher.jws --format json
"$iotonb" voucher inspect voucher.cose --format diag

step "Pledge: verify each voucher (chain to the manufacturer root, serial, nonce, pinned registrar)"
for form in cms jws cose; do
  "$iotonb" voucher verify "voucher.$form" --trust mfg-root.crt --serial SN-0001 --nonce "$nonce" \
    --domain-cert registrar.crt
done
printf '\nVoucher files are in %s\n' "$dir" >&2
