#!/usr/bin/env bash
# examples/mud/sign-and-verify.sh runs to the end: the signed example files verify with iotonb
# and with openssl (the independent check), against the example's CA, and the tampered file
# is refused.
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
WORK_DIR=$work IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/mud/sign-and-verify.sh" >"$work/out" 2>&1 ||
  { cat "$work/out"; exit 1; }
grep -q "lamp.json: OK (signed by O=Example Lamps Inc,CN=Example Lamps MUD Signer" "$work/out" ||
  { echo "lamp.json was not verified:"; cat "$work/out"; exit 1; }
grep -q "refused, as it must be" "$work/out" || { echo "the tampered file was not refused"; exit 1; }
openssl cms -verify -binary -inform DER -in "$work/lamp.p7s" -content "$work/lamp.json" -CAfile "$work/mud-ca.crt" \
  -purpose any -out /dev/null 2>/dev/null || { echo "openssl does not verify lamp.p7s"; exit 1; }
cmp -s "$work/lamp.json" "$IOTONB_SOURCE_DIR/examples/mud/lamp.json" || { echo "the signed file is not the shipped one"; exit 1; }
echo "mud signing example OK"
