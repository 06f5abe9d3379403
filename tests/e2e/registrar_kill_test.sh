#!/usr/bin/env bash
# Faults: the registrar is killed with SIGKILL while pledges enroll. No record it committed
# is lost: every pledge that finished (exit 0) is recorded as enrolled with the LDevID it
# holds, the store passes SQLite's integrity check and opens cleanly, and once the registrar
# is back every other pledge enrolls (those that had their voucher and state written are
# re-onboarded with --force, as a wiped device would be).
SUITE=e2e
source "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/world.sh"
cd "$WORK"
count=40
make_world "$count"
start_server registrar
registrar_pid=${SERVER_PIDS[-1]}

enroll() {  # enroll SERIAL: exit status in status/SERIAL
  local rc=0
  "$IOTONB_BIN" enroll --registrar "$registrar_url" --state "devices/$1" --masa-trust maker.crt --retries 0 \
    --timeout 5 "${@:2}" >"out-$1" 2>&1 || rc=$?
  echo "$rc" >"status-$1"
}
pledges=()
for d in devices/EXD-*; do
  enroll "${d##*/}" &
  pledges+=("$!")
done
# Kill once some devices have enrolled and others are still on the way.
for _ in $(seq 200); do
  n=$(cat status-* 2>/dev/null | grep -c '^0$' || true)
  ((n >= 5)) && break
  sleep 0.02
done
kill -KILL "$registrar_pid"
wait "$registrar_pid" 2>/dev/null || true
wait "${pledges[@]}"
done_ok=$(grep -l '^0$' status-* | sed 's/status-//' | sort)
check "some pledges finished before the kill" test -n "$done_ok"
echo "pledges finished before SIGKILL: $(wc -w <<<"$done_ok") of $count"

check_eq "store integrity after SIGKILL" "$(sqlite3 registrar.sqlite 'PRAGMA integrity_check')" "ok"
"$IOTONB_BIN" registrar devices list --config registrar.yaml --format json >devices.json
check "every finished pledge is recorded as enrolled with the LDevID it holds" "$PYTHON3" - devices.json $done_ok <<'PY'
import hashlib, json, ssl, sys
records = {d["serial"]: d for d in json.load(open(sys.argv[1]))["devices"]}
for serial in sys.argv[2:]:
    der = ssl.PEM_cert_to_DER_cert(open(f"devices/{serial}/ldevid.crt").read())
    r = records.get(serial)
    assert r and r["status"] == "enrolled", (serial, r)
    assert r["ldevid_sha256"] == hashlib.sha256(der).hexdigest(), (serial, r)
PY

start_server registrar
for d in devices/EXD-*; do
  s=${d##*/}
  grep -q '^0$' "status-$s" && continue
  enroll "$s" --force
  check_eq "$s enrolls after the restart" "$(cat "status-$s")" "0"
done
"$IOTONB_BIN" registrar devices list --config registrar.yaml --format json >devices.json
check "all $count devices enrolled, each once more only if it was cut off" "$PYTHON3" - devices.json "$count" <<'PY'
import json, sys
devices = json.load(open(sys.argv[1]))["devices"]
assert len(devices) == int(sys.argv[2]), len(devices)
assert all(d["status"] == "enrolled" for d in devices), [d for d in devices if d["status"] != "enrolled"]
PY
finish
