#!/usr/bin/env bash
# A whole trusted onboarding on loopback (RFC 8995 BRSKI + RFC 7030 EST), every party played
# by iotonb with embedded defaults, in a temporary folder:
#   manufacturer   root CA, MASA certificates, a signed MUD file published by `mud serve`,
#                  IDevIDs for a small batch naming the MASA and the MUD file
#   supply chain   a purchase record selling the batch to the owner, loaded by the MASA
#                  (ownership records) and the owner's registrar (allow-list)
#   owner          domain CA, registrar certificate (cmcRA), `registrar serve` requiring
#                  attestation (reference values for the firmware the owner has vetted) and
#                  enforcing MUD (each device's verified MUD file compiled to nftables rules)
#   device         `iotonb enroll --evidence`: evidence appraised (a device with debug
#                  enabled is refused, one running unvetted software is quarantined),
#                  voucher, pinned registrar, LDevID, network profile; then `device wipe`
#                  and enrolling again, as a wiped device would
# The servers bind 127.0.0.1 on free ports and stop when the script ends.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   DEMO_DIR     keep the files there instead of a temporary folder that is removed
#   DEMO_COUNT   devices in the batch (default 3; every one is onboarded)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
count=${DEMO_COUNT:-3}
if [[ -n ${DEMO_DIR:-} ]]; then
  dir=$DEMO_DIR && rm -rf "$dir" && mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/iotonb-demo.XXXXXX")
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n ${DEMO_DIR:-} ]] || rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
umask 077
step() { printf '\n== %s\n' "$*" >&2; }
started=$(date +%s.%N)

# start NAME CONFIG: `iotonb NAME serve` in the background; url NAME: its URL, once it
# listens (the first line it prints).
start() {
  "$iotonb" "$1" serve --config "$2" > "$1.out" 2> "$1.log" &
  pids+=("$!")
}
url() {
  for _ in $(seq 100); do
    if [[ -s $1.out ]]; then sed -n '1s/.* on //p' "$1.out"; return; fi
    sleep 0.05
  done
  echo "$1 did not start:" >&2
  cat "$1.log" >&2
  return 1
}

step "Manufacturer: root CA, MASA voucher signer and TLS certificate"
key_opts=(--no-password --insecure)
"$iotonb" ca create --subject 'C=US,O=Example Devices Inc,CN=Example Devices Root CA' \
  --out-cert manufacturer-ca.crt --out-key manufacturer-ca.key "${key_opts[@]}"
"$iotonb" ca create --profile masa --subject 'O=Example Devices Inc,CN=Example Devices MASA' \
  --parent-cert manufacturer-ca.crt --parent-key manufacturer-ca.key --out-cert masa.crt --out-key masa.key "${key_opts[@]}"
"$iotonb" ca create --profile server --subject 'O=Example Devices Inc,CN=localhost' --san IP:127.0.0.1 --san DNS:localhost \
  --parent-cert manufacturer-ca.crt --parent-key manufacturer-ca.key --out-cert masa-tls.crt --out-key masa-tls.key "${key_opts[@]}"
cat > masa.yaml <<'YAML'
listen: {address: 127.0.0.1, port: 0}
tls: {cert: masa-tls.crt, key: masa-tls.key}
voucher-signer: {cert: masa.crt, key: masa.key}
manufacturer-trust: manufacturer-ca.crt
store: masa.sqlite
YAML
start masa masa.yaml
masa_url=$(url masa)
echo "MASA at $masa_url" >&2

step "Manufacturer: the thermostat's MUD file (RFC 8520), signed and published by iotonb mud serve"
mud_signer='O=Example Devices Inc,CN=Example Devices MUD Signer'
"$iotonb" ca create --profile masa --subject "$mud_signer" \
  --parent-cert manufacturer-ca.crt --parent-key manufacturer-ca.key --out-cert mud-signer.crt --out-key mud-signer.key "${key_opts[@]}"
mkdir -p published/mud
"$iotonb" mud serve --dir published --tls-cert masa-tls.crt --tls-key masa-tls.key --port 0 > mud.out 2> mud.log &
pids+=("$!")
mud_url="$(url mud)/mud/thermostat.json"
cat > thermostat-spec.yaml <<YAML
mud-url: $mud_url
systeminfo: Example smart thermostat
cache-validity: 48
allow:
  - {name: update, to: fw-update.devices.example.com, protocol: tcp, port: 443, initiated-by: device}
  - {name: cloud, to: mqtt.devices.example.com, protocol: tcp, port: 8883}
YAML
"$iotonb" mud create --from thermostat-spec.yaml -o published/mud/thermostat.json
"$iotonb" mud sign published/mud/thermostat.json --key mud-signer.key --cert mud-signer.crt -o published/mud/thermostat.p7s
echo "MUD file at $mud_url" >&2

step "Manufacturer: $count IDevIDs naming that MASA and that MUD file (and its signer)"
"$iotonb" idevid mint --ca-cert manufacturer-ca.crt --ca-key manufacturer-ca.key --count "$count" \
  --serial-format 'EXD-{:06}' --subject 'O=Example Devices Inc,CN=Example Thermostat' \
  --masa-url "${masa_url#https://}" --mud-url "$mud_url" --mud-signer "$mud_signer" --out-dir devices --no-progress >/dev/null
ls devices | grep -v ledger >&2

step "Owner: domain CA and registrar certificate (cmcRA, serverAuth, clientAuth)"
"$iotonb" ca create --subject 'C=US,O=Example Owner,CN=Example Owner Domain CA' \
  --out-cert domain-ca.crt --out-key domain-ca.key "${key_opts[@]}"
"$iotonb" ca create --profile registrar --subject 'O=Example Owner,CN=registrar.example' --san IP:127.0.0.1 \
  --parent-cert domain-ca.crt --parent-key domain-ca.key --out-cert registrar.crt --out-key registrar.key "${key_opts[@]}"

step "Supply chain: the manufacturer signs the sale; MASA and registrar load it after checking the signature"
"$iotonb" supply-chain purchase --manufacturer-key manufacturer-ca.key --manufacturer-cert manufacturer-ca.crt \
  --owner 'Example Owner' --domain-ca domain-ca.crt --devices devices -o purchase.p7
"$iotonb" masa claim --purchase purchase.p7 --config masa.yaml

step "Attestation: what the devices measure and state, and the reference values the owner accepts"
printf 'example thermostat firmware 1.4.2\n' > firmware.bin
describe() {  # describe NAME SWVERSION DBGSTAT: a device description for `enroll --evidence`
  printf 'claims: {hwmodel: hex:0102, swversion: %s, dbgstat: %s, oemboot: true}\nmeasure: [{name: firmware, file: firmware.bin}]\n' \
    "$2" "$3" > "$1.yaml"
}
describe healthy 1.4.2 disabled-permanently
describe unvetted 1.5.0-beta disabled-permanently
describe debugging 1.4.2 enabled
cat > reference.yaml <<YAML
hwmodel: hex:0102
swversions: [1.4.1, 1.4.2]
measurements: [{name: firmware 1.4.2, digest: $(sha256sum firmware.bin | cut -c1-64)}]
dbgstat: disabled
oemboot: true
max_age: 5m
YAML
cat reference.yaml >&2
cat > registrar.yaml <<'YAML'
listen: {address: 127.0.0.1, port: 0}
tls: {cert: registrar.crt, key: registrar.key}
domain-ca: {cert: domain-ca.crt, key: domain-ca.key}
manufacturer-trust: manufacturer-ca.crt
masa: {trust: manufacturer-ca.crt}
store: registrar.sqlite
network: {network-id: example-iot, authentication: eap-tls, segment: thermostats, quarantine-segment: quarantine}
attestation: {policy: reference.yaml, required: true}
mud: {trust: manufacturer-ca.crt, tls-trust: manufacturer-ca.crt, local-policy: local-policy.yaml, policy-dir: policy}
YAML
cat > local-policy.yaml <<'YAML'
dns: {fw-update.devices.example.com: [203.0.113.10], mqtt.devices.example.com: [203.0.113.11]}
segments: {default: {name: thermostats, vlan: 100}, quarantine: {name: quarantine, vlan: 999}}
YAML
"$iotonb" registrar allow --purchase purchase.p7 --config registrar.yaml
start registrar registrar.yaml
registrar_url=$(url registrar)
echo "registrar at $registrar_url" >&2

step "Devices: iotonb enroll (evidence appraised, voucher from the MASA, registrar pinned, LDevID over EST, network profile)"
enroll() {  # enroll DEVICE DESCRIPTION [OPTIONS...]
  local device=$1 description=$2
  shift 2
  "$iotonb" enroll --registrar "$registrar_url" --state "devices/$device" --masa-trust manufacturer-ca.crt \
    --evidence "$description.yaml" "$@"
}
echo "EXD-000003 with debug enabled:" >&2
if enroll EXD-000003 debugging; then echo "a device with debug enabled was onboarded" >&2; exit 1; fi
echo "EXD-000002 running software the owner has not vetted (quarantined):" >&2
enroll EXD-000002 unvetted
for d in devices/EXD-*; do
  [[ -e $d/enrollment.json ]] || enroll "${d#devices/}" healthy
done
"$iotonb" device show --state devices/EXD-000001
openssl verify -CAfile domain-ca.crt devices/EXD-000001/ldevid.crt >&2

step "A wiped device keeps its birth identity and onboards again (with fresh evidence)"
"$iotonb" device wipe --state devices/EXD-000001
enroll EXD-000001 healthy --format json

step "The registrar's record of onboarded devices"
"$iotonb" registrar devices list --config registrar.yaml
"$iotonb" registrar devices show EXD-000001 --config registrar.yaml

step "MUD: the rules the registrar compiled from EXD-000001's verified MUD file (policy/EXD-000001.nft)"
cat policy/EXD-000001.nft
if command -v nft >/dev/null && nft -c -f policy/site.nft 2>/dev/null; then
  echo "nft -c accepts the site's ruleset (policy/site.nft)" >&2
fi
finished=$(date +%s.%N)
awk -v s="$started" -v e="$finished" 'BEGIN { printf "\nwhole onboarding demo: %.1f s\n", e - s }' >&2
