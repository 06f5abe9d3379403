#!/usr/bin/env bash
# The end-to-end demo with embedded defaults: a manufacturer's CA hierarchy, a batch of
# IDevIDs for a production run, and a look at one device's birth certificate.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   DEMO_DIR     where to work (default: demo-out/ in the checkout; replaced on each run)
#   DEMO_COUNT   devices in the batch (default 1000)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${DEMO_DIR:-$top/demo-out}
count=${DEMO_COUNT:-1000}
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
step() { printf '\n== %s\n' "$*" >&2; }

step "Manufacturer root CA and IDevID issuing CA (keys encrypted with a demo password)"
umask 077
printf 'demo-password-change-me\n' > ca.pw
"$iotonb" ca create --subject 'C=US,O=Example Devices Inc,CN=Example Devices Root CA' \
  --out-cert root.crt --out-key root.key --password-file ca.pw
"$iotonb" ca create --profile intermediate --path-len 0 \
  --subject 'C=US,O=Example Devices Inc,CN=Example Devices IDevID CA' \
  --parent-cert root.crt --parent-key root.key --parent-password-file ca.pw \
  --out-cert idevid-ca.crt --out-key idevid-ca.key --password-file ca.pw

step "Mint $count IDevIDs (802.1AR) with the MASA and MUD URL extensions"
start=$(date +%s.%N)
"$iotonb" idevid mint --ca-cert idevid-ca.crt --ca-key idevid-ca.key --ca-password-file ca.pw \
  --ca-chain root.crt --count "$count" --serial-format 'EXD-{:06}' \
  --subject 'O=Example Devices Inc,CN=Example Thermostat' --hw-type 1.3.6.1.4.1.32473.1.1 \
  --masa-url masa.example.com:9443 --mud-url https://mud.example.com/thermostat.json \
  --out-dir devices > devices.jsonl
end=$(date +%s.%N)
awk -v n="$count" -v s="$start" -v e="$end" 'BEGIN { printf "minted %d devices in %.2f s\n", n, e - s }' >&2
head -n 1 devices.jsonl

step "Re-running the same batch mints nothing twice (the issuance ledger)"
"$iotonb" idevid mint --ca-cert idevid-ca.crt --ca-key idevid-ca.key --ca-password-file ca.pw \
  --ca-chain root.crt --count "$count" --serial-format 'EXD-{:06}' \
  --subject 'O=Example Devices Inc,CN=Example Thermostat' --hw-type 1.3.6.1.4.1.32473.1.1 \
  --masa-url masa.example.com:9443 --mud-url https://mud.example.com/thermostat.json \
  --out-dir devices | wc -l | xargs printf 'devices minted on re-run: %s\n' >&2

step "Verify device EXD-000001 against the root"
"$iotonb" cert verify devices/EXD-000001/idevid.crt --untrusted idevid-ca.crt --trust root.crt

step "iotonb cert inspect devices/EXD-000001/idevid.crt"
"$iotonb" cert inspect devices/EXD-000001/idevid.crt
printf '\nDemo files are in %s\n' "$dir" >&2
