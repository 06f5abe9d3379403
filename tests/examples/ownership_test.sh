#!/usr/bin/env bash
# examples/ownership/resale-chain.sh runs to the end (the owner's verify and the device's
# check pass, the distributor's proof is refused), and every voucher it leaves also verifies
# with the independent checker (tests/interop/check_fdo_voucher.py: Debian cbor2 + cryptography).
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
WORK_DIR=$work IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/ownership/resale-chain.sh" >"$work/out" 2>&1 ||
  { cat "$work/out"; exit 1; }
checker=("${PYTHON3:-/usr/bin/python3}" "$IOTONB_SOURCE_DIR/tests/interop/check_fdo_voucher.py")
"${checker[@]}" "$work/sn-0001.ov" --manufacturer "$work/manufacturer.pub" --owner "$work/manufacturer.pub"
for n in 1 2 3; do "${checker[@]}" "$work/sold-$n.ov" --manufacturer "$work/manufacturer.pub"; done
"${checker[@]}" "$work/sold-3.ov" --owner "$work/owner.pub"
if "${checker[@]}" "$work/sold-3.ov" --owner "$work/reseller.pub" >/dev/null; then
  echo "the checker took the reseller for the owner"; exit 1
fi
grep -q "\"entry_count\":3" "$work/sold-3.json" || { echo "sold-3.json does not count 3 entries"; exit 1; }
[[ ! -e $work/stale.cose ]] || { echo "a refused proof left a file"; exit 1; }
echo "resale chain OK"
