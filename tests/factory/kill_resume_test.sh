#!/usr/bin/env bash
# SIGKILL a 20,000-device batch mid-way, run the same command again, and check the result is
# exactly the batch: 20,000 device folders, 20,000 ledger rows, distinct certificate serials,
# no .tmp-* folder, and no partial file (every certificate and key parses and matches).
set -euo pipefail
helper=${1:?usage: kill_resume_test.sh PATH/TO/mint_batch_helper}
count=20000
# tmpfs when there is one: the crash being tested is the process's, not the disk's, and a
# busy shared disk would make the test slow and its timing unpredictable.
base=${IOTONB_KILL_TEST_DIR:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
work=$(mktemp -d "$base/iotonb-kill-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$helper" make-ca "$work/ca"
# One worker for the first run, so it is surely still running when we kill it.
"$helper" mint "$work/ca" "$work/out" "$count" 1 >/dev/null 2>&1 &
pid=$!
rows=0
for _ in $(seq 1 600); do
  sleep 0.05
  kill -0 "$pid" 2>/dev/null || break
  rows=$("$helper" ledger-count "$work/out/ledger.sqlite" 2>/dev/null || echo 0)
  [ "$rows" -gt 2000 ] && break
done
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rows=$("$helper" ledger-count "$work/out/ledger.sqlite")
folders=$(find "$work/out" -mindepth 1 -maxdepth 1 -type d -name 'SN-*' | wc -l)
temps=$(find "$work/out" -mindepth 1 -maxdepth 1 -name '.tmp-*' | wc -l)
echo "killed: $rows ledger rows, $folders device folders, $temps temporary folders"
if [ "$rows" -ge "$count" ]; then
  echo "FAIL: the batch finished before it could be killed; nothing was tested" >&2
  exit 1
fi

"$helper" mint "$work/ca" "$work/out" "$count"
"$helper" verify "$work/ca" "$work/out" "$count"
