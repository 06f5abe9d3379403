#!/usr/bin/env bash
# Signing MUD files (RFC 8520 13.2) and checking them as a network would:
#   1. the manufacturer makes a MUD signing CA and a MUD signer certificate (keyUsage
#      digitalSignature) and mints a device IDevID naming its MUD URL and the signer (mudSigner);
#   2. it signs lamp.json (a Luminaire-style file, shipped beside this script) and, when
#      `iotonb mud create` can build it, the thermostat from thermostat-spec.yaml: a detached
#      DER signature over the exact bytes, to be served beside the file as .p7s;
#   3. the network reads the MUD URL from the IDevID and verifies the file against the signing
#      CA and the IDevID's mudSigner; a file changed by one byte is refused (exit 1);
#   4. it compiles the verified file with its local policy (local-policy.yaml) into nftables
#      rules for the lamp's address.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   WORK_DIR     where to work (default: a new temporary folder, kept and printed at the end)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
iotonb=${IOTONB_BIN:-iotonb}
dir=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/iotonb-mud.XXXXXX")}
mkdir -p "$dir" && cd "$dir"
cp "$here/lamp.json" "$here/thermostat-spec.yaml" .
step() { printf '\n== %s\n' "$*" >&2; }
unsafe=(--no-password --insecure)  # demo keys only: real keys stay encrypted

step "Manufacturer: a MUD signing CA, a MUD signer, and a device whose IDevID names both"
"$iotonb" ca create --subject 'O=Example Lamps Inc,CN=Example Lamps MUD CA' --out-cert mud-ca.crt \
  --out-key mud-ca.key "${unsafe[@]}" --force
"$iotonb" key generate --out mud-signer.key "${unsafe[@]}" --force
# The masa profile is an end-entity certificate with keyUsage digitalSignature, which a MUD
# signer needs as much as a voucher signer does.
"$iotonb" ca create --profile masa --subject 'O=Example Lamps Inc,CN=Example Lamps MUD Signer' --key mud-signer.key \
  --parent-cert mud-ca.crt --parent-key mud-ca.key --out-cert mud-signer.crt --force
"$iotonb" ca create --subject 'O=Example Lamps Inc,CN=Example Lamps Device CA' --out-cert device-ca.crt \
  --out-key device-ca.key "${unsafe[@]}" --force
rm -rf devices
"$iotonb" idevid mint --ca-cert device-ca.crt --ca-key device-ca.key --serial LAMP-0001 \
  --mud-url https://lamps.example.com/mud/lamp-200.json \
  --mud-signer 'O=Example Lamps Inc,CN=Example Lamps MUD Signer' --out-dir devices >/dev/null

step "Manufacturer: sign the MUD files"
"$iotonb" mud sign lamp.json --key mud-signer.key --cert mud-signer.crt -o lamp.p7s --force
files=(lamp)
if "$iotonb" mud create --from thermostat-spec.yaml -o thermostat.json --force 2>/dev/null; then
  "$iotonb" mud sign thermostat.json --key mud-signer.key --cert mud-signer.crt --content-type mudtype \
    -o thermostat.p7s --force
  files+=(thermostat)
else
  echo "(iotonb mud create is not available here: the thermostat is skipped)" >&2
fi

step "Network: the device's MUD URL, then each file verified against the CA and the mudSigner"
"$iotonb" mud url --from-cert devices/LAMP-0001/idevid.crt --format json
for f in "${files[@]}"; do
  "$iotonb" mud verify "$f.json" --signature "$f.p7s" --trust mud-ca.crt \
    --mud-signer-from devices/LAMP-0001/idevid.crt
done

step "Network: a file changed by one byte is refused"
sed 's/"port": 443/"port": 444/' lamp.json >tampered.json
if "$iotonb" mud verify tampered.json --signature lamp.p7s --trust mud-ca.crt; then
  echo "the tampered file verified: this must not happen" >&2
  exit 1
fi
echo "refused, as it must be" >&2
step "Network: the verified file compiled with the local policy into nftables rules for the lamp"
cp "$here/local-policy.yaml" .
"$iotonb" mud compile lamp.json --device-ip 192.168.10.50 --device-id LAMP-0001 \
  --local-policy local-policy.yaml --target nftables -o lamp.nft --force
if command -v nft >/dev/null && nft -c -f lamp.nft 2>/dev/null; then echo "nft -c accepts lamp.nft" >&2; fi

step "Done; files in $dir"
