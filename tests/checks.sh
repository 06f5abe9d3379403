# shellcheck shell=bash
# The check framework the shell tests share. Sourced, not run: strict mode, the iotonb binary
# from IOTONB_BIN, a scratch folder $WORK (the current folder, removed on exit), and counted
# checks. A script ends with `finish`, which exits 1 listing every failed check, so one defect
# does not hide the next. Set SUITE before sourcing to name the scratch folder.
set -Eeuo pipefail
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: command failed: $BASH_COMMAND" >&2; exit 1' ERR

: "${IOTONB_BIN:?IOTONB_BIN must point at the iotonb binary}"
PYTHON3="${PYTHON3:-/usr/bin/python3}"
[[ -x "$IOTONB_BIN" ]] || { echo "FAIL: IOTONB_BIN=$IOTONB_BIN is not executable" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/iotonb-${SUITE:-test}.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

FAILURES=()
CHECKS=0

fail() { FAILURES+=("$*"); echo "FAIL: $*" >&2; }
pass() { echo "ok: $*"; }

# check DESCRIPTION COMMAND...: runs the command, counts a failure (with its output) when it fails.
check() {
  local what="$1"
  shift
  CHECKS=$((CHECKS + 1))
  local out
  if out="$("$@" 2>&1)"; then pass "$what"; else fail "$what"; printf '%s\n' "$out" | sed 's/^/    /' >&2; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
  CHECKS=$((CHECKS + 1))
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

finish() {
  if ((${#FAILURES[@]} > 0)); then
    echo "${#FAILURES[@]} of $CHECKS checks failed:" >&2
    printf '  - %s\n' "${FAILURES[@]}" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
}
