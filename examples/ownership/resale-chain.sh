#!/usr/bin/env bash
# An FDO ownership voucher through a three-party resale chain, as FIDO Device Onboard does it:
#   1. the manufacturer mints the device's IDevID and, offline on the line, its ownership
#      voucher and device credential (the device keeps the credential and its HMAC secret);
#   2. the voucher is sold on: manufacturer -> distributor -> reseller -> owner, each sale an
#      entry signed by the seller naming the buyer's key (`iotonb ownership transfer`);
#   3. the owner checks the voucher before accepting it: it starts at the expected
#      manufacturer, every signature and hash link holds, and it ends at the owner's key;
#   4. at onboarding the device sends a fresh nonce; the owner signs it with the voucher
#      (`ownership prove`) and the device accepts the proof with its own credential
#      (`ownership check`). The distributor, an earlier owner, cannot prove ownership.
#   IOTONB_BIN   the iotonb binary (default: iotonb on PATH)
#   WORK_DIR     where to work (default: a new temporary folder, kept and printed at the end)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
dir=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/iotonb-ownership.XXXXXX")}
mkdir -p "$dir" && cd "$dir"
step() { printf '\n== %s\n' "$*" >&2; }
unsafe=(--no-password --insecure)  # demo keys only: real keys stay encrypted

step "Manufacturer: device CA, IDevID for SN-0001, and the key that signs its vouchers"
"$iotonb" ca create --subject 'O=Example Devices Inc,CN=Example Devices Root' --out-cert mfg-root.crt \
  --out-key mfg-root.key "${unsafe[@]}" --force
rm -rf devices
"$iotonb" idevid mint --ca-cert mfg-root.crt --ca-key mfg-root.key --serial SN-0001 --out-dir devices >/dev/null
"$iotonb" key generate --out manufacturer.key --public-out manufacturer.pub "${unsafe[@]}" --force

step "Manufacturer: the voucher and device credential, made on the line"
"$iotonb" ownership voucher create --manufacturer-key manufacturer.key --idevid devices/SN-0001 \
  --rv https://rv.example.com:8041 --out sn-0001.ov --credential-out sn-0001.dc --force
"$iotonb" ownership inspect sn-0001.ov

step "Buyers make their keys"
for party in distributor reseller owner; do
  "$iotonb" key generate --out "$party.key" --public-out "$party.pub" "${unsafe[@]}" --force
done

step "Three sales: manufacturer -> distributor -> reseller -> owner"
"$iotonb" ownership transfer sn-0001.ov --owner-key manufacturer.key --to distributor.pub --out sold-1.ov --force
"$iotonb" ownership transfer sold-1.ov --owner-key distributor.key --to reseller.pub --out sold-2.ov --force
"$iotonb" ownership transfer sold-2.ov --owner-key reseller.key --to owner.pub --out sold-3.ov --force

step "Owner: check the voucher before accepting it"
"$iotonb" ownership verify sold-3.ov --manufacturer manufacturer.pub --owner owner.pub
"$iotonb" ownership inspect sold-3.ov --format json >sold-3.json

step "Device: a fresh nonce; owner: the proof; device: checks it with its own credential"
nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
"$iotonb" ownership prove --voucher sold-3.ov --owner-key owner.key --nonce "$nonce" --out proof.cose --force
"$iotonb" ownership check --device-credential sn-0001.dc --voucher sold-3.ov --proof proof.cose --nonce "$nonce"

step "The distributor, an earlier owner, cannot prove ownership"
if "$iotonb" ownership prove --voucher sold-3.ov --owner-key distributor.key --nonce "$nonce" --out stale.cose --force; then
  echo "unexpected: the distributor made a proof" >&2
  exit 1
fi

printf '\nAll files are in %s\n' "$dir" >&2
