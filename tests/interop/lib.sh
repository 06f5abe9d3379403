# shellcheck shell=bash
# Shared by the interop scripts: environment checks, a scratch folder removed on exit, and
# failure reporting. Sourced, not run. Every check is counted; a script ends with `finish`,
# which exits 1 listing the failed checks, so one defect does not hide the next.
set -Eeuo pipefail
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: command failed: $BASH_COMMAND" >&2; exit 1' ERR

: "${IOTONB_BIN:?IOTONB_BIN must point at the iotonb binary}"
PYTHON3="${PYTHON3:-/usr/bin/python3}"
INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export INTEROP_DIR
[[ -x "$IOTONB_BIN" ]] || { echo "FAIL: IOTONB_BIN=$IOTONB_BIN is not executable" >&2; exit 1; }
command -v openssl >/dev/null || { echo "FAIL: openssl is not installed" >&2; exit 1; }
"$PYTHON3" -c 'import asn1crypto' 2>/dev/null || { echo "FAIL: $PYTHON3 has no asn1crypto (python3-asn1crypto)" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/iotonb-interop.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

FAILURES=()
CHECKS=0

fail() {
  FAILURES+=("$*")
  echo "FAIL: $*" >&2
}

pass() {
  echo "ok: $*"
}

# check DESCRIPTION COMMAND...: runs the command, counts a failure (with its output) when it fails.
check() {
  local what="$1"
  shift
  CHECKS=$((CHECKS + 1))
  local out
  if out="$("$@" 2>&1)"; then
    pass "$what"
  else
    fail "$what"
    printf '%s\n' "$out" | sed 's/^/    /' >&2
  fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
  CHECKS=$((CHECKS + 1))
  if [[ "$2" == "$3" ]]; then
    pass "$1"
  else
    fail "$1: got '$2', want '$3'"
  fi
}

finish() {
  if ((${#FAILURES[@]} > 0)); then
    echo "${#FAILURES[@]} of $CHECKS checks failed:" >&2
    printf '  - %s\n' "${FAILURES[@]}" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
}

# A root CA and an intermediate (IDevID issuing) CA with encrypted keys, in $WORK.
make_ca_pair() {
  printf 'interop test password\n' >pw
  "$IOTONB_BIN" ca create --subject 'C=US,O=Acme,CN=Acme Interop Root' --out-cert root.crt --out-key root.key \
    --password-file pw --format json >root.json
  "$IOTONB_BIN" ca create --profile intermediate --subject 'C=US,O=Acme,CN=Acme Interop IDevID CA' \
    --parent-cert root.crt --parent-key root.key --parent-password-file pw \
    --out-cert ca.crt --out-key ca.key --password-file pw --format json >ca.json
}

# The DER offset of the extnValue OCTET STRING of extension OID in a PEM certificate, for
# `openssl asn1parse -strparse`.
ext_value_offset() {
  local cert="$1" oid="$2"
  openssl asn1parse -in "$cert" | awk -v oid=":$oid" '
    found && /OCTET STRING/ { split($1, a, ":"); print a[1]; exit }
    $NF == oid { found = 1 }'
}

# "TYPE:VALUE" of a string-valued extension as openssl asn1parse decodes its extnValue
# ("IA5STRING:masa.example.com"), or "" when the certificate does not carry it.
ext_string() {
  local cert="$1" oid="$2" off
  off="$(ext_value_offset "$cert" "$oid")"
  [[ -n "$off" ]] || return 0
  openssl asn1parse -in "$cert" -strparse "$off" | sed -n -E '1s/^ *0:d=0 +hl=[0-9]+ +l= *[0-9]+ +prim: +([A-Z0-9]+) +:(.*)$/\1:\2/p'
}
