#!/usr/bin/env bash
# A factory line, start to finish: the manufacturer's CA hierarchy (once), a production run
# from a manifest, a device that makes its own key and sends a CSR, an interrupted-and-resumed
# batch, and a final check of every birth certificate with openssl.
#   usage: factory-line.sh [WORK_DIR]    (IOTONB_BIN: the iotonb binary, default iotonb)
set -euo pipefail
iotonb=${IOTONB_BIN:-iotonb}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work" && cd "$work"
cp "$here/devices.csv" "$here/iotonb.yaml" .
umask 077
[ -f ca.pw ] || openssl rand -base64 24 > ca.pw   # in production: a secret store, never a file in the repo
export IOTONB_CA_PASSWORD_FILE=ca.pw              # --ca-password-file for idevid mint, from the environment

echo "== CA hierarchy" >&2
[ -f root.crt ] || "$iotonb" ca create --subject 'C=US,O=Acme Devices,CN=Acme Root CA' --key-type p384 \
  --out-cert root.crt --out-key root.key --password-file ca.pw
[ -f idevid-ca.crt ] || "$iotonb" ca create --profile intermediate --path-len 0 \
  --subject 'C=US,O=Acme Devices,CN=Acme IDevID CA 1' --parent-cert root.crt --parent-key root.key \
  --parent-password-file ca.pw --out-cert idevid-ca.crt --out-key idevid-ca.key --password-file ca.pw

echo "== Production run from the manifest" >&2
"$iotonb" --config iotonb.yaml idevid mint --manifest devices.csv --out-dir line1 > line1.jsonl

echo "== A device with its own key (secure element): CSR in, certificate out" >&2
"$iotonb" csr create --subject serialNumber=ACME-SE-000001 --out-key se-device.key --no-password --insecure \
  --out se-device.csr
"$iotonb" --config iotonb.yaml idevid mint --serial ACME-SE-000001 --csr se-device.csr \
  --hw-type 1.3.6.1.4.1.32473.1.3 --out-dir line1 >> line1.jsonl

echo "== A 2000-device run, interrupted and resumed" >&2
"$iotonb" --config iotonb.yaml idevid mint --count 2000 --serial-format 'ACME-TH-1{:05}' \
  --hw-type 1.3.6.1.4.1.32473.1.1 --masa-url masa.acme.example:9443 --out-dir line2 > line2.jsonl &
sleep 0.3; kill -9 $! 2>/dev/null || true; wait 2>/dev/null || true
"$iotonb" --config iotonb.yaml idevid mint --count 2000 --serial-format 'ACME-TH-1{:05}' \
  --hw-type 1.3.6.1.4.1.32473.1.1 --masa-url masa.acme.example:9443 --out-dir line2 >> line2.jsonl
echo "devices in line2: $(find line2 -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)" >&2

echo "== Every birth certificate checked by openssl" >&2
failed=0
for crt in line1/*/idevid.crt line2/*/idevid.crt; do
  openssl verify -CAfile root.crt -untrusted idevid-ca.crt "$crt" > /dev/null || { echo "FAILED: $crt" >&2; failed=1; }
done
echo "checked $(ls line1/*/idevid.crt line2/*/idevid.crt | wc -l) certificates" >&2
exit $failed
