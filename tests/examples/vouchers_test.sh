#!/usr/bin/env bash
# examples/vouchers/voucher-pipeline.sh runs to the end (every request and voucher it makes
# verifies), and what it leaves checks out with openssl and the independent COSE checker.
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
WORK_DIR=$work IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/vouchers/voucher-pipeline.sh" >"$work/out" 2>&1 ||
  { cat "$work/out"; exit 1; }
for form in cms jws cose; do
  grep -q "voucher.$form: OK ($form voucher, serial-number SN-0001" "$work/out" || { echo "no OK for voucher.$form"; exit 1; }
done
openssl cms -verify -inform DER -in "$work/voucher.cms" -CAfile "$work/mfg-root.crt" -purpose any -binary -out /dev/null
"${PYTHON3:-/usr/bin/python3}" "$IOTONB_SOURCE_DIR/tests/interop/check_cose_sign1.py" "$work/voucher.cose" "$work/masa.crt"
echo "voucher pipeline OK"
