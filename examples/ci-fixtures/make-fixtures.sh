#!/usr/bin/env bash
# A CI fixture set whose bytes are the same on every run: a root CA, an IDevID CA, registrar and
# MASA certificates, and two devices' IDevIDs. What would vary is pinned: the time (--now), the
# certificate serials (--cert-serial, --cert-serial-seed), and the keys (the published Ed25519
# test keys in tests/fixtures/keys; Ed25519 signatures are deterministic).
#   usage: make-fixtures.sh OUT_DIR      (IOTONB_BIN: the iotonb binary, default iotonb)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keys=$top/tests/fixtures/keys
out=${1:?usage: make-fixtures.sh OUT_DIR}
mkdir -p "$out" && cd "$out"
now=2026-01-01T00:00:00Z

"$iotonb" ca create --now $now --not-after 2046-01-01T00:00:00Z --cert-serial 01 \
  --subject 'O=Fixture Devices,CN=Fixture Root CA' --key "$keys/root.ed25519.key" --out-cert root.crt
"$iotonb" ca create --now $now --not-after 2036-01-01T00:00:00Z --cert-serial 02 --profile intermediate \
  --subject 'O=Fixture Devices,CN=Fixture IDevID CA' --key "$keys/idevid-ca.ed25519.key" \
  --parent-cert root.crt --parent-key "$keys/root.ed25519.key" --out-cert idevid-ca.crt
"$iotonb" ca create --now $now --not-after 2028-01-01T00:00:00Z --cert-serial 03 --profile registrar \
  --subject 'O=Fixture Owner,CN=registrar.fixture.example' --san DNS:registrar.fixture.example \
  --key "$keys/registrar.ed25519.key" --parent-cert root.crt --parent-key "$keys/root.ed25519.key" \
  --out-cert registrar.crt
"$iotonb" ca create --now $now --not-after 2028-01-01T00:00:00Z --cert-serial 04 --profile masa \
  --subject 'O=Fixture Devices,CN=masa.fixture.example' --key "$keys/masa.ed25519.key" \
  --parent-cert root.crt --parent-key "$keys/root.ed25519.key" --out-cert masa.crt

# Devices keep their own keys: each sends a CSR, the factory certifies it.
for n in 0001 0002; do
  "$iotonb" csr create --subject "serialNumber=FIX-$n" --key "$keys/device-$n.ed25519.key" --out "FIX-$n.csr"
  "$iotonb" idevid mint --now $now --serial "FIX-$n" --csr "FIX-$n.csr" --cert-serial-seed fixtures \
    --ca-cert idevid-ca.crt --ca-key "$keys/idevid-ca.ed25519.key" --ca-chain root.crt \
    --hw-type 1.3.6.1.4.1.32473.1.1 --masa-url masa.fixture.example:9443 \
    --mud-url https://mud.fixture.example/widget.json --out-dir devices --ledger ledger.sqlite -q > /dev/null
done
