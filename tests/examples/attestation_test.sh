#!/usr/bin/env bash
# examples/attestation/attest.sh runs to the end with the verdicts it promises (healthy device
# affirming, debug enabled contraindicated, unvetted software warning, replay contraindicated),
# and the evidence it leaves also verifies with the independent checker
# (tests/interop/check_eat.py: Debian cbor2 + cryptography).
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
WORK_DIR=$work IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/attestation/attest.sh" >"$work/out" 2>&1 ||
  { cat "$work/out"; exit 1; }
verdict() { "${PYTHON3:-/usr/bin/python3}" -c "import json,sys; print(json.load(open(sys.argv[1]))['verdict'])" "$work/$1"; }
[[ $(verdict verdict.json) == affirming ]] || { echo "healthy device: $(cat "$work/verdict.json")"; exit 1; }
[[ $(verdict debug-verdict.json) == contraindicated ]] || { echo "debug: $(cat "$work/debug-verdict.json")"; exit 1; }
[[ $(verdict beta-verdict.json) == warning ]] || { echo "beta: $(cat "$work/beta-verdict.json")"; exit 1; }
[[ $(verdict replay-verdict.json) == contraindicated ]] || { echo "replay: $(cat "$work/replay-verdict.json")"; exit 1; }
"${PYTHON3:-/usr/bin/python3}" "$IOTONB_SOURCE_DIR/tests/interop/check_eat.py" verify "$work/evidence.cbor" \
  "$work/device.crt" >/dev/null
grep -q '"http://arm.com/psa/2.0.0"' "$work/out" || { echo "the PSA token's diag lacks its profile"; exit 1; }
echo "attestation example OK"
