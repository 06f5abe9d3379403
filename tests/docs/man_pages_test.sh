#!/usr/bin/env bash
# Every generated man page renders without a single groff warning (-ww: all of them), the
# way man(1) shows it on a UTF-8 terminal. Skipped where groff is not installed.
set -uo pipefail

src=${IOTONB_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if ! command -v groff >/dev/null; then
  echo "SKIP: groff not installed"
  exit 0
fi
failures=0
pages=0
for page in "$src"/man/*.1; do
  pages=$((pages + 1))
  warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
  if [[ -n $warnings ]]; then
    echo "FAIL: $page:" >&2
    echo "$warnings" >&2
    failures=$((failures + 1))
  fi
done
if ((pages == 0)); then
  echo "FAIL: no man pages in $src/man" >&2
  exit 1
fi
((failures == 0)) || exit 1
echo "$pages man pages render without warnings"
