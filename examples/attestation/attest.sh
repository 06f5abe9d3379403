#!/usr/bin/env bash
# Remote attestation with Entity Attestation Tokens (RFC 9711), both sides on one machine:
#   1. the manufacturer gives the device an attestation key and certificate (its IDevID at
#      onboarding) under a device CA;
#   2. a test engineer mints a token with chosen claims and reads it back;
#   3. the verifier sends a fresh nonce; the device measures its firmware and configuration and
#      answers with signed evidence (`attest evidence`); the verifier checks the signature
#      chain, the nonce and the age, and appraises the claims against reference values:
#      affirming (admit), warning (quarantine) or contraindicated (refuse);
#   4. the same device with debug enabled is refused, with unvetted software quarantined, and
#      an old token replayed against a new nonce is refused;
#   5. a PSA attestation token (profile 2) is made and inspected.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   WORK_DIR     where to work (default: a new temporary folder, kept and printed at the end)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
iotonb=${IOTONB_BIN:-iotonb}
dir=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/iotonb-attestation.XXXXXX")}
mkdir -p "$dir" && cd "$dir"
cp -r "$here/device" "$here/device.yaml" "$here/claims.yaml" "$here/psa-claims.json" "$here/reference.yaml" .
step() { printf '\n== %s\n' "$*" >&2; }
unsafe=(--no-password --insecure)  # demo keys only: real keys stay encrypted
# appraise FILE [ARGS...]: prints the verdict, whatever it is (exit 1 is a verdict, not an error).
appraise() { "$iotonb" attest appraise "$@" --policy reference.yaml --trust device-ca.crt || true; }

step "Manufacturer: a device CA and the device's attestation key and certificate"
"$iotonb" ca create --subject 'O=Example Devices Inc,CN=Example Device CA' --out-cert device-ca.crt \
  --out-key device-ca.key "${unsafe[@]}" --force
"$iotonb" key generate --out device.key --public-out device.pub "${unsafe[@]}" --force
"$iotonb" ca create --profile client --subject 'O=Example Devices Inc,CN=thermostat-0001' --key device.key \
  --parent-cert device-ca.crt --parent-key device-ca.key --out-cert device.crt --force

step "Test engineer: a token with chosen claims, read back by name"
"$iotonb" attest create --claims claims.yaml --key device.key --cert device.crt --out token.cbor --force
"$iotonb" attest inspect token.cbor
"$iotonb" attest verify token.cbor --key device.pub --at 2026-11-27T10:30:00Z

step "Verifier: a fresh nonce; device: evidence; verifier: verify and appraise"
nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
"$iotonb" attest evidence --device device.yaml --key device.key --cert device.crt --nonce "$nonce" \
  --out evidence.cbor --force
"$iotonb" attest verify evidence.cbor --trust device-ca.crt --nonce "$nonce"
"$iotonb" attest appraise evidence.cbor --policy reference.yaml --trust device-ca.crt --nonce "$nonce" \
  --format json >verdict.json
cat verdict.json

step "The same device with debug enabled: contraindicated (refused)"
sed 's/dbgstat: disabled-permanently/dbgstat: enabled/' device.yaml >debug.yaml
"$iotonb" attest evidence --device debug.yaml --key device.key --cert device.crt --nonce "$nonce" --out debug.cbor --force
appraise debug.cbor --nonce "$nonce" --format json >debug-verdict.json
cat debug-verdict.json

step "Software the network has not vetted yet: warning (quarantine)"
sed 's/swversion: 1.4.2/swversion: 1.5.0-beta/' device.yaml >beta.yaml
"$iotonb" attest evidence --device beta.yaml --key device.key --cert device.crt --nonce "$nonce" --out beta.cbor --force
appraise beta.cbor --nonce "$nonce" --format json >beta-verdict.json
cat beta-verdict.json

step "An old token replayed against a new nonce: contraindicated"
fresh=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
appraise evidence.cbor --nonce "$fresh" --format json >replay-verdict.json
cat replay-verdict.json

step "A PSA attestation token (profile 2)"
"$iotonb" attest create --claims psa-claims.json --profile psa2 --key device.key --nonce "$nonce" \
  --out psa.cbor --force
"$iotonb" attest inspect psa.cbor --format diag

printf '\nAll files are in %s\n' "$dir" >&2
