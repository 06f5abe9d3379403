#!/usr/bin/env bash
# examples/onboarding/onboarding-demo.sh (README's first command) runs to the end: every device
# onboarded, the wiped one twice with its first LDevID marked replaced; every LDevID accepted
# by openssl against the domain CA, the voucher by openssl cms against the manufacturer CA;
# the device with unvetted software in the quarantine segment, the one that first tried with
# debug enabled refused then and admitted with healthy evidence; every device's MUD file
# (published by `mud serve`) verified and compiled into rules `nft -c` accepts where nft is
# installed; no server left running.
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
DEMO_DIR=$work/demo IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/onboarding/onboarding-demo.sh" >"$work/out" 2>&1 ||
  { cat "$work/out"; exit 1; }
cd "$work/demo"
for d in devices/EXD-00000{1,2,3}; do
  openssl verify -CAfile domain-ca.crt "$d/ldevid.crt" >/dev/null
  openssl x509 -in "$d/ldevid.crt" -noout -ext extendedKeyUsage | grep -q "TLS Web Client Authentication"
  [[ $(stat -c %a "$d/ldevid.key") == 600 ]] || { echo "$d/ldevid.key is not 0600"; exit 1; }
  openssl cms -verify -inform DER -in "$d/voucher.vcj" -CAfile manufacturer-ca.crt -purpose any -binary -out "$d/voucher.json" 2>/dev/null
  grep -q "\"pinned-domain-cert\"" "$d/voucher.json"
done
"$IOTONB_BIN" registrar devices list --config registrar.yaml --format json >devices.json
"${PYTHON3:-/usr/bin/python3}" - devices.json <<'PY'
import json, sys
devices = {d["serial"]: d for d in json.load(open(sys.argv[1]))["devices"]}
assert sorted(devices) == ["EXD-000001", "EXD-000002", "EXD-000003"], devices
assert all(d["status"] == "enrolled" for d in devices.values()), devices
assert devices["EXD-000001"]["onboard_count"] == 2 and devices["EXD-000002"]["onboard_count"] == 1, devices
PY
"$IOTONB_BIN" registrar devices show EXD-000001 --config registrar.yaml | grep -q "replaced"
"$IOTONB_BIN" registrar devices show EXD-000003 --config registrar.yaml --format json >exd3.json
"${PYTHON3:-/usr/bin/python3}" - exd3.json <<'PY'
import json, sys
segments = {d: json.load(open(f"devices/{d}/network-profile.json"))["segment"] for d in ("EXD-000001", "EXD-000002")}
assert segments == {"EXD-000001": "thermostats", "EXD-000002": "quarantine"}, segments
d = json.load(open(sys.argv[1]))
assert d["attestation"]["verdict"] == "affirming", d["attestation"]
verdicts = [r["reason"] for r in d["reports"] if r["kind"] == "attestation"]
assert verdicts == ["contraindicated", "affirming"], verdicts
PY
for d in EXD-00000{1,2,3}; do
  "$IOTONB_BIN" registrar devices show "$d" --config registrar.yaml | grep -q "mud: *verified" ||
    { echo "$d: MUD file not verified"; exit 1; }
  grep -q 'ip daddr 203.0.113.10 tcp dport 443' "policy/$d.nft" || { echo "policy/$d.nft lacks the update flow"; exit 1; }
done
if nft --version >/dev/null 2>&1 && nft -c -f /dev/null 2>/dev/null; then nft -c -f policy/site.nft; fi
grep -q "whole onboarding demo" ../out
# The servers stopped with the demo: their ports refuse connections.
for service in masa registrar mud; do
  url=$(sed -n '1s/.* on //p' "$service.out")
  if curl -sk --max-time 2 "$url/" -o /dev/null; then echo "$service still answers at $url"; exit 1; fi
done
echo "onboarding demo OK"
